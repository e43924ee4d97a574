"""Enrichment: HTTP cache, offline mode, rate limits, retries, API clients, filling missing fields.

Every response is a recorded fixture served by a fake session; nothing here touches the network.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest

from surveykit.corpus.model import Corpus, Paper
from surveykit.enrich import (
    ArxivClient,
    CrossrefClient,
    HttpClient,
    HttpError,
    OfflineMiss,
    OpenAlexClient,
    RateLimiter,
    enrich_corpus,
    message_to_paper,
    title_similarity,
)
from surveykit.enrich.http import cache_key, retry_after_seconds

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "apis"
EMPTY_FEED = ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
              "<title>arXiv Query</title></feed>")
BLADE_TITLE = "BLADE: Benchmarking Language Model Agents for Data-Driven Science"
MLAB_TITLE = "MLAgentBench: Evaluating Language Agents on Machine Learning Experimentation"
BLADE_DOI = "10.18653/v1/2024.findings-emnlp.815"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


class FakeResponse:
    def __init__(self, status: int = 200, text: str = "", headers: dict | None = None) -> None:
        self.status_code = status
        self.text = text
        self.headers = headers or {}


class FakeSession:
    """Answers GETs with a handler (or a queue of answers) and records every call."""

    def __init__(self, handler=None, queue=None) -> None:
        self.handler = handler
        self.queue = list(queue or [])
        self.calls: list[tuple[str, dict, dict]] = []

    def get(self, url, params=None, headers=None, timeout=None):
        self.calls.append((url, dict(params or {}), dict(headers or {})))
        if self.queue:
            item = self.queue.pop(0)
            if isinstance(item, Exception):
                raise item
            return item
        return self.handler(url, dict(params or {}))


class ExplodingSession:
    def get(self, *args, **kwargs):
        raise AssertionError("the network was touched")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


S2 = "https://api.semanticscholar.org/graph/v1/paper"


def api_handler(url: str, params: dict) -> FakeResponse:
    """The recorded answers of arXiv, OpenAlex, Crossref and Semantic Scholar for BLADE and
    MLAgentBench."""
    if url == "https://export.arxiv.org/api/query":
        if "id_list" in params:
            return FakeResponse(200, fixture("arxiv_id_list.atom"))
        if "mlagentbench" in params.get("search_query", ""):
            return FakeResponse(200, fixture("arxiv_search_title.atom"))
        return FakeResponse(200, EMPTY_FEED)
    if url.startswith("https://api.openalex.org/works/doi:"):
        if unquote(url).endswith(BLADE_DOI):
            return FakeResponse(200, fixture("openalex_work_blade.json"))
        return FakeResponse(404, "Not Found")
    if url == "https://api.openalex.org/works":
        if "mlagentbench" in params.get("filter", ""):
            return FakeResponse(200, fixture("openalex_works_search.json"))
        return FakeResponse(200, json.dumps({"meta": {"count": 0}, "results": []}))
    if url == f"https://api.crossref.org/works/{BLADE_DOI}":
        return FakeResponse(200, fixture("crossref_work_blade.json"))
    if url.startswith("https://api.crossref.org/works/"):
        return FakeResponse(404, "Resource not found.")
    if url == "https://api.crossref.org/works":
        return FakeResponse(200, fixture("crossref_query_blade.json"))
    if url == f"{S2}/ARXIV:2310.03302":
        return FakeResponse(200, json.dumps(json.loads(fixture("s2_batch.json"))[0]))
    if url.startswith((f"{S2}/ARXIV:", f"{S2}/DOI:")):
        return FakeResponse(404, json.dumps({"error": "Paper not found"}))
    if url == f"{S2}/search":
        if "mlagentbench" in params.get("query", ""):
            return FakeResponse(200, fixture("s2_search.json"))
        return FakeResponse(200, json.dumps({"total": 0, "offset": 0, "data": []}))
    raise AssertionError(f"unexpected request {url} {params}")


def client(tmp_path, session=None, **kwargs) -> tuple[HttpClient, FakeClock]:
    clock = FakeClock()
    http = HttpClient(cache_dir=tmp_path / "cache", session=session, clock=clock,
                      sleep=clock.sleep, offline=kwargs.pop("offline", False), **kwargs)
    return http, clock


# --- HTTP layer ------------------------------------------------------------------------------


def test_cache_key_is_order_free_and_ignores_contact():
    a = cache_key("GET", "https://x.org/q", {"b": 2, "a": "1", "mailto": "me@x.org"})
    b = cache_key("get", "https://x.org/q", {"a": 1, "b": "2"})
    assert a == b
    assert a != cache_key("GET", "https://x.org/q", {"a": 1, "b": 3})
    assert a != cache_key("POST", "https://x.org/q", {"a": 1, "b": 2})


def test_cache_hit_and_miss(tmp_path):
    session = FakeSession(lambda url, params: FakeResponse(200, '{"ok": true}'))
    http, _ = client(tmp_path, session)
    first = http.get("https://api.openalex.org/works", {"search": "x"})
    second = http.get("https://api.openalex.org/works", {"search": "x"})
    other = http.get("https://api.openalex.org/works", {"search": "y"})
    assert len(session.calls) == 2
    assert not first.from_cache and second.from_cache and not other.from_cache
    assert second.json() == {"ok": True}
    stored = list((tmp_path / "cache" / "api.openalex.org").rglob("*.json"))
    assert len(stored) == 2
    record = json.loads(stored[0].read_text())
    assert record["status"] == 200 and record["method"] == "GET"


def test_404_is_cached_but_errors_are_not(tmp_path):
    session = FakeSession(queue=[FakeResponse(404, "Not Found"), FakeResponse(403, "no")])
    http, _ = client(tmp_path, session)
    assert http.get("https://api.crossref.org/works/10.1/none").status == 404
    assert http.get("https://api.crossref.org/works/10.1/none").from_cache
    assert http.get("https://api.crossref.org/works/10.1/forbidden").status == 403
    session.queue = [FakeResponse(200, "{}")]
    assert http.get("https://api.crossref.org/works/10.1/forbidden").status == 200
    assert len(session.calls) == 3


def test_offline_never_touches_the_network(tmp_path, monkeypatch):
    online, _ = client(tmp_path, FakeSession(lambda u, p: FakeResponse(200, "cached body")))
    online.get("https://api.openalex.org/works", {"search": "x"})

    monkeypatch.setenv("SURVEYKIT_OFFLINE", "1")
    offline = HttpClient(cache_dir=tmp_path / "cache", session=ExplodingSession())
    assert offline.offline is True
    assert offline.get("https://api.openalex.org/works", {"search": "x"}).text == "cached body"
    with pytest.raises(OfflineMiss, match=r"offline and not cached: GET .*search=y"):
        offline.get("https://api.openalex.org/works", {"search": "y"})
    assert offline.requests_sent == 0


def test_rate_limiter_spacing_with_injected_clock():
    clock = FakeClock()
    limiter = RateLimiter({"export.arxiv.org": 3.0}, default=0.1, clock=clock, sleep=clock.sleep)
    assert limiter.wait("export.arxiv.org") == 0.0  # first call: no wait
    assert limiter.wait("export.arxiv.org") == pytest.approx(3.0)
    clock.now += 1.0
    assert limiter.wait("export.arxiv.org") == pytest.approx(2.0)
    assert limiter.wait("api.openalex.org") == 0.0  # hosts are independent
    clock.now += 5.0
    assert limiter.wait("export.arxiv.org") == 0.0
    assert clock.sleeps == [3.0, 2.0]


def test_client_spaces_arxiv_requests(tmp_path):
    session = FakeSession(lambda url, params: FakeResponse(200, EMPTY_FEED))
    http, clock = client(tmp_path, session)
    arxiv = ArxivClient(http)
    for title in ("one title", "two title", "three title"):
        arxiv.search_title(title)
    assert clock.sleeps == [3.0, 3.0]
    assert len(session.calls) == 3


def test_retry_on_429_honours_retry_after(tmp_path):
    session = FakeSession(queue=[FakeResponse(429, "slow down", {"Retry-After": "7"}),
                                 FakeResponse(503, "busy"),
                                 FakeResponse(200, '{"results": []}')])
    http, clock = client(tmp_path, session, intervals={})
    response = http.get("https://api.openalex.org/works", {"search": "x"})
    assert response.status == 200 and len(session.calls) == 3
    assert clock.sleeps == [7.0, 4.0]  # Retry-After, then backoff 2 * 2**1


def test_retry_gives_up_with_a_clear_error(tmp_path):
    import requests

    session = FakeSession(queue=[requests.ConnectionError("refused")] + [FakeResponse(500)] * 3)
    http, clock = client(tmp_path, session, intervals={}, max_retries=3)
    with pytest.raises(HttpError, match=r"works failed after 4 attempts \(HTTP 500\)") as info:
        http.get("https://api.crossref.org/works", {"query": "x"})
    assert info.value.status == 500
    assert clock.sleeps == [2.0, 4.0, 8.0]
    assert not list((tmp_path / "cache").rglob("*.json"))


def test_retry_after_http_date():
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_user_agent_and_polite_pool(tmp_path):
    session = FakeSession(api_handler)
    http, _ = client(tmp_path, session, mailto="me@example.org")
    OpenAlexClient(http).search_title(MLAB_TITLE)
    url, params, headers = session.calls[0]
    assert headers["User-Agent"].startswith("surveykit/")
    assert "mailto:me@example.org" in headers["User-Agent"]
    assert params["mailto"] == "me@example.org"
    (stored,) = (tmp_path / "cache").rglob("*.json")
    assert "mailto" not in json.loads(stored.read_text())["params"]


# --- API clients -----------------------------------------------------------------------------


def test_arxiv_by_ids(tmp_path):
    session = FakeSession(api_handler)
    arxiv = ArxivClient(client(tmp_path, session)[0])
    found = arxiv.by_ids(["2408.09667v1", "arXiv:2310.03302"])
    assert sorted(found) == ["2310.03302", "2408.09667"]
    assert found["2408.09667"].title == BLADE_TITLE
    assert session.calls[0][1] == {"id_list": "2310.03302,2408.09667", "max_results": 2}


def test_arxiv_batches_of_100(tmp_path):
    session = FakeSession(lambda url, params: FakeResponse(200, EMPTY_FEED))
    arxiv = ArxivClient(client(tmp_path, session)[0])
    ids = [f"2401.{n:05d}" for n in range(150)]
    assert arxiv.by_ids(ids) == {}
    sizes = [len(params["id_list"].split(",")) for _, params, _ in session.calls]
    assert sizes == [100, 50]


def test_arxiv_garbage_answer_is_an_error_and_not_cached(tmp_path):
    session = FakeSession(lambda url, params: FakeResponse(200, "Rate exceeded."))
    http, _ = client(tmp_path, session)
    with pytest.raises(HttpError, match="not a feed"):
        ArxivClient(http).by_ids(["2408.09667"])
    assert not list((tmp_path / "cache").rglob("*.json"))


def test_arxiv_error_entries_are_kept_as_issues(tmp_path):
    session = FakeSession(lambda url, params: FakeResponse(200, fixture("arxiv_error.atom")))
    arxiv = ArxivClient(client(tmp_path, session)[0])
    assert arxiv.by_ids(["2408.99999"]) == {}
    assert "incorrect id format" in arxiv.issues[0].reason


def test_openalex_lookups(tmp_path):
    session = FakeSession(api_handler)
    openalex = OpenAlexClient(client(tmp_path, session)[0])
    work = openalex.by_doi(f"https://doi.org/{BLADE_DOI.upper()}")
    assert work is not None and work.venue.startswith("Findings of the Association")
    assert session.calls[0][0] == f"https://api.openalex.org/works/doi:{BLADE_DOI}"
    assert openalex.by_arxiv("2310.03302") is None
    assert session.calls[1][0].endswith("/works/doi:10.48550/arxiv.2310.03302")
    (hit,) = openalex.search_title(MLAB_TITLE)
    assert hit.arxiv_id == "2310.03302"
    assert session.calls[2][1]["filter"] == (
        "title.search:mlagentbench evaluating language agents on machine learning experimentation")


def test_crossref_lookups_and_conversion(tmp_path):
    session = FakeSession(api_handler)
    crossref = CrossrefClient(client(tmp_path, session)[0])
    paper = crossref.by_doi(BLADE_DOI)
    assert paper.title == BLADE_TITLE
    assert paper.authors[0] == "Gu, Ken" and paper.year == 2024
    assert paper.venue == "Findings of the Association for Computational Linguistics: EMNLP 2024"
    assert paper.entry_type == "inproceedings"
    assert paper.abstract.startswith("Data-driven scientific discovery")  # JATS heading dropped
    assert "<" not in paper.abstract
    assert paper.extra["pages"] == "13936-13971"
    assert crossref.by_doi("10.1000/missing") is None
    hits = crossref.search(f"{BLADE_TITLE} Gu")
    assert [h.doi for h in hits] == [BLADE_DOI, "10.1145/3613904.3642000"]
    assert session.calls[-1][1]["query.bibliographic"] == f"{BLADE_TITLE} Gu"


def test_crossref_message_edge_cases():
    paper = message_to_paper({
        "DOI": "10.1234/X", "type": "journal-article", "title": ["Main <i>title</i>"],
        "subtitle": ["a subtitle"], "author": [{"name": "The Consortium"}, {"family": "Solo"}],
        "issued": {"date-parts": [[None]]}, "published-online": {"date-parts": [[2021, 5]]},
        "abstract": "<jats:sec><jats:title>Abstract</jats:title><jats:p>Text &amp; more.</jats:p>"
                    "</jats:sec>",
    })
    assert paper.title == "Main title: a subtitle"
    assert paper.authors == ["The Consortium", "Solo"]
    assert paper.year == 2021 and paper.abstract == "Text & more."
    assert paper.entry_type == "article" and paper.doi == "10.1234/x"
    with pytest.raises(ValueError, match="has no title"):
        message_to_paper({"DOI": "10.1234/y", "title": []})


# --- enrichment ------------------------------------------------------------------------------


def test_title_similarity():
    assert title_similarity("BLADE: Benchmarking", "blade benchmarking") == 1.0
    assert title_similarity(BLADE_TITLE, "Benchmarking Data Science Agents") < 0.5
    assert title_similarity("", "x") == 0.0


def user_papers() -> list[Paper]:
    return [
        # arXiv id known; the user's venue must survive, the rest comes from the sources
        Paper(title=BLADE_TITLE, arxiv_id="2408.09667", venue="EMNLP 2024"),
        # no identifier: found by title search (arXiv), the user's authors kept as they are
        Paper(title=MLAB_TITLE, authors=["Huang, Q."]),
        # nothing anywhere matches this one
        Paper(title="An Unpublished Note on Agents", year=2024),
        # complete already: no lookup at all
        Paper(title="Complete", abstract="x", authors=["A, B"], year=2020, venue="V",
              arxiv_id="2001.00001", doi="10.1234/c", urls=["u"], code_url="c"),
    ]


def test_enrich_fills_only_missing_fields(tmp_path):
    session = FakeSession(api_handler)
    papers = user_papers()
    before = [p.to_dict() for p in papers]
    enriched, report = enrich_corpus(papers, progress=False, http=client(tmp_path, session)[0])
    assert [p.to_dict() for p in papers] == before  # the input is not modified
    assert [p.id for p in enriched] == [p.id for p in papers]
    blade, mlab, note, complete = enriched

    assert blade.venue == "EMNLP 2024"  # never overwritten
    assert blade.abstract.startswith("Data-driven scientific discovery")
    assert blade.authors[0] == "Gu, Ken" and blade.year == 2024
    assert blade.code_url == "https://github.com/behavioral-data/BLADE"
    # OpenAlex knows no work under arXiv's DOI and its title search finds nothing here; the
    # Crossref bibliographic query finds the published version
    assert blade.doi == BLADE_DOI
    assert blade.extra["pages"] == "13936-13971"
    assert blade.extra["enriched"] == (
        "abstract:arxiv; authors:arxiv; year:arxiv; urls:arxiv; code_url:arxiv; "
        "doi:crossref; pages:crossref; publisher:crossref")

    assert mlab.authors == ["Huang, Q."]
    assert mlab.arxiv_id == "2310.03302" and mlab.id == papers[1].id  # id does not change
    assert mlab.abstract.startswith("A central aspect of machine learning research")
    # OpenAlex only knows the arXiv repository; Semantic Scholar knows where it was published
    assert mlab.venue == "International Conference on Machine Learning"
    assert mlab.extra["enriched"].endswith("venue:semanticscholar")
    assert mlab.doi is None  # arXiv's own DOI is not filled in

    assert note.to_dict() == papers[2].to_dict()
    assert complete.to_dict() == papers[3].to_dict()

    rows = report.set_index("id")
    assert list(report.columns) == ["id", "title", "status", "filled", "matched",
                                    "missing_before", "missing_after", "notes"]
    assert rows.loc[blade.id, "status"] == "enriched"
    assert "arxiv (arxiv id)" in rows.loc[blade.id, "matched"]
    assert "venue" not in rows.loc[blade.id, "filled"]
    assert rows.loc[mlab.id, "matched"].startswith("arxiv (title)")
    assert rows.loc[note.id, "status"] == "not found"
    assert rows.loc[complete.id, "status"] == "complete"
    # one batched arXiv id request, no request at all for the complete paper
    id_requests = [c for c in session.calls if "id_list" in c[1]]
    assert len(id_requests) == 1 and id_requests[0][1]["id_list"] == "2408.09667"
    assert not any("2001.00001" in str(c) or "10.1234/c" in c[0] for c in session.calls)


def test_enrich_rejects_title_mismatch(tmp_path):
    def handler(url, params):
        if url == "https://api.crossref.org/works":
            return FakeResponse(200, fixture("crossref_query_blade.json"))
        raise AssertionError(url)

    paper = Paper(title="Benchmarking Data Agents for Science", year=2024)
    enriched, report = enrich_corpus([paper], sources=["crossref"], progress=False,
                                     http=client(tmp_path, FakeSession(handler))[0])
    assert enriched[0].to_dict() == paper.to_dict()
    assert report.loc[0, "status"] == "not found"


def test_enrich_rejects_author_conflict(tmp_path):
    session = FakeSession(api_handler)
    paper = Paper(title=BLADE_TITLE, authors=["Someone, Else"])
    enriched, _ = enrich_corpus([paper], sources=["crossref"], progress=False,
                                http=client(tmp_path, session)[0])
    assert enriched[0].abstract == ""


def test_enrich_offline_uses_only_the_cache(tmp_path):
    papers = user_papers()[:2]
    online, _ = enrich_corpus(papers, progress=False,
                              http=client(tmp_path, FakeSession(api_handler))[0])
    # the public entry point, offline: it reads the same cache and never sleeps or sends
    replay, report = enrich_corpus(Corpus(papers), cache_dir=tmp_path / "cache", offline=True,
                                   progress=False, session=ExplodingSession())
    assert [p.to_dict() for p in replay] == [p.to_dict() for p in online]
    assert (report["status"] == "enriched").all()


def test_enrich_offline_cache_miss_is_reported(tmp_path):
    papers = user_papers()[:1]
    enriched, report = enrich_corpus(papers, cache_dir=tmp_path, offline=True, progress=False,
                                     session=ExplodingSession())
    assert enriched[0].to_dict() == papers[0].to_dict()
    assert report.loc[0, "status"] == "not found"
    assert "arxiv: not in the cache (offline)" in report.loc[0, "notes"]
    assert "openalex: not in the cache (offline)" in report.loc[0, "notes"]


def test_enrich_skips_a_wrong_id(tmp_path):
    # the user's arXiv id points at MLAgentBench, the title says BLADE: do not merge them
    paper = Paper(title=BLADE_TITLE, arxiv_id="2310.03302")
    enriched, report = enrich_corpus([paper], sources=["arxiv"], progress=False,
                                     title_search=False,
                                     http=client(tmp_path, FakeSession(api_handler))[0])
    assert enriched[0].abstract == ""
    assert "not used" in report.loc[0, "notes"]


def test_enrich_unknown_source(tmp_path):
    with pytest.raises(ValueError, match="unknown enrichment source"):
        enrich_corpus([], sources=["scholar"], cache_dir=tmp_path, offline=True, progress=False)


def test_semantic_scholar_lookups_and_api_key(tmp_path, monkeypatch):
    from surveykit.enrich import SemanticScholarClient

    session = FakeSession(api_handler)
    http, _ = client(tmp_path, session)
    s2 = SemanticScholarClient(http, api_key="secret")
    mlab = s2.by_arxiv("arXiv:2310.03302v2")
    assert mlab.title.startswith("MLAgentBench") and mlab.arxiv_id == "2310.03302"
    assert mlab.venue == "International Conference on Machine Learning"
    assert s2.by_doi("10.9999/unknown") is None and s2.by_arxiv("not an id") is None
    found = s2.search_title("MLAgentBench: Evaluating Language Agents on ML Experimentation")
    assert [p.arxiv_id for p in found] == ["2408.09667", "2310.03302"]
    url, params, headers = session.calls[0]
    assert url.endswith("/ARXIV:2310.03302") and "abstract" in params["fields"]
    assert headers["x-api-key"] == "secret"
    # the key is not part of the cache: a client without it reads the same answer offline
    offline = SemanticScholarClient(client(tmp_path, ExplodingSession(), offline=True)[0])
    monkeypatch.delenv("SEMANTIC_SCHOLAR_API_KEY", raising=False)
    assert offline.by_arxiv("2310.03302").title == mlab.title
