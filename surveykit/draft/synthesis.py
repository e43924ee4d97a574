"""Facet-grouped synthesis of one theme: comparative sentences from the attribute table, then each
paper's contribution and headline result (extracted, with its number).

A *facet* is an attribute whose values split the papers of a theme (training approach, single vs
multi-agent, domain, contribution type, agent components). A comparative sentence names the
papers of each value with textual citations, so every claim cites exactly the papers whose
attribute evidence supports it: "A and B fine-tune the model, while C trains with reinforcement
learning." Connectives between paper sentences follow the relation: ``Similarly,`` for a paper
sharing the previous paper's value, ``In contrast,`` for a different value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from surveykit.draft.model import Cite, DraftSentence, Segment
from surveykit.draft.sentences import SourceSentence
from surveykit.draft.text import _join_names

# (attribute, lead phrase) in order of preference; "components" merges the component flags.
FACETS: tuple[tuple[str, str], ...] = (
    ("training", "In how they obtain the agent's behaviour, "),
    ("agents", "In how the agents are organised, "),
    ("domain", "By application domain, "),
    ("components", "In the components of the agent, "),
    ("contribution", "By kind of contribution, "),
    ("modality", "By input modality, "),
)
COMPONENT_FLAGS = ("tools", "memory", "planning", "reflection", "code_execution", "safety")
# the agent schema's attributes; without any of them (a corpus not about agents, whose attributes
# of the agent field were left out) the facets are led without the agent
AGENT_ATTRIBUTES = ("agents", *COMPONENT_FLAGS)
NEUTRAL_LEADS = {"training": "In how they train or prompt the model, "}

# (attribute, value) -> (singular verb phrase, plural verb phrase)
PHRASES: dict[tuple[str, str], tuple[str, str]] = {
    ("training", "prompting"): ("prompts a frozen model", "prompt a frozen model"),
    ("training", "finetuning"): (
        "fine-tunes the model on curated data", "fine-tune the model on curated data"),
    ("training", "rl"): ("trains with reinforcement learning", "train with reinforcement learning"),
    ("agents", "multi"): ("builds a multi-agent system", "build multi-agent systems"),
    ("agents", "single"): ("studies a single agent", "study single agents"),
    ("contribution", "method"): ("proposes a method or framework", "propose methods or frameworks"),
    ("contribution", "benchmark"): ("contributes a benchmark", "contribute benchmarks"),
    ("contribution", "survey"): ("surveys the literature", "survey the literature"),
    ("contribution", "empirical"): ("reports an empirical study", "report empirical studies"),
    ("contribution", "position"): ("argues a position", "argue positions"),
    ("components", "tools"): ("equips the agent with tools or APIs", "equip their agents with tools or APIs"),
    ("components", "memory"): ("gives the agent a memory", "give their agents a memory"),
    ("components", "planning"): ("plans or searches explicitly", "plan or search explicitly"),
    ("components", "reflection"): (
        "adds self-reflection or verification", "add self-reflection or verification"),
    ("components", "code_execution"): ("acts by writing and running code", "act by writing and running code"),
    ("components", "safety"): ("addresses safety and attacks", "address safety and attacks"),
    ("domain", "games"): ("targets games", "target games"),  # not "games tasks"
}

MAX_NAMED = 4  # a larger group is counted, with a parenthetical citation of all its papers
_NUMBER = re.compile(r"\d+\.\d+|\d\s?%|\b\d+(?:\.\d+)?\s?(?:x|×|times|points?|pp)\b|\b\d{2,}\b")
# Sentences that lean on context the survey does not give ("both strategies", "the gap").
DANGLING = re.compile(
    # "both strategies (on 7B and 13B)", not "both cross-modal understanding and generation"
    r"\bboth\b(?!(?:\s+(?!(?:on|in|of|to|for|with|at|by|from|the|a|an)\b)[\w-]+){1,3}\s+and\b)"
    r"|\b(?:these|those|such(?!\s+as\b)|aforementioned|the above|the gap|the insight|the former"
    r"|the latter|the (?:first|second|third|other) one)\b"
    r"|^(?:Inspired by|As an effort|To uncover)\b"
    r"|^(?:In contrast|By contrast|Similarly|Likewise|Moreover|Furthermore|Additionally|However|Conversely|"
    r"Nevertheless|Meanwhile|Instead|Finally|Then|Thus|Hence|Therefore),",
    re.IGNORECASE,
)
_PERCENT_OR_FACTOR = re.compile(r"\d+(?:\.\d+)?\s?(?:%|x\b|×|times\b|points?\b|pp\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Facet:
    """One attribute within a theme: value -> the theme's papers with that value (theme order)."""

    attribute: str
    lead: str
    groups: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def papers(self) -> set[str]:
        return {p for _, papers in self.groups for p in papers}


def in_sentence(label: str) -> str:
    """A value's label inside a sentence: lower case but for its acronyms ("GUI/OS", "Web")."""
    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        return token.lower() if token[:1].isalpha() and token[1:] == token[1:].lower() else token

    return re.sub(r"[^\W_]+", word, label)


def value_phrase(attribute: str, value: str, label: str, plural: bool, papers: int | None = None) -> str:
    """The verb phrase saying a paper (or papers) has the value; ``plural``: the subject is plural,
    ``papers``: how many papers it cites (default: 2 when plural): one paper cited as "Chen et al."
    "report*s* an empirical study", never "report empirical studies"."""
    known = PHRASES.get((attribute, value))
    if known:
        if plural and papers == 1:
            return _plural_verbs(known[0])
        return known[1] if plural else known[0]
    if attribute == "domain":
        return f"target{'' if plural else 's'} {in_sentence(label)} tasks"
    if attribute == "modality":
        return f"handle{'' if plural else 's'} {in_sentence(label)} input"
    return f"{'are' if plural else 'is'} described as {in_sentence(label)}"


def _plural_verbs(phrase: str) -> str:
    """``plans or searches explicitly`` -> ``plan or search explicitly``: the leading verb (and a
    verb coordinated with it) in the form for a plural subject."""
    def base(verb: str) -> str:
        if verb.endswith("ies"):
            return verb[:-3] + "y"
        if re.search(r"(?:ss|sh|ch|x|z)es$", verb):
            return verb[:-2]
        return verb[:-1] if verb.endswith("s") else verb

    words = phrase.split(" ")
    words[0] = base(words[0])
    if len(words) > 2 and words[1] in ("or", "and") and words[2].endswith("s"):
        words[2] = base(words[2])
    return " ".join(words)


def theme_facets(long: pd.DataFrame | None, ids: Sequence[str]) -> list[Facet]:
    """The facets that split the papers ``ids``: at least two values, or one value some papers lack.

    Ordered by how many papers they cover (then :data:`FACETS` order)."""
    if long is None or long.empty or len(ids) < 2:
        return []
    order = {pid: i for i, pid in enumerate(ids)}
    rows = long[long["paper_id"].isin(order)]
    agents = bool(long["attribute"].isin(AGENT_ATTRIBUTES).any())
    out = []
    for rank, (attribute, lead) in enumerate(FACETS):
        lead = lead if agents else NEUTRAL_LEADS.get(attribute, lead)
        if attribute == "components":
            sub = rows[rows["attribute"].isin(COMPONENT_FLAGS)]
            values = sub["attribute"]
        else:
            sub = rows[rows["attribute"] == attribute]
            values = sub["value"]
        groups: dict[str, list[str]] = {}
        for value, pid in zip(values, sub["paper_id"], strict=True):
            if pid not in groups.setdefault(str(value), []):
                groups[str(value)].append(pid)
        ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ordered = [(v, tuple(sorted(p, key=order.__getitem__))) for v, p in ordered]
        covered = {p for _, papers in ordered for p in papers}
        if len(covered) < 2 or (len(ordered) < 2 and len(covered) == len(ids)):
            continue
        if attribute == "contribution" and len(ordered) < 2:
            continue
        largest = len(ordered[0][1])
        spread = len(covered) - largest if len(ordered) > 1 else min(largest, len(ids) - largest)
        spread += min(largest, len(ids) - largest) if len(ordered) > 1 else 0
        out.append((spread, -rank, Facet(attribute, lead, tuple(ordered))))
    out.sort(key=lambda t: (-t[0], -t[1]))
    return [facet for _, _, facet in out]


def comparative_sentence(
    facet: Facet,
    key: Callable[[str], str],
    labels: Mapping[tuple[str, str], str],
    n_papers: int,
    max_groups: int = 3,
    cited_of: Callable[[Sequence[str]], list[str]] | None = None,
    plural: Callable[[Sequence[str]], bool] | None = None,
) -> DraftSentence | None:
    """"A and B <value 1>, while C <value 2>": each group cites exactly its papers, or, when
    ``cited_of`` (a group -> the papers to cite) cuts a large group, "N papers, among them <cite>".
    ``plural``: whether a group's citations make a plural subject (default: several papers)."""
    groups: list[tuple[str, tuple[str, ...]]] = []
    seen: set[str] = set()
    for value, papers in facet.groups:  # disjoint groups: "A ..., while B ..." never names A twice
        if papers and not seen & set(papers):
            groups.append((value, papers))
            seen |= set(papers)
        if len(groups) == max_groups:
            break
    if not groups or (len(groups) == 1 and len(groups[0][1]) >= n_papers):
        return None
    parts: list[Segment] = [facet.lead]
    cited: list[str] = []
    for i, (value, papers) in enumerate(groups):
        if i == 1:
            parts.append(", while ")
        elif i > 1:
            parts.append(", and ")
        named = list(papers) if cited_of is None else cited_of(papers)
        if len(papers) > MAX_NAMED:
            among = "among them " if len(named) < len(papers) else ""
            parts += [f"{len(papers)} papers {among}", Cite(tuple(key(p) for p in named))]
        else:
            parts += _join_names([[Cite((key(p),), textual=True)] for p in papers])
        label = labels.get((facet.attribute, value), value)
        many = plural(papers) if plural is not None else len(papers) > 1
        parts.append(" " + value_phrase(facet.attribute, value, label, many, len(papers)))
        cited += [p for p in named if p not in cited]
    if len(groups) == 1:
        rest = n_papers - len(groups[0][1])
        one = rest == 1
        parts.append("; the remaining paper of this theme does not state this in its abstract" if one
                     else f"; the other {rest} papers of this theme do not state this in their abstracts")
    parts.append(".")
    if len(cited) < 2:
        return None
    return DraftSentence(parts, "summary", tuple(cited))


def facet_labels(long: pd.DataFrame | None) -> dict[tuple[str, str], str]:
    """(attribute, value) -> value label, for the phrases of unknown values."""
    if long is None or long.empty or "value_label" not in long:
        return {}
    first = long.drop_duplicates(["attribute", "value"])  # the first label of each value, in order
    out = {}
    for attribute, value, label in zip(first["attribute"], first["value"], first["value_label"], strict=True):
        out.setdefault((str(attribute), str(value)), str(label))
    return out


# --- each paper's contribution and result ----------------------------------------------------------


# a sentence about how the work was tested or what was found, not what it contributes
_EVALUATIVE = re.compile(
    r"^(?:(?:We|They|Our|The|These|Extensive|Comprehensive)\s+)?(?:further\s+)?(?:evaluat\w*|experiments?|"
    r"findings|results|analys[ie]s|empirical)\b", re.IGNORECASE)
_ENUMERATED = re.compile(r"^\(?(?:\d+|[ivx]+)[.)]\s|^\w[\w-]*:\s")
EXCLUSIVE_FACETS = ("training", "agents", "contribution")  # values that exclude each other


def is_content(source: SourceSentence, role: str | None) -> bool:
    """A sentence about this paper's own work (not scene-setting): by the role model when known,
    else by the cue classifier; attributed sentences ("we present ...") always count. List items
    ("2. Perception: ...") never do."""
    if _ENUMERATED.match(source.text):
        return False
    if source.attributed:
        return True
    if role is not None:
        return role in ("objective", "method", "result")
    return source.role in ("contribution", "finding")


def contribution_sentence(
    sentences: Sequence[SourceSentence], roles: Mapping[int, str], name: str | None, used: set
) -> SourceSentence | None:
    """The sentence that best states what the paper contributes."""
    pool = [s for s in sentences if (s.paper_id, s.index) not in used and is_content(s, roles.get(s.index))]
    pool = [s for s in pool if s.role not in ("future", "limitation")]
    if not pool:
        return None

    def rank(s: SourceSentence) -> tuple:
        role = roles.get(s.index)
        score = (
            (role in ("objective", "method"))
            + (s.role == "contribution" and s.attributed)
            + (bool(name) and name in s.text)
            - (s.role == "finding")
        )
        # "Xu et al. then translate ..." opens nothing; equal otherwise, the authors' own statement
        # ("The work of X explores ...") over a sentence on the setting ("Routing can be ...")
        return (not s.stands_alone, bool(DANGLING.search(s.text)), bool(_EVALUATIVE.match(s.text)), -score,
                not s.attributed, s.index)

    return sorted(pool, key=rank)[0]


def result_sentence(
    sentences: Sequence[SourceSentence], roles: Mapping[int, str], used: set
) -> SourceSentence | None:
    """The headline result with a number (a percentage or factor preferred), if the abstract has one."""
    pool = [
        s for s in sentences
        if (s.paper_id, s.index) not in used
        and _NUMBER.search(s.text)
        and (roles.get(s.index) == "result" if roles else s.role == "finding")
        and s.role not in ("future",)
        and not s.anaphoric
        and not DANGLING.search(s.text)
    ]
    if not pool:
        return None
    return sorted(pool, key=lambda s: (not _PERCENT_OR_FACTOR.search(s.text), s.index))[0]


__all__ = [
    "COMPONENT_FLAGS",
    "FACETS",
    "NEUTRAL_LEADS",
    "Facet",
    "EXCLUSIVE_FACETS",
    "comparative_sentence",
    "contribution_sentence",
    "facet_labels",
    "is_content",
    "result_sentence",
    "theme_facets",
    "value_phrase",
]
