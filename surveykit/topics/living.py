"""A living taxonomy: papers added since the last run go into the saved topics; a report says what
changed (``build/topic_changes.md`` and ``.csv``).

When the output folder holds a previous result (``build/topics.json``) made with the same settings
(the *fingerprint*: the ``[topics]`` parameters, the curation file and the embedding model), the
topic stage does not refit. It keeps every topic's id, label, automatic label, keywords and
section as they were, and

* drops removed papers from their topics (sizes are recounted);
* places each new paper in the topic whose stored centroid is nearest by cosine: the same score
  the fitted members have (cosine to their topic's centroid in embedding space);
* *flags* a placed paper when that score is below its topic's threshold: the 5th percentile
  (numpy's linear interpolation) of the topic's members' *held-out* scores at fit time (each
  member's cosine to the centroid of the other members, so members are judged as a new paper is:
  without having shaped the centroid). A flagged paper is less typical of its nearest topic than
  95% of the topic's own members (for topics of under 20 papers: between the least and
  second-least typical member), i.e. no topic is close;
* keeps the fit's centroids and thresholds, so a placement does not depend on the order in which
  papers arrive, and the fit's keywords and representative papers (a removed representative is
  replaced by the best-scoring remaining member; placed papers never become representatives);
* keeps the "Related surveys" group; new papers of type ``survey`` join it when it exists.

A refit happens when asked (``surveykit run --refit``, ``refit = true`` under ``[topics]``), when
the fingerprint changed (the reason names what changed), when the saved result has no living state
(written before it existed: refitted once), or when a topic lost every paper. After a refit, old
topics are matched to new ones by member overlap (one-to-one, largest overlap first) and the papers
whose new topic is not the match of their old one are listed as moved.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from surveykit import io
from surveykit.corpus.model import Corpus
from surveykit.topics.config import TopicConfig
from surveykit.topics.curation import Curation, load_curation
from surveykit.topics.taxonomy import RESULT_FILE, TopicResult
from surveykit.topics.title_only import align, title_only_mask, title_shift

CHANGES_MD = "topic_changes.md"
CHANGES_CSV = "topic_changes.csv"
THRESHOLD_PERCENTILE = 5.0
THRESHOLD_RULE = ("flagged when the score is below the 5th percentile of the held-out scores of "
                  "the topic's members at fit time (each member's cosine to the centroid of the "
                  "others)")
CHANGE_COLUMNS = ["change", "paper_id", "title", "topic_before", "label_before", "topic_after",
                  "label_after", "score", "flagged", "size_before", "size_after", "detail"]
RELATED = -1  # the "Related surveys" group in the change report (it has no topic id)
RELATED_LABEL = "Related surveys"
PLACEMENT_COLUMNS = ["topic", "score", "flagged", "threshold", "by"]


# --- state: centroids, thresholds, fingerprint -------------------------------------------------


def fingerprint(config: TopicConfig, curation: Curation, model_id: str = "") -> dict[str, Any]:
    """What makes a saved taxonomy valid: topic settings, curation and embedding model."""
    parts = {"config": config.to_dict(),
             "curation": {k: v for k, v in curation.describe().items() if k != "path"},
             "embedding_model": model_id}
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False)
    return {"hash": hashlib.sha256(text.encode("utf-8")).hexdigest()[:16], "parts": parts}


def _unit(vectors: np.ndarray) -> np.ndarray:
    data = np.asarray(vectors, dtype=np.float64)
    if data.ndim == 1:
        data = data[None, :]
    return data / np.maximum(np.linalg.norm(data, axis=1, keepdims=True), 1e-12)


def _encode(vector: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode("ascii")


def _decode(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f4").astype(np.float64)


def attach_state(result: TopicResult, print_: dict[str, Any] | None = None,
                 embeddings: np.ndarray | None = None) -> TopicResult:
    """Store each topic's centroid (unit mean of its members' embeddings, float32, base64) and
    threshold in ``result.state``, with the fingerprint ``print_`` (from :func:`fingerprint`).

    ``embeddings``: rows in ``result.assignments`` order (default: ``result.embeddings``)."""
    vectors = result.embeddings if embeddings is None else embeddings
    if vectors is None or len(vectors) != len(result.assignments):
        raise ValueError("attach_state needs the embeddings of the result's papers")
    base = _unit(vectors)
    topics = result.assignments["topic"].to_numpy(dtype=int)
    centroids, thresholds = {}, {}
    for topic in result.topics:
        members = base[topics == topic.id]
        centroids[str(topic.id)] = _encode(_unit(members.mean(axis=0))[0])
        thresholds[str(topic.id)] = round(float(np.percentile(
            _held_out_scores(members), THRESHOLD_PERCENTILE)), 4)
    result.state = {
        "centroids": centroids,
        "thresholds": thresholds,
        "threshold_rule": THRESHOLD_RULE,
        "fingerprint": print_["hash"] if print_ else "",
        "fingerprint_parts": print_["parts"] if print_ else {},
        "placed": [],
    }
    if result.title_shift is not None:  # new title-only papers are placed with the same shift
        result.state["title_shift"] = _encode(result.title_shift)
    return result


def _held_out_scores(members: np.ndarray) -> np.ndarray:
    """Each member's cosine to the centroid of the *other* members: how a paper that did not shape
    the centroid scores (a new paper's situation). A one-paper topic gets its own score (1)."""
    if len(members) < 2:
        return np.ones(len(members))
    others = _unit(members.sum(axis=0, keepdims=True) - members)
    return np.einsum("ij,ij->i", members, others)


def _centroid_matrix(state: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not state.get("centroids"):
        raise ValueError("the topic result has no living state (centroids): fit it again")
    ids = np.array(sorted(int(t) for t in state["centroids"]))
    matrix = _unit(np.stack([_decode(state["centroids"][str(t)]) for t in ids]))
    thresholds = np.array([float(state["thresholds"][str(t)]) for t in ids])
    return ids, matrix, thresholds


def place(paper_ids: Sequence[str], embeddings: np.ndarray, state: dict[str, Any]) -> pd.DataFrame:
    """Nearest topic of each paper by cosine to the stored centroids.

    Returns a frame indexed by ``paper_id``: ``topic``, ``score`` (cosine, 4 decimals),
    ``flagged`` (score below the topic's threshold), ``threshold`` and ``by`` (``"nearest"``).
    Ties go to the lowest topic id."""
    frame = pd.DataFrame(columns=PLACEMENT_COLUMNS, index=pd.Index([], name="paper_id"))
    if len(paper_ids) == 0:
        return frame
    ids, matrix, thresholds = _centroid_matrix(state)
    sims = _unit(embeddings) @ matrix.T
    best = sims.argmax(axis=1)
    scores = np.round(sims[np.arange(len(best)), best], 4)
    return pd.DataFrame({
        "paper_id": list(paper_ids), "topic": ids[best].astype(int), "score": scores,
        "flagged": scores < thresholds[best], "threshold": thresholds[best], "by": "nearest",
    }).set_index("paper_id")


def align_saved(corpus: Corpus, embeddings: np.ndarray, state: dict[str, Any]) -> np.ndarray:
    """``embeddings`` (corpus order) with the fit's title-only shift (:mod:`.title_only`), saved in
    ``state``, taken off the papers without an abstract; unchanged when the fit had none."""
    shift = state.get("title_shift")
    if not shift:
        return np.asarray(embeddings)
    return align(embeddings, title_only_mask(corpus.papers), _decode(shift))


# --- the living update -------------------------------------------------------------------------


def refit_reason(previous: TopicResult | None, print_: dict[str, Any], refit: bool) -> str | None:
    """Why the topics must be fitted from scratch, or ``None`` when papers can be placed."""
    if previous is None:
        return "no previous topics in this output folder"
    if refit:
        return "refit asked (surveykit run --refit or [topics] refit = true)"
    if not previous.state.get("centroids"):
        return "the saved topics have no living state (written by an older surveykit): refitted once"
    if not previous.state.get("fingerprint"):
        return "the saved topics have no fingerprint (fitted outside the topic stage)"
    if previous.state.get("fingerprint") != print_["hash"]:
        changed = _changed_keys(previous.state.get("fingerprint_parts", {}), print_["parts"])
        return "settings changed since the last fit: " + (", ".join(changed) or "fingerprint")
    return None


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, inner in value.items():
            out.update(_flatten(inner, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): value}


def _changed_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    before, after = _flatten(json.loads(json.dumps(old))), _flatten(json.loads(json.dumps(new)))
    out = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if isinstance(a, float) or isinstance(b, float):
            same = a is not None and b is not None and abs(float(a) - float(b)) < 1e-6
        else:
            same = a == b
        if not same:
            out.append(f"{key} ({_short(a)} -> {_short(b)})" if key.startswith("config.")
                       else key)
    return out


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def update_result(previous: TopicResult, corpus: Corpus, embeddings: np.ndarray,
                  curation: Curation | None = None,
                  paper_types: Mapping[str, str] | None = None) -> tuple[TopicResult | None, str]:
    """The previous taxonomy with removed papers dropped and new ones placed (module docstring).

    When the previous result has a "Related surveys" group, new papers of type ``survey``
    (``paper_types``) that the curation file does not move or pin join it instead of a topic.
    Returns ``(None, reason)`` when the taxonomy cannot be kept (a topic lost every paper)."""
    curation = curation or Curation()
    embeddings = np.asarray(embeddings)
    if len(embeddings) != len(corpus):
        raise ValueError(f"{len(embeddings)} embedding rows for {len(corpus)} papers")
    excluded = [pid for pid in curation.exclude if pid in corpus]
    skip = set(excluded)
    known = set(previous.assignments.index) | set(previous.related)
    curated = set(curation.move) | set(curation.pin)
    before = set(previous.related)
    related = [pid for pid in corpus.ids if pid not in skip and (
        pid in before or (bool(before) and pid not in known and pid not in curated
                          and (paper_types or {}).get(pid) == "survey"))]
    skip |= set(related)
    current = [pid for pid in corpus.ids if pid not in skip]
    row = {pid: i for i, pid in enumerate(corpus.ids)}
    old = previous.assignments
    old_topic = dict(zip(old.index, old["topic"].astype(int), strict=True))
    old_score = dict(zip(old.index, old["score"].astype(float), strict=True))
    new_ids = [pid for pid in current if pid not in old_topic]
    embeddings = align_saved(corpus, embeddings, previous.state)
    new_vectors = embeddings[[row[p] for p in new_ids]]
    placed = place(new_ids, new_vectors, previous.state)
    notes = _curate_new(placed, new_vectors, curation, previous, old_topic)

    topic_of = {pid: int(placed.at[pid, "topic"]) if pid in placed.index else old_topic[pid]
                for pid in current}
    sizes = pd.Series(list(topic_of.values()), dtype=int).value_counts().to_dict()
    for topic in previous.topics:
        if sizes.get(topic.id, 0) == 0:
            return None, f"topic {topic.id} ({topic.label!r}) lost every paper: refitted"
    section_of = {t.id: t.section for t in previous.topics}
    frame = pd.DataFrame({
        "paper_id": current,
        "topic": [topic_of[p] for p in current],
        "score": [float(placed.at[p, "score"]) if p in placed.index else old_score[p]
                  for p in current],
        "section": [section_of[topic_of[p]] for p in current],
    }).set_index("paper_id")[["topic", "score", "section"]]

    order = {pid: i for i, pid in enumerate(current)}
    placed_before = {x["paper_id"] for x in previous.state.get("placed", [])}
    fitted = {p: s for p, s in old_score.items() if p not in placed_before}
    topics = []
    for topic in previous.topics:
        members = [p for p in current if topic_of[p] == topic.id]
        topics.append(dataclasses.replace(
            topic, size=len(members),
            representative_ids=_representatives(topic.representative_ids, members, fitted,
                                                order, len(topic.representative_ids))))
    size_of = {t.id: t.size for t in topics}
    sections = [dataclasses.replace(s, size=sum(size_of[t] for t in s.topic_ids))
                for s in previous.sections]

    keep = set(current)
    state = dict(previous.state)
    state["placed"] = [p for p in previous.state.get("placed", []) if p["paper_id"] in keep] + [
        {"paper_id": pid, "topic": int(r.topic), "score": float(r.score),
         "flagged": bool(r.flagged), "by": str(r.by)}
        for pid, r in zip(placed.index, placed.itertuples(index=False), strict=True)]
    provenance = dict(previous.provenance)
    provenance.update({"n_papers": len(current), "n_excluded": len(excluded)})
    if "n_related_surveys" in provenance:
        provenance["n_related_surveys"] = len(related)
    result = TopicResult(assignments=frame, topics=topics, sections=sections, excluded=excluded,
                         related=related, provenance=provenance,
                         curation_report=_refresh_report(previous.curation_report, corpus, notes),
                         state=state)
    result.embeddings = embeddings[[row[p] for p in current]]
    return result, ""


def _representatives(fitted: list[str], members: list[str], scores: dict[str, float],
                     order: dict[str, int], n: int) -> list[str]:
    """The fit's representatives still present, topped up by the best-scoring members the fit
    placed (``scores`` holds only those: placed papers never become representatives)."""
    keep = set(members)
    reps = [p for p in fitted if p in keep]
    pool = sorted((p for p in members if p in scores and p not in reps),
                  key=lambda p: (-scores[p], order[p]))
    return reps + pool[:max(0, n - len(reps))]


def _curate_new(placed: pd.DataFrame, vectors: np.ndarray, curation: Curation,
                previous: TopicResult, old_topic: dict[str, int]
                ) -> dict[tuple[str, str], tuple[str, str]]:
    """Apply ``move`` and ``pin`` of the curation file to newly placed papers (in place).

    A ``move`` target may be ``paper:<id>`` of a paper already in the taxonomy or a topic's label;
    a ``pin`` label must be a topic's label. The paper's score is then its cosine to that topic's
    centroid, and it is not flagged. Other refs need a refit and are reported unmatched."""
    notes: dict[tuple[str, str], tuple[str, str]] = {}
    if placed.empty:
        return notes
    by_label: dict[str, int] = {}
    for topic in previous.topics:
        by_label.setdefault(topic.auto_label.lower(), topic.id)
    for topic in previous.topics:
        by_label[topic.label.lower()] = topic.id
    ids, matrix, _ = _centroid_matrix(previous.state)
    column = {int(t): i for i, t in enumerate(ids)}
    base = _unit(vectors)

    def put(pid: str, topic: int, op: str, detail: str) -> None:
        i = placed.index.get_loc(pid)
        placed.at[pid, "topic"] = topic
        placed.at[pid, "score"] = round(float(base[i] @ matrix[column[topic]]), 4)
        placed.at[pid, "flagged"] = False
        placed.at[pid, "by"] = op
        notes[(op, pid)] = ("applied", detail)

    for pid, ref in curation.move.items():
        if pid not in placed.index:
            continue
        target = (old_topic.get(ref[len("paper:"):]) if ref.startswith("paper:")
                  else by_label.get(ref.lower()))
        if target is None:
            notes[("move", pid)] = ("unmatched", f"{ref!r} names no topic of the saved taxonomy "
                                                 "(refit to apply: surveykit run --refit)")
        else:
            put(pid, int(target), "move", f"placed paper moved to topic {target} ({ref})")
    for pid, label in curation.pin.items():
        if pid not in placed.index:
            continue
        target = by_label.get(label.lower())
        if target is None:
            notes[("pin", pid)] = ("unmatched", f"no topic labelled {label!r} in the saved "
                                                "taxonomy (refit to make it: surveykit run --refit)")
        else:
            put(pid, int(target), "pin", f"placed paper pinned to topic {target} ({label!r})")
    return notes


def _refresh_report(report: list[dict[str, str]], corpus: Corpus,
                    notes: dict[tuple[str, str], tuple[str, str]]) -> list[dict[str, str]]:
    """The fit's curation report, with ``exclude`` re-checked against the current corpus and the
    ``move``/``pin`` of newly placed papers updated."""
    out = []
    for entry in report:
        entry = dict(entry)
        if entry.get("op") == "exclude":
            inside = entry["target"] in corpus
            entry["status"] = "applied" if inside else "unmatched"
            entry["detail"] = ("left out of the topics" if inside
                               else f"paper {entry['target']!r} is not in the corpus")
        key = (entry.get("op", ""), entry.get("target", ""))
        if key in notes:
            entry["status"], entry["detail"] = notes[key]
        out.append(entry)
    return out


# --- what changed since the last run -----------------------------------------------------------


def match_topics(before: dict[str, int], after: dict[str, int]) -> dict[int, int]:
    """Old topic -> new topic by member overlap (papers in both), one-to-one, largest first."""
    overlap: dict[tuple[int, int], int] = {}
    for pid, old in before.items():
        if pid in after:
            key = (old, after[pid])
            overlap[key] = overlap.get(key, 0) + 1
    match: dict[int, int] = {}
    used: set[int] = set()
    for (old, new), _ in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0])):
        if old not in match and new not in used:
            match[old] = new
            used.add(new)
    return match


@dataclass
class TopicChanges:
    """What changed in the topics since the last run; ``rows`` has :data:`CHANGE_COLUMNS`.

    ``change`` is one of: new paper, removed paper, moved paper, topic grew, topic shrank,
    new topic, topic gone, label changed. ``mode``: ``fit`` (no previous run), ``placed`` (new
    papers placed in the existing taxonomy) or ``refit``; ``reason`` says why."""

    mode: str
    reason: str
    rows: pd.DataFrame
    before: tuple[int, int] | None = None  # (papers, topics) of the previous run
    after: tuple[int, int] = (0, 0)
    threshold_rule: str = THRESHOLD_RULE
    counts: dict[str, int] = field(default_factory=dict)

    def of(self, change: str) -> pd.DataFrame:
        """The rows of one kind of change."""
        return self.rows[self.rows["change"] == change]

    def summary(self) -> str:
        mode = {"fit": "first fit", "placed": "new papers placed in the existing taxonomy",
                "refit": "refit"}[self.mode]
        head = f"Topics: {mode}"
        if self.reason and self.mode != "placed":
            head += f"; {self.reason}"
        papers, topics = self.after
        if self.before is None:
            return f"{head}. {papers} papers in {topics} topics."
        counts = ", ".join(f"{n} {_PHRASES[kind][n != 1]}"
                           for kind, n in self.counts.items() if n) or "nothing changed"
        return (f"{head}. Before: {self.before[0]} papers in {self.before[1]} topics; now "
                f"{papers} papers in {topics} topics. Changes: {counts}.")

    def table(self) -> pd.DataFrame:
        """A compact view: one row per change, the paper's title or the topic's label."""
        frame = self.rows
        what = [t if pid else (a or b) for pid, t, a, b in zip(
            frame["paper_id"], frame["title"], frame["label_after"], frame["label_before"],
            strict=True)]

        def side(topic: pd.Series, label: pd.Series, size: pd.Series) -> list[str]:
            out = []
            for t, lab_, n in zip(topic, label, size, strict=True):
                text = f"{t}: {lab_}" if t != "" else lab_
                out.append(f"{text} ({n})" if text and n != "" else text)
            return out

        return pd.DataFrame({
            "change": frame["change"], "paper or topic": [_clip(w, 70) for w in what],
            "before": side(frame["topic_before"], frame["label_before"], frame["size_before"]),
            "after": side(frame["topic_after"], frame["label_after"], frame["size_after"]),
            "score": frame["score"], "flagged": frame["flagged"],
        }).reset_index(drop=True)

    def to_markdown(self) -> str:
        lines = ["# What changed in the topics since the last run", "", self.summary(), ""]
        if self.before is None:
            lines.append("No previous run in this output folder: nothing to compare with.")
            return "\n".join(lines) + "\n"
        sections = [
            ("New papers", "new paper", ["paper_id", "title", "topic_after", "label_after",
                                          "score", "flagged", "detail"]),
            ("Removed papers", "removed paper", ["paper_id", "title", "topic_before",
                                                  "label_before"]),
            ("Papers that moved", "moved paper", ["paper_id", "title", "topic_before",
                                                   "label_before", "topic_after", "label_after"]),
        ]
        for heading, kind, columns in sections:
            part = self.of(kind)
            lines += [f"## {heading} ({len(part)})", ""]
            lines += _md_table(part, columns) if len(part) else ["None.", ""]
        topics = self.rows[self.rows["change"].isin(
            ["topic grew", "topic shrank", "new topic", "topic gone"])]
        lines += [f"## Topics that grew or shrank ({len(topics)})", ""]
        lines += _md_table(topics, ["change", "topic_before", "label_before", "size_before",
                                    "topic_after", "label_after", "size_after"]) \
            if len(topics) else ["None.", ""]
        labels = self.of("label changed")
        lines += [f"## Label changes ({len(labels)})", ""]
        lines += _md_table(labels, ["topic_before", "label_before", "topic_after",
                                    "label_after"]) if len(labels) else ["None.", ""]
        if self.mode == "placed":
            lines += [f"Placement: nearest topic centroid by cosine (score); {self.threshold_rule}."
                      " Topic ids, labels, keywords and sections are kept; run "
                      "`surveykit run --refit` to fit the topics again.", ""]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def save(self, folder: str | os.PathLike[str]) -> Path:
        """Write ``topic_changes.md`` and ``topic_changes.csv`` into ``folder`` (atomically)."""
        folder = Path(folder)
        io.write_text(folder / CHANGES_CSV, self.rows.to_csv(index=False, lineterminator="\n"))
        return io.write_text(folder / CHANGES_MD, self.to_markdown())


_PHRASES = {
    "new paper": ("new paper", "new papers"), "removed paper": ("removed paper", "removed papers"),
    "moved paper": ("paper moved", "papers moved"), "topic grew": ("topic grew", "topics grew"),
    "topic shrank": ("topic shrank", "topics shrank"), "new topic": ("new topic", "new topics"),
    "topic gone": ("topic gone", "topics gone"),
    "label changed": ("label changed", "labels changed"),
}


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _md_table(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(c.replace("_", " ") for c in columns) + " |",
           "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(cell(v) for v in row) + " |"
            for row in frame[columns].itertuples(index=False)]
    return out + [""]


def _topic_map(result: TopicResult) -> dict[str, int]:
    """Paper id -> topic id, the "Related surveys" group as :data:`RELATED`."""
    topics = dict(zip(result.assignments.index, result.assignments["topic"].astype(int),
                      strict=True))
    topics.update({pid: RELATED for pid in result.related})
    return topics


def compare(previous: TopicResult | None, result: TopicResult, corpus: Corpus, mode: str,
            reason: str = "") -> TopicChanges:
    """The changes from ``previous`` to ``result`` (see :class:`TopicChanges`)."""
    after = (len(result.assignments) + len(result.related), result.n_topics)
    if previous is None:
        return TopicChanges(mode, reason, pd.DataFrame(columns=CHANGE_COLUMNS), None, after)
    before_topic = _topic_map(previous)
    after_topic = _topic_map(result)
    after_score = dict(zip(result.assignments.index, result.assignments["score"].astype(float),
                           strict=True))
    if mode == "placed":
        match = {t.id: t.id for t in previous.topics}
    else:
        match = match_topics({p: t for p, t in before_topic.items() if t != RELATED},
                             {p: t for p, t in after_topic.items() if t != RELATED})
    if previous.related:
        match[RELATED] = RELATED
    old_label = {**previous.labels(), RELATED: RELATED_LABEL}
    new_label = {**result.labels(), RELATED: RELATED_LABEL}
    old_size = {**{t.id: t.size for t in previous.topics}, RELATED: len(previous.related)}
    new_size = {**{t.id: t.size for t in result.topics}, RELATED: len(result.related)}
    placed = {p["paper_id"]: p for p in result.state.get("placed", [])}

    def title(pid: str) -> str:
        return corpus[pid].title if pid in corpus else ""

    def row(change: str, pid: str = "", before: int | None = None, after_: int | None = None,
            **extra: Any) -> dict[str, Any]:
        base = {c: "" for c in CHANGE_COLUMNS}
        base.update(change=change, paper_id=pid, title=title(pid) if pid else "")
        if before is not None:
            base.update(topic_before="" if before == RELATED else before,
                        label_before=old_label[before])
        if after_ is not None:
            base.update(topic_after="" if after_ == RELATED else after_,
                        label_after=new_label[after_])
        base.update(extra)
        return base

    rows = []
    for pid in after_topic:
        if pid not in before_topic:
            info = placed.get(pid, {}) if mode == "placed" else {}
            detail = {"nearest": "nearest topic", "move": "moved by curation",
                      "pin": "pinned by curation"}.get(info.get("by", ""), "fitted with the rest")
            if after_topic[pid] == RELATED:
                rows.append(row("new paper", pid, after_=RELATED, detail="a survey"))
                continue
            rows.append(row("new paper", pid, after_=after_topic[pid],
                            score=round(after_score[pid], 4),
                            flagged=bool(info["flagged"]) if info else "", detail=detail))
    for pid, old in before_topic.items():
        if pid not in after_topic:
            rows.append(row("removed paper", pid, before=old))
    for pid, old in before_topic.items():
        if pid in after_topic and match.get(old) != after_topic[pid]:
            rows.append(row("moved paper", pid, before=old, after_=after_topic[pid]))
    matched_new = {new: old for old, new in match.items()}
    after_ids = [t.id for t in result.topics] + ([RELATED] if result.related else [])
    for topic in after_ids:
        old = matched_new.get(topic)
        if old is None:
            rows.append(row("new topic", after_=topic, size_after=new_size[topic]))
        elif new_size[topic] != old_size[old]:
            kind = "topic grew" if new_size[topic] > old_size[old] else "topic shrank"
            rows.append(row(kind, before=old, after_=topic, size_before=old_size[old],
                            size_after=new_size[topic]))
    before_ids = [t.id for t in previous.topics] + ([RELATED] if previous.related else [])
    for topic in before_ids:
        if topic not in match:
            rows.append(row("topic gone", before=topic, size_before=old_size[topic]))
    for old, new in sorted(match.items()):
        if old_label[old] != new_label[new]:
            rows.append(row("label changed", before=old, after_=new))
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    kinds = ["new paper", "removed paper", "moved paper", "topic grew", "topic shrank",
             "new topic", "topic gone", "label changed"]
    counts = {k: int((frame["change"] == k).sum()) for k in kinds}
    return TopicChanges(mode, reason, frame, (len(before_topic), previous.n_topics), after,
                        str(result.state.get("threshold_rule", THRESHOLD_RULE)), counts)


# --- the stage ---------------------------------------------------------------------------------


def load_previous(folder: str | os.PathLike[str] | None) -> TopicResult | None:
    """The saved result in ``folder``, or ``None`` when there is none (or it cannot be read)."""
    if folder is None or not (Path(folder) / RESULT_FILE).exists():
        return None
    try:
        return TopicResult.load(folder)
    except (ValueError, KeyError, TypeError):  # unreadable: treat as no previous run
        return None


def run_topic_stage(corpus: Corpus, embeddings: np.ndarray, config: TopicConfig | None = None,
                    curation: Curation | str | os.PathLike[str] | None = None,
                    folder: str | os.PathLike[str] | None = None, refit: bool = False,
                    model_id: str = "", paper_types: Mapping[str, str] | None = None,
                    phrase_embedder: Any = None,
                    ) -> tuple[TopicResult, TopicChanges]:
    """The topic stage with a living taxonomy: place new papers into the result saved in
    ``folder`` when it is still valid, else fit (see the module docstring). Saves nothing.

    ``paper_types`` (paper id -> type) and ``phrase_embedder`` as for
    :func:`~surveykit.topics.engine.fit_topics`."""
    from surveykit.topics.engine import fit_topics

    config = config or TopicConfig()
    if not isinstance(curation, Curation):
        curation = load_curation(curation)
    previous = load_previous(folder)
    print_ = fingerprint(config, curation, model_id)
    reason = refit_reason(previous, print_, refit)
    result: TopicResult | None = None
    if reason is None and previous is not None:
        if "title_shift" not in previous.state:  # fitted without title-only papers: new ones may be
            shift = title_shift(corpus.papers, embeddings, phrase_embedder)
            if shift is not None:
                previous.state["title_shift"] = _encode(shift)
        result, why = update_result(previous, corpus, embeddings, curation, paper_types)
        reason = why or None
    if result is None:
        result = attach_state(fit_topics(corpus, embeddings, config, curation, paper_types,
                                         phrase_embedder=phrase_embedder), print_)
        mode = "fit" if previous is None else "refit"
    else:
        mode = "placed"
    return result, compare(previous, result, corpus, mode, reason or "")


def attach_model(result: TopicResult, corpus: Corpus, config: TopicConfig | None = None) -> Any:
    """An in-memory BERTopic model of ``result``'s topics (for its figures) when the result was
    not fitted in this session: BERTopic's manual topic modelling (c-TF-IDF over the given
    assignments, no clustering)."""
    if result.model is not None:
        return result.model
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction

    from surveykit.topics import labels as lab
    from surveykit.topics._lazy_bertopic import bertopic_class
    from surveykit.topics.engine import _ctfidf, _set_bertopic_labels, _vectorizer, topic_texts

    config = config or TopicConfig()
    texts = topic_texts([corpus[p] for p in result.assignments.index])
    analyzer = lab.PhraseAnalyzer(lab.stop_words(config.stop_words))
    plain, _, counts = lab.paired_terms(texts, analyzer)
    model = bertopic_class()(
        embedding_model=None, umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=_vectorizer(plain.vocabulary, analyzer, texts, counts),
        ctfidf_model=_ctfidf(), top_n_words=config.top_n_words, calculate_probabilities=False,
        language=None, verbose=False)
    topics = result.assignments["topic"].to_numpy(dtype=int)
    model.fit_transform(texts, np.asarray(result.embeddings), y=topics)
    _set_bertopic_labels(model, topics, {t.id: t.id for t in result.topics}, result.labels())
    result.model = model
    return model
