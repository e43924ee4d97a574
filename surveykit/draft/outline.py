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

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from surveykit.corpus.model import Corpus
from surveykit.draft.assets import TREE_LABEL, Asset
from surveykit.draft.challenges import (
    challenge_example,
    challenge_paragraph,
    challenge_sentences,
    group_challenges,
)
from surveykit.draft.evaluation import Evaluation
from surveykit.draft.framing import Framing
from surveykit.draft.model import (
    Cite,
    DraftSentence,
    Float,
    Paragraph,
    Ref,
    Section,
    Segment,
    number_words,
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
    GROUPING_METHOD,
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
    _name_list,
    _quote_list,
    _shorten,
    _slug,
    _theme,
    _year_span,
    extract_sentence,
    short_name,
)
from surveykit.draft.themes import ThemeSections
from surveykit.tables.build import (  # CAPS_ABOVE: tables and draft capped above
    CAPS_ABOVE,
    OUTLIER_TOPIC,
    cited_year,
)

# The cap that keeps the draft a readable survey at any corpus size: each theme discusses its most
# central papers (highest topic score) and points to tables/topic_NN.csv for the rest; a citation
# that would name a whole group names its most central papers. 0: no cap.
# The caps on discussed papers and printed topic tables apply above ``caps_above`` papers: a smaller
# survey discusses every paper (a survey of 73 papers discusses 73).
DISCUSSED_PER_THEME = 6
MAX_CITED = 2  # a big survey's group citation; a survey of at most caps_above papers cites up to
SMALL_SURVEY_CITED = 8  # this many of a group
MAX_TOPIC_TABLES = 6  # per-theme tables printed in the draft: those of the largest themes
# Papers described in all themes together (a big survey with many themes describes fewer per theme,
# at least MIN_DISCUSSED each): the length of the survey stays about the same whatever the themes.
MAX_DISCUSSED = 180
MIN_DISCUSSED = 2


@dataclass
class DraftOptions:
    """``[draft]`` options of ``survey.toml`` (all optional)."""

    overview_sentences: int = 5
    section_sentences: int = 3
    intro_sentences: int = 3
    representatives: int = 4
    challenges: int = 6
    comparisons_per_theme: int = 3
    mmr_lambda: float = 0.7
    max_similarity: float = 0.5
    discussed_per_theme: int = DISCUSSED_PER_THEME
    max_cited: int = MAX_CITED
    max_topic_tables: int = MAX_TOPIC_TABLES
    max_discussed: int = MAX_DISCUSSED
    caps_above: int = CAPS_ABOVE
    method: str = GROUPING_METHOD
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_config(cls, section: Mapping[str, Any] | None) -> DraftOptions:
        section = dict(section or {})
        known = {f for f in cls.__dataclass_fields__ if f != "extra"}
        values = {k: section[k] for k in known if k in section}
        extra = {k: v for k, v in section.items() if k not in known}
        return cls(**values, extra=extra)


# --- sentences ----------------------------------------------------------------------------------


# Above ``caps_above`` papers, the challenges are read from this many most central papers per theme
# (every abstract's sentences cost ~5 ms to classify: 100,000 abstracts would cost minutes).
CHALLENGE_POOL_PER_THEME = 50


class _LazySentences(dict):
    """Paper id -> its quotable sentences (:func:`paper_sentences`), made on first use."""

    def __init__(self, corpus: Corpus, ids: Sequence[str]) -> None:
        super().__init__()
        self._corpus, self._ids = corpus, set(ids)

    def __missing__(self, paper_id: str) -> list[SourceSentence]:
        if paper_id not in self._ids:
            raise KeyError(paper_id)
        self[paper_id] = found = paper_sentences(self._corpus[paper_id])
        return found

    def get(self, paper_id, default=None):  # type: ignore[override]
        return self[paper_id] if paper_id in self._ids else default


# --- the drafter --------------------------------------------------------------------------------


class Drafter(ThemeSections, Framing, Evaluation):
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
        self.sentences = _LazySentences(corpus, [*ids, *self.related])
        self.used: set[tuple[str, int]] = set()
        self.raised_challenges: list = []  # set by challenges_section, named by the conclusion
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
        """The theme's papers the draft describes: all of them up to ``caps_above`` papers in the
        survey, else its ``discussed_per_theme`` most central ones."""
        cap = self.options.discussed_per_theme
        members = self.members(topic)
        if len(self.assignments) <= self.options.caps_above:
            return members
        themes = len([t for t in self._members if t != OUTLIER_TOPIC])
        if self.options.max_discussed and themes:  # shared out among the themes
            share = max(MIN_DISCUSSED, self.options.max_discussed // themes)
            cap = min(cap, share) if cap else share
        return members[:cap] if cap else members

    def section_discussed(self, section: int) -> list[str]:
        return [p for t in self.section_topics(section)["topic"] for p in self.discussed(int(t))]

    def cited(self, ids: Sequence[str]) -> list[str]:
        """``ids`` when at most ``max_cited`` (at least 8 in a survey of at most ``caps_above``
        papers); else that many of the most central, in their order."""
        cap = self.options.max_cited
        if cap and len(self.assignments) <= self.options.caps_above:
            cap = max(cap, SMALL_SURVEY_CITED)
        if not cap or len(ids) <= cap:
            return list(ids)
        keep = set(sorted(ids, key=lambda p: self.rank.get(p, len(self.rank)))[:cap])
        return [p for p in ids if p in keep]

    def cite_after(self, ids: Sequence[str]) -> list[Segment]:
        """A parenthetical citation of a group right after a noun phrase: all of it ("papers
        (A; B)"), or its most central papers ("papers, among them (A; B)")."""
        chosen = self.cited(ids)
        cite = Cite(tuple(self.key(p) for p in chosen))
        return [cite] if len(chosen) == len(ids) else [", among them ", cite]

    def section_ids(self) -> list[int]:
        return list(dict.fromkeys(int(s) for s in self.topics["section"]))

    def section_topics(self, section: int) -> pd.DataFrame:
        rows = self.topics[self.topics["section"] == section]
        return rows[[len(self.members(int(t))) > 0 for t in rows["topic"]]]

    def section_label(self, section: int) -> str:
        rows = self.topics[self.topics["section"] == section]
        return str(rows["section_label"].iloc[0]) if len(rows) else f"Section {section}"

    def section_members(self, section: int) -> list[str]:
        return [p for t in self.section_topics(section)["topic"] for p in self.members(int(t))]

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
                        [_year_span(self.years(ids), "\u2013")],  # an en dash (-- in LaTeX)
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
                            [cited_year(paper)],  # the cite's year, with its venue
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
                    " shows the taxonomy of the corpus: " + _taxonomy_shape(sections)
                    + ", with the papers of each theme; ",
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
        """Open challenges and future directions: the papers' limitation and future-work sentences
        grouped into a few challenges, each stated with the papers raising it, where in the
        taxonomy it comes up and a quoted example (:mod:`surveykit.draft.challenges`)."""
        sec = Section("Open Challenges and Future Directions", "sec:challenges")
        ids = list(self.assignments.index)
        if len(self.assignments) > self.options.caps_above:  # a big survey: each theme's most central
            ids = [p for t in self._members for p in self._members[t][:CHALLENGE_POOL_PER_THEME]]
        pool = [s for s in challenge_sentences(self.sentences, ids, self.challenge_cues)
                if (s.paper_id, s.index) not in self.used]
        raised = group_challenges(pool, low=min(3, self.options.challenges), high=self.options.challenges)
        self.raised_challenges = raised  # the conclusion names them
        if not raised:
            sec.blocks.append(Paragraph([DraftSentence(
                ["No abstract of the corpus states a limitation or a direction for future work that "
                 "names a recognisable challenge; the themes are summarised in ", Ref(TREE_LABEL, "Figure"),
                 "."], "structural")]))
            return sec
        n_papers = len({p for r in raised for p in r.papers})
        names = _name_list([r.challenge.name.lower() for r in raised])  # "safety, security and trust"
        # a quote only where a sentence stands alone ("these attacks" leans on its abstract)
        quoted = sum(challenge_example(r) is not None for r in raised)
        if quoted == len(raised):
            example = " and one quoted example"
        elif quoted:
            example = f" and, for {number_words(quoted)} of them, one quoted example"
        else:
            example = ""
        intro = DraftSentence(
            [f"The limitation and future-work statements of {_count(n_papers, 'paper')} converge on "
             f"{_count(len(raised), 'open challenge')}, each stated below with the themes where it "
             "comes up (", Ref(TREE_LABEL, "Figure"), f"){example}: {names}."], "structural")
        sec.blocks.append(Paragraph([intro]))
        themes = [(str(r.label), self.theme_label(s, int(r.topic)), set(self.members(int(r.topic))))
                  for s in self.section_ids() for r in self.section_topics(s).itertuples(index=False)]

        def quote(source: SourceSentence, prefix: str) -> DraftSentence:
            self.used.add((source.paper_id, source.index))
            return extract_sentence(source, self.key(source.paper_id), prefix)

        for item in raised:
            sec.blocks.append(challenge_paragraph(item, themes, quote, self._subject))
        return sec


def _check_frames(assignments: pd.DataFrame, topics: pd.DataFrame) -> None:
    need_a = {"topic", "topic_label", "section", "section_label", "score"}
    need_t = {"topic", "label", "section", "section_label", "size", "keywords", "representatives"}
    missing_a = sorted(need_a - set(assignments.columns))
    missing_t = sorted(need_t - set(topics.columns))
    if missing_a:
        raise ValueError(f"assignments: missing column(s) {', '.join(missing_a)}")
    if missing_t:
        raise ValueError(f"topics: missing column(s) {', '.join(missing_t)}")


def _taxonomy_shape(sections: Sequence[Section]) -> str:
    """"5 themes" for a flat outline, "3 top-level sections, 2 of them split into themes" or
    "3 top-level sections, each split into themes"."""
    split = sum(1 for s in sections if s.subsections)
    if not split:
        return _count(len(sections), "theme")
    head = _count(len(sections), "top-level section")
    return f"{head}, each split into themes" if split == len(sections) else \
        f"{head}, {split} of them split into themes"
