"""The publication theme: sizes for one- and two-column layouts, fonts, and topic colours.

Plotly sizes are CSS pixels; kaleido writes PDF and SVG at 96 px per inch, so a figure
``inches(7)`` pixels wide is exactly 7 in wide in the PDF, and a font of ``points(8)`` pixels is
8 pt on paper. Every figure is built at its printed size, so text needs no rescaling in LaTeX
(``\\includegraphics{...}`` without ``width=``, or ``width=\\linewidth`` at the same size).

Colours: each topic keeps one colour in every figure (:func:`topic_colors`), taken in topic-id
order from Okabe & Ito's colour-blind-safe palette, then Paul Tol's *muted* palette, then lighter
and darker variants of both when a corpus has more topics than that.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

PX_PER_INCH = 96
SINGLE_COLUMN_IN = 3.5
DOUBLE_COLUMN_IN = 7.0

FONT_FAMILY = "Arial, Helvetica, 'Liberation Sans', 'Nimbus Sans', 'DejaVu Sans', sans-serif"
FONT_PT = 9.0  # body size of a paper set in 9-10 pt, at the exported width
SMALL_FONT_PT = 8.0  # ticks, legends, labels: never below 8 pt in print
TEXT_COLOR = "#222222"
AXIS_COLOR = "#444444"
GRID_COLOR = "#E5E5E5"
OUTLIER_COLOR = "#A0A0A0"
OUTLIER_TOPIC = -1

# Okabe & Ito (2008), black left out; yellow last because it is faint on white.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
# Paul Tol's muted scheme (https://personal.sron.nl/~pault/), distinct from the above.
TOL_MUTED = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
             "#882255", "#AA4499")
BASE_PALETTE = OKABE_ITO + TOL_MUTED

SEQUENTIAL_SCALE = [  # light grey-blue to dark blue, monotone in lightness, prints in greyscale
    [0.0, "#F7FBFF"], [0.2, "#D2E3F3"], [0.4, "#9ECAE1"], [0.6, "#5BA3CF"], [0.8, "#2171B5"],
    [1.0, "#08306B"],
]


def inches(value: float) -> int:
    """Inches -> CSS pixels (96 per inch)."""
    return round(value * PX_PER_INCH)


def points(value: float) -> float:
    """Typographic points -> CSS pixels (a font size of ``points(8)`` prints at 8 pt)."""
    return round(value * PX_PER_INCH / 72, 2)


def column_width(width: str | float) -> int:
    """``"single"`` (3.5 in), ``"double"`` (7 in) or a width in inches -> pixels."""
    if width == "single":
        return inches(SINGLE_COLUMN_IN)
    if width == "double":
        return inches(DOUBLE_COLUMN_IN)
    if isinstance(width, int | float) and width > 0:
        return inches(float(width))
    raise ValueError(f"figure width must be 'single', 'double' or inches > 0, got {width!r}")


def mix(color: str, other: str, amount: float) -> str:
    """``color`` moved ``amount`` (0..1) of the way towards ``other``, as #RRGGBB."""
    a = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * amount):02X}" for x, y in zip(a, b, strict=True))


def palette(n: int) -> list[str]:
    """``n`` distinct colours: the base palettes, then lighter, then darker variants of them."""
    colors: list[str] = []
    rounds = [(None, 0.0), ("#FFFFFF", 0.45), ("#000000", 0.35), ("#FFFFFF", 0.7)]
    while len(colors) < n:
        for target, amount in rounds:
            for base in BASE_PALETTE:
                colors.append(base if target is None else mix(base, target, amount))
        rounds = [(t, a * 0.6) for t, a in rounds[1:]]  # further rounds: subtler variants
        if not rounds:
            rounds = [("#808080", 0.3)]
    return colors[:n]


def topic_ids(topics: pd.DataFrame | Iterable[Any]) -> list[int]:
    """Sorted topic ids from a topics frame (``topic`` column) or an iterable of ids."""
    values = topics["topic"] if isinstance(topics, pd.DataFrame) else topics
    return sorted({int(t) for t in values})


def topic_colors(topics: pd.DataFrame | Iterable[Any]) -> dict[int, str]:
    """One hex colour per topic id, stable: the i-th smallest real topic id gets colour i.

    The outlier topic ``-1`` is grey. The same ids always give the same colours, so every
    figure of a run (and of a re-run) agrees.
    """
    ids = topic_ids(topics)
    real = [t for t in ids if t != OUTLIER_TOPIC]
    colors = dict(zip(real, palette(len(real)), strict=True))
    if OUTLIER_TOPIC in ids:
        colors[OUTLIER_TOPIC] = OUTLIER_COLOR
    return colors


def swatch(color: str, text: str) -> str:
    """A label with a coloured square before it (plotly rich text), to tie labels to topics."""
    return f"<span style='color:{color}'>\u25a0</span> {text}"


def wrap_label(text: str, width: int = 22, max_lines: int = 3) -> str:
    """Wrap ``text`` on spaces into at most ``max_lines`` lines joined by ``<br>`` (plotly)."""
    words, lines, line = str(text).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 1, 1)].rstrip() + "\u2026"
    return "<br>".join(lines)


def publication_template() -> go.layout.Template:
    """White background, thin dark axes, outward ticks, 8 pt sans-serif text, no title space."""
    axis = dict(
        showline=True, linecolor=AXIS_COLOR, linewidth=0.8, mirror=False, ticks="outside",
        tickcolor=AXIS_COLOR, ticklen=3, tickwidth=0.8, showgrid=False, zeroline=False,
        title=dict(font=dict(size=points(FONT_PT)), standoff=4), automargin=True,
        tickfont=dict(size=points(SMALL_FONT_PT)),
    )
    layout = go.Layout(
        font=dict(family=FONT_FAMILY, size=points(FONT_PT), color=TEXT_COLOR),
        paper_bgcolor="white", plot_bgcolor="white",
        margin=dict(l=6, r=6, t=6, b=6, pad=0),
        xaxis=axis, yaxis=axis,
        legend=dict(font=dict(size=points(SMALL_FONT_PT)), bgcolor="rgba(255,255,255,0)",
                    borderwidth=0, itemwidth=30, tracegroupgap=2),
        coloraxis=dict(colorbar=dict(thickness=8, outlinewidth=0,
                                     tickfont=dict(size=points(SMALL_FONT_PT)))),
        hoverlabel=dict(font=dict(family=FONT_FAMILY)),
        colorway=list(BASE_PALETTE),
    )
    return go.layout.Template(layout=layout)


def apply_theme(fig: go.Figure, width: str | float = "double", height_in: float = 3.0) -> go.Figure:
    """Give ``fig`` the publication template and its printed size (in place; returns it)."""
    fig.update_layout(template=publication_template(), width=column_width(width),
                      height=inches(height_in), autosize=False)
    return fig
