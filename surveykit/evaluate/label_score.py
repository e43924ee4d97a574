"""Label score: do the topics' labels name their papers' human categories?

For each topic, the majority human category of its papers (multi-label: each paper votes for each
of its labels; ties by name) is the *right* name. The topic's label is right when, embedded by the
same model as the category names (all-MiniLM-L6-v2 by default), it is closer (cosine) to that
category's name than to every other category name of the set. ``label_score`` is the share of
topics whose label is right; ``label_score_weighted`` weighs each topic by its labelled papers.
Labels of baselines without a label (NMF, BERTopic) can be their first top words joined
(:func:`words_label`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import numpy as np

Embedder = Callable[[list[str]], np.ndarray]
LABEL_WORDS = 3


def words_label(words: Sequence[str], n: int = LABEL_WORDS) -> str:
    """A label made of a topic's first ``n`` top words ("translation nmt bleu")."""
    return " ".join(str(w) for w in list(words)[:n])


def default_embedder() -> Embedder:
    """MiniLM through the on-disk cache (``surveykit.embed.embed_texts``)."""
    from surveykit.embed import embed_texts

    return lambda texts: embed_texts(texts, progress=False)


def majority_categories(assignments: Sequence[Any], labels: Sequence[Sequence[str]],
                        outlier: Hashable = -1) -> dict[Any, tuple[str, int]]:
    """Topic -> (its majority category, its number of labelled papers); outliers left out."""
    votes: dict[Any, Counter[str]] = {}
    sizes: Counter[Any] = Counter()
    for topic, paper_labels in zip(assignments, labels, strict=True):
        if topic is None or topic == outlier or not paper_labels:
            continue
        votes.setdefault(topic, Counter()).update(dict.fromkeys(paper_labels, 1))
        sizes[topic] += 1
    return {t: (min(v, key=lambda name: (-v[name], name)), sizes[t]) for t, v in votes.items()}


def label_score(assignments: Sequence[Any], labels: Sequence[Sequence[str]],
                topic_labels: Mapping[Any, str], embed: Embedder | None = None,
                outlier: Hashable = -1) -> dict[str, Any]:
    """``label_score``, ``label_score_weighted`` (NaN without labelled topics) and per topic
    ``(label, majority category, closest category, right)`` under ``topics``."""
    majority = majority_categories(assignments, labels, outlier)
    names = sorted({name for paper_labels in labels for name in paper_labels or []})
    topics = sorted((t for t in majority if t in topic_labels), key=str)
    if not topics or not names:
        return {"label_score": math.nan, "label_score_weighted": math.nan, "topics": []}
    embed = embed or default_embedder()
    texts = [str(topic_labels[t]) for t in topics]
    vectors = _unit(np.asarray(embed(texts + names), dtype=np.float64))
    closest = (vectors[:len(texts)] @ vectors[len(texts):].T).argmax(axis=1)
    rows = []
    for topic, label, index in zip(topics, texts, closest.tolist(), strict=True):
        rows.append((topic, label, majority[topic][0], names[index],
                     names[index] == majority[topic][0], majority[topic][1]))
    right = np.array([r[4] for r in rows], dtype=float)
    weights = np.array([r[5] for r in rows], dtype=float)
    return {"label_score": float(right.mean()),
            "label_score_weighted": float((right * weights).sum() / weights.sum()),
            "topics": [r[:5] for r in rows]}


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def section_fit(sections: Sequence[tuple[str, Sequence[str], Sequence[int]]],
                embed: Embedder | None = None) -> dict[str, Any]:
    """Do the section names fit their topics? ``sections``: (section label, its topics' labels,
    its topics' sizes) per section. A topic fits when its label is closer (cosine, same
    embedding as :func:`label_score`) to its own section's label than to any other section's: a
    reader given the outline's headings would file the topic where it is. Topics of one-topic
    sections (named by the topic itself) and outlines of one section are left out. Returns
    ``section_fit`` (share of topics that fit), ``section_fit_weighted`` (by topic size; NaN
    without topics to score) and per topic ``(topic label, its section, closest section, fits)``."""
    names = [str(label) for label, _, _ in sections]
    scored = [(i, str(t), int(n)) for i, (_, topics, sizes) in enumerate(sections)
              if len(topics) > 1 for t, n in zip(topics, sizes, strict=True)]
    if len(names) < 2 or not scored:
        return {"section_fit": math.nan, "section_fit_weighted": math.nan, "topics": []}
    embed = embed or default_embedder()
    vectors = _unit(np.asarray(embed(names + [t for _, t, _ in scored]), dtype=np.float64))
    closest = (vectors[len(names):] @ vectors[:len(names)].T).argmax(axis=1)
    rows = [(label, names[own], names[near], own == near)
            for (own, label, _), near in zip(scored, closest.tolist(), strict=True)]
    right = np.array([r[3] for r in rows], dtype=float)
    weights = np.array([n for _, _, n in scored], dtype=float)
    return {"section_fit": float(right.mean()),
            "section_fit_weighted": float((right * weights).sum() / weights.sum()),
            "topics": rows}
