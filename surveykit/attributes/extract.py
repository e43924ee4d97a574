"""Extract the schema's attributes from each paper's title, abstract and metadata, with evidence.

The result is an :class:`AttributeTable`: a long frame with one row per (paper, attribute, value)
and its evidence (the sentence or metadata field, its offsets, the matched text, how it was
decided), plus a wide view (paper x attribute). Values nothing supports stay empty.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from surveykit import io
from surveykit.attributes.benchmarks import detect_benchmark, title_name
from surveykit.attributes.claims import negated_hit, own_segments
from surveykit.attributes.match import (
    Hit,
    LiteralScreen,
    Segment,
    number_hits,
    paper_segments,
    schema_screen,
    screen_present,
    screen_text,
    url_hits,
    value_hits,
)
from surveykit.attributes.schema import AttributeSpec, Schema, schema_from_config
from surveykit.corpus.model import Corpus, Paper

if TYPE_CHECKING:
    from surveykit.roles.annotate import RoleSentence

Embedder = Callable[[list[str]], np.ndarray]

BENCHMARK_ATTRIBUTE = "benchmark"
BENCHMARK_LABEL = "Benchmark"
JOIN = "; "
NON_DISCRIMINATIVE_SHARE = 0.6
LONG_COLUMNS = [
    "paper_id",
    "attribute",
    "label",
    "kind",
    "value",
    "value_label",
    "evidence",
    "source",
    "sentence",
    "start",
    "end",
    "match_start",
    "match_end",
    "matched",
    "method",
    "score",
]
_META_KEY = b"surveykit.attributes"


@dataclass
class AttributeTable:
    """Extracted attribute values with their evidence.

    ``long``: one row per (paper, attribute, value), columns :data:`LONG_COLUMNS`; ``source`` is
    ``title``, ``abstract`` or ``metadata:<field>``; ``sentence`` is the sentence index in that
    source (-1 for metadata); ``start``/``end`` the sentence's character offsets and
    ``match_start``/``match_end`` those of the matched text in the source; ``method`` is
    ``pattern``, ``metadata`` or ``zero-shot`` (then ``score`` is the cosine similarity).
    ``attributes``: (name, label, kind) in column order; ``paper_ids``: the corpus order;
    ``left_out``: (name, reason) of the schema's attributes that do not apply to this corpus
    (an attribute of another field, see :meth:`Schema.for_texts`).
    """

    long: pd.DataFrame
    paper_ids: list[str]
    attributes: list[tuple[str, str, str]] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)

    # --- views ---------------------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        return [a[0] for a in self.attributes]

    def labels(self) -> dict[str, str]:
        return {name: label for name, label, _ in self.attributes}

    def kind(self, attribute: str) -> str:
        for name, _, kind in self.attributes:
            if name == attribute:
                return kind
        raise KeyError(f"unknown attribute {attribute!r}")

    def wide(self, labels: bool = False) -> pd.DataFrame:
        """Paper x attribute, values joined with ``"; "`` (empty string: nothing found).

        ``labels=True`` uses the display labels (column headers and value labels, ``✓`` for flags).
        """
        column = "value_label" if labels else "value"
        cells: dict[str, dict[str, list[str]]] = {name: {} for name in self.names}
        for paper_id, attribute, value in zip(self.long["paper_id"].tolist(),
                                              self.long["attribute"].tolist(),
                                              self.long[column].tolist(), strict=True):
            if attribute in cells:  # one pass over the rows, values in row order
                cells[attribute].setdefault(paper_id, []).append(value)
        frame = pd.DataFrame(
            {name: [JOIN.join(cells[name].get(pid, ())) for pid in self.paper_ids] for name in self.names},
            index=pd.Index(self.paper_ids, name="paper_id"), columns=self.names, dtype=object)
        if labels:
            frame = frame.rename(columns=self.labels())
        return frame

    def values(self, paper_id: str, attribute: str) -> list[str]:
        rows = self.long[(self.long["paper_id"] == paper_id) & (self.long["attribute"] == attribute)]
        return rows["value"].tolist()

    def has(self, paper_id: str, attribute: str, value: str | None = None) -> bool:
        values = self.values(paper_id, attribute)
        return bool(values) if value is None else value in values

    def evidence(self, paper_id: str, attribute: str | None = None) -> pd.DataFrame:
        """The rows of one paper (optionally one attribute), for checking by eye."""
        rows = self.long[self.long["paper_id"] == paper_id]
        if attribute is not None:
            rows = rows[rows["attribute"] == attribute]
        return rows[["attribute", "value", "source", "sentence", "matched", "method", "score", "evidence"]]

    def counts(self) -> pd.DataFrame:
        """How many papers get each value (for numbers/URLs: how many papers have any); an
        attribute left out for this corpus (:attr:`left_out`) is one row saying why."""
        rows = []
        for name, label, kind in self.attributes:
            sub = self.long[self.long["attribute"] == name]
            if kind in ("number", "url", "name"):
                rows.append((name, label, "(any)", sub["paper_id"].nunique()))
                continue
            for value, group in sub.groupby("value_label", sort=False):
                rows.append((name, label, value, group["paper_id"].nunique()))
            rows.append((name, label, "(none)", len(self.paper_ids) - sub["paper_id"].nunique()))
        rows += [(name, name, f"(left out: {reason})", 0) for name, reason in self.left_out]
        return pd.DataFrame(rows, columns=["attribute", "label", "value", "papers"])

    def shares(self) -> pd.DataFrame:
        """``attribute, value, papers, share`` for every flag and multi value (share of the corpus)."""
        rows = []
        total = max(len(self.paper_ids), 1)
        for name, _, kind in self.attributes:
            if kind not in ("flag", "multi"):
                continue
            sub = self.long[self.long["attribute"] == name]
            for value, group in sub.groupby("value", sort=True):
                papers = group["paper_id"].nunique()
                rows.append((name, value, papers, round(papers / total, 4)))
        return pd.DataFrame(rows, columns=["attribute", "value", "papers", "share"])

    def non_discriminative(self, threshold: float = NON_DISCRIMINATIVE_SHARE) -> list[tuple[str, str]]:
        """Flag and multi values that mark more than ``threshold`` of the papers: they separate
        nothing, so tables leave them out (categories partition the corpus and are kept)."""
        shares = self.shares()
        keep = shares[shares["share"] > threshold]
        return list(zip(keep["attribute"], keep["value"], strict=True))

    # --- persistence ---------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write atomically: ``.parquet`` (with the paper and attribute order) or ``.csv``."""
        path = Path(path)
        suffix = path.suffix.lower()
        meta = {"paper_ids": self.paper_ids, "attributes": [list(a) for a in self.attributes],
                "left_out": [list(a) for a in self.left_out]}
        if suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(self.long[LONG_COLUMNS], preserve_index=False)
            metadata = dict(table.schema.metadata or {})
            metadata[_META_KEY] = json.dumps(meta, ensure_ascii=False).encode("utf-8")
            table = table.replace_schema_metadata(metadata)
            with io.atomic_path(path) as tmp:
                pq.write_table(table, tmp)
            return path
        if suffix == ".csv":
            io.write_text(path, self.long[LONG_COLUMNS].to_csv(index=False, lineterminator="\n"))
            io.write_text(
                path.with_suffix(".meta.json"), json.dumps(meta, indent=1, ensure_ascii=False) + "\n"
            )
            return path
        raise ValueError(f"{path}: save attributes as .parquet or .csv")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> AttributeTable:
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(path)
            raw = (table.schema.metadata or {}).get(_META_KEY)
            meta = json.loads(raw) if raw else None
            long = table.to_pandas()
        elif suffix == ".csv":
            long = pd.read_csv(path, dtype=str, keep_default_na=False)
            for column in ("sentence", "start", "end", "match_start", "match_end"):
                long[column] = long[column].astype(int)
            long["score"] = pd.to_numeric(long["score"], errors="coerce")
            meta_path = path.with_suffix(".meta.json")
            meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else None
        else:
            raise ValueError(f"{path}: attributes are loaded from .parquet or .csv")
        missing = [c for c in LONG_COLUMNS if c not in long.columns]
        if missing:
            raise ValueError(f"{path}: not an attribute table (missing columns {', '.join(missing)})")
        long = _typed(long[LONG_COLUMNS])
        left_out: list[tuple[str, str]] = []
        if meta is None:
            paper_ids = list(dict.fromkeys(long["paper_id"]))
            attributes = list(dict.fromkeys(zip(long["attribute"], long["label"], long["kind"], strict=True)))
        else:
            paper_ids = list(meta["paper_ids"])
            attributes = [tuple(a) for a in meta["attributes"]]
            left_out = [(str(a[0]), str(a[1])) for a in meta.get("left_out", [])]
        return cls(long, paper_ids, attributes, left_out)


def _typed(long: pd.DataFrame) -> pd.DataFrame:
    long = long.reset_index(drop=True).copy()
    for column in ("sentence", "start", "end", "match_start", "match_end"):
        long[column] = long[column].astype("int64")
    long["score"] = long["score"].astype("float64")
    for column in LONG_COLUMNS:
        if column not in ("sentence", "start", "end", "match_start", "match_end", "score"):
            long[column] = long[column].astype(object)
    return long


# --- extraction ---------------------------------------------------------------------------------


def default_embedder(cache_dir: str | os.PathLike[str] | None = None, model: str | None = None) -> Embedder:
    """Sentence embeddings with the topic stage's model (``surveykit.embed``), cached on disk."""

    def embed(texts: list[str]) -> np.ndarray:
        from surveykit.embed import embed_texts

        return embed_texts(texts, model=model, cache_dir=cache_dir, progress=False)

    return embed


def _row(paper_id: str, spec: AttributeSpec, hit: Hit, value_label: str) -> dict[str, Any]:
    segment = hit.segment
    return {
        "paper_id": paper_id,
        "attribute": spec.name,
        "label": spec.label,
        "kind": spec.kind,
        "value": hit.value,
        "value_label": value_label,
        "evidence": segment.text,
        "source": segment.source,
        "sentence": segment.index,
        "start": segment.start,
        "end": segment.end,
        "match_start": hit.match_start,
        "match_end": hit.match_end,
        "matched": hit.matched,
        "method": hit.method,
        "score": hit.score,
    }


def _paper_type_hit(spec: AttributeSpec, paper: Paper, segments: list[Segment],
                    roles: Sequence[RoleSentence] | None, known: Any = None) -> Hit | None:
    """The paper's detected type as the value of a ``paper_type`` attribute (schema docstring),
    with the detector's evidence: its sentence (or the title) and the cue within it; None when
    the attribute does not take the type, the type has no value or the detector had no cue.
    ``known``: the paper's type as the topic stage detected it (same detector), else detected here."""
    if spec.paper_type is None:
        return None
    from surveykit.roles.paper_type import detect_paper_type

    detected = known if known is not None else detect_paper_type(paper, roles)
    value = spec.paper_type.get(detected.type)
    if value is None or detected.cue == "default":  # no evidence: the patterns decide
        return None
    evidence = " ".join(detected.evidence.split())
    segment = next((g for g in segments if " ".join(g.text.split()) == evidence), None)
    if segment is None:
        segment = next((g for g in segments if evidence and evidence in g.text), segments[0] if segments
                       else Segment("title", 0, paper.title or "", 0, len(paper.title or "")))
    cue = detected.cue.partition(": ")[2].strip()
    at = segment.text.lower().find(cue.lower()) if cue else -1
    start, end = (at, at + len(cue)) if at >= 0 else (0, len(segment.text))
    return Hit(value, segment, segment.start + start, segment.start + end, method="paper-type")


def _pattern_values(spec: AttributeSpec, paper: Paper, segments: list[Segment],
                    screen: LiteralScreen | None = None, present: frozenset[str] | None = None) -> list[Hit]:
    """First evidence of each value the patterns support (category: the single winner).
    ``screen``: the schema's :class:`LiteralScreen` (same hits, found faster); ``present``: its
    literals in ``segments`` (:func:`screen_present`), when the caller has them."""
    if spec.kind == "number":
        return number_hits(spec, segments, screen)
    if spec.kind == "url":
        return url_hits(spec, paper, segments, screen)
    found: list[tuple[Hit, int, int]] = []
    joined = None if screen is not None else screen_text(segments)
    if screen is not None and present is None:
        present = screen_present(screen, segments)
    for rank, value in enumerate(spec.values):
        hits = value_hits(spec, value, segments, joined, screen, present)
        if hits:
            found.append((hits[0], value.priority, rank))
    if spec.kind == "category" and found:
        best = max(found, key=lambda f: (f[0].in_title, f[1], -f[2]))
        return [best[0]]
    names = {f[0].value for f in found}
    return [f[0] for f in found if not set(spec.value(f[0].value).unless) & names]


@dataclass
class _ZeroShotJob:
    paper_index: int
    spec: AttributeSpec
    segments: list[Segment]
    replace: bool  # fallback jobs fill an empty attribute; "always" jobs add values


def _zero_shot_values(spec: AttributeSpec) -> list[Any]:
    """The values similarity may give: for the paper type (``paper_type``), never the survey value,
    since the detector, which found no survey cue in this paper, decides the "Related surveys"
    group (a title-only library had 18 papers typed "survey" in its tables by similarity and 1 in
    the group)."""
    survey = (spec.paper_type or {}).get("survey")
    return [v for v in spec.values if v.name != survey]


def _run_zero_shot(jobs: list[_ZeroShotJob], embedder: Embedder) -> dict[int, list[Hit]]:
    """Score each job's values by the best cosine similarity over the paper's sentences."""
    texts: dict[str, int] = {}
    for job in jobs:
        for segment in job.segments:
            texts.setdefault(segment.text, len(texts))
        for value in job.spec.values:
            texts.setdefault(value.zero_shot or value.label, len(texts))
    if not texts:
        return {}
    vectors = np.asarray(embedder(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors / np.where(norms == 0, 1.0, norms)
    results: dict[int, list[Hit]] = {}
    for number, job in enumerate(jobs):
        segments = [s for s in job.segments if s.text]
        if not segments:
            continue
        sentence_vectors = vectors[[texts[s.text] for s in segments]]
        scored = []
        for rank, value in enumerate(_zero_shot_values(job.spec)):
            sims = sentence_vectors @ vectors[texts[value.zero_shot or value.label]]
            best = int(np.argmax(sims))
            scored.append((float(sims[best]), rank, value, segments[best]))
        threshold = job.spec.zero_shot_threshold
        if job.spec.kind == "category":
            scored = [max(scored, key=lambda s: (s[0], -s[1]))]
        hits = []
        for score, _, value, segment in scored:
            if score >= threshold:
                hits.append(
                    Hit(value.name, segment, segment.start, segment.end, "zero-shot", round(score, 4))
                )
        results[number] = hits
    return results


def _triggered(schema: Schema, values: dict[str, list[str]]) -> tuple[bool, bool]:
    """(matches a benchmark trigger, is a benchmark paper by its category value)."""
    triggered = is_benchmark = False
    for trigger in schema.benchmark_triggers:
        name, _, value = trigger.partition("=")
        got = values.get(name, [])
        if (value and value in got) or (not value and got):
            triggered = True
            is_benchmark = is_benchmark or bool(value)
    return triggered, is_benchmark


def extract_attributes(
    corpus: Corpus | Iterable[Paper],
    schema: Schema | None = None,
    embeddings: Embedder | bool | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    roles: Sequence[Sequence[RoleSentence]] | None = None,
    paper_types: Mapping[str, Any] | None = None,
) -> AttributeTable:
    """Extract every attribute of ``schema`` (default: the bundled defaults) for each paper.

    ``embeddings``: the sentence embedder for zero-shot attributes, a callable ``texts -> array``;
    ``None`` uses :func:`default_embedder` (loaded only when a zero-shot decision is needed);
    ``False`` turns zero-shot off (those values stay empty).
    ``roles``: the sentence roles of each paper (corpus order, from
    :func:`surveykit.roles.annotate_sentences`); when given, evidence comes only from the title and
    the sentences that state this paper's own claims (:func:`surveykit.attributes.claims.own_segments`).
    ``paper_types``: paper id -> :class:`~surveykit.roles.paper_type.PaperTypeResult` already
    detected from the same roles (the topic stage's), so that it is not detected twice.
    Attributes of another field (``field`` in the schema) are left out, and listed in the table's
    ``left_out`` (:meth:`Schema.for_texts`).
    """
    papers = list(corpus)
    schema, left_out = (schema or schema_from_config(None)).for_texts([p.text for p in papers])
    if roles is not None and len(roles) != len(papers):
        raise ValueError(f"roles cover {len(roles)} papers, the corpus has {len(papers)}")
    zero_shot = embeddings is not False
    matched = _match_all(papers, roles, schema, zero_shot, paper_types or {})
    per_paper = [found for found, _, _ in matched]
    jobs = []
    for index, ((_, wanted, _), paper) in enumerate(zip(matched, papers, strict=True)):
        if wanted:  # the paper's segments once, shared by its zero-shot decisions
            segments = _segments(paper, roles, index)[1]
            jobs += [_ZeroShotJob(index, schema[name], segments, replace) for name, replace in wanted]
    if jobs:
        embedder = embeddings if callable(embeddings) else default_embedder(cache_dir)
        for number, hits in _run_zero_shot(jobs, embedder).items():
            job = jobs[number]
            paper, spec = papers[job.paper_index], job.spec
            have = {r["value"] for r in per_paper[job.paper_index][spec.name]}
            extra = [h for h in hits if h.value not in have]
            if spec.kind == "category" and have:
                extra = []
            per_paper[job.paper_index][spec.name] += [
                _row(paper.id, spec, h, spec.value_label(h.value)) for h in extra
            ]
    rows: list[dict[str, Any]] = []
    for index, paper in enumerate(papers):
        found = per_paper[index]
        state = _triggered(schema, {name: [r["value"] for r in found[name]] for name in found})
        _, _, (matched_state, bench) = matched[index]
        if state != matched_state:  # zero-shot values changed the trigger: detect again
            bench = _benchmark(paper, _segments(paper, roles, index)[1], state)
        for spec in schema:
            rows.extend(_order(spec, found[spec.name]))
        if bench is not None:
            rows.append(bench)
    attributes = [(a.name, a.label, a.kind) for a in schema] + [
        (BENCHMARK_ATTRIBUTE, BENCHMARK_LABEL, "name")
    ]
    long = pd.DataFrame(rows, columns=LONG_COLUMNS)
    return AttributeTable(_typed(long), [p.id for p in papers], attributes, left_out)


# Above this many papers the pattern matching runs in one process per core (fork; same rows).
PARALLEL_ABOVE = 4000
Matched = tuple[dict[str, list[dict[str, Any]]], list[tuple[str, bool]], tuple[tuple[bool, bool],
                                                                             dict[str, Any] | None]]


def _segments(paper: Paper, roles: Sequence[Sequence[RoleSentence]] | None,
              index: int) -> tuple[list[Segment], list[Segment]]:
    """(every segment of the paper, the segments evidence may come from)."""
    every_segment = paper_segments(paper)
    return every_segment, own_segments(every_segment, roles[index]) if roles is not None else every_segment


def _benchmark(paper: Paper, segments: list[Segment], state: tuple[bool, bool]) -> dict[str, Any] | None:
    bench = detect_benchmark(segments, *state)
    return _benchmark_row(paper.id, bench) if bench is not None else None


def _match_paper(index: int, paper: Paper, roles: Sequence[Sequence[RoleSentence]] | None, schema: Schema,
                 screen: LiteralScreen, zero_shot: bool, types: Mapping[str, Any]) -> Matched:
    """One paper's pattern (and paper-type) rows per attribute, the zero-shot decisions it asks for
    (attribute name, fallback?) and its benchmark row for the trigger state of those rows."""
    every_segment, segments = _segments(paper, roles, index)
    found: dict[str, list[dict[str, Any]]] = {}
    wanted: list[tuple[str, bool]] = []
    present = screen_present(screen, segments) if screen is not None else None
    own_roles = roles[index] if roles else None
    known = types.get(paper.id)
    if known is None and any(spec.paper_type is not None for spec in schema):
        from surveykit.roles.paper_type import detect_paper_type

        known = detect_paper_type(paper, own_roles)  # once per paper, for every paper-type attribute
    for spec in schema:
        typed = _paper_type_hit(spec, paper, every_segment, own_roles, known)
        hits = [typed] if typed else _pattern_values(spec, paper, segments, screen, present)
        if roles is not None and not typed:
            hits = [h for h in hits if not negated_hit(h)]
        found[spec.name] = [_row(paper.id, spec, h, spec.value_label(h.value)) for h in hits]
        wants_fallback = spec.zero_shot_mode == "fallback" and not hits
        # a title alone is no text to judge by similarity (95 of a 362-title library became
        # "benchmark": "Learning Effective Search Heuristics"), and the type detector's default
        # ("method", no cue) is no evidence either (a Wikipedia page "proposed a method"): no value
        if zero_shot and paper.has_abstract and (wants_fallback or spec.zero_shot_mode == "always"):
            wanted.append((spec.name, wants_fallback))
    state = _triggered(schema, {name: [r["value"] for r in found[name]] for name in found})
    return found, wanted, (state, _benchmark(paper, segments, state))


_FORKED: tuple[Any, ...] = ()  # (papers, roles, schema, zero_shot, types) for forked workers


def _match_range(bounds: tuple[int, int]) -> list[Matched]:
    papers, roles, schema, zero_shot, types = _FORKED
    screen = schema_screen(schema)
    return [_match_paper(i, papers[i], roles, schema, screen, zero_shot, types) for i in range(*bounds)]


def _match_all(papers: list[Paper], roles: Sequence[Sequence[RoleSentence]] | None, schema: Schema,
               zero_shot: bool, types: Mapping[str, Any]) -> list[Matched]:
    """:func:`_match_paper` for every paper, in order; above :data:`PARALLEL_ABOVE` papers split
    into contiguous ranges matched by forked processes, one per core (the work of a paper depends
    on nothing else, so the rows are the same)."""
    global _FORKED
    import multiprocessing

    from surveykit.parallel import usable_cpus

    workers = usable_cpus(8)
    if len(papers) <= PARALLEL_ABOVE or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        screen = schema_screen(schema)
        return [_match_paper(i, paper, roles, schema, screen, zero_shot, types)
                for i, paper in enumerate(papers)]
    from concurrent.futures import ProcessPoolExecutor

    step = -(-len(papers) // (workers * 4))  # a few ranges per worker: an even finish
    ranges = [(start, min(start + step, len(papers))) for start in range(0, len(papers), step)]
    _FORKED = (papers, roles, schema, zero_shot, types)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [m for part in pool.map(_match_range, ranges) for m in part]
    finally:
        _FORKED = ()


def _order(spec: AttributeSpec, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Category/multi values in schema order; numbers and URLs in reading order."""
    if spec.kind in ("category", "multi", "flag"):
        rank = {v.name: i for i, v in enumerate(spec.values)}
        return sorted(rows, key=lambda r: rank.get(r["value"], len(rank)))
    return rows


def _benchmark_row(paper_id: str, bench) -> dict[str, Any]:
    segment = bench.segment
    return {
        "paper_id": paper_id,
        "attribute": BENCHMARK_ATTRIBUTE,
        "label": BENCHMARK_LABEL,
        "kind": "name",
        "value": bench.name,
        "value_label": bench.name,
        "evidence": segment.text,
        "source": segment.source,
        "sentence": segment.index,
        "start": segment.start,
        "end": segment.end,
        "match_start": bench.match_start,
        "match_end": bench.match_end,
        "matched": segment.text[bench.match_start - segment.start : bench.match_end - segment.start],
        "method": bench.role,
        "score": math.nan,
    }


def attributes_path(config: Any) -> Path:
    return Path(config.paths.build) / "attributes.parquet"


def build_attributes(
    config: Any,
    corpus: Corpus,
    embeddings: Embedder | bool | None = None,
    roles: Sequence[Sequence[RoleSentence]] | None = None,
    paper_types: Mapping[str, Any] | None = None,
) -> AttributeTable:
    """Stage function: schema from ``config``, extract, save ``build/attributes.parquet`` (+ CSV).
    Zero-shot decisions read the papers' embedding model (``[embed]``: the static model above
    ``static_above`` papers, where MiniLM would embed every undecided paper's sentences)."""
    from surveykit.embed import EmbedSettings

    schema = schema_from_config(config)
    cache = Path(config.paths.cache) / "embeddings" if config.paths else None
    papers = list(corpus)
    if embeddings is None and config is not None:
        model = EmbedSettings.from_config(config).model_for(len(papers))
        embeddings = default_embedder(cache, model)
    table = extract_attributes(papers, schema, embeddings=embeddings, cache_dir=cache, roles=roles,
                               paper_types=paper_types)
    path = attributes_path(config)
    table.save(path)
    table.save(path.with_suffix(".csv"))
    io.write_text(path.with_name("attributes_wide.csv"), table.wide().to_csv(lineterminator="\n"))
    return table


__all__ = [
    "AttributeTable",
    "BENCHMARK_ATTRIBUTE",
    "LONG_COLUMNS",
    "attributes_path",
    "build_attributes",
    "default_embedder",
    "extract_attributes",
    "title_name",
]
