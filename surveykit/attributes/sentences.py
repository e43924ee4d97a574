"""A small sentence splitter for abstracts, with character offsets.

It does not split after abbreviations (``e.g.``, ``i.e.``, ``et al.``, ``vs.``, ``cf.``, ``Fig.``),
inside numbers (``37.5%``, ``v1.0``, ``$0.88``) or after enumeration markers (``1. Selection``). It
does split a missing space after a full stop
between two words (``game.To``), a common artefact of copied abstracts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lower-cased tokens (without their final period) after which a period does not end a sentence.
ABBREVIATIONS = frozenset(
    {
        "e.g",
        "i.e",
        "al",
        "vs",
        "cf",
        "fig",
        "figs",
        "eq",
        "eqs",
        "sec",
        "no",
        "nos",
        "approx",
        "resp",
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "st",
        "u.s",
        "w.r.t",
        "viz",
        "ca",
        "incl",
        "tab",
        "ref",
        "refs",
        "vol",
        "pp",
        "ed",
        "eds",
        "e.t.c",
        "a.k.a",
        "aka",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "univ",
        "est",
        "max",
        "min",
        "avg",
    }
)

_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s+|$)|(?<=[a-z]{2})\.(?=[A-Z][a-z])")
_NEXT_START = re.compile(r"\s*[\"'(\[]?[A-Z0-9$\\]")
_NON_SPACE = re.compile(r"\S")


@dataclass(frozen=True)
class Sentence:
    """One sentence: its position among the sentences and its span in the source text."""

    index: int
    text: str
    start: int
    end: int


def _is_boundary(text: str, stop: int, end: int) -> bool:
    """Does the punctuation run ``text[stop:end]`` end a sentence? (Reads around the run only:
    no copy of the text before or after it.)"""
    mark = text[stop]
    if _NON_SPACE.search(text, end) is None:
        return True
    if mark in "!?":
        return True
    if end < len(text) and not text[end].isspace():
        return True  # the ``word.Word`` case matched by the second alternative
    begin = stop
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    bare = text[begin:stop].lstrip("(\"'[").lower()  # the token before the run
    if bare in ABBREVIATIONS:
        return False
    if bare.isdigit() and len(bare) <= 2:
        return False  # "1. Selection" enumerations
    return bool(_NEXT_START.match(text, end))


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with their ``[start, end)`` offsets (white space trimmed)."""
    text = text or ""
    sentences: list[Sentence] = []
    begin = 0
    for match in _BOUNDARY.finditer(text):
        if not _is_boundary(text, match.start(), match.end()):
            continue
        _append(sentences, text, begin, match.end())
        begin = match.end()
    _append(sentences, text, begin, len(text))
    return sentences


def _append(sentences: list[Sentence], text: str, begin: int, end: int) -> None:
    chunk = text[begin:end]
    stripped = chunk.strip()
    if not stripped:
        return
    start = begin + (len(chunk) - len(chunk.lstrip()))
    sentences.append(Sentence(len(sentences), stripped, start, start + len(stripped)))
