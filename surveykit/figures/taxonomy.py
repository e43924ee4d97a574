"""The taxonomy as nested areas: root -> sections -> topics, area = number of papers."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from surveykit.figures.theme import SMALL_FONT_PT, apply_theme, points, wrap_label

SECTION_SHADES = ("#D9D9D9", "#BDBDBD", "#E8E8E8", "#CFCFCF", "#F0F0F0", "#C4C4C4")


def _node_colors(frame: pd.DataFrame, colors: dict[int, str]) -> list[str]:
    section_rank = {sid: i for i, sid in enumerate(frame.loc[frame["level"] == 1, "id"])}
    result = []
    for row in frame.itertuples(index=False):
        if row.level == 2:
            result.append(colors.get(int(row.topic), "#A0A0A0"))
        elif row.level == 1:
            result.append(SECTION_SHADES[section_rank[row.id] % len(SECTION_SHADES)])
        else:
            result.append("white")
    return result


def plot_taxonomy(
    frame: pd.DataFrame,
    colors: dict[int, str],
    kind: str = "sunburst",
    width: str | float | None = None,
    height_in: float | None = None,
    label_width: int = 18,
) -> go.Figure:
    """A sunburst (default) or treemap of a :func:`~surveykit.figures.data.taxonomy_frame`;
    sections are grey rings/boxes, topics keep their colour."""
    if kind not in {"sunburst", "treemap"}:
        raise ValueError(f"taxonomy kind must be 'sunburst' or 'treemap', got {kind!r}")
    fig = go.Figure()
    default_width, default_height = (5.0, 3.8) if kind == "sunburst" else ("double", 3.2)
    apply_theme(fig, width or default_width, height_in or default_height)
    labels = [wrap_label(label, label_width, max_lines=3) for label in frame["label"]]
    common = dict(
        ids=frame["id"], parents=frame["parent"], values=frame["value"], labels=labels,
        branchvalues="total", sort=False, uid=f"taxonomy_{kind}",
        marker=dict(colors=_node_colors(frame, colors), line=dict(color="white", width=1)),
        insidetextfont=dict(size=points(SMALL_FONT_PT)),
        hovertemplate="%{label}<br>%{value} papers<extra></extra>",
    )
    if kind == "sunburst":
        trace = go.Sunburst(**common, insidetextorientation="auto", rotation=90, leaf=dict(opacity=1))
    else:
        trace = go.Treemap(**common, textinfo="label+value", tiling=dict(pad=2, packing="squarify"),
                           pathbar=dict(visible=False), root=dict(color="white"))
    fig.add_trace(trace)
    fig.update_layout(margin=dict(l=2, r=2, t=2, b=2))
    return fig
