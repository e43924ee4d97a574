"""The outline and its text: from the taxonomy and the abstracts to a :class:`SurveyDocument`.

:class:`Drafter` holds the data (corpus, taxonomy, keys, attributes, sentence roles) and builds the
taxonomy, tables and challenges itself; the thematic sections come from
:class:`~surveykit.draft.themes.ThemeSections` (facet comparisons, each paper's contribution and
result) and the framing (abstract, introduction, related surveys, comparison across themes,
conclusion) from :class:`~surveykit.draft.framing.Framing`; wording helpers live in
:mod:`surveykit.draft.text`. Every sentence is built as a :class:`DraftSentence` whose kind says how
it is grounded (see :mod:`surveykit.draft.model`).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from surveykit.corpus.model import Corpus
from surveykit.draft.assets import TREE_LABEL, Asset
from surveykit.draft.framing import Framing
from surveykit.draft.model import (
    Cite,
    DraftSentence,
    Float,
    Paragraph,
    Ref,
    Section,
    Segment,
)
from surveykit.draft.sentences import AUTHOR, SourceSentence, paper_sentences
from surveykit.draft.summarize import lexrank, mmr_select, similarity_matrix
from surveykit.draft.text import (  # noqa: F401  (re-exported: tests and callers import them here)
    _FUNCTION_WORDS,
    _ROLE_ORDER,
    ADDITION_CONNECTIVES,
    CHALLENGE_CONNECTIVES,
    COMPARABLE_KINDS,
    COMPONENT_NAMES,
    CONNECTIVES,
    FACET_NAMES,
    FUTURE_CONNECTIVES,
    OVERVIEW_TABLE_LABEL,
    REPRESENTATIVE_TABLE_LABEL,
    _block_papers,
    _capital,
    _caption_phrase,
    _count,
    _join_list,
    _join_names,
    _listlike,
    _lower_first,
    _quote_list,
    _shorten,
    _slug,
    _theme,
    _year_span,
    extract_sentence,
    short_name,
)
from surveykit.draft.themes import ThemeSections

# The cap that keeps the draft a readable survey at any corpus size: each theme discusses its most
# central papers (highest topic score) and points to tables/topic_NN.csv for the rest; a citation
# that would name a whole group names its most central papers. 0: no cap.
DISCUSSED_PER_THEME = 6
MAX_CITED = 2
MAX_TOPIC_TABLES = 6  # per-theme tables printed in the draft: those of the largest themes


@dataclass
class DraftOptions:
    """``[draft]`` options of ``survey.toml`` (all optional)."""

    overview_sentences: int = 5
    section_sentences: int = 3
    intro_sentences: int = 3
    representatives: int = 4
    challenges_per_section: int = 3
    future_directions: int = 6
    comparisons_per_theme: int = 3
    mmr_lambda: float = 0.7
    max_similarity: float = 0.5
    discussed_per_theme: int = DISCUSSED_PER_THEME
    max_cited: int = MAX_CITED
    max_topic_tables: int = MAX_TOPIC_TABLES
    method: str = (
        "papers were grouped into themes and sections by topic modelling over their titles and abstracts"
    )
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_config(cls, section: Mapping[str, Any] | None) -> DraftOptions:
        section = dict(section or {})
        known = {f for f in cls.__dataclass_fields__ if f != "extra"}
        values = {k: section[k] for k in known if k in section}
        extra = {k: v for k, v in section.items() if k not in known}
        return cls(**values, extra=extra)


# --- sentences ----------------------------------------------------------------------------------


# --- the drafter --------------------------------------------------------------------------------


class Drafter(ThemeSections, Framing):
    """Builds the sections of the survey; each public method returns one part."""

    def __init__(
        self,
        corpus: Corpus,
        assignments: pd.DataFrame,
        topics: pd.DataFrame,
        keys: Mapping[str, str],
        options: DraftOptions | None = None,
        attributes: pd.DataFrame | None = None,
        config: Any = None,
        related: Sequence[str] = (),
        roles: Sequence[Sequence[Any]] | None = None,
    ) -> None:
        _check_frames(assignments, topics)
        self.corpus = corpus
        self.options = options or DraftOptions()
        self.keys = {pid: key for pid, key in keys.items() if pid in corpus}
        ids = [pid for pid in assignments.index if pid in corpus and pid in self.keys]
        self.assignments = assignments.loc[ids]
        # every theme's members, most central first (one pass, not one filter per call)
        self._members: dict[int, list[str]] = {}
        self.rank: dict[str, int] = {}
        scores = (self.assignments["score"].astype(float).fillna(-np.inf).tolist()
                  if "score" in self.assignments.columns else [0.0] * len(ids))
        topics_of = self.assignments["topic"].tolist()
        for position in sorted(range(len(ids)), key=lambda i: (-scores[i], i)):
            self.rank[ids[position]] = len(self.rank)
            self._members.setdefault(int(topics_of[position]), []).append(ids[position])
        self.topics = topics.sort_values(["section", "topic"]).reset_index(drop=True)
        self.attributes = attributes
        self.config = config
        self.skipped = sorted(set(assignments.index) - set(ids))
        self.related = [pid for pid in related if pid in corpus and pid in self.keys]
        self.sentences: dict[str, list[SourceSentence]] = {
            pid: paper_sentences(corpus[pid]) for pid in [*ids, *self.related]}
        self.used: set[tuple[str, int]] = set()
        # paper id -> sentence index -> role (background/objective/method/result/other)
        self.roles: dict[str, dict[int, str]] = {}
        # paper id -> sentence index -> the limitation/future-work cue (a challenge, not scene-setting)
        self.challenge_cues: dict[str, dict[int, bool]] = {}
        if roles is not None:
            for paper, annotated in zip(corpus.papers, roles, strict=False):
                self.roles[paper.id] = {r.index: r.role for r in annotated}
                self.challenge_cues[paper.id] = {r.index: bool(r.limitation or r.future_work)
                                                 for r in annotated}

    # --- helpers --------------------------------------------------------------------------------

    def key(self, paper_id: str) -> str:
        return self.keys[paper_id]

    def members(self, topic: int) -> list[str]:
        """The theme's papers, most central (highest topic score) first."""
        return list(self._members.get(int(topic), []))

    def discussed(self, topic: int) -> list[str]:
        """The theme's papers the draft describes: its ``discussed_per_theme`` most central ones."""
        cap = self.options.discussed_per_theme
        members = self.members(topic)
        return members[:cap] if cap else members

    def section_discussed(self, section: int) -> list[str]:
        out: list[str] = []
        for topic in self.section_topics(section)["topic"]:
            out += self.discussed(int(topic))
        return out

    def cited(self, ids: Sequence[str]) -> list[str]:
        """``ids`` when at most ``max_cited``; else the ``max_cited`` most central, in their order."""
        cap = self.options.max_cited
        if not cap or len(ids) <= cap:
            return list(ids)
        keep = set(sorted(ids, key=lambda p: self.rank.get(p, len(self.rank)))[:cap])
        return [p for p in ids if p in keep]

    def cite_group(self, ids: Sequence[str]) -> list[Segment]:
        """A parenthetical citation of a group: all of it, or ", among them" its most central."""
        chosen = self.cited(ids)
        cite = Cite(tuple(self.key(p) for p in chosen))
        return [cite] if len(chosen) == len(ids) else ["among them ", cite]

    def section_ids(self) -> list[int]:
        return list(dict.fromkeys(int(s) for s in self.topics["section"]))

    def section_topics(self, section: int) -> pd.DataFrame:
        rows = self.topics[self.topics["section"] == section]
        return rows[[len(self.members(int(t))) > 0 for t in rows["topic"]]]

    def section_label(self, section: int) -> str:
        rows = self.topics[self.topics["section"] == section]
        return str(rows["section_label"].iloc[0]) if len(rows) else f"Section {section}"

    def section_members(self, section: int) -> list[str]:
        out: list[str] = []
        for topic in self.section_topics(section)["topic"]:
            out += self.members(int(topic))
        return out

    def years(self, ids: Sequence[str]) -> list[int]:
        return sorted(self.corpus[p].year for p in ids if self.corpus[p].year)

    def _select(
        self, pool: list[SourceSentence], k: int, weight=None, per_paper: int = 1
    ) -> list[SourceSentence]:
        """LexRank x weight, then MMR with at most ``per_paper`` sentences per paper."""
        pool = [s for s in pool if (s.paper_id, s.index) not in self.used]
        if not pool or k <= 0:
            return []
        sim = similarity_matrix([s.wording.replace(AUTHOR, "") for s in pool])
        scores = lexrank(sim) * len(pool)
        if weight is not None:
            scores = scores * np.array([weight(s) for s in pool])
        order = mmr_select(
            scores,
            sim,
            k,
            lam=self.options.mmr_lambda,
            groups=[s.paper_id for s in pool],
            max_per_group=per_paper,
            max_similarity=self.options.max_similarity,
        )
        chosen = [pool[i] for i in order]
        self.used |= {(s.paper_id, s.index) for s in chosen}
        return chosen

    def _paragraph(
        self,
        chosen: list[SourceSentence],
        seed: str,
        flat: Sequence[str] | None = None,
        order_by_role: bool = True,
    ) -> Paragraph:
        """Quoted sentences, every second one led by a connective (by role, or from ``flat``)."""
        if order_by_role:
            chosen = sorted(chosen, key=lambda s: _ROLE_ORDER.get(s.role, 9))
        sentences = []
        offset = zlib.crc32(seed.encode("utf-8"))
        for i, source in enumerate(chosen):
            prefix = ""
            if i % 2 == 1:  # rotate through the options: no connective twice in a paragraph
                options = flat or CONNECTIVES.get(source.role, CONNECTIVES["background"])
                prefix = options[(offset + i // 2) % len(options)]
            sentences.append(extract_sentence(source, self.key(source.paper_id), prefix))
        return Paragraph(sentences)

    def overview_table(self) -> Float:
        """Themes with their section, number of papers, years and representative papers."""
        rows: list[list[list[Segment]]] = []
        for section in self.section_ids():
            for row in self.section_topics(section).itertuples(index=False):
                ids = self.members(int(row.topic))
                reps = self._topic_representatives(row, ids, 3)
                rows.append(
                    [
                        [self.section_label(section)],
                        [str(row.label)],
                        [str(len(ids))],
                        [_year_span(self.years(ids), "--")],
                        [Cite(tuple(self.key(p) for p in reps), textual=True)] if reps else [""],
                    ]
                )
        return Float(
            "table",
            OVERVIEW_TABLE_LABEL,
            "Overview of the taxonomy: each theme with its section, number of papers, publication "
            "years and representative papers.",
            columns=["Section", "Theme", "Papers", "Years", "Representative papers"],
            column_spec="p{0.16\\linewidth}p{0.22\\linewidth}rlp{0.34\\linewidth}",
            rows=rows,
        )

    def representative_table(self) -> Float:
        """A comparison of representative papers (used when the tables stage wrote no table)."""
        rows: list[list[list[Segment]]] = []
        for section in self.section_ids():
            for row in self.section_topics(section).itertuples(index=False):
                ids = self.members(int(row.topic))
                for pid in self._topic_representatives(row, ids, 2):
                    paper = self.corpus[pid]
                    name = short_name(paper) or _shorten(paper.title, 6)
                    rows.append(
                        [
                            [name, " ", Cite((self.key(pid),))],
                            [str(row.label)],
                            [str(paper.year or "")],
                            [paper.venue or paper.arxiv_id and "arXiv" or ""],
                        ]
                    )
        return Float(
            "table",
            REPRESENTATIVE_TABLE_LABEL,
            "Representative papers of each theme, with year and venue.",
            columns=["Paper", "Theme", "Year", "Venue"],
            column_spec="p{0.36\\linewidth}p{0.26\\linewidth}lp{0.18\\linewidth}",
            rows=rows,
        )

    def _topic_representatives(self, row: Any, ids: Sequence[str], n: int) -> list[str]:
        reps = [p for p in (list(row.representatives) if _listlike(row.representatives) else []) if p in ids]
        reps += [p for p in ids if p not in reps]
        return reps[:n]

    def taxonomy_section(self, figures: list[Asset], sections: list[Section]) -> tuple[Section, list[Asset]]:
        """The taxonomy section's text; returns it and the figures it refers to (placed there)."""
        sec = Section("Taxonomy", "sec:taxonomy")
        sentences = [
            DraftSentence(
                [
                    Ref(TREE_LABEL, "Figure"),
                    " shows the taxonomy of the corpus: "
                    f"{_count(len(sections), 'top-level section')}, each split into themes, "
                    "with the papers of each theme; ",
                    Ref(OVERVIEW_TABLE_LABEL, "Table"),
                    " lists the themes with their size and years.",
                ],
                "structural",
            )
        ]
        placed = [f for f in figures if f.kind == "figure" and f.place == "taxonomy"]
        for fig in placed:
            sentences.append(
                DraftSentence(
                    [Ref(fig.label, "Figure"), f" shows the {_caption_phrase(fig.caption)}."], "structural"
                )
            )
        sec.blocks.append(Paragraph(sentences))
        return sec, placed

    def challenges_section(self, sections: list[Section]) -> Section:
        sec = Section("Open Challenges and Future Directions", "sec:challenges")
        intro = DraftSentence(
            [
                "The papers themselves name the limits of current work; this section collects "
                "such statements, grouped by the sections of the taxonomy (",
                Ref(TREE_LABEL, "Figure"),
                ").",
            ],
            "structural",
        )
        sec.blocks.append(Paragraph([intro]))
        challenges = Section("Open challenges", "sec:open-challenges")
        for section, built in zip(self.section_ids(), sections, strict=False):
            ids = self.section_discussed(section)
            pool = [s for pid in ids for s in self.sentences[pid] if s.role == "limitation"]
            chosen = self._select(pool, self.options.challenges_per_section, _challenge_weight)
            if not chosen:
                continue
            para = self._paragraph(
                chosen, f"challenges-{section}", flat=CHALLENGE_CONNECTIVES, order_by_role=False
            )
            para.lead = built.title
            challenges.blocks.append(para)
        future = Section("Future directions", "sec:future-directions")
        ids = [pid for section in self.section_ids() for pid in self.section_discussed(section)]
        pool = [s for pid in ids for s in self.sentences[pid] if s.role == "future" or "future" in s.tags]
        position = {pid: i for i, pid in enumerate(ids)}
        chosen = self._select(pool, self.options.future_directions, _future_weight)
        if chosen:
            chosen.sort(key=lambda s: position[s.paper_id])
            future.blocks.append(
                self._paragraph(chosen, "future", flat=FUTURE_CONNECTIVES, order_by_role=False)
            )
        sec.subsections = [s for s in (challenges, future) if s.blocks]
        return sec
_STRONG_CHALLENGE = re.compile(
    r"\b(?:remains?|still|lack\w*|struggl\w*|fail\w*|under-?explored|open (?:problem|question)s?|"
    r"far from|bottleneck\w*|challeng\w*|limited)\b",
    re.IGNORECASE,
)
_META = re.compile(
    r"\b(?:discuss\w*|summari[sz]\w*|outlin\w*|review\w*|survey\w*|anticipate\w*)\b", re.IGNORECASE
)


def _challenge_weight(s: SourceSentence) -> float:
    weight = 1.0 + 0.5 * len(_STRONG_CHALLENGE.findall(s.text))
    if s.anaphoric:
        weight *= 0.4
    if s.attributed:
        weight *= 0.6
    return weight


def _future_weight(s: SourceSentence) -> float:
    weight = 0.5 if _META.search(s.text) else 1.0
    return weight * (0.4 if s.anaphoric else 1.0)


def _check_frames(assignments: pd.DataFrame, topics: pd.DataFrame) -> None:
    need_a = {"topic", "topic_label", "section", "section_label", "score"}
    need_t = {"topic", "label", "section", "section_label", "size", "keywords", "representatives"}
    missing_a = sorted(need_a - set(assignments.columns))
    missing_t = sorted(need_t - set(topics.columns))
    if missing_a:
        raise ValueError(f"assignments: missing column(s) {', '.join(missing_a)}")
    if missing_t:
        raise ValueError(f"topics: missing column(s) {', '.join(missing_t)}")


