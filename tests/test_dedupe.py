"""Duplicate detection and merging."""

from __future__ import annotations

import random

from surveykit.corpus.dedupe import dedupe, merge_records
from surveykit.corpus.model import Paper


def _p(title, **kw):
    return Paper(title=title, **kw)


def test_same_doi_arxiv_and_title_merge_with_reasons():
    papers = [
        _p("Alpha: One", doi="10.1000/a", source="a.bib"),
        _p("Alpha one (journal version)", doi="https://doi.org/10.1000/A", source="b.ris"),
        _p("Beta Two", arxiv_id="2401.00001", abstract="short"),
        _p("Beta Two, Revised Title", arxiv_id="arXiv:2401.00001v2", abstract="a longer abstract"),
        _p("Gamma: Three Things", authors=["Doe, Jane"]),
        _p("gamma three things", authors=["Doe, J."], venue="ICML 2024"),
        _p("Delta"),
    ]
    result = dedupe(papers)
    assert len(result.papers) == 4
    reasons = {m.kept: m.reason for m in result.merges}
    assert reasons["doi:10.1000/a"] == "same DOI"
    assert reasons["arxiv:2401.00001"] == "same arXiv id"
    gamma = next(p for p in result.papers if p.title.lower().startswith("gamma"))
    assert gamma.venue == "ICML 2024" and "same title" in reasons[gamma.id]
    beta = next(p for p in result.papers if p.arxiv_id == "2401.00001")
    assert beta.abstract == "a longer abstract"
    report = result.report()
    assert list(report.columns) == ["kept", "records", "merged", "reason", "titles"]
    assert len(report) == 3


def test_preprint_and_published_version_merge_keeping_richest_fields():
    preprint = _p(
        "Tree Search for Language Model Agents",
        arxiv_id="2407.01476",
        authors=["Koh, Jing Yu", "McAleer, Stephen"],
        year=2024,
        abstract="Autonomous agents powered by language models...",
        source="arxiv",
    )
    published = _p(
        "Tree search for language-model agents",
        doi="10.55555/tmlr.2025.1",
        authors=["Koh, Jing Yu"],
        year=2025,
        venue="TMLR 2025",
        source="crossref",
        urls=["https://openreview.net/x"],
    )
    result = dedupe([preprint, published])
    (merged,) = result.papers
    assert merged.venue == "TMLR 2025" and merged.doi == "10.55555/tmlr.2025.1"
    assert merged.arxiv_id == "2407.01476"
    assert merged.abstract.startswith("Autonomous") and len(merged.authors) == 2
    assert merged.year == 2025  # the published version's year is the one to cite
    assert merged.source == "arxiv; crossref"
    assert merged.id == "arxiv:2407.01476"  # the same preference as paper_id()


def test_fuzzy_title_needs_same_first_author():
    a = _p(
        "Large Language Models Play StarCraft II: Benchmarks and a Chain of Summarization",
        authors=["Ma, Weiyu"],
    )
    b = _p(
        "Large Language Models Play StarCraft II Benchmarks and A Chain of Summarization Approach",
        authors=["Ma, W."],
    )
    c = _p(
        "Large Language Models Play StarCraft II: Benchmarks and Chains of Summarization",
        authors=["Smith, John"],
    )
    result = dedupe([a, b, c])
    assert len(result.papers) == 2
    assert "similar title" in result.merges[0].reason


def test_different_dois_are_never_merged():
    a = _p("A Synthesis of Things", doi="10.1000/ws2010", year=2010)
    b = _p("A Synthesis of Things", doi="10.1000/conf2011", year=2011)
    assert len(dedupe([a, b]).papers) == 2


def test_dedupe_is_order_independent_in_content():
    papers = [
        _p("Alpha: One", doi="10.1000/a", abstract="x"),
        _p("Alpha one", arxiv_id="2401.00009", abstract="longer x"),
        _p("Beta", arxiv_id="2401.00001"),
        _p("Beta", arxiv_id="2401.00001", venue="ACL 2024"),
    ]
    baseline = sorted((p.id, p.venue, p.abstract) for p in dedupe(papers).papers)
    for seed in range(5):
        shuffled = papers[:]
        random.Random(seed).shuffle(shuffled)
        assert sorted((p.id, p.venue, p.abstract) for p in dedupe(shuffled).papers) == baseline


def test_merge_unites_urls_and_extra():
    merged = merge_records(
        [
            _p("X", urls=["u1"], extra={"pages": "1-2"}),
            _p("X", urls=["u2", "u1"], extra={"pages": "9", "volume": "3"}),
        ]
    )
    assert merged.urls == ["u1", "u2"]
    assert merged.extra == {"pages": "1-2", "volume": "3"}
