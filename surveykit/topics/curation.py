"""The author's corrections to the topics: a TOML file read after every fit, never written.

Format (every key optional)::

    # curation.toml
    n_topics = 8                 # fix the number of topics (else chosen automatically)
    n_sections = 3               # fix the number of top-level sections
    exclude = ["arxiv:2401.00001"]          # papers left out of the topic stage

    # A topic reference ("ref") is one of
    #   "paper:<paper id>"  the topic that holds this paper (the most stable way)
    #   "<label>"           a topic's automatic label, as in topics.json ("auto_label")
    #   "#3" (or 3)         a topic id of the automatic result
    # Labels and ids are stable for the same corpus, config and file; "paper:" refs also survive
    # a changed corpus. Refs are read against the fitted topics, before any correction.

    merge = [["paper:arxiv:2308.00352", "multi agent debate"]]   # each list becomes one topic

    [split]                      # ref = number of parts
    "paper:arxiv:2310.03302" = 2

    [move]                       # paper id = ref of the target topic
    "arxiv:2408.09667" = "paper:arxiv:2310.03302"

    [rename]                     # ref = label to show
    "paper:arxiv:2309.15817" = "Safety and security"

    [pin]                        # paper id = label; the paper goes to the topic with that label
    "arxiv:2312.07540" = "Safety and security"   # (a new topic if no topic has it)

Applied in this order: exclude and n_topics/n_sections (before clustering), split, merge, move,
rename, pin. A ref is followed to its paper (a topic's most representative paper for labels and
ids) and then to that paper's current topic, so operations compose. Every instruction is reported
as ``applied`` or ``unmatched`` (a paper id that is not in the corpus, a label no topic has, more
sections than topics...), never dropped silently; ``n_topics`` and ``n_sections`` included.

The file is part of the living taxonomy's fingerprint (:mod:`surveykit.topics.living`): editing it
refits on the next run, since its refs name the topics of a fit.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

KNOWN_KEYS = {"n_topics", "n_sections", "exclude", "merge", "split", "move", "rename", "pin"}


class CurationError(ValueError):
    """A curation file that cannot be used; the message names the file and the key."""


@dataclass
class Curation:
    """The parsed curation file (see the module docstring for the format)."""

    path: Path | None = None
    n_topics: int | None = None
    n_sections: int | None = None
    exclude: list[str] = field(default_factory=list)
    merge: list[list[str]] = field(default_factory=list)
    split: dict[str, int] = field(default_factory=dict)
    move: dict[str, str] = field(default_factory=dict)
    rename: dict[str, str] = field(default_factory=dict)
    pin: dict[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.n_topics or self.n_sections or self.exclude or self.merge or self.split
                    or self.move or self.rename or self.pin)

    def describe(self) -> dict[str, Any]:
        return {"path": str(self.path) if self.path else None, "n_topics": self.n_topics,
                "n_sections": self.n_sections, "exclude": list(self.exclude),
                "merge": [list(g) for g in self.merge], "split": dict(self.split),
                "move": dict(self.move), "rename": dict(self.rename), "pin": dict(self.pin)}


def _ref(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise CurationError(f"{where}: a topic reference is a string or an integer, got {value!r}")
    return f"#{value}" if isinstance(value, int) else value.strip()


def _positive_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise CurationError(f"{where}: expected a positive integer, got {value!r}")
    return value


def _table(data: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise CurationError(f"{name}: [{key}] must be a table, got {type(value).__name__}")
    return value


def parse_curation(data: dict[str, Any], name: str = "<curation>") -> Curation:
    """Validate a parsed TOML document into a :class:`Curation`."""
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        import difflib

        hints = []
        for key in unknown:
            close = difflib.get_close_matches(key, sorted(KNOWN_KEYS), n=1)
            hints.append(f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise CurationError(f"{name}: unknown key(s) {', '.join(hints)}; "
                            f"known: {', '.join(sorted(KNOWN_KEYS))}")
    cur = Curation()
    if data.get("n_topics") is not None:
        cur.n_topics = _positive_int(data["n_topics"], f"{name}: n_topics")
    if data.get("n_sections") is not None:
        cur.n_sections = _positive_int(data["n_sections"], f"{name}: n_sections")
    exclude = data.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(x, str) for x in exclude):
        raise CurationError(f"{name}: exclude must be a list of paper ids")
    cur.exclude = [x.strip() for x in exclude]
    merge = data.get("merge", [])
    if not isinstance(merge, list) or not all(isinstance(g, list) for g in merge):
        raise CurationError(f"{name}: merge must be a list of lists of topic references")
    for index, group in enumerate(merge):
        if len(group) < 2:
            raise CurationError(f"{name}: merge[{index}] needs at least two topics")
        refs = [_ref(v, f"{name}: merge[{index}]") for v in group]
        if len(set(refs)) < len(refs):
            raise CurationError(f"{name}: merge[{index}] names the same topic twice ({refs}); "
                                "a merge needs two different topics")
        cur.merge.append(refs)
    for ref, parts in _table(data, "split", name).items():
        count = _positive_int(parts, f"{name}: [split] {ref!r}")
        if count < 2:
            raise CurationError(f"{name}: [split] {ref!r} = {count}: a split makes 2 or more parts")
        cur.split[_ref(ref, f"{name}: [split]")] = count
    for paper, target in _table(data, "move", name).items():
        cur.move[paper.strip()] = _ref(target, f"{name}: [move] {paper!r}")
    for ref, label in _table(data, "rename", name).items():
        if not isinstance(label, str) or not label.strip():
            raise CurationError(f"{name}: [rename] {ref!r}: the new label must be a string")
        cur.rename[_ref(ref, f"{name}: [rename]")] = " ".join(label.split())
    for paper, label in _table(data, "pin", name).items():
        if not isinstance(label, str) or not label.strip():
            raise CurationError(f"{name}: [pin] {paper!r}: the value is a topic label (string)")
        cur.pin[paper.strip()] = " ".join(label.split())
    return cur


def load_curation(path: str | os.PathLike[str] | None, missing_ok: bool = True) -> Curation:
    """Read a curation file; a missing file is an empty curation when ``missing_ok``."""
    if path is None:
        return Curation()
    path = Path(path)
    if not path.exists():
        if missing_ok:
            return Curation(path=path)
        raise CurationError(f"{path}: curation file not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise CurationError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CurationError(f"{path}: not valid TOML ({exc})") from exc
    curation = parse_curation(data, str(path))
    curation.path = path
    return curation


# --- application -----------------------------------------------------------------------------


@dataclass
class CurationState:
    """What the corrections work on: the papers kept, their topics, and the fitted topics."""

    paper_ids: list[str]
    topics: np.ndarray  # current topic per paper (int, modified in place)
    auto_labels: dict[int, str]  # fitted topic id -> automatic label
    anchors: dict[int, str]  # fitted topic id -> its most representative paper
    split_features: Callable[[np.ndarray], np.ndarray]  # row indexes -> features to split on
    report: list[dict[str, str]] = field(default_factory=list)
    fixed_labels: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.row = {pid: i for i, pid in enumerate(self.paper_ids)}

    def note(self, op: str, target: str, status: str, detail: str) -> None:
        self.report.append({"op": op, "target": target, "status": status, "detail": detail})

    def new_topic_id(self) -> int:
        return int(self.topics.max()) + 1 if len(self.topics) else 0

    def resolve(self, ref: str) -> tuple[int | None, str]:
        """Current topic of a reference, or ``None`` and why not."""
        if ref.startswith("paper:"):
            paper = ref[len("paper:"):]
            if paper in self.row:
                return int(self.topics[self.row[paper]]), ""
            return None, f"paper {paper!r} is not in the topic stage's corpus"
        if ref.startswith("#") and ref[1:].lstrip("-").isdigit():
            topic = int(ref[1:])
            if topic in self.anchors:
                return int(self.topics[self.row[self.anchors[topic]]]), ""
            return None, f"no topic {topic} in the fitted topics (0..{len(self.anchors) - 1})"
        matches = [t for t, label in self.auto_labels.items() if label.lower() == ref.lower()]
        if not matches and ref.isdigit() and int(ref) in self.anchors:
            matches = [int(ref)]
        if matches:
            return int(self.topics[self.row[self.anchors[matches[0]]]]), ""
        return None, f"no fitted topic has the label {ref!r}"


def apply_curation(curation: Curation, state: CurationState) -> CurationState:
    """Apply split, merge, move, rename and pin (in that order) to ``state``; report each one."""
    for ref, parts in curation.split.items():
        topic, why = state.resolve(ref)
        if topic is None:
            state.note("split", ref, "unmatched", why)
            continue
        rows = np.flatnonzero(state.topics == topic)
        if parts < 2 or len(rows) < parts:
            state.note("split", ref, "unmatched",
                       f"topic has {len(rows)} papers, cannot split into {parts}")
            continue
        from surveykit.topics.clustering import split_topic

        sub = split_topic(state.split_features(rows), parts)
        base = state.new_topic_id()
        for part in range(1, int(sub.max()) + 1):
            state.topics[rows[sub == part]] = base + part - 1
        state.note("split", ref, "applied", f"{len(rows)} papers into {int(sub.max()) + 1} topics")
    for group in curation.merge:
        resolved = [(ref, *state.resolve(ref)) for ref in group]
        bad = [f"{ref}: {why}" for ref, topic, why in resolved if topic is None]
        targets = sorted({topic for _, topic, _ in resolved if topic is not None})
        name = " + ".join(group)
        if bad:
            state.note("merge", name, "unmatched", "; ".join(bad))
        if len(targets) < 2:
            if not bad:
                state.note("merge", name, "applied", "already one topic")
            continue
        for topic in targets[1:]:
            state.topics[state.topics == topic] = targets[0]
        if not bad:
            state.note("merge", name, "applied", f"{len(targets)} topics into one")
    for paper, ref in curation.move.items():
        if paper not in state.row:
            state.note("move", paper, "unmatched", f"paper {paper!r} is not in the corpus")
            continue
        topic, why = state.resolve(ref)
        if topic is None:
            state.note("move", paper, "unmatched", why)
            continue
        state.topics[state.row[paper]] = topic
        state.note("move", paper, "applied", f"to the topic of {ref}")
    for ref, label in curation.rename.items():
        topic, why = state.resolve(ref)
        if topic is None:
            state.note("rename", ref, "unmatched", why)
            continue
        if topic in state.fixed_labels and state.fixed_labels[topic] != label:
            state.note("rename", ref, "applied",
                       f"replaces the earlier rename {state.fixed_labels[topic]!r}")
        else:
            state.note("rename", ref, "applied", f"now {label!r}")
        state.fixed_labels[topic] = label
    _apply_pins(curation, state)
    _renumber(state)
    return state


def _apply_pins(curation: Curation, state: CurationState) -> None:
    for paper, label in curation.pin.items():
        if paper not in state.row:
            state.note("pin", paper, "unmatched", f"paper {paper!r} is not in the corpus")
            continue
        present = set(int(t) for t in state.topics)
        topic = next((t for t, lab in sorted(state.fixed_labels.items())
                      if lab == label and t in present), None)
        if topic is None:
            fitted = next((t for t, lab in sorted(state.auto_labels.items()) if lab == label), None)
            if fitted is not None:
                topic, _ = state.resolve(f"#{fitted}")
        if topic is None:
            topic = state.new_topic_id()
            state.fixed_labels[topic] = label
            state.note("pin", paper, "applied", f"new topic {label!r}")
        else:
            state.note("pin", paper, "applied", f"in topic {label!r}")
        state.topics[state.row[paper]] = topic


def _renumber(state: CurationState) -> None:
    """Make topic ids contiguous (0..k-1, by first appearance order of the old ids)."""
    old = sorted(set(int(t) for t in state.topics))
    mapping = {t: i for i, t in enumerate(old)}
    state.topics[:] = [mapping[int(t)] for t in state.topics]
    state.fixed_labels = {mapping[t]: lab for t, lab in state.fixed_labels.items() if t in mapping}
