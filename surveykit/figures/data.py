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
    attributes: Any,
    assignments: pd.DataFrame,
    topics: pd.DataFrame,
    min_papers: int = 1,
    max_rows: int = 30,
    schema: Any = None,
) -> pd.DataFrame:
    """Papers per (attribute value, topic): one row per heatmap cell, rows in schema order.

    ``attributes``: an :class:`~surveykit.attributes.extract.AttributeTable` or its long frame
    (``paper_id``, ``attribute``, ``value``; used when present: ``label``, ``kind``,
    ``value_label``). Only properties to compare become rows: each ``category``/``multi`` value
    and each true ``flag``; numbers, URLs and per-paper names (the benchmark names) are left
    out. Without a ``kind`` column the kind comes from ``schema`` (default: the bundled schema)
    or is guessed (URL values, and attributes whose every value belongs to a single paper, are
    left out).

    Columns: ``item`` (row label: ``"Training: Fine-tuning"``, a flag's own label),
    ``attribute``, ``value``, ``attribute_label``, ``value_label``, ``kind``, ``group`` (rows of
    one attribute, or of consecutive flags, share a number), ``topic``, ``label`` (the topic's),
    ``count``, ``share`` (of the topic's papers), ``total`` (papers with the value).
    The ``max_rows`` most frequent values seen in at least ``min_papers`` papers are kept, in
    schema order (attributes, then values); without an explicit order (an AttributeTable or
    ``schema``), the attributes' order is read from the frame's row order, which follows the
    schema of the extraction.
    """
    import heapq
    from collections import defaultdict
    from itertools import pairwise

    from surveykit.attributes.schema import load_schema

    columns = ["item", "attribute", "value", "attribute_label", "value_label", "kind", "group", "topic",
               "label", "count", "share", "total"]
    explicit: list[str] | None = None
    if hasattr(attributes, "long") and hasattr(attributes, "attributes"):  # an AttributeTable
        explicit = [str(a[0]) for a in attributes.attributes]
        attributes = attributes.long
    _require(attributes, ["paper_id", "attribute", "value"], "attributes")
    if schema is not None and explicit is None:
        explicit = [str(spec.name) for spec in schema]
    specs = {spec.name: spec for spec in (schema if schema is not None else load_schema())}
    table = topic_table(topics, assignments)
    topic_of = assignments["topic"].astype(int)
    comparable = {"category", "multi", "flag"}

    def text(value: Any) -> str:
        return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()

    def cells(value: Any) -> list[Any]:
        if isinstance(value, list | tuple | set | np.ndarray):
            return [v for item in value for v in cells(item)]
        return [] if text(value) == "" and not isinstance(value, bool | np.bool_) else [value]

    def is_true(value: Any) -> bool:
        return bool(value) if isinstance(value, bool | np.bool_) else text(value).lower() in _TRUE_WORDS

    def is_boolean(value: Any) -> bool:
        return isinstance(value, bool | np.bool_) or text(value).lower() in _TRUE_WORDS | _FALSE_WORDS

    def ranking(sequences: Iterable[list[str]], key: Any) -> dict[str, int]:
        """Positions agreeing with every sequence's order (a topological sort), ties by ``key``."""
        after: dict[str, set[str]] = defaultdict(set)
        waiting: dict[str, int] = defaultdict(int)
        nodes: dict[str, None] = {}
        for sequence in sequences:
            sequence = list(dict.fromkeys(sequence))
            nodes.update(dict.fromkeys(sequence))
            for first, second in pairwise(sequence):
                if second not in after[first]:
                    after[first].add(second)
                    waiting[second] += 1
        ready = [(key(n), n) for n in nodes if not waiting[n]]
        heapq.heapify(ready)
        order: list[str] = []
        while ready:
            node = heapq.heappop(ready)[1]
            order.append(node)
            for later in after[node]:
                waiting[later] -= 1
                if not waiting[later]:
                    heapq.heappush(ready, (key(later), later))
        placed = set(order)
        order += sorted((n for n in nodes if n not in placed), key=key)  # inconsistent orders
        return {node: i for i, node in enumerate(order)}

    # one pass over the frame: labels and kinds per attribute, the values of each row
    rows = attributes.reset_index(drop=True)
    get = {c: rows[c].tolist() if c in rows else [None] * len(rows) for c in ("label", "kind", "value_label")}
    attr_label: dict[str, str] = {}
    attr_kind: dict[str, str] = {}
    raw: list[tuple[Any, str, Any, str]] = []  # paper, attribute, value, value label
    triples = rows[["paper_id", "attribute", "value"]].itertuples(index=False)
    for i, (paper_id, attribute, value) in enumerate(triples):
        attribute = str(attribute)
        if text(get["label"][i]):
            attr_label.setdefault(attribute, text(get["label"][i]))
        if text(get["kind"][i]):
            attr_kind.setdefault(attribute, text(get["kind"][i]))
        values = cells(value)
        value_label = text(get["value_label"][i]) if len(values) == 1 else ""
        raw.extend((paper_id, attribute, v, value_label) for v in values)
    for attribute in dict.fromkeys(a for _, a, _, _ in raw):
        spec = specs.get(attribute)
        attr_label.setdefault(attribute, spec.label if spec is not None else attribute)
    by_attribute: dict[str, list[Any]] = defaultdict(list)
    for paper_id, attribute, value, _ in raw:
        by_attribute[attribute].append((paper_id, value))
    for attribute, found in by_attribute.items():
        if attribute in attr_kind:
            continue
        if attribute in specs:
            attr_kind[attribute] = specs[attribute].kind
        elif attribute == "benchmark":  # surveykit.attributes.extract.BENCHMARK_ATTRIBUTE
            attr_kind[attribute] = "name"
        elif all(is_boolean(v) for _, v in found):
            attr_kind[attribute] = "flag"
        elif any(text(v).lower().startswith(("http://", "https://", "www.")) for _, v in found):
            attr_kind[attribute] = "url"
        else:
            uses = pd.Series([text(v) for _, v in found]).value_counts()
            singletons = len(uses) >= 3 and bool((uses == 1).all())
            attr_kind[attribute] = "name" if singletons else "multi"

    records: dict[tuple[str, str, Any], str] = {}  # (attribute, value, paper) -> value label
    sequences: dict[Any, list[str]] = defaultdict(list)
    for paper_id, attribute, value, value_label in raw:
        kind = attr_kind[attribute]
        if kind not in comparable or paper_id not in topic_of.index:
            continue
        if kind == "flag" or isinstance(value, bool | np.bool_):
            if not is_true(value):
                continue
            key, label = "yes", attr_label.get(attribute, attribute)
        else:
            key = text(value)
            if key.lower() in _FALSE_WORDS:
                continue
            spec = specs.get(attribute)
            label = value_label or (spec.value_label(key) if spec is not None else key)
        records.setdefault((attribute, key, paper_id), label)
        sequences[paper_id].append(attribute)
    if not records:
        return pd.DataFrame(columns=columns)
    long = pd.DataFrame([(a, v, p, lab) for (a, v, p), lab in records.items()],
                        columns=["attribute", "value", "paper_id", "value_label"])
    long["topic"] = topic_of.reindex(long["paper_id"]).to_numpy()

    # row order: attributes as in the schema / the frame, values as in the schema, then frequency
    first_seen = {a: i for i, a in enumerate(dict.fromkeys(long["attribute"]))}
    if explicit is not None:
        attr_rank = {a: explicit.index(a) if a in explicit else len(explicit) + first_seen[a]
                     for a in first_seen}
    else:
        default_rank = {name: i for i, name in enumerate(specs)}
        attr_rank = ranking(sequences.values(),
                            key=lambda a: (default_rank.get(a, len(default_rank)), first_seen[a], a))
    totals = long.groupby(["attribute", "value"]).size().rename("total").reset_index()
    keys = ["attribute", "value"]
    value_labels = long.drop_duplicates(keys).set_index(keys)["value_label"]
    totals["value_label"] = [value_labels[k] for k in zip(totals["attribute"], totals["value"], strict=True)]

    def value_rank(attribute: str, value: str) -> int:
        spec = specs.get(attribute)
        names = [v.name for v in spec.values] if spec is not None else []
        return names.index(value) if value in names else len(names)

    totals["kind"] = totals["attribute"].map(attr_kind)
    totals["attribute_label"] = totals["attribute"].map(lambda a: attr_label.get(a, a))
    totals["_attr"] = totals["attribute"].map(attr_rank)
    totals["_value"] = [value_rank(a, v) for a, v in zip(totals["attribute"], totals["value"], strict=True)]
    totals = totals[totals["total"] >= min_papers]
    totals = totals.sort_values(["total", "_attr", "_value", "value"], ascending=[False, True, True, True],
                                kind="stable").head(max_rows)
    totals = totals.sort_values(["_attr", "_value", "total", "value_label"],
                                ascending=[True, True, False, True], kind="stable").reset_index(drop=True)
    if totals.empty:
        return pd.DataFrame(columns=columns)
    totals["item"] = [lab if kind == "flag" else f"{alab}: {lab}" for kind, alab, lab in
                      zip(totals["kind"], totals["attribute_label"], totals["value_label"], strict=True)]
    clash = totals["item"].duplicated(keep=False)
    totals.loc[clash, "item"] = totals.loc[clash, "item"] + " [" + totals.loc[clash, "attribute"] + "]"
    groups, group, previous = [], -1, None
    for attribute, kind in zip(totals["attribute"], totals["kind"], strict=True):
        if previous is None or (attribute != previous[0] and not (kind == previous[1] == "flag")):
            group += 1
        groups.append(group)
        previous = (attribute, kind)
    totals["group"] = groups

    topic_order = [int(t) for t in table["topic"]]
    counts = long.groupby(["attribute", "value", "topic"]).size()
    cells_frame = totals.loc[totals.index.repeat(len(topic_order))].reset_index(drop=True)
    cells_frame["topic"] = topic_order * len(totals)
    cells_frame["count"] = [int(counts.get((a, v, t), 0)) for a, v, t in
                            zip(cells_frame["attribute"], cells_frame["value"], cells_frame["topic"],
                                strict=True)]
    labels = table.set_index("topic")["label"]
    sizes = table.set_index("topic")["size"]
    cells_frame["label"] = cells_frame["topic"].map(labels)
    cells_frame["share"] = cells_frame["count"] / cells_frame["topic"].map(sizes).clip(lower=1)
    return cells_frame[columns]


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
