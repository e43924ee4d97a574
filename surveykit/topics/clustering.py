"""Clustering that keeps every paper: Ward's hierarchy, cut at an automatic k, refined by k-means.

Why not HDBSCAN/UMAP (BERTopic's defaults): on corpora of tens to thousands of papers they leave
a large share of papers as outliers (all 73 of the bundled corpus), a survey has no place for
outliers, and on every labelled set we measured they lost to this method (see
``benchmarks/results/topics.md``).

The method, all deterministic:

1. Features: the L2-normalised sentence embedding, concatenated with ``lexical_weight`` times an
   L2-normalised LSA projection of the TF-IDF of the texts (technical terms that a general
   sentence model blurs), normalised again.
2. Ward's agglomerative tree over the features.
3. k: in a range around √(n/2), the k whose merge into k-1 clusters costs the largest relative
   jump in Ward's merge height (a gap in the dendrogram, Mojena's idea).
4. Refinement: k-means started from the centroids of the Ward cut (no random start).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

SAMPLE_SIZE = 5000


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def lexical_features(texts: list[str], dims: int, random_state: int) -> np.ndarray | None:
    """L2-normalised LSA (truncated SVD) of the sublinear TF-IDF of ``texts``; ``None`` if tiny."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < 4:
        return None
    min_df = 2 if len(texts) >= 20 else 1
    vectorizer = TfidfVectorizer(stop_words="english", min_df=min_df, max_df=0.5,
                                 sublinear_tf=True, ngram_range=(1, 2))
    try:
        tfidf = vectorizer.fit_transform(texts)
    except ValueError:  # empty vocabulary
        return None
    n_components = min(dims, tfidf.shape[1] - 1, len(texts) - 1)
    if n_components < 2:
        return None
    svd = TruncatedSVD(n_components=n_components, algorithm="arpack", random_state=random_state)
    return normalise_rows(svd.fit_transform(tfidf))


def clustering_features(embeddings: np.ndarray, texts: list[str], lexical_weight: float,
                        dims: int, random_state: int) -> np.ndarray:
    """The features clustered: embedding ⊕ weighted LSA, row-normalised (float64)."""
    base = normalise_rows(np.asarray(embeddings, dtype=np.float64))
    if lexical_weight <= 0:
        return base
    lexical = lexical_features(texts, dims, random_state)
    if lexical is None:
        return base
    return normalise_rows(np.hstack([base, lexical_weight * lexical]))


def k_range(n: int, min_topics: int = 5, max_topics: int | None = None) -> tuple[int, int]:
    """Searched range of k: [max(min_topics, ½√(n/2)), 2√(n/2)], within [1, n]."""
    centre = math.sqrt(n / 2)
    hi = max_topics if max_topics is not None else round(2 * centre)
    lo = max(min_topics, round(0.5 * centre), 2)
    hi = max(min(hi, n - 1), 1)
    lo = min(lo, hi)
    return lo, hi


def ward_tree(features: np.ndarray) -> np.ndarray:
    from scipy.cluster.hierarchy import linkage

    return linkage(features, method="ward")


def merge_jumps(tree: np.ndarray, lo: int, hi: int) -> dict[int, float]:
    """For each k in [lo, hi]: height of the merge k→k-1 over the merge k+1→k (≥ 1)."""
    n = tree.shape[0] + 1
    heights = tree[:, 2]
    jumps: dict[int, float] = {}
    for k in range(max(lo, 2), min(hi, n - 1) + 1):
        below = heights[n - k - 1]
        jumps[k] = float(heights[n - k] / below) if below > 0 else float("inf")
    return jumps


def choose_k(tree: np.ndarray, lo: int, hi: int) -> tuple[int, dict[int, float]]:
    """The k in [lo, hi] with the largest relative jump in merge height (smallest k on ties)."""
    jumps = merge_jumps(tree, lo, hi)
    if not jumps:
        return max(1, min(lo, tree.shape[0] + 1)), {}
    best = max(sorted(jumps), key=lambda k: jumps[k])
    return best, jumps


def cut_tree(tree: np.ndarray, k: int) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster

    return fcluster(tree, k, criterion="maxclust").astype(int) - 1


def centroids(features: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    return np.stack([features[labels == c].mean(axis=0) for c in range(k)])


def kmeans_refine(features: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Lloyd's k-means started from the given partition's centroids; no cluster may empty."""
    from sklearn.cluster import KMeans

    if k < 2:
        return np.zeros(len(features), dtype=int)
    start = centroids(features, labels, k)
    refined = KMeans(n_clusters=k, init=start, n_init=1, max_iter=300).fit_predict(features)
    if len(np.unique(refined)) < k:  # a centroid lost all its papers: keep the Ward cut
        return labels
    return refined.astype(int)


def partition(features: np.ndarray, k: int, tree: np.ndarray | None = None) -> np.ndarray:
    """k clusters: Ward cut refined by k-means."""
    n = len(features)
    if k <= 1 or n <= 1:
        return np.zeros(n, dtype=int)
    k = min(k, n)
    tree = ward_tree(features) if tree is None else tree
    return kmeans_refine(features, cut_tree(tree, k), k)


def _sample(n: int, size: int, random_state: int) -> np.ndarray:
    return np.sort(np.random.default_rng(random_state).permutation(n)[:size])


@dataclass
class AutoKClustering:
    """Scikit-learn-style clusterer for BERTopic's clustering slot: every point gets a cluster.

    ``n_clusters=None`` chooses k automatically (see the module docstring); after ``fit``:
    ``labels_``, ``n_clusters_``, ``k_range_``, ``criterion_`` (k -> merge-height jump).
    """

    n_clusters: int | None = None
    min_clusters: int = 5
    max_clusters: int | None = None
    large_corpus: int = 10000
    random_state: int = 42
    labels_: np.ndarray = field(default=None, init=False, repr=False)  # type: ignore[assignment]
    n_clusters_: int = field(default=0, init=False)
    k_range_: tuple[int, int] = field(default=(0, 0), init=False)
    criterion_: dict[int, float] = field(default_factory=dict, init=False, repr=False)
    cluster_centers_: np.ndarray = field(default=None, init=False, repr=False)  # type: ignore[assignment]

    def fit(self, X: Any, y: Any = None) -> AutoKClustering:
        features = np.asarray(X, dtype=np.float64)
        n = len(features)
        if n <= self.large_corpus:
            tree = ward_tree(features) if n > 1 else None
            basis, index = features, None
        else:  # choose k and the start on a deterministic sample, refine on everything
            index = _sample(n, SAMPLE_SIZE, self.random_state)
            basis = features[index]
            tree = ward_tree(basis)
        lo, hi = k_range(len(basis), self.min_clusters, self.max_clusters)
        self.k_range_ = (lo, hi)
        if self.n_clusters is not None:
            k = max(1, min(int(self.n_clusters), n))
            self.criterion_ = {}
        elif tree is None:
            k = 1
        else:
            k, self.criterion_ = choose_k(tree, lo, hi)
        if tree is None or k <= 1:
            labels = np.zeros(n, dtype=int)
        elif index is None:
            labels = partition(features, k, tree)
        else:
            start = cut_tree(tree, min(k, len(basis)))
            k = int(start.max()) + 1
            labels = kmeans_refine(features, _nearest(features, centroids(basis, start, k)), k)
        self.labels_ = labels
        self.n_clusters_ = int(labels.max()) + 1 if n else 0
        self.cluster_centers_ = centroids(features, labels, self.n_clusters_) if n else features
        return self

    def fit_predict(self, X: Any, y: Any = None) -> np.ndarray:
        return self.fit(X).labels_

    def predict(self, X: Any) -> np.ndarray:
        return _nearest(np.asarray(X, dtype=np.float64), self.cluster_centers_)


def _nearest(features: np.ndarray, centers: np.ndarray) -> np.ndarray:
    distances = ((features[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    return distances.argmin(axis=1).astype(int)


class LexicalAugmentation:
    """BERTopic's dimensionality-reduction slot: embeddings -> clustering features.

    Holds the documents being fitted (the lexical part needs their text). ``transform`` only
    serves the fitted documents; BERTopic calls it for nothing else in this stage.
    """

    def __init__(self, documents: list[str], lexical_weight: float = 0.5, dims: int = 100,
                 random_state: int = 42) -> None:
        self.documents = documents
        self.lexical_weight = lexical_weight
        self.dims = dims
        self.random_state = random_state
        self.features_: np.ndarray | None = None

    def fit(self, X: Any, y: Any = None) -> LexicalAugmentation:
        X = np.asarray(X)
        if len(X) != len(self.documents):
            raise ValueError(f"{len(X)} embeddings for {len(self.documents)} documents")
        self.features_ = clustering_features(X, self.documents, self.lexical_weight, self.dims,
                                             self.random_state)
        return self

    def transform(self, X: Any) -> np.ndarray:
        if self.features_ is None or len(X) != len(self.features_):
            raise ValueError("LexicalAugmentation only transforms the documents it was fitted on")
        return self.features_

    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        return self.fit(X, y).transform(X)


def weighted_ward(points: np.ndarray, sizes: np.ndarray) -> list[tuple[int, int, float]]:
    """Ward's merges of clusters given by centroid and size: ``(a, b, height)`` in merge order.

    Cost of merging a and b: n_a·n_b/(n_a+n_b)·|c_a - c_b|², so small topics join their nearest
    neighbour before two large topics merge (plain Ward over centroids would treat a 4-paper
    topic like a 40-paper one). New clusters get ids len(points), len(points)+1, ...
    """
    live = {i: (points[i].astype(np.float64), float(sizes[i])) for i in range(len(points))}
    merges = []
    next_id = len(points)
    while len(live) > 1:
        keys = sorted(live)
        best = None
        for x, a in enumerate(keys):
            for b in keys[x + 1:]:
                (ca, na), (cb, nb) = live[a], live[b]
                cost = na * nb / (na + nb) * float(((ca - cb) ** 2).sum())
                if best is None or cost < best[0]:
                    best = (cost, a, b)
        cost, a, b = best  # type: ignore[misc]
        (ca, na), (cb, nb) = live.pop(a), live.pop(b)
        live[next_id] = ((ca * na + cb * nb) / (na + nb), na + nb)
        merges.append((a, b, math.sqrt(2 * cost)))
        next_id += 1
    return merges


def _cut_merges(n: int, merges: list[tuple[int, int, float]], groups: int) -> np.ndarray:
    members = {i: [i] for i in range(n)}
    for step, (a, b, _) in enumerate(merges[: n - groups]):
        new = n + step
        members[new] = members.pop(a) + members.pop(b)
    labels = np.zeros(n, dtype=int)
    for group, (_, items) in enumerate(sorted(members.items(), key=lambda kv: min(kv[1]))):
        for item in items:
            labels[item] = group
    return labels


MAX_SECTION_SHARE = 0.6
MAX_TOPICS_PER_SECTION = 4


def section_range(k: int) -> tuple[int, int]:
    """Searched section counts: [max(2, ⌈k/4⌉), max(2, ⌊k/2⌋)] (1-4 topics a section, ≥ 2)."""
    lo = max(2, math.ceil(k / MAX_TOPICS_PER_SECTION))
    return min(lo, k), min(max(lo, k // 2), k)


def group_topics(topic_centroids: np.ndarray, sizes: Sequence[int],
                 n_sections: int | None = None) -> tuple[np.ndarray, dict[int, float]]:
    """Sections over topics: cuts of the size-weighted Ward tree over topic centroids.

    Automatic count, searched in :func:`section_range`: among the cuts whose largest section holds
    at most :data:`MAX_SECTION_SHARE` of the papers and at most :data:`MAX_TOPICS_PER_SECTION`
    topics, the one with the largest relative jump in merge height (the clearest gap); if no cut
    is balanced, the one with the smallest largest section. Fewer than 4 topics: one section per
    topic. Returns the section of each topic and the criterion (count -> jump; 0 = unbalanced).
    """
    k = len(topic_centroids)
    if k == 0:
        return np.zeros(0, dtype=int), {}
    if n_sections is None and k < 4:
        return np.arange(k), {}
    weights = np.asarray(sizes, dtype=np.float64)
    merges = weighted_ward(topic_centroids, weights)
    if n_sections is not None:
        return _cut_merges(k, merges, max(1, min(int(n_sections), k))), {}
    heights = [h for _, _, h in merges]  # merge i takes k-i clusters to k-i-1
    lo, hi = section_range(k)
    jumps: dict[int, float] = {}
    largest: dict[int, float] = {}
    for groups in range(lo, hi + 1):
        below = heights[k - groups - 1]
        jump = heights[k - groups] / below if below > 0 else float("inf")
        cut = _cut_merges(k, merges, groups)
        shares = np.bincount(cut, weights=weights) / weights.sum()
        counts = np.bincount(cut)
        largest[groups] = float(shares.max())
        balanced = shares.max() <= MAX_SECTION_SHARE and counts.max() <= MAX_TOPICS_PER_SECTION
        jumps[groups] = float(jump) if balanced else 0.0
    if any(v > 0 for v in jumps.values()):
        chosen = max(sorted(jumps), key=lambda g: jumps[g])
    else:
        chosen = min(sorted(largest), key=lambda g: largest[g])
    return _cut_merges(k, merges, chosen), jumps


def split_topic(features: np.ndarray, parts: int) -> np.ndarray:
    """Split one topic's papers into ``parts`` sub-topics (Ward + k-means, deterministic)."""
    parts = max(1, min(parts, len(features)))
    return partition(features, parts)
