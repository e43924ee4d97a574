"""``[bib] style = "biblatex"``: entries carry the fields biber expects.

``journaltitle`` (from ``journal``), ``date`` (``2007`` / ``2007-10`` from ``year`` and ``month``),
``eprinttype`` (from ``archivePrefix``) and ``eprintclass`` (from ``primaryClass``) are added next
to the field they come from. The BibTeX names stay too (biber reads its own names first and does
not complain about the others), so the same file also works with natbib/bibtex, which is how the
draft PDF is compiled. Each added field is a report line (entry, field, before, after).
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
    """Add biber's field names to ``entry`` in place; the additions made."""
    changes: list[FieldChange] = []
    names = {name.lower(): name for name in entry.fields}
    year = entry.fields.get(names.get("year", ""), "")
    month_name = names.get("month")
    month = _month_number(entry.fields[month_name]) if month_name else None
    date = None
    if re.fullmatch(r"\s*\d{4}\s*", year or "") and "date" not in names:
        date = year.strip() + (f"-{month}" if month else "")
    fields: dict[str, str] = {}
    for name, value in entry.fields.items():
        fields[name] = value
        lower = name.lower()
        added = None
        if date is not None and lower == "year":
            added = ("date", date)
        elif RENAMES.get(lower) and RENAMES[lower] not in names:
            added = (RENAMES[lower], value)
        if added:
            fields[added[0]] = added[1]
            changes.append(FieldChange(entry.key, added[0], None, added[1],
                                       f"biblatex: {added[0]} added from {name} (kept for bibtex)"))
    entry.fields = fields
    return changes


__all__ = ["RENAMES", "to_biblatex"]
