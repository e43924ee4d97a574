"""Crossref client: works by DOI (``/works/{doi}``) and by bibliographic query, and the conversion
of a Crossref work (``message``) to a Paper. The contact address goes into the User-Agent and the
``mailto`` parameter (Crossref's polite pool)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from surveykit.corpus.model import Paper, normalize_doi
from surveykit.corpus.names import to_bibtex_name
from surveykit.enrich.http import HttpClient
from surveykit.sources.openalex import clean_markup

CROSSREF_WORKS = "https://api.crossref.org/works"
ENTRY_TYPES = {
    "journal-article": "article", "proceedings-article": "inproceedings",
    "book-chapter": "incollection", "book-section": "incollection", "book-part": "incollection",
    "book": "book", "monograph": "book", "edited-book": "book", "reference-book": "book",
    "posted-content": "misc", "dissertation": "phdthesis", "report": "techreport",
    "dataset": "misc", "component": "misc", "other": "misc",
}
_JATS_TITLE = re.compile(r"<(jats:)?title[^>]*>.*?</(jats:)?title>", re.IGNORECASE | re.DOTALL)
_DATE_FIELDS = ("issued", "published-print", "published-online", "published", "created")


def strip_jats(text: str | None) -> str:
    """A JATS abstract (``<jats:p>...``) as plain text, without its "Abstract" heading."""
    return clean_markup(_JATS_TITLE.sub(" ", text or ""))


def _first(value: Any) -> str:
    if isinstance(value, list):
        value = next((v for v in value if v), "")
    return clean_markup(str(value or ""))


def _year(message: Mapping[str, Any]) -> int | None:
    for name in _DATE_FIELDS:
        parts = (message.get(name) or {}).get("date-parts") or []
        if parts and parts[0] and parts[0][0]:
            return int(parts[0][0])
    return None


def _author(author: Mapping[str, Any]) -> str:
    family, given = author.get("family"), author.get("given")
    if family:
        return to_bibtex_name(f"{family}, {given}" if given else str(family))
    return str(author.get("name") or "").strip()


def message_to_paper(message: Mapping[str, Any], source: str = "crossref") -> Paper:
    """One Crossref work (the ``message`` of ``/works/{doi}``, or an item) -> Paper."""
    if not isinstance(message, Mapping):
        raise ValueError(f"a Crossref work is an object, not {type(message).__name__}")
    doi = normalize_doi(message.get("DOI"))
    title = _first(message.get("title"))
    subtitle = _first(message.get("subtitle"))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}" if title else subtitle
    if not title:
        raise ValueError(f"Crossref work {doi or '?'} has no title")
    kind = str(message.get("type") or "")
    extra = {"crossref_type": kind}
    for key, name in (("volume", "volume"), ("issue", "number"), ("page", "pages"),
                      ("publisher", "publisher")):
        if message.get(key):
            extra[name] = clean_markup(str(message[key]))
    if message.get("score") is not None:
        extra["crossref_score"] = str(message["score"])
    landing = ((message.get("resource") or {}).get("primary") or {}).get("URL")
    authors = [_author(a) for a in message.get("author") or [] if isinstance(a, Mapping)]
    venue = _first(message.get("container-title")) or _first(
        (message.get("event") or {}).get("name"))
    return Paper(
        title=title,
        abstract=strip_jats(message.get("abstract")),
        authors=[a for a in authors if a],
        year=_year(message),
        venue=venue or None,
        doi=doi,
        urls=[landing] if landing else [],
        source=source,
        source_key=doi,
        entry_type=ENTRY_TYPES.get(kind),
        extra={k: v for k, v in extra.items() if v},
    )


class CrossrefClient:
    """Looks works up on ``api.crossref.org`` through an :class:`HttpClient`."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def _private(self) -> dict[str, str]:
        return {"mailto": self.http.mailto} if self.http.mailto else {}

    def _get(self, url: str, params: dict[str, str | int] | None = None) -> Any:
        return self.http.get_json(url, params, private_params=self._private())

    def by_doi(self, doi: str) -> Paper | None:
        """The work with this DOI, or None (Crossref does not hold DataCite DOIs such as arXiv's)."""
        clean = normalize_doi(doi)
        if not clean:
            return None
        data = self._get(f"{CROSSREF_WORKS}/{quote(clean, safe='/:()._-;')}")
        return message_to_paper(data["message"]) if data and data.get("message") else None

    def search(self, query: str, rows: int = 5) -> list[Paper]:
        """Works matching a bibliographic query (title, authors, year...), Crossref's best first."""
        if not query.strip():
            return []
        data = self._get(CROSSREF_WORKS, {"query.bibliographic": query, "rows": rows})
        papers = []
        for item in ((data or {}).get("message") or {}).get("items") or []:
            try:
                papers.append(message_to_paper(item))
            except ValueError:
                continue
        return papers
