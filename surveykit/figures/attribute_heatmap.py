"""Attribute x topic heatmap: the share of each topic's papers with each attribute value."""

from __future__ import annotations

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


def plot_attribute_heatmap(
    frame: pd.DataFrame,
    colors: dict[int, str],
    width: str | float = "double",
    row_height_in: float = 0.19,
    show_counts: bool = True,
) -> go.Figure:
    """Heatmap of an :func:`~surveykit.figures.data.attribute_topic_frame`: colour = share of the
    topic's papers (0-100 %), cell text = number of papers; topic labels carry their colour."""
    fig = go.Figure()
    items = list(dict.fromkeys(frame["item"]))
    topics = list(dict.fromkeys(frame["topic"]))
    labels = frame.drop_duplicates("topic").set_index("topic")["label"]
    height = 1.3 + row_height_in * max(len(items), 1)
    apply_theme(fig, width, height)
    if not items:
        fig.add_annotation(text="No attribute values to show", showarrow=False, xref="paper",
                           yref="paper", x=0.5, y=0.5)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return fig
    share = frame.pivot(index="item", columns="topic", values="share").reindex(index=items, columns=topics)
    count = frame.pivot(index="item", columns="topic", values="count").reindex(index=items, columns=topics)
    x_text = [swatch(colors.get(int(t), OUTLIER_COLOR), wrap_label(labels[t], 16, max_lines=3))
              for t in topics]
    y_text = [wrap_label(item, 42, max_lines=1) for item in items]
    fig.add_trace(go.Heatmap(
        z=(share * 100).round(1).to_numpy(), x=x_text, y=y_text, zmin=0, zmax=100,
        colorscale=SEQUENTIAL_SCALE, xgap=1, ygap=1, uid="attribute_heatmap",
        text=count.astype(int).to_numpy(), texttemplate="%{text}" if show_counts else None,
        textfont=dict(size=points(6.5)),
        colorbar=dict(title=dict(text="% of topic", side="right", font=dict(size=points(SMALL_FONT_PT))),
                      ticksuffix="%", thickness=8, len=min(1.0, 2.2 / height), outlinewidth=0,
                      tickfont=dict(size=points(SMALL_FONT_PT))),
        hovertemplate="%{y}<br>%{x}<br>%{text} papers (%{z:.0f}% of topic)<extra></extra>",
    ))
    fig.update_xaxes(side="top", tickangle=-45 if len(topics) > 6 else 0, ticks="", showline=False,
                     tickfont=dict(size=points(SMALL_FONT_PT)))
    fig.update_yaxes(autorange="reversed", ticks="", showline=False,
                     tickfont=dict(size=points(SMALL_FONT_PT)))
    fig.update_layout(plot_bgcolor="white")
    return fig
