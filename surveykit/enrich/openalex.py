"""OpenAlex client: works by DOI, by arXiv id (through arXiv's DOI ``10.48550/arXiv.<id>``) and by
title search. The contact address goes into ``mailto`` (the polite pool); an API key, if set in
``OPENALEX_API_KEY``, into ``api_key``; neither is part of a cache key."""

from __future__ import annotations

import os
from urllib.parse import quote

from surveykit.corpus.model import Paper, normalize_arxiv_id, normalize_doi
from surveykit.enrich.http import HttpClient
from surveykit.sources.openalex import work_to_paper
from surveykit.textutil import normalize_title

OPENALEX_WORKS = "https://api.openalex.org/works"


def arxiv_doi(arxiv_id: str) -> str:
    """The DOI arXiv registers for a paper: ``10.48550/arxiv.<id>``."""
    return f"10.48550/arxiv.{normalize_arxiv_id(arxiv_id)}"


class OpenAlexClient:
    """Looks works up on ``api.openalex.org`` through an :class:`HttpClient`."""

    def __init__(self, http: HttpClient, api_key: str | None = None) -> None:
        self.http = http
        self.api_key = api_key or os.environ.get("OPENALEX_API_KEY") or None

    def _private(self) -> dict[str, str]:
        private = {"mailto": self.http.mailto, "api_key": self.api_key}
        return {k: v for k, v in private.items() if v}

    def _get(self, url: str, params: dict[str, str | int] | None = None) -> dict | None:
        return self.http.get_json(url, params, private_params=self._private())

    def by_doi(self, doi: str) -> Paper | None:
        """The work with this DOI, or None."""
        clean = normalize_doi(doi)
        if not clean:
            return None
        record = self._get(f"{OPENALEX_WORKS}/doi:{quote(clean, safe='/:()._-;')}")
        return work_to_paper(record, source="openalex") if record else None

    def by_arxiv(self, arxiv_id: str) -> Paper | None:
        """The work registered under arXiv's DOI for this id, or None."""
        return self.by_doi(arxiv_doi(arxiv_id)) if normalize_arxiv_id(arxiv_id) else None

    def search_title(self, title: str, per_page: int = 5) -> list[Paper]:
        """Works whose title matches the (normalised) title, OpenAlex's best first."""
        words = normalize_title(title)
        if not words:
            return []
        data = self._get(OPENALEX_WORKS, {"filter": f"title.search:{words}",
                                          "per-page": per_page})
        papers = []
        for record in (data or {}).get("results") or []:
            try:
                papers.append(work_to_paper(record, source="openalex"))
            except ValueError:
                continue
        return papers
