"""Load Web of Science plain-text exports (``savedrecs.txt``, "Plain text file" in WoS).

The format is line based: a two-character field tag, a space, the value; a line starting with
three spaces continues the field above (in ``AU``/``AF`` every line is one author). ``FN``/``VR``
open the file, ``PT`` opens a record, ``ER`` closes it and ``EF`` ends the file. Every record
becomes a paper or an issue with its line, like the RIS loader, whose record type is reused.

Mapping: ``AF`` (full names) or ``AU`` authors, ``TI`` title, ``SO`` venue (WoS writes it in
capitals: shown in title case), ``PY`` year (``EA``, the early-access date, when there is no
``PY``), ``AB`` abstract, ``DI`` DOI, ``UT`` accession number as the key; ``PT``/``DT`` the entry
type (``PT C`` and proceedings papers: ``inproceedings``); volume, issue, pages, publisher, ISSN,
ISBN, keywords (``DE``, else ``ID``) and the conference (``CT``) go to ``extra``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from surveykit.corpus.model import Paper, normalize_arxiv_id, normalize_doi
from surveykit.sources.fields import (
    extract_year,
    find_code_url,
    find_urls,
    load_text,
    normalize_month,
)
from surveykit.sources.report import LoadIssue, LoadResult
from surveykit.sources.ris import RisRecord, _names

_FIELD_LINE = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
_CONTINUATION = re.compile(r"^ {2,3}\S")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# fields where each line is a value of its own (one author per line), not a wrapped value
_LIST_FIELDS = {"AU", "AF", "BA", "BF", "CA", "GP", "ED", "C1", "CR"}
# PT (publication type) -> BibTeX entry type; DT "Proceedings Paper" makes any PT a conference paper
_ENTRY_TYPES = {"J": "article", "C": "inproceedings", "B": "book", "S": "incollection",
                "P": "misc"}
_EXTRA_FIELDS = {"VL": "volume", "IS": "number", "PU": "publisher", "LA": "language",
                 "DT": "type", "CT": "conference", "SE": "series", "AR": "eid",
                 "J9": "journal_abbrev", "SN": "issn", "BN": "isbn"}
ACRONYMS = frozenset({
    "IEEE", "ACM", "SIAM", "AAAI", "IJCAI", "ACL", "NAACL", "EMNLP", "EACL", "COLING", "NEURIPS",
    "NIPS", "ICML", "ICLR", "KDD", "SIGIR", "SIGMOD", "VLDB", "CVPR", "ICCV", "ECCV", "ICRA",
    "IROS", "PLOS", "BMC", "IET", "ASME", "AIAA", "SPIE", "ISPRS", "AMIA", "JAMA", "BMJ", "NLP",
    "AI", "ML", "IOP", "USA", "UK", "EU", "ICSE", "FSE", "ASE", "ISSTA", "OOPSLA", "PLDI", "POPL",
    "WWW", "CHI", "UIST",
})
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the",
                "to", "with", "via"}


def looks_like_wos(text: str) -> bool:
    """Whether text starts like a WoS plain-text export (``FN``, ``VR`` or ``PT`` first)."""
    for line in text.lstrip("\ufeff").splitlines():
        if line.strip():
            return bool(re.match(r"^(FN|VR|PT) \S", line))
    return False


def load(path: str | os.PathLike[str], encoding: str = "utf-8") -> LoadResult:
    """Load a WoS plain-text export: every record is a paper or an issue with its line."""
    return load_text(path, encoding, parse_wos_string)


def parse_wos_string(text: str, filename: str = "<string>") -> LoadResult:
    """Load WoS plain text already in memory; issues name ``filename``."""
    records, issues = read_records(text, filename)
    result = LoadResult(issues=issues)
    name = Path(filename).name
    for record in records:
        paper = record_to_paper(record, name, filename, result.issues)
        if paper is not None:
            result.papers.append(paper)
    result.issues.sort(key=lambda i: i.line or 0)
    return result


def read_records(text: str, filename: str = "<string>") -> tuple[list[RisRecord], list[LoadIssue]]:
    """Split the export into records (``PT`` ... ``ER``); structure problems become issues."""
    records: list[RisRecord] = []
    issues: list[LoadIssue] = []
    current: RisRecord | None = None
    for number, raw in enumerate(_LINE_BREAK.split(text.lstrip("\ufeff")), 1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if _CONTINUATION.match(line):
            if current is None or current.last_tag in (None, "PT"):
                issues.append(LoadIssue(filename, f"line {number} continues no field; ignored",
                                        number, None, "warning"))
            elif current.last_tag in _LIST_FIELDS:
                current.add(current.last_tag, line.strip())
            else:
                current.continue_value(line.strip())
            continue
        match = _FIELD_LINE.match(line)
        if not match:
            issues.append(LoadIssue(filename, f"line {number} is not a WoS field ('XX value'); "
                                    "ignored", number, _key(current), "warning"))
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag in {"FN", "VR", "EF"} and current is None:
            continue
        if tag == "PT":
            if current is not None:
                issues.append(LoadIssue(filename, f"record has no ER before the next PT at line "
                                        f"{number}; kept", current.line, _key(current), "warning"))
                records.append(current)
            current = RisRecord(line=number, ris_type=value.upper())
            current.last_tag = "PT"
        elif current is None:
            issues.append(LoadIssue(filename, f"field {tag} at line {number} is outside any record "
                                    "(no PT line before it); ignored", number, None, "warning"))
        elif tag == "ER":
            current.closed = True
            records.append(current)
            current = None
        else:
            current.add(tag, value)
    if current is not None:
        issues.append(LoadIssue(filename, "record not closed by ER at the end of the file; kept",
                                current.line, _key(current), "warning"))
        records.append(current)
    if not records and text.strip():
        issues.append(LoadIssue(filename, "no Web of Science records found (no 'PT ' line)", 1,
                                None, "error"))
    return records, issues


def _key(record: RisRecord | None) -> str | None:
    return (record.first("UT") or None) if record is not None else None


def record_to_paper(record: RisRecord, source_name: str, filename: str | None = None,
                    issues: list[LoadIssue] | None = None) -> Paper | None:
    """Map one record to a :class:`Paper`; None (with an error issue) when it has no title."""
    issues = issues if issues is not None else []
    filename = filename or source_name
    key = _key(record)

    def issue(reason: str, severity: str = "warning") -> None:
        issues.append(LoadIssue(filename, reason, record.line, key, severity))

    title = record.first("TI")
    if not title:
        issue(f"PT {record.ris_type or '?'} record has no title (TI); skipped", "error")
        return None
    authors = _names(record.all("AF") or record.all("AU"))
    if not authors:
        issue("no author (AF/AU); loaded without authors")
    year = extract_year(record.first("PY")) or extract_year(record.first("EA"))
    if year is None:
        issue("no year (PY/EA); loaded without a year")
    urls: list[str] = []
    for value in record.all("UR", "OA"):
        urls.extend(u for u in find_urls(value) if u not in urls)
    doi = normalize_doi(record.first("DI"))
    arxiv_id = normalize_arxiv_id(doi) if doi and "arxiv." in doi else None
    entry_type = _entry_type(record)
    venue = venue_case(record.first("SO"))
    return Paper(
        title=title,
        abstract=record.first("AB"),
        authors=authors,
        year=year,
        venue=venue or None,
        arxiv_id=arxiv_id,
        doi=doi,
        urls=urls,
        code_url=find_code_url(urls),
        source=f"wos:{source_name}",
        source_key=key,
        entry_type=entry_type,
        extra=_extra(record, entry_type, venue),
    )


def _entry_type(record: RisRecord) -> str:
    if "proceedings paper" in record.first("DT").lower():
        return "inproceedings"
    return _ENTRY_TYPES.get(record.ris_type, "misc")


def venue_case(venue: str) -> str:
    """``JOURNAL OF MACHINE LEARNING RESEARCH`` -> ``Journal of Machine Learning Research``;
    names already in mixed case are kept, and so are acronyms (:data:`ACRONYMS`, words with a
    digit or without a vowel: ``IEEE``, ``ACM``, ``CSCW``)."""
    if not venue or venue != venue.upper():
        return venue
    words = []
    for index, word in enumerate(venue.split()):
        low = word.lower()
        bare = re.sub(r"[^a-z0-9]", "", low)
        if index and low in _SMALL_WORDS:
            words.append(low)
        elif bare.upper() in ACRONYMS or any(c.isdigit() for c in bare) or \
                (bare and not re.search(r"[aeiouy]", bare)):
            words.append(word)
        else:
            words.append("-".join(p[:1].upper() + p[1:] for p in low.split("-")))
    return " ".join(words)


def _pages(record: RisRecord) -> str:
    start, end = record.first("BP"), record.first("EP")
    if start and end and end != start:
        return f"{start}--{end}"
    return start or end


def _extra(record: RisRecord, entry_type: str, venue: str) -> dict[str, str]:
    extra: dict[str, str] = {"wos_type": record.ris_type} if record.ris_type else {}
    for tag, name in _EXTRA_FIELDS.items():
        value = record.first(tag)
        if value:
            extra[name] = venue_case(value) if tag == "PU" else value
    if venue:
        extra["journal" if entry_type == "article" else "booktitle"] = venue
    pages = _pages(record)
    if pages:
        extra["pages"] = pages
    keywords = record.first("DE") or record.first("ID")
    if keywords:
        extra["keywords"] = keywords
    published = record.first("PD").split()  # "MAR", "JAN 15"
    month = normalize_month(published[0]) if published else None
    if month:
        extra["month"] = month
    return extra


__all__ = ["load", "looks_like_wos", "parse_wos_string", "read_records", "record_to_paper",
           "venue_case"]
