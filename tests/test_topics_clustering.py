"""The clustering behind the topic stage: views, co-association consensus, k, large corpora."""

from __future__ import annotations

import numpy as np
import pytest

from surveykit.topics import clustering as cl
from surveykit.topics.clustering import AutoKClustering, LexicalAugmentation


def blobs(sizes: list[int], dim: int = 16, spread: float = 0.05,
          seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Well-separated groups on the unit sphere and their true labels."""
    rng = np.random.default_rng(seed)
    centres = np.eye(dim)[: len(sizes)] * 3
    points = np.vstack([c + spread * rng.normal(size=(n, dim))
                        for c, n in zip(centres, sizes, strict=True)])
    truth = np.repeat(np.arange(len(sizes)), sizes)
    return cl.normalise_rows(points), truth


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    pairs = {(int(x), int(y)) for x, y in zip(a, b, strict=True)}
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def test_co_association_is_a_share_of_partitions():
    points, _ = blobs([10, 10, 10])
    co = cl.co_association([points, points[:, ::-1].copy()], [2, 3, 4])
    assert co.shape == (30, 30)
    assert np.allclose(np.diag(co), 1.0) and np.allclose(co, co.T)
    assert co.min() >= 0 and co.max() <= 1
    assert co[0, 1] > co[0, 25]  # same blob together more often than different blobs


def test_lifetimes_are_gaps_between_merge_heights():
    # 5 points; merges at heights 0.1, 0.2, 0.6, 0.9: 3 clusters live from 0.2 to 0.6
    tree = np.array([[0, 1, 0.1, 2], [2, 3, 0.2, 2], [5, 6, 0.6, 4], [4, 7, 0.9, 5]], dtype=float)
    lives = cl.lifetimes(tree, 2, 4)
    assert lives == {2: pytest.approx(0.3), 3: pytest.approx(0.4), 4: pytest.approx(0.1)}


def test_exact_cut_in_merge_order():
    points, truth = blobs([12, 9, 7, 5])
    tree = cl.consensus_tree(cl.co_association([points], cl.consensus_ks(3, 6)))
    for k in (2, 4, 7):
        assert len(set(cl.cut_in_merge_order(tree, k).tolist())) == k
    assert same_partition(cl.cut_in_merge_order(tree, 4), truth)


def test_consensus_ks_spread_over_the_range():
    assert cl.consensus_ks(5, 12) == list(range(5, 13))
    ks = cl.consensus_ks(10, 41)
    assert ks[0] == 10 and ks[-1] == 41 and len(ks) == cl.CONSENSUS_KS


def test_auto_k_recovers_separated_groups_and_keeps_everyone():
    points, truth = blobs([20, 15, 12, 10, 8, 6])
    model = AutoKClustering(min_clusters=3).fit(points)
    assert model.method_ == "consensus" and model.n_clusters_ == 6
    assert same_partition(model.labels_, truth)
    assert model.k_range_[0] <= 6 <= model.k_range_[1] and 6 in model.criterion_
    assert (model.predict(points) == model.labels_).all()


def test_fixed_k_and_single_view_rule():
    points, truth = blobs([20, 15, 12, 10, 8, 6])
    fixed = AutoKClustering(n_clusters=4).fit(points)
    assert fixed.method_ == "fixed" and fixed.n_clusters_ == 4 and fixed.criterion_ == {}
    jump = AutoKClustering(min_clusters=3, consensus=False).fit(points)
    assert jump.method_ == "jump" and same_partition(jump.labels_, truth)


def test_large_corpus_consensus_on_a_sample(monkeypatch):
    monkeypatch.setattr(cl, "CONSENSUS_SAMPLE", 60)
    points, truth = blobs([40, 35, 30, 25, 20, 15])
    model = AutoKClustering(min_clusters=3).fit(points)
    assert len(model.labels_) == len(points) and model.n_clusters_ == 6
    assert same_partition(model.labels_, truth)


def test_views_from_lexical_augmentation():
    rng = np.random.default_rng(1)
    topics = ["graph neural networks for molecules", "machine translation of low resource languages",
              "reinforcement learning agents in games"]
    texts = [f"{topics[i % 3]} paper {i} with words {i % 5}" for i in range(30)]
    embeddings = rng.normal(size=(30, 8))
    reducer = LexicalAugmentation(texts, lexical_weight=0.5, dims=10)
    main = reducer.fit_transform(embeddings)
    assert len(reducer.other_views_) == 2  # embedding alone, word TF-IDF
    assert np.allclose(reducer.other_views_[0], cl.normalise_rows(embeddings))
    assert np.allclose(np.linalg.norm(main, axis=1), 1.0)
    model = AutoKClustering(n_clusters=None, min_clusters=2, views=reducer).fit(main)
    assert len(model.labels_) == 30
    with pytest.raises(ValueError, match="rows"):
        AutoKClustering(views=reducer).fit(main[:20])


def test_no_lexical_weight_means_one_view():
    rng = np.random.default_rng(2)
    views = cl.feature_views(rng.normal(size=(12, 4)), ["a text"] * 12, 0.0, 10, 42)
    assert len(views) == 1
    with pytest.raises(ValueError, match="unknown lexical view"):
        cl.lexical_features(["some words here"] * 5, 10, 42, kind="letters")


def test_a_topic_the_corpus_does_not_fill_joins_its_nearest():
    from surveykit.topics.clustering import absorb_small_clusters

    rng = np.random.default_rng(0)
    features = np.vstack([rng.normal(0, 0.1, (400, 2)), rng.normal(5, 0.1, (400, 2)),
                          [[4.0, 4.0]]])
    labels = np.array([0] * 400 + [2] * 400 + [1])  # cluster 1: one odd point
    merged = absorb_small_clusters(features, labels)
    assert merged.max() == 1 and merged[-1] == 1 and (merged[:400] == 0).all()
    even = np.array([0] * 400 + [1] * 401)
    assert (absorb_small_clusters(features, even) == even).all()


def test_the_lexical_view_of_titles_alone_is_the_same_in_every_call():
    """Titles alone share few terms, so the TF-IDF's singular values repeat; ARPACK then drew
    restart vectors of its own and each call projected the titles differently (a .bib library's
    topics changed from run to run). The exact LSA is one projection."""
    from surveykit.topics.clustering import exact_lsa, lexical_features

    words = ["image recognition", "language model", "visual question answering", "multimodality",
             "parsing", "captions", "instruction tuning", "benchmark", "transformers", "survey"]
    texts = [f"{words[i % 10]} {words[(3 * i + 1) % 10]} study {i}." for i in range(32)]
    first = lexical_features(texts, 100, 42)
    for _ in range(3):
        again = lexical_features(texts, 100, 42)
        assert again is not None and np.array_equal(first, again)
    dense = np.random.default_rng(0).random((12, 9))
    projected = exact_lsa(dense, 5)
    u, s, _ = np.linalg.svd(dense, full_matrices=False)
    assert np.allclose(np.abs(projected), np.abs(u[:, :5] * s[:5]))
