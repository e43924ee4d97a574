"""``[bib] style = "biblatex"``: entries written with the field names biber expects.

``journal`` -> ``journaltitle``, ``year`` (+ ``month``) -> ``date`` (``2007`` / ``2007-10``),
``archivePrefix`` -> ``eprinttype``, ``primaryClass`` -> ``eprintclass``. Each rename is a
report line (entry, field, before, after).
"""

from __future__ import annotations

import re

from surveykit.bib.report import FieldChange

RENAMES = {"journal": "journaltitle", "archiveprefix": "eprinttype", "primaryclass": "eprintclass"}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _month_number(value: str) -> str | None:
    text = value.strip().strip("{}").strip().rstrip(".").lower()
    if text.isdigit() and 1 <= int(text) <= 12:
        return f"{int(text):02d}"
    if text[:3] in _MONTHS:
        return f"{_MONTHS.index(text[:3]) + 1:02d}"
    return None


def to_biblatex(entry) -> list[FieldChange]:
    """Rename ``entry``'s fields in place for biber; the changes made."""
    changes: list[FieldChange] = []
    fields: dict[str, str] = {}
    bare = set(entry.bare)
    names = {name.lower(): name for name in entry.fields}
    year = entry.fields.get(names.get("year", ""), "")
    month_name = names.get("month")
    month = _month_number(entry.fields[month_name]) if month_name else None
    date = None
    if re.fullmatch(r"\s*\d{4}\s*", year or "") and not names.get("date"):
        date = year.strip() + (f"-{month}" if month else "")
    for name, value in entry.fields.items():
        lower = name.lower()
        if date is not None and lower == "year":
            fields["date"] = date
            changes.append(FieldChange(entry.key, name, value, date, "biblatex: year as date"))
            continue
        if date is not None and lower == "month" and month:
            changes.append(FieldChange(entry.key, name, value, date, "biblatex: month is in date"))
            bare.discard(name)
            continue
        target = RENAMES.get(lower)
        if target and target not in names:
            fields[target] = value
            changes.append(FieldChange(entry.key, name, f"{name} = {value}",
                                       f"{target} = {value}", f"biblatex: {name} is {target}"))
            continue
        fields[name] = value
    entry.fields = fields
    entry.bare = frozenset(bare)
    return changes


__all__ = ["RENAMES", "to_biblatex"]
