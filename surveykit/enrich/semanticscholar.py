"""Semantic Scholar Graph API client: papers by DOI, by arXiv id and by title search.

Semantic Scholar often knows where an arXiv preprint was published (``venue``) and has abstracts
that publishers withhold from OpenAlex and Crossref. An API key in ``SEMANTIC_SCHOLAR_API_KEY`` is
sent in the ``x-api-key`` header, never in a cache key; without one the shared pool allows about
one request a second (the HTTP layer's interval for this host).
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

from surveykit.corpus.model import Paper, normalize_arxiv_id, normalize_doi
from surveykit.enrich.http import HttpClient
from surveykit.sources.semanticscholar import record_to_paper
from surveykit.textutil import normalize_title

S2_PAPER = "https://api.semanticscholar.org/graph/v1/paper"
S2_FIELDS = ("title,abstract,authors,year,venue,publicationVenue,journal,externalIds,"
             "publicationTypes,publicationDate,openAccessPdf,url")


class SemanticScholarClient:
    """Looks papers up on ``api.semanticscholar.org`` through an :class:`HttpClient`."""

    def __init__(self, http: HttpClient, api_key: str | None = None) -> None:
        self.http = http
        self.api_key = api_key or os.environ.get("SEMANTIC_SCHOLAR_API_KEY") or None

    def _get(self, url: str, params: dict[str, str | int]) -> Any:
        headers = {"x-api-key": self.api_key} if self.api_key else None
        return self.http.get_json(url, params, headers=headers)

    def _paper(self, record: Any) -> Paper | None:
        try:
            return record_to_paper(record) if record else None
        except ValueError:  # a record without a title
            return None

    def by_doi(self, doi: str) -> Paper | None:
        """The paper with this DOI, or None."""
        clean = normalize_doi(doi)
        if not clean:
            return None
        return self._paper(self._get(f"{S2_PAPER}/DOI:{quote(clean, safe='/:()._-;')}",
                                     {"fields": S2_FIELDS}))

    def by_arxiv(self, arxiv_id: str) -> Paper | None:
        """The paper with this arXiv id, or None."""
        clean = normalize_arxiv_id(arxiv_id)
        if not clean:
            return None
        return self._paper(self._get(f"{S2_PAPER}/ARXIV:{clean}", {"fields": S2_FIELDS}))

    def search_title(self, title: str, limit: int = 5) -> list[Paper]:
        """Papers matching the (normalised) title, Semantic Scholar's best first."""
        query = normalize_title(title)
        if not query:
            return []
        answer = self._get(f"{S2_PAPER}/search", {"query": query, "limit": limit,
                                                  "fields": S2_FIELDS}) or {}
        found = [self._paper(record) for record in answer.get("data") or []]
        return [paper for paper in found if paper is not None]
