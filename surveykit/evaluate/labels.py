"""Human labels for a corpus: read a labels file and join its rows to the corpus's papers.

A labels file is CSV/TSV, JSON or JSONL. Each row names a paper with one or more of the columns
``id``, ``paper_id``, ``arxiv_id``, ``title`` (JSON may also be one object ``{key: labels}``) and
gives its labels in ``labels`` or ``label``: a list, or one string separated by ``;`` or ``|``
(multi-label). Several rows for the same paper are merged (a long, one-label-per-row file works).
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from surveykit.corpus.model import Corpus, normalize_arxiv_id
from surveykit.sources.report import LoadIssue
from surveykit.textutil import normalize_title

KEY_COLUMNS = ("id", "paper_id", "arxiv_id", "title")
LABEL_COLUMNS = ("labels", "label")
_SEPARATORS = re.compile(r"[;|]")


@dataclass
class LabelRow:
    """One row of a labels file: how it names its paper (column -> value) and its labels."""

    line: int | None
    keys: dict[str, str]
    labels: list[str]

    @property
    def key(self) -> str:
        """The row's strongest identifier, in the order of :data:`KEY_COLUMNS`."""
        for column in (*KEY_COLUMNS, "key"):
            if self.keys.get(column):
                return self.keys[column]
        return ""


@dataclass
class LabelJoin:
    """Labels joined to a corpus: paper id -> labels, plus the rows that matched no paper."""

    labels: dict[str, list[str]]
    unmatched: list[LabelRow] = field(default_factory=list)
    issues: list[LoadIssue] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.labels)} papers labelled, {len(self.unmatched)} label rows matched "
                f"no paper, {len(self.issues)} rows skipped")


def split_labels(value: Any) -> list[str]:
    """Labels from a list or a ``;``/``|``-separated string; stripped, empty ones dropped, unique."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    parts = value if isinstance(value, list | tuple | set) else _SEPARATORS.split(str(value))
    out: list[str] = []
    for part in parts:
        text = str(part).strip()
        if text and text not in out:
            out.append(text)
    return out


def read_label_rows(path: str | os.PathLike[str]) -> tuple[list[LabelRow], list[LoadIssue]]:
    """All rows of a labels file, and an issue for each row without a paper key or labels."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: labels file not found")
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv", ".tab", ".txt"}:
        records = _read_table(path, "\t" if suffix in {".tsv", ".tab"} else None)
    elif suffix in {".jsonl", ".ndjson"}:
        records = _read_jsonl(path)
    elif suffix == ".json":
        records = _read_json(path)
    else:
        raise ValueError(f"{path}: labels file must be .csv, .tsv, .json or .jsonl")
    rows: list[LabelRow] = []
    issues: list[LoadIssue] = []
    for line, record in records:
        lowered = {str(k).strip().lower(): v for k, v in record.items()}
        keys = {c: str(lowered[c]).strip() for c in (*KEY_COLUMNS, "key")
                if lowered.get(c) not in (None, "") and str(lowered[c]).strip()}
        label_column = next((c for c in LABEL_COLUMNS if c in lowered), None)
        if label_column is None:
            raise ValueError(f"{path}: no 'labels' or 'label' column (line {line})")
        labels = split_labels(lowered[label_column])
        if not keys:
            issues.append(LoadIssue(str(path), f"no paper key (one of {', '.join(KEY_COLUMNS)})",
                                    line=line))
        elif not labels:
            issues.append(LoadIssue(str(path), "no labels", line=line,
                                    key=next(iter(keys.values()))))
        else:
            rows.append(LabelRow(line, keys, labels))
    return rows, issues


def read_labels(path: str | os.PathLike[str]) -> dict[str, list[str]]:
    """Paper key -> labels for a labels file (rows naming the same key are merged).

    The key is the row's strongest identifier: ``id``, then ``paper_id``, ``arxiv_id``, ``title``.
    Use :func:`join_labels` to attach the labels to a corpus.
    """
    rows, _ = read_label_rows(path)
    merged: dict[str, list[str]] = {}
    for row in rows:
        bucket = merged.setdefault(row.key, [])
        bucket.extend(label for label in row.labels if label not in bucket)
    return merged


def join_labels(
    corpus: Corpus, labels: str | os.PathLike[str] | dict[str, Any] | list[LabelRow]
) -> LabelJoin:
    """Attach labels to the corpus's papers: by paper id, then arXiv id, then normalised title.

    ``labels`` is a labels file, a ``{key: labels}`` dict or rows from :func:`read_label_rows`.
    Rows that name no paper of the corpus are returned in ``unmatched``.
    """
    issues: list[LoadIssue] = []
    if isinstance(labels, dict):
        rows = [LabelRow(None, {"key": str(k)}, split_labels(v)) for k, v in labels.items()]
    elif isinstance(labels, list):
        rows = labels
    else:
        rows, issues = read_label_rows(labels)
    by_arxiv: dict[str, str] = {}
    by_title: dict[str, str] = {}
    for paper in corpus:
        if paper.arxiv_id:
            by_arxiv.setdefault(paper.arxiv_id, paper.id)
        by_title.setdefault(normalize_title(paper.title), paper.id)
    joined: dict[str, list[str]] = {}
    unmatched: list[LabelRow] = []
    for row in rows:
        paper_id = _match(row, corpus, by_arxiv, by_title)
        if paper_id is None:
            unmatched.append(row)
            continue
        bucket = joined.setdefault(paper_id, [])
        bucket.extend(label for label in row.labels if label not in bucket)
    ordered = {pid: joined[pid] for pid in corpus.ids if pid in joined}
    return LabelJoin(ordered, unmatched, issues)


def _match(
    row: LabelRow, corpus: Corpus, by_arxiv: dict[str, str], by_title: dict[str, str]
) -> str | None:
    values = list(row.keys.values())
    for value in values:
        if value in corpus:
            return value
    for value in values:
        arxiv = normalize_arxiv_id(value)
        if arxiv and arxiv in by_arxiv:
            return by_arxiv[arxiv]
    for value in values:
        title = normalize_title(value)
        if title and title in by_title:
            return by_title[title]
    return None


def _read_table(path: Path, delimiter: str | None) -> list[tuple[int, dict[str, Any]]]:
    text = path.read_text(encoding="utf-8-sig")
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.DictReader(text.splitlines(keepends=True), delimiter=delimiter)
    records = []
    line = 1
    for record in reader:
        records.append((line + 1, {k: v for k, v in record.items() if k is not None}))
        line = reader.line_num
    return records


def _read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    records = []
    with open(path, encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{line_no}: not JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{line_no}: expected a JSON object per line")
            records.append((line_no, record))
    return records


def _read_json(path: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}:{exc.lineno}: not JSON ({exc.msg})") from exc
    if isinstance(data, dict):
        return [(None, {"key": k, "labels": v}) for k, v in data.items()]
    if isinstance(data, list) and all(isinstance(r, dict) for r in data):
        return [(None, r) for r in data]
    raise ValueError(f"{path}: expected a list of objects or an object {{paper: labels}}")
