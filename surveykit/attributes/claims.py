"""Which sentences may serve as attribute evidence: the paper's own claims.

A sentence counts when it states what this paper does, finds or aims at: an objective, method or
result sentence (or one that names this paper: "we", "our", "this paper"), and not a sentence
about prior or other work, not future work. Negated matches ("... it is unsuitable for code
generation", "without tools") are dropped by :func:`negated_hit`. The title always counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from surveykit.attributes.match import Hit, Segment

CLAIM_ROLES = ("objective", "method", "result")

# A negation shortly before the match, in the same clause ("no memory", "without any tools",
# "do not rely on reinforcement learning"), or an unsuitability verdict after it.
_NEGATION_BEFORE = re.compile(
    r"\b(?:not|no|never|without|neither|nor|cannot|lacks?|lacking|unlike|instead of|rather than"
    r"|free of|absence of|eliminat\w+|avoid\w*)\b(?:[^,;.:]{0,40})$|n't\b[^,;.:]{0,40}$",
    re.IGNORECASE,
)
_UNSUITABLE_AFTER = re.compile(
    r"^[^;.]{0,60}\b(?:it is|they are|is|are|remains?) (?:\w+ )?(?:unsuitable|inapplicable|"
    r"not (?:suitable|applicable|designed))\b",
    re.IGNORECASE,
)


# A claim measured against other work ("... match state-of-the-art ... compared to prior work").
_COMPARISON = re.compile(
    r"\b(?:compared (?:to|with)|than|over|outperform\w*|surpass\w*|beat\w*|match\w*|versus|vs\.?)\s+"
    r"(?:\w+[\s-]){0,4}?(?:prior|previous|existing|state-of-the-art|sota|baselines?|strong|other)\b",
    re.IGNORECASE,
)


class RoleLike(Protocol):
    index: int
    role: str
    prior_work: bool
    future_work: bool
    self_reference: bool


def is_own_claim(sentence: Any) -> bool:
    """An objective/method/result or self-referring sentence, not prior work, not future work."""
    if sentence.future_work:
        return False
    if sentence.prior_work:
        text = getattr(sentence, "text", "")
        return sentence.role in ("method", "result") and bool(_COMPARISON.search(text))
    return sentence.role in CLAIM_ROLES or bool(sentence.self_reference)


def own_segments(segments: Sequence[Segment], roles: Sequence[RoleLike]) -> list[Segment]:
    """The title plus the abstract sentences that are this paper's own claims (by sentence index)."""
    by_index = {r.index: r for r in roles}
    kept = []
    for segment in segments:
        if segment.source != "abstract":
            kept.append(segment)
            continue
        role = by_index.get(segment.index)
        if role is not None and is_own_claim(role):
            kept.append(segment)
    return kept


def negated_hit(hit: Hit) -> bool:
    """Is the match negated in its clause (``without memory``, ``... is unsuitable``)?"""
    segment = hit.segment
    if hit.method == "metadata" or segment.source.startswith("metadata"):
        return False
    offset = hit.match_start - segment.start
    before = segment.text[:offset]
    after = segment.text[hit.match_end - segment.start :]
    return bool(_NEGATION_BEFORE.search(before) or _UNSUITABLE_AFTER.search(after))


__all__ = ["CLAIM_ROLES", "is_own_claim", "negated_hit", "own_segments"]
