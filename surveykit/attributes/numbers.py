"""Numbers an abstract states with their unit: ``12 datasets``, ``nine proprietary LMM APIs``.

A number is digits (``1,225``, ``7k``, ``8.4 million``) or a number word (``one`` to ``twenty``,
tens, ``hundred``), optionally after a qualifier (``approximately``, ``over``, ``up to``). Up to
``max_modifiers`` words may stand between the number and the unit noun, but no function word
(``of``, ``and``, ``to``...). Numbers glued to letters or followed by ``%`` (``13B``, ``1800x``,
``37.5%``) and numbers inside names (``GPT-4``) are not counts and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "a hundred": 100,
    "a dozen": 12,
    "dozen": 12,
}
QUALIFIERS = (
    "approximately",
    "about",
    "around",
    "over",
    "more than",
    "nearly",
    "roughly",
    "up to",
    "at least",
    "almost",
    "some",
    "~",
)
STOP_WORDS = {
    "of",
    "and",
    "or",
    "to",
    "in",
    "on",
    "for",
    "with",
    "from",
    "than",
    "the",
    "a",
    "an",
    "by",
    "at",
    "per",
    "as",
    "that",
    "which",
    "we",
    "our",
    "their",
    "its",
    "is",
    "are",
    "was",
    "were",
    "be",
    "each",
    "these",
    "those",
    "this",
    "across",
    "into",
    "over",
    "under",
    "between",
    "among",
}

_WORDS = "|".join(sorted((re.escape(w) for w in WORD_NUMBERS), key=len, reverse=True))
_QUALS = "|".join(re.escape(q) for q in QUALIFIERS)
_NUMBER = (
    rf"(?P<qual>(?:{_QUALS})\s+)?"
    rf"(?P<num>(?<![\w.$-])(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?(?:[kK]|\s?(?:thousand|million|billion))?)"
    rf"(?![\w%.,]\d|[\w%])|(?<![\w-])(?:{_WORDS})(?![\w-]))"
)


# Where the ``num`` group of a match can start (a digit or a whole number word, as in _NUMBER): looked
# for first. A match starts at most a qualifier and its spaces before the first such place.
_NUMBER_START = re.compile(rf"(?<![\w.$-])\d|(?<![\w-])(?:{_WORDS})(?![\w-])", re.IGNORECASE)
_LONGEST_QUALIFIER = max(len(q) for q in QUALIFIERS)


@dataclass(frozen=True)
class NumberPhrase:
    """One stated count: its normalised value (digits) and where it sits in the sentence."""

    value: str
    text: str
    start: int
    end: int


def _number_value(raw: str) -> str:
    lower = raw.lower()
    if lower in WORD_NUMBERS:
        return str(WORD_NUMBERS[lower])
    return raw


@lru_cache(maxsize=64)
def _unit_literals(units: tuple[str, ...]) -> frozenset[str] | None:
    """Case-folded literals one of which every unit match contains (None: a unit needs none)."""
    from surveykit.attributes.match import pattern_literals

    found: set[str] = set()
    for unit in units:
        literals = pattern_literals(re.compile(unit, re.IGNORECASE))
        if literals is None:
            return None
        found |= literals
    return frozenset(found) or None


@lru_cache(maxsize=64)
def _phrase_regex(units: tuple[str, ...], max_modifiers: int) -> re.Pattern[str]:
    unit = "|".join(f"(?:{u})" for u in units)
    stop = "|".join(sorted(STOP_WORDS | set(WORD_NUMBERS)))
    modifier = rf"(?:(?!(?:{stop})\s)[A-Za-z][\w/'-]*\s+)"
    return re.compile(
        rf"{_NUMBER}\s+(?P<mods>{modifier}{{0,{max_modifiers}}})(?P<unit>{unit})(?!\w)", re.IGNORECASE
    )


def find_numbers(sentence: str, units: list[str], max_modifiers: int = 4) -> list[NumberPhrase]:
    """Every ``<number> [modifiers] <unit>`` phrase in ``sentence``, left to right."""
    if _NUMBER_START.search(sentence) is None:  # no digit, no number word: nothing to find
        return []
    units_need = _unit_literals(tuple(units))
    if units_need is not None:  # no unit's required literal: no unit, nothing to find
        folded = sentence.casefold()
        if not any(literal in folded for literal in units_need):
            return []
    regex = _phrase_regex(tuple(units), max_modifiers)
    found: list[NumberPhrase] = []
    position = 0
    while True:
        first = _NUMBER_START.search(sentence, position)
        if first is None:
            return found
        begin = first.start()
        while begin > position and sentence[begin - 1].isspace():
            begin -= 1
        # the leftmost match begins no earlier than a qualifier before the first number (the scan
        # from there finds the same match as one from ``position``)
        match = regex.search(sentence, max(position, begin - _LONGEST_QUALIFIER))
        if match is None:
            return found
        mods = match.group("mods").split()
        qual = (match.group("qual") or "").strip()
        parts = [qual] if qual else []
        parts.append(_number_value(match.group("num")))
        parts.extend(mods)
        parts.append(match.group("unit"))
        start = match.start("qual") if match.group("qual") else match.start("num")
        found.append(NumberPhrase(" ".join(parts), sentence[start : match.end()], start, match.end()))
        position = match.end()
