"""The outline and its text: from the taxonomy and the abstracts to a :class:`SurveyDocument`.

Sections: Introduction (scope from the corpus' most central background sentences, corpus size,
years and how it was built, roadmap), Taxonomy (tree figure, overview table, other figures), one
section per top-level topic with a subsection per topic (overview paragraph, representative
papers, further work), Comparison (tables, attribute summaries), Open challenges and future
directions, Conclusion. Every sentence is built as a :class:`DraftSentence` whose kind says how it
is grounded (see :mod:`surveykit.draft.model`).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from surveykit.corpus.model import Corpus, Paper
from surveykit.draft.assets import TREE_LABEL, Asset
from surveykit.draft.model import (
    Cite,
    DraftSentence,
    Float,
    ItemList,
    Paragraph,
    Provenance,
    Ref,
    Section,
    Segment,
)
from surveykit.draft.sentences import AUTHOR, SourceSentence, paper_sentences
from surveykit.draft.summarize import lexrank, mmr_select, similarity_matrix
from surveykit.draft.synthesis import (
    COMPONENT_FLAGS,
    EXCLUSIVE_FACETS,
    comparative_sentence,
    contribution_sentence,
    facet_labels,
    result_sentence,
    theme_facets,
    value_phrase,
)

OVERVIEW_TABLE_LABEL = "tab:overview"
REPRESENTATIVE_TABLE_LABEL = "tab:representatives"
_ROLE_ORDER = {"background": 0, "contribution": 1, "finding": 2, "limitation": 3, "future": 4}

CONNECTIVES = {
    "contribution": [
        "In this direction, ",
        "Along these lines, ",
        "For instance, ",
        "As an example, ",
        "Within this line of work, ",
    ],
    "finding": ["Empirically, ", "On the empirical side, ", "In terms of results, ", "Notably, "],
    "limitation": ["At the same time, ", "On the other hand, ", "Even so, ", "Still, "],
    "future": ["Looking ahead, ", "Beyond current systems, ", "As a next step, "],
    "background": ["Relatedly, ", "In addition, ", "Beyond this, ", "Similarly, ", "More broadly, "],
}
FACET_NAMES = {
    ("training", "finetuning"): "fine-tuning",
    ("training", "rl"): "reinforcement learning",
    ("training", "prompting"): "prompting a frozen model",
    ("agents", "multi"): "a multi-agent organisation",
    ("agents", "single"): "a single-agent setting",
}
COMPONENT_NAMES = {
    "tools": "tool use",
    "memory": "a memory module",
    "planning": "explicit planning or search",
    "reflection": "self-reflection or verification",
    "code_execution": "code execution",
    "safety": "safety",
}
ADDITION_CONNECTIVES = ["Similarly, ", "Likewise, ", "Along the same lines, "]
FUTURE_CONNECTIVES = ["In addition, ", "Further, ", "Moreover, "]  # each direction adds to the last
CHALLENGE_CONNECTIVES = ["Moreover, ", "In addition, ", "Further, "]  # each challenge adds to the last


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


COMPARABLE_KINDS = ("category", "multi", "flag")


_FUNCTION_WORDS = {
    "While",
    "Although",
    "Though",
    "Despite",
    "Since",
    "As",
    "With",
    "By",
    "In",
    "For",
    "To",
    "On",
    "Given",
    "Unlike",
    "When",
    "Because",
    "Through",
    "Recent",
    "Existing",
    "Current",
    "Most",
    "Many",
    "Some",
    "The",
    "A",
    "An",
    "There",
    "Prior",
    "Previous",
    "Such",
    "This",
    "These",
    "Its",
    "It",
    "Their",
    "They",
}


def _lower_first(text: str) -> str:
    """Lower-case the first word after a connective unless it looks like a name or acronym.

    ``Existing LLM agents`` -> ``existing LLM agents``; ``Large Language Models`` (a capitalised
    phrase), ``BLADE`` and ``GPT-4`` stay as they are.
    """
    words = text.split(" ", 2)
    word = words[0]
    if word in _FUNCTION_WORDS:
        return word.lower() + text[len(word) :]
    if not (
        len(word) > 1 and word[0].isupper() and word[1:].replace("-", "").isalpha() and word[1:].islower()
    ):
        return text
    following = words[1] if len(words) > 1 else ""
    if following[:1].isupper() and not following.isupper() and following[1:].replace("-", "").islower():
        return text
    return word[0].lower() + text[1:]


def extract_sentence(source: SourceSentence, key: str, prefix: str = "") -> DraftSentence:
    """A sentence quoted from an abstract, citing its paper (textually when attributed)."""
    wording = source.wording
    if prefix:
        wording = prefix + (wording if wording.startswith(AUTHOR) else _lower_first(wording))
    segments: list[Segment] = []
    if AUTHOR in wording:
        before, _, after = wording.partition(AUTHOR)
        if before:
            segments.append(before)
        segments.append(Cite((key,), textual=True))
        segments.append(after)
    else:
        body = wording.rstrip()
        end = ""
        while body and body[-1] in ".!\"')":
            end = body[-1] + end
            body = body[:-1]
        if end.startswith(")") or end.startswith('"') or end.startswith("'"):
            body, end = body + end[:-1], end[-1:]
        segments += [body, Cite((key,)), end or "."]
    provenance = Provenance(source.paper_id, source.start, source.end, source.text)
    return DraftSentence(segments, "extract", (source.paper_id,), provenance)


def _join_names(items: Sequence[list[Segment]]) -> list[Segment]:
    """``a``, ``a and b``, ``a, b and c`` with segment lists."""
    out: list[Segment] = []
    for i, item in enumerate(items):
        if i:
            out.append(" and " if i == len(items) - 1 else ", ")
        out += item
    return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def short_name(paper: Paper) -> str | None:
    """``BLADE: Benchmarking ...`` -> ``BLADE``: a system name before a colon, if short."""
    head, sep, _ = paper.title.partition(":")
    head = head.strip()
    if sep and head and len(head.split()) <= 4 and len(head) <= 40:
        return head
    return None


# --- the drafter --------------------------------------------------------------------------------


class Drafter:
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
        frame = self.assignments[self.assignments["topic"] == topic]
        return list(frame.sort_values("score", ascending=False, kind="stable").index)

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

    def topic_blocks(self, topic_row: Any, section_ref: bool = True) -> list:
        """A theme: what it groups, comparative sentences over its facets, then each paper's
        contribution and headline result (:mod:`surveykit.draft.synthesis`)."""
        topic = int(topic_row.topic)
        ids = self.members(topic)
        blocks: list = []
        years = self.years(ids)
        keywords = [str(k) for k in (topic_row.keywords if _listlike(topic_row.keywords) else [])][:4]
        span = f", published {_year_span(years)}" if years else ""
        text = f"This theme groups {_count(len(ids), 'paper')}{span}"
        if keywords:
            text += f"; its most distinctive terms are {_quote_list(keywords)}"
        ref = Ref(OVERVIEW_TABLE_LABEL, "Table")
        intro = DraftSentence([text + " (", ref, ")."], "structural")
        blocks.append(Paragraph([intro]))
        long = self._attribute_long()
        facets = theme_facets(long, ids)
        labels = facet_labels(long)
        comparisons = []
        for facet in facets:
            sentence = comparative_sentence(facet, self.key, labels, len(ids))
            if sentence is not None:
                comparisons.append(sentence)
            if len(comparisons) >= self.options.comparisons_per_theme:
                break
        if comparisons:
            blocks.append(Paragraph(comparisons))
        blocks += self.paper_paragraphs(ids, facets[0] if facets else None)
        return blocks

    def _attribute_long(self) -> pd.DataFrame | None:
        frame = self.attributes
        if frame is None:
            return None
        frame = getattr(frame, "long", frame)
        if not isinstance(frame, pd.DataFrame) or not {"paper_id", "attribute", "value"} <= set(frame):
            return None
        dropped = set(getattr(self.attributes, "non_discriminative", lambda: [])())
        if dropped:
            keep = [(a, v) not in dropped for a, v in zip(frame["attribute"], frame["value"], strict=True)]
            frame = frame[keep]
        return frame

    def paper_paragraphs(self, ids: Sequence[str], facet: Any = None) -> list[Paragraph]:
        """One paragraph per value of the theme's main facet: each paper's contribution (and result).

        The first paper of a later paragraph opens with a contrast, the next ones of the same
        group with an addition; a paper without a quotable contribution gets a sentence from its
        attribute values."""
        groups: list[list[str]] = []
        placed: set[str] = set()
        for _, papers in (facet.groups[:3] if facet is not None else ()):
            group = [p for p in papers if p not in placed]
            placed |= set(group)
            if group:
                groups.append(group)
        rest = [p for p in ids if p not in placed]
        if rest:
            groups.append(rest)
        out = []
        for g, group in enumerate(groups):
            sentences: list[DraftSentence] = []
            for i, pid in enumerate(group):
                if i == 0:
                    exclusive = facet is not None and facet.attribute in EXCLUSIVE_FACETS
                    prefix = "In contrast, " if g and exclusive and group is not rest else ""
                else:
                    prefix = ADDITION_CONNECTIVES[(i - 1) % len(ADDITION_CONNECTIVES)]
                sentences += self.paper_sentences(pid, prefix)
            out.append(Paragraph(sentences))
        return out

    def paper_sentences(
        self, paper_id: str, prefix: str = "", with_result: bool = True
    ) -> list[DraftSentence]:
        """The paper's contribution (extracted, else from its attributes) and its headline result."""
        roles = self.roles.get(paper_id, {})
        sentences = self.sentences.get(paper_id, [])
        name = short_name(self.corpus[paper_id])
        out = []
        best = contribution_sentence(sentences, roles, name, self.used)
        if best is not None:
            self.used.add((best.paper_id, best.index))
            first = best.wording.split(" ", 1)[0]
            if not (best.wording.startswith(AUTHOR) or first in _FUNCTION_WORDS):
                prefix = ""  # a name may open the sentence: never lower-case it behind a connective
            out.append(extract_sentence(best, self.key(paper_id), prefix))
        else:
            out.append(self.attribute_summary(paper_id, prefix))
        result = result_sentence(sentences, roles, self.used) if with_result else None
        if result is not None:
            self.used.add((result.paper_id, result.index))
            out.append(extract_sentence(result, self.key(paper_id)))
        return out

    def attribute_summary(self, paper_id: str, prefix: str = "") -> DraftSentence:
        """``<cite> proposes a method ... and targets web tasks``: from the paper's attribute values."""
        long = self._attribute_long()
        clauses = []
        if long is not None and not long.empty:
            rows = long[long["paper_id"] == paper_id]
            labels = facet_labels(rows)
            for attribute in ("contribution", "training", "agents", "domain"):
                values = list(dict.fromkeys(rows.loc[rows["attribute"] == attribute, "value"]))[:1]
                for value in values:
                    label = labels.get((attribute, str(value)), "")
                    clauses.append(value_phrase(attribute, str(value), label, False))
        paper = self.corpus[paper_id]
        name = short_name(paper)
        if not clauses:
            subject = f"{name}" if name else _shorten(paper.title.strip().rstrip("."), 10)
            clauses = [f"presents {subject}"]
        body = clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + " and " + clauses[-1]
        cite = Cite((self.key(paper_id),), textual=True)
        return DraftSentence([prefix, cite, f" {body}."], "summary", (paper_id,))

    def topical_sections(self) -> list[Section]:
        out = []
        for section in self.section_ids():
            rows = self.section_topics(section)
            if rows.empty:
                continue
            label = self.section_label(section)
            sec = Section(label, f"sec:section-{_slug(section)}")
            ids = self.section_members(section)
            if len(rows) == 1:
                sec.blocks += self.topic_blocks(next(rows.itertuples(index=False)))
                out.append(sec)
                continue
            parts: list[Segment] = [
                f"This section covers {_count(len(ids), 'paper')} in {_count(len(rows), 'theme')}: "
            ]
            themes = [
                [f"{row.label} (", Ref(f"sec:topic-{_slug(row.topic)}", "Section"), ")"]
                for row in rows.itertuples(index=False)
            ]
            parts += _join_names(themes) + ["."]
            sec.blocks.append(Paragraph([DraftSentence(parts, "structural")]))
            for row in rows.itertuples(index=False):
                sub = Section(str(row.label), f"sec:topic-{_slug(row.topic)}")
                sub.blocks = self.topic_blocks(row)
                sec.subsections.append(sub)
            out.append(sec)
        return out

    # --- introduction, taxonomy, comparison, challenges, conclusion -----------------------------

    def introduction(self, sections: list[Section], has_comparison: bool) -> Section:
        sec = Section("Introduction", "sec:introduction")
        ids = list(self.assignments.index)
        framing = self.field_framing(sections)
        if framing:
            sec.blocks.append(framing)
        years = self.years(ids)
        by_year = pd.Series(years).value_counts().sort_index() if years else pd.Series(dtype=int)
        counts = ", ".join(f"{n} from {y}" for y, n in by_year.items())
        n_topics = sum(len(s.subsections) or 1 for s in sections)
        text = (
            f"This survey reviews a corpus of {_count(len(ids), 'paper')}"
            + (f" published {_year_span(years)} ({counts})" if years else "")
            + f", organised into {_count(len(sections), 'section')} and {_count(n_topics, 'theme')} ("
        )
        corpus_sentence = DraftSentence(
            [text, Ref(TREE_LABEL, "Figure"), " and ", Ref(OVERVIEW_TABLE_LABEL, "Table"), ")."], "structural"
        )
        built = DraftSentence(
            [
                f"The corpus was assembled from {self.corpus_sources()}; duplicates were merged "
                f"by arXiv identifier, DOI and normalised title, and {self.options.method} (",
                Ref(TREE_LABEL, "Figure"),
                ").",
            ],
            "structural",
        )
        sec.blocks.append(Paragraph([corpus_sentence, built]))
        related = self.related_surveys()
        if related:
            sec.blocks.append(related)
        roadmap: list[Segment] = []
        parts = [[Ref("sec:taxonomy", "Section"), " presents the taxonomy"]]
        for s in sections:
            parts.append([Ref(s.label, "Section"), f" reviews {_theme(s.title)}"])
        if has_comparison:
            parts.append([Ref("sec:comparison", "Section"), " compares the papers side by side"])
        parts.append([Ref("sec:challenges", "Section"), " collects open challenges and future directions"])
        roadmap += (
            ["The rest of the survey is organised as follows: "]
            + _join_list(parts, "; ")
            + ["; and ", Ref("sec:conclusion", "Section"), " concludes."]
        )
        sec.blocks.append(Paragraph([DraftSentence(roadmap, "structural")]))
        return sec

    def theme_label(self, section: int, topic: int) -> str:
        """The label of a theme's section: its subsection, or the section when it has one theme."""
        if len(self.section_topics(section)) == 1:
            return f"sec:section-{_slug(section)}"
        return f"sec:topic-{_slug(topic)}"

    def field_name(self) -> str:
        """The surveyed field, from ``[survey] title`` ("LLM Based Agents: A Survey" -> its head)."""
        title = str(getattr(self.config, "title", "") or "") if self.config is not None else ""
        head = re.split(r":\s*", title, maxsplit=1)[0].strip()
        if not head or re.fullmatch(r"(?i)an? survey|survey", head):
            return "the surveyed field"
        return head

    def corpus_facts(self) -> list[tuple[str, str, int]]:
        """(facet, value phrase, papers) for the most frequent values over the whole corpus."""
        long = self._attribute_long()
        if long is None or long.empty:
            return []
        members = set(self.assignments.index)
        long = long[long["paper_id"].isin(members)]
        labels = facet_labels(long)
        facts = []
        for attribute in ("agents", "training", "domain"):
            sub = long[long["attribute"] == attribute]
            counts = sub.groupby("value")["paper_id"].nunique().sort_values(ascending=False, kind="stable")
            for value, n in list(counts.items())[: (1 if attribute == "agents" else 2)]:
                label = labels.get((attribute, str(value)), str(value))
                facts.append((attribute, value_phrase(attribute, str(value), label, True), int(n)))
        for flag in COMPONENT_FLAGS:
            n = long.loc[long["attribute"] == flag, "paper_id"].nunique()
            if n:
                facts.append(("components", COMPONENT_NAMES.get(flag, flag), int(n)))
        return facts

    def field_framing(self, sections: list[Section]) -> Paragraph | None:
        """Scope, size, years, themes and the main approaches of the field, from the corpus."""
        ids = list(self.assignments.index)
        if not ids:
            return None
        sentences = []
        years = self.years(ids)
        themes = [(str(r.label), self.theme_label(s, int(r.topic)), len(self.members(int(r.topic))))
                  for s in self.section_ids() for r in self.section_topics(s).itertuples(index=False)]
        themes.sort(key=lambda t: (-t[2], t[0]))
        if themes:
            parts: list[Segment] = [
                f"Research on {self.field_name()} is the subject of this survey: "
                f"{_count(len(ids), 'paper')}" + (f" published {_year_span(years)}" if years else "")
                + ", whose largest themes are "]
            parts += _join_names([[f"{label} (", Ref(ref, "Section"),
                                   f", {_count(n, 'paper')})"] for label, ref, n in themes[:3]])
            parts.append(".")
            sentences.append(DraftSentence(parts, "structural"))
        if len(years) >= 4:
            last = max(years)
            recent = [p for p in ids if self.corpus[p].year == last]
            earlier = sorted({y for y in years if y < last})
            if recent and earlier:
                before = sum(1 for y in years if y == earlier[-1])
                peak = max(set(years), key=lambda y: (years.count(y), y))
                if len(recent) > before:
                    text = (f"Output is growing: {len(recent)} of the papers appeared in {last} alone, "
                            f"against {before} in {earlier[-1]} (")
                else:
                    text = (f"Most papers appeared in {peak} ({years.count(peak)}), "
                            f"{len(recent)} in {last} (")
                sentences.append(
                    DraftSentence([text, Ref(OVERVIEW_TABLE_LABEL, "Table"), ")."], "structural"))
        facts = [f for f in self.corpus_facts() if f[0] != "components"]
        components = sorted(
            (f for f in self.corpus_facts() if f[0] == "components"), key=lambda f: -f[2])[:3]
        if facts:
            clauses = [f"{n} {phrase}" for _, phrase, n in facts]
            text = "Across the corpus, " + ", ".join(clauses[:-1]) + (" and " if len(clauses) > 1 else "") \
                + clauses[-1]
            if components:
                text += "; the most frequent agent components are " + ", ".join(
                    f"{name} ({n} papers)" for _, name, n in components)
            sentences.append(
                DraftSentence([text + " (", Ref("sec:comparison", "Section"), ")."], "structural"))
        return Paragraph(sentences) if sentences else None

    def abstract_text(self, sections: list[Section]) -> str:
        """The abstract: the field, its size and years, its themes and main approaches, then how the
        text was made."""
        ids = list(self.assignments.index)
        years = self.years(ids)
        themes = [str(r.label) for s in self.section_ids()
                  for r in self.section_topics(s).itertuples(index=False)]
        text = (f"This survey reviews {_count(len(ids), 'paper')} on {self.field_name()}"
                + (f" published {_year_span(years)}" if years else "")
                + (f", organised into {_count(len(themes), 'theme')}: " + ", ".join(themes[:-1])
                   + (" and " if len(themes) > 1 else "") + themes[-1] if themes else "") + ". ")
        facts = [f for f in self.corpus_facts() if f[0] != "components"]
        if facts:
            clauses = [f"{n} {phrase}" for _, phrase, n in facts[:4]]
            text += "Of these papers, " + ", ".join(clauses[:-1]) + (" and " if len(clauses) > 1 else "") \
                + clauses[-1] + ". "
        text += ("Within each theme, the survey compares the papers by training approach, agent "
                 "organisation, components and domain, states each paper's contribution and the results its "
                 "abstract reports, and collects open challenges from the papers' limitation and future-work "
                 "statements. The text was drafted by surveykit and is extractive: each sentence quotes the "
                 "abstract of the paper it cites, summarises the cited papers, or points to a table, "
                 "figure or "
                 "section; provenance.jsonl maps every sentence to its source.")
        return text

    def related_surveys(self) -> Paragraph | None:
        """The "Related surveys" group: a lead sentence, then each survey's own contribution
        sentence (surveys are discussed here, not in the subject sections)."""
        if not self.related:
            return None
        ids = sorted(self.related, key=lambda p: (-(self.corpus[p].year or 0), self.key(p)))
        n = len(ids)
        lead = DraftSentence(
            [f"{_count(n, 'earlier survey').capitalize()} of the field ",
             Cite(tuple(self.key(p) for p in ids)),
             " " + ("is" if n == 1 else "are") + " part of the corpus and "
             + ("is" if n == 1 else "are") + " discussed here rather than in the thematic sections ("
             "newest first):"],
            "summary",
            tuple(ids),
        )
        return Paragraph([lead, *(self.paper_sentences(pid, with_result=False)[0] for pid in ids)])

    def corpus_sources(self) -> str:
        config = self.config
        if config is None or getattr(config, "uses_bundled_corpus", True):
            return f"surveykit's bundled corpus ({self.corpus.name})"
        names = [Path(str(s.get("path"))).name for s in config.sources]
        return "the source file" + ("s " if len(names) > 1 else " ") + ", ".join(names)

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

    def comparison_section(self, tables: list[Asset], figures: list[Asset]) -> Section:
        """Facets compared across themes, then one sentence per table and figure saying what it shows."""
        sec = Section("Comparison", "sec:comparison")
        across = self.cross_theme_paragraph()
        if across:
            sec.blocks.append(across)
        sentences = []
        topic_tables = [t for t in tables if t.label and re.fullmatch(r"topic_\d+", t.name)]
        for table in tables:
            if table.label and table not in topic_tables:
                sentences.append(DraftSentence([Ref(table.label, "Table"), self._table_phrase(table)],
                                               "structural"))
        if len(topic_tables) > 1:  # one sentence for the per-theme tables, not one each
            refs = _join_names([[Ref(t.label, "Table")] for t in topic_tables])
            sentences.append(DraftSentence(
                refs + [" compare the papers of each theme (one table per theme, in the order of the "
                        "sections) by contribution type, training, agent organisation, components and "
                        "domain; an empty cell means the abstract does not say."], "structural"))
        elif topic_tables:
            table = topic_tables[0]
            sentences.append(DraftSentence([Ref(table.label, "Table"), self._table_phrase(table)],
                                           "structural"))
        for fig in figures:
            sentences.append(
                DraftSentence(
                    [Ref(fig.label, "Figure"), f" shows the {_caption_phrase(fig.caption)}."], "structural"
                )
            )
        if sentences:
            sec.blocks.append(Paragraph(sentences))
        return sec

    def _table_phrase(self, table: Asset) -> str:
        """What a table shows, in one clause (after its reference)."""
        match = re.fullmatch(r"topic_(\d+)", table.name)
        if match:
            rows = self.topics[self.topics["topic"] == int(match.group(1))]
            if len(rows):
                n = len(self.members(int(match.group(1))))
                theme = rows["label"].iloc[0]
                return (f" compares the {_count(n, 'paper')} on {theme} by contribution type, "
                        "training, agent organisation, components and domain.")
        if table.name == "benchmarks":
            return " lists the benchmarks and data sets of the corpus with the sizes their abstracts state."
        if table.name == "related_surveys":
            return " lists the related surveys and reviews."
        return f" shows the {_caption_phrase(table.caption)}."

    def cross_theme_paragraph(
        self, facets: Sequence[str] = ("training", "agents", "components")
    ) -> Paragraph | None:
        """For each facet value: the theme where it is most and least common, citing those papers."""
        long = self._attribute_long()
        if long is None or long.empty:
            return None
        themes = [(str(r.label), self.members(int(r.topic))) for s in self.section_ids()
                  for r in self.section_topics(s).itertuples(index=False)]
        themes = [(label, ids) for label, ids in themes if len(ids) >= 2]
        if len(themes) < 2:
            return None
        labels = facet_labels(long)
        sentences = []
        for facet in facets:
            if facet == "components":
                sub = long[long["attribute"].isin(COMPONENT_FLAGS)]
                pairs = list(zip(sub["attribute"], sub["paper_id"], strict=True))
            else:
                sub = long[long["attribute"] == facet]
                pairs = list(zip(sub["value"], sub["paper_id"], strict=True))
            values: dict[str, set[str]] = {}
            for value, pid in pairs:
                values.setdefault(str(value), set()).add(pid)
            for value, papers in sorted(values.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:2]:
                shares = [
                    (len(papers & set(ids)) / len(ids), label, [p for p in ids if p in papers], len(ids))
                    for label, ids in themes
                ]
                shares.sort(key=lambda t: (-t[0], t[1]))
                top, low = shares[0], shares[-1]
                if not top[2] or top[0] == low[0]:
                    continue
                name = FACET_NAMES.get((facet, value)) or labels.get((facet, value)) or value
                name = COMPONENT_NAMES.get(value, name) if facet == "components" else name
                parts: list[Segment] = [
                    f"{_capital(name)} is most common in {top[1]}, "
                    f"with {len(top[2])} of its {top[3]} papers ",
                    Cite(tuple(self.key(p) for p in top[2]))]
                cited = list(top[2])
                if low[2]:
                    parts += [f", and least common in {low[1]}, with {len(low[2])} of {low[3]} ",
                              Cite(tuple(self.key(p) for p in low[2])), "."]
                    cited += low[2]
                else:
                    parts.append(f"; no paper of {low[1]} states it.")
                sentences.append(DraftSentence(parts, "summary", tuple(cited)))
        return Paragraph(sentences, lead="Across themes") if sentences else None

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
            ids = self.section_members(section)
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
        ids = list(self.assignments.index)
        pool = [s for pid in ids for s in self.sentences[pid] if s.role == "future" or "future" in s.tags]
        chosen = self._select(pool, self.options.future_directions, _future_weight)
        if chosen:
            chosen.sort(key=lambda s: ids.index(s.paper_id))
            future.blocks.append(
                self._paragraph(chosen, "future", flat=FUTURE_CONNECTIVES, order_by_role=False)
            )
        sec.subsections = [s for s in (challenges, future) if s.blocks]
        return sec

    def conclusion(self, sections: list[Section]) -> Section:
        sec = Section("Conclusion", "sec:conclusion")
        sentences = []
        for section, built in zip(self.section_ids(), sections, strict=False):
            ids = self.section_members(section)
            n_themes = len(built.subsections) or 1
            parts: list[Segment] = [
                f"{_capital(_theme(built.title))} (",
                Ref(built.label, "Section"),
                f") spans {_count(len(ids), 'paper')} in {_count(n_themes, 'theme')}",
            ]
            finding = self._dominant_value(ids)
            if finding:
                phrase, papers = finding
                parts += [f"; its most common approach is that {len(papers)} of them {phrase} "]
                parts += [Cite(tuple(self.key(p) for p in papers))]
                parts.append(".")
                sentences.append(DraftSentence(parts, "summary", tuple(papers)))
            else:
                parts.append(".")
                sentences.append(DraftSentence(parts, "structural"))
        n_challenges = sum(
            1 for pid in self.assignments.index for s in self.sentences.get(pid, [])
            if (s.paper_id, s.index) in self.used and s.role in ("limitation", "future"))
        sentences.append(
            DraftSentence(
                [
                    f"What remains open is stated by the papers themselves: {n_challenges} limitation "
                    "and future-work statements, grouped by section, are collected in ",
                    Ref("sec:challenges", "Section"),
                    ".",
                ],
                "structural",
            )
        )
        sec.blocks.append(Paragraph(sentences))
        return sec

    def _dominant_value(self, ids: Sequence[str]) -> tuple[str, list[str]] | None:
        """The most frequent training or organisation value among ``ids`` (phrase, its papers)."""
        long = self._attribute_long()
        if long is None or long.empty or not ids:
            return None
        sub = long[long["paper_id"].isin(set(ids)) & long["attribute"].isin(("training", "agents"))]
        if sub.empty:
            return None
        counts = sub.groupby(["attribute", "value"])["paper_id"].apply(lambda s: list(dict.fromkeys(s)))
        (attribute, value), papers = max(counts.items(), key=lambda kv: (len(kv[1]), kv[0]))
        if len(papers) < 2:
            return None
        label = facet_labels(sub).get((attribute, value), value)
        order = {p: i for i, p in enumerate(ids)}
        return value_phrase(attribute, value, label, True), sorted(papers, key=order.__getitem__)



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


def _listlike(value: Any) -> bool:
    return isinstance(value, list | tuple | np.ndarray | pd.Series)


def _block_papers(block: Any) -> set[str]:
    out: set[str] = set()
    if isinstance(block, Paragraph):
        for s in block.sentences:
            out |= set(s.paper_ids)
    elif isinstance(block, ItemList):
        for item in block.items:
            for s in item.sentences:
                out |= set(s.paper_ids)
    return out


def _join_list(items: Sequence[list[Segment]], sep: str) -> list[Segment]:
    out: list[Segment] = []
    for i, item in enumerate(items):
        if i:
            out.append(sep)
        out += item
    return out


def _year_span(years: Sequence[int], dash: str = " to ") -> str:
    if not years:
        return ""
    lo, hi = min(years), max(years)
    if lo == hi:
        return f"in {lo}" if dash == " to " else str(lo)
    return f"from {lo} to {hi}" if dash == " to " else f"{lo}{dash}{hi}"


def _quote_list(words: Sequence[str]) -> str:
    quoted = [f"\u201c{w}\u201d" for w in words]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _theme(label: str) -> str:
    """A topic label used inside a sentence (as curated: labels are often names)."""
    return label.strip()


def _shorten(text: str, words: int) -> str:
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]) + "\u2026"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _caption_phrase(caption: str) -> str:
    text = caption.strip().rstrip(".")
    text = re.sub(r"^(?:The|A|An)\s+", "", text)
    return _lower_first(text)


def _slug(value: object) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", str(value)).strip("-").lower() or "x"
