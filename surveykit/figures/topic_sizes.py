"""Topic sizes: papers per topic as horizontal bars, largest on top."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from surveykit.figures.theme import OUTLIER_COLOR, SMALL_FONT_PT, apply_theme, points, wrap_label


def plot_topic_sizes(
    frame: pd.DataFrame,
    colors: dict[int, str],
    width: str | float = "single",
    bar_height_in: float = 0.2,
    label_width: int = 34,
) -> go.Figure:
    """Bars of a :func:`~surveykit.figures.data.topic_sizes_frame`, each in its topic colour,
    with the count at the end of the bar."""
    frame = frame.iloc[::-1]  # plotly draws the first category at the bottom
    labels = [wrap_label(label, label_width, max_lines=2) for label in frame["label"]]
    height = 0.35 + bar_height_in * max(len(frame), 1) * (1.25 if any("<br>" in x for x in labels) else 1)
    fig = go.Figure()
    apply_theme(fig, width, height)
    fig.add_trace(go.Bar(
        x=frame["size"], y=labels, orientation="h",
        marker=dict(color=[colors.get(int(t), OUTLIER_COLOR) for t in frame["topic"]], line_width=0),
        text=[str(int(s)) for s in frame["size"]], textposition="outside", cliponaxis=False,
        textfont=dict(size=points(SMALL_FONT_PT)),
        customdata=frame[["share"]].to_numpy(),
        hovertemplate="%{y}: %{x} papers (%{customdata[0]:.0%})<extra></extra>",
        uid="topic_sizes", width=0.72,
    ))
    top = int(frame["size"].max()) if len(frame) else 1
    fig.update_xaxes(title_text="Papers", range=[0, top * 1.12 + 0.5], rangemode="tozero",
                     showgrid=True, gridcolor="#EEEEEE", gridwidth=0.6)
    fig.update_yaxes(ticks="", showline=False, tickfont=dict(size=points(SMALL_FONT_PT)))
    fig.update_layout(showlegend=False, bargap=0.25)
    return fig
