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


def barchart_figure(result: TopicResult, n_words: int = 5, title: str = "Topic keywords",
                    columns: int = 3) -> Any:
    """Top c-TF-IDF terms of every topic, one small bar chart per topic in a grid.

    Laid out for any number of topics: ``columns`` panels a row with room for the terms between
    them, panel titles (topic labels) wrapped to the panel width, rows spaced for three title
    lines, and one distinct colour per topic (the palette of the paper figures)."""
    import textwrap

    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from surveykit.figures.theme import topic_colors

    model = _model(result)
    topics = [t for t in result.topics if t.id != -1]
    if not topics:
        raise ValueError("no topics to chart")
    columns = max(1, min(columns, len(topics)))
    rows = -(-len(topics) // columns)
    colors = topic_colors([t.id for t in topics])
    panel_px, gap_px, row_px, title_px = 200, 190, 170, 62
    width = columns * panel_px + (columns - 1) * gap_px + 190
    height = rows * row_px + (rows - 1) * title_px + 150
    titles = ["<br>".join(textwrap.wrap(f"{t.id}: {t.label}", 28, max_lines=3, placeholder="…"))
              for t in topics]
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=titles,
                        horizontal_spacing=gap_px / (width - 190) if columns > 1 else 0.0,
                        vertical_spacing=title_px / (height - 150) if rows > 1 else 0.0)
    model_ids = _model_topic_ids(model)
    for index, topic in enumerate(topics):
        terms = _topic_terms(model, model_ids.get(topic.id), topic, n_words)
        fig.add_trace(go.Bar(x=[w for _, w in terms][::-1], y=[term for term, _ in terms][::-1],
                             orientation="h", marker_color=colors[topic.id], name=topic.label,
                             hovertemplate="%{y}: %{x:.3f}<extra></extra>", showlegend=False),
                      row=index // columns + 1, col=index % columns + 1)
    fig.update_annotations(font_size=12, yanchor="bottom")
    fig.update_layout(title={"text": f"<b>{title}</b>", "x": 0.5, "xanchor": "center"},
                      width=width, height=height, template="plotly_white",
                      margin={"l": 150, "r": 40, "t": 110, "b": 40})
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(tickfont_size=11)
    return fig


def _model_topic_ids(model: Any) -> dict[int, int]:
    """Result topic id -> BERTopic topic id. The model keeps its own numbering; its custom labels
    (``"<result id>: <label>"``, in the model's topic order) say which is which."""
    import re

    labels = getattr(model, "custom_labels_", None)
    ids = sorted(model.get_topics()) if hasattr(model, "get_topics") else []
    if not labels or len(labels) != len(ids):
        return {}
    out = {}
    for model_id, label in zip(ids, labels, strict=True):
        match = re.match(r"^\s*(-?\d+)\s*:", str(label))
        if match:
            out[int(match.group(1))] = model_id
    return out


def _topic_terms(model: Any, model_id: int | None, topic: Any, n_words: int) -> list[tuple[str, float]]:
    """The topic's top terms with their c-TF-IDF weight; its own keywords, ranked, when the model
    has no entry for it or one that shares none of them (e.g. after a curation merge or move):
    the chart never contradicts the keywords the tables and the draft use."""
    terms = model.get_topic(model_id) if model_id is not None else None
    if terms and {str(term) for term, _ in terms} & set(topic.keywords):
        return [(str(term), float(weight)) for term, weight in terms[:n_words]]
    words = list(topic.keywords)[:n_words]
    return [(w, float(len(words) - i)) for i, w in enumerate(words)]
