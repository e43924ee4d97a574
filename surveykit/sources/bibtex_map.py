"""BibTeX entries -> :class:`~surveykit.corpus.model.Paper`: title, persons, year, venue, ids,
URLs, code link and every other field kept in ``Paper.extra``; crossref children inherit fields."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from surveykit.corpus.model import Paper, normalize_arxiv_id, normalize_doi
from surveykit.corpus.names import to_bibtex_name
from surveykit.sources.bibtex_names import person_problems, repair_accents, split_persons
from surveykit.sources.bibtex_read import BibEntry, BibFile, _one_group, read_bibtex_string, read_entries
from surveykit.sources.bibtex_record import SOURCE_RECORD, source_record
from surveykit.sources.fields import (
    extract_year,
    find_code_url,
    find_urls,
    is_arxiv_venue,
    normalize_month,
    unescape_url_text,
)
from surveykit.sources.report import LoadIssue, LoadResult
from surveykit.textutil import collapse_ws, latex_to_unicode

# Fields copied to ``extra`` without LaTeX decoding (identifiers, numbers, dates).
_VERBATIM = {
    "pages", "volume", "number", "issue", "isbn", "issn", "eprint", "archiveprefix", "eprinttype",
    "eprintclass", "primaryclass", "date", "urldate", "numpages", "articleno", "pmid", "pmcid",
    "mrnumber", "zbl", "biburl", "acmid", "issue_date", "crossref",
}
# Fields mapped to Paper attributes, or noise that reference managers add.
_NOT_EXTRA = {
    "title", "author", "year", "abstract", "doi", "url", "code", "github", "codeurl", "code_url",
    "repository", "software", "file", "timestamp", "bibsource", "owner", "date-added",
    "date-modified", "creationdate", "modificationdate", "groups", "ranking", "readstatus",
    "printed", "qualityassured", "priority", "mendeley-groups", "mendeley-tags", "bdsk-file-1",
    "langid",
}
_CODE_FIELDS = ("code", "github", "codeurl", "code_url", "repository", "software")
_URL_FIELDS = ("url", "ee", "howpublished", "pdf", "link", "eprint", "note")
_VENUE_BY_TYPE = {
    "phdthesis": ("school", "institution"), "mastersthesis": ("school", "institution"),
    "thesis": ("school", "institution"), "techreport": ("institution", "publisher"),
    "report": ("institution", "publisher"),
}
_VENUE_FALLBACK = ("publisher", "organization", "institution", "howpublished")
# Types that only hold shared fields for their crossref children (DBLP "with crossref" exports).
_CONTAINER_TYPES = {"proceedings", "mvproceedings"}
_INHERITED = ("booktitle", "editor", "publisher", "year", "date", "series", "volume", "address",
              "location", "month", "organization", "isbn", "issn", "journal", "journaltitle")


def load(path: str | os.PathLike[str], encoding: str = "utf-8") -> LoadResult:
    """Load a ``.bib`` file: every entry is either a paper or an issue (file, line, key, reason)."""
    bibfile = read_entries(path, encoding=encoding)
    return _to_result(bibfile, Path(path).name)


def parse_bibtex_string(text: str, filename: str = "<string>") -> LoadResult:
    """Load BibTeX text already in memory; issues name ``filename``."""
    return _to_result(read_bibtex_string(text, filename=filename), Path(filename).name)


def _to_result(bibfile: BibFile, name: str) -> LoadResult:
    result = LoadResult(issues=list(bibfile.issues))
    by_key = {e.key.lower(): e for e in bibfile.entries if e.key and e.duplicate_of is None}
    children: dict[str, int] = {}
    for entry in bibfile.entries:
        parent = entry.fields.get("crossref", "").strip().lower()
        if parent:
            children[parent] = children.get(parent, 0) + 1
    seen_ids: dict[str, str] = {}
    for entry in bibfile.entries:
        if entry.duplicate_of is not None:
            continue  # already reported while reading
        if entry.entry_type in _CONTAINER_TYPES and entry.key.lower() in children:
            result.issues.append(LoadIssue(
                bibfile.filename,
                f"@{entry.entry_type} volume used as crossref by {children[entry.key.lower()]} "
                "entries; its fields were passed on to them, it is not loaded as a paper",
                entry.line, entry.key, "error"))
            continue
        paper = entry_to_paper(entry, name, result.issues, bibfile.filename, by_key,
                               bibfile.preambles)
        if paper is None:
            continue
        result.add_paper(paper, seen_ids, bibfile.filename, entry.line, entry.key,
                         f"[{entry.key}] at line {entry.line}")
    result.issues.sort(key=lambda i: i.line or 0)
    return result


def entry_to_paper(entry: BibEntry, source_name: str, issues: list[LoadIssue] | None = None,
                   filename: str | None = None,
                   entries_by_key: dict[str, BibEntry] | None = None,
                   preambles: list[str] | None = None) -> Paper | None:
    """Map one entry to a :class:`Paper`; None (with an error issue) when it has no title.

    ``entries_by_key`` (lower-cased keys) lets ``crossref`` children inherit missing fields.
    """
    issues = issues if issues is not None else []
    filename = filename or source_name

    def issue(reason: str, severity: str = "warning") -> None:
        issues.append(LoadIssue(filename, reason, entry.line, entry.key or None, severity))

    values = {name: repair_accents(value)
              for name, value in _with_crossref(entry, entries_by_key or {}, issue).items()}
    for name, value in entry.fields.items():
        if values.get(name, value) != value:
            issue(f"field {name}: broken accent repaired: {value!r} -> {values[name]!r}")
    for problem in person_problems(values.get("author", "")):
        issue(f"author: {problem}")
    title = _text(values.get("title")) or _text(values.get("shorttitle"))
    if not title:
        issue(f"@{entry.entry_type} entry has no title; skipped", "error")
        return None
    if not entry.key:
        issue("entry has no citation key; loaded, but it cannot be cited as is")

    authors, truncated = _authors(values.get("author", ""))
    if not authors:
        issue("no author; loaded without authors")

    year = extract_year(values.get("year")) or extract_year(values.get("date"))
    if year is None:
        shown = values.get("year") or values.get("date")
        issue(f"year {shown!r} has no four-digit year; loaded without a year" if shown
              else "no year; loaded without a year")

    urls: list[str] = []
    for name in _URL_FIELDS:
        for url in find_urls(values.get(name)):
            if url not in urls:
                urls.append(url)
    code_url = None
    for name in _CODE_FIELDS:
        found = find_urls(values.get(name)) or _bare_repo_url(values.get(name))
        if found:
            code_url = found[0]
            break
    code_url = code_url or find_code_url(urls)

    arxiv_id = _arxiv_id(values, urls)
    venue = _venue(entry.entry_type, values, arxiv_id)
    doi = normalize_doi(unescape_url_text(values.get("doi", ""))) or next(
        (normalize_doi(u) for u in urls if "doi.org/" in u.lower()), None)

    extra = _extra(values, truncated)
    inherited = {k: v for k, v in values.items() if k not in entry.fields}
    extra[SOURCE_RECORD] = source_record(entry, filename, inherited, preambles)
    return Paper(
        title=title,
        abstract=_text(values.get("abstract")),
        authors=authors,
        year=year,
        venue=venue,
        arxiv_id=arxiv_id,
        doi=doi,
        urls=urls,
        code_url=code_url,
        source=f"bibtex:{source_name}",
        source_key=entry.key or None,
        entry_type=entry.entry_type,
        extra=extra,
    )


def _with_crossref(entry: BibEntry, entries_by_key: dict[str, BibEntry],
                   issue: Callable[[str], None]) -> dict[str, str]:
    values = dict(entry.fields)
    target = values.get("crossref", "").strip()
    if not target:
        return values
    parent = entries_by_key.get(target.lower())
    if parent is None:
        issue(f"crossref {target!r} is not in this file; loaded without the inherited fields")
        return values
    for name in _INHERITED:
        if name in parent.fields and not values.get(name):
            values[name] = parent.fields[name]
    if not values.get("booktitle") and parent.fields.get("title") and \
            entry.entry_type in {"inproceedings", "incollection", "conference", "inbook"}:
        values["booktitle"] = parent.fields["title"]
    return values


def _text(value: str | None) -> str:
    """A field value as plain unicode text (``\\url{x}`` becomes ``x``, not ``<x>``)."""
    if not value:
        return ""
    value = _TEX_LIGATURE.sub(lambda m: _TEX_LIGATURES[m.group(0)], value)
    return collapse_ws(_ANGLED_URL.sub(r"\1", latex_to_unicode(value)))


_ANGLED_URL = re.compile(r"<(https?://[^<>\s]+)>")
# what TeX makes of these in a .bib value (the writer protects typed ones as -{}- and '{}')
_TEX_LIGATURES = {"---": "\u2014", "--": "\u2013", "``": "\u201c", "''": "\u201d"}
_TEX_LIGATURE = re.compile(r"---|--|``|''")


def _verbatim(value: str) -> str:
    """Identifier-like values: braces dropped, URL escapes undone, no LaTeX decoding."""
    return collapse_ws(unescape_url_text(value).replace("{", "").replace("}", ""))


def _authors(value: str) -> tuple[list[str], bool]:
    """``A and B and {Org}`` -> ``["Family, Given", ..., "{Org}"]``; True when ``and others``."""
    names, truncated = [], False
    for name in split_persons(collapse_ws(value)):
        name = name.strip()
        if name.lower() in {"others", "et al.", "et al"}:
            truncated = True
            continue
        if _one_group(name, "{", "}") and not name[1:].lstrip().startswith("\\"):
            inner = collapse_ws(latex_to_unicode(name[1:-1]))
            if inner:
                names.append("{" + inner + "}")
            continue
        normalised = to_bibtex_name(latex_to_unicode(name))
        if normalised:
            names.append(normalised)
    return names, truncated


def _bare_repo_url(value: str | None) -> list[str]:
    """``github.com/org/repo`` written without a scheme."""
    if not value:
        return []
    match = re.search(r"\b((?:github\.com|gitlab\.com|bitbucket\.org)/[\w.-]+/[\w.-]+)", value)
    return [f"https://{match.group(1)}"] if match else []


def _arxiv_id(values: dict[str, str], urls: list[str]) -> str | None:
    """arXiv id from eprint (+archivePrefix/eprinttype), arXiv-ish venues, CoRR volumes, URLs and
    arXiv DOIs."""
    prefix = (values.get("archiveprefix") or values.get("eprinttype") or "").strip().lower()
    eprint = values.get("eprint", "")
    if eprint and prefix in {"arxiv", ""}:
        found = normalize_arxiv_id(eprint)
        if found:
            return found
    journal = values.get("journal") or values.get("journaltitle") or ""
    if is_arxiv_venue(journal):
        for name in ("volume", "number", "pages"):
            found = normalize_arxiv_id(values.get(name))
            if found:
                return found
    for name in ("journal", "journaltitle", "booktitle", "howpublished", "number", "volume",
                 "note", "publisher", "series"):
        value = values.get(name, "")
        if "arxiv" in value.lower():
            found = normalize_arxiv_id(value)
            if found:
                return found
    for url in urls:
        if "arxiv.org/" in url.lower():
            found = normalize_arxiv_id(url)
            if found:
                return found
    doi = values.get("doi", "")
    if "arxiv." in doi.lower():
        return normalize_arxiv_id(doi)
    return None


def _venue(entry_type: str, values: dict[str, str], arxiv_id: str | None) -> str | None:
    """Journal / proceedings / publisher-ish venue; ``"arXiv"`` for CoRR and for arXiv preprints
    that name no other venue."""
    candidates = ["journal", "journaltitle", "booktitle", "eventtitle"]
    candidates += list(_VENUE_BY_TYPE.get(entry_type, ()))
    candidates += list(_VENUE_FALLBACK)
    for name in candidates:
        raw = values.get(name, "")
        if name == "howpublished" and find_urls(raw):
            continue
        text = _text(raw)
        if not text:
            continue
        if is_arxiv_venue(text):
            return "arXiv"
        return text
    return "arXiv" if arxiv_id else None


def _extra(values: dict[str, str], authors_truncated: bool) -> dict[str, str]:
    extra: dict[str, str] = {}
    for name, value in values.items():
        if name in _NOT_EXTRA or name == SOURCE_RECORD or name.startswith(("bdsk-", "mendeley-", "zotero-")):
            continue
        if name == "month":
            text = normalize_month(_verbatim(value)) or _text(value)
        elif name in {"editor", "translator"}:
            names, more = _authors(value)
            text = " and ".join(names + (["others"] if more else []))
        elif name in _VERBATIM:
            text = _verbatim(value)
        elif name == "howpublished" and find_urls(value):
            continue
        else:
            text = _text(value)
        if text:
            extra[name] = text
    if "month" not in extra and values.get("date"):
        match = re.match(r"\s*\d{4}-(\d{1,2})", values["date"])
        month = normalize_month(match.group(1)) if match else None
        if month:
            extra["month"] = month
    if authors_truncated:
        extra["authors_truncated"] = "true"
    return extra


__all__ = ["entry_to_paper", "load", "parse_bibtex_string"]
