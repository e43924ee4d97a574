"""The draft's evaluation paragraph: the benchmarks, datasets and environments the corpus introduces.

Benchmark and dataset papers stay in the themes of their subjects (the topic stage does not set them
apart, as it does surveys); this paragraph gathers them for the reader, from the same rows as the
benchmarks table (:func:`surveykit.tables.build.benchmark_table`): how many of each kind, named and
cited, the domains they target, the themes their papers are discussed in and how many link code
or data; a paper that evaluates on an existing benchmark rather than introducing one is said apart.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from surveykit.draft.assets import Asset
from surveykit.draft.model import Cite, DraftSentence, Paragraph, Ref, Segment, number_words
from surveykit.draft.synthesis import in_sentence
from surveykit.draft.text import _capital, _join_names, _join_words

EVALUATION_LEAD = "Benchmarks and evaluation"
KINDS = (("Benchmark", "benchmark"), ("Dataset", "dataset"), ("Environment", "environment"))
STUDIED = "Studied"  # an empirical study centred on an existing benchmark (the table's Kind)
NAMED_PER_KIND = 8  # resources named per kind; the rest are counted (the table lists all)
NAMED_PER_DOMAIN = 4  # resources named per domain
NAME_WORDS = 3  # a longer "name" is a title
DOMAINS = 3  # domains named, the most common first
THEMES = 4  # themes named, the ones holding the most resources first (a fifth rather than "other")


def _plural(word: str, n: int) -> str:
    return word if n == 1 else word + "s"


def _number(n: int) -> str:
    """A count inside a sentence: in words below ten, else in digits."""
    return number_words(n) if n < 10 else str(n)


class Evaluation:
    """Mixin of :class:`~surveykit.draft.outline.Drafter`: the evaluation paragraph."""

    def resources(self) -> pd.DataFrame | None:
        """The benchmarks table's rows with the paper id of each (``paper_id``), or None when the
        attributes are no :class:`~surveykit.attributes.extract.AttributeTable`."""
        from surveykit.attributes.extract import AttributeTable
        from surveykit.tables.build import REF, benchmark_table

        attributes = self.attributes  # type: ignore[attr-defined]
        if not isinstance(attributes, AttributeTable):
            return None
        frame = benchmark_table(self.corpus, attributes,  # type: ignore[attr-defined]
                                keys={pid: pid for pid in attributes.paper_ids})
        return frame.rename(columns={REF: "paper_id"})

    def evaluation_paragraph(self, table: str) -> Paragraph | None:
        """The paragraph on the corpus's benchmarks, datasets and environments (module docstring);
        ``table``: the label of the benchmarks table. None with fewer than two of them."""
        frame = self.resources()
        if frame is None:
            return None
        new = frame[frame["Kind"] != STUDIED]
        if len(new) < 2:
            return None
        sentences = [self._kinds_sentence(new, table)]
        domains = self._domains_sentence(new, table)
        if domains:
            sentences.append(domains)
        themes = self._themes_sentence(new)
        if themes:
            sentences.append(themes)
        linked = int((new["Code"] != "").sum())
        if linked:
            sentences.append(DraftSentence(
                [_capital(f"{_number(linked)} of the {_number(len(new))} "
                          + ("links its" if linked == 1 else "link their") + " code or data (")
                 if linked < len(new) else "All of them link their code or data (",
                 Ref(table, "Table"), ")."], "structural"))
        studied = frame[frame["Kind"] == STUDIED]
        if len(studied):
            sentences.append(self._studied_sentence(studied))
        return Paragraph(sentences, lead=EVALUATION_LEAD)

    def is_name(self, name: str, paper_id: str) -> bool:
        """Whether a resource is known by a name (at most :data:`NAME_WORDS` words, no comma, not its
        paper's whole title: the table names a benchmark paper without a detected name by its title)."""
        title = self.corpus[paper_id].title  # type: ignore[attr-defined]
        return (len(name.split()) <= NAME_WORDS and "," not in name  # "Reflect, Not Reflex": a title's
                and " ".join(name.split()) != " ".join(title.split()))

    def _named(self, rows: pd.DataFrame) -> list[list[Segment]]:
        """Each resource's name and the citation of its paper, for those known by a name
        (:meth:`is_name`), the most central papers first, at most :data:`NAMED_PER_KIND`."""
        rank = self.rank  # type: ignore[attr-defined]
        order = sorted((i for i in range(len(rows))
                        if self.is_name(str(rows["Name"].iloc[i]), str(rows["paper_id"].iloc[i]))),
                       key=lambda i: rank.get(rows["paper_id"].iloc[i], len(rank)))
        chosen = sorted(order[:NAMED_PER_KIND])  # in the table's order (year, then name)
        return [[str(rows["Name"].iloc[i]), Cite((self.key(rows["paper_id"].iloc[i]),))]  # type: ignore[attr-defined]
                for i in chosen]

    def _kinds_sentence(self, new: pd.DataFrame, table: str) -> DraftSentence:
        """"The corpus introduces 12 benchmarks, datasets and environments (Table 8): the seven
        benchmarks are A (cite), ...; the three datasets are ...", naming at most
        :data:`NAMED_PER_KIND` of each kind ("among them" when there are more)."""
        kinds = [(word, new[new["Kind"] == kind]) for kind, word in KINDS]
        kinds = [(word, rows) for word, rows in kinds if len(rows)]
        what = _join_words([_plural(word, 2) for word, _ in kinds])
        parts: list[Segment] = [f"The corpus introduces {_number(len(new))} {what} (",
                                Ref(table, "Table"), ")"]
        if len(kinds) == 1:  # "three benchmarks (Table 7): A, B and C", not "...: the three benchmarks are"
            named = self._named(kinds[0][1])
            if not named:
                return DraftSentence([*parts, ", each known by its paper's title."], "summary",
                                     tuple(new["paper_id"]))
            lead = ": " if len(named) == len(new) else ", among them "
            return DraftSentence([*parts, lead, *_join_names(named), "."], "summary", tuple(new["paper_id"]))
        clauses: list[list[Segment]] = []
        for word, rows in kinds:
            count = len(rows)
            named = self._named(rows)
            names = _join_names(named)
            if not named:
                clauses.append([f"{_number(count)} {_plural(word, count)} known by "
                                + ("its paper's title" if count == 1 else "their papers' titles")])
            elif count == 1:
                clauses.append([f"the {word} is ", *names])
            elif len(named) == count:
                clauses.append([f"the {_number(count)} {_plural(word, count)} are ", *names])
            else:
                clauses.append([f"the {_number(count)} {_plural(word, count)} include ", *names])
        parts.append(": ")
        for index, clause in enumerate(clauses):
            if index:
                parts.append("; and " if index == len(clauses) - 1 and len(clauses) > 2 else "; ")
            parts += clause
        parts.append(".")
        return DraftSentence(parts, "summary", tuple(new["paper_id"]))

    def _domains_sentence(self, new: pd.DataFrame, table: str) -> DraftSentence | None:
        """"By domain, four target science (A, B, C and D), three games (...) ..." for the
        :data:`DOMAINS` most common domains held by two or more resources."""
        held: dict[str, list[str]] = {}
        names: dict[str, list[str]] = {}
        for name, pid, cell in zip(new["Name"], new["paper_id"], new["Domain"], strict=True):
            for domain in (d.strip() for d in str(cell or "").split(";")):
                if domain:
                    held.setdefault(domain, []).append(str(name))
                    if self.is_name(str(name), str(pid)):
                        names.setdefault(domain, []).append(str(name))
        common = sorted((d for d in held if len(held[d]) >= 2), key=lambda d: (-len(held[d]), d))[:DOMAINS]
        if not common:
            return None

        def which(domain: str) -> str:  # " (A, B and C)", or " (among them A, ...)" when not all
            known = names.get(domain, [])
            if not known:
                return ""
            among = "among them " if len(known) < len(held[domain]) or len(known) > NAMED_PER_DOMAIN else ""
            return f" ({among}{_join_words(known[:NAMED_PER_DOMAIN])})"

        clauses = [f"{_number(len(held[d]))} {'target ' if i == 0 else ''}{in_sentence(d)}{which(d)}"
                   for i, d in enumerate(common)]
        return DraftSentence(["By domain, " + _join_words(clauses) + " (", Ref(table, "Table"), ")."],
                             "structural")

    def _themes_sentence(self, new: pd.DataFrame) -> DraftSentence | None:
        """"Their papers are discussed in their themes: four in Scientific discovery (Section 7),
        two in Agent simulation (Section 6) ..." (the papers of the subject themes only)."""
        assignments = self.assignments  # type: ignore[attr-defined]
        counts: dict[int, int] = {}
        for pid in dict.fromkeys(new["paper_id"]):
            if pid in assignments.index:
                topic = int(assignments.loc[pid, "topic"])
                counts[topic] = counts.get(topic, 0) + 1
        if not counts:
            return None
        sections = {int(r.topic): int(r.section) for r in self.topics.itertuples(index=False)}  # type: ignore[attr-defined]
        labels = {int(r.topic): str(r.label) for r in self.topics.itertuples(index=False)}  # type: ignore[attr-defined]
        order = sorted((t for t in counts if t in labels), key=lambda t: (-counts[t], labels[t]))
        if not order:
            return None
        shown = order if len(order) <= THEMES + 1 else order[:THEMES]  # a fifth rather than "one other"
        named = [[f"{_number(counts[t])} in {labels[t]} (",
                  Ref(self.theme_label(sections[t], t), "Section"), ")"]  # type: ignore[attr-defined]
                 for t in shown]
        rest = sum(counts[t] for t in order[len(shown):])
        if rest:
            named.append([f"{_number(rest)} in other themes"])
        papers = sum(counts.values())
        lead = ("Their papers are discussed in the themes of their subjects: " if papers > 1
                else "Its paper is discussed in the theme of its subject: ")
        return DraftSentence([lead, *_join_names(named), "."], "structural")

    def _studied_sentence(self, studied: pd.DataFrame) -> DraftSentence:
        """"One paper evaluates on an existing benchmark rather than introducing one:
        TravelPlanner (cite)."""
        count = len(studied)
        lead = _capital(f"{_number(count)} {_plural('paper', count)} "
                f"{'evaluates' if count == 1 else 'evaluate'} on "
                f"{'an existing benchmark' if count == 1 else 'existing benchmarks'} rather than "
                "introducing one")
        named = self._named(studied)
        if named:
            parts: list[Segment] = [lead + ": ", *_join_names(named), "."]
        else:  # known by their titles: cited
            cited = self.cited(list(studied["paper_id"]))  # type: ignore[attr-defined]
            parts = [lead, Cite(tuple(self.key(p) for p in cited)), "."]  # type: ignore[attr-defined]
        return DraftSentence(parts, "summary", tuple(studied["paper_id"]))


def evaluation_table(tables: Sequence[Asset]) -> str | None:
    """The label of the benchmarks table among the draft's tables, if it is referenced."""
    return next((table.label for table in tables if table.name == "benchmarks" and table.label), None)
