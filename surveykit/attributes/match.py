"""Pattern matching of one paper against the schema: segments (title, abstract sentences), hits
that survive the negative patterns, numbers and URLs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from re import _parser  # type: ignore[attr-defined]  # the stdlib's own regex parser
from typing import Any

from surveykit.attributes.numbers import find_numbers
from surveykit.attributes.schema import AttributeSpec, ValueSpec, compile_pattern
from surveykit.attributes.sentences import split_sentences
from surveykit.corpus.model import Paper

_URL = re.compile(
    r"https?://[^\s{}<>\"'\\]+|(?<![\w/@.:-])(?:www\.|github\.com/|gitlab\.com/|huggingface\.co/)[^\s{}<>\"'\\]+",
    re.IGNORECASE,
)
_URL_TRAIL = ".,;:)]}>!?*"


@dataclass(frozen=True)
class Segment:
    """A sentence of the title or abstract: ``start``/``end`` are offsets in that source text."""

    source: str
    index: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Hit:
    """One piece of evidence for a value."""

    value: str
    segment: Segment
    match_start: int  # offsets in the segment's source text
    match_end: int
    method: str = "pattern"
    score: float = float("nan")

    @property
    def matched(self) -> str:
        return self.segment.text[self.match_start - self.segment.start : self.match_end - self.segment.start]

    @property
    def in_title(self) -> bool:
        return self.segment.source == "title"


def paper_segments(paper: Paper) -> list[Segment]:
    """The title as one segment, then the sentences of the abstract."""
    segments = []
    title = (paper.title or "").strip()
    if title:
        segments.append(Segment("title", 0, title, 0, len(title)))
    for sentence in split_sentences(paper.abstract or ""):
        segments.append(Segment("abstract", sentence.index, sentence.text, sentence.start, sentence.end))
    return segments


def _spans(patterns: list[re.Pattern[str]], text: str,
           screen: LiteralScreen | None = None) -> list[tuple[int, int]]:
    """Spans of every non-empty match of ``patterns`` in ``text``, pattern by pattern; a pattern
    whose required literals are all absent from ``text`` is not run (same spans, less work).
    ``screen``: finds the literals present in one pass (:class:`LiteralScreen`)."""
    if screen is not None:
        candidates = screen.candidates(text)
        return [m.span() for p in patterns if p in candidates or p not in screen.literals
                for m in p.finditer(text) if m.end() > m.start()]
    folded = text.casefold()
    return [m.span() for p in patterns if _may_match(p, folded)
            for m in p.finditer(text) if m.end() > m.start()]


def _may_match(pattern: re.Pattern[str], folded: str) -> bool:
    """False when ``folded`` (a case-folded text) lacks every literal ``pattern`` needs."""
    literals = _LITERALS[pattern] if pattern in _LITERALS else pattern_literals(pattern)
    return literals is None or any(literal in folded for literal in literals)


class LiteralScreen:
    """The required literals of a set of patterns, all found in one pass over a text.

    An Aho-Corasick automaton of every literal of ``patterns`` (:func:`pattern_literals`) reports
    each literal occurring in a case-folded text, overlapping ones included, in one scan; a
    pattern may match only where one of its literals is present. Same answers as looking for each
    literal separately (what :func:`_spans` does without a screen), in time linear in the text
    instead of in the text times the number of patterns. The presence sets of the last texts are
    kept (a paper's sentences are screened once for all its attributes).
    """

    CACHE = 256

    def __init__(self, patterns: Iterable[re.Pattern[str]]) -> None:
        import ahocorasick

        self.literals: dict[re.Pattern[str], frozenset[str] | None] = {
            pattern: pattern_literals(pattern) for pattern in patterns}
        self._automaton = ahocorasick.Automaton()
        for literals in self.literals.values():
            for literal in literals or ():
                self._automaton.add_word(literal, literal)
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()
        self._cache: dict[str, frozenset[str]] = {}
        # literal -> the patterns it lets through; patterns without literals always run
        self._patterns_of: dict[str, list[re.Pattern[str]]] = {}
        self._always = frozenset(p for p, literals in self.literals.items() if literals is None)
        for pattern, literals in self.literals.items():
            for literal in literals or ():
                self._patterns_of.setdefault(literal, []).append(pattern)
        self._candidates: dict[str, frozenset[re.Pattern[str]]] = {}
        self._values: dict[int, tuple[ValueSpec, frozenset[str] | None]] = {}

    def present(self, text: str) -> frozenset[str]:
        """The literals occurring in ``text`` (compared case-folded)."""
        found = self._cache.get(text)
        if found is None:
            found = frozenset() if self._empty else frozenset(
                literal for _, literal in self._automaton.iter(text.casefold()))
            if len(self._cache) >= self.CACHE:
                self._cache.clear()
            self._cache[text] = found
        return found

    def candidates(self, text: str) -> frozenset[re.Pattern[str]]:
        """The screen's patterns that may match ``text``: those with a literal present in it and
        those without required literals."""
        found = self._candidates.get(text)
        if found is None:
            found = self._always.union(*(self._patterns_of[literal] for literal in self.present(text)))
            if len(self._candidates) >= self.CACHE:
                self._candidates.clear()
            self._candidates[text] = found
        return found

    def value_literals(self, value: ValueSpec) -> frozenset[str] | None:
        """:func:`required_literals` of a value's patterns (kept per value object)."""
        try:
            return self._values[id(value)][1]
        except KeyError:
            literals = required_literals(value.title_patterns + value.patterns)
            self._values[id(value)] = (value, literals)  # the value is kept: its id stays its own
            return literals


@lru_cache(maxsize=8)
def _schema_screen(patterns: tuple[re.Pattern[str], ...]) -> LiteralScreen:
    return LiteralScreen(patterns)


def schema_screen(specs: Iterable[AttributeSpec]) -> LiteralScreen:
    """One :class:`LiteralScreen` for every pattern of ``specs`` (cached per pattern set)."""
    patterns: dict[re.Pattern[str], None] = {}
    for spec in specs:
        for pattern in [*spec.negative, *spec.statement_patterns]:
            patterns[pattern] = None
        for value in spec.values:
            for pattern in [*value.title_patterns, *value.patterns, *value.negative]:
                patterns[pattern] = None
    return _schema_screen(tuple(patterns))


# A paper-level screen: a value whose patterns all need some literal text ("framework", "bench")
# cannot match a paper whose title and abstract contain none of those literals, so its sentences
# are not scanned at all (scanning every pattern over every sentence was 85% of the attribute stage
# at 10,000 papers). The literals come from the parsed patterns; comparison is case-folded, so the
# screen only ever lets through too much, never too little. A pattern without a required literal
# (``\w+Net``) leaves its value unscreened.
_SCREENS: dict[tuple[re.Pattern[str], ...], frozenset[str] | None] = {}
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


def _required(items: Any) -> frozenset[str] | None:
    """Literals one of which every match of the parsed sequence ``items`` contains, or None."""
    candidates: list[frozenset[str]] = []
    run = ""
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            run += chr(arg)
            continue
        if run:
            candidates.append(frozenset([run]))
            run = ""
        if name == "SUBPATTERN":
            found = _required(arg[-1])
        elif name == "BRANCH":
            branches = [_required(branch) for branch in arg[1]]
            found = None if any(b is None for b in branches) else frozenset().union(*branches)
        elif name in _REPEATS and arg[0] >= 1:
            found = _required(arg[2])
        else:
            found = None
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset([run]))
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(len(x) for x in c), -len(c)))


_LITERALS: dict[re.Pattern[str], frozenset[str] | None] = {}


def pattern_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Case-folded literals one of which every match of ``pattern`` contains, or None (cached)."""
    try:
        return _LITERALS[pattern]
    except KeyError:
        pass
    try:
        found = _required(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - an unparsable pattern just goes unscreened
        found = None
    result = frozenset(literal.casefold() for literal in found) if found else None
    _LITERALS[pattern] = result
    return result


def required_literals(patterns: list[re.Pattern[str]]) -> frozenset[str] | None:
    """Case-folded literals one of which any match of any of ``patterns`` contains, or None."""
    key = tuple(patterns)
    if key not in _SCREENS:
        literals: set[str] = set()
        for pattern in patterns:
            found = pattern_literals(pattern)
            if found is None:
                _SCREENS[key] = None
                return None
            literals |= found
        _SCREENS[key] = frozenset(literals) if literals else None
    return _SCREENS[key]


def screen_text(segments: list[Segment]) -> str:
    """The segments' texts, joined and case-folded: what :func:`required_literals` are sought in."""
    return "\x00".join(segment.text for segment in segments).casefold()


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def screen_present(screen: LiteralScreen, segments: list[Segment]) -> frozenset[str]:
    """The screen's literals present in any of ``segments`` (what :func:`screen_text` is for)."""
    return frozenset().union(*(screen.present(segment.text) for segment in segments))


def value_hits(spec: AttributeSpec, value: ValueSpec, segments: list[Segment],
               joined: str | None = None, screen: LiteralScreen | None = None,
               present: frozenset[str] | None = None) -> list[Hit]:
    """Every surviving match of ``value`` in reading order (title first). ``joined``:
    :func:`screen_text` of ``segments`` when the caller has it (one per paper); with ``screen``
    (:func:`schema_screen`), ``present`` is :func:`screen_present` of ``segments``."""
    hits: list[Hit] = []
    literals = screen.value_literals(value) if screen is not None else \
        required_literals(value.title_patterns + value.patterns)
    if literals is not None:
        if screen is not None:
            present = present if present is not None else screen_present(screen, segments)
            if literals.isdisjoint(present):
                return hits
        else:
            text = joined if joined is not None else screen_text(segments)
            if not any(literal in text for literal in literals):
                return hits
    negatives = value.negative + spec.negative
    for segment in segments:
        patterns = list(value.title_patterns) if segment.source == "title" else []
        if segment.source != "title" or spec.title:
            patterns += value.patterns
        if not patterns:
            continue
        found = _spans(patterns, segment.text, screen)
        if not found:
            continue
        blocked = _spans(negatives, segment.text, screen)
        for span in sorted(set(found)):
            if not _overlaps(span, blocked):
                hits.append(Hit(value.name, segment, segment.start + span[0], segment.start + span[1]))
    return hits


def number_hits(spec: AttributeSpec, segments: list[Segment],
                screen: LiteralScreen | None = None) -> list[Hit]:
    """Stated counts, one hit per distinct value (its first mention)."""
    hits: list[Hit] = []
    seen: set[str] = set()
    for segment in segments:
        if segment.source == "title" and not spec.title:
            continue
        blocked = _spans(spec.negative, segment.text, screen)
        for phrase in find_numbers(segment.text, spec.units, spec.max_modifiers):
            if _overlaps((phrase.start, phrase.end), blocked) or phrase.value.lower() in seen:
                continue
            seen.add(phrase.value.lower())
            hits.append(Hit(phrase.value, segment, segment.start + phrase.start, segment.start + phrase.end))
    return hits


def _trim_url(url: str) -> str:
    url = url.strip()
    while url and url[-1] in _URL_TRAIL:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def clean_url(url: str) -> str:
    """Trim trailing punctuation (and unbalanced brackets) from a URL found in running text."""
    url = _trim_url(url)
    if not re.match(r"https?://", url, re.IGNORECASE):
        url = "https://" + url
    return url


def url_key(url: str) -> str:
    """Comparison key: no scheme, no ``www.``, no trailing slash or fragment, lower case."""
    key = re.sub(r"^https?://(www\.)?", "", url.strip().lower())
    return key.split("#", 1)[0].rstrip("/")


def url_hits(spec: AttributeSpec, paper: Paper, segments: list[Segment],
             screen: LiteralScreen | None = None) -> list[Hit]:
    """URLs from the metadata fields and the abstract; ``stated`` for release statements."""
    hits: list[Hit] = []
    seen: dict[str, int] = {}
    value = spec.values[0]
    negatives = value.negative + spec.negative
    for segment in segments:
        if segment.source == "title":
            continue
        if value.patterns and not _spans(value.patterns, segment.text, screen):
            continue
        blocked = _spans(negatives, segment.text, screen)
        for match in _URL.finditer(segment.text):
            trimmed = _trim_url(match.group(0))
            url = clean_url(trimmed)
            if not trimmed or _overlaps(match.span(), blocked) or url_key(url) in seen:
                continue
            seen[url_key(url)] = len(hits)
            start = segment.start + match.start()
            hits.append(Hit(url, segment, start, start + len(trimmed)))
    for name in spec.fields:
        raw = getattr(paper, name, None) if hasattr(paper, name) else paper.extra.get(name)
        if not raw or not isinstance(raw, str):
            continue
        url = clean_url(raw)
        if url_key(url) in seen:
            continue
        seen[url_key(url)] = len(hits)
        segment = Segment(f"metadata:{name}", -1, raw, 0, len(raw))
        hits.append(Hit(url, segment, 0, len(raw), method="metadata"))
    if not hits and spec.statement_patterns:
        for segment in segments:
            if segment.source == "title":
                continue
            blocked = _spans(negatives, segment.text, screen)
            spans = [s for s in _spans(spec.statement_patterns, segment.text, screen)
                     if not _overlaps(s, blocked)]
            if spans:
                start, end = min(spans)
                hits.append(Hit("stated", segment, segment.start + start, segment.start + end))
                break
    return hits


__all__ = [
    "Hit",
    "LiteralScreen",
    "pattern_literals",
    "schema_screen",
    "screen_present",
    "required_literals",
    "screen_text",
    "Segment",
    "clean_url",
    "compile_pattern",
    "number_hits",
    "paper_segments",
    "url_hits",
    "url_key",
    "value_hits",
]
