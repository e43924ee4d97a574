"""Topic similarity: cosine similarity between the topics' mean embeddings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from surveykit.figures.theme import (
    OUTLIER_COLOR,
    SEQUENTIAL_SCALE,
    SMALL_FONT_PT,
    apply_theme,
    points,
    swatch,
    wrap_label,
)


def plot_topic_similarity(
    matrix: pd.DataFrame,
    labels: dict[int, str],
    colors: dict[int, str],
    width: str | float = "double",
    height_in: float | None = None,
    annotate_below: int = 16,
) -> go.Figure:
    """Lower-triangle heatmap of a :func:`~surveykit.figures.data.topic_similarity_frame`
    (the diagonal and upper half carry no information); values printed when there are fewer
    than ``annotate_below`` topics."""
    topics = [int(t) for t in matrix.index]
    n = len(topics)
    fig = go.Figure()
    apply_theme(fig, width, height_in or min(6.5, 1.6 + 0.3 * max(n, 1)))
    if n < 2:
        fig.add_annotation(text="Topic similarity needs at least two topics", showarrow=False,
                           xref="paper", yref="paper", x=0.5, y=0.5)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return fig
    values = matrix.to_numpy(dtype=float)
    mask = np.tril(np.ones((n, n), dtype=bool), k=-1)
    z = np.where(mask, values, np.nan)
    low = float(np.nanmin(z))
    high = float(np.nanmax(z))
    names = [swatch(colors.get(t, OUTLIER_COLOR), wrap_label(labels.get(t, f"Topic {t}"), 28, 1))
             for t in topics]
    text = np.where(mask, np.char.mod("%.2f", np.round(values, 2)), "")
    fig.add_trace(go.Heatmap(
        z=z[1:, :-1], x=names[:-1], y=names[1:], zmin=low, zmax=high if high > low else low + 1e-6,
        colorscale=SEQUENTIAL_SCALE, xgap=1, ygap=1, hoverongaps=False, uid="topic_similarity",
        text=text[1:, :-1], texttemplate="%{text}" if n <= annotate_below else None,
        textfont=dict(size=points(SMALL_FONT_PT)),
        colorbar=dict(title=dict(text="cosine", side="right", font=dict(size=points(SMALL_FONT_PT))),
                      thickness=8, outlinewidth=0, tickformat=".2f",
                      tickfont=dict(size=points(SMALL_FONT_PT))),
        hovertemplate="%{y}<br>%{x}<br>cosine %{z:.3f}<extra></extra>",
    ))
    fig.update_xaxes(tickangle=-45, ticks="", showline=False, tickfont=dict(size=points(SMALL_FONT_PT)))
    fig.update_yaxes(autorange="reversed", ticks="", showline=False,
                     tickfont=dict(size=points(SMALL_FONT_PT)))
    fig.update_layout(plot_bgcolor="white")
    return fig
