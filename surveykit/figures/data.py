"""The DataFrames behind the figures (litstudy style: compute here, plot in the figure modules).

Inputs everywhere:

- ``assignments``: index paper id; columns ``topic`` (int, ``-1`` = unassigned), ``topic_label``,
  ``section`` (int), ``section_label``, ``score`` (float).
- ``topics``: one row per topic; ``topic``, ``label``, ``section``, ``section_label``, ``size``,
  ``keywords`` (list of str), ``representatives`` (list of paper ids).
- the corpus (a :class:`~surveykit.corpus.model.Corpus`, a frame with ``year``, or a mapping
  paper id -> year), and embeddings whose rows follow the order of ``ids``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from surveykit.figures.theme import OUTLIER_TOPIC

UNASSIGNED_LABEL = "Unassigned"
_TRUE_WORDS = {"true", "yes", "y", "1"}
_FALSE_WORDS = {"", "false", "no", "n", "0", "none", "nan", "n/a", "na", "-", "unknown"}


class FigureDataError(ValueError):
    """Input frames that a figure cannot use; the message names the frame and the column."""


def _require(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise FigureDataError(
            f"{name}: missing column(s) {', '.join(missing)}; has {', '.join(map(str, frame.columns))}"
        )


def topic_table(topics: pd.DataFrame, assignments: pd.DataFrame | None = None) -> pd.DataFrame:
    """The topics frame in figure order (section, then topic id), ``size`` recounted if possible.

    The outlier topic is left out. ``size`` is the number of papers assigned in ``assignments``
    when given (so a curated assignment and the figures agree), else the frame's ``size``.
    """
    _require(topics, ["topic", "label"], "topics")
    table = topics.copy()
    table["topic"] = table["topic"].astype(int)
    table = table[table["topic"] != OUTLIER_TOPIC]
    if "section" not in table:
        table["section"] = 0
    if "section_label" not in table:
        table["section_label"] = table["label"]
    table["section"] = table["section"].fillna(-1).astype(int)
    table["section_label"] = table["section_label"].fillna("").astype(str)
    table["label"] = table["label"].astype(str)
    if assignments is not None:
        _require(assignments, ["topic"], "assignments")
        counts = assignments["topic"].astype(int).value_counts()
        table["size"] = [int(counts.get(t, 0)) for t in table["topic"]]
    elif "size" not in table:
        raise FigureDataError("topics: no 'size' column and no assignments to count from")
    table["size"] = table["size"].astype(int)
    return table.sort_values(["section", "topic"], kind="stable").reset_index(drop=True)


def paper_years(corpus: Any) -> pd.Series:
    """Paper id -> year (``<NA>`` when unknown) from a Corpus, a frame or a mapping."""
    if isinstance(corpus, pd.DataFrame):
        frame = corpus.set_index("id") if "id" in corpus.columns else corpus
        _require(frame, ["year"], "corpus")
        years = frame["year"]
    elif isinstance(corpus, Mapping):
        years = pd.Series(dict(corpus))
    else:
        years = pd.Series({paper.id: paper.year for paper in corpus})
    return pd.to_numeric(years, errors="coerce").astype("Int64")


def paper_titles(corpus: Any) -> pd.Series:
    """Paper id -> title (empty when the corpus has none)."""
    if isinstance(corpus, pd.DataFrame):
        frame = corpus.set_index("id") if "id" in corpus.columns else corpus
        return frame["title"].astype(str) if "title" in frame else pd.Series("", index=frame.index)
    if isinstance(corpus, Mapping):
        return pd.Series("", index=list(corpus))
    return pd.Series({paper.id: paper.title for paper in corpus})


# --- 2D map ---------------------------------------------------------------------------------


def project_2d(embeddings: np.ndarray, method: str = "auto", seed: int = 0) -> np.ndarray:
    """Deterministic 2D coordinates of the rows of ``embeddings``.

    ``method``: ``"tsne"`` (scikit-learn t-SNE, cosine distances, PCA start, fixed seed),
    ``"pca"``, or ``"auto"`` (t-SNE up to 3,000 papers, PCA beyond, where t-SNE gets slow).
    Two-column input is taken as precomputed coordinates. Tiny inputs fall back to PCA or a line.
    """
    data = np.asarray(embeddings, dtype=np.float64)
    if data.ndim != 2:
        raise FigureDataError(f"embeddings: expected a 2D array, got shape {data.shape}")
    n = data.shape[0]
    if data.shape[1] == 2:
        return data.copy()
    if n == 0:
        return np.zeros((0, 2))
    if n < 3:
        return np.column_stack([np.arange(n, dtype=float), np.zeros(n)])
    if method not in {"auto", "tsne", "pca"}:
        raise FigureDataError(f"projection method must be 'auto', 'tsne' or 'pca', got {method!r}")
    if method == "auto":
        method = "tsne" if n <= 3000 else "pca"
    if method == "tsne" and n >= 6:
        from sklearn.manifold import TSNE

        perplexity = float(min(30.0, max(5.0, n / 5), (n - 1) / 3))
        tsne = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed,
                    metric="cosine", learning_rate="auto", max_iter=1000)
        coords = tsne.fit_transform(data)
    else:
        from sklearn.decomposition import PCA

        coords = PCA(n_components=2, random_state=seed).fit_transform(data)
    # canonical orientation: the first paper lies left of centre and below it, so re-runs agree
    coords = coords - coords.mean(axis=0)
    for axis in (0, 1):
        if coords[0, axis] > 0:
            coords[:, axis] *= -1
    return coords


def map_frame(
    assignments: pd.DataFrame,
    coordinates: np.ndarray | pd.DataFrame,
    ids: Sequence[str] | None = None,
    corpus: Any = None,
) -> pd.DataFrame:
    """One row per paper: ``x``, ``y``, ``topic``, ``topic_label``, ``title``, ``year``.

    ``coordinates``: an ``(n, 2)`` array in the order of ``ids`` (default: the assignments'
    order), or a frame indexed by paper id with ``x`` and ``y``.
    """
    _require(assignments, ["topic", "topic_label"], "assignments")
    if isinstance(coordinates, pd.DataFrame):
        _require(coordinates, ["x", "y"], "coordinates")
        coords = coordinates[["x", "y"]]
    else:
        array = np.asarray(coordinates, dtype=float)
        order = list(ids) if ids is not None else list(assignments.index)
        if array.shape != (len(order), 2):
            raise FigureDataError(
                f"coordinates: expected shape ({len(order)}, 2) for {len(order)} papers, got {array.shape}"
            )
        coords = pd.DataFrame(array, index=order, columns=["x", "y"])
    frame = coords.join(assignments[["topic", "topic_label"]], how="inner")
    missing = len(assignments) - len(frame)
    if missing:
        raise FigureDataError(f"coordinates: {missing} assigned paper(s) have no coordinates")
    frame["topic"] = frame["topic"].astype(int)
    frame.loc[frame["topic"] == OUTLIER_TOPIC, "topic_label"] = UNASSIGNED_LABEL
    if corpus is not None:
        frame["title"] = paper_titles(corpus).reindex(frame.index).fillna("")
        frame["year"] = paper_years(corpus).reindex(frame.index)
    else:
        frame["title"] = ""
        frame["year"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame.index.name = "paper_id"
    return frame


def topic_centroids(frame: pd.DataFrame) -> pd.DataFrame:
    """Median ``x``/``y`` and paper count of each real topic of a :func:`map_frame`."""
    real = frame[frame["topic"] != OUTLIER_TOPIC]
    grouped = real.groupby("topic", sort=True)
    centroids = grouped[["x", "y"]].median()
    centroids["label"] = grouped["topic_label"].first()
    centroids["size"] = grouped.size()
    return centroids


# --- counts ---------------------------------------------------------------------------------


def topic_sizes_frame(assignments: pd.DataFrame, topics: pd.DataFrame) -> pd.DataFrame:
    """``topic``, ``label``, ``section_label``, ``size``, ``share`` (of all papers), largest first."""
    table = topic_table(topics, assignments)
    total = max(len(assignments), 1)
    table["share"] = table["size"] / total
    table = table.sort_values(["size", "topic"], ascending=[False, True], kind="stable")
    return table[["topic", "label", "section", "section_label", "size", "share"]].reset_index(drop=True)


def taxonomy_frame(assignments: pd.DataFrame, topics: pd.DataFrame, root: str = "All papers") -> pd.DataFrame:
    """The taxonomy as a tree for sunburst/treemap: ``id``, ``parent``, ``label``, ``value``,
    ``topic`` (``-1`` for the root and sections), ``level`` (0 root, 1 section, 2 topic).

    Sections with one topic of the same name are kept as two levels so every topic sits at the
    same depth. Empty topics are left out.
    """
    table = topic_table(topics, assignments)
    table = table[table["size"] > 0]
    rows = [{"id": "root", "parent": "", "label": root, "value": int(table["size"].sum()),
             "topic": OUTLIER_TOPIC, "level": 0}]
    for section, group in table.groupby("section", sort=True):
        section_id = f"s{section}"
        rows.append({"id": section_id, "parent": "root", "label": group["section_label"].iloc[0],
                     "value": int(group["size"].sum()), "topic": OUTLIER_TOPIC, "level": 1})
        for _, topic in group.iterrows():
            rows.append({"id": f"t{topic['topic']}", "parent": section_id, "label": topic["label"],
                         "value": int(topic["size"]), "topic": int(topic["topic"]), "level": 2})
    return pd.DataFrame(rows)


def papers_per_year_frame(corpus: Any, assignments: pd.DataFrame, topics: pd.DataFrame) -> pd.DataFrame:
    """Counts with one row per year (every year from the first to the last, zeros included) and
    one column per topic (topic ids, figure order); papers without a year are left out and
    counted in ``frame.attrs["no_year"]``."""
    years = paper_years(corpus).reindex(assignments.index)
    table = topic_table(topics, assignments)
    known = years.notna()
    data = pd.DataFrame({"year": years[known].astype(int),
                         "topic": assignments.loc[known, "topic"].astype(int)})
    columns = [int(t) for t in table["topic"]]
    if data.empty:
        counts = pd.DataFrame(columns=columns, dtype=int)
    else:
        counts = pd.crosstab(data["year"], data["topic"])
        full_years = range(int(data["year"].min()), int(data["year"].max()) + 1)
        extra = [c for c in counts.columns if c not in columns]  # e.g. the outlier topic
        counts = counts.reindex(index=full_years, columns=columns + sorted(extra), fill_value=0)
    counts.index.name = "year"
    counts.attrs["no_year"] = int((~known).sum())
    return counts.astype(int)


def _attribute_items(attribute: str, value: Any) -> list[str]:
    """Row names a value contributes: ``attr`` for a true flag, ``attr: v`` per listed value."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, bool | np.bool_):
        return [attribute] if value else []
    if isinstance(value, list | tuple | set | np.ndarray):
        return [item for v in value for item in _attribute_items(attribute, v)]
    text = str(value).strip()
    if text.lower() in _TRUE_WORDS:
        return [attribute]
    if text.lower() in _FALSE_WORDS:
        return []
    return [f"{attribute}: {text}"]


def attribute_topic_frame(
    attributes: pd.DataFrame,
    assignments: pd.DataFrame,
    topics: pd.DataFrame,
    min_papers: int = 1,
    max_rows: int = 30,
) -> pd.DataFrame:
    """Papers per (attribute value, topic): long frame with ``item``, ``attribute``, ``topic``,
    ``label``, ``count``, ``share`` (of the topic's papers).

    ``attributes`` is long: ``paper_id``, ``attribute``, ``value`` (flags, strings or lists).
    Rows seen in fewer than ``min_papers`` papers are dropped; the ``max_rows`` most frequent are
    kept, ordered by attribute then frequency.
    """
    _require(attributes, ["paper_id", "attribute", "value"], "attributes")
    table = topic_table(topics, assignments)
    topic_of = assignments["topic"].astype(int)
    records = set()
    for paper_id, attribute, value in attributes[["paper_id", "attribute", "value"]].itertuples(index=False):
        if paper_id not in topic_of.index:
            continue
        for item in _attribute_items(str(attribute), value):
            records.add((item, str(attribute), str(paper_id)))
    if not records:
        return pd.DataFrame(columns=["item", "attribute", "topic", "label", "count", "share"])
    long = pd.DataFrame(sorted(records), columns=["item", "attribute", "paper_id"])
    long["topic"] = topic_of.reindex(long["paper_id"]).to_numpy()
    totals = long.groupby("item")["paper_id"].nunique()
    keep = totals[totals >= min_papers].sort_values(ascending=False, kind="stable").head(max_rows)
    long = long[long["item"].isin(keep.index)]
    counts = long.groupby(["item", "attribute", "topic"]).size().rename("count").reset_index()
    topic_order = [int(t) for t in table["topic"]]
    grid = pd.MultiIndex.from_product([sorted(keep.index), topic_order], names=["item", "topic"])
    counts = counts.set_index(["item", "topic"])["count"].reindex(grid, fill_value=0).reset_index()
    attribute_of = long.drop_duplicates("item").set_index("item")["attribute"]
    counts["attribute"] = counts["item"].map(attribute_of)
    labels = table.set_index("topic")["label"]
    sizes = table.set_index("topic")["size"]
    counts["label"] = counts["topic"].map(labels)
    counts["share"] = counts["count"] / counts["topic"].map(sizes).clip(lower=1)
    counts["total"] = counts["item"].map(totals)
    counts["_topic_rank"] = counts["topic"].map({t: i for i, t in enumerate(topic_order)})
    counts = counts.sort_values(["attribute", "total", "item", "_topic_rank"],
                                ascending=[True, False, True, True], kind="stable")
    return counts.drop(columns=["_topic_rank"]).reset_index(drop=True)


def topic_similarity_frame(
    embeddings: np.ndarray,
    assignments: pd.DataFrame,
    topics: pd.DataFrame,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Cosine similarity of the topics' mean embeddings: a square frame indexed by topic id
    (figure order). ``embeddings`` rows follow ``ids`` (default: the assignments' order)."""
    data = np.asarray(embeddings, dtype=np.float64)
    order = list(ids) if ids is not None else list(assignments.index)
    if data.ndim != 2 or data.shape[0] != len(order):
        raise FigureDataError(
            f"embeddings: expected {len(order)} rows (one per paper), got shape {data.shape}"
        )
    table = topic_table(topics, assignments)
    table = table[table["size"] > 0]
    position = {paper_id: row for row, paper_id in enumerate(order)}
    centroids = []
    for topic in table["topic"]:
        members = [position[p] for p in assignments.index[assignments["topic"] == topic] if p in position]
        vector = data[members].mean(axis=0)
        norm = np.linalg.norm(vector)
        centroids.append(vector / norm if norm else vector)
    matrix = np.array(centroids) @ np.array(centroids).T if centroids else np.zeros((0, 0))
    topic_index = pd.Index([int(t) for t in table["topic"]], name="topic")
    return pd.DataFrame(np.clip(matrix, -1, 1), index=topic_index, columns=topic_index)


def cited_papers(
    assignments: pd.DataFrame, topics: pd.DataFrame | None, topic: int, keys: Mapping[str, str]
) -> list[str]:
    """Citation keys of a topic's papers: its representatives first, then by score, then id."""
    members = assignments[assignments["topic"].astype(int) == topic]
    representatives: list[str] = []
    if topics is not None and "representatives" in topics.columns:
        row = topics[topics["topic"].astype(int) == topic]
        if not row.empty and isinstance(row["representatives"].iloc[0], list | tuple | np.ndarray):
            representatives = [str(p) for p in row["representatives"].iloc[0] if p in members.index]
    score = members["score"] if "score" in members else pd.Series(0.0, index=members.index)
    rest = sorted((p for p in members.index if p not in representatives),
                  key=lambda p: (-float(score.get(p, 0.0) or 0.0), str(p)))
    return [keys[p] for p in representatives + rest if p in keys]
