"""Fill the missing metadata of papers from arXiv, OpenAlex, Crossref and Semantic Scholar.

Only empty fields are filled; what the user gave is never overwritten and a paper's ``id`` never
changes. A lookup by arXiv id or DOI is trusted unless the returned title is clearly another paper;
a title search is accepted only when the normalised titles agree (equal, or token Jaccard >= 0.9)
and year and authors do not contradict it. Every filled field is recorded, per paper, in the report
and in ``paper.extra["enriched"]`` (``"abstract:arxiv; doi:openalex"``).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
from tqdm.auto import tqdm

from surveykit.corpus.model import Corpus, Paper
from surveykit.corpus.names import family_name
from surveykit.enrich.arxiv import ArxivClient
from surveykit.enrich.crossref import CrossrefClient
from surveykit.enrich.http import HttpClient, HttpError, OfflineMiss, Session
from surveykit.enrich.openalex import OpenAlexClient
from surveykit.enrich.semanticscholar import SemanticScholarClient
from surveykit.textutil import fold_ascii, normalize_title

SOURCES = ("arxiv", "openalex", "crossref", "semanticscholar")
FIELDS = ("abstract", "authors", "year", "venue", "doi", "arxiv_id", "urls", "code_url")
EXTRA_FIELDS = ("volume", "number", "pages", "publisher")  # bibliographic details, from Crossref
# What each source can fill: a source is asked only when it could fill a missing field.
SUPPLIES = {
    "arxiv": set(FIELDS),
    "openalex": set(FIELDS) - {"code_url"},
    "crossref": set(FIELDS) - {"code_url", "arxiv_id"},
    "semanticscholar": set(FIELDS) - {"code_url"},
}
TITLE_MATCH = 0.9  # token Jaccard for a title-search hit
ID_TITLE_SANITY = 0.5  # below this, an id lookup returned another paper (a wrong id upstream)
ARXIV_DOI_PREFIX = "10.48550/arxiv."
REPORT_COLUMNS = ["id", "title", "status", "filled", "matched", "missing_before",
                  "missing_after", "notes"]


def title_similarity(a: str, b: str) -> float:
    """1.0 for equal normalised titles, else the Jaccard index of their word sets."""
    na, nb = normalize_title(a), normalize_title(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    ta, tb = set(na.split()), set(nb.split())
    return len(ta & tb) / len(ta | tb)


def titles_agree(a: str, b: str, threshold: float = TITLE_MATCH) -> bool:
    return title_similarity(a, b) >= threshold


def _families(paper: Paper) -> set[str]:
    return {fold_ascii(family_name(a)).lower() for a in paper.authors if a}


def plausible_match(paper: Paper, candidate: Paper) -> bool:
    """No contradiction between a paper and a title-search hit: years within 2, a shared author."""
    if paper.year and candidate.year and abs(paper.year - candidate.year) > 2:
        return False
    ours, theirs = _families(paper), _families(candidate)
    return not (ours and theirs and not ours & theirs)


def missing_fields(paper: Paper) -> list[str]:
    """The enrichable fields that are empty."""
    return [name for name in FIELDS if not getattr(paper, name)]


def best_title_match(paper: Paper, candidates: Iterable[Paper],
                     threshold: float = TITLE_MATCH) -> Paper | None:
    """The candidate whose title agrees best with the paper's (ties: the API's order)."""
    best, best_score = None, threshold
    for candidate in candidates:
        score = title_similarity(paper.title, candidate.title)
        if score >= best_score and plausible_match(paper, candidate) and (
            best is None or score > best_score
        ):
            best, best_score = candidate, score
    return best


def fill_missing(paper: Paper, candidate: Paper, source: str) -> list[str]:
    """Copy the candidate's values into the paper's empty fields; returns ``field:source`` items."""
    filled = []
    for name in FIELDS:
        value = getattr(candidate, name)
        if getattr(paper, name) or not value:
            continue
        if name == "venue" and candidate.extra.get("venue_type") == "repository":
            continue  # "arXiv (Cornell University)" is where a preprint lives, not a venue
        if name == "doi" and value.startswith(ARXIV_DOI_PREFIX):
            continue  # arXiv's own DOI adds nothing to the arXiv id
        setattr(paper, name, copy.deepcopy(value))
        filled.append(f"{name}:{source}")
    for key in EXTRA_FIELDS:
        if candidate.extra.get(key) and not paper.extra.get(key):
            paper.extra[key] = candidate.extra[key]
            filled.append(f"{key}:{source}")
    return filled


@dataclass
class _Row:
    paper: Paper
    missing_before: list[str]
    filled: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, str]:
        after = missing_fields(self.paper)
        if not self.missing_before:
            status = "complete"
        elif self.filled:
            status = "enriched"
        elif self.matched:
            status = "matched, nothing new"
        else:
            status = "not found"
        return {
            "id": self.paper.id, "title": self.paper.title, "status": status,
            "filled": "; ".join(self.filled), "matched": "; ".join(self.matched),
            "missing_before": ", ".join(self.missing_before), "missing_after": ", ".join(after),
            "notes": "; ".join(self.notes),
        }


class Enricher:
    """Runs the lookups of each source for each paper (see module doc)."""

    def __init__(self, http: HttpClient, sources: Sequence[str] = SOURCES,
                 title_search: bool = True) -> None:
        unknown = [s for s in sources if s not in SOURCES]
        if unknown:
            raise ValueError(f"unknown enrichment source(s) {unknown}; known: {', '.join(SOURCES)}")
        self.http = http
        self.sources = tuple(sources)
        self.title_search = title_search
        self.arxiv = ArxivClient(http)
        self.openalex = OpenAlexClient(http)
        self.crossref = CrossrefClient(http)
        self.semanticscholar = SemanticScholarClient(http)
        self._arxiv_found: dict[str, Paper] = {}
        self._arxiv_asked: set[str] = set()
        self._arxiv_failed: dict[str, str] = {}

    # --- lookups: each returns (candidate, how) ------------------------------------------------

    def prefetch_arxiv(self, papers: Iterable[Paper]) -> None:
        """Fetch every known arXiv id in batches (one request per 100 ids, not one per paper)."""
        ids = sorted({p.arxiv_id for p in papers if p.arxiv_id})
        for start in range(0, len(ids), 100):
            batch = ids[start : start + 100]
            try:
                self._arxiv_found.update(self.arxiv.by_ids(batch))
                self._arxiv_asked.update(batch)
            except (OfflineMiss, HttpError) as exc:
                for arxiv_id in batch:
                    self._arxiv_failed[arxiv_id] = _reason(exc)

    def _by_arxiv(self, paper: Paper) -> tuple[Paper | None, str]:
        if paper.arxiv_id:
            if paper.arxiv_id in self._arxiv_failed:
                raise HttpError(self._arxiv_failed[paper.arxiv_id])
            if paper.arxiv_id not in self._arxiv_asked:
                self._arxiv_found.update(self.arxiv.by_ids([paper.arxiv_id]))
                self._arxiv_asked.add(paper.arxiv_id)
            found = self._arxiv_found.get(paper.arxiv_id)
            if found is not None:
                return found, "arxiv id"
        if self.title_search and not paper.arxiv_id:  # a known id that arXiv lacks stays unmatched
            return best_title_match(paper, self.arxiv.search_title(paper.title)), "title"
        return None, ""

    def _by_openalex(self, paper: Paper) -> tuple[Paper | None, str]:
        return self._by_doi_arxiv_title(self.openalex, paper)

    def _by_crossref(self, paper: Paper) -> tuple[Paper | None, str]:
        if paper.doi and not paper.doi.startswith(ARXIV_DOI_PREFIX):
            found = self.crossref.by_doi(paper.doi)
            if found is not None:
                return found, "doi"
        if self.title_search:
            first = family_name(paper.authors[0]) if paper.authors else ""
            query = " ".join(x for x in (paper.title, first) if x)
            return best_title_match(paper, self.crossref.search(query)), "title"
        return None, ""

    def _by_semanticscholar(self, paper: Paper) -> tuple[Paper | None, str]:
        return self._by_doi_arxiv_title(self.semanticscholar, paper)

    def _by_doi_arxiv_title(self, client: OpenAlexClient | SemanticScholarClient,
                            paper: Paper) -> tuple[Paper | None, str]:
        """A client that knows papers by DOI and arXiv id: the DOI (not arXiv's own), then the
        arXiv id, then a title search."""
        if paper.doi and not paper.doi.startswith(ARXIV_DOI_PREFIX):
            found = client.by_doi(paper.doi)
            if found is not None:
                return found, "doi"
        if paper.arxiv_id:
            found = client.by_arxiv(paper.arxiv_id)
            if found is not None:
                return found, "arxiv id"
        if self.title_search:
            return best_title_match(paper, client.search_title(paper.title)), "title"
        return None, ""

    def _lookup(self, source: str) -> Callable[[Paper], tuple[Paper | None, str]]:
        return {"arxiv": self._by_arxiv, "openalex": self._by_openalex,
                "crossref": self._by_crossref, "semanticscholar": self._by_semanticscholar}[source]

    # --- one paper, all papers -------------------------------------------------------------------

    def enrich_paper(self, paper: Paper) -> _Row:
        """Fill the paper (in place) from each source in turn until nothing is missing."""
        row = _Row(paper, missing_fields(paper))
        for source in self.sources:
            if not SUPPLIES[source] & set(missing_fields(paper)):
                continue
            try:
                candidate, how = self._lookup(source)(paper)
            except (OfflineMiss, HttpError) as exc:
                row.notes.append(f"{source}: {_reason(exc)}")
                continue
            if candidate is None:
                continue
            similarity = title_similarity(paper.title, candidate.title)
            if how != "title" and similarity < ID_TITLE_SANITY:
                row.notes.append(f"{source}: {how} lookup returned {candidate.title!r}; not used")
                continue
            if similarity < TITLE_MATCH:
                row.notes.append(f"{source}: {how} lookup title differs ({similarity:.2f}): "
                                 f"{candidate.title!r}")
            row.matched.append(f"{source} ({how})")
            row.filled.extend(fill_missing(paper, candidate, source))
        if row.filled:
            previous = paper.extra.get("enriched")
            paper.extra["enriched"] = "; ".join(x for x in (previous, *row.filled) if x)
        return row

    def enrich(self, papers: Sequence[Paper], progress: bool = True
               ) -> tuple[list[Paper], pd.DataFrame]:
        out = [copy.deepcopy(p) for p in papers]
        todo = [p for p in out if missing_fields(p)]
        if "arxiv" in self.sources:
            self.prefetch_arxiv(todo)
        rows = []
        for paper in tqdm(out, desc="enrich", unit="paper", disable=not progress):
            row = self.enrich_paper(paper) if missing_fields(paper) else _Row(paper, [])
            rows.append(row.as_dict())
        return out, pd.DataFrame(rows, columns=REPORT_COLUMNS)


def _reason(exc: Exception) -> str:
    if isinstance(exc, OfflineMiss):
        return "not in the cache (offline)"
    return str(exc)


def enrich_corpus(
    papers_or_corpus: Corpus | Iterable[Paper],
    sources: Sequence[str] = SOURCES,
    offline: bool | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: bool = True,
    *,
    mailto: str | None = None,
    title_search: bool = True,
    session: Session | None = None,
    http: HttpClient | None = None,
) -> tuple[list[Paper], pd.DataFrame]:
    """Enriched copies of the papers (same order, same ids) and a report, one row per paper.

    ``offline`` (default: ``SURVEYKIT_OFFLINE``) reads only the cache under ``cache_dir`` (default
    ``.cache/surveykit/http``). ``title_search=False`` looks papers up by arXiv id and DOI only.
    """
    papers = list(papers_or_corpus.papers if isinstance(papers_or_corpus, Corpus)
                  else papers_or_corpus)
    if http is None:
        http = HttpClient(cache_dir=cache_dir, offline=offline, mailto=mailto, session=session)
    return Enricher(http, sources, title_search=title_search).enrich(papers, progress=progress)
