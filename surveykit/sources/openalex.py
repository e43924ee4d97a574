"""OpenAlex work records (``/works`` responses: ``{"results": [...]}``, a list, or one work) -> papers.

Title from ``display_name``, abstract rebuilt from ``abstract_inverted_index``, authors from
``authorships``, venue from the first journal/conference location (a repository such as arXiv only
when there is nothing else), DOI, arXiv id (``ids.arxiv``, an arXiv DOI or an arxiv.org location).
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping
from typing import Any

from surveykit.corpus.model import Paper, normalize_arxiv_id, normalize_doi
from surveykit.corpus.names import to_bibtex_name
from surveykit.sources.report import LoadResult, SourceError
from surveykit.textutil import collapse_ws

OPENALEX_WORK = "https://openalex.org/W"
ENTRY_TYPES = {
    "article": "article", "review": "article", "letter": "article", "editorial": "article",
    "preprint": "misc", "posted-content": "misc", "book-chapter": "incollection",
    "book": "book", "dissertation": "phdthesis", "report": "techreport", "dataset": "misc",
    "proceedings-article": "inproceedings", "other": "misc",
}
_TAG = re.compile(r"<[^>]+>")


def clean_markup(text: str | None) -> str:
    """Drop HTML/JATS tags and entities some records carry in titles (``<i>``, ``<scp>``)."""
    return collapse_ws(html.unescape(_TAG.sub(" ", text or "")))


def rebuild_abstract(inverted: Mapping[str, list[int]] | None) -> str:
    """Plain text from an ``abstract_inverted_index`` (word -> positions)."""
    if not inverted:
        return ""
    placed: dict[int, str] = {}
    for word, positions in inverted.items():
        for position in positions or []:
            placed[int(position)] = word
    return collapse_ws(html.unescape(" ".join(placed[i] for i in sorted(placed))))


def _locations(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = [record.get("primary_location")] + list(record.get("locations") or [])
    return [loc for loc in found if isinstance(loc, Mapping)]


def _source(location: Mapping[str, Any]) -> Mapping[str, Any]:
    source = location.get("source")
    return source if isinstance(source, Mapping) else {}


def _venue(record: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(venue name, source type): the first non-repository source, else the first source."""
    sources = [_source(loc) for loc in _locations(record)]
    sources = [s for s in sources if s.get("display_name")]
    for source in sources:
        if source.get("type") != "repository":
            return collapse_ws(source["display_name"]), source.get("type")
    if sources:
        return collapse_ws(sources[0]["display_name"]), sources[0].get("type")
    return None, None


def _arxiv_id(record: Mapping[str, Any]) -> str | None:
    ids = record.get("ids") or {}
    candidates = [ids.get("arxiv"), record.get("doi")]
    for loc in _locations(record):
        for key in ("landing_page_url", "pdf_url"):
            url = loc.get(key) or ""
            if "arxiv.org/" in url.lower():
                candidates.append(url)
    for value in candidates:
        if value and ("arxiv" in str(value).lower()):
            found = normalize_arxiv_id(str(value))
            if found:
                return found
    return None


def _urls(record: Mapping[str, Any]) -> list[str]:
    urls: list[str] = []
    best = record.get("best_oa_location") if isinstance(record.get("best_oa_location"),
                                                        Mapping) else {}
    primary = record.get("primary_location") if isinstance(record.get("primary_location"),
                                                           Mapping) else {}
    for url in (primary.get("landing_page_url"), best.get("pdf_url"), best.get("landing_page_url")):
        if url and url not in urls:
            urls.append(url)
    return urls


def work_to_paper(record: Mapping[str, Any], source: str = "openalex") -> Paper:
    """One OpenAlex work -> Paper; raises ValueError when it has no title."""
    if not isinstance(record, Mapping):
        raise ValueError(f"an OpenAlex work is an object, not {type(record).__name__}")
    work_id = str(record.get("id") or "")
    short_id = work_id.rsplit("/", 1)[-1] or None
    title = clean_markup(record.get("display_name") or record.get("title"))
    if not title:
        raise ValueError(f"OpenAlex work {short_id or '?'} has no title")
    authors = []
    for authorship in record.get("authorships") or []:
        author = authorship.get("author") or {}
        name = author.get("display_name") or authorship.get("raw_author_name")
        if name:
            authors.append(to_bibtex_name(str(name)))
    venue, venue_type = _venue(record)
    kind = record.get("type") or ""
    entry_type = ENTRY_TYPES.get(kind)
    if kind == "article" and venue_type == "conference":
        entry_type = "inproceedings"
    extra = {"openalex_id": short_id or "", "openalex_type": kind, "venue_type": venue_type or ""}
    if record.get("cited_by_count") is not None:
        extra["cited_by_count"] = str(record["cited_by_count"])
    if record.get("publication_date"):
        extra["publication_date"] = str(record["publication_date"])
    doi = normalize_doi(record.get("doi") or (record.get("ids") or {}).get("doi"))
    return Paper(
        title=title,
        abstract=rebuild_abstract(record.get("abstract_inverted_index")),
        authors=authors,
        year=record.get("publication_year"),
        venue=venue,
        arxiv_id=_arxiv_id(record),
        doi=doi,
        urls=_urls(record),
        source=source,
        source_key=short_id,
        entry_type=entry_type,
        extra={k: v for k, v in extra.items() if v},
    )


def is_work(record: Any) -> bool:
    return isinstance(record, Mapping) and str(record.get("id", "")).startswith(OPENALEX_WORK)


def load(path: str | os.PathLike[str]) -> LoadResult:
    """Load a saved OpenAlex ``/works`` response (or a list of works, or one work)."""
    from surveykit.sources.jsonfile import load_records, read_records

    records, issues = read_records(path, "json")
    file = str(path)
    if len(records) == 1 and isinstance(records[0].value, Mapping) and "error" in records[0].value:
        value = records[0].value
        raise SourceError(f"{file}: an OpenAlex error response: {value.get('error')}: "
                          f"{value.get('message', '')}")
    result = LoadResult(issues=list(issues))
    return result.extend(load_records(records, file, kind="openalex"))
