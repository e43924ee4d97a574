"""Paper -> BibTeX entry.

Entry type: the paper's own type when it came from BibTeX and is a standard BibTeX type; else
``@inproceedings`` (booktitle) for conference/workshop venues, ``@article`` (journal) for journals,
``@misc`` otherwise (arXiv-only papers get ``howpublished = {arXiv preprint arXiv:ID}`` so that
plain/plainnat, which ignore ``eprint``, still show the id).

Fields: ``author`` (``Family, Given`` joined by `` and ``), ``title`` (acronyms brace-protected),
venue field, volume/number/pages/publisher/... from ``Paper.extra``, ``year``, ``doi``,
``eprint``/``archivePrefix``/``primaryClass`` whenever an arXiv id is known, ``url`` (DOI link, else
arXiv abstract page, else the paper's first URL) and the code link as
``note = {Code: \\url{...}}``: plain and plainnat both print ``note`` (a custom field would be
dropped silently), so documents need ``\\usepackage{url}`` or hyperref. A paper without authors
gets no ``author`` field (never a made-up one) and a ``key`` field holding its title, so natbib
labels and sorting still work; bibtex then warns "empty author" for that entry only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from surveykit.bib.latex import (
    brace_balance_ok,
    escape_latex,
    escape_url,
    latex_name,
    needs_t1,
    protect_title,
)
from surveykit.bib.report import BibWarning
from surveykit.bib.venues import (
    CONFERENCE,
    JOURNAL,
    PREPRINT,
    YEAR_IN_VENUE,
    citation_year,
    classify_venue,
    journal_name,
)
from surveykit.corpus.model import Paper

_STANDARD_TYPES_TEXT = (
    "article book booklet conference inbook incollection inproceedings manual mastersthesis misc "
    "phdthesis proceedings techreport unpublished"
)
STANDARD_TYPES = frozenset(_STANDARD_TYPES_TEXT.split())
# Where each type keeps its venue.
VENUE_FIELD = {
    "article": "journal", "inproceedings": "booktitle", "conference": "booktitle",
    "incollection": "booktitle", "phdthesis": "school", "mastersthesis": "school",
    "techreport": "institution", "book": "publisher", "inbook": "publisher",
    "proceedings": "publisher", "manual": "organization", "booklet": "howpublished",
    "misc": "howpublished",
}
FIELD_ORDER = (
    "author", "editor", "title", "booktitle", "journal", "howpublished", "school", "institution",
    "organization", "series", "volume", "number", "chapter", "pages", "edition", "publisher",
    "address", "month", "year", "isbn", "issn", "doi", "eprint", "archivePrefix", "primaryClass",
    "url", "note", "key", "abstract",
)
# Paper.extra keys copied into the entry (lower-cased key -> BibTeX field).
EXTRA_FIELDS = {
    "booktitle": "booktitle", "journal": "journal", "howpublished": "howpublished",
    "school": "school", "institution": "institution", "organization": "organization",
    "series": "series", "volume": "volume", "number": "number", "issue": "number",
    "chapter": "chapter", "pages": "pages", "edition": "edition", "publisher": "publisher",
    "address": "address", "month": "month", "isbn": "isbn", "issn": "issn", "editor": "editor",
    "note": "note",
}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_PRIMARY_CLASS = re.compile(r"^[a-z-]+(\.[A-Za-z-]+)?$")
_PAGE_RANGE = re.compile(r"^\s*(\w+)\s*(?:-+|\u2013|\u2014)\s*(\w+)\s*$")


@dataclass
class GeneratedEntry:
    """One entry as it will be written: values are LaTeX, ready to go between braces."""

    key: str
    entry_type: str
    fields: dict[str, str]
    bare: frozenset[str] = frozenset()  # fields written without braces (month macros)
    paper_id: str = ""
    warnings: list[BibWarning] = field(default_factory=list)
    changes: list = field(default_factory=list)  # FieldChange rows for fields read from a .bib

    def render(self) -> str:
        """The entry's BibTeX text (fields aligned, no trailing comma, ends with ``}``)."""
        width = max((len(name) for name in self.fields), default=0)
        lines = [f"@{self.entry_type}{{{self.key},"]
        items = list(self.fields.items())
        for index, (name, value) in enumerate(items):
            text = value if name in self.bare else "{" + value + "}"
            comma = "," if index < len(items) - 1 else ""
            lines.append(f"  {name.ljust(width)} = {text}{comma}")
        lines.append("}")
        return "\n".join(lines)


def paper_to_entry(paper: Paper, key: str, include_abstract: bool = False) -> GeneratedEntry:
    """Build the BibTeX entry for ``paper`` under ``key``; problems go to ``entry.warnings``."""
    lost: list[str] = []
    warnings: list[BibWarning] = []

    def warn(kind: str, message: str, severity: str = "warning") -> None:
        warnings.append(BibWarning(kind, message, paper.id, key, severity))

    values: dict[str, str] = {}
    bare: set[str] = set()
    authors = [latex_name(a, lost) for a in paper.authors if a and a.strip()]
    if authors and paper.extra.get("authors_truncated") == "true":
        authors.append("others")
    if authors:
        values["author"] = " and ".join(authors)
    else:
        warn("missing-author", f"no authors for {paper.title!r}; written without an author "
             "field (key field set to the title, shortened); bibtex will warn 'empty author'")
    title = protect_title(paper.title, lost) if paper.title.strip() else ""
    if title.strip("{} "):
        values["title"] = title
    else:  # empty, or only invisible characters (a soft hyphen, a joiner): nothing to print
        warn("missing-title", "the paper has no title" if not paper.title.strip() else
             f"the title {paper.title!r} has no visible characters; written without a title")

    entry_type = choose_type(paper)
    _add_extra_fields(paper, values, bare, lost)
    _add_venue(paper, entry_type, values, lost)
    year = citation_year(paper)
    if year is not None:
        values["year"] = str(year)
    else:
        warn("missing-year", f"no year for {paper.title!r}; bibtex may warn 'empty year'")
    _add_identifiers(paper, values)
    _add_code_note(paper, values, lost)
    if not authors and paper.title.strip():  # natbib cites it by this label: short, so it wraps
        values["key"] = escape_latex(short_label(paper.title))
    if include_abstract and paper.has_abstract:
        values["abstract"] = escape_latex(paper.abstract, lost)

    if lost:
        shown = ", ".join(sorted({repr(c) for c in lost}))
        warn("unicode-approximated", "characters pdflatex cannot typeset were transliterated "
             f"(Ji Yu for 基于) or replaced by ?: {shown}")
    if any(needs_t1(v) for v in values.values()):
        warn("needs-t1", "uses an ogonek or a T1-only letter (đ ð þ ŋ): the document needs "
             "\\usepackage[T1]{fontenc}", "info")
    _check_venue_year(paper, warn)
    ordered = {name: values[name] for name in FIELD_ORDER if name in values}
    for name, value in ordered.items():
        if not brace_balance_ok(value):  # escaping guarantees this; never write a broken entry
            raise ValueError(f"{paper.id}: field {name} has unbalanced braces: {value!r}")
    return GeneratedEntry(key, entry_type, ordered, frozenset(bare), paper.id, warnings)


def choose_type(paper: Paper) -> str:
    """The BibTeX entry type for ``paper`` (see the module docstring)."""
    original = (paper.entry_type or "").strip().lower()
    kind = classify_venue(paper.venue)
    # the type follows the venue: never a journal field holding a conference, or the reverse
    if original in {"article", "inproceedings", "conference"} and kind in {CONFERENCE, JOURNAL}:
        return "inproceedings" if kind == CONFERENCE else "article"
    if original == "conference":
        return "inproceedings"
    if original in STANDARD_TYPES:
        return original
    if kind == CONFERENCE:
        return "inproceedings"
    if kind == JOURNAL:
        return "article"
    return "misc"


def _add_extra_fields(paper: Paper, values: dict[str, str], bare: set[str], lost: list[str]) -> None:
    extra = {str(k).strip().lower(): str(v) for k, v in paper.extra.items() if str(v).strip()}
    for name, target in EXTRA_FIELDS.items():
        value = extra.get(name)
        if not value or target in values:
            continue
        if target == "month":
            month = _month_macro(value)
            if month:
                values["month"] = month
                bare.add("month")
            else:
                values["month"] = escape_latex(value, lost)
        elif target == "editor":
            values["editor"] = " and ".join(
                "others" if n.strip() == "others" else latex_name(n, lost)
                for n in re.split(r"\s+and\s+", value) if n.strip())
        elif target == "pages":
            values["pages"] = _pages(value, lost)
        else:
            values[target] = escape_latex(value, lost)


def _add_venue(paper: Paper, entry_type: str, values: dict[str, str], lost: list[str]) -> None:
    target = VENUE_FIELD.get(entry_type)
    venue = (paper.venue or "").strip()
    kind = classify_venue(venue)
    if entry_type == "misc" and paper.arxiv_id and (not venue or kind == PREPRINT):
        values.setdefault("howpublished", f"arXiv preprint arXiv:{escape_latex(paper.arxiv_id)}")
        return
    if not target or target in values or not venue:
        return
    if target == "journal":
        values[target] = escape_latex(journal_name(venue), lost)
    else:
        values[target] = escape_latex(venue, lost)


def _add_identifiers(paper: Paper, values: dict[str, str]) -> None:
    if paper.doi:
        values["doi"] = escape_url(paper.doi)
    if paper.arxiv_id:
        values["eprint"] = escape_url(paper.arxiv_id)
        values["archivePrefix"] = "arXiv"
        extra = {str(k).lower(): str(v).strip() for k, v in paper.extra.items()}
        primary = extra.get("primary_class") or extra.get("primaryclass") or extra.get("eprintclass")
        if primary and _PRIMARY_CLASS.match(primary):
            values["primaryClass"] = primary
    url = _best_url(paper)
    if url:
        values["url"] = escape_url(url)


def _best_url(paper: Paper) -> str | None:
    if paper.doi:
        return f"https://doi.org/{paper.doi}"
    if paper.arxiv_id:
        return f"https://arxiv.org/abs/{paper.arxiv_id}"
    for url in paper.urls:
        if re.match(r"^https?://\S+$", url.strip(), re.IGNORECASE):
            return url.strip()
    return None


def _add_code_note(paper: Paper, values: dict[str, str], lost: list[str]) -> None:
    code = (paper.code_url or "").strip()
    if not re.match(r"^https?://\S+$", code, re.IGNORECASE):
        return
    note = f"Code: \\url{{{escape_url(code)}}}"
    existing = values.get("note")
    if existing:
        joiner = " " if existing.rstrip().endswith((".", "!", "?")) else ". "
        note = existing.rstrip() + joiner + note
    values["note"] = note


def _month_macro(value: str) -> str | None:
    text = value.strip().strip("{}").strip().rstrip(".").lower()
    if text.isdigit() and 1 <= int(text) <= 12:
        return _MONTHS[int(text) - 1]
    if len(text) >= 3 and text[:3] in _MONTHS:
        return text[:3]
    return None


def _pages(value: str, lost: list[str]) -> str:
    """``12-20`` / ``12–20`` -> ``12--20``; anything else escaped as is."""
    match = _PAGE_RANGE.match(value)
    if match:
        return f"{escape_latex(match.group(1), lost)}--{escape_latex(match.group(2), lost)}"
    return escape_latex(value, lost)


def _check_venue_year(paper: Paper, warn) -> None:
    if paper.year is None or not paper.venue:
        return
    match = YEAR_IN_VENUE.search(paper.venue)
    if match and int(match.group(1)) != paper.year:
        warn("venue-year-mismatch", f"venue {paper.venue!r} names {match.group(1)} but the paper's "
             f"year is {paper.year} (the year field cites {citation_year(paper)})", "info")


def short_label(title: str, words: int = 6) -> str:
    """The citation label of a paper without authors: its title when short, else the name before
    a colon (``BLADE``), else its first words with an ellipsis."""
    title = " ".join(title.split())
    if len(title.split()) <= words:
        return title
    head, sep, _ = title.partition(":")
    if sep and 0 < len(head.split()) <= words:
        return head.strip()
    return " ".join(title.split()[: words - 1]) + "\u2026"
