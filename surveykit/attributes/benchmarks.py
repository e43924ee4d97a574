"""Names of the benchmarks and datasets a paper introduces (or centres on).

A paper is looked at when it matches one of the schema's ``benchmark_triggers`` (by default:
contribution type ``benchmark``, or the ``new_benchmark`` flag). Its name is, in this order:

1. for a benchmark paper, the title prefix before ``:`` when it is a single name-like token
   (``BLADE``, ``MLAgentBench``, ``BoxingGym``);
2. the name the abstract introduces: ``we introduce X, a benchmark ...``, ``constructing X, a
   reproducible benchmark``, ``a dataset X``, ``an environment, called X``;
3. for a benchmark paper without either, nothing (the table then shows the title prefix or title).

A paper that is not triggered still gets a name, with role ``studied``, when its title names a
benchmark its abstract calls one (``a realistic benchmark, TravelPlanner`` in a paper titled
``... Let's Take TravelPlanner as an Example``): such an empirical study centres on that benchmark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from surveykit.attributes.match import Segment

# A name: one token with at least two capitals or a digit (CamelCase, acronyms), optionally
# followed by a short capitalised/roman-numeral token ("TextStarCraft II").
NAME = r"(?:[A-Z][\w*+.-]*?(?:[A-Z0-9][\w*+.-]*?)+|[A-Z]{2,}[\w*+.-]*?)(?:\s(?:[IVX]{1,4}|\d+|[A-Z]{2,5}))?"
_RESOURCE = r"(?:benchmark|dataset|suite|test-?bed|environment|arena|simulator|leaderboard|corpus)s?"
_INTRODUCE = (
    r"(?:introduce|present|propose|construct|build|create|release|develop|curate|collect)(?:s|d|ing)?"
)
# After a name that follows its noun: punctuation or a relative clause, not a verb ("dataset,
# LVAgent improves" names the method, not the dataset).
_NAME_END = r"(?=\s*[,.;:)]|\s*$|\s+(?:that|which|where|with|consisting|containing|comprising|of)\b)"
_ABSTRACT_NAMES = [
    # "we introduce BLADE, a benchmark", "constructing AGENTISSUE-BENCH, a reproducible benchmark"
    re.compile(
        rf"{_INTRODUCE}\s+(?P<name>{NAME})\s*(?:\([^)]*\))?\s*[,:-]+\s*(?:a|an)\s+(?:[\w&-]+\s+){{0,5}}?{_RESOURCE}"
    ),
    # "a realistic benchmark, TravelPlanner", "dataset CodeActInstruct", "environment, called X"
    re.compile(rf"{_RESOURCE},?\s+(?:(?:called|named|dubbed|termed)\s+)?(?P<name>{NAME}){_NAME_END}"),
    # "we create MS-GQA, a new dataset"
    re.compile(rf"(?:create|construct|collect|curate)\s+(?P<name>{NAME}),\s+a\s+(?:new\s+)?{_RESOURCE}"),
]
# The only form that marks a benchmark a paper studies rather than introduces.
_STUDIED = re.compile(rf"(?:benchmark|dataset)s?,?\s+(?:(?:called|named)\s+)?(?P<name>{NAME}){_NAME_END}")
_NOT_NAMES = {"LLM", "LLMs", "LM", "LMs", "AI", "GPT-4", "GPT-4o", "API", "APIs", "ML", "NLP", "RL", "SOTA"}
_TITLE_PREFIX = re.compile(r"^\s*(?P<name>[^\s:]{2,40})\s*:")


@dataclass(frozen=True)
class BenchmarkName:
    name: str
    segment: Segment
    match_start: int
    match_end: int
    role: str  # "introduced" or "studied"


def _name_like(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    return (
        bool(letters)
        and token[0].isupper()
        and (capitals >= 2 or any(c.isdigit() for c in token))
        and (token.rstrip("*+") not in _NOT_NAMES)
    )


def title_name(title: str) -> str | None:
    """``BLADE: Benchmarking ...`` -> ``BLADE``; None when the prefix is not one name-like token."""
    match = _TITLE_PREFIX.match(title or "")
    if match and _name_like(match.group("name")):
        return match.group("name")
    return None


def abstract_names(
    segments: list[Segment], patterns: list[re.Pattern[str]] | None = None
) -> list[tuple[str, Segment, int, int]]:
    """Names the abstract gives a benchmark/dataset, in reading order, unique."""
    found: list[tuple[str, Segment, int, int]] = []
    seen: set[str] = set()
    for segment in segments:
        if segment.source != "abstract":
            continue
        hits = []
        for regex in patterns or _ABSTRACT_NAMES:
            for match in regex.finditer(segment.text):
                name = match.group("name").rstrip(".,;:")
                if _name_like(name):
                    hits.append((match.start("name"), name, match))
        for _, name, match in sorted(hits, key=lambda h: h[0]):
            if name.lower() in seen:
                continue
            seen.add(name.lower())
            found.append((name, segment, segment.start + match.start(), segment.start + match.end()))
    return found


def detect_benchmark(
    segments: list[Segment], triggered: bool, is_benchmark_paper: bool
) -> BenchmarkName | None:
    """The benchmark/dataset name of a paper (see the module docstring), or None."""
    title = next((s for s in segments if s.source == "title"), None)
    if triggered:
        if is_benchmark_paper and title is not None:
            name = title_name(title.text)
            if name:
                return BenchmarkName(name, title, 0, len(name), "introduced")
        names = abstract_names(segments)
        if names:
            name, segment, start, end = names[0]
            return BenchmarkName(name, segment, start, end, "introduced")
        return None
    if title is None:
        return None
    for name, segment, start, end in abstract_names(segments, [_STUDIED]):
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", title.text):
            return BenchmarkName(name, segment, start, end, "studied")
    return None
