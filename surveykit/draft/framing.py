"""Framing from the corpus: abstract, introduction, related surveys, comparison across themes and
conclusion."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import pandas as pd

from surveykit.bib.venues import citation_year
from surveykit.config import SurveyConfig
from surveykit.corpus.bundled import is_bundled_corpus, source_files, title_for
from surveykit.corpus.model import Corpus
from surveykit.draft.assets import TREE_LABEL, Asset, is_theme_table, theme_of
from surveykit.draft.evaluation import evaluation_table
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
from surveykit.draft.synthesis import (
    COMPONENT_FLAGS,
    facet_labels,
    value_phrase,
)
from surveykit.draft.text import (
    COMPONENT_NAMES,
    FACET_NAMES,
    GROUPING_METHOD,
    OVERVIEW_TABLE_LABEL,
    _capital,
    _caption_phrase,
    _count,
    _join_list,
    _join_names,
    _join_words,
    _name_list,
    _slug,
    _theme,
    _year_span,
    outline_shape,
)
from surveykit.topics.labels import OTHER_PAPERS

# the facets a theme's papers are grouped by (attributes of the default schema), as the abstract names them
GROUPING_FACETS = ((("training",), "training approach"), (("agents",), "agent organisation"),
                   (COMPONENT_FLAGS, "components"), (("domain",), "domain"))
# the columns of a theme's table, as its sentence names them
TABLE_FACETS = ((("contribution",), "contribution type"), (("training",), "training"),
                *GROUPING_FACETS[1:])


def survey_title(config: SurveyConfig, corpus: Corpus) -> str:
    """``[survey] title`` for this corpus (:func:`surveykit.corpus.bundled.title_for`)."""
    return title_for(config.title, corpus)


CHARACTERISTIC_LIFT = 1.5  # a theme's characteristic value: this many times its corpus share,
CHARACTERISTIC_SHARE = 0.25  # and at least this share of the theme's papers (2 of 136 sums up nothing)


class Framing:
    """The framing sections of :class:`~surveykit.draft.outline.Drafter`."""

    def introduction(self, sections: list[Section], has_comparison: bool,
                     related_table: Float | None = None, years_figure: str | None = None) -> Section:
        """Scope and size, how the corpus was built, the related surveys (with their table, when
        the tables stage wrote one) and the roadmap; ``years_figure``: the label of the figure of
        papers per year, which the count of papers per year refers to (else the overview table)."""
        sec = Section("Introduction", "sec:introduction")
        ids = list(self.assignments.index)
        framing = self.field_framing(sections, years_figure)
        if framing:
            sec.blocks.append(framing)
        years = self.years(ids)
        by_year = pd.Series(years).value_counts().sort_index() if years else pd.Series(dtype=int)
        counts = ", ".join(f"{n} from {y}" for y, n in by_year.items())
        if framing:  # the field framing already gave the size and the years
            text = f"The corpus is organised into {outline_shape(sections)} ("
        else:
            text = (
                f"This survey reviews a corpus of {_count(len(ids), 'paper')}"
                + (f" published {_year_span(years)} ({counts})" if years else "")
                + f", organised into {outline_shape(sections)} ("
            )
        corpus_sentence = DraftSentence(
            [text, Ref(TREE_LABEL, "Figure"), " and ", Ref(OVERVIEW_TABLE_LABEL, "Table"), ")."], "structural"
        )
        built = DraftSentence(
            [
                f"The corpus was assembled from {self.corpus_sources()}; duplicates were merged "
                f"by arXiv identifier, DOI and normalised title, and {self.grouping_method()} (",
                Ref(TREE_LABEL, "Figure"),
                ").",
            ],
            "structural",
        )
        sec.blocks.append(Paragraph([corpus_sentence, built]))
        related = self.related_surveys()
        if related:
            sec.blocks.append(related)
            if related_table is not None:
                n = len(self.related)
                related.sentences.append(DraftSentence(
                    [Ref(related_table.label, "Table"),
                     " lists the one with its title and year." if n == 1
                     else f" lists all {n} with their titles and years."], "structural"))
                sec.blocks.append(related_table)
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
        """The surveyed field, from the draft's title ("LLM Based Agents: A Survey" -> its head);
        "" when the title names none ("A Survey", or the bundled corpus's title over the user's
        own sources: :func:`survey_title`)."""
        title = survey_title(self.config, self.corpus) if self.config is not None else ""
        head = re.split(r":\s*", title, maxsplit=1)[0].strip()
        if not head or re.fullmatch(r"(?i)an? survey|survey", head):
            return ""
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
                facts.append((attribute, value_phrase(attribute, str(value), label, n != 1), int(n)))
        for flag in COMPONENT_FLAGS:
            n = long.loc[long["attribute"] == flag, "paper_id"].nunique()
            if n:
                facts.append(("components", COMPONENT_NAMES.get(flag, flag), int(n)))
        return facts

    def field_framing(self, sections: list[Section], years_figure: str | None = None) -> Paragraph | None:
        """Scope, size, years, themes and the main approaches of the field, from the corpus; the
        papers per year refer to ``years_figure`` (a label) when given, else the overview table."""
        ids = list(self.assignments.index)
        if not ids:
            return None
        sentences = []
        years = self.years(ids)
        themes = [(str(r.label), self.theme_label(s, int(r.topic)), len(self.members(int(r.topic))))
                  for s in self.section_ids() for r in self.section_topics(s).itertuples(index=False)]
        themes.sort(key=lambda t: (-t[2], t[0]))
        themes = [t for t in themes if t[0] != OTHER_PAPERS] or themes  # the miscellany is no theme to name
        if themes:
            field = self.field_name()
            parts: list[Segment] = [
                (f"Research on {field} is the subject of this survey: " if field
                 else "This survey covers ")
                + f"{_count(len(ids), 'paper')}" + (f" published {_year_span(years)}" if years else "")
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
                elif peak == last:
                    text = f"Most papers appeared in {last}, the latest year ({len(recent)}; "
                else:  # not "Most papers appeared in 2020 (86), 11 in 2024"
                    text = (f"Most papers appeared in {peak} ({years.count(peak)}), and {len(recent)} in "
                            f"{last}, the latest year (")
                where = Ref(years_figure, "Figure") if years_figure else Ref(OVERVIEW_TABLE_LABEL, "Table")
                sentences.append(DraftSentence([text, where, ")."], "structural"))
        facts = [f for f in self.corpus_facts() if f[0] != "components"]
        components = sorted(
            (f for f in self.corpus_facts() if f[0] == "components"), key=lambda f: -f[2])[:3]
        if facts:
            # "132 papers fine-tune ..., 29 prompt ..."
            clauses = [f"{n}{(' paper' if n == 1 else ' papers') if i == 0 else ''} {phrase}"
                       for i, (_, phrase, n) in enumerate(facts)]
            text = "Across the corpus, " + _join_words(clauses)
            if components:
                text += "; the most frequent agent components are " + ", ".join(
                    f"{name} ({_count(n, 'paper')})" for _, name, n in components)
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
        field = self.field_name()
        text = (f"This survey reviews {_count(len(ids), 'paper')}" + (f" on {field}" if field else "")
                + (f" published {_year_span(years)}" if years else "")
                + (f", organised into {_count(len(themes), 'theme')}: " + _join_words(themes)
                   if themes else "") + ". ")
        facts = [f for f in self.corpus_facts() if f[0] != "components"]
        if facts:
            clauses = [f"{n} {phrase}" for _, phrase, n in facts[:4]]
            text += "Of these papers, " + _join_words(clauses) + ". "
        grouped = _join_words(self.grouping_facets())
        if ids and not any(self.corpus[pid].has_abstract for pid in ids):  # a .bib without abstracts
            return text + ("Within each theme, the survey "
                           + (f"groups the papers by {grouped} and " if grouped else "")
                           + "presents each paper by its title: the sources give no abstracts, so it "
                           "quotes none and states no results or open challenges of its own. The text was "
                           "drafted by surveykit: each sentence states what the cited papers share, gives "
                           "a paper's title, or points to a table, figure or section.")
        text += ("Within each theme, the survey "
                 + (f"groups the papers by {grouped}, states what each group shares, "
                    if grouped else "states ")
                 + "each paper's "
                 "contribution and the results the abstracts report side by side, and groups the papers' "
                 "limitation and future-work statements into open challenges. The text was drafted by "
                 "surveykit: each sentence quotes the abstract of the paper it cites, states what the cited "
                 "papers share or report (every number as their abstracts give it), or points to a table, "
                 "figure or section; provenance.jsonl maps every quoted sentence to its source.")
        return text

    def related_surveys(self) -> Paragraph | None:
        """The "Related surveys" group: a lead sentence, then each survey's own contribution
        sentence (surveys are discussed here, not in the subject sections)."""
        if not self.related:
            return None
        ids = sorted(self.related, key=lambda p: (-(citation_year(self.corpus[p]) or 0), self.key(p)))
        n = len(ids)
        dated = any(citation_year(self.corpus[p]) for p in ids)
        order = " (newest first)" if dated and n > 1 else ""  # no years: no order to speak of
        cap = self.options.discussed_per_theme
        if cap and n > cap:  # a big corpus: the newest few, the rest stay in the bibliography
            ids = ids[:cap]
            lead = DraftSentence(
                [f"{_count(n, 'earlier survey').capitalize()} of the field are part of the corpus; "
                 f"the {'newest' if dated else 'first'} {cap} ", Cite(tuple(self.key(p) for p in ids)),
                 f" are discussed here rather than in the thematic sections{order}:"],
                "summary", tuple(ids))
            return Paragraph([lead, *(self.paper_sentences(pid, with_result=False)[0] for pid in ids)])
        lead = DraftSentence(
            [f"{_count(n, 'earlier survey').capitalize()} of the field ",
             Cite(tuple(self.key(p) for p in ids)),
             " " + ("is" if n == 1 else "are") + " part of the corpus and "
             + ("is" if n == 1 else "are") + f" discussed here rather than in the thematic sections{order}:"],
            "summary",
            tuple(ids),
        )
        return Paragraph([lead, *(self.paper_sentences(pid, with_result=False)[0] for pid in ids)])

    def grouping_facets(self, facets: tuple[tuple[tuple[str, ...], str], ...] = GROUPING_FACETS
                        ) -> list[str]:
        """The attribute facets the themes' papers are grouped by that hold values in this corpus
        (the default schema's: training approach, agent organisation, components, domain)."""
        long = self._attribute_long()
        present = set() if long is None or long.empty else set(long["attribute"])
        return [name for attributes, name in facets if present & set(attributes)]

    def table_facets(self) -> str:
        """What the themes' tables compare, in words ("contribution type, training, ... and
        domain"): the facets that hold values in this corpus."""
        return _join_words(self.grouping_facets(TABLE_FACETS)) or "their attributes"

    def grouping_method(self) -> str:
        """``[draft] method``; the default one says which papers had only a title to go by."""
        method = self.options.method
        if method != GROUPING_METHOD:
            return method
        ids = list(self.assignments.index)
        bare = sum(1 for pid in ids if not self.corpus[pid].has_abstract)
        if ids and bare == len(ids):
            return method.replace("titles and abstracts", "titles (the sources give no abstracts)")
        if bare:
            return method + f" (titles alone for the {_count(bare, 'paper')} without one)"
        return method

    def corpus_sources(self) -> str:
        """Where the papers came from, read from the papers themselves (the notebooks after the
        first open the saved corpus, with the config's ``sources``, not ``--source``)."""
        if is_bundled_corpus(self.corpus):
            return ("surveykit's bundled corpus, a copied Daily Papers listing page with a metadata "
                    "file of arXiv identifiers, authors, years and venues")
        names = source_files(self.corpus)
        if not names:  # papers made in code, or by a service without a file
            return "the sources of survey.toml"
        return "the source file" + ("s " if len(names) > 1 else " ") + ", ".join(names)

    def comparison_section(self, tables: list[Asset], figures: list[Asset]) -> Section:
        """Facets compared across themes, then one sentence per table and figure saying what it shows."""
        sec = Section("Comparison", "sec:comparison")
        across = self.cross_theme_paragraph()
        if across:
            sec.blocks.append(across)
        sentences = []
        topic_tables = [t for t in tables if t.label and is_theme_table(t)]
        if len(topic_tables) > 1:  # one sentence for the per-theme tables, not one each
            refs = _join_names([[Ref(t.label, "Table")] for t in topic_tables])
            n_themes = len(self.topics)
            which = ("each theme (one table per theme, in the order of the sections)"
                     if len(topic_tables) >= n_themes else  # a big survey prints the largest only
                     f"the {number_words(len(topic_tables))} largest of the {n_themes} themes (one "
                     f"table each, in the order of the sections; the tables folder holds all {n_themes})")
            sentences.append(DraftSentence(
                refs + [f" compare the papers of {which} by {self.table_facets()}; an empty cell means "
                        "the abstract does not say."], "structural"))
        elif topic_tables:
            table = topic_tables[0]
            sentences.append(DraftSentence([Ref(table.label, "Table"), self._table_phrase(table)],
                                           "structural"))
        for table in tables:  # after the themes' tables, as they are set (see compose.comparison_order)
            if table.label and table not in topic_tables:
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
        benchmarks = evaluation_table(tables)
        evaluation = self.evaluation_paragraph(benchmarks) if benchmarks else None  # type: ignore[attr-defined]
        if evaluation:
            sec.blocks.append(evaluation)
        return sec

    def _table_phrase(self, table: Asset) -> str:
        """What a table shows, in one clause (after its reference)."""
        theme = theme_of(table)
        if theme is not None:
            rows = self.topics[self.topics["topic"] == theme]
            if len(rows):
                n = len(self.members(theme))
                label = rows["label"].iloc[0]
                return f" compares the {_count(n, 'paper')} on {label} by {self.table_facets()}."
        if table.name == "benchmarks":
            return " lists the benchmarks and data sets of the corpus with the sizes their abstracts state."
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
                    f"with {len(top[2])} of its {top[3]} papers", *self.cite_after(top[2])]
                cited = self.cited(top[2])
                if low[2]:
                    parts += [f", and least common in {low[1]}, with {len(low[2])} of {low[3]}",
                              *self.cite_after(low[2]), "."]
                    cited += self.cited(low[2])
                else:
                    parts.append(f"; no paper of {low[1]} states it.")
                sentences.append(DraftSentence(parts, "summary", tuple(cited)))
        return Paragraph(sentences, lead="Across themes") if sentences else None

    def conclusion(self, sections: list[Section]) -> Section:
        sec = Section("Conclusion", "sec:conclusion")
        # each section's sentence, and for a one-theme section with no value that sets it apart
        # ("X (Section 7) spans 84 papers.") its name and size, to list with the others like it
        entries: list[tuple[DraftSentence, list[Segment] | None]] = []
        for section, built in zip(self.section_ids(), sections, strict=False):
            ids = self.section_members(section)
            n_themes = len(built.subsections)  # 0: the section is one theme
            parts: list[Segment] = [
                f"{_capital(_theme(built.title))} (",
                Ref(built.label, "Section"),
                f") spans {_count(len(ids), 'paper')}"
                + (f" in {_count(n_themes, 'theme')} ({_name_list([t.title for t in built.subsections])})"
                   if n_themes else ""),
            ]
            finding = self._characteristic_value(ids)
            if finding:
                phrase, papers = finding
                share = "all" if len(papers) == len(ids) else str(len(papers))
                parts += [f", {share} of which {phrase}", *self.cite_after(papers), "."]
                entries.append((DraftSentence(parts, "summary", tuple(self.cited(papers))), None))
            else:
                bare: list[Segment] | None = None if n_themes else [
                    _capital(_theme(built.title)), " (", Ref(built.label, "Section"),
                    f", {_count(len(ids), 'paper')})"]
                entries.append((DraftSentence([*parts, "."], "structural"), bare))
        listed = [bare for _, bare in entries if bare is not None]
        if len(listed) >= 3:  # one sentence, not a run of "X (Section 7) spans 84 papers."
            sentences = [sentence for sentence, bare in entries if bare is None]
            lead = "The other themes are " if sentences else "The themes are "
            sentences.append(DraftSentence([lead, *_join_names(listed), "."], "structural"))
        else:
            sentences = [sentence for sentence, _ in entries]
        raised = getattr(self, "raised_challenges", [])
        if raised:
            top = [f"{r.challenge.name.lower()} ({_count(len(r.papers), 'paper')})" for r in raised[:3]]
            named = ", ".join(top[:-1]) + " and " + top[-1] if len(top) > 1 else top[0]
            text = (f"What remains open is stated by the papers themselves: their limitation and future-work "
                    f"statements converge on {_count(len(raised), 'challenge')}, most often {named} (")
            sentences.append(DraftSentence([text, Ref("sec:challenges", "Section"), ")."], "structural"))
        else:
            sentences.append(DraftSentence(
                ["The papers state few limitations or future directions in their abstracts (",
                 Ref("sec:challenges", "Section"), ")."], "structural"))
        sec.blocks.append(Paragraph(sentences))
        return sec

    def _characteristic_value(self, ids: Sequence[str]) -> tuple[str, list[str]] | None:
        """The attribute value that most sets the papers ``ids`` apart from the corpus (phrase, its
        papers in ``ids`` order): of the values at least two of them share and hold more often
        than the corpus does, the one with the largest n·ln(share here / share in the corpus)
        (its contribution to the log-likelihood ratio: both frequent and distinctive), held at least
        :data:`CHARACTERISTIC_LIFT` times as often as in the corpus ("propose methods", which most
        papers everywhere do, sets no theme apart) and by :data:`CHARACTERISTIC_SHARE` of ``ids``
        (two papers of 136 sum up nothing). Values of
        the contribution type, training, organisation, domain and the agent components."""
        long = self._attribute_long()
        if long is None or long.empty or not ids:
            return None
        flags = set(COMPONENT_FLAGS)
        long = long[long["attribute"].isin({"contribution", "training", "agents", "domain", *flags})]
        long = long[long["paper_id"].isin(set(self.assignments.index))]
        if long.empty:
            return None
        keys = [("components", a) if a in flags else (a, str(v))
                for a, v in zip(long["attribute"], long["value"], strict=True)]
        holders: dict[tuple[str, str], set[str]] = {}
        for key, paper in zip(keys, long["paper_id"], strict=True):
            holders.setdefault(key, set()).add(paper)
        inside, total = set(ids), max(len(self.assignments.index), 1)
        best: tuple[float, tuple[str, str]] | None = None
        for key in sorted(holders):
            n = len(holders[key] & inside)
            here, there = n / len(inside), len(holders[key]) / total
            if n < 2 or here < CHARACTERISTIC_SHARE or here < CHARACTERISTIC_LIFT * there:
                continue
            score = n * math.log(here / there)
            if best is None or score > best[0]:
                best = (score, key)
        if best is None:
            return None
        attribute, value = best[1]
        label = facet_labels(long).get((attribute, value), value)
        papers = [p for p in ids if p in holders[best[1]]]
        return value_phrase(attribute, value, label, True), papers
