"""Sentence roles: cue rules, sequence decoding, the shipped weights, offsets, determinism."""

from __future__ import annotations

import hashlib
import itertools

import numpy as np
import pytest

from surveykit.corpus.model import Paper
from surveykit.roles import (
    ROLES,
    RoleSentence,
    annotate_sentences,
    contribution_text,
    load_role_model,
    roles_frame,
    sentence_cues,
)
from surveykit.roles.classifier import (
    Lexicon,
    RoleModel,
    marginals,
    ngrams,
    position_features,
    sentence_features,
    transition_logs,
    viterbi,
    weights_path,
)
from surveykit.roles.cues import is_future_work, is_limitation, is_negation, is_prior_work

ABSTRACT = (
    "Large language models have shown remarkable abilities in many tasks. However, existing agents "
    "struggle with long-horizon planning, e.g., in web navigation. In this paper, we propose PlanAct, "
    "a hierarchical planner for web agents. PlanAct decomposes each task into subgoals and verifies "
    "every step with a learned critic. Experiments on WebArena show that PlanAct improves the success "
    "rate by 12.5% over the best baseline. Future work will extend PlanAct to multimodal agents."
)


def fake_embed(texts: list[str]) -> np.ndarray:
    """Deterministic stand-in for MiniLM: unit vectors seeded by the text's hash."""
    rows = []
    for text in texts:
        seed = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
        v = np.random.default_rng(seed).normal(size=384)
        rows.append(v / np.linalg.norm(v))
    return np.array(rows, dtype=np.float32)


# --- cue rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Existing methods rely on handcrafted prompts.",
        "Previous work has focused on single agents.",
        "Currently, mainstream agent-based methods use external tools such as memory banks.",
        "Smith et al. proposed a memory module for agents.",
        "Prior approaches to tool use require fine-tuning.",
    ],
)
def test_prior_work_sentences(text: str) -> None:
    assert is_prior_work(text)
    assert sentence_cues(text).prior_work


@pytest.mark.parametrize(
    "text",
    [
        "We propose a memory module for agents.",
        "Unlike existing methods, our approach needs no fine-tuning.",
        "In this paper, previous work is extended to multiple agents.",
        "Large language models can plan.",  # background, but not about named prior work
        "PlanAct needs 1800x fewer training examples compared to prior work.",
        "BLADE consists of 12 datasets drawn from existing scientific literature.",
        "It outperforms existing methods by 5 points.",
    ],
)
def test_not_prior_work_sentences(text: str) -> None:
    assert not is_prior_work(text)


def test_limitation_future_work_negation() -> None:
    assert is_limitation("However, these agents still struggle with long contexts.")
    assert is_limitation("A limitation of our study is its small sample.")
    assert not is_limitation("We propose a planner that improves success rates.")
    assert is_future_work("In future work, we plan to extend the method to robots.")
    assert is_future_work("This paves the way for safer agents.")
    assert not is_future_work("We evaluate on three benchmarks.")
    assert is_negation("The method does not use reinforcement learning.")
    assert is_negation("Our agent works without any human demonstrations.")
    assert is_negation("It is unsuitable for real-time applications such as gaming.")
    assert not is_negation("Our method not only plans but also acts.")
    assert not is_negation("We train the agent with reinforcement learning.")


def test_self_reference_flag() -> None:
    assert sentence_cues("In this work, we introduce X.").self_reference
    assert sentence_cues("The proposed method is fast.").self_reference
    assert not sentence_cues("LLMs are widely used.").self_reference


# --- decoding -------------------------------------------------------------------------------------


def brute_force(emit: np.ndarray, start: np.ndarray, trans: np.ndarray, end: np.ndarray) -> list[int]:
    best, best_path = -np.inf, None
    n, k = emit.shape
    for path in itertools.product(range(k), repeat=n):
        score = start[path[0]] + emit[0, path[0]] + end[path[-1]]
        score += sum(trans[a, b] + emit[t + 1, b] for t, (a, b) in enumerate(itertools.pairwise(path)))
        if score > best:
            best, best_path = score, list(path)
    return best_path


def test_viterbi_matches_brute_force_and_marginals_are_distributions() -> None:
    rng = np.random.default_rng(0)
    for _ in range(5):
        emit = np.log(rng.dirichlet(np.ones(3), size=4))
        start, trans, end = (
            np.log(rng.dirichlet(np.ones(3))),
            np.log(rng.dirichlet(np.ones(3), 3)),
            np.log(rng.dirichlet(np.ones(3))),
        )
        assert viterbi(emit, start, trans, end).tolist() == brute_force(emit, start, trans, end)
        marg = marginals(emit, start, trans, end)
        assert marg.shape == (4, 3)
        np.testing.assert_allclose(marg.sum(axis=1), 1.0)


def test_transitions_smooth_the_sequence() -> None:
    # background -> result is never seen; a weak "result" emission in between two background
    # sentences is decoded as background once transitions count.
    labels = [[0, 0, 1, 2, 3], [0, 1, 2, 2, 3], [0, 0, 0, 1, 3]]
    start, trans, end = transition_logs(labels, len(ROLES))
    probs = np.array(
        [[0.9, 0.02, 0.02, 0.04, 0.02], [0.45, 0.02, 0.02, 0.49, 0.02], [0.9, 0.02, 0.02, 0.04, 0.02]]
    )
    emit = np.log(probs)
    assert viterbi(emit, 0 * start, 0 * trans, 0 * end).tolist() == [0, 3, 0]
    assert viterbi(emit, start, trans, end).tolist() == [0, 0, 0]


def test_features_shape_and_position() -> None:
    emb = np.eye(4, 8)
    feats = sentence_features(emb)
    assert feats.shape == (4, 8 * 4 + position_features(4).shape[1])
    np.testing.assert_array_equal(feats[0, 8:16], 0)  # no previous sentence
    np.testing.assert_array_equal(feats[1, 8:16], emb[0])
    pos = position_features(4)
    assert pos[0, 2] == 1 and pos[-1, 3] == 1 and pos[-1, 0] == 1.0
    assert sentence_features(emb, context=False).shape[1] == 8 + pos.shape[1]


def test_model_round_trip_is_byte_identical(tmp_path) -> None:
    rng = np.random.default_rng(1)
    start, trans, end = transition_logs([[0, 1, 2, 3]], 5)
    model = RoleModel(((rng.normal(size=(10, 5)), rng.normal(size=5)),), start, trans, end, 0.5)
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    model.save(a)
    RoleModel.load(a).save(b)
    assert a.read_bytes() == b.read_bytes()
    probs = model.probabilities(rng.normal(size=(3, 10)))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)


def test_lexicon_tfidf_rows() -> None:
    lexicon = Lexicon.fit(["we propose a model", "we propose a method", "results show gains"], min_df=2)
    assert lexicon.terms == ("a", "propose", "propose a", "we", "we propose")
    rows = lexicon.transform(["We propose a new model.", "Nothing here."]).toarray()
    np.testing.assert_allclose(np.linalg.norm(rows[0]), 1.0)
    assert rows[1].sum() == 0
    assert ngrams("We propose X") == ["we", "propose", "x", "we propose", "propose x"]


# --- shipped weights ------------------------------------------------------------------------------


def test_shipped_weights_load() -> None:
    assert weights_path().is_file()
    model = load_role_model()
    assert model.roles == ROLES
    n_terms = len(model.lexicon.terms) if model.lexicon is not None else 0
    width = n_terms + (4 if model.context else 1) * 384 + position_features(1).shape[1]
    assert model.layers[0][0].shape[0] == width
    assert model.log_trans.shape == (5, 5)


def test_offsets_match_the_abstract_and_output_is_deterministic() -> None:
    papers = [Paper(title="PlanAct", abstract=ABSTRACT), Paper(title="Empty", abstract=""), ABSTRACT[:120]]
    first = annotate_sentences(papers, embed=fake_embed)
    again = annotate_sentences(papers, embed=fake_embed)
    assert first == again
    assert len(first) == 3 and first[1] == []
    for sentences, text in ((first[0], ABSTRACT), (first[2], ABSTRACT[:120])):
        for s in sentences:
            assert text[s.start : s.end] == s.text
            assert s.role in ROLES
            assert 0.0 <= s.probability <= 1.0
    assert [s.index for s in first[0]] == list(range(6))
    assert first[0][1].prior_work and first[0][1].limitation  # "existing agents struggle"
    assert first[0][5].future_work


def test_annotate_embeds_once_for_the_whole_corpus() -> None:
    calls: list[int] = []

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return fake_embed(texts)

    annotate_sentences([ABSTRACT, ABSTRACT, "One sentence only."], embed=counting)
    assert calls == [13]


def test_contribution_text_keeps_own_claims() -> None:
    s = [
        RoleSentence(0, "LLMs are great.", 0, 15, "background", 0.9),
        RoleSentence(1, "Existing methods use tools.", 16, 43, "method", 0.6, prior_work=True),
        RoleSentence(2, "We propose X.", 44, 57, "objective", 0.9, self_reference=True),
        RoleSentence(3, "X wins by 5%.", 58, 71, "result", 0.8),
        RoleSentence(4, "Future work will extend X.", 72, 98, "result", 0.5, future_work=True),
    ]
    assert contribution_text("X: A Method", s) == "X: A Method. We propose X. X wins by 5%."
    only_background = [
        RoleSentence(0, "LLMs are great.", 0, 15, "background", 0.9),
        RoleSentence(1, "Agents matter.", 16, 30, "background", 0.9),
        RoleSentence(2, "It is all here.", 31, 46, "other", 0.9),
    ]
    assert contribution_text("T", only_background) == "T. It is all here."
    assert contribution_text("T", only_background[:2]) == "T. LLMs are great. Agents matter."


def test_roles_frame_columns() -> None:
    paper = Paper(title="PlanAct", abstract=ABSTRACT)
    frame = roles_frame([paper], annotate_sentences([paper], embed=fake_embed))
    assert len(frame) == 6
    assert {"paper_id", "role", "probability", "prior_work", "about_paper", "start", "end"} <= set(frame)
    assert (frame.paper_id == paper.id).all()


@pytest.mark.slow
def test_plausible_roles_with_minilm() -> None:
    abstracts = [
        ABSTRACT,
        "Machine translation of low-resource languages remains difficult. We study whether "
        "back-translation helps for 12 African languages. We train transformer models on parallel "
        "and synthetic data. Results show gains of up to 4 BLEU points for all languages.",
    ]
    roles = [[s.role for s in sentences] for sentences in annotate_sentences(abstracts)]
    assert roles[0][0] == "background"
    assert roles[0][2] in ("objective", "method")
    assert roles[0][4] == "result"
    assert roles[1][0] == "background"
    assert roles[1][-1] == "result"
    assert roles[1][2] in ("method", "objective")


def test_saved_roles_are_read_back_only_while_they_match(tmp_path):
    from surveykit.corpus.model import Paper
    from surveykit.roles.annotate import load_or_annotate

    calls = []

    def embed(texts):
        calls.append(len(texts))
        rows = np.array([[len(t), sum(map(ord, t)) % 7 + 1.0] + [0.0] * 382 for t in texts])
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    papers = [Paper("A", "We propose a planner. It wins by 5 points."), Paper("B", "Agents matter.")]
    path = tmp_path / "roles.parquet"
    first = load_or_annotate(papers, path, embed=embed)
    again = load_or_annotate(papers, path, embed=embed)
    assert len(calls) == 1 and [[s.text for s in p] for p in again] == [[s.text for s in p] for p in first]
    assert [[s.role for s in p] for p in again] == [[s.role for s in p] for p in first]
    changed = [papers[0], Paper("B", "Agents matter a lot.")]
    assert [s.text for s in load_or_annotate(changed, path, embed=embed)[1]] == ["Agents matter a lot."]
    assert len(calls) == 2
