"""Papers without an abstract: clustered by subject, not apart; spelled and counted like the rest.

A synthetic embedding model: each text points to its subject ("graph" or "speech"), and a text
that is a title alone is pushed by one constant offset (what a real model does to headline-style
short texts). Without care the title-only papers form a topic of their own.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from surveykit.corpus.model import Corpus, Paper
from surveykit.topics import TopicConfig, fit_topics
from surveykit.topics.engine import TopicModel
from surveykit.topics.labels import (
    PHRASE_NOUNS,
    LabelScorer,
    PhraseAnalyzer,
    spelling_texts,
    stop_words,
    surface_forms,
    vocabulary_postings,
)
from surveykit.topics.living import run_topic_stage
from surveykit.topics.title_only import align, title_only_mask, title_shift

DIM = 16
TITLE_OFFSET = np.eye(DIM)[2] * 1.5 + np.eye(DIM)[0] * 0.3  # leans towards the "graph" subject


def embed(texts: list[str]) -> np.ndarray:
    """Subject direction + the title-only offset + a small deterministic jitter per text."""
    rows = []
    for text in texts:
        vector = np.zeros(DIM)
        vector[0 if "graph" in text.lower() else 1] = 1.0
        if len(text.split()) < 8:  # a title alone
            vector = vector + TITLE_OFFSET
        seed = zlib.crc32(text.encode())
        vector = vector + 0.05 * np.random.default_rng(seed).standard_normal(DIM)
        rows.append(vector / np.linalg.norm(vector))
    return np.asarray(rows, dtype=np.float32)


def paper(i: int, subject: str, abstract: bool) -> Paper:
    title = f"{subject.capitalize()} study number {i}"
    text = (f"We study {subject} models on benchmark {i} and report what {subject} methods "
            f"gain over earlier {subject} baselines.") if abstract else ""
    return Paper(title=title, abstract=text, id=f"p{subject}{i}")


def corpus_of(counts: dict[tuple[str, bool], int], start: int = 0) -> Corpus:
    papers = []
    for (subject, abstract), count in counts.items():
        papers += [paper(start + i, subject, abstract) for i in range(count)]
        start += count
    return Corpus(papers)


CONFIG = TopicConfig(n_topics=2, lexical_weight=0.0, related_surveys=False)


def subjects_of(result, corpus: Corpus) -> list[set[str]]:
    topic = result.assignments["topic"]
    return [{("graph" if "graph" in p.id else "speech") for p in corpus.papers
             if topic[p.id] == t.id} for t in result.topics]


@pytest.fixture(scope="module")
def mixed() -> Corpus:
    return corpus_of({("graph", True): 8, ("graph", False): 8,
                      ("speech", True): 8, ("speech", False): 8})


def test_title_only_papers_join_their_subject_not_each_other(mixed):
    vectors = embed(mixed.texts())
    apart = fit_topics(mixed, vectors, CONFIG)  # no model to estimate the shift: kinds split
    assert any(len(s) == 2 for s in subjects_of(apart, mixed))
    result = fit_topics(mixed, vectors, CONFIG, phrase_embedder=embed)
    assert sorted(map(sorted, subjects_of(result, mixed))) == [["graph"], ["speech"]]
    assert result.provenance["n_title_only"] == 16
    assert result.provenance["title_only_shift"]
    assert result.title_shift is not None


def test_the_shift_is_estimated_on_pairs_and_only_moves_title_only_rows(mixed):
    vectors = embed(mixed.texts())
    shift = title_shift(mixed.papers, vectors, embed)
    assert shift is not None and np.allclose(shift @ TITLE_OFFSET / np.linalg.norm(TITLE_OFFSET),
                                             np.linalg.norm(shift), atol=0.25)
    mask = title_only_mask(mixed.papers)
    aligned = align(vectors, mask, shift)
    assert np.array_equal(aligned[~mask], vectors[~mask])
    assert not np.allclose(aligned[mask], vectors[mask])
    assert np.allclose(np.linalg.norm(aligned, axis=1), 1.0, atol=1e-5)
    assert title_shift(mixed.papers, vectors, None) is None
    with_abstracts = corpus_of({("graph", True): 3})
    assert title_shift(with_abstracts.papers, embed(with_abstracts.texts()), embed) is None
    few = corpus_of({("graph", True): 9, ("graph", False): 1})  # a tenth: left as they are
    assert title_shift(few.papers, embed(few.texts()), embed) is None
    titles = corpus_of({("graph", False): 3})
    assert title_shift(titles.papers, embed(titles.texts()), embed) is None
    assert np.array_equal(align(vectors, mask, None), vectors)


def test_title_only_papers_added_later_are_placed_by_subject(tmp_path):
    first = corpus_of({("graph", True): 10, ("speech", True): 10})
    result, _ = run_topic_stage(first, embed(first.texts()), CONFIG, folder=tmp_path,
                                phrase_embedder=embed)
    result.save(tmp_path)
    new = corpus_of({("graph", False): 3, ("speech", False): 3}, start=100)
    grown = Corpus(list(first.papers) + list(new.papers))
    placed, changes = run_topic_stage(grown, embed(grown.texts()), CONFIG, folder=tmp_path,
                                      phrase_embedder=embed)
    assert changes.mode == "placed"
    topic = placed.assignments["topic"]
    for subject in ("graph", "speech"):
        old = {topic[p.id] for p in first.papers if subject in p.id}
        assert {topic[p.id] for p in new.papers if subject in p.id} == old
    assert "title_shift" in placed.state
    model = TopicModel.from_result(placed)
    again = model.transform(new, embed(new.texts()))
    assert again["topic"].tolist() == [topic[p.id] for p in new.papers]


def test_title_case_titles_are_no_evidence_of_proper_nouns():
    titles = ["Question Answering over Long Documents", "Human Evaluation of Summaries",
              "Question answering in Chinese", "Evaluation of Chinese summaries"]
    texts = spelling_texts([None, "", None, None], titles)
    assert texts[:2] == ["", ""] and texts[2:] == titles[2:]
    forms = surface_forms(texts)
    assert "question" not in forms and "evaluation" not in forms
    assert forms.get("chinese") == "Chinese"
    assert spelling_texts(["An abstract."], ["A Title"]) == ["An abstract."]
    # a Title Case main title with a sentence-case subtitle: only the subtitle is read
    assert spelling_texts([None], ["Learning Algorithm Portfolios -- lessons from Chinese chess"]) \
        == ["lessons from Chinese chess"]


def test_forms_of_a_rare_phrase_count_together_for_the_vocabulary():
    documents = ["Solving math word problem sets.", "Analogical math word problems."] + [
        f"Unrelated paper {word} here." for word in
        ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta")]
    analyzer = PhraseAnalyzer(stop_words(), inner=PHRASE_NOUNS)  # the label scorer's analyzer
    plain = vocabulary_postings(documents, analyzer).postings
    merged = vocabulary_postings(documents, analyzer, forms=True).postings
    assert "math word problem" not in plain
    assert {"math word problem", "math word problems"} <= set(merged)
    assert "unrelated paper alpha" not in merged  # one paper, one form: still too rare


def test_groups_without_a_term_of_their_own_get_distinct_labels():
    """A small library of bare titles can leave groups with no shared term at all: each still
    gets a label of its own, never the same "Other papers" twice."""
    scorer = LabelScorer({"graph networks": np.array([0, 1])}, 6, set())
    members = np.array([4, 5])
    assert scorer.label(members) == "Other papers"
    assert scorer.label(members, taken={"Other papers"}) == "Other papers (2)"
    assert scorer.label(members, taken={"Other papers", "Other papers (2)"}) == "Other papers (3)"


def test_the_corpus_summary_says_how_many_papers_have_no_abstract(tmp_path):
    from surveykit.config import parse_config
    from surveykit.corpus.build import build_corpus

    bib = tmp_path / "mine.bib"
    bib.write_text("@article{a, title={Graph study one}, author={Doe, Jane}, year={2020}}\n"
                   "@article{b, title={Speech study two}, author={Roe, Jim}, year={2021},\n"
                   "  abstract={We study speech models.}}\n"
                   "@article{c, title={Vision study three}, author={Poe, Ann}, year={2022},\n"
                   "  abstract={No abstract available.}}\n", encoding="utf-8")
    config = parse_config({"corpus": {"sources": [{"path": str(bib)}]}}, None, tmp_path)
    summary = build_corpus(config, progress=False).summary()
    assert "2 of 3 papers have no abstract" in summary and "enrich = true" in summary


@pytest.mark.parametrize("placeholder", ["[No abstract available]", "No abstract available.",
                                         "N/A", "nan", "None", "  ", "-"])
def test_an_export_s_placeholder_is_no_abstract(placeholder):
    """Scopus writes "[No abstract available]", ACM "No abstract available.", a spreadsheet "N/A"
    or "nan": such a paper is title-only, not a paper whose abstract is those words."""
    assert Paper(title="Graph study", abstract=placeholder).abstract == ""
    assert Paper(title="Graph study", abstract="We study graphs.").abstract == "We study graphs."
    assert Paper(title="Graph study", abstract="x").abstract == "x"
