"""Agreement between topic assignments and human labels: hard (NMI, ARI, purity) and overlapping.

Conventions shared by every function here:

* ``clusters`` is one hashable topic id per paper; outliers have already been mapped to one id of
  their own (they form one cluster, as a BERTopic user sees them).
* single-label ``labels`` is one label per paper; multi-label ``label_sets`` is a tuple of labels
  per paper (never empty: unlabelled papers are dropped before scoring).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score


def nmi(clusters: Sequence[Hashable], labels: Sequence[Hashable]) -> float:
    """Normalised mutual information, arithmetic-mean normalisation (sklearn's default)."""
    return float(normalized_mutual_info_score(_codes(labels), _codes(clusters),
                                              average_method="arithmetic"))


def ari(clusters: Sequence[Hashable], labels: Sequence[Hashable]) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985)."""
    return float(adjusted_rand_score(_codes(labels), _codes(clusters)))


def purity(
    clusters: Sequence[Hashable],
    label_sets: Sequence[Sequence[Hashable]],
    wrong: Hashable | None = None,
) -> float:
    """Share of papers whose topic's majority label is among their own labels.

    The majority label of a topic is the label carried by most of its papers (each paper counts
    once per label it has; ties go to the label first in sorted order, so results are stable).
    With one label per paper this is the classic purity. Papers in cluster ``wrong`` (the
    outliers) always count as wrong.
    """
    members: dict[Hashable, list[int]] = {}
    for index, cluster in enumerate(clusters):
        members.setdefault(cluster, []).append(index)
    correct = 0
    for cluster, indexes in members.items():
        if wrong is not None and cluster == wrong:
            continue
        counts = Counter(label for i in indexes for label in set(label_sets[i]))
        best = max(sorted(counts, key=str), key=lambda label: counts[label])
        correct += sum(1 for i in indexes if best in label_sets[i])
    return correct / len(label_sets) if len(label_sets) else float("nan")


def overlapping_nmi(
    clusters: Sequence[Hashable], label_sets: Sequence[Sequence[Hashable]]
) -> float:
    """Overlapping NMI of McDaid, Greene & Hurley (2011), ``max`` normalisation.

    Each topic and each label is a binary variable over the papers (member or not). Every
    variable is matched with the variable of the other cover that explains it best, with the
    constraint of Lancichinetti, Fortunato & Kertész (2009) that a match must carry more
    agreement than disagreement. Equals 1 for identical covers and is near 0 for unrelated ones.
    """
    topics = _membership([(c,) for c in clusters])
    labels = _membership(label_sets)
    n = topics.shape[0]
    if n == 0:
        return float("nan")
    h_topics, h_labels = _cover_entropy(topics, n), _cover_entropy(labels, n)
    if max(h_topics.sum(), h_labels.sum()) == 0:
        return 1.0
    both = topics.T @ labels  # |X_k ∩ Y_l|
    h_topics_given = _conditional_entropy(both, topics.sum(0), labels.sum(0), n, h_topics)
    h_labels_given = _conditional_entropy(both.T, labels.sum(0), topics.sum(0), n, h_labels)
    mutual = 0.5 * (h_topics.sum() - h_topics_given.sum() + h_labels.sum() - h_labels_given.sum())
    return float(mutual / max(h_topics.sum(), h_labels.sum()))


def omega_index(
    clusters: Sequence[Hashable],
    label_sets: Sequence[Sequence[Hashable]],
    block: int = 512,
) -> float:
    """Omega index (Collins & Dent 1988): the ARI generalised to overlapping covers.

    A pair of papers agrees when both covers put it together in the same *number* of groups;
    the observed agreement is corrected for chance like the ARI, which it equals when both
    covers are partitions. Pairs are counted in row blocks, so memory stays ``O(block * n)``.
    """
    topics = _membership([(c,) for c in clusters]).astype(np.int32)
    labels = _membership(label_sets).astype(np.int32)
    n = topics.shape[0]
    if n < 2:
        return float("nan")
    joint: Counter[tuple[int, int]] = Counter()
    for start in range(0, n, block):
        rows = slice(start, min(start + block, n))
        shared_topics = topics[rows] @ topics.T
        shared_labels = labels[rows] @ labels.T
        upper = np.triu(np.ones((rows.stop - start, n), dtype=bool), k=start + 1)
        pairs = np.stack([shared_topics[upper], shared_labels[upper]], axis=1)
        values, counts = np.unique(pairs, axis=0, return_counts=True)
        for (a, b), count in zip(values.tolist(), counts.tolist(), strict=True):
            joint[(a, b)] += count
    total = n * (n - 1) / 2
    observed = sum(count for (a, b), count in joint.items() if a == b) / total
    by_topics: Counter[int] = Counter()
    by_labels: Counter[int] = Counter()
    for (a, b), count in joint.items():
        by_topics[a] += count
        by_labels[b] += count
    expected = sum(by_topics[j] * by_labels[j] for j in by_topics) / total**2
    if expected == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return float((observed - expected) / (1.0 - expected))


# --- helpers ---------------------------------------------------------------------------------


def _codes(values: Sequence[Hashable]) -> np.ndarray:
    """Integer codes for arbitrary hashable values (sklearn wants one dtype)."""
    index: dict[Hashable, int] = {}
    return np.array([index.setdefault(v, len(index)) for v in values], dtype=np.int64)


def _membership(groups: Sequence[Sequence[Hashable]]) -> np.ndarray:
    """Binary paper x group matrix (float64) from each paper's groups."""
    names = sorted({g for gs in groups for g in gs}, key=str)
    column = {name: j for j, name in enumerate(names)}
    matrix = np.zeros((len(groups), len(names)), dtype=np.float64)
    for i, gs in enumerate(groups):
        for g in gs:
            matrix[i, column[g]] = 1.0
    return matrix


def _h(p: np.ndarray) -> np.ndarray:
    """Elementwise ``-p log2 p`` with ``h(0) = 0``."""
    p = np.asarray(p, dtype=np.float64)
    out = np.zeros_like(p)
    mask = p > 0
    out[mask] = -p[mask] * np.log2(p[mask])
    return out


def _cover_entropy(matrix: np.ndarray, n: int) -> np.ndarray:
    """Binary entropy of each group's membership variable."""
    p = matrix.sum(0) / n
    return _h(p) + _h(1 - p)


def _conditional_entropy(
    both: np.ndarray, size_x: np.ndarray, size_y: np.ndarray, n: int, h_x: np.ndarray
) -> np.ndarray:
    """``H(X_k | Y)`` for every group ``k`` of X: the best admissible match in Y (LFK 2009)."""
    d = both / n                                   # in X_k and in Y_l
    c = size_x[:, None] / n - d                    # in X_k only
    b = size_y[None, :] / n - d                    # in Y_l only
    a = 1.0 - b - c - d                            # in neither
    a = np.clip(a, 0.0, 1.0)
    joint_h = _h(a) + _h(b) + _h(c) + _h(d)
    h_y = _h(b + d) + _h(a + c)
    conditional = joint_h - h_y
    admissible = _h(a) + _h(d) > _h(b) + _h(c)
    conditional = np.where(admissible, conditional, h_x[:, None])
    if conditional.shape[1] == 0:
        return h_x
    return np.minimum(conditional.min(axis=1), h_x)
