"""JSON and JSONL paper records: a list of objects, an object holding the list (``papers``,
``results``, ``data``, ``works``...), or one object per line.

Keys are mapped like CSV headers (plus ``columns={field: key}``). Records that look like OpenAlex
works (``id`` starting ``https://openalex.org/W``), Semantic Scholar papers (``paperId``) or Crossref
works (``DOI`` + list ``title``) are converted by those APIs' converters. Every issue names the line
the record starts on.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from surveykit.corpus.model import Paper
from surveykit.sources.report import LoadIssue, LoadResult, SourceError
from surveykit.sources.tabular import (
    FIELD_ALIASES,
    FIELD_SYNONYMS,
    fields_to_paper,
    known_columns,
    links_with_names,
    read_text,
)

# Keys under which API responses and exports keep their list of records, most common first.
LIST_KEYS = ("papers", "results", "data", "works", "items", "records", "entries", "hits")
_WS = re.compile(r"\s*")
_decoder = json.JSONDecoder()


@dataclass(frozen=True)
class JsonRecord:
    """One record of a JSON/JSONL file, with the 1-based line it starts on and where it sits."""

    value: Any
    line: int | None
    key: str


class _Lines:
    """Character offset -> 1-based line number."""

    def __init__(self, text: str) -> None:
        self._breaks = [m.start() for m in re.finditer("\n", text)]

    def __call__(self, pos: int) -> int:
        return bisect.bisect_left(self._breaks, pos) + 1


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()


def _array_items(text: str, pos: int) -> Iterator[tuple[Any, int]]:
    """``(value, start offset)`` of each element of the (valid) JSON array at ``text[pos]``."""
    pos = _skip(text, pos + 1)
    if text[pos] == "]":
        return
    while True:
        value, end = _decoder.raw_decode(text, pos)
        yield value, pos
        pos = _skip(text, end)
        if text[pos] != ",":
            return
        pos = _skip(text, pos + 1)


def _member_offset(text: str, pos: int, wanted: str) -> int | None:
    """Offset of the value of key ``wanted`` in the (valid) JSON object at ``text[pos]``."""
    pos = _skip(text, pos + 1)
    found = None
    while text[pos] != "}":
        key, end = _decoder.raw_decode(text, pos)
        pos = _skip(text, _skip(text, end) + 1)  # past ':'
        if key == wanted:
            found = pos  # the last duplicate wins, as in json.loads
        _, end = _decoder.raw_decode(text, pos)
        pos = _skip(text, end)
        if text[pos] == ",":
            pos = _skip(text, pos + 1)
    return found


def _record_list(data: Any) -> tuple[list[str], list[Any]] | None:
    """Key path to the list of records inside a JSON document, and the list; None for one record."""
    if isinstance(data, list):
        return [], data
    if not isinstance(data, Mapping):
        return None
    for key in LIST_KEYS:
        if isinstance(data.get(key), list):
            return [key], data[key]
    message = data.get("message")  # Crossref: {"message": {"items": [...]}} or {"message": {...}}
    if isinstance(message, Mapping):
        if isinstance(message.get("items"), list):
            return ["message", "items"], message["items"]
        return ["message"], [message]
    return None


def parse_json_records(text: str, file: str) -> list[JsonRecord]:
    """Records of a JSON document with their start lines; raises SourceError if it is not JSON."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{file}:{exc.lineno}:{exc.colno}: invalid JSON ({exc.msg})") from None
    found = _record_list(data)
    start = _skip(text, 0)
    line_of = _Lines(text)
    if found is None:
        return [JsonRecord(data, line_of(start), "record")]
    path, items = found
    pos: int | None = start
    for key in path:
        if pos is None or text[pos] != "{":
            pos = None
            break
        pos = _member_offset(text, pos, key)
    where = ".".join(path)
    if pos is None or text[pos] != "[":  # a single record under "message"
        return [JsonRecord(item, line_of(pos) if pos is not None else None, where or "record")
                for item in items]
    return [
        JsonRecord(value, line_of(offset), f"{where}[{index}]" if where else f"[{index}]")
        for index, (value, offset) in enumerate(_array_items(text, pos))
    ]


def parse_jsonl_records(text: str, file: str) -> tuple[list[JsonRecord], list[LoadIssue]]:
    """One record per non-blank line; a line that is not JSON is reported, the rest are kept."""
    records, issues = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(JsonRecord(json.loads(line), number, f"line {number}"))
        except json.JSONDecodeError as exc:
            issues.append(LoadIssue(file, f"invalid JSON at column {exc.colno} ({exc.msg}); "
                                    "line skipped", number))
    return records, issues


def read_records(
    path: str | os.PathLike[str], format: str = "json", encoding: str = "utf-8"
) -> tuple[list[JsonRecord], list[LoadIssue]]:
    """Records of a JSON or JSONL file (a ``.json`` file holding JSON lines is read as JSONL)."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: source file not found")
    text = read_text(path, encoding)
    if not text.strip():
        raise SourceError(f"{path}: empty file")
    if format == "jsonl":
        return parse_jsonl_records(text, str(path))
    try:
        return parse_json_records(text, str(path)), []
    except SourceError as exc:
        if "Extra data" in str(exc) and text.lstrip().startswith("{"):
            return parse_jsonl_records(text, str(path))
        raise


# --- record conversion -----------------------------------------------------------------------


def record_kind(record: Mapping[str, Any]) -> str:
    """``"openalex"``, ``"semanticscholar"``, ``"crossref"`` or ``"generic"``."""
    if str(record.get("id", "")).startswith("https://openalex.org/W"):
        return "openalex"
    if "paperId" in record:
        return "semanticscholar"
    if "DOI" in record and isinstance(record.get("title"), list):
        return "crossref"
    return "generic"


def _lookup(record: Mapping[str, Any], name: str) -> Any:
    if name in record:
        return record[name]
    wanted = name.strip().lower()
    for key, value in record.items():
        if str(key).strip().lower() == wanted:
            return value
    return None


def _named(value: Any) -> Any:
    """A nested ``{"name": ...}`` value (venue objects) -> its name."""
    if isinstance(value, Mapping):
        for key in ("name", "display_name", "title"):
            if value.get(key):
                return value[key]
    return value


def generic_to_paper(
    record: Mapping[str, Any],
    *,
    source: str,
    file: str,
    line: int | None,
    key: str,
    columns: Mapping[str, str] | None = None,
) -> tuple[Paper | None, list[LoadIssue]]:
    """A plain JSON object -> Paper, keys mapped like CSV headers; other keys go to ``extra``."""
    fields: dict[str, Any] = {}
    used: set[str] = set()
    for field, name in (columns or {}).items():
        canonical = FIELD_SYNONYMS.get(field, field)
        if canonical not in FIELD_ALIASES:
            known = ", ".join(sorted(FIELD_ALIASES))
            raise SourceError(f"{file}: columns= names unknown field {field!r} (fields: {known})")
        fields[canonical] = _lookup(record, name)
        used.update(k for k in record if str(k).strip().lower() == name.strip().lower())
    keys = [str(k) for k in record]
    for field, index in known_columns(tuple(keys)):
        if field not in fields and keys[index] not in used:
            fields[field] = record[keys[index]]
            used.add(keys[index])
    fields["venue"] = _named(fields.get("venue"))
    urls = fields.get("urls")
    if isinstance(urls, list) and any(isinstance(u, Mapping) and "name" in u for u in urls):
        fields["urls"], code = links_with_names(urls)
        if code and not fields.get("code_url"):
            fields["code_url"] = code
    extra = {k: v for k, v in record.items() if str(k) not in used}
    return fields_to_paper(fields, extra, source=source, file=file, line=line, default_key=key)


def convert_record(
    record: Any,
    *,
    file: str,
    line: int | None,
    key: str,
    columns: Mapping[str, str] | None = None,
    kind: str | None = None,
) -> tuple[Paper | None, list[LoadIssue]]:
    """Any supported record -> Paper, or ``(None, [issue])`` saying why it was skipped."""
    name = Path(file).name
    if record is None:
        return None, [LoadIssue(file, "null record (e.g. a batch lookup that found nothing); "
                                "skipped", line, key)]
    if not isinstance(record, Mapping):
        return None, [LoadIssue(file, f"record is a {type(record).__name__}, not an object; "
                                "skipped", line, key)]
    kind = kind or record_kind(record)
    if kind == "generic":
        return generic_to_paper(record, source=f"json:{name}", file=file, line=line, key=key,
                                columns=columns)
    try:
        if kind == "openalex":
            from surveykit.sources.openalex import work_to_paper

            paper = work_to_paper(record, source=f"openalex:{name}")
        elif kind == "semanticscholar":
            from surveykit.sources.semanticscholar import record_to_paper

            paper = record_to_paper(record, source=f"semanticscholar:{name}")
        elif kind == "crossref":
            from surveykit.enrich.crossref import message_to_paper

            paper = message_to_paper(record, source=f"crossref:{name}")
        else:
            raise ValueError(f"unknown record kind {kind!r}")
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return None, [LoadIssue(file, f"{kind} record not usable: {exc}; skipped", line, key)]
    return paper, []


def load_records(
    records: list[JsonRecord],
    file: str,
    *,
    columns: Mapping[str, str] | None = None,
    kind: str | None = None,
) -> LoadResult:
    """Convert records to papers, collecting an issue for each one that cannot be used."""
    result = LoadResult()
    for record in records:
        paper, issues = convert_record(record.value, file=file, line=record.line, key=record.key,
                                       columns=columns, kind=kind)
        if isinstance(record.value, Mapping) and record.line is not None:
            issues = [i if i.line else LoadIssue(i.file, i.reason, record.line, i.key, i.severity)
                      for i in issues]
        result.issues.extend(issues)
        if paper is not None:
            result.papers.append(paper)
    return result


def load(
    path: str | os.PathLike[str],
    format: str = "json",
    columns: Mapping[str, str] | None = None,
    encoding: str = "utf-8",
) -> LoadResult:
    """Load a JSON (``format="json"``) or JSONL (``"jsonl"``) file of paper records."""
    format = format.lower()
    if format not in {"json", "jsonl"}:
        raise SourceError(f"{path}: json loader reads json or jsonl, not {format!r}")
    records, issues = read_records(path, format, encoding)
    result = load_records(records, str(path), columns=columns)
    result.issues[:0] = issues
    return result
