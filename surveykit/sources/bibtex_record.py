"""The BibTeX entry a paper came from, kept in ``Paper.extra["bibtex"]`` for the bibliography.

A paper loaded from a ``.bib`` file carries its entry as written (file, line, key, type, every
field in file order: ``@string`` macros expanded, a bare month macro kept bare, LaTeX kept), so
``references.bib`` can write the author's key and fields back unchanged. When dedupe merges
records, their entries are united (:func:`combine_records`), sorted so that the order of the
sources does not matter.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from surveykit.sources.bibtex_read import BibEntry

SOURCE_RECORD = "bibtex"
_BARE = re.compile(r"^[A-Za-z][\w-]*$")


def source_record(entry: BibEntry, filename: str, inherited: dict[str, str] | None = None,
                  preambles: list[str] | None = None) -> str:
    """The JSON kept in ``Paper.extra["bibtex"]``: a list holding this one entry (and the
    file's ``@preamble`` blocks, which its macros may need)."""
    fields = [[name, entry.raw_fields[name].strip() if _BARE.match(entry.raw_fields.get(name, "").strip())
               else value] for name, value in entry.fields.items()]
    for name, value in (inherited or {}).items():
        if name not in entry.fields:
            fields.append([name, value])
    bare = sorted(name for name, raw in entry.raw_fields.items() if _BARE.match(raw.strip()))
    record = {"file": filename.replace("\\", "/").rsplit("/", 1)[-1], "line": entry.line,
              "key": entry.key, "type": entry.entry_type, "fields": fields, "bare": bare}
    if preambles:
        record["preamble"] = list(preambles)
    return json.dumps([record], ensure_ascii=False)


def records_of(extra: dict[str, str]) -> list[dict[str, Any]]:
    """The source entries stored for a paper (empty when it did not come from a ``.bib``)."""
    text = extra.get(SOURCE_RECORD)
    if not text:
        return []
    try:
        records = json.loads(text)
    except ValueError:
        return []
    return [r for r in records if isinstance(r, dict) and "fields" in r]


def _order(record: dict[str, Any]) -> tuple:
    return (str(record.get("key", "")).lower(), str(record.get("file", "")), record.get("line", 0))


def combine_records(values: list[str]) -> str:
    """The union of several ``extra["bibtex"]`` values, deduplicated and in a fixed order."""
    seen: dict[tuple, dict[str, Any]] = {}
    for value in values:
        for record in records_of({SOURCE_RECORD: value}):
            seen.setdefault(_order(record), record)
    return json.dumps([seen[k] for k in sorted(seen)], ensure_ascii=False)


__all__ = ["SOURCE_RECORD", "combine_records", "records_of", "source_record"]
