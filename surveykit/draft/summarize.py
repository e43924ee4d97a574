"""Extractive selection: LexRank centrality plus Maximal Marginal Relevance (MMR).

- :func:`similarity_matrix`: cosine similarity of TF-IDF vectors (deterministic, no model), or of
  any embeddings the caller passes.
- :func:`lexrank`: continuous LexRank (Erkan & Radev, 2004): the stationary distribution of a
  random walk on the similarity graph, with damping; central sentences say what many others say.
- :func:`mmr_select`: greedy MMR (Carbonell & Goldstein, 1998): ``lam * relevance - (1 - lam) *
  max similarity to the already selected``, with at most ``max_per_group`` sentences per group
  (paper), and a hard ``max_similarity`` above which a near-duplicate is never picked.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


def similarity_matrix(texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
    """Pairwise cosine similarity (n x n, diagonal 1) of TF-IDF vectors or of ``embeddings``."""
    n = len(texts)
    if n == 0:
        return np.zeros((0, 0))
    if embeddings is not None:
        vectors = np.asarray(embeddings, dtype=float)
        if vectors.shape[0] != n:
            raise ValueError(f"{vectors.shape[0]} embeddings for {n} texts")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        vectors = vectors / norms
        sim = vectors @ vectors.T
    else:
        vectorizer = TfidfVectorizer(
            stop_words="english",
            sublinear_tf=True,
            ngram_range=(1, 2),
            token_pattern=r"(?u)\b[A-Za-z][A-Za-z0-9-]+\b",
        )
        try:
            matrix = vectorizer.fit_transform(list(texts))
        except ValueError:  # only stop words
            return np.eye(n)
        sim = (matrix @ matrix.T).toarray()
    sim = np.clip(sim, 0.0, 1.0)
    np.fill_diagonal(sim, 1.0)
    return sim


def lexrank(
    similarity: np.ndarray, damping: float = 0.85, tol: float = 1e-8, max_iter: int = 200
) -> np.ndarray:
    """Continuous LexRank scores (sum to 1) from a similarity matrix (self-loops ignored)."""
    n = similarity.shape[0]
    if n == 0:
        return np.zeros(0)
    weights = np.array(similarity, dtype=float)
    np.fill_diagonal(weights, 0.0)
    sums = weights.sum(axis=1, keepdims=True)
    transition = np.where(sums > 0, weights / np.where(sums > 0, sums, 1.0), 1.0 / n)
    scores = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = (1 - damping) / n + damping * transition.T @ scores
        if np.abs(new - scores).sum() < tol:
            scores = new
            break
        scores = new
    return scores / scores.sum()


def mmr_select(
    relevance: Sequence[float],
    similarity: np.ndarray,
    k: int,
    lam: float = 0.7,
    groups: Sequence[object] | None = None,
    max_per_group: int = 1,
    max_similarity: float = 0.6,
) -> list[int]:
    """Indices of up to ``k`` items chosen greedily by MMR, in the order picked.

    Ties break on the lower index, so the result is deterministic. ``relevance`` is rescaled to
    [0, 1] first so that ``lam`` weighs comparable quantities.
    """
    rel = np.asarray(relevance, dtype=float)
    n = rel.shape[0]
    if n == 0 or k <= 0:
        return []
    span = rel.max() - rel.min()
    rel = (rel - rel.min()) / span if span > 0 else np.ones(n)
    counts: dict[object, int] = {}
    chosen: list[int] = []
    while len(chosen) < k:
        best, best_score = -1, -np.inf
        for i in range(n):
            if i in chosen:
                continue
            if groups is not None and counts.get(groups[i], 0) >= max_per_group:
                continue
            redundancy = max((similarity[i, j] for j in chosen), default=0.0)
            if redundancy > max_similarity:
                continue
            score = lam * rel[i] - (1 - lam) * redundancy
            if score > best_score + 1e-12:
                best, best_score = i, score
        if best < 0:
            break
        chosen.append(best)
        if groups is not None:
            counts[groups[best]] = counts.get(groups[best], 0) + 1
    return chosen
