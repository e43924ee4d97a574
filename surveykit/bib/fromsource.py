"""A paper that came from ``.bib`` sources -> its entry, written back the way its author wrote it.

Every field of every source entry is written unchanged, or changed / left out with a
:class:`~surveykit.bib.report.FieldChange` naming entry, field, before, after and the reason.

Several entries of one paper (a preprint and its published version, or the same paper in two
files) merge field by field, independently of the order of the sources:

- The **primary** entry, whose key is kept, is the published one (a venue that is not arXiv/CoRR,
  or a thesis/report/book type), then the one with most fields, then the alphabetically first key.
  The other keys become ``ids`` aliases (biblatex resolves them; the report lists them for bibtex).
- Venue fields (journal, booktitle, volume, pages, DOI, publisher, ...) come from the primary entry
  only when it names a venue; the others' venue fields are reported as superseded.
- Other fields are united; when two entries disagree, the primary's value wins and the other value
  is reported as a conflict.
- The entry type follows the venue kept: ``@conference`` -> ``@inproceedings``, an ``@article``
  with only a ``booktitle`` -> ``@inproceedings``, an ``@inproceedings`` with only a ``journal`` ->
  ``@article``, an ``@article`` with neither -> ``@misc``.
- Entries of one work that are different publications (:func:`same_publication`: another DOI,
  year, page range or venue kind) are not merged: each keeps its own entry and key.

Repairs, each reported: broken accents and ``{\\'{\\i}}`` (see
:mod:`surveykit.sources.bibtex_names`), non-ASCII characters as LaTeX (identifiers and URLs
excepted), page ranges as ``--``, empty persons, ``pages = {000}``, a ``key`` field repeating
the title, a dangling ``crossref``, bare ``&``/``%`` in text fields.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from surveykit.bib.entries import GeneratedEntry, paper_to_entry
from surveykit.bib.latex import escape_latex
from surveykit.bib.report import BibWarning, FieldChange
from surveykit.bib.venues import CONFERENCE, JOURNAL, classify_venue, journal_name
from surveykit.corpus.model import Paper
from surveykit.sources.bibtex_names import person_problems, plain_dotless, repair_accents, split_persons
from surveykit.sources.bibtex_record import SOURCE_RECORD, records_of
from surveykit.sources.fields import is_arxiv_venue

VENUE_FIELDS = frozenset((
    "journal", "journaltitle", "booktitle", "eventtitle", "howpublished", "school", "institution",
    "organization", "publisher", "series", "volume", "number", "issue", "pages", "doi", "address",
    "location", "editor", "isbn", "issn", "articleno", "numpages", "chapter", "edition",
))
_VENUE_NAMES = ("journal", "journaltitle", "booktitle", "school", "institution")
_PUBLISHED_TYPES = frozenset((
    "phdthesis", "mastersthesis", "thesis", "techreport", "report", "book", "inbook",
    "incollection", "proceedings", "manual",
))
# Identifiers and links: written exactly as read.
VERBATIM = frozenset((
    "url", "doi", "ee", "eprint", "file", "pdf", "biburl", "urldate", "isbn", "issn", "bibsource",
    "timestamp", "link", "archiveprefix", "eprinttype", "primaryclass", "eprintclass",
))
_PERSONS = ("author", "editor", "translator")
_TYPE_ALIASES = {"conference": "inproceedings", "online": "misc", "electronic": "misc",
                 "www": "misc", "report": "techreport", "thesis": "phdthesis"}
_PAGE_SEP = re.compile(
    r"^\s*([\w.:]+)\s*(?:\{\\text[ce]ndash\}|\\text[ce]ndash(?:\{\})?|[-\u2010-\u2015]+|\s)+"
    r"\s*([\w.:]+)\s*$")
_NO_PAGES = re.compile(r"^\s*0+\s*(?:--?\s*0+\s*)?$")
_BARE_SPECIAL = re.compile(r"(?<!\\)([&%#_])")
_URL_MACRO = re.compile(r"\\(?:url|href|path)\s*\{")


def has_source_entry(paper: Paper) -> bool:
    """True when ``paper`` carries the ``.bib`` entry (or entries) it was read from."""
    return bool(records_of(paper.extra))


def is_preprint(record: dict[str, Any]) -> bool:
    """An entry that names no venue other than arXiv/CoRR (and is no thesis, report or book)."""
    fields = dict(record["fields"])
    if record.get("type") in _PUBLISHED_TYPES:
        return False
    venue = next((fields[n] for n in _VENUE_NAMES if fields.get(n, "").strip()), "")
    return not venue or is_arxiv_venue(venue)


def _primary_order(record: dict[str, Any]) -> tuple:
    return (is_preprint(record), -len(record["fields"]), str(record["key"]).lower(),
            str(record["key"]), record.get("file", ""), record.get("line", 0))


def ordered_records(paper: Paper) -> list[dict[str, Any]]:
    """The paper's source entries, primary first (the rule in the module docstring)."""
    return sorted(records_of(paper.extra), key=_primary_order)


def _norm_pages(value: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", value.lower()).strip("-")


def same_publication(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Can two entries of one work share an entry? A preprint goes with its published version;
    two published entries with different DOIs, years, pages or venue kinds (journal vs
    proceedings) are different publications (a workshop and a conference version, Part I and
    Part II, a conference paper and its journal extension) and keep their own entries."""
    if is_preprint(a) or is_preprint(b):
        return True
    fa, fb = dict(a["fields"]), dict(b["fields"])

    def differ(name: str, norm=lambda v: re.sub(r"\W+", "", v.lower())) -> bool:
        va, vb = fa.get(name, "").strip(), fb.get(name, "").strip()
        return bool(va and vb and norm(va) != norm(vb))

    if fa.get("doi") and fb.get("doi"):
        return not differ("doi")
    if differ("year") or differ("pages", _norm_pages):
        return False
    kind_a = {n for n in ("journal", "journaltitle", "booktitle") if fa.get(n)}
    kind_b = {n for n in ("journal", "journaltitle", "booktitle") if fb.get(n)}
    return not (kind_a and kind_b and not kind_a & kind_b)


def publication_groups(paper: Paper) -> list[list[dict[str, Any]]]:
    """The paper's entries split into publications (:func:`same_publication`), the primary's
    group first; each group becomes one entry."""
    groups: list[list[dict[str, Any]]] = []
    for record in ordered_records(paper):
        for group in groups:
            if all(same_publication(record, other) for other in group if not is_preprint(other)):
                group.append(record)
                break
        else:
            groups.append([record])
    return groups


def split_publications(paper: Paper) -> list[Paper]:
    """``paper`` itself (holding its primary publication's entries), then one companion paper
    (id ``<id>+<key>``) per other publication among its entries."""
    groups = publication_groups(paper)
    if len(groups) < 2:
        return [paper]
    out = []
    for index, group in enumerate(groups):
        extra = dict(paper.extra)
        extra[SOURCE_RECORD] = json.dumps(group, ensure_ascii=False)
        pid = paper.id if index == 0 else f"{paper.id}+{group[0]['key']}"
        out.append(dataclasses.replace(paper, id=pid, extra=extra, authors=list(paper.authors),
                                       urls=list(paper.urls)))
    return out


def source_keys(paper: Paper) -> list[str]:
    """The keys the paper arrived under, the one to keep first."""
    keys: list[str] = []
    for record in ordered_records(paper):
        key = str(record.get("key") or "").strip()
        if key and key.lower() not in {k.lower() for k in keys}:
            keys.append(key)
    return keys


def _same(a: str, b: str) -> bool:
    return re.sub(r"[\s{}]+", " ", a).strip().lower() == re.sub(r"[\s{}]+", " ", b).strip().lower()


def source_entry(paper: Paper, key: str, aliases: list[str] | None = None,
                 style: str = "bibtex") -> GeneratedEntry:
    """The entry for a paper read from ``.bib`` sources; every change is in ``entry.changes``.
    With ``style="biblatex"`` biblatex's own types (``@online``, ``@report``...) are kept."""
    records = ordered_records(paper)
    primary = records[0]
    changes: list[FieldChange] = []
    warnings: list[BibWarning] = []

    def change(rec: dict[str, Any], name: str, before: str | None, after: str | None, why: str,
               severity: str = "info") -> None:
        changes.append(FieldChange(str(rec.get("key") or key), name, before, after, why,
                                   str(rec.get("file", "")), rec.get("line"), severity))

    primary_has_venue = not is_preprint(primary)
    values: dict[str, str] = {}
    owner: dict[str, dict[str, Any]] = {}
    for record in records:
        for name, value in record["fields"]:
            if name in values:
                if not _same(value, values[name]):
                    change(record, name, value, values[name],
                           f"conflict: [{primary['key']}] ({primary.get('file')}) has another value; "
                           "the primary entry's value is kept", "warning")
                elif value != values[name]:
                    change(record, name, value, values[name],
                           f"same as in [{primary['key']}] up to braces and spaces; written as there")
                continue
            if record is not primary and primary_has_venue and name in VENUE_FIELDS:
                why = "preprint venue superseded by the published" if is_preprint(record) else \
                    "venue of another version; the primary"
                change(record, name, value, None, f"{why} entry [{primary['key']}] is kept")
                continue
            values[name] = value
            owner[name] = record
    bare = {name for name in values if name in set(owner[name].get("bare", ()))
            and name == "month"}

    if not primary_has_venue and classify_venue(paper.venue) in {CONFERENCE, JOURNAL}:
        _add_published_venue(paper, key, primary, values, owner, change)
    entry_type = _entry_type(primary, values, change, style)
    for name in list(values):
        record = owner[name]
        before = values[name]
        after, why = _repair(name, before, values, entry_type)
        if after is None:
            change(record, name, before, None, why, "warning")
            del values[name]
        elif after != before:
            change(record, name, before, after, why)
            values[name] = after
        if name in _PERSONS and name in values:
            for problem in person_problems(values[name]):
                warnings.append(BibWarning("suspicious-author", f"{name}: {problem}", paper.id, key))
    others = [a for a in (aliases or []) if a.lower() != key.lower()]
    if others:
        values["ids"] = ",".join(others)
    if key != primary["key"]:
        change(primary, "key", primary["key"], key,
               "citation key regenerated ([bib] regenerate_keys) or taken by another paper")
    return GeneratedEntry(key, entry_type, values, frozenset(bare), paper.id, warnings, changes)


_PUBLISHED_FROM_PAPER = ("journal", "booktitle", "volume", "number", "pages", "publisher", "doi")


def _add_published_venue(paper: Paper, key: str, primary: dict[str, Any], values: dict[str, str],
                         owner: dict[str, dict[str, Any]], change) -> None:
    """Only preprint entries, but another source (RIS, an API, enrichment) knows where the paper
    was published: that venue replaces the arXiv one, each field reported."""
    published = paper_to_entry(paper, key)
    if published.entry_type not in {"article", "inproceedings"}:
        return
    for name in ("journal", "journaltitle", "booktitle", "howpublished"):
        if name in values and is_arxiv_venue(values[name]):
            change(owner[name], name, values.pop(name), None,
                   f"preprint venue superseded by the published venue from {paper.source}")
    name = "journal" if published.entry_type == "article" else "booktitle"
    venue = journal_name(paper.venue) if name == "journal" else paper.venue
    if name not in values:
        values[name] = escape_latex(venue)
        owner[name] = primary
        change(primary, name, None, values[name], f"published venue from {paper.source}")
    for name in _PUBLISHED_FROM_PAPER:
        if name in published.fields and name not in values and name not in _VENUE_NAMES:
            values[name] = published.fields[name]
            owner[name] = primary
            change(primary, name, None, values[name], f"published venue from {paper.source}")
    if primary.get("type") != published.entry_type:
        change(primary, "ENTRYTYPE", primary.get("type"), published.entry_type,
               f"published venue from {paper.source}")
        primary["type"] = published.entry_type  # (a copy: records are parsed per call)


def _entry_type(primary: dict[str, Any], values: dict[str, str], change, style: str = "bibtex") -> str:
    original = str(primary.get("type") or "misc").lower()
    aliases = {"conference": "inproceedings"} if style == "biblatex" else _TYPE_ALIASES
    entry_type = aliases.get(original, original)
    why = f"@{original} is written as @{entry_type}"
    has = {n for n in ("journal", "journaltitle", "booktitle") if values.get(n, "").strip()}
    if entry_type == "article" and not has & {"journal", "journaltitle"}:
        entry_type = "inproceedings" if "booktitle" in has else "misc"
        why = f"@article without a journal is written as @{entry_type} (the venue fields kept)"
    elif entry_type == "inproceedings" and not has & {"booktitle"} and has:
        entry_type = "article"
        why = "@inproceedings with only a journal is written as @article (the venue fields kept)"
    if entry_type != original:
        change(primary, "ENTRYTYPE", original, entry_type, why)
    return entry_type


def _repair(name: str, value: str, values: dict[str, str], entry_type: str) -> tuple[str | None, str]:
    """(new value or None to drop it, why) for one field."""
    if name == "crossref":
        return None, "crossref dropped: its volume is not a paper here; the inherited fields are written"
    if name == "key" and _same(value, values.get("title", "")):
        return None, "key field repeats the title (natbib styles print it twice); dropped"
    if name == "pages" and _NO_PAGES.match(value):
        return None, "pages = 0/000 is a placeholder, not a page number; dropped"
    if name in VERBATIM:
        return value, ""
    reasons = []
    fixed = repair_accents(value)
    if fixed != value:
        reasons.append("broken accent repaired")
    dotless = plain_dotless(fixed)
    if dotless != fixed:
        reasons.append("accent on dotless i written as \\'i (bibtex and biber both accept it)")
    fixed = dotless
    ascii_form = _ascii_latex(fixed)
    if ascii_form != fixed:
        reasons.append("non-ASCII characters written as LaTeX")
    fixed = ascii_form
    if name == "pages":
        match = _PAGE_SEP.match(fixed)
        if match and fixed[match.end(1):match.start(2)].strip() != "--":
            fixed = f"{match.group(1)}--{match.group(2)}"
            reasons.append("page range written with --")
    if name in _PERSONS:
        persons = split_persons(fixed)
        cleaned = [p.strip().rstrip(",").strip() for p in persons]
        cleaned = [p for p in cleaned if p]
        if cleaned != persons:
            fixed = " and ".join(cleaned)
            reasons.append("empty person or trailing comma removed (BibTeX stops on it)")
    elif not _URL_MACRO.search(fixed) and "$" not in fixed:
        escaped = _BARE_SPECIAL.sub(r"\\\1", fixed)
        if escaped != fixed:
            fixed = escaped
            reasons.append("bare & % # _ escaped (LaTeX would stop or drop the rest)")
    return fixed, "; ".join(reasons)


def _ascii_latex(value: str) -> str:
    """Non-ASCII characters as LaTeX (``ö`` -> ``{\\"o}``, ``–`` -> ``--``); ASCII untouched."""
    if value.isascii():
        return value
    out: list[str] = []
    run = ""
    for char in value:
        if char.isascii():
            if run:
                out.append(_convert_run(run, out))
                run = ""
            out.append(char)
        else:
            run += char
    if run:
        out.append(_convert_run(run, out))
    return "".join(out)


def _convert_run(run: str, out: list[str]) -> str:
    latex = escape_latex(run)
    if latex and latex[0].isalpha() and out and out[-1].endswith("\\"):
        latex = " " + latex
    if latex.startswith("-") and out and out[-1].endswith("-"):
        latex = "{}" + latex
    return latex


__all__ = ["VENUE_FIELDS", "has_source_entry", "is_preprint", "ordered_records",
           "publication_groups", "same_publication", "source_entry", "source_keys",
           "split_publications"]
