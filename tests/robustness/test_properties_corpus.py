"""Properties of the corpus and its bibliography over arbitrary Unicode (hypothesis): titles in any
script are never merged for looking alike after ASCII folding; a written-then-read corpus and a
written-then-parsed .bib keep every field.

``SURVEYKIT_HYPOTHESIS_EXAMPLES`` sets the budget per property (default 200; 2,000 locally)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from surveykit.corpus.dedupe import _link_fuzzy, _link_fuzzy_pairwise, _UnionFind, dedupe  # noqa: E402
from surveykit.corpus.model import Corpus, Paper  # noqa: E402
from surveykit.textutil import collapse_ws, normalize_title  # noqa: E402

EXAMPLES = int(os.environ.get("SURVEYKIT_HYPOTHESIS_EXAMPLES", "200"))
PROFILE = settings(max_examples=EXAMPLES, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# scripts pdflatex and ASCII folding know nothing about, plus punctuation and emoji
NON_LATIN = st.text(st.sampled_from(list("基于大语言模型的智能体综述研究エージェントの調査한국어에이전트"
                                         "Ωαβγδ агенты обзор عربي עברית हिन्दी🤖✨—…「」・、。")),
                    min_size=1, max_size=30)
FIELD_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@PROFILE
@given(st.lists(NON_LATIN, min_size=2, max_size=6, unique_by=normalize_title))
def test_distinct_non_latin_titles_are_never_merged(titles):
    """Same first author, titles that differ in their own script (or have no letters at all)."""
    papers = [Paper(title=t, authors=["Wang, Li"], year=2024) for t in titles]
    result = dedupe(papers)
    kept = [m for m in result.merges if "similar title" in m.reason or "same title" in m.reason]
    for merge in kept:  # a fuzzy merge only between titles that are alike in their own letters
        assert all(normalize_title(t) for t in merge.titles), merge


@PROFILE
@given(st.lists(st.text(st.sampled_from("🤖✨—…「」・、。!?-"), min_size=1, max_size=20), min_size=2,
                max_size=5))
def test_titles_empty_after_normalisation_are_never_merged(titles):
    papers = [Paper(title=t, authors=["Li, Wei"]) for t in titles]
    assert all(normalize_title(t) == "" for t in titles)
    result = dedupe(papers)
    assert len(result.papers) == len(papers) and not result.merges


@PROFILE
@given(st.lists(st.one_of(NON_LATIN, st.text(max_size=25)), min_size=2, max_size=12))
def test_blocked_fuzzy_matching_agrees_with_every_pair(titles):
    papers = [Paper(title=t, authors=["Zhang, San"]) for t in titles]
    fast, slow = _UnionFind(len(papers)), _UnionFind(len(papers))
    _link_fuzzy(papers, fast)
    _link_fuzzy_pairwise(papers, slow)
    assert [fast.find(i) for i in range(len(papers))] == [slow.find(i) for i in range(len(papers))]


papers_strategy = st.builds(
    Paper,
    title=FIELD_TEXT.filter(lambda t: t.strip() != ""),
    abstract=FIELD_TEXT,
    authors=st.lists(FIELD_TEXT.filter(lambda t: t.strip() != ""), max_size=3),
    year=st.none() | st.integers(1900, 2100),
    venue=st.none() | FIELD_TEXT,
)


@PROFILE
@given(st.lists(papers_strategy, min_size=1, max_size=4))
def test_a_written_then_read_corpus_round_trips(papers):
    ids = [p.id for p in papers]
    assume(len(set(ids)) == len(ids))
    with tempfile.TemporaryDirectory() as folder:
        path = Corpus(papers).save(Path(folder) / "corpus.parquet")
        back = Corpus.load(path)
    assert [p.to_dict() for p in back] == [p.to_dict() for p in papers]


@PROFILE
@given(st.lists(papers_strategy, min_size=1, max_size=3))
def test_a_written_bib_parses_back_to_the_same_titles_and_venues(papers):
    from surveykit.bib import render_bib
    from surveykit.sources.bibtex import parse_bibtex_string

    ids = [p.id for p in papers]
    assume(len(set(ids)) == len(ids))
    text, report = render_bib(papers)
    read = parse_bibtex_string(text).papers
    untitled = {w.paper_id for w in report.warnings if w.kind == "missing-title"}
    assert untitled == {p.id for p in papers if not _visible(p.title)}  # said, never silent
    assert len(read) == len(papers) - len(untitled)
    # exact, except where the report says characters were transliterated (no LaTeX form)
    approximated = {w.paper_id for w in report.warnings if w.kind == "unicode-approximated"}
    exact = [p for p in papers if p.id not in approximated | untitled]
    got = {(_printed(p.title), _printed(p.venue or "")) for p in read}
    for paper in exact:
        assert (_printed(paper.title), _printed(paper.venue or "")) in got


_TYPOGRAPHIC = str.maketrans({"\u2018": "`", "\u2019": "'", "\u201a": ",", "\u201b": "`", "\u2032": "'",
                              "\u201c": "``", "\u201d": "''", "\u201e": ",,", "\u2033": "''",
                              "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "--",
                              "\u2014": "---", "\u2015": "---"})


def _visible(text: str) -> str:
    """What of a title a reader sees: no format characters, and no combining marks, which have
    nothing to sit on when they are all there is (a title "\ua802" prints nothing)."""
    import unicodedata

    return collapse_ws("".join(c for c in text if unicodedata.category(c) not in ("Cf", "Mn", "Me")))


def _printed(text: str) -> str:
    """Text as the PDF prints it: TeX's quotes and dashes, invisible characters gone."""
    import unicodedata

    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return collapse_ws(text.translate(_TYPOGRAPHIC))
