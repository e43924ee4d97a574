"""Pattern matching of one paper against the schema: segments (title, abstract sentences), hits
that survive the negative patterns, numbers and URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def _spans(patterns: list[re.Pattern[str]], text: str) -> list[tuple[int, int]]:
    return [m.span() for p in patterns for m in p.finditer(text) if m.end() > m.start()]


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def value_hits(spec: AttributeSpec, value: ValueSpec, segments: list[Segment]) -> list[Hit]:
    """Every surviving match of ``value`` in reading order (title first)."""
    hits = []
    negatives = value.negative + spec.negative
    for segment in segments:
        patterns = list(value.title_patterns) if segment.source == "title" else []
        if segment.source != "title" or spec.title:
            patterns += value.patterns
        if not patterns:
            continue
        blocked = _spans(negatives, segment.text)
        for span in sorted(set(_spans(patterns, segment.text))):
            if not _overlaps(span, blocked):
                hits.append(Hit(value.name, segment, segment.start + span[0], segment.start + span[1]))
    return hits


def number_hits(spec: AttributeSpec, segments: list[Segment]) -> list[Hit]:
    """Stated counts, one hit per distinct value (its first mention)."""
    hits: list[Hit] = []
    seen: set[str] = set()
    for segment in segments:
        if segment.source == "title" and not spec.title:
            continue
        blocked = _spans(spec.negative, segment.text)
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


def url_hits(spec: AttributeSpec, paper: Paper, segments: list[Segment]) -> list[Hit]:
    """URLs from the metadata fields and the abstract; ``stated`` for release statements."""
    hits: list[Hit] = []
    seen: dict[str, int] = {}
    value = spec.values[0]
    negatives = value.negative + spec.negative
    for segment in segments:
        if segment.source == "title":
            continue
        if value.patterns and not _spans(value.patterns, segment.text):
            continue
        blocked = _spans(negatives, segment.text)
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
            blocked = _spans(negatives, segment.text)
            spans = [s for s in _spans(spec.statement_patterns, segment.text) if not _overlaps(s, blocked)]
            if spans:
                start, end = min(spans)
                hits.append(Hit("stated", segment, segment.start + start, segment.start + end))
                break
    return hits


__all__ = [
    "Hit",
    "Segment",
    "clean_url",
    "compile_pattern",
    "number_hits",
    "paper_segments",
    "url_hits",
    "url_key",
    "value_hits",
]
