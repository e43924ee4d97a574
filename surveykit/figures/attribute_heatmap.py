"""Attribute x topic heatmap: the share of each topic's papers with each attribute value.

Rows are the attribute values in schema order, a small gap between attributes (consecutive flags
form one block); columns are the topics in figure order, each under a strip of its colour, with
the labels wrapped onto up to three lines (angled when the columns are too narrow). Colour is the
share of the topic's papers, the text the number of papers, dark or white, whichever contrasts
more with the cell; zero counts are printed in light grey.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from surveykit.figures.theme import (
    OUTLIER_COLOR,
    SEQUENTIAL_SCALE,
    SMALL_FONT_PT,
    TEXT_COLOR,
    apply_theme,
    column_width,
    points,
    wrap_label,
)

CELL_FONT_PT = 8.0
ZERO_COLOR = "#A6A6A6"
CHAR_WIDTH_EM = 0.56  # average character width (DejaVu/Arial), for estimating label widths
COLORBAR_IN = 0.7  # colour bar with its tick labels and title
MIN_CHARS_PER_LINE = 9  # narrower columns get angled labels
MAX_LINES = 4  # topic labels wrapped onto at most this many lines
ANGLED_LABEL_CHARS = 22  # angled labels: two lines of this length, or one of 1.5 times it
STRIP = (-0.42, -0.12)  # colour strip above the first row, in row units


def _label_width_in(text: str, size_pt: float = SMALL_FONT_PT) -> float:
    return len(text) * CHAR_WIDTH_EM * size_pt / 72


def _hex_rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def scale_color(fraction: float, scale: list[list] = SEQUENTIAL_SCALE) -> tuple[float, float, float]:
    """The RGB colour a plotly colour scale gives ``fraction`` (0..1; linear between stops)."""
    fraction = min(max(float(fraction), 0.0), 1.0)
    for (low, low_color), (high, high_color) in zip(scale, scale[1:], strict=False):
        if fraction <= high:
            amount = (fraction - low) / (high - low) if high > low else 0.0
            a, b = _hex_rgb(low_color), _hex_rgb(high_color)
            return tuple(x + (y - x) * amount for x, y in zip(a, b, strict=True))
    return tuple(float(c) for c in _hex_rgb(scale[-1][1]))


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour (0-255 channels)."""
    channels = [c / 255 for c in rgb]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_color_on(rgb: tuple[float, float, float], dark: str = TEXT_COLOR, light: str = "#FFFFFF") -> str:
    """``dark`` or ``light``, whichever has the higher WCAG contrast ratio on ``rgb``."""
    background = _luminance(rgb)

    def ratio(color: str) -> float:
        lum = _luminance(_hex_rgb(color))
        return (max(lum, background) + 0.05) / (min(lum, background) + 0.05)

    return dark if ratio(dark) >= ratio(light) else light


def _row_layout(groups: list[int], gap: float) -> tuple[list[float], list[float], list[bool]]:
    """Row edges (row units, top = 0), the centre of each data row, and which bands are data."""
    edges, centres, is_data = [0.0], [], []
    for index, group in enumerate(groups):
        if index and group != groups[index - 1]:
            edges.append(edges[-1] + gap)
            is_data.append(False)
        centres.append(edges[-1] + 0.5)
        edges.append(edges[-1] + 1.0)
        is_data.append(True)
    return edges, centres, is_data


def _shorten(label: str, chars: int, lines: int) -> str:
    """``label`` wrapped on spaces to ``chars`` per line; past ``lines`` lines the remaining words
    are dropped and an ellipsis marks the cut (never inside a word)."""
    wrapped = wrap_label(label, chars, max_lines=len(label) + 1).split("<br>")
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] += "\u2026"
    return "<br>".join(wrapped)


def _topic_tick_labels(labels: list[str], column_in: float) -> tuple[list[str], float, int]:
    """Labels wrapped to the column width (or, for narrow columns, angled on as many lines as
    the column allows, at most two), their height in inches and the tick angle."""
    chars = int(column_in * 72 / (CHAR_WIDTH_EM * SMALL_FONT_PT)) - 1
    line_in = SMALL_FONT_PT * 1.25 / 72
    if chars >= MIN_CHARS_PER_LINE:
        wrapped = [_shorten(label, chars, MAX_LINES) for label in labels]
        lines = max(text.count("<br>") + 1 for text in wrapped)
        return wrapped, lines * line_in, 0
    lines = 2 if column_in * 0.7 >= 2 * line_in else 1  # angled lines must not reach the next column
    angled = [_shorten(label, ANGLED_LABEL_CHARS * (4 - lines) // 2, lines) for label in labels]
    longest = max(_label_width_in(line) for text in angled for line in text.split("<br>"))
    return angled, longest * 0.72 + lines * line_in, -45


def plot_attribute_heatmap(
    frame: pd.DataFrame,
    colors: dict[int, str],
    width: str | float = "double",
    row_height_in: float = 0.19,
    show_counts: bool = True,
    group_gap: float = 0.45,
) -> go.Figure:
    """Heatmap of an :func:`~surveykit.figures.data.attribute_topic_frame`: colour = share of the
    topic's papers (0-100 %), cell text = number of papers; each topic column sits under a strip
    of the topic's colour. ``group_gap``: space between attributes, in rows (0 for none)."""
    fig = go.Figure()
    items = list(dict.fromkeys(frame["item"]))
    if not items:
        apply_theme(fig, width, 1.3)
        fig.add_annotation(text="No attribute values to show", showarrow=False, xref="paper",
                           yref="paper", x=0.5, y=0.5)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return fig
    topics = list(dict.fromkeys(int(t) for t in frame["topic"]))
    topic_labels = frame.drop_duplicates("topic").set_index("topic")["label"].astype(str)
    groups = (frame.drop_duplicates("item").set_index("item")["group"].reindex(items).astype(int).tolist()
              if "group" in frame else [0] * len(items))
    share = frame.pivot(index="item", columns="topic", values="share").reindex(index=items, columns=topics)
    count = frame.pivot(index="item", columns="topic", values="count").reindex(index=items, columns=topics)
    share, count = share.fillna(0.0).to_numpy(dtype=float), count.fillna(0).to_numpy(dtype=int)

    edges, centres, is_data = _row_layout(groups, max(group_gap, 0.0))
    left_in = max(_label_width_in(item) for item in items) + 0.08
    plot_in = column_width(width) / 96 - left_in - COLORBAR_IN - 0.1
    tick_text, header_in, angle = _topic_tick_labels([topic_labels[t] for t in topics],
                                                     plot_in / max(len(topics), 1))
    rows_in = row_height_in * edges[-1]
    strip_in = row_height_in * -STRIP[0]
    height = rows_in + strip_in + header_in + 0.16
    apply_theme(fig, width, height)

    bands = iter(range(len(items)))
    z, hover = [], []
    for data_band in is_data:
        if data_band:
            row = next(bands)
            z.append((share[row] * 100).round(1).tolist())
            hover.append([[items[row], topic_labels[t], int(count[row, j])] for j, t in enumerate(topics)])
        else:
            z.append([None] * len(topics))
            hover.append([["", "", ""]] * len(topics))
    x_edges = np.arange(len(topics) + 1) - 0.5
    fig.add_trace(go.Heatmap(
        z=z, x=x_edges, y=edges, customdata=hover, zmin=0, zmax=100, colorscale=SEQUENTIAL_SCALE,
        xgap=1, ygap=1, hoverongaps=False, uid="attribute_heatmap",
        colorbar=dict(title=dict(text="% of topic", side="right", font=dict(size=points(SMALL_FONT_PT))),
                      ticksuffix="%", thickness=8, outlinewidth=0, dtick=25,
                      len=min(1.0, 2.0 / max(rows_in, 0.1)), y=1.0, yanchor="top",
                      tickfont=dict(size=points(SMALL_FONT_PT))),
        hovertemplate="%{customdata[0]}<br>%{customdata[1]}<br>%{customdata[2]} papers "
                      "(%{z:.0f}% of topic)<extra></extra>",
    ))
    if show_counts:
        xs, ys, texts, text_colors = [], [], [], []
        for row, centre in enumerate(centres):
            for column in range(len(topics)):
                xs.append(column)
                ys.append(centre)
                texts.append(str(count[row, column]))
                text_colors.append(ZERO_COLOR if count[row, column] == 0
                                   else text_color_on(scale_color(share[row, column])))
        fig.add_trace(go.Scatter(
            x=xs, y=ys, text=texts, mode="text", hoverinfo="skip", showlegend=False,
            textfont=dict(size=points(CELL_FONT_PT), color=text_colors), uid="attribute_heatmap_counts",
        ))
    strip = [go.layout.Shape(type="rect", xref="x", yref="y", x0=column - 0.5, x1=column + 0.5,
                             y0=STRIP[0], y1=STRIP[1], line=dict(width=0),
                             fillcolor=colors.get(topic, OUTLIER_COLOR))
             for column, topic in enumerate(topics)]
    fig.layout.shapes = tuple(fig.layout.shapes) + tuple(strip)  # at once, not a layout copy each
    fig.update_xaxes(side="top", tickmode="array", tickvals=list(range(len(topics))), ticktext=tick_text,
                     tickangle=angle, range=[-0.5, len(topics) - 0.5], ticks="", showline=False,
                     showgrid=False, zeroline=False, tickfont=dict(size=points(SMALL_FONT_PT)))
    fig.update_yaxes(tickmode="array", tickvals=centres, ticktext=items, range=[edges[-1], STRIP[0]],
                     ticks="", showline=False, showgrid=False, zeroline=False,
                     tickfont=dict(size=points(SMALL_FONT_PT)))
    fig.update_layout(plot_bgcolor="white", showlegend=False)
    return fig
