"""Sentence roles at scale (issue 14): the batched classifier gives the numbers of the per-abstract
one, worker processes the result of one process, and big corpora use the model without
embeddings."""

from __future__ import annotations

import hashlib

import numpy as np

from surveykit.corpus.model import Paper
from surveykit.roles import annotate as annotate_module
from surveykit.roles import detect_paper_types
from surveykit.roles.annotate import annotate_sentences
from surveykit.roles.classifier import load_role_model, role_model_for
from surveykit.roles.cues import (
    _OTHER_WORK_CI,
    LIMITATION,
    NEGATION,
    SELF_REFERENCE,
    _lowercase_twin,
    is_future_work,
    is_limitation,
    is_negation,
    is_self_reference,
    mentions_other_work,
    sentence_cues,
)

SENTENCES = [
    "Large language models have shown remarkable abilities in many tasks.",
    "However, existing agents struggle with long-horizon planning, e.g., in web navigation.",
    "In this paper, we propose PlanAct, a hierarchical planner for web agents.",
    "PlanAct decomposes each task into subgoals and verifies every step with a learned critic.",
    "Experiments on WebArena show that PlanAct improves the success rate by 12.5% over the baseline.",
    "Future work will extend PlanAct to multimodal agents.",
    "Smith et al. proposed a survey of tool use.",
    "We do not rely on prior work, unlike existing methods.",
    "Tool use for agents is not only useful but also cheap.",
]


def _abstracts(n: int) -> list[str]:
    """Deterministic abstracts of 0-8 sentences drawn from :data:`SENTENCES`."""
    out = []
    for i in range(n):
        seed = int(hashlib.sha256(str(i).encode()).hexdigest()[:8], 16)
        rng = np.random.default_rng(seed)
        out.append(" ".join(SENTENCES[k] for k in rng.integers(0, len(SENTENCES), size=i % 9)))
    return out


def _embed(texts: list[str]) -> np.ndarray:
    rows = [np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)).normal(size=384)
            for t in texts]
    return np.array([r / np.linalg.norm(r) for r in rows], dtype=np.float32)


def test_batched_prediction_equals_one_abstract_at_a_time():
    model = load_role_model()
    abstracts = [a.split(". ") for a in _abstracts(60)]
    flat = [s for a in abstracts for s in a if a != [""]]
    lengths = [len(a) if a != [""] else 0 for a in abstracts]
    vectors = _embed(flat)
    paths, marginals = model.predict_batch(vectors, flat, lengths)
    row = 0
    for size in lengths:
        texts = flat[row:row + size]
        roles, marg = model.predict(vectors[row:row + size], texts)
        assert [model.roles[i] for i in paths[row:row + size]] == roles
        assert np.array_equal(marginals[row:row + size], marg)  # the same numbers, bit for bit
        row += size


def test_annotation_does_not_depend_on_chunks_or_workers(monkeypatch):
    model = load_role_model(lexical=True)
    abstracts = _abstracts(90)
    one = annotate_sentences(abstracts, model=model, workers=1)
    monkeypatch.setattr(annotate_module, "CHUNK_ABSTRACTS", 20)
    monkeypatch.setattr(annotate_module, "PARALLEL_ABOVE", 10)
    assert annotate_sentences(abstracts, model=model, workers=1) == one
    assert annotate_sentences(abstracts, model=model, workers=2) == one
    papers = [Paper(title=f"Paper {i}", abstract=a) for i, a in enumerate(abstracts)]
    types = detect_paper_types(papers, one, workers=1)
    assert detect_paper_types(papers, one, workers=2).equals(types)


def test_big_corpora_use_the_model_without_embeddings():
    small, big = role_model_for(10_000), role_model_for(10_001)
    assert small.needs_embeddings and not big.needs_embeddings
    assert role_model_for(500, static_above=100) is big

    def never(texts):
        raise AssertionError("the big-corpus model embeds nothing")

    roles = annotate_sentences(_abstracts(12), embed=never, model=big)
    assert all(s.role in big.roles for sentences in roles for s in sentences)


def test_lowercase_twins_match_the_same_spans():
    for pattern in (LIMITATION, NEGATION, _OTHER_WORK_CI, SELF_REFERENCE):
        twin = _lowercase_twin(pattern)
        assert twin is not None
        for text in SENTENCES + ["NOT ONLY Existing Methods FAIL TO scale", "Ünïcode: we are not"]:
            if text.isascii():
                found, fast = pattern.search(text), twin.search(text.lower())
                assert (found and found.span()) == (fast and fast.span())
    for text in SENTENCES + ["KELVIN \u212a and long \u017f: existing methods fail", "İstanbul, we"]:
        cues = sentence_cues(text)
        assert cues.limitation == is_limitation(text) and cues.future_work == is_future_work(text)
        assert cues.negation == is_negation(text) and cues.self_reference == is_self_reference(text)
        assert cues.prior_work == (mentions_other_work(text) and not is_self_reference(text))


def test_worker_processes_start_from_a_kernel_main_without_spec(monkeypatch):
    """A Jupyter kernel's ``__main__`` has no ``__spec__``; spawning the role and paper-type
    workers from it failed ("module '__main__' has no attribute '__spec__'") above 20,000 papers."""
    import sys
    import types

    model = load_role_model(lexical=True)
    abstracts = _abstracts(40)
    one = annotate_sentences(abstracts, model=model, workers=1)
    kernel_main = types.ModuleType("__main__")  # like ipykernel's: no __spec__, no __file__
    del kernel_main.__spec__
    monkeypatch.setitem(sys.modules, "__main__", kernel_main)
    monkeypatch.setattr(annotate_module, "CHUNK_ABSTRACTS", 10)
    monkeypatch.setattr(annotate_module, "PARALLEL_ABOVE", 5)
    assert annotate_sentences(abstracts, model=model, workers=2) == one
    papers = [Paper(title=f"Paper {i}", abstract=a) for i, a in enumerate(abstracts)]
    assert detect_paper_types(papers, one, workers=2).equals(detect_paper_types(papers, one, workers=1))
