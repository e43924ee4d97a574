"""The topic stage's result: assignments, topics, a 2-level taxonomy, provenance; saved as JSON.

Order and ids: sections by size (papers) descending, then label; topics inside a section the
same way; topic ids run 0..k-1 in that order and section ids 0..s-1. The same corpus, config and
curation file give the same ids, labels and bytes (``topics.json`` is written with sorted keys,
floats rounded).

A living update (:mod:`surveykit.topics.living`) keeps the fit's ids, labels and order when papers
are added, so after one the sections need not be in size order any more. Its state (topic
centroids, placement thresholds, the fingerprint of the settings) is the optional ``"living"`` key
of ``topics.json``: a format-1 file without it still loads, and the next run refits once.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from surveykit import io

RESULT_FILE = "topics.json"
ASSIGNMENTS_FILE = "topic_assignments.parquet"
FORMAT_VERSION = 1


@dataclass
class Topic:
    """One topic (level 2 of the taxonomy)."""

    id: int
    label: str
    size: int
    section: int
    keywords: list[str]
    representative_ids: list[str]
    auto_label: str = ""

    @property
    def words(self) -> list[str]:
        """Top keywords (the name ``surveykit.evaluate`` reads)."""
        return self.keywords


@dataclass
class Section:
    """One top-level section (level 1): a group of topics."""

    id: int
    label: str
    size: int
    topic_ids: list[int]
    keywords: list[str] = field(default_factory=list)


@dataclass
class TopicResult:
    """What the topic stage produced.

    ``assignments``: DataFrame indexed by ``paper_id`` (corpus order) with ``topic``, ``score``
    (cosine similarity of the paper to its topic's centroid in embedding space, 0-1 for normal
    texts) and ``section``. Every paper not excluded by the curation file has a topic.
    """

    assignments: pd.DataFrame
    topics: list[Topic]
    sections: list[Section]
    excluded: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    curation_report: list[dict[str, str]] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)  # living taxonomy (topics.living)
    model: Any = field(default=None, repr=False, compare=False)
    embeddings: Any = field(default=None, repr=False, compare=False)
    # taken off title-only papers' embeddings (topics.title_only); saved in ``state``
    title_shift: Any = field(default=None, repr=False, compare=False)

    # --- views -------------------------------------------------------------------------------

    @property
    def n_topics(self) -> int:
        return len(self.topics)

    @property
    def topic_words(self) -> dict[int, list[str]]:
        """Topic id -> keywords."""
        return {t.id: list(t.keywords) for t in self.topics}

    def topic(self, topic_id: int) -> Topic:
        return next(t for t in self.topics if t.id == topic_id)

    def section(self, section_id: int) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def labels(self) -> dict[int, str]:
        return {t.id: t.label for t in self.topics}

    def papers_of(self, topic_id: int) -> list[str]:
        """Paper ids of one topic, best score first (ties by corpus order)."""
        frame = self.assignments.reset_index()
        frame["order"] = range(len(frame))
        frame = frame[frame["topic"] == topic_id].sort_values(["score", "order"],
                                                             ascending=[False, True])
        return list(frame["paper_id"])

    def to_frame(self) -> pd.DataFrame:
        """The taxonomy as a table: one row per topic, in taxonomy order."""
        rows = []
        for section in self.sections:
            for topic_id in section.topic_ids:
                topic = self.topic(topic_id)
                rows.append({
                    "section_id": section.id,
                    "section": section.label,
                    "topic_id": topic.id,
                    "topic": topic.label,
                    "size": topic.size,
                    "keywords": ", ".join(topic.keywords),
                    "representative_papers": "; ".join(topic.representative_ids),
                })
        return pd.DataFrame(rows, columns=["section_id", "section", "topic_id", "topic", "size",
                                           "keywords", "representative_papers"])

    def tree(self) -> dict[str, Any]:
        """The taxonomy as a nested dict: sections -> topics -> paper ids."""
        return {
            "sections": [
                {
                    "id": s.id, "label": s.label, "size": s.size, "keywords": list(s.keywords),
                    "topics": [
                        {"id": t.id, "label": t.label, "size": t.size,
                         "keywords": list(t.keywords),
                         "representative_ids": list(t.representative_ids),
                         "papers": self.papers_of(t.id)}
                        for t in (self.topic(i) for i in s.topic_ids)
                    ],
                }
                for s in self.sections
            ]
        }

    def text_tree(self) -> str:
        """The taxonomy as an indented text tree (sections, topics with sizes)."""
        lines = [f"0. Related surveys ({len(self.related)})"] if self.related else []
        for s in self.sections:
            if len(s.topic_ids) == 1:  # a topic that is a section of its own, without subtopics
                lines.append(f"{s.id + 1}. {s.label} ({s.size}) [topic {s.topic_ids[0]}]")
                continue
            lines.append(f"{s.id + 1}. {s.label} ({s.size})")
            for position, topic_id in enumerate(s.topic_ids, 1):
                t = self.topic(topic_id)
                lines.append(f"   {s.id + 1}.{position} {t.label} ({t.size}) [topic {t.id}]")
        return "\n".join(lines) + "\n"

    # --- persistence -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        frame = self.assignments.reset_index()
        data = {
            "format": FORMAT_VERSION,
            "topics": [asdict(t) for t in self.topics],
            "sections": [asdict(s) for s in self.sections],
            "assignments": [
                {"paper_id": str(r.paper_id), "topic": int(r.topic), "section": int(r.section),
                 "score": round(float(r.score), 4)}
                for r in frame.itertuples(index=False)
            ],
            "excluded": list(self.excluded),
            "related": list(self.related),
            "provenance": _rounded(self.provenance),
            "curation_report": list(self.curation_report),
        }
        if self.state:
            data["living"] = _rounded(self.state)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, indent=1) + "\n"

    def save(self, folder: str | os.PathLike[str]) -> Path:
        """Write ``topics.json`` and ``topic_assignments.parquet`` into ``folder`` (atomically)."""
        folder = Path(folder)
        table = self.assignments.reset_index()[["paper_id", "topic", "section", "score"]].copy()
        labels = self.labels()
        table["topic_label"] = table["topic"].map(labels)
        table["score"] = table["score"].round(4)
        with io.atomic_path(folder / ASSIGNMENTS_FILE) as tmp:
            table.to_parquet(tmp, index=False)
        # topics.json last: the next run reads it as the previous result, so it must not exist
        # before everything else of this result is written (a kill in between changes nothing)
        return io.write_text(folder / RESULT_FILE, self.to_json())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TopicResult:
        frame = pd.DataFrame(data["assignments"], columns=["paper_id", "topic", "section", "score"])
        frame = frame.set_index("paper_id")[["topic", "score", "section"]]
        return cls(
            assignments=frame,
            topics=[Topic(**t) for t in data["topics"]],
            sections=[Section(**s) for s in data["sections"]],
            excluded=list(data.get("excluded", [])),
            related=list(data.get("related", [])),
            provenance=dict(data.get("provenance", {})),
            curation_report=list(data.get("curation_report", [])),
            state=dict(data.get("living", {})),
        )

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TopicResult:
        """Read a saved result from its folder or its ``topics.json``."""
        path = Path(path)
        if path.is_dir():
            path = path / RESULT_FILE
        if not path.exists():
            raise FileNotFoundError(f"{path}: no saved topics (run the topic stage first)")
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {str(k): _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value
