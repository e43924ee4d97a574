"""The thematic sections: per theme, comparative sentences over its facets, then each paper's
contribution and headline result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from surveykit.draft.compare import ResultFact, result_fact, shared_terms
from surveykit.draft.model import (
    Cite,
    DraftSentence,
    Paragraph,
    Ref,
    Section,
    Segment,
    number_words,
)
from surveykit.draft.sentences import AUTHOR, cited_as_plural
from surveykit.draft.synthesis import (
    EXCLUSIVE_FACETS,
    MAX_NAMED,
    comparative_sentence,
    contribution_sentence,
    facet_labels,
    result_sentence,
    theme_facets,
    value_phrase,
)
from surveykit.draft.text import (
    _FUNCTION_WORDS,
    OVERVIEW_TABLE_LABEL,
    _capital,
    _count,
    _join_names,
    _join_words,
    _listlike,
    _quote_list,
    _shorten,
    _slug,
    _year_span,
    extract_sentence,
    short_name,
)

PAPERS_PER_PARAGRAPH = 6
CONTRASTS = ("In contrast, ", "By contrast, ")  # the second and third group of an exclusive facet


def _number_word(n: int) -> str:
    return number_words(n) if 0 <= n <= 20 else str(n)


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
        if "_facet_labels" not in self.__dict__:  # the same for every theme: made once
            self.__dict__["_facet_labels"] = facet_labels(long)
        labels = self.__dict__["_facet_labels"]
        main = facets[0] if facets else None
        others = [f for f in facets if f is not main] if len(facets) > 2 else facets
        comparisons = []
        for facet in others:
            sentence = comparative_sentence(facet, self.key, labels, len(ids), cited_of=self.cited,
                                            plural=self.plural)
            if sentence is not None:
                sentence.tag = "comparison"
                comparisons.append(sentence)
            if len(comparisons) >= self.options.comparisons_per_theme:
                break
        if comparisons:
            blocks.append(Paragraph(comparisons))
        discussed = self.discussed(topic)
        blocks += self.paper_paragraphs(discussed, main, labels, facets)
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
        """The attribute rows without the non-discriminative values (computed once per drafter)."""
        if "_attribute_long_rows" not in self.__dict__:
            self.__dict__["_attribute_long_rows"] = self._discriminative_rows()
        return self.__dict__["_attribute_long_rows"]

    def _discriminative_rows(self) -> pd.DataFrame | None:
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

    def paper_paragraphs(self, ids: Sequence[str], facet: Any = None,
                         labels: Mapping[tuple[str, str], str] | None = None,
                         facets: Sequence[Any] = ()) -> list[Paragraph]:
        """One paragraph per value of the theme's main facet: a sentence naming what the group shares
        (the value, and terms most of its papers use), each paper's contribution, then the group's
        reported numbers side by side (:mod:`surveykit.draft.compare`)."""
        groups: list[tuple[str | None, list[str]]] = []
        placed: set[str] = set()
        allowed = set(ids)
        for value, papers in (facet.groups[:3] if facet is not None else ()):
            group = [p for p in papers if p not in placed and p in allowed]
            placed |= set(group)
            if group:
                groups.append((value, group))
        rest = [p for p in ids if p not in placed]
        if rest:
            groups.append((None, rest))
        exclusive = facet is not None and facet.attribute in EXCLUSIVE_FACETS
        out = []
        for g, (value, group) in enumerate(groups):
            sentences: list[DraftSentence] = []
            contrast = CONTRASTS[min(g, len(CONTRASTS)) - 1] if g and exclusive and value is not None else ""
            opener = self.group_opener(facet, value, group, ids, labels or {}, contrast=contrast,
                                       facets=facets)
            if opener is not None:
                sentences.append(opener)
            opened = len(sentences)
            for start in range(0, len(group), PAPERS_PER_PARAGRAPH):  # a long group: several paragraphs
                facts: list[tuple[str, ResultFact, bool]] = []
                for pid in group[start:start + PAPERS_PER_PARAGRAPH]:
                    paper_out, fact = self.paper_sentences(pid, with_fact=True)
                    sentences += paper_out
                    if fact is not None:
                        facts.append((pid, *fact))
                sentences += self.results_sentences(facts)
                if opened and len(group) == 1 and sentences[opened].kind == "summary":
                    sentences = sentences[opened:]  # the paper's attribute sentence says it already
                out.append(Paragraph(sentences))
                opened = 0
                sentences = []
        return out

    def group_opener(self, facet: Any, value: str | None, group: Sequence[str], theme: Sequence[str],
                     labels: Mapping[tuple[str, str], str], contrast: bool | str = False,
                     facets: Sequence[Any] = ()) -> DraftSentence | None:
        """What a group shares: ``Eleven papers (...) plan or search explicitly; six of them also
        fine-tune the model on curated data (...), and four target games (...).`` The other
        values come from the attribute table (each clause cites the papers with that value); without
        one, a two-word term most of the group's abstracts use (citing those papers)."""
        shared = self._shared_values(group, [f for f in facets if f is not facet], labels)
        parts: list[Segment] = []
        among = "Of the remaining papers of this theme, " if facet is not None else "In this theme, "
        if value is not None and facet is not None:
            label = labels.get((facet.attribute, value), value)
            if contrast:
                parts.append(contrast if isinstance(contrast, str) else "In contrast, ")
            parts += self._subject(group, capital=not contrast)
            parts.append(" " + value_phrase(facet.attribute, value, label, self.plural(group), len(group)))
            for i, (phrase, papers) in enumerate(shared):
                every = len(papers) == len(group)
                count = ("both" if len(papers) == 2 else "all") if every else _number_word(len(papers))
                parts.append(f"; {count} of them also {phrase}" if i == 0 else f", and {count} {phrase}")
                if not every:  # the group is cited already
                    parts += [" ", Cite(tuple(self.key(p) for p in papers))]
            cited = tuple(group)
        elif shared:
            phrase, papers = shared[0]
            parts += [among, *self._subject(papers, capital=False), f" {phrase}"]
            cited = tuple(papers)
        else:
            texts = {p: self.corpus[p].text for p in theme}
            terms = [(t, p) for t, p in shared_terms(texts, group, theme, limit=1)
                     if " " in t and 2 * len(p) >= len(group)]
            if not terms:
                return None
            term, papers = terms[0]
            parts += [among, f"\u201c{term}\u201d recurs in {self._read_in(papers)} of ",
                      *self._subject(papers, capital=False)]
            cited = tuple(papers)
        if value is not None and not shared:
            texts = {p: self.corpus[p].text for p in theme}
            terms = [(t, p) for t, p in shared_terms(texts, group, theme, limit=1)
                     if " " in t and 2 * len(p) >= len(group)]
            for term, papers in terms:
                parts += [f"; \u201c{term}\u201d recurs in {self._read_in(papers)} of ",
                          *self._subject(papers, capital=False)]
        parts.append(".")
        return DraftSentence(parts, "summary", cited, tag="group")

    def _read_in(self, papers: Sequence[str]) -> str:
        """Where a shared term was read: "the abstracts", or "the titles" when none of ``papers``
        has an abstract (a library without them)."""
        if any(self.corpus[p].has_abstract for p in papers):
            return "the abstracts"
        return "the titles"

    def _shared_values(self, group: Sequence[str], facets: Sequence[Any],
                       labels: Mapping[tuple[str, str], str], limit: int = 2) -> list[tuple[str, list[str]]]:
        """The values of other facets most papers of ``group`` have (at least two papers each):
        (plural value phrase, papers in group order), most frequent first."""
        members = set(group)
        theme = set().union(*(f.papers for f in facets)) | members if facets else members
        found = []
        for rank, facet in enumerate(facets):
            for value, papers in facet.groups:
                inside = [p for p in group if p in set(papers) & members]
                # more common in the group than in the theme: it characterises the group
                lift = (len(inside) / len(group)) / (len(set(papers) & theme) / len(theme) or 1.0)
                if len(inside) >= 2 and 3 * len(inside) >= len(group) and lift >= 1.25:
                    label = labels.get((facet.attribute, value), value)
                    phrase = value_phrase(facet.attribute, value, label, True)
                    found.append((-len(inside), rank, phrase, inside))
        found.sort(key=lambda t: (t[0], t[1]))
        out: list[tuple[str, list[str]]] = []
        for _, _, phrase, inside in found:
            if phrase not in (p for p, _ in out):
                out.append((phrase, inside))
            if len(out) == limit:
                break
        return out

    def plural(self, group: Sequence[str]) -> bool:
        """Whether the group's textual citations make a plural subject: several papers, or one
        cited as "Chen et al." (:func:`~surveykit.draft.sentences.cited_as_plural`)."""
        return len(group) > 1 or any(cited_as_plural(self.corpus[p]) for p in group)

    def _subject(self, group: Sequence[str], capital: bool = True) -> list[Segment]:
        """``A, B and C`` (textual citations) for a small group, else ``Nine papers (A; ...; I)``."""
        if len(group) <= MAX_NAMED:
            return _join_names([[Cite((self.key(p),), textual=True)] for p in group])
        count = _number_word(len(group))
        return [f"{_capital(count) if capital else count} papers ", Cite(tuple(self.key(p) for p in group))]

    def results_sentences(self, facts: Sequence[tuple[str, ResultFact, bool]]) -> list[DraftSentence]:
        """The group's reported numbers side by side: ``A report a 28.0% relative improvement on
        WebArena, while COMPASS (B) achieves a 57% win rate.`` (at most three per sentence)."""
        out = []
        for start in range(0, len(facts), 3):
            chunk = facts[start:start + 3]
            parts: list[Segment] = []
            for i, (pid, fact, named) in enumerate(chunk):
                if i:
                    parts.append(", while " if i == 1 else ", and ")
                name = short_name(self.corpus[pid])
                if named and name:
                    parts += [f"{name} ", Cite((self.key(pid),)), f" achieves {fact.phrase()}"]
                else:
                    single = not self.plural([pid])
                    parts += [Cite((self.key(pid),), textual=True),
                              f" report{'s' if single else ''} {fact.phrase()}"]
            parts[0:0] = [] if start == 0 else ["Further, "]
            parts.append(".")
            out.append(DraftSentence(parts, "summary", tuple(p for p, _, _ in chunk), tag="results"))
        return out

    def paper_sentences(
        self, paper_id: str, prefix: str = "", with_result: bool = True, with_fact: bool = False
    ) -> Any:
        """The paper's contribution (extracted, else from its attributes) and its headline result.

        With ``with_fact``: returns ``(sentences, fact)`` where a headline number that
        :func:`~surveykit.draft.compare.result_fact` can restate is returned as ``(fact, named)``
        (``named``: the sentence names the paper's system) instead of being quoted."""
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
        fact = None
        if result is not None:
            self.used.add((result.paper_id, result.index))
            restated = result_fact(result.text) if with_fact else None
            if restated is not None:
                fact = (restated, bool(name) and name in result.text)
            else:
                out.append(extract_sentence(result, self.key(paper_id)))
        return (out, fact) if with_fact else out

    def attribute_summary(self, paper_id: str, prefix: str = "") -> DraftSentence:
        """``<cite> proposes a method ... and targets web tasks``: from the paper's attribute values;
        for a paper without an abstract, its title (``<cite> present “AutoFolio: ...”``): its
        attributes were read in the title alone, and six papers of a theme would each "propose a
        method or framework" after the theme's sentence said so of all six."""
        paper = self.corpus[paper_id]
        plural = self.plural([paper_id])
        if not paper.has_abstract and paper.title.strip():
            verb = "present" if plural else "presents"
            cite = Cite((self.key(paper_id),), textual=True)
            title = " ".join(paper.title.split()).rstrip(".")
            return DraftSentence([prefix, cite, f" {verb} \u201c{title}\u201d."], "summary", (paper_id,))
        long = self._attribute_long()
        clauses = []
        if long is not None and not long.empty:
            rows = long[long["paper_id"] == paper_id]
            labels = facet_labels(rows)
            for attribute in ("contribution", "training", "agents", "domain"):
                values = list(dict.fromkeys(rows.loc[rows["attribute"] == attribute, "value"]))[:1]
                for value in values:
                    label = labels.get((attribute, str(value)), "")
                    clauses.append(value_phrase(attribute, str(value), label, plural, 1))
        name = short_name(paper)
        if not clauses:
            subject = f"{name}" if name else _shorten(paper.title.strip().rstrip("."), 10)
            clauses = [f"present{'' if plural else 's'} {subject}"]
        body = _join_words(clauses)
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
