"""Cue rules for what CSAbstruct does not label: limitation, future work, negation, and whose work.

Each rule is a readable regular expression over one sentence; :func:`sentence_cues` returns all
flags. ``prior_work`` means the sentence is about other or earlier work ("Existing methods ...",
"Previous work ...", "Smith et al. proposed ...", "mainstream agent-based methods use ...") and
not about this paper ("we", "our", "this paper", "the proposed"); a sentence that contrasts the
two ("Unlike prior work, we ...") is about this paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE

LIMITATION = re.compile(
    r"\blimitations?\b|\blimited (?:to|by|in)\b|\bshortcomings?\b|\bdrawbacks?\b|\bweakness(?:es)?\b"
    r"|\bsuffers? from\b|\bstruggl(?:e|es|ed|ing)\b|\bfails? to\b|\bfailed to\b|\bunable to\b"
    r"|\b(?:remains?|remained|is still|are still) (?:\w+ )?(?:challenging|difficult|unclear|unsolved"
    r"|an open|limited|far from|largely unexplored|underexplored)\b|\bfar from\b"
    r"|\b(?:non-?optimal|suboptimal|insufficient|inadequate|unreliable|brittle)\b"
    r"|\bat the cost of\b|\bcomes? at\b[^.]{0,30}\bcost\b|\bbottlenecks?\b|\bcaveats?\b"
    r"|\bonly (?:works?|applies|applicable|handles?)\b|\bdoes not (?:generalize|scale)\b",
    _I,
)

FUTURE_WORK = re.compile(
    r"\bfuture (?:work|research|directions?|studies|investigations?|efforts?|improvements?)\b"
    r"|\b(?:we|they) (?:plan|intend|hope) to\b|\bin the future\b|\bwe will (?:further |also )?"
    r"(?:explore|investigate|study|extend|address|examine)\b|\bleave[sd]? (?:\w+ ){0,3}(?:for|to) future\b"
    r"|\bpaves? the way\b|\bpaving the way\b|\bopens? (?:up )?(?:new|promising|several|many)\b"
    r"|\bpromising (?:direction|avenue|research direction)s?\b|\bopen (?:problems?|questions?|challenges?)\b"
    r"|\bremains? (?:an )?open\b|\b(?:calls?|call) for (?:more|further|new)\b|\bfurther (?:research|work|"
    r"investigation|study) is (?:needed|required)\b",
    _I,
)

NEGATION = re.compile(
    r"\b(?:not|no|never|none|neither|nor|cannot|without|nothing|nobody|nowhere|lacks?|lacking)\b"
    r"|n't\b|\bfails? to\b|\bfailed to\b|\bunable to\b|\bunsuitable\b|\binapplicable\b",
    _I,
)
# "not only ... but also" and "no longer needs" style phrases are not negations of the claim.
_NOT_NEGATION = re.compile(r"\bnot only\b|\bnot just\b|\bno less than\b|\bnonetheless\b", _I)

OTHER_WORK = re.compile(
    r"\b(?:existing|previous|prior|earlier|past|conventional|traditional|mainstream|classical|standard"
    r"|current|contemporary|recent|popular|typical|dominant|state-of-the-art|sota|many|most|several"
    r"|some|other)\s+(?:\w+[\s-]){0,3}?(?:methods?|approaches|approach|works?|studies|study|research"
    r"|systems?|techniques?|models?|frameworks?|solutions?|efforts?|literature|benchmarks?|agents?"
    r"|algorithms?|pipelines?|paradigms?|designs?|attempts?|baselines?|datasets?|evaluations?"
    r"|architectures?|practices?|strategies|tools?)\b"
    r"|\b[A-Z][A-Za-z'-]+ et al\.?|\b(?:researchers|prior art|the literature|previous(?:ly)?|"
    r"has been (?:widely|extensively) (?:studied|explored|used))\b"
    r"|\b(?:has|have) (?:recently )?(?:been )?(?:proposed|introduced|developed|studied|explored)\b",
)
_OTHER_WORK_CI = re.compile(OTHER_WORK.pattern.replace(r"\b[A-Z][A-Za-z'-]+ et al\.?|", ""), _I)
_ET_AL = re.compile(r"\b[A-Z][A-Za-z'-]+ et al\.?")

SELF_REFERENCE = re.compile(
    r"\b(?:we|our|ours|us|ourselves)\b|\b(?:this|the present|the current) (?:paper|work|study|article"
    r"|report|survey|thesis|position paper)\b|\bhere,? we\b|\bthe proposed\b|\bour proposed\b"
    r"|\bin this (?:paper|work|study|article)\b",
    _I,
)


@dataclass(frozen=True)
class Cues:
    """The cue flags of one sentence."""

    limitation: bool
    future_work: bool
    negation: bool
    prior_work: bool
    self_reference: bool


def _lowercase_twin(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """The same pattern without IGNORECASE, for lower-cased ASCII text: it matches the same spans
    there (every literal in the pattern is lower case and it uses no upper-case class such as
    ``\\S``), ~2-3x faster than case-insensitive matching. None when that does not hold."""
    if not pattern.flags & re.IGNORECASE or pattern.pattern != pattern.pattern.lower():
        return None
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


def _search(pattern: re.Pattern[str], text: str, lower: str | None) -> re.Match[str] | None:
    """``pattern.search(text)``; through its lower-case twin when ``lower`` is ``text.lower()``
    of an ASCII text (same spans)."""
    twin = _TWINS.get(pattern) if lower is not None else None
    return twin.search(lower) if twin is not None else pattern.search(text)  # type: ignore[union-attr]


def _ascii_lower(text: str) -> str | None:
    return text.lower() if text.isascii() else None


def is_limitation(text: str) -> bool:
    """Does the sentence state a limitation, weakness or unsolved difficulty (of any work)?"""
    return bool(LIMITATION.search(text))


def is_future_work(text: str) -> bool:
    """Does the sentence point to future work or an open direction?"""
    return bool(FUTURE_WORK.search(text))


def is_negation(text: str) -> bool:
    """Does the sentence contain a negation (``not``, ``no``, ``without``, ``fails to``, ...)?"""
    cleaned = _NOT_NEGATION.sub(" ", text)
    return bool(NEGATION.search(cleaned))


def is_self_reference(text: str) -> bool:
    """Does the sentence speak about this paper (``we``, ``our``, ``this paper``, ``the proposed``)?"""
    return bool(SELF_REFERENCE.search(text))


# A mention of other work as a point of comparison or a data source belongs to this paper's claim:
# "1800x fewer examples compared to prior work", "outperforms existing methods", "drawn from existing
# literature".
_COMPARED = re.compile(
    r"(?:\bthan|\bcompared (?:to|with)|\bover|\boutperform\w*|\bsurpass\w*|\bbeat\w*|\brelative to"
    r"|\bagainst|\bbeyond|\bfrom|\bvs\.?|\bversus|\bwith)\s+(?:(?:the|all|many|most|several|strong)\s+)?$",
    _I,
)


def mentions_other_work(text: str) -> bool:
    """Does the sentence talk about other or earlier work (``existing methods``, ``X et al.``, ...)?

    A mention that is only a point of comparison or a source ("outperforms existing methods",
    "drawn from existing literature") does not count.
    """
    return _mentions_other_work(text, _ascii_lower(text))


def _mentions_other_work(text: str, lower: str | None) -> bool:
    other = _TWINS.get(_OTHER_WORK_CI) if lower is not None else None
    found = other.finditer(lower) if other is not None else _OTHER_WORK_CI.finditer(text)  # type: ignore[arg-type]
    for matches in (found, _ET_AL.finditer(text)):
        for match in matches:
            before = slice(max(0, match.start() - 40), match.start())
            if not _search(_COMPARED, text[before], lower[before] if lower is not None else None):
                return True
    return False


def is_prior_work(text: str) -> bool:
    """Is the sentence about other or earlier work rather than this paper?"""
    return mentions_other_work(text) and not is_self_reference(text)


def sentence_cues(text: str) -> Cues:
    """All cue flags of one sentence (the same as the ``is_*`` functions; ASCII text is lower-cased
    once and matched case-sensitively, see :func:`_lowercase_twin`)."""
    lower = _ascii_lower(text)
    self_ref = bool(_search(SELF_REFERENCE, text, lower))
    cleaned = _NOT_NEGATION.sub(" ", text)
    return Cues(
        limitation=bool(_search(LIMITATION, text, lower)),
        future_work=bool(_search(FUTURE_WORK, text, lower)),
        negation=bool(_search(NEGATION, cleaned, _ascii_lower(cleaned) if lower is not None else None)),
        prior_work=not self_ref and _mentions_other_work(text, lower),
        self_reference=self_ref,
    )


_TWINS = {p: twin for p in (LIMITATION, FUTURE_WORK, NEGATION, _OTHER_WORK_CI, SELF_REFERENCE, _COMPARED)
          if (twin := _lowercase_twin(p)) is not None}
