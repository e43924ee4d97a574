"""Semantic Scholar Graph API paper records -> papers.

Reads ``/paper/search`` responses (``{"total", "offset", "data": [...]}``), ``/paper/batch``
responses (a list, ``null`` where an id was not found) and single ``/paper/{id}`` records.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from surveykit.corpus.model import Paper, normalize_arxiv_id, normalize_doi
from surveykit.corpus.names import to_bibtex_name
from surveykit.sources.report import LoadResult, SourceError
from surveykit.textutil import collapse_ws

# publicationTypes -> BibTeX type, in order of preference ("JournalArticle" is often set as well)
ENTRY_TYPES = {
    "Conference": "inproceedings", "BookSection": "incollection", "Book": "book",
    "JournalArticle": "article", "Review": "article", "Editorial": "article",
    "LettersAndComments": "article", "Study": "article", "Dataset": "misc", "News": "misc",
}


def _venue(record: Mapping[str, Any]) -> str | None:
    publication_venue = record.get("publicationVenue")
    journal = record.get("journal")
    for value in (
        publication_venue.get("name") if isinstance(publication_venue, Mapping) else None,
        record.get("venue"),
        journal.get("name") if isinstance(journal, Mapping) else None,
    ):
        if value and str(value).strip():
            return collapse_ws(str(value))
    return None


def record_to_paper(record: Mapping[str, Any], source: str = "semanticscholar") -> Paper:
    """One Graph API paper -> Paper; raises ValueError when it has no title."""
    if not isinstance(record, Mapping):
        raise ValueError(f"a Semantic Scholar paper is an object, not {type(record).__name__}")
    paper_id = record.get("paperId")
    title = collapse_ws(str(record.get("title") or ""))
    if not title:
        raise ValueError(f"Semantic Scholar paper {paper_id or '?'} has no title")
    external = record.get("externalIds") or {}
    authors = [to_bibtex_name(str(a["name"])) for a in record.get("authors") or []
               if isinstance(a, Mapping) and a.get("name")]
    urls: list[str] = []
    pdf = record.get("openAccessPdf")
    for url in (record.get("url"), pdf.get("url") if isinstance(pdf, Mapping) else None):
        if url and url not in urls:
            urls.append(str(url))
    kinds = set(record.get("publicationTypes") or [])
    entry_type = next((ENTRY_TYPES[k] for k in ENTRY_TYPES if k in kinds), None)
    extra: dict[str, str] = {}
    if paper_id:
        extra["s2_paper_id"] = str(paper_id)
    corpus_id = record.get("corpusId") or external.get("CorpusId")
    if corpus_id:
        extra["s2_corpus_id"] = str(corpus_id)
    if record.get("publicationDate"):
        extra["publication_date"] = str(record["publicationDate"])
    if record.get("citationCount") is not None:
        extra["cited_by_count"] = str(record["citationCount"])
    if record.get("fieldsOfStudy"):
        extra["fields_of_study"] = "; ".join(record["fieldsOfStudy"])
    tldr = record.get("tldr")
    if isinstance(tldr, Mapping) and tldr.get("text"):
        extra["tldr"] = collapse_ws(str(tldr["text"]))
    return Paper(
        title=title,
        abstract=collapse_ws(str(record.get("abstract") or "")),
        authors=authors,
        year=record.get("year"),
        venue=_venue(record),
        arxiv_id=normalize_arxiv_id(external.get("ArXiv")),
        doi=normalize_doi(external.get("DOI")),
        urls=urls,
        source=source,
        source_key=str(paper_id) if paper_id else None,
        entry_type=entry_type,
        extra=extra,
    )


def load(path: str | os.PathLike[str]) -> LoadResult:
    """Load a saved Semantic Scholar Graph API response."""
    from surveykit.sources.jsonfile import load_records, read_records

    records, issues = read_records(path, "json")
    file = str(path)
    first = records[0].value if len(records) == 1 else None
    if isinstance(first, Mapping) and ("error" in first or set(first) == {"message"}):
        raise SourceError(f"{file}: a Semantic Scholar error response: "
                          f"{first.get('error') or first.get('message')}")
    result = LoadResult(issues=list(issues))
    return result.extend(load_records(records, file, kind="semanticscholar"))
