"""Papers per year, stacked by topic."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from surveykit.figures.data import UNASSIGNED_LABEL
from surveykit.figures.theme import (
    OUTLIER_COLOR,
    OUTLIER_TOPIC,
    SMALL_FONT_PT,
    apply_theme,
    inches,
    points,
    wrap_label,
)

LEGEND_LINE_PX = 20  # a legend entry at 8 pt (plotly's item height), in CSS pixels
# plotly cuts a vertical legend at the plot area's height: the year ticks (turned when many) and
# the axis title below it count too
LEGEND_MARGIN_PX = 110


def plot_papers_per_year(
    counts: pd.DataFrame,
    labels: dict[int, str],
    colors: dict[int, str],
    width: str | float = "double",
    height_in: float = 2.8,
) -> go.Figure:
    """Stacked bars of a :func:`~surveykit.figures.data.papers_per_year_frame`; every year of the
    span is on the axis (a year with no paper shows as a gap), the legend follows topic order."""
    fig = go.Figure()
    apply_theme(fig, width, height_in)
    years = [str(y) for y in counts.index]
    for topic in counts.columns:
        values = counts[topic]
        if int(values.sum()) == 0:
            continue
        name = UNASSIGNED_LABEL if topic == OUTLIER_TOPIC else labels.get(int(topic), f"Topic {topic}")
        fig.add_trace(go.Bar(
            x=years, y=values, name=wrap_label(name, 40, max_lines=2), uid=f"year_topic{topic}",
            marker=dict(color=colors.get(int(topic), OUTLIER_COLOR), line=dict(color="white", width=0.4)),
            hovertemplate=f"{name}<br>%{{x}}: %{{y}} papers<extra></extra>",
        ))
    totals = counts.sum(axis=1)
    fig.add_trace(go.Scatter(  # totals above the stacks (none over an empty year: a row of 0s is clutter)
        x=years, y=totals, mode="text", text=[str(int(t)) if t else "" for t in totals],
        textposition="top center",
        textfont=dict(size=points(SMALL_FONT_PT)), showlegend=False, hoverinfo="skip", uid="year_totals",
        cliponaxis=False,
    ))
    top = float(totals.max()) if len(totals) else 1.0
    fig.update_xaxes(type="category", title_text="Year", categoryorder="array", categoryarray=years)
    fig.update_yaxes(title_text="Papers", range=[0, top * 1.12 + 0.5], showgrid=True, gridcolor="#EEEEEE",
                     gridwidth=0.6)
    fig.update_layout(barmode="stack", bargap=0.3, legend=dict(traceorder="reversed", x=1.01, y=1,
                                                               xanchor="left", yanchor="top"))
    # every theme in the legend: the figure grows to hold it (14 themes overflowed 2.8 in)
    lines = sum(1 + str(t.name).count("<br>") for t in fig.data if t.showlegend is not False and t.name)
    needed = (lines * LEGEND_LINE_PX + LEGEND_MARGIN_PX) / inches(1)
    if needed > height_in:
        fig.update_layout(height=inches(needed))
    no_year = int(counts.attrs.get("no_year", 0))
    if no_year:
        fig.add_annotation(text=f"{no_year} paper{'s' if no_year != 1 else ''} without a year not shown",
                           xref="paper", yref="paper", x=0, y=1.0, xanchor="left", yanchor="bottom",
                           showarrow=False, font=dict(size=points(SMALL_FONT_PT), color="#666666"))
        fig.update_layout(margin=dict(t=points(SMALL_FONT_PT) + 10))
    return fig
