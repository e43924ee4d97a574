"""A 2D map of the papers, coloured by topic, each topic labelled at its centre."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from surveykit.figures.data import UNASSIGNED_LABEL, topic_centroids
from surveykit.figures.theme import (
    OUTLIER_COLOR,
    OUTLIER_TOPIC,
    SMALL_FONT_PT,
    apply_theme,
    mix,
    points,
    wrap_label,
)

# Points drawn in a static paper map (PDF/SVG/PNG) and used to place the labels; the interactive
# HTML map keeps every paper (WebGL above the budget). [figures] point_budget changes it.
POINT_BUDGET = 5000
CHAR_WIDTH_EM = 0.55  # average width of a sans-serif character, in em
BORDER_PAD = 2
MARGIN = 6


def label_size_px(text: str, font_px: float) -> tuple[float, float]:
    """Approximate width and height in pixels of a boxed, ``<br>``-wrapped label."""
    lines = text.split("<br>")
    width = max(len(line) for line in lines) * font_px * CHAR_WIDTH_EM + 2 * (BORDER_PAD + 1.5)
    height = len(lines) * font_px * 1.22 + 2 * (BORDER_PAD + 1.5)
    return width, height


def place_labels(
    anchors: np.ndarray,
    sizes: np.ndarray,
    points_px: np.ndarray,
    bounds: tuple[float, float],
    radii: tuple[float, ...] = (0, 14, 26, 40, 56, 76, 100),
    directions: int = 16,
) -> np.ndarray:
    """Greedy, deterministic label placement in pixel space (y up).

    Each label (in the given order) takes the candidate position around its anchor that covers
    the fewest points and no earlier label, preferring positions close to the anchor.
    Returns the label centres, shape ``(n, 2)``.
    """
    width, height = bounds
    placed: list[tuple[float, float, float, float]] = []  # x0, y0, x1, y1
    centres = np.zeros_like(anchors, dtype=float)
    angles = [2 * np.pi * k / directions + np.pi / 2 for k in range(directions)]
    for index, ((ax, ay), (w, h)) in enumerate(zip(anchors, sizes, strict=True)):
        best, best_cost = (ax, ay), np.inf
        for radius in radii:
            for angle in angles if radius else [0.0]:
                cx = min(max(ax + radius * np.cos(angle), w / 2), width - w / 2)
                cy = min(max(ay + radius * np.sin(angle), h / 2), height - h / 2)
                box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                inside = np.sum(
                    (points_px[:, 0] > box[0] - 3) & (points_px[:, 0] < box[2] + 3)
                    & (points_px[:, 1] > box[1] - 3) & (points_px[:, 1] < box[3] + 3)
                )
                overlap = sum(
                    max(0.0, min(box[2], o[2]) - max(box[0], o[0]) + 2)
                    * max(0.0, min(box[3], o[3]) - max(box[1], o[1]) + 2)
                    for o in placed
                )
                cost = 4.0 * inside + overlap + 0.06 * np.hypot(cx - ax, cy - ay)
                if cost < best_cost - 1e-9:
                    best, best_cost = (cx, cy), cost
        centres[index] = best
        w, h = sizes[index]
        placed.append((best[0] - w / 2, best[1] - h / 2, best[0] + w / 2, best[1] + h / 2))
    return centres


def point_sample(frame: pd.DataFrame, budget: int = POINT_BUDGET) -> pd.DataFrame:
    """At most ``budget`` rows of a map frame, the same ones whatever the row order: each topic
    keeps its share of the budget (at least one paper), its papers ranked by a hash of their id.
    Rows stay in the frame's order."""
    if budget <= 0 or len(frame) <= budget:
        return frame
    rank = pd.Series([zlib.crc32(str(i).encode("utf-8")) for i in frame.index], index=frame.index)
    keep: list = []
    for _, part in frame.groupby("topic", sort=True):
        quota = max(1, int(budget * len(part) / len(frame)))
        keep += list(rank[part.index].sort_values(kind="stable").index[:quota])
    chosen = set(keep)
    return frame[[i in chosen for i in frame.index]]


def plot_paper_map(
    frame: pd.DataFrame,
    colors: dict[int, str],
    width: str | float = "double",
    height_in: float = 4.2,
    label_width: int = 22,
    marker_size: float = 6.0,
    budget: int = POINT_BUDGET,
    webgl: bool | None = None,
) -> go.Figure:
    """Scatter of a :func:`~surveykit.figures.data.map_frame`, one trace per topic (legend hidden:
    labels sit at the topic centres, boxed in the topic colour). Unassigned papers are small grey
    dots underneath. Labels are placed against at most ``budget`` points (:func:`point_sample`);
    ``webgl`` (default: above the budget) draws with ``Scattergl``, for the interactive map of a
    big corpus (static export of a WebGL trace needs a GPU-less browser: use a sample instead)."""
    big = len(frame) > budget > 0
    webgl = big if webgl is None else webgl
    scatter = go.Scattergl if webgl else go.Scatter
    if big:
        marker_size = max(2.0, marker_size * (budget / len(frame)) ** 0.5)
    fig = go.Figure()
    apply_theme(fig, width, height_in)
    order = [t for t in sorted(frame["topic"].unique()) if t != OUTLIER_TOPIC]
    if OUTLIER_TOPIC in set(frame["topic"]):
        order = [OUTLIER_TOPIC] + order
    for topic in order:
        part = frame[frame["topic"] == topic]
        outlier = topic == OUTLIER_TOPIC
        hover = [
            f"{title}<br>{int(year) if pd.notna(year) else ''} \u00b7 {label}"
            for title, year, label in zip(part["title"], part["year"], part["topic_label"], strict=True)
        ]
        fig.add_trace(scatter(
            x=part["x"], y=part["y"], mode="markers",
            name=UNASSIGNED_LABEL if outlier else str(part["topic_label"].iloc[0]),
            uid=f"topic{topic}",
            marker=dict(
                size=marker_size * (0.7 if outlier else 1.0),
                color=OUTLIER_COLOR if outlier else colors.get(topic, OUTLIER_COLOR),
                opacity=0.55 if outlier else 0.85,
                line=dict(width=0.6, color=mix(colors.get(topic, OUTLIER_COLOR), "#000000", 0.35)),
            ),
            text=hover, customdata=list(part.index), hovertemplate="%{text}<extra></extra>",
        ))
    centroids = topic_centroids(frame).sort_values(["size"], ascending=False, kind="stable")
    x_range = _padded(frame["x"], 0.04)
    y_range = _padded(frame["y"], 0.04)
    if len(centroids):
        plot_w = fig.layout.width - 2 * MARGIN
        plot_h = fig.layout.height - 2 * MARGIN
        font_px = points(SMALL_FONT_PT)

        def to_px(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            return np.column_stack([(x - x_range[0]) / (x_range[1] - x_range[0]) * plot_w,
                                    (y - y_range[0]) / (y_range[1] - y_range[0]) * plot_h])

        texts = [wrap_label(label, label_width) for label in centroids["label"]]
        sizes = np.array([label_size_px(text, font_px) for text in texts])
        anchors = to_px(centroids["x"].to_numpy(), centroids["y"].to_numpy())
        sample = point_sample(frame, budget)
        points_px = to_px(sample["x"].to_numpy(), sample["y"].to_numpy())
        centres = place_labels(anchors, sizes, points_px, (plot_w, plot_h))
        labels = []
        for topic, text, anchor, centre in zip(centroids.index, texts, anchors, centres, strict=True):
            color = mix(colors.get(topic, OUTLIER_COLOR), "#000000", 0.15)
            offset = centre - anchor
            moved = bool(np.hypot(*offset) > 1)
            labels.append(go.layout.Annotation(
                x=float(centroids.at[topic, "x"]), y=float(centroids.at[topic, "y"]), text=text,
                showarrow=moved, ax=float(offset[0]), ay=float(-offset[1]), arrowhead=0,
                arrowwidth=0.8, arrowcolor=color, standoff=0, align="center",
                font=dict(size=font_px, color="#111111"), bgcolor="rgba(255,255,255,0.9)",
                bordercolor=color, borderwidth=1.2, borderpad=BORDER_PAD,
            ))
        # all at once: each add_annotation copies the layout with every label added before it
        fig.layout.annotations = tuple(fig.layout.annotations) + tuple(labels)
    hidden = dict(showline=False, ticks="", showticklabels=False, showgrid=False, zeroline=False,
                  title=None)
    fig.update_xaxes(range=x_range, **hidden)
    fig.update_yaxes(range=y_range, **hidden)
    fig.update_layout(showlegend=False, hovermode="closest", plot_bgcolor="white",
                      margin=dict(l=MARGIN, r=MARGIN, t=MARGIN, b=MARGIN, pad=0))
    return fig


def _padded(values: pd.Series, pad: float) -> list[float]:
    low, high = (float(values.min()), float(values.max())) if len(values) else (-1.0, 1.0)
    span = high - low or 1.0
    return [low - pad * span, high + pad * span]
