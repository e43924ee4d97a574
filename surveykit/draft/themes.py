"""The thematic sections: per theme, comparative sentences over its facets, then each paper's
contribution and headline result."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from surveykit.draft.model import (
    Cite,
    DraftSentence,
    Paragraph,
    Ref,
    Section,
    Segment,
)
from surveykit.draft.sentences import AUTHOR
from surveykit.draft.synthesis import (
    EXCLUSIVE_FACETS,
    comparative_sentence,
    contribution_sentence,
    facet_labels,
    result_sentence,
    theme_facets,
    value_phrase,
)
from surveykit.draft.text import (
    _FUNCTION_WORDS,
    ADDITION_CONNECTIVES,
    OVERVIEW_TABLE_LABEL,
    _count,
    _join_names,
    _listlike,
    _quote_list,
    _shorten,
    _slug,
    _year_span,
    extract_sentence,
    short_name,
)


class ThemeSections:
    """The thematic sections of :class:`~surveykit.draft.outline.Drafter`."""

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
            sentence = comparative_sentence(facet, self.key, labels, len(ids), cited_of=self.cited)
            if sentence is not None:
                comparisons.append(sentence)
            if len(comparisons) >= self.options.comparisons_per_theme:
                break
        if comparisons:
            blocks.append(Paragraph(comparisons))
        discussed = self.discussed(topic)
        blocks += self.paper_paragraphs(discussed, facets[0] if facets else None)
        if len(discussed) < len(ids):
            rest = len(ids) - len(discussed)
            central = ("its most central paper" if len(discussed) == 1
                       else f"its {len(discussed)} most central papers")
            blocks.append(Paragraph([DraftSentence(
                [f"This theme is described through {central} (closest to the theme's centre); the "
                 f"other {_count(rest, 'paper')} {'is' if rest == 1 else 'are'} counted in ",
                 Ref(OVERVIEW_TABLE_LABEL, "Table"),
                 f" and listed, with the attributes, in topic_{topic:02d}.csv of the tables "
                 "folder."], "structural")]))
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
        allowed = set(ids)
        for _, papers in (facet.groups[:3] if facet is not None else ()):
            group = [p for p in papers if p not in placed and p in allowed]
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
