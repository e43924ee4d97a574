"""CSV/TSV paper tables (hand-made sheets, Scopus and Web of Science exports) with a column mapping.

Columns are found by common header names (case-insensitive) or named with ``columns={field: header}``.
Every unmapped column is kept in ``Paper.extra``. A row without a title is reported with the line it
starts on (quoted cells may span lines), and a bad year is a warning, not a crash.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from surveykit.corpus.model import Paper, normalize_arxiv_id, normalize_doi
from surveykit.corpus.names import to_bibtex_name
from surveykit.sources.report import LoadIssue, LoadResult, SourceError
from surveykit.textutil import collapse_ws

# Paper field -> header names (lower case, single spaces), most specific first. Web of Science
# field tags (TI, AU, AF, PY, SO, DI, AB, DT, UT) and Scopus export names are included.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "article title", "document title", "paper title", "ti"),
    "abstract": ("abstract", "ab", "summary"),
    "authors": ("author full names", "af", "authors", "author", "au", "author names", "creators"),
    "year": ("year", "publication year", "py", "pub year", "published year", "publication date",
             "date", "published"),
    "venue": ("venue", "source title", "journal", "conference", "booktitle", "publication title",
              "journal title", "conference title", "container title", "so"),
    "doi": ("doi", "di"),
    "arxiv_id": ("arxiv_id", "arxiv id", "arxiv", "arxivid", "eprint"),
    "urls": ("url", "urls", "link", "links", "additional links", "pdf", "pdf url", "paper url"),
    "code_url": ("code_url", "code url", "code", "github", "repository", "repo"),
    "entry_type": ("entry_type", "entry type", "document type", "dt", "type"),
    "source_key": ("key", "bibkey", "citation key", "citekey", "cite key", "eid",
                   "ut (unique wos id)", "ut"),
}

# Short names accepted as keys of ``columns=`` besides the Paper field names.
FIELD_SYNONYMS = {"arxiv": "arxiv_id", "url": "urls", "link": "urls", "code": "code_url",
                  "key": "source_key", "type": "entry_type", "author": "authors",
                  "journal": "venue"}

# Export document types -> BibTeX entry types (the raw value stays in extra['document_type']).
ENTRY_TYPES = {
    "article": "article", "review": "article", "letter": "article", "journal article": "article",
    "editorial material": "article", "article in press": "article", "j": "article",
    "conference paper": "inproceedings", "proceedings paper": "inproceedings",
    "conference": "inproceedings", "inproceedings": "inproceedings", "c": "inproceedings",
    "conference review": "inproceedings",
    "book chapter": "incollection", "incollection": "incollection", "book": "book",
    "b": "book", "thesis": "phdthesis", "phdthesis": "phdthesis", "misc": "misc",
    "preprint": "misc", "data paper": "article", "techreport": "techreport", "report": "techreport",
}

_YEAR = re.compile(r"(?<!\d)(1[6-9]\d\d|20\d\d)(?!\d)")
_URL = re.compile(r"https?://[^\s;,<>\"']+")
_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.?-?)+$")  # "K.", "J.-P.", "JP", "Ch."
_SCOPUS_ID = re.compile(r"\s*\(\d+\)\s*$")  # "Gu, Ken (57212345678)"
_ET_AL = re.compile(r"\bet\.? al\.?$", re.IGNORECASE)
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "huggingface.co/spaces")


@lru_cache(maxsize=4096)
def _header_key(name: str) -> str:
    return collapse_ws(name.replace("\ufeff", "").replace("_", " ").lower())


@lru_cache(maxsize=1024)
def known_columns(headers: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """:func:`resolve_columns` without a ``columns=`` mapping, computed once per distinct header
    (JSON records repeat the same keys: a 100,000-record file resolves them once)."""
    return tuple(resolve_columns(list(headers), None, "").items())


def resolve_columns(
    headers: list[str], columns: Mapping[str, str] | None, file: str
) -> dict[str, int]:
    """Map Paper fields to column indexes: explicit ``columns`` first, then known header names."""
    keyed: dict[str, int] = {}
    for index, header in enumerate(headers):
        keyed.setdefault(_header_key(header), index)
    mapping: dict[str, int] = {}
    for field, header in (columns or {}).items():
        name = FIELD_SYNONYMS.get(field, field)
        if name not in FIELD_ALIASES:
            known = ", ".join(sorted(FIELD_ALIASES))
            raise SourceError(f"{file}: columns= names unknown field {field!r} (fields: {known})")
        index = keyed.get(_header_key(header))
        if index is None:
            raise SourceError(f"{file}: column {header!r} (for {name}) is not in the header; "
                              f"columns are: {', '.join(h for h in headers if h)}")
        mapping[name] = index
    taken = set(mapping.values())
    for field, aliases in FIELD_ALIASES.items():
        if field in mapping:
            continue
        for alias in aliases:
            index = keyed.get(_header_key(alias))
            if index is not None and index not in taken:
                mapping[field] = index
                taken.add(index)
                break
    return mapping


# --- field parsers ---------------------------------------------------------------------------


def _scopus_name(name: str) -> str | None:
    """``"Gu K."`` / ``"Van der Berg J.-P."`` (Scopus: surname, then initials) -> ``"Gu, K."``."""
    words = name.split(" ")
    if len(words) < 2:
        return None
    start = len(words)
    while start > 1 and _INITIALS.match(words[start - 1]) and "." in words[start - 1]:
        start -= 1
    if start == len(words):
        return None
    return f"{' '.join(words[:start])}, {' '.join(words[start:])}"


@lru_cache(maxsize=65536)  # names repeat across a library: parse each once
def _one_name(name: str) -> str:
    name = collapse_ws(_SCOPUS_ID.sub("", name))
    if not name or _ET_AL.fullmatch(name):
        return ""
    if "," not in name:
        scopus = _scopus_name(name)
        if scopus:
            return scopus
    return to_bibtex_name(name)


def split_authors(value: Any) -> list[str]:
    """Author cell or JSON value -> ``"Family, Given"`` names.

    Strings are split on ``;`` (Scopus, WoS), then `` and `` (BibTeX), then commas when every part
    is a full ``"Given Family"`` name; ``"Family, Given"`` stays one name. Lists may hold strings or
    objects with ``name`` / ``given`` + ``family`` / ``first`` + ``last``.
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        names = [_name_from_object(item) for item in value]
        return [n for n in names if n]
    if isinstance(value, Mapping):
        name = _name_from_object(value)
        return [name] if name else []
    text = collapse_ws(str(value))
    if not text:
        return []
    if ";" in text:
        parts = text.split(";")
    elif re.search(r"\s+and\s+", text):
        parts = []
        for chunk in re.split(r"\s*,?\s+and\s+", text):  # "A B, C D, and E F" / "Gu, K and Li, X"
            pieces = [p.strip() for p in chunk.split(",") if p.strip()]
            full = len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces)
            parts.extend(pieces if full else [chunk])
    elif "," in text:
        pieces = [p.strip() for p in text.split(",") if p.strip()]
        if all(len(p.split()) >= 2 for p in pieces):
            parts = pieces  # "Ibrahim Abdelaziz, Julian Dolby" or Scopus "Gu K., Shang R."
        elif len(pieces) % 2 == 0 and all(len(p.split()) <= 2 for p in pieces):
            parts = [f"{pieces[i]}, {pieces[i + 1]}" for i in range(0, len(pieces), 2)]
        else:
            parts = [text]
    else:
        parts = [text]
    names = [_one_name(p) for p in parts]
    return [n for n in names if n]


def _name_from_object(item: Any) -> str:
    if isinstance(item, Mapping):
        for given_key, family_key in (("given", "family"), ("first", "last"),
                                      ("firstName", "lastName"), ("given_name", "family_name")):
            family = item.get(family_key)
            if family:
                given = item.get(given_key) or ""
                return to_bibtex_name(f"{family}, {given}" if given else str(family))
        for key in ("name", "display_name", "full_name", "fullName", "literal"):
            if item.get(key):
                return _one_name(str(item[key]))
        return ""
    return _one_name(str(item)) if item is not None else ""


def parse_year(value: Any) -> tuple[int | None, str | None]:
    """``2024`` / ``"2024-08-19"`` / ``"2024.0"`` -> ``(2024, None)``; junk -> ``(None, reason)``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, f"bad year value {value!r}"
    if isinstance(value, (int, float)):
        if value != value or int(value) != value or not 1600 <= int(value) <= 2100:
            return None, f"bad year value {value!r}"
        return int(value), None
    match = _YEAR.search(str(value))
    if not match:
        return None, f"bad year value {str(value)!r}"
    return int(match.group(1)), None


def split_urls(value: Any) -> list[str]:
    """URLs from a cell (whitespace/``;``/``,`` separated) or a list (strings or ``{url: ...}``)."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    urls: list[str] = []
    for item in items:
        if isinstance(item, Mapping):
            item = item.get("url") or item.get("href") or ""
        text = str(item)
        found = _URL.findall(text) or ([text.strip()] if text.strip() else [])
        for url in found:
            url = url.rstrip(".)]")
            if url not in urls:
                urls.append(url)
    return urls


def links_with_names(value: Any) -> tuple[list[str], str | None]:
    """``[{"name": "Code", "url": ...}]`` lists (ml4code-style): all URLs, plus the code link."""
    urls, code = [], None
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, Mapping) or not item.get("url"):
            continue
        url = str(item["url"]).strip()
        urls.append(url)
        name = str(item.get("name", "")).lower()
        if code is None and ("code" in name or "github" in name or _is_code_url(url)):
            code = url
    return urls, code


def _is_code_url(url: str) -> bool:
    return any(host in url.lower() for host in _CODE_HOSTS)


def entry_type_of(value: Any) -> str | None:
    """``"Conference Paper"`` / ``"Article; Proceedings Paper"`` -> a BibTeX entry type."""
    if value is None:
        return None
    for part in str(value).split(";"):
        mapped = ENTRY_TYPES.get(collapse_ws(part).lower())
        if mapped:
            return mapped
    return None


def extra_value(value: Any) -> str:
    """A cell or JSON value as the string kept in ``Paper.extra``."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (list, tuple)) and all(not isinstance(v, (dict, list)) for v in value):
        return "; ".join(str(v) for v in value if v is not None)
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def fields_to_paper(
    fields: Mapping[str, Any],
    extra: Mapping[str, Any],
    *,
    source: str,
    file: str,
    line: int | None,
    default_key: str | None = None,
) -> tuple[Paper | None, list[LoadIssue]]:
    """Build a paper from raw field values (already mapped to Paper fields); report what is wrong.

    Returns ``(None, [error])`` when there is no title; bad years, DOIs and arXiv ids give warnings.
    """
    issues: list[LoadIssue] = []
    key_value = fields.get("source_key")
    key = extra_value(key_value) if not _empty(key_value) else default_key
    title = "" if _empty(fields.get("title")) else collapse_ws(extra_value(fields["title"]))
    if not title:
        return None, [LoadIssue(file, "entry has no title; skipped", line, key)]

    year, year_problem = parse_year(fields.get("year"))
    if year_problem:
        issues.append(LoadIssue(file, f"{year_problem}; year left empty", line, key, "warning"))

    urls = split_urls(fields.get("urls"))
    code_url = None
    if not _empty(fields.get("code_url")):
        code_urls = split_urls(fields.get("code_url"))
        code_url = code_urls[0] if code_urls else None
    arxiv_id = _checked(fields.get("arxiv_id"), normalize_arxiv_id, "arXiv id", file, line, key,
                        issues)
    doi = _checked(fields.get("doi"), normalize_doi, "DOI", file, line, key, issues)
    for url in urls:
        arxiv_id = arxiv_id or (normalize_arxiv_id(url) if "arxiv.org/" in url.lower() else None)
        doi = doi or (normalize_doi(url) if "doi.org/" in url.lower() else None)
        if code_url is None and _is_code_url(url):
            code_url = url

    kept_extra = {str(k): extra_value(v) for k, v in extra.items() if not _empty(v)}
    raw_type = fields.get("entry_type")
    entry_type = entry_type_of(raw_type)
    if not _empty(raw_type) and entry_type != str(raw_type).strip().lower():
        kept_extra.setdefault("document_type", extra_value(raw_type))
    venue = None if _empty(fields.get("venue")) else collapse_ws(extra_value(fields["venue"]))
    abstract = "" if _empty(fields.get("abstract")) else collapse_ws(extra_value(fields["abstract"]))
    paper = Paper(
        title=title,
        abstract=abstract,
        authors=split_authors(fields.get("authors")),
        year=year,
        venue=venue or None,
        arxiv_id=arxiv_id,
        doi=doi,
        urls=urls,
        code_url=code_url,
        source=source,
        source_key=key,
        entry_type=entry_type,
        extra=kept_extra,
    )
    return paper, issues


def _checked(value: Any, normalise, what: str, file: str, line: int | None, key: str | None,
             issues: list[LoadIssue]) -> str | None:
    if _empty(value):
        return None
    result = normalise(extra_value(value))
    if result is None:
        issues.append(LoadIssue(file, f"bad {what} {extra_value(value)!r}; left empty", line, key,
                                "warning"))
    return result


# --- reading the table -----------------------------------------------------------------------


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """File text; a UTF-8 or UTF-16 byte-order mark (Excel, Web of Science) picks the codec."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16"
    elif data.startswith(b"\xef\xbb\xbf") or encoding.lower().replace("-", "") == "utf8":
        codec = "utf-8-sig"
    else:
        codec = encoding
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(f"{path}:{line}: not valid {codec} text ({exc.reason}); "
                          "pass encoding=... (e.g. 'latin-1')") from exc


def sniff_delimiter(text: str, format: str) -> str:
    """The delimiter of the header line: tab for TSV, else the most frequent of ``,`` ``\\t`` ``;``."""
    if format == "tsv":
        return "\t"
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class _RowError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _rows(text: str, delimiter: str) -> Iterable[tuple[int, list[str]]]:
    """``(first line number, cells)`` for every row; quoted cells may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    end = 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            yield start, cells
    except csv.Error as exc:
        raise _RowError(end + 1, str(exc)) from None


def parse_table(
    text: str,
    file: str,
    *,
    format: str = "csv",
    columns: Mapping[str, str] | None = None,
    delimiter: str | None = None,
) -> LoadResult:
    """Parse CSV/TSV text into papers (see module doc)."""
    result = LoadResult()
    delimiter = delimiter or sniff_delimiter(text, format)
    rows = _rows(text, delimiter)
    try:
        header_line, headers = next((n, cells) for n, cells in rows if any(c.strip() for c in cells))
    except StopIteration:
        raise SourceError(f"{file}: empty table (no header row)") from None
    except _RowError as exc:
        raise SourceError(f"{file}:{exc.line}: cannot read the header row ({exc})") from None
    headers = [h.replace("\ufeff", "").strip() for h in headers]
    mapping = resolve_columns(headers, columns, file)
    if "title" not in mapping:
        raise SourceError(f"{file}:{header_line}: no title column found among "
                          f"{', '.join(h for h in headers if h) or 'the header'}; "
                          "name it with columns={'title': '<header>'}")
    names = [h if h else f"column_{i + 1}" for i, h in enumerate(headers)]
    fields_at = {index: field for field, index in mapping.items()}
    source = f"{format}:{Path(file).name}"
    while True:
        try:
            line, cells = next(rows)
        except StopIteration:
            break
        except _RowError as exc:
            result.issues.append(LoadIssue(file, f"unreadable row ({exc}); rest of file skipped",
                                           exc.line))
            break
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers):]):
            result.issues.append(LoadIssue(
                file, f"row has {len(cells)} cells but the header has {len(headers)}; "
                "extra cells kept as column_N", line, severity="warning"))
        fields: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for index, cell in enumerate(cells):
            if index in fields_at:
                fields[fields_at[index]] = cell
            else:
                extra[names[index] if index < len(names) else f"column_{index + 1}"] = cell
        paper, issues = fields_to_paper(fields, extra, source=source, file=file, line=line,
                                        default_key=f"line {line}")
        result.issues.extend(issues)
        if paper is not None:
            result.papers.append(paper)
    return result


def load(
    path: str | os.PathLike[str],
    format: str = "csv",
    columns: Mapping[str, str] | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
) -> LoadResult:
    """Load a CSV (``format="csv"``) or TSV (``"tsv"``) table of papers."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: source file not found")
    format = format.lower()
    if format not in {"csv", "tsv"}:
        raise SourceError(f"{path}: tabular loader reads csv or tsv, not {format!r}")
    text = read_text(path, encoding)
    return parse_table(text, str(path), format=format, columns=columns, delimiter=delimiter)
