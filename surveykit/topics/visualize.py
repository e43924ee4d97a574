"""Plotly figures of a fitted topic result, drawn by BERTopic's own visualisations.

They need the in-memory BERTopic model (``result.model``, present right after ``fit_topics``,
not after ``TopicResult.load``). The documents map gets a 2-D PCA of the embeddings, so BERTopic
never runs UMAP for it (UMAP with 2 neighbours fails on small corpora: BERTopic #1900, and costs
numba compilation); ``visualize_topics`` is not offered for the same reason.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from surveykit.corpus.model import Corpus
from surveykit.topics.taxonomy import TopicResult


def _model(result: TopicResult) -> Any:
    if result.model is None:
        raise ValueError("this figure needs the fitted BERTopic model: call fit_topics() in this "
                         "session (a result loaded from topics.json has no model)")
    return result.model


def project_2d(embeddings: np.ndarray) -> np.ndarray:
    """Deterministic 2-D layout: PCA of the L2-normalised embeddings (SVD, signs fixed)."""
    data = np.asarray(embeddings, dtype=np.float64)
    data = data / np.maximum(np.linalg.norm(data, axis=1, keepdims=True), 1e-12)
    data = data - data.mean(axis=0)
    if len(data) < 2:
        return np.zeros((len(data), 2))
    u, s, _ = np.linalg.svd(data, full_matrices=False)
    coords = u[:, :2] * s[:2]
    signs = np.sign(coords[np.abs(coords).argmax(axis=0), range(coords.shape[1])])
    coords = coords * np.where(signs == 0, 1, signs)
    if coords.shape[1] < 2:
        coords = np.hstack([coords, np.zeros((len(coords), 2 - coords.shape[1]))])
    return coords


def documents_map(result: TopicResult, corpus: Corpus, title: str = "Papers by topic") -> Any:
    """Every paper as a point coloured by topic (hover: title), BERTopic's ``visualize_documents``."""
    model = _model(result)
    ids = list(result.assignments.index)
    titles = [corpus[pid].title for pid in ids]
    coords = project_2d(result.embeddings)
    return model.visualize_documents(titles, reduced_embeddings=coords, custom_labels=True,
                                     hide_annotations=False, title=f"<b>{title}</b>")


def hierarchy_figure(result: TopicResult, title: str = "Topic hierarchy") -> Any:
    """Dendrogram of the topics (BERTopic's ``visualize_hierarchy`` over c-TF-IDF)."""
    model = _model(result)
    if result.n_topics < 2:
        raise ValueError("a hierarchy needs at least two topics")
    return model.visualize_hierarchy(custom_labels=True, title=f"<b>{title}</b>")


def barchart_figure(result: TopicResult, n_words: int = 5, title: str = "Topic keywords") -> Any:
    """Top c-TF-IDF terms of every topic (BERTopic's ``visualize_barchart``)."""
    model = _model(result)
    return model.visualize_barchart(top_n_topics=result.n_topics, n_words=n_words,
                                    custom_labels=True, title=f"<b>{title}</b>")
