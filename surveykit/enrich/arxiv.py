"""arXiv API client: papers by arXiv id (batched ``id_list``) and by title search."""

from __future__ import annotations

from collections.abc import Iterable

from surveykit.corpus.model import Paper, normalize_arxiv_id
from surveykit.enrich.http import HttpClient, HttpError
from surveykit.sources.arxiv_atom import parse_feed
from surveykit.sources.report import LoadIssue, SourceError
from surveykit.textutil import normalize_title

ARXIV_API = "https://export.arxiv.org/api/query"
MAX_IDS_PER_REQUEST = 100


class ArxivClient:
    """Looks papers up on ``export.arxiv.org`` through an :class:`HttpClient`."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http
        self.issues: list[LoadIssue] = []  # error entries arXiv answered with

    def _query(self, params: dict[str, str | int]) -> list[Paper]:
        response = self.http.get(ARXIV_API, params)
        if response.status != 200:
            raise HttpError(f"GET {ARXIV_API} answered HTTP {response.status}", response.status)
        try:
            result = parse_feed(response.text, ARXIV_API, source="arxiv")
        except SourceError as exc:
            self.http.forget(ARXIV_API, params)
            raise HttpError(f"arXiv answered something that is not a feed: {exc}") from None
        self.issues.extend(result.issues)
        return result.papers

    def by_ids(self, ids: Iterable[str]) -> dict[str, Paper]:
        """arXiv id (no version) -> paper, for every id arXiv knows; batches of 100 ids."""
        wanted = sorted({i for i in (normalize_arxiv_id(x) for x in ids) if i})
        found: dict[str, Paper] = {}
        for start in range(0, len(wanted), MAX_IDS_PER_REQUEST):
            batch = wanted[start : start + MAX_IDS_PER_REQUEST]
            params = {"id_list": ",".join(batch), "max_results": len(batch)}
            for paper in self._query(params):
                if paper.arxiv_id in batch:
                    found[paper.arxiv_id] = paper
        return found

    def by_id(self, arxiv_id: str) -> Paper | None:
        return self.by_ids([arxiv_id]).get(normalize_arxiv_id(arxiv_id) or "")

    def search_title(self, title: str, max_results: int = 5) -> list[Paper]:
        """Papers whose title contains the (normalised) title as a phrase, best first."""
        words = normalize_title(title)
        if not words:
            return []
        return self._query({"search_query": f'ti:"{words}"', "start": 0,
                            "max_results": max_results})
