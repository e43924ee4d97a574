"""Shared wording helpers of the draft sections: quoting a sentence, joining names, counts, years,
slugs and the connective lists."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from surveykit.corpus.model import Paper
from surveykit.draft.model import (
    Cite,
    DraftSentence,
    ItemList,
    Paragraph,
    Provenance,
    Segment,
)
from surveykit.draft.sentences import AUTHOR, SourceSentence
from surveykit.textutil import system_name
from surveykit.textutil import year_span as _year_span  # noqa: F401 (the drafter's name)

OVERVIEW_TABLE_LABEL = "tab:overview"
REPRESENTATIVE_TABLE_LABEL = "tab:representatives"
_ROLE_ORDER = {"background": 0, "contribution": 1, "finding": 2, "limitation": 3, "future": 4}

CONNECTIVES = {
    "contribution": [
        "In this direction, ",
        "Along these lines, ",
        "For instance, ",
        "As an example, ",
        "Within this line of work, ",
    ],
    "finding": ["Empirically, ", "On the empirical side, ", "In terms of results, ", "Notably, "],
    "limitation": ["At the same time, ", "On the other hand, ", "Even so, ", "Still, "],
    "future": ["Looking ahead, ", "Beyond current systems, ", "As a next step, "],
    "background": ["Relatedly, ", "In addition, ", "Beyond this, ", "Similarly, ", "More broadly, "],
}
# [draft] method, the default: how the themes were found
GROUPING_METHOD = ("papers were grouped into themes and sections by topic modelling over their titles "
                   "and abstracts")
FACET_NAMES = {
    ("training", "finetuning"): "fine-tuning",
    ("training", "rl"): "reinforcement learning",
    ("training", "prompting"): "prompting a frozen model",
    ("agents", "multi"): "a multi-agent organisation",
    ("agents", "single"): "a single-agent setting",
}
COMPONENT_NAMES = {
    "tools": "tool use",
    "memory": "a memory module",
    "planning": "explicit planning or search",
    "reflection": "self-reflection or verification",
    "code_execution": "code execution",
    "safety": "safety",
}
ADDITION_CONNECTIVES = ["Similarly, ", "Likewise, ", "Along the same lines, "]
FUTURE_CONNECTIVES = ["In addition, ", "Further, ", "Moreover, "]  # each direction adds to the last
CHALLENGE_CONNECTIVES = ["Moreover, ", "In addition, ", "Further, "]  # each challenge adds to the last


COMPARABLE_KINDS = ("category", "multi", "flag")


_FUNCTION_WORDS = {
    "While",
    "Although",
    "Though",
    "Despite",
    "Since",
    "As",
    "With",
    "By",
    "In",
    "For",
    "To",
    "On",
    "Given",
    "Unlike",
    "When",
    "Because",
    "Through",
    "Recent",
    "Existing",
    "Current",
    "Most",
    "Many",
    "Some",
    "The",
    "A",
    "An",
    "There",
    "Prior",
    "Previous",
    "Such",
    "This",
    "These",
    "Its",
    "It",
    "Their",
    "They",
}


def _lower_first(text: str) -> str:
    """Lower-case the first word after a connective unless it looks like a name or acronym.

    ``Existing LLM agents`` -> ``existing LLM agents``; ``Large Language Models`` (a capitalised
    phrase), ``BLADE`` and ``GPT-4`` stay as they are.
    """
    words = text.split(" ", 2)
    word = words[0]
    if word in _FUNCTION_WORDS:
        return word.lower() + text[len(word) :]
    if not (
        len(word) > 1 and word[0].isupper() and word[1:].replace("-", "").isalpha() and word[1:].islower()
    ):
        return text
    following = words[1] if len(words) > 1 else ""
    if following[:1].isupper() and not following.isupper() and following[1:].replace("-", "").islower():
        return text
    return word[0].lower() + text[1:]


def extract_sentence(source: SourceSentence, key: str, prefix: str = "") -> DraftSentence:
    """A sentence quoted from an abstract, citing its paper (textually when attributed)."""
    wording = source.wording
    if prefix:
        wording = prefix + (wording if wording.startswith(AUTHOR) else _lower_first(wording))
    segments: list[Segment] = []
    if AUTHOR in wording:
        before, _, after = wording.partition(AUTHOR)
        if before:
            segments.append(before)
        segments.append(Cite((key,), textual=True))
        segments.append(after)
    else:
        body = wording.rstrip()
        end = ""
        while body and body[-1] in ".!\"')":
            end = body[-1] + end
            body = body[:-1]
        if end.startswith(")") or end.startswith('"') or end.startswith("'"):
            body, end = body + end[:-1], end[-1:]
        segments += [body, Cite((key,)), end or "."]
    provenance = Provenance(source.paper_id, source.start, source.end, source.text)
    return DraftSentence(segments, "extract", (source.paper_id,), provenance)


def _join_names(items: Sequence[list[Segment]]) -> list[Segment]:
    """``a``, ``a and b``, ``a, b and c`` with segment lists."""
    out: list[Segment] = []
    for i, item in enumerate(items):
        if i:
            out.append(" and " if i == len(items) - 1 else ", ")
        out += item
    return out


def _join_words(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c`` (:func:`_join_names` for plain strings)."""
    return "".join(str(s) for s in _join_names([[w] for w in words]))


def _name_list(names: Sequence[str]) -> str:
    """"A, B and C"; "A and B; C; D" when a name holds an "and" of its own."""
    return "; ".join(names) if any(" and " in n for n in names) else _join_words(names)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def outline_shape(sections: Sequence[Any]) -> str:
    """How the thematic sections are organised, for a sentence: "5 themes" when every section
    is one theme (a flat outline), else "3 sections and 7 themes"."""
    n_themes = sum(len(s.subsections) or 1 for s in sections)
    if all(not s.subsections for s in sections):
        return _count(n_themes, "theme")
    return f"{_count(len(sections), 'section')} and {_count(n_themes, 'theme')}"


def short_name(paper: Paper) -> str | None:
    """``BLADE: Benchmarking ...`` -> ``BLADE``: a system name before a colon, if short."""
    return system_name(paper.title)


def _listlike(value: Any) -> bool:
    return isinstance(value, list | tuple | np.ndarray | pd.Series)


def _block_papers(block: Any) -> set[str]:
    out: set[str] = set()
    if isinstance(block, Paragraph):
        for s in block.sentences:
            out |= set(s.paper_ids)
    elif isinstance(block, ItemList):
        for item in block.items:
            for s in item.sentences:
                out |= set(s.paper_ids)
    return out


def _join_list(items: Sequence[list[Segment]], sep: str) -> list[Segment]:
    out: list[Segment] = []
    for i, item in enumerate(items):
        if i:
            out.append(sep)
        out += item
    return out


def _quote_list(words: Sequence[str]) -> str:
    quoted = [f"\u201c{w}\u201d" for w in words]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _theme(label: str) -> str:
    """A topic label used inside a sentence (as curated: labels are often names)."""
    return label.strip()


def _shorten(text: str, words: int) -> str:
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]) + "\u2026"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _caption_phrase(caption: str) -> str:
    text = caption.strip().rstrip(".")
    text = re.sub(r"^(?:The|A|An)\s+", "", text)
    return _lower_first(text)


def _slug(value: object) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", str(value)).strip("-").lower() or "x"
