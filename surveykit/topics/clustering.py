"""Clustering that keeps every paper: a consensus over views and granularities, refined by k-means.

Why not HDBSCAN/UMAP (BERTopic's defaults): on corpora of tens to thousands of papers they leave
a large share of papers as outliers (all 73 of the bundled corpus), a survey has no place for
outliers, and on every labelled set we measured they lost to this method (see
``benchmarks/results/topics.md``).

The method (evidence accumulation, Fred & Jain 2005), all deterministic:

1. Views of the papers, each L2-normalised: the sentence embedding alone; the embedding
   concatenated with ``lexical_weight`` times an LSA projection of a phrase TF-IDF (sublinear, 1-2
   grams: technical terms a general sentence model blurs) -- the *main* features; and the same with
   a word TF-IDF (single words, raw counts, frequent words of the field kept).
2. For each view, Ward's tree cut at up to :data:`CONSENSUS_KS` values of k spread over the range
   around √(n/2), each cut refined by k-means.
3. Co-association: for each pair of papers, the share of those partitions that put them together.
4. Average-linkage tree over 1 - co-association; k = the count of groups that lives longest in it
   (the widest gap between merge heights), i.e. the grouping the views and granularities agree on.
5. Refinement: k-means on the main features, started from the consensus groups' centroids.

A fixed k (config or curation) uses the same consensus: steps 1-3 over the automatic range widened
to hold k, the tree of step 4 cut at exactly k, then step 5. At the human number of classes this
beats Ward and NMF given the same k on the development sets (``benchmarks/results/topics.md``),
where a single Ward cut (the previous fixed-k path) only tied them. ``consensus=False`` gives the
single-view rules: Ward's tree on the main features cut at the fixed k, or where the relative
jump in merge height is largest (a gap in the dendrogram, Mojena's idea), refined by k-means.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

SAMPLE_SIZE = 5000  # Ward on a sample above ``large_corpus`` papers (single-view and fixed k)
CONSENSUS_KS = 20  # granularities per view in the co-association
CONSENSUS_SAMPLE = 3000  # above this many papers the consensus is built on a deterministic sample
LSA_SAMPLE = 10000  # above ``large_corpus`` papers the LSA basis is fitted on a sample this size
EXACT_LSA_MAX = 2000  # up to this many texts the LSA is exact (eigenvectors of the Gram matrix)


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


LEXICAL_VIEWS = ("phrases", "words")


def lexical_tfidf(texts: list[str]) -> dict[str, Any]:
    """The TF-IDF matrices of the lexical views, from one count of ``texts`` (English stop words
    out, 1-2-grams): ``"phrases"``: sublinear tf, 1-2-grams in at most half the documents
    (technical phrases); ``"words"``: raw tf, single words in up to 95 % of the documents (the
    field's frequent words, e.g. "language model" papers in a code corpus). A view without terms
    is None. The same matrices as two ``TfidfVectorizer`` fits, for one tokenisation."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    min_df = 2 if len(texts) >= 20 else 1
    counts = CountVectorizer(stop_words="english", min_df=min_df, ngram_range=(1, 2))
    try:
        matrix = counts.fit_transform(texts).tocsc()
    except ValueError:  # empty vocabulary
        return dict.fromkeys(LEXICAL_VIEWS)
    names = counts.get_feature_names_out()
    df = np.diff(matrix.indptr)
    single = np.array([" " not in name for name in names], dtype=bool)
    views: dict[str, Any] = {}
    for kind, keep, sublinear in (("phrases", df <= 0.5 * len(texts), True),
                                  ("words", single & (df <= 0.95 * len(texts)), False)):
        columns = np.flatnonzero(keep)
        views[kind] = (TfidfTransformer(sublinear_tf=sublinear).fit_transform(
            matrix[:, columns].tocsr()) if len(columns) else None)
    return views


def lexical_features(texts: list[str], dims: int, random_state: int,
                     kind: str = "phrases", sample_above: int | None = None,
                     tfidf: Any = None) -> np.ndarray | None:
    """L2-normalised LSA (truncated SVD) of a TF-IDF view of ``texts`` (:func:`lexical_tfidf`,
    ``kind`` "phrases" or "words"; ``tfidf``: that view when already computed); ``None`` if tiny.

    ``sample_above``: above this many texts, the SVD basis is fitted on a deterministic sample of
    :data:`LSA_SAMPLE` rows and every row projected on it (the exact ARPACK SVD of 100,000 rows
    costs minutes per view; the TF-IDF still covers every text). Up to :data:`EXACT_LSA_MAX`
    texts the projection is exact and deterministic (:func:`exact_lsa`).
    """
    from sklearn.decomposition import TruncatedSVD

    if kind not in LEXICAL_VIEWS:
        raise ValueError(f"unknown lexical view {kind!r} (phrases, words)")
    if len(texts) < 4:
        return None
    if tfidf is None:
        tfidf = lexical_tfidf(texts)[kind]
    if tfidf is None:
        return None
    n_components = min(dims, tfidf.shape[1] - 1, len(texts) - 1)
    if n_components < 2:
        return None
    if len(texts) <= EXACT_LSA_MAX:
        return normalise_rows(exact_lsa(tfidf, n_components))
    svd = TruncatedSVD(n_components=n_components, algorithm="arpack", random_state=random_state)
    if sample_above is not None and len(texts) > max(sample_above, LSA_SAMPLE):
        svd.fit(tfidf[_sample(len(texts), LSA_SAMPLE, random_state)])
        return normalise_rows(svd.transform(tfidf))
    return normalise_rows(svd.fit_transform(tfidf))


def exact_lsa(matrix: Any, n_components: int) -> np.ndarray:
    """The rows of ``matrix`` (texts x terms, sparse or dense) on its ``n_components`` leading
    singular directions (U·Σ, as ``TruncatedSVD.fit_transform``), from the eigenvectors of the
    texts' Gram matrix (LAPACK, deterministic), each direction's sign set by its largest entry.

    ARPACK, which ``TruncatedSVD`` runs, draws restart vectors of its own when it meets an invariant
    subspace: on a library of titles alone (terms shared by few texts, singular values repeated) it
    gave another projection in every call, and the topics changed from one run to the next."""
    gram = matrix @ matrix.T
    gram = np.asarray(gram.toarray() if hasattr(gram, "toarray") else gram, dtype=np.float64)
    values, vectors = np.linalg.eigh(gram)
    top = np.argsort(-values, kind="stable")[:n_components]
    projected = vectors[:, top] * np.sqrt(np.clip(values[top], 0.0, None))
    signs = np.sign(projected[np.abs(projected).argmax(axis=0), np.arange(projected.shape[1])])
    signs[signs == 0] = 1.0
    return projected * signs


def feature_views(embeddings: np.ndarray, texts: list[str], lexical_weight: float, dims: int,
                  random_state: int, sample_above: int | None = None) -> list[np.ndarray]:
    """The views the consensus is built on (float64, row-normalised), the main features first:
    embedding ⊕ weighted phrase LSA (module docstring, step 1); only the embedding when
    ``lexical_weight`` is 0 or the texts are too few for TF-IDF. ``sample_above``: see
    :func:`lexical_features`."""
    base = normalise_rows(np.asarray(embeddings, dtype=np.float64))
    if lexical_weight <= 0:
        return [base]
    views = []
    matrices = lexical_tfidf(texts) if len(texts) >= 4 else dict.fromkeys(LEXICAL_VIEWS)
    for kind in LEXICAL_VIEWS:
        if matrices[kind] is None:
            continue
        lexical = lexical_features(texts, dims, random_state, kind, sample_above, matrices[kind])
        if lexical is not None:
            views.append(normalise_rows(np.hstack([base, lexical_weight * lexical])))
    return [views[0], base, *views[1:]] if views else [base]


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


def _kmeans_from(features: np.ndarray, centers: np.ndarray) -> np.ndarray | None:
    """Lloyd's k-means over ``features`` started from ``centers``; None if a cluster empties."""
    from sklearn.cluster import KMeans

    k = len(centers)
    refined = KMeans(n_clusters=k, init=centers, n_init=1, max_iter=300).fit_predict(features)
    return refined.astype(int) if len(np.unique(refined)) == k else None


def kmeans_refine(features: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """k-means started from the given partition's centroids; if a centroid would lose all its
    papers, the partition is kept as given."""
    if k < 2:
        return np.zeros(len(features), dtype=int)
    refined = _kmeans_from(features, centroids(features, labels, k))
    return labels if refined is None else refined


def partition(features: np.ndarray, k: int, tree: np.ndarray | None = None) -> np.ndarray:
    """k clusters: Ward cut refined by k-means."""
    n = len(features)
    if k <= 1 or n <= 1:
        return np.zeros(n, dtype=int)
    k = min(k, n)
    tree = ward_tree(features) if tree is None else tree
    return kmeans_refine(features, cut_tree(tree, k), k)


def consensus_ks(lo: int, hi: int, count: int = CONSENSUS_KS) -> list[int]:
    """Up to ``count`` values of k spread evenly over [lo, hi]."""
    return sorted({int(round(k)) for k in np.linspace(lo, hi, count)})


def co_association(views: Sequence[np.ndarray], ks: Sequence[int],
                   trees: Sequence[np.ndarray] = ()) -> np.ndarray:
    """Share of the partitions (every view cut at every k, :func:`partition`) that put each pair
    of rows in the same cluster (n x n, 1 on the diagonal). Counted in integers, so equal shares
    are exactly equal whatever the order of the partitions. ``trees``: Ward trees of the first
    views when already built."""
    n = len(views[0])
    together = np.zeros((n, n), dtype=np.int32)
    for index, features in enumerate(views):
        tree = trees[index] if index < len(trees) else ward_tree(features)
        for k in ks:
            labels = partition(features, k, tree)
            together += labels[:, None] == labels[None, :]
    return together / (len(views) * len(ks))


def consensus_tree(co: np.ndarray) -> np.ndarray:
    """Average-linkage tree over the co-association distance ``1 - co``."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    distance = 1.0 - np.asarray(co, dtype=np.float64)
    np.fill_diagonal(distance, 0.0)
    return linkage(squareform(distance, checks=False), method="average")


def lifetimes(tree: np.ndarray, lo: int, hi: int) -> dict[int, float]:
    """For each k in [lo, hi]: the range of merge heights over which the tree has k clusters."""
    n = tree.shape[0] + 1
    heights = tree[:, 2]
    return {k: round(float(heights[n - k] - heights[n - k - 1]), 9)  # rounding: ties stay ties
            for k in range(max(lo, 2), min(hi, n - 1) + 1)}


def cut_in_merge_order(tree: np.ndarray, k: int) -> np.ndarray:
    """Exactly k clusters: the tree's first n-k merges applied (ties in height cannot merge more);
    clusters numbered by their first row."""
    n = tree.shape[0] + 1
    merges = [(int(a), int(b), float(h)) for a, b, h, _ in tree]
    return _cut_merges(n, merges, max(1, min(k, n)))


def consensus_partition(views: Sequence[np.ndarray], lo: int, hi: int
                        ) -> tuple[int, np.ndarray, dict[int, float]]:
    """k, the consensus partition (module docstring, steps 2-4) and the lifetime of each k.

    k is the longest-lived count; among equally long-lived counts (nested partitions of very
    clean data make every level live equally long), the one with the largest relative jump in
    the main view's Ward tree, then the smallest.
    """
    n = len(views[0])
    if n < 3:
        return 1, np.zeros(n, dtype=int), {}
    main_tree = ward_tree(views[0])
    tree = consensus_tree(co_association(views, consensus_ks(lo, hi), trees=[main_tree]))
    lives = lifetimes(tree, lo, hi)
    if not lives:
        k = max(1, min(lo, n))
        return k, cut_in_merge_order(tree, k), lives
    longest = max(lives.values())
    jumps = merge_jumps(main_tree, lo, hi)
    k = max((c for c in sorted(lives) if lives[c] == longest), key=lambda c: jumps.get(c, 0.0))
    return k, cut_in_merge_order(tree, k), lives


def consensus_cut(views: Sequence[np.ndarray], k: int, lo: int, hi: int) -> np.ndarray:
    """Exactly ``k`` groups from the consensus tree of ``views`` over [min(lo, k), max(hi, k)]."""
    n = len(views[0])
    k = max(1, min(k, n))
    if k == 1 or n < 3:
        return np.zeros(n, dtype=int) if k == 1 else np.arange(n)
    trees = [ward_tree(views[0])]
    co = co_association(views, consensus_ks(min(lo, k), max(hi, k)), trees=trees)
    return cut_in_merge_order(consensus_tree(co), k)


def _sample(n: int, size: int, random_state: int) -> np.ndarray:
    return np.sort(np.random.default_rng(random_state).permutation(n)[:size])


CRITERIA = {
    "consensus": ("longest-lived k in the average-linkage tree over the co-association of Ward + "
                  "k-means partitions of 3 views (embedding; + phrase LSA; + word LSA) at up to "
                  f"{CONSENSUS_KS} k in the range (evidence accumulation, Fred & Jain 2005)"),
    "jump": "largest relative jump in Ward merge height (height(k->k-1)/height(k+1->k))",
    "fixed": ("k fixed by the config or the curation file; the consensus tree (as for 'consensus', "
              "over the range widened to hold k) cut at k"),
}


@dataclass
class AutoKClustering:
    """Scikit-learn-style clusterer for BERTopic's clustering slot: every point gets a cluster.

    ``X`` given to ``fit`` is the main features; ``views`` (e.g. a fitted
    :class:`LexicalAugmentation`) supplies the other views of the same rows through its
    ``other_views_``. ``n_clusters=None`` chooses k automatically (module docstring): by consensus,
    or by the Ward jump rule when ``consensus=False``. After ``fit``: ``labels_``,
    ``n_clusters_``, ``k_range_``, ``method_`` (a key of :data:`CRITERIA`) and ``criterion_``
    (k -> lifetime or merge-height jump).
    """

    n_clusters: int | None = None
    min_clusters: int = 5
    max_clusters: int | None = None
    large_corpus: int = 10000
    random_state: int = 42
    consensus: bool = True
    views: Any = field(default=None, repr=False)
    labels_: np.ndarray = field(default=None, init=False, repr=False)  # type: ignore[assignment]
    n_clusters_: int = field(default=0, init=False)
    k_range_: tuple[int, int] = field(default=(0, 0), init=False)
    method_: str = field(default="", init=False)
    criterion_: dict[int, float] = field(default_factory=dict, init=False, repr=False)
    cluster_centers_: np.ndarray = field(default=None, init=False, repr=False)  # type: ignore[assignment]

    def fit(self, X: Any, y: Any = None) -> AutoKClustering:
        features = np.asarray(X, dtype=np.float64)
        n = len(features)
        self.criterion_ = {}
        if self.consensus and self.n_clusters is not None:
            self.method_ = "fixed"
            labels = self._fit_consensus(features, int(self.n_clusters))
        elif self.consensus:
            self.method_ = "consensus"
            labels = self._fit_consensus(features)
        else:
            self.method_ = "fixed" if self.n_clusters is not None else "jump"
            labels = self._fit_ward(features)
        self.labels_ = labels
        self.n_clusters_ = int(labels.max()) + 1 if n else 0
        self.cluster_centers_ = centroids(features, labels, self.n_clusters_) if n else features
        return self

    def _other_views(self, n: int) -> list[np.ndarray]:
        others = list(getattr(self.views, "other_views_", None) or [])
        for view in others:
            if len(view) != n:
                raise ValueError(f"a view has {len(view)} rows for {n} points")
        return others

    def _fit_consensus(self, features: np.ndarray, fixed: int | None = None) -> np.ndarray:
        n = len(features)
        views = [features, *self._other_views(n)]
        index = _sample(n, CONSENSUS_SAMPLE, self.random_state) if n > CONSENSUS_SAMPLE else None
        if index is not None:  # consensus on a deterministic sample, refined on everything
            views = [view[index] for view in views]
        lo, hi = k_range(len(views[0]), self.min_clusters, self.max_clusters)
        self.k_range_ = (lo, hi)
        if fixed is not None:
            k = max(1, min(fixed, len(views[0])))
            start = consensus_cut(views, k, lo, hi)
        else:
            k, start, self.criterion_ = consensus_partition(views, lo, hi)
        if k <= 1:
            return np.zeros(n, dtype=int)
        if index is None:
            labels = kmeans_refine(features, start, k)
        else:
            labels = refine_from(features, centroids(views[0], start, k))
        # an odd paper (or a sample's) can hold a cluster of its own: automatic k only
        return labels if fixed is not None else absorb_small_clusters(features, labels)

    def _fit_ward(self, features: np.ndarray) -> np.ndarray:
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
        elif tree is None:
            k = 1
        else:
            k, self.criterion_ = choose_k(tree, lo, hi)
        if tree is None or k <= 1:
            return np.zeros(n, dtype=int)
        if index is None:
            return partition(features, k, tree)
        start = cut_tree(tree, min(k, len(basis)))
        return refine_from(features, centroids(basis, start, int(start.max()) + 1))

    def fit_predict(self, X: Any, y: Any = None) -> np.ndarray:
        return self.fit(X).labels_

    def predict(self, X: Any) -> np.ndarray:
        return _nearest(np.asarray(X, dtype=np.float64), self.cluster_centers_)


def refine_from(features: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """k-means over all ``features`` started from ``centers`` (no cluster may empty: if one
    would, every point keeps its nearest start centre)."""
    if len(centers) < 2:
        return np.zeros(len(features), dtype=int)
    refined = _kmeans_from(features, centers)
    return _nearest(features, centers) if refined is None else refined


SMALL_CLUSTER_SHARE = 0.05  # of the mean cluster size (n / k)
MIN_CLUSTER_PAPERS = 2  # a topic is at least two papers


def absorb_small_clusters(features: np.ndarray, labels: np.ndarray,
                          share: float = SMALL_CLUSTER_SHARE,
                          min_size: int = MIN_CLUSTER_PAPERS) -> np.ndarray:
    """Clusters smaller than ``share`` of the mean cluster size, or than ``min_size``, join their
    nearest other cluster (nearest centroid per point), then clusters are numbered 0..k'-1 in
    their old order. At 100,000 papers a 3,000-paper sample's outlier seeded a 1-paper topic among
    2,400-paper ones; at 828 papers one odd paper made a topic of its own."""
    labels = np.asarray(labels, dtype=int).copy()
    k = int(labels.max()) + 1 if len(labels) else 0
    sizes = np.bincount(labels, minlength=k)
    small = np.flatnonzero(sizes < max(share * len(labels) / max(k, 1), min_size))
    if not len(small) or len(small) == k:
        return labels
    keep = np.setdiff1d(np.arange(k), small)
    centers = np.stack([features[labels == c].mean(axis=0) for c in keep])
    moving = np.isin(labels, small)
    labels[moving] = keep[_nearest(features[moving], centers)]
    return np.searchsorted(keep, labels)


def _nearest(features: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Index of the nearest centre of each row (squared distances via dot products: n x k
    memory, not n x k x d)."""
    distances = (centers**2).sum(axis=1)[None, :] - 2.0 * features @ centers.T
    return distances.argmin(axis=1).astype(int)


class LexicalAugmentation:
    """BERTopic's dimensionality-reduction slot: embeddings -> the main clustering features.

    Holds the documents being fitted (the lexical part needs their text) and keeps the other
    views of :func:`feature_views` in ``other_views_`` for :class:`AutoKClustering`.
    ``transform`` only serves the fitted documents; BERTopic calls it for nothing else here.
    """

    def __init__(self, documents: list[str], lexical_weight: float = 0.25, dims: int = 100,
                 random_state: int = 42, sample_above: int | None = None) -> None:
        self.documents = documents
        self.lexical_weight = lexical_weight
        self.dims = dims
        self.random_state = random_state
        self.sample_above = sample_above
        self.features_: np.ndarray | None = None
        self.other_views_: list[np.ndarray] = []

    def fit(self, X: Any, y: Any = None) -> LexicalAugmentation:
        X = np.asarray(X)
        if len(X) != len(self.documents):
            raise ValueError(f"{len(X)} embeddings for {len(self.documents)} documents")
        views = feature_views(X, self.documents, self.lexical_weight, self.dims,
                              self.random_state, self.sample_above)
        self.features_, self.other_views_ = views[0], views[1:]
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
FLAT_OUTLINE_MAX = 8  # up to this many topics, no balanced grouping -> one section per topic


def section_range(k: int) -> tuple[int, int]:
    """Searched section counts: [max(2, ⌈k/4⌉), max(2, ⌊k/2⌋)] (1-4 topics a section, ≥ 2)."""
    lo = max(2, math.ceil(k / MAX_TOPICS_PER_SECTION))
    return min(lo, k), min(max(lo, k // 2), k)


def group_topics(topic_centroids: np.ndarray, sizes: Sequence[int],
                 n_sections: int | None = None) -> tuple[np.ndarray, dict[int, float]]:
    """Sections over topics: cuts of the size-weighted Ward tree over topic centroids.

    Automatic count, searched in :func:`section_range`: among the balanced cuts (largest section
    at most :data:`MAX_SECTION_SHARE` of the papers and at most :func:`topic_cap` topics), the one
    with the largest relative jump in merge height (the clearest gap); if no cut is balanced, the
    one with the smallest largest section among the cuts with the fewest one-topic sections (so a
    failed balance test no longer yields the most, mostly one-topic, sections) -- except that up
    to :data:`FLAT_OUTLINE_MAX` topics an unbalanced grouping is no grouping: the outline is flat,
    one section per topic (a section holding most of the survey under a broad name fits none of
    its topics). Fewer than 4 topics: one section per topic. Returns the section of each topic
    and the criterion (count -> jump; 0 = unbalanced). One-topic sections are then merged by
    :func:`merge_singletons`.
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
    fallback: dict[int, tuple[int, float]] = {}
    for groups in range(lo, hi + 1):
        below = heights[k - groups - 1]
        jump = heights[k - groups] / below if below > 0 else float("inf")
        cut = _cut_merges(k, merges, groups)
        shares = np.bincount(cut, weights=weights) / weights.sum()
        counts = np.bincount(cut)
        fallback[groups] = (int((counts == 1).sum()), float(shares.max()))
        balanced = shares.max() <= MAX_SECTION_SHARE and counts.max() <= topic_cap(k, groups)
        jumps[groups] = float(jump) if balanced else 0.0
    if any(v > 0 for v in jumps.values()):
        chosen = max(sorted(jumps), key=lambda g: jumps[g])
    elif k <= FLAT_OUTLINE_MAX:
        return np.arange(k), jumps
    else:
        chosen = min(sorted(fallback), key=lambda g: fallback[g])
    return _cut_merges(k, merges, chosen), jumps


def split_in_two(topic_centroids: np.ndarray, sizes: Sequence[int]) -> np.ndarray:
    """The two halves (0 or 1 per topic) of a section's topics: the last merge of their
    size-weighted Ward tree undone."""
    merges = weighted_ward(np.asarray(topic_centroids), np.asarray(sizes, dtype=np.float64))
    return _cut_merges(len(topic_centroids), merges, 2)


def topic_cap(k: int, groups: int) -> int:
    """Most topics a balanced section may hold: :data:`MAX_TOPICS_PER_SECTION`, or twice the
    mean section for many topics (27 topics in 7 sections may hold 8)."""
    return max(MAX_TOPICS_PER_SECTION, math.ceil(2 * k / groups))


def merge_singletons(groups: np.ndarray, topic_centroids: np.ndarray,
                     sizes: Sequence[int]) -> np.ndarray:
    """No one-topic sections: each one-topic section (smallest first) joins the section whose
    size-weighted centre is closest (cosine), while at least two sections would remain; else it
    stays, a section without subtopics. A flat outline (every section one topic) stays flat.
    Section ids are renumbered by their first topic."""
    groups = np.asarray(groups, dtype=int).copy()
    if len(np.unique(groups)) == len(groups):
        return groups
    weights = np.asarray(sizes, dtype=np.float64)
    points = normalise_rows(np.asarray(topic_centroids, dtype=np.float64))
    while True:
        ids, counts = np.unique(groups, return_counts=True)
        single = [int(g) for g, c in zip(ids, counts, strict=True) if c == 1]
        if not single or len(ids) <= 2:
            break
        topic = min((int(np.flatnonzero(groups == g)[0]) for g in single),
                    key=lambda t: (weights[t], t))
        groups[topic] = nearest_group(topic, [g for g in ids.tolist() if g != groups[topic]],
                                      groups, points, weights)
    _, first = np.unique(groups, return_index=True)
    renumber = {int(groups[i]): n for n, i in enumerate(sorted(first))}
    return np.array([renumber[int(g)] for g in groups], dtype=int)


def nearest_group(topic: int, candidates: Sequence[int], groups: np.ndarray, points: np.ndarray,
                  weights: np.ndarray) -> int:
    """Of the section ids ``candidates``, the one whose size-weighted centre (``points``: unit
    topic centroids, ``weights``: topic sizes, ``groups``: each topic's section) is nearest
    ``topic``'s centroid by cosine; ties go to the first."""
    best, best_sim = candidates[0], -np.inf
    for g in candidates:
        inside = groups == g
        centre = normalise_rows((points[inside] * weights[inside, None]).sum(0, keepdims=True))
        sim = float(centre[0] @ points[topic])
        if sim > best_sim:
            best, best_sim = g, sim
    return best


def split_topic(features: np.ndarray, parts: int) -> np.ndarray:
    """Split one topic's papers into ``parts`` sub-topics (Ward + k-means, deterministic)."""
    parts = max(1, min(parts, len(features)))
    return partition(features, parts)
