"""Evaluation entry points: one assignment vector, a corpus with a topic result, the command."""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from surveykit.corpus.model import Corpus
from surveykit.evaluate.coherence import npmi_coherence, topic_diversity
from surveykit.evaluate.label_score import Embedder, label_score
from surveykit.evaluate.labels import LabelJoin, join_labels, split_labels
from surveykit.evaluate.metrics import ari, nmi, omega_index, overlapping_nmi, purity

METRIC_COLUMNS = ["n_topics", "nmi", "ari", "purity", "unassigned_share", "npmi", "diversity",
                  "label_score", "label_score_weighted"]


def _is_outlier(topic: Any, outlier: Hashable) -> bool:
    return topic is None or topic == outlier or (isinstance(topic, float) and math.isnan(topic))


def _label_tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return tuple(dict.fromkeys(str(v) for v in items if v is not None and str(v).strip()))
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == "":
        return ()
    return (str(value),)


def evaluate_assignments(
    assignments: Sequence[Any],
    labels: Sequence[Any],
    *,
    texts: Sequence[str] | None = None,
    topic_words: Mapping[Any, Sequence[str]] | Sequence[Sequence[str]] | None = None,
    outlier: Hashable = -1,
    top_n: int = 10,
    topic_labels: Mapping[Any, str] | None = None,
    embed: Embedder | None = None,
) -> dict[str, float]:
    """Quality of one topic assignment against human labels (see the package docstring).

    ``assignments``: a topic id per paper (``outlier`` or ``None`` = unassigned). ``labels``: per
    paper one label, or a list/set of labels (multi-label); empty/None = unlabelled, skipped.
    ``texts`` and ``topic_words`` (topic id -> top words, or a list of word lists; the outlier
    topic's words are ignored) give ``npmi`` and ``diversity``, NaN without them.
    ``topic_labels`` (topic id -> label) and ``embed`` (texts -> vectors) give ``label_score`` and
    ``label_score_weighted`` (:mod:`surveykit.evaluate.label_score`), NaN without them.
    """
    if len(assignments) != len(labels):
        raise ValueError(f"{len(assignments)} assignments but {len(labels)} labels")
    topics = [outlier if _is_outlier(t, outlier) else t for t in assignments]
    label_sets = [_label_tuple(v) for v in labels]
    keep = [i for i, ls in enumerate(label_sets) if ls]
    clusters = [topics[i] for i in keep]
    kept_labels = [label_sets[i] for i in keep]
    multi = any(len(ls) > 1 for ls in kept_labels)
    result: dict[str, float] = {
        "n_papers": float(len(topics)),
        "n_labelled": float(len(keep)),
        "n_labels": float(len({label for ls in kept_labels for label in ls})),
        "multi_label": float(multi),
        "n_topics": float(len({t for t in topics if t != outlier})),
    }
    if not keep:
        result.update(nmi=math.nan, ari=math.nan, purity=math.nan)
    elif multi:
        result["nmi"] = overlapping_nmi(clusters, kept_labels)
        result["ari"] = omega_index(clusters, kept_labels)
        result["purity"] = purity(clusters, kept_labels, wrong=outlier)
    else:
        primary = [ls[0] for ls in kept_labels]
        result["nmi"] = nmi(clusters, primary)
        result["ari"] = ari(clusters, primary)
        result["purity"] = purity(clusters, kept_labels, wrong=outlier)
    result["unassigned_share"] = (
        sum(1 for t in topics if t == outlier) / len(topics) if topics else math.nan
    )
    words = _topic_word_lists(topic_words, outlier)
    has_words = bool(words) and any(words)
    result["npmi"] = npmi_coherence(words, texts, top_n) if has_words and texts else math.nan
    result["diversity"] = topic_diversity(words, top_n) if has_words else math.nan
    result["label_score"] = result["label_score_weighted"] = math.nan
    if topic_labels and embed is not None:
        scored = label_score([topics[i] for i in keep], [list(ls) for ls in kept_labels],
                             topic_labels, embed, outlier)
        result["label_score"] = scored["label_score"]
        result["label_score_weighted"] = scored["label_score_weighted"]
    return result


def _topic_word_lists(
    topic_words: Mapping[Any, Sequence[str]] | Sequence[Sequence[str]] | None, outlier: Hashable
) -> list[list[str]]:
    if topic_words is None:
        return []
    if isinstance(topic_words, Mapping):
        items = sorted(((k, v) for k, v in topic_words.items() if not _is_outlier(k, outlier)),
                       key=lambda kv: str(kv[0]))
        return [_words(v) for _, v in items]
    return [_words(v) for v in topic_words]


def _words(value: Any) -> list[str]:
    """Top words from a list of strings or of ``(word, weight)`` pairs (BERTopic's format)."""
    if isinstance(value, str):
        return [w.strip() for w in value.split(",") if w.strip()]
    out = []
    for item in value:
        word = item[0] if isinstance(item, list | tuple) else item
        if word is not None and str(word).strip():
            out.append(str(word))
    return out


# --- corpus level ----------------------------------------------------------------------------


RELATED_TOPIC = "related surveys"


def unpack_topic_result(
    corpus: Corpus, topics: Any
) -> tuple[list[Any], dict[Any, list[str]] | None]:
    """Per-paper topic ids (in corpus order) and topic words from whatever the caller has.

    Accepts a sequence aligned with the corpus, a ``{paper id: topic}`` mapping, a DataFrame/
    Series indexed by paper id, or a topic result object (``surveykit.topics.TopicResult``) with
    ``assignments`` and ``topic_words`` (or ``topics`` with ``words``). Papers without a topic
    (e.g. excluded by curation) count as unassigned; the "Related surveys" group of a topic result
    (``related``) counts as one more topic, :data:`RELATED_TOPIC`.
    """
    words: dict[Any, list[str]] | None = None
    if hasattr(topics, "assignments"):
        words = _result_words(topics)
        related = list(getattr(topics, "related", None) or [])
        topics = topics.assignments
        if related:
            column = topics["topic"] if isinstance(topics, pd.DataFrame) else topics
            topics = {**column.to_dict(), **dict.fromkeys(related, RELATED_TOPIC)}
    if isinstance(topics, pd.DataFrame):
        column = next((c for c in ("topic", "topic_id") if c in topics.columns), None)
        if column is None:
            raise ValueError("topic table has no 'topic' column")
        topics = topics[column]
    if isinstance(topics, pd.Series):
        topics = topics.to_dict() if not isinstance(topics.index, pd.RangeIndex) else list(topics)
    if isinstance(topics, Mapping):
        missing = [pid for pid in corpus.ids if pid not in topics]
        if len(missing) == len(corpus):
            raise ValueError("no paper of the corpus has a topic (ids do not match)")
        return [topics.get(pid) for pid in corpus.ids], words
    assignments = list(topics)
    if len(assignments) != len(corpus):
        raise ValueError(f"{len(assignments)} topic assignments for {len(corpus)} papers")
    return assignments, words


def result_labels(result: Any) -> dict[Any, str] | None:
    """Topic id -> label of a topic result object (``topics`` with ``id`` and ``label``)."""
    out = {getattr(t, "id", None): str(t.label) for t in getattr(result, "topics", None) or []
           if getattr(t, "label", None)}
    out.pop(None, None)
    return out or None


def _result_words(result: Any) -> dict[Any, list[str]] | None:
    words = getattr(result, "topic_words", None)
    if words is not None:
        return {k: _words(v) for k, v in dict(words).items()}
    topic_list = getattr(result, "topics", None)
    if topic_list is None:
        return None
    out: dict[Any, list[str]] = {}
    for topic in topic_list:
        topic_id = getattr(topic, "id", getattr(topic, "topic_id", None))
        if topic_id is not None and getattr(topic, "words", None) is not None:
            out[topic_id] = _words(topic.words)
    return out or None


def evaluate_corpus_topics(
    corpus: Corpus,
    topic_result_or_assignments: Any,
    labels: str | os.PathLike[str] | Mapping[str, Any] | LabelJoin,
    *,
    topic_words: Mapping[Any, Sequence[str]] | None = None,
    outlier: Hashable = -1,
    top_n: int = 10,
    topic_labels: Mapping[Any, str] | None = None,
    embed: Embedder | None = None,
) -> pd.DataFrame:
    """One-row table of :data:`METRIC_COLUMNS` plus counts, for a corpus's topics vs its labels.

    ``labels`` is a labels file, a ``{key: labels}`` mapping or a :class:`LabelJoin`; keys join to
    papers by id, arXiv id, then normalised title. ``n_unmatched_labels`` counts label rows
    that name no paper of the corpus. The label score needs ``embed`` and topic labels (given,
    or those of a topic result).
    """
    if topic_labels is None:
        topic_labels = result_labels(topic_result_or_assignments)
    assignments, words = unpack_topic_result(corpus, topic_result_or_assignments)
    if topic_words is not None:
        words = {k: _words(v) for k, v in topic_words.items()}
    if isinstance(labels, LabelJoin):
        joined = labels
    elif isinstance(labels, Mapping):
        joined = join_labels(corpus, {str(k): split_labels(v) if isinstance(v, str) else list(v)
                                      for k, v in labels.items()})
    else:
        joined = join_labels(corpus, labels)
    per_paper = [joined.labels.get(pid, []) for pid in corpus.ids]
    metrics = evaluate_assignments(assignments, per_paper, texts=corpus.texts(),
                                   topic_words=words, outlier=outlier, top_n=top_n,
                                   topic_labels=topic_labels, embed=embed)
    metrics["n_unmatched_labels"] = float(len(joined.unmatched))
    metrics["n_skipped_label_rows"] = float(len(joined.issues))
    order = [*METRIC_COLUMNS, "n_papers", "n_labelled", "n_labels", "multi_label",
             "n_unmatched_labels", "n_skipped_label_rows"]
    frame = pd.DataFrame([{k: metrics[k] for k in order}], index=[corpus.name])
    for column in ("n_topics", "n_papers", "n_labelled", "n_labels", "n_unmatched_labels",
                   "n_skipped_label_rows"):
        frame[column] = frame[column].astype(int)
    frame["multi_label"] = frame["multi_label"].astype(bool)
    return frame


# --- command ---------------------------------------------------------------------------------


def read_topic_assignments(path: str | os.PathLike[str]) -> tuple[Any, dict | None]:
    """Saved topics: a topic-stage folder or its ``topics.json`` (a ``TopicResult``, words
    included); a CSV/TSV/JSONL/parquet table with ``paper_id`` (or ``id``) and ``topic`` columns
    (e.g. ``topic_assignments.parquet``); or a JSON object ``{"assignments": {id: topic},
    "topic_words": {topic: [words]}}``. Returns what :func:`unpack_topic_result` takes, and words.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: topics file not found")
    suffix = path.suffix.lower()
    if path.is_dir() or suffix == ".json":
        data = None if path.is_dir() else json.loads(path.read_text(encoding="utf-8"))
        if data is None or isinstance(data.get("assignments"), list):
            from surveykit.topics.taxonomy import TopicResult

            return TopicResult.load(path), None
        if not isinstance(data, dict) or not isinstance(data.get("assignments"), dict):
            raise ValueError(f"{path}: expected a saved topic result or an object with an "
                             "'assignments' member")
        words = data.get("topic_words")
        words = {_topic_key(k): v for k, v in words.items()} if words else None
        return {str(k): _topic_key(v) for k, v in data["assignments"].items()}, words
    if suffix in {".jsonl", ".ndjson"}:
        frame = pd.read_json(path, lines=True)
    elif suffix == ".parquet":
        frame = pd.read_parquet(path)
    elif suffix in {".csv", ".tsv", ".tab"}:
        frame = pd.read_csv(path, sep="\t" if suffix != ".csv" else ",")
    else:
        raise ValueError(f"{path}: topics file must be a folder, .json, .csv, .tsv, .jsonl "
                         "or .parquet")
    if frame.index.name in {"id", "paper_id"}:
        frame = frame.reset_index()
    id_column = next((c for c in ("paper_id", "id") if c in frame.columns), None)
    topic_column = next((c for c in ("topic", "topic_id") if c in frame.columns), None)
    if id_column is None or topic_column is None:
        raise ValueError(f"{path}: needs a 'paper_id' (or 'id') and a 'topic' column")
    return {str(k): _topic_key(v) for k, v in zip(frame[id_column], frame[topic_column],
                                                    strict=True)}, None


def _topic_key(value: Any) -> Any:
    """Topic ids read from text: integers where they look like integers."""
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def fit_automatic_topics(corpus: Corpus, cache_dir: str | os.PathLike[str] | None = None) -> Any:
    """Fit surveykit's automatic topic model on the corpus (embeddings from the disk cache)."""
    from surveykit.embed import embed_texts
    from surveykit.topics import fit_topics

    embeddings = embed_texts(corpus.texts(), cache_dir=cache_dir, progress=False)
    return fit_topics(corpus, embeddings,  # TopicConfig() defaults: the automatic mode
                      phrase_embedder=lambda texts: embed_texts(texts, cache_dir=cache_dir,
                                                                progress=False))


def load_corpus_file(path: str | os.PathLike[str]) -> Corpus:
    """A saved corpus (``.parquet``/``.jsonl``) or any source file (deduplicated, as the corpus
    stage would; loader issues go to stderr)."""
    path = Path(path)
    if path.suffix.lower() in {".parquet", ".jsonl", ".ndjson"}:
        try:
            return Corpus.load(path)
        except ValueError:
            if path.suffix.lower() == ".parquet":
                raise
    from surveykit.corpus.dedupe import dedupe
    from surveykit.sources import load_source

    loaded = load_source(path)
    for issue in loaded.issues:
        print(f"warning: {issue}", file=sys.stderr)
    return Corpus(dedupe(loaded.papers).papers, name=path.stem)


def evaluate_command(
    corpus_path: str | os.PathLike[str],
    labels_path: str | os.PathLike[str],
    topics_path: str | os.PathLike[str] | None = None,
    *,
    output: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    top_n: int = 10,
    stream: Any = None,
) -> pd.DataFrame:
    """``surveykit evaluate``: the one-row metrics table (see :func:`evaluate_corpus_topics`).

    ``corpus_path``: a saved corpus or a source file. Without ``topics_path`` the automatic topic
    model is fitted on the corpus's cached embeddings. Topics with labels (a saved topic result,
    or the fitted one) get the label score: each label against the human category names, by
    the bundled MiniLM (embeddings cached in ``cache_dir``). The join summary and every unmatched or
    skipped label row go to stderr; ``stream`` (e.g. ``sys.stdout``) also gets the table as
    markdown; ``output`` saves it as CSV.
    """
    corpus = load_corpus_file(corpus_path)
    joined = join_labels(corpus, labels_path)
    if topics_path is not None:
        topics, words = read_topic_assignments(topics_path)
    else:
        topics, words = fit_automatic_topics(corpus, cache_dir), None
    from surveykit.embed import embed_texts

    def embed(texts: list[str]) -> Any:
        return embed_texts(texts, cache_dir=cache_dir, progress=False)

    frame = evaluate_corpus_topics(corpus, topics, joined, topic_words=words, top_n=top_n,
                                   embed=embed)
    for issue in joined.issues:
        print(f"warning: {issue}", file=sys.stderr)
    for row in joined.unmatched:
        where = f"{labels_path}:{row.line}" if row.line else str(labels_path)
        print(f"warning: {where}: label row {row.key!r} matches no paper of the corpus",
              file=sys.stderr)
    print(joined.summary(), file=sys.stderr)
    if stream is not None:
        print(markdown_table(frame.reset_index(names="corpus")), file=stream)
    if output is not None:
        from surveykit import io

        io.write_text(output, frame.to_csv(index_label="corpus"))
    return frame


def markdown_table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A GitHub-flavoured markdown table of a frame's columns (floats rounded, NaN as ``-``)."""

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return "-" if math.isnan(value) else f"{value:.{digits}f}"
        return str(value).replace("|", "\\|")

    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |"
            for row in frame.itertuples(index=False, name=None)]
    return "\n".join([header, rule, *body])
