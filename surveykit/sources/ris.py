"""Load RIS files (Zotero, Mendeley, EndNote, Scopus, Web of Science, IEEE Xplore, ACM exports).

RIS is line based: ``TAG  - value`` (two upper-case letters/digits, two spaces, a hyphen, a
space). A record starts with ``TY`` and ends with ``ER``; a line without a tag continues the value
above it. Every record becomes a paper or an issue with its line; a record cut off without ``ER``
is kept with a warning, text between records is reported as a warning.

Mapping: ``AU``/``A1`` authors (``A2``/``A3``/``ED`` are editors, as in Zotero's exports; used as
authors only when a record has no other author), ``TI``/``T1``/``CT`` title, ``JF``/``T2``/``JO``/
``BT``/``C3``/``J2``/``JA`` venue (the publisher for books, theses and reports), ``PY``/``Y1``/
``DA`` year, ``AB``/``N2`` abstract, ``DO`` DOI, ``UR``/``L1``-``L4``/``LK`` URLs, ``ID`` key;
volume, issue, pages, publisher, ISBN/ISSN, keywords and notes go to ``extra``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from surveykit.corpus.model import Paper, normalize_arxiv_id, normalize_doi
from surveykit.corpus.names import to_bibtex_name
from surveykit.sources.fields import (
    extract_year,
    find_code_url,
    find_urls,
    is_arxiv_venue,
    load_text,
    normalize_month,
)
from surveykit.sources.report import LoadIssue, LoadResult
from surveykit.textutil import collapse_ws

# ``TY  - JOUR``; some exporters write one space before the hyphen or none after it.
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*)|\s*)$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WOS_PLAIN = re.compile(r"^(PT|FN) [A-Z]", re.MULTILINE)

# RIS reference types -> the BibTeX entry type used everywhere else in surveykit.
ENTRY_TYPES = {
    "JOUR": "article", "JFULL": "article", "EJOUR": "article", "MGZN": "article",
    "NEWS": "article", "ABST": "article", "INPR": "article",
    "CONF": "inproceedings", "CPAPER": "inproceedings",
    "BOOK": "book", "EBOOK": "book", "EDBOOK": "book",
    "CHAP": "incollection", "ECHAP": "incollection",
    "THES": "phdthesis", "RPRT": "techreport", "UNPB": "unpublished", "MANSCPT": "unpublished",
}
_BOOK_TYPES = {"BOOK", "EBOOK", "EDBOOK"}
_CONTAINER_FIELD = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle"}
# Venue tags in order of preference. Zotero writes the conference name to T2 and the proceedings
# title to C3; for books T2 is the series and the publisher is the venue; for reports T2 is the
# report series and PB the institution; for theses PB is the university.
_VENUE_TAGS = ("JF", "T2", "JO", "BT", "C3", "J2", "JA")
_VENUE_TAGS_BY_TYPE = {
    "CONF": ("C3", "T2", "BT", "JF", "JO", "J2", "JA"),
    "CPAPER": ("C3", "T2", "BT", "JF", "JO", "J2", "JA"),
    "BOOK": ("PB",), "EBOOK": ("PB",), "EDBOOK": ("PB",),
    "RPRT": ("PB", "T2", "JF", "JO"), "THES": ("PB",),
}
_URL_TAGS = ("UR", "L1", "L2", "L3", "L4", "LK")  # (and URLs written in N1 notes)
# Plain ``extra`` fields: RIS tag -> name (BibTeX field names where there is one).
_EXTRA_TAGS = {
    "VL": "volume", "IS": "number", "PB": "publisher", "CY": "address", "ET": "edition",
    "T3": "series", "LA": "language", "AN": "accession_number", "DB": "database",
    "DP": "database", "ST": "shorttitle", "M3": "type", "Y2": "urldate",
}


@dataclass
class RisRecord:
    """One record as read: the tags in order with their values (a tag may repeat)."""

    line: int
    ris_type: str = ""
    values: dict[str, list[str]] = field(default_factory=dict)
    closed: bool = False
    last_tag: str | None = None

    def add(self, tag: str, value: str) -> None:
        self.values.setdefault(tag, []).append(value)
        self.last_tag = tag

    def continue_value(self, text: str) -> None:
        values = self.values[self.last_tag]
        values[-1] = f"{values[-1]} {text}".strip()

    def first(self, *tags: str) -> str:
        """The first non-empty value among ``tags`` (in the order given)."""
        for tag in tags:
            for value in self.values.get(tag, []):
                if value.strip():
                    return collapse_ws(value)
        return ""

    def all(self, *tags: str) -> list[str]:
        """Every non-empty value of ``tags``, in file order within each tag."""
        return [collapse_ws(v) for t in tags for v in self.values.get(t, []) if v.strip()]


def load(path: str | os.PathLike[str], encoding: str = "utf-8") -> LoadResult:
    """Load a ``.ris`` file: every record is either a paper or an issue with its line."""
    return load_text(path, encoding, parse_ris_string)


def parse_ris_string(text: str, filename: str = "<string>") -> LoadResult:
    """Load RIS text already in memory; issues name ``filename``."""
    records, issues = read_records(text, filename)
    result = LoadResult(issues=issues)
    name = Path(filename).name
    seen: dict[str, str] = {}
    for record in records:
        paper = record_to_paper(record, name, filename, result.issues)
        if paper is None:
            continue
        result.add_paper(paper, seen, filename, record.line, paper.source_key,
                         f"the record at line {record.line}")
    result.issues.sort(key=lambda i: i.line or 0)
    return result


def read_records(text: str, filename: str = "<string>") -> tuple[list[RisRecord], list[LoadIssue]]:
    """Split RIS text into records; problems with the file's structure come back as issues."""
    text = text.lstrip("\ufeff")
    records: list[RisRecord] = []
    issues: list[LoadIssue] = []
    current: RisRecord | None = None
    stray: list[int] = []  # line numbers of text met outside any record
    stray_tags = False  # whether some of it looks like fields of a record without its TY

    def flush_stray() -> None:
        nonlocal stray_tags
        if stray:
            count = f"{len(stray)} lines" if len(stray) > 1 else "a line"
            hint = " (a record without its TY line?)" if stray_tags else ""
            issues.append(LoadIssue(filename, f"{count} of text outside any record (between ER "
                                    f"and the next TY){hint}; ignored", stray[0], None, "warning"))
            stray.clear()
            stray_tags = False

    for number, line in enumerate(_LINE_BREAK.split(text), 1):
        match = _TAG_LINE.match(line.rstrip())
        if match:
            tag, value = match.group(1), (match.group(2) or "").strip()
            if tag == "TY":
                flush_stray()
                if current is not None:
                    issues.append(LoadIssue(filename, f"record has no ER before the next TY at "
                                            f"line {number}; kept", current.line,
                                            current.first("ID") or None, "warning"))
                    records.append(current)
                current = RisRecord(line=number, ris_type=value.upper())
                current.last_tag = "TY"
            elif current is None:
                stray.append(number)
                stray_tags = stray_tags or tag != "ER"
            elif tag == "ER":
                current.closed = True
                records.append(current)
                current = None
            else:
                current.add(tag, value)
        elif not line.strip():
            continue
        elif current is None:
            stray.append(number)
        elif current.last_tag in (None, "TY"):
            issues.append(LoadIssue(filename, f"line {number} has no RIS tag; ignored", number,
                                    None, "warning"))
        else:
            current.continue_value(line.strip())
    flush_stray()
    if current is not None:
        issues.append(LoadIssue(filename, "record not closed by ER at the end of the file; kept",
                                current.line, current.first("ID") or None, "warning"))
        records.append(current)
    if not records and text.strip():
        if _WOS_PLAIN.search(text):
            reason = ("no RIS records: this looks like a Web of Science plain-text export "
                      "('PT J' lines); load it as format = \"wos\" (or give it a .txt suffix)")
        else:
            reason = "no RIS records found (no 'TY  - ' line)"
        issues.append(LoadIssue(filename, reason, 1, None, "error"))
    return records, issues


def record_to_paper(record: RisRecord, source_name: str, filename: str | None = None,
                    issues: list[LoadIssue] | None = None) -> Paper | None:
    """Map one record to a :class:`Paper`; None (with an error issue) when it has no title."""
    issues = issues if issues is not None else []
    filename = filename or source_name
    key = record.first("ID") or None

    def issue(reason: str, severity: str = "warning") -> None:
        issues.append(LoadIssue(filename, reason, record.line, key, severity))

    ris_type = record.ris_type
    title_tags = ("TI", "T1", "CT") + (("BT",) if ris_type in _BOOK_TYPES else ())
    title = record.first(*title_tags)
    if not title:
        issue(f"{ris_type or 'untyped'} record has no title (TI/T1); skipped", "error")
        return None

    authors = _names(record.all("AU", "A1"))
    editors = _names(record.all("A2", "A3", "ED"))
    if not authors and editors:
        authors = editors
        issue("no AU/A1 author; the secondary authors (A2/A3/ED, usually editors) are used")
    elif not authors:
        issue("no author; loaded without authors")

    dates = record.all("PY", "Y1", "DA")
    year = next((y for y in map(extract_year, dates) if y), None)
    if year is None:
        issue(f"date {dates[0]!r} has no four-digit year; loaded without a year" if dates
              else "no year (PY/Y1/DA); loaded without a year")

    urls: list[str] = []
    for value in record.all(*_URL_TAGS, "N1"):
        urls.extend(u for u in find_urls(value) if u not in urls)

    arxiv_id = _arxiv_id(record, urls)
    venue = record.first(*_VENUE_TAGS_BY_TYPE.get(ris_type, _VENUE_TAGS))
    if is_arxiv_venue(venue) or (not venue and arxiv_id) or \
            (not venue and is_arxiv_venue(record.first("PB"))):
        venue = "arXiv"
    entry_type = ENTRY_TYPES.get(ris_type, "misc")

    doi = normalize_doi(record.first("DO")) or normalize_doi(record.first("M3")) or next(
        (normalize_doi(u) for u in urls if "doi.org/" in u.lower()), None)

    extra = _extra(record, editors if authors is not editors else [], entry_type, venue)
    return Paper(
        title=title,
        abstract=record.first("AB", "N2"),
        authors=authors,
        year=year,
        venue=venue or None,
        arxiv_id=arxiv_id,
        doi=doi,
        urls=urls,
        code_url=find_code_url(urls),
        source=f"ris:{source_name}",
        source_key=key,
        entry_type=entry_type,
        extra=extra,
    )


def _names(values: list[str]) -> list[str]:
    """Author values to ``"Family, Given"``; one value may hold several names split by ``;``."""
    names = []
    for value in values:
        for name in value.split(";") if ";" in value else [value]:
            normalised = to_bibtex_name(name)
            if normalised and normalised not in names:
                names.append(normalised)
    return names


def _arxiv_id(record: RisRecord, urls: list[str]) -> str | None:
    """arXiv id from URLs, an arXiv DOI, or text such as ``arXiv:2210.03629`` in venue/notes."""
    for url in urls:
        if "arxiv.org/" in url.lower():
            found = normalize_arxiv_id(url)
            if found:
                return found
    doi = record.first("DO")
    if "arxiv." in doi.lower():
        return normalize_arxiv_id(doi)
    for value in record.all(*_VENUE_TAGS, "PB", "N1", "AN", "M1", "M3", "SN", "VL", "IS"):
        if "arxiv" in value.lower():
            found = normalize_arxiv_id(value)
            if found:
                return found
    return None


def _pages(record: RisRecord) -> str:
    start, end = record.first("SP"), record.first("EP")
    start = re.sub(r"\s*[-–]+\s*", "--", start)
    if start and end and "--" not in start and end != start:
        return f"{start}--{end}"
    return start or end


def _extra(record: RisRecord, editors: list[str], entry_type: str, venue: str) -> dict[str, str]:
    extra: dict[str, str] = {"ris_type": record.ris_type} if record.ris_type else {}
    for tag, name in _EXTRA_TAGS.items():
        value = record.first(tag)
        if tag == "M3" and normalize_doi(value):
            continue  # EndNote puts the DOI in M3, Scopus the document type
        if value and name not in extra:
            extra[name] = value
    container = _CONTAINER_FIELD.get(entry_type)
    if container and venue and venue != "arXiv":
        extra[container] = venue
    pages = _pages(record)
    if pages:
        extra["pages"] = pages
    for value in record.all("SN"):
        digits = re.sub(r"[^0-9Xx]", "", value.split()[0] if value.split() else "")
        name = "issn" if len(digits) == 8 else "isbn"
        extra.setdefault(name, value)
    keywords = record.all("KW")
    if keywords:
        extra["keywords"] = "; ".join(dict.fromkeys(keywords))
    notes = record.all("N1")
    if notes:
        extra["note"] = "; ".join(notes)
    if editors:
        extra["editor"] = " and ".join(editors)
    month = next((m for m in map(_month, record.all("DA", "PY", "Y1")) if m), None)
    if month:
        extra["month"] = month
    return extra


_MONTH_WORD = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?", re.I)


def _month(value: str) -> str | None:
    """``2023/05/01/`` -> ``may``; ``9-12 Nov. 2021`` -> ``nov``."""
    match = re.match(r"\s*\d{4}[/-](\d{1,2})(?!\d)", value)
    if match:
        return normalize_month(match.group(1))
    word = _MONTH_WORD.search(value)
    return normalize_month(word.group(0)) if word else None


__all__ = ["ENTRY_TYPES", "RisRecord", "load", "parse_ris_string", "read_records",
           "record_to_paper"]
