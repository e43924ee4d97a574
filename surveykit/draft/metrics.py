"""Quality measures of a draft: scene-setting sentences used as content, papers only named,
comparative sentences per theme, connectives repeated within a paragraph, group and result
sentences, challenge statements. Written to ``draft/metrics.json`` by the draft stage."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from surveykit.draft.model import DraftSentence, Paragraph, SurveyDocument
from surveykit.draft.synthesis import FACETS, NEUTRAL_LEADS

_FACET_LEADS = (*(lead for _, lead in FACETS), *NEUTRAL_LEADS.values())


# sentence-initial connectives ("Similarly, ..."): a paragraph should not repeat one
CONNECTIVE = re.compile(
    r"^(Similarly|Likewise|Along the same lines|In contrast|Moreover|In addition|Further|Furthermore|"
    r"For example|For instance|Notably|Empirically|Relatedly|Beyond this|More broadly|Still|Even so|"
    r"At the same time|On the other hand|Looking ahead|As a next step|In this direction|Additionally|"
    r"Also|However|By contrast|Meanwhile),\s")


def is_comparative(sentence: DraftSentence) -> bool:
    """A sentence that compares >= 2 papers: a facet sentence of
    :func:`surveykit.draft.synthesis.comparative_sentence`, a group set against the previous one
    ("In contrast, ..."), or reported numbers side by side."""
    first = sentence.segments[0] if sentence.segments else ""
    tag = getattr(sentence, "tag", "")  # drafts of earlier versions have no tags
    facet = tag == "comparison" or (isinstance(first, str) and first in _FACET_LEADS)
    contrast = tag == "group" and isinstance(first, str) and first.startswith("In contrast")
    return (facet or contrast or tag == "results") and len(sentence.paper_ids) >= 2


def connective(sentence: DraftSentence) -> str | None:
    first = sentence.segments[0] if sentence.segments else ""
    match = CONNECTIVE.match(first) if isinstance(first, str) else None
    return match.group(1) if match else None


def connective_counts(document: SurveyDocument) -> dict[str, Any]:
    """Sentence-initial connectives: how often each is used, and paragraphs that repeat one."""
    total: Counter[str] = Counter()
    repeated = worst = 0
    for _, block in document.blocks():
        if not isinstance(block, Paragraph):
            continue
        used = Counter(c for c in map(connective, block.sentences) if c)
        total.update(used)
        most = max(used.values(), default=0)
        worst = max(worst, most)
        repeated += most > 1
    return {"connectives": dict(sorted(total.items())), "paragraphs_repeating_a_connective": repeated,
            "max_connective_uses_in_a_paragraph": worst}


def is_background(sentence: DraftSentence, roles: Mapping[str, Mapping[int, str]],
                  starts: Mapping[str, Mapping[int, int]],
                  cues: Mapping[str, Mapping[int, bool]] | None = None) -> bool:
    """An extracted sentence whose source is scene-setting: a background sentence by the role model
    that is not first person (``we ...``); with ``cues``, one stating a limitation or future work
    (an open challenge) does not count."""
    prov = sentence.provenance
    if prov is None:
        return False
    index = starts.get(prov.paper_id, {}).get(prov.start)
    role = roles.get(prov.paper_id, {}).get(index) if index is not None else None
    attributed = any(getattr(s, "textual", False) for s in sentence.cites)
    challenge = bool(cues and index is not None and cues.get(prov.paper_id, {}).get(index))
    return role == "background" and not attributed and not challenge


def draft_metrics(document: SurveyDocument, drafter: Any) -> dict[str, Any]:
    """Counts over the whole document and over the topical sections (``sec:section-*``)."""
    starts = {pid: {s.start: s.index for s in sentences} for pid, sentences in drafter.sentences.items()}
    # a limitation or future-work statement (by either cue set) is an open challenge, not scene-setting
    flags = drafter.challenge_cues
    cues = {
        pid: {s.index: s.role in ("limitation", "future") or flags.get(pid, {}).get(s.index, False)
              for s in sentences}
        for pid, sentences in drafter.sentences.items()
    }
    extracts = background = scene_setting = 0
    background_list: list[str] = []
    substantive: set[str] = set()
    topical_papers: set[str] = set()
    per_theme: dict[str, int] = {}
    groups = results = challenges = 0
    parents = {s.label for s in document.sections if s.subsections}
    for section, sentence in document.sentences():
        tag = getattr(sentence, "tag", "")
        topical = section.label.startswith(("sec:section-", "sec:topic-"))
        if sentence.kind == "extract":
            extracts += 1
            if is_background(sentence, drafter.roles, starts):
                background += 1
                scene = is_background(sentence, drafter.roles, starts, cues)
                scene_setting += scene
                mark = "scene-setting" if scene else "challenge"
                background_list.append(f"{section.label} [{mark}]: {sentence.provenance.text[:90]}")
            substantive |= set(sentence.paper_ids)
        elif sentence.kind == "summary" and len(sentence.paper_ids) == 1:
            substantive |= set(sentence.paper_ids)
        if topical:
            topical_papers |= set(sentence.paper_ids)
        groups += topical and tag == "group"
        results += topical and tag == "results"
        challenges += tag == "challenge"
        if topical and section.label not in parents:
            per_theme.setdefault(section.label, 0)
            per_theme[section.label] += is_comparative(sentence)
    members = set(drafter.assignments.index)
    # a big survey describes each theme's most central papers ([draft] caps_above); the others may
    # be cited for their group ("12 papers, among them ...") without a sentence of their own
    described = {p for t in drafter.topics["topic"] for p in drafter.discussed(int(t))} & members
    name_only = sorted((topical_papers & described) - substantive)
    grouped_only = sorted((topical_papers & (members - described)) - substantive)
    return {
        "background": background_list,
        "extracted_sentences": extracts,
        "background_sentences": background,
        "background_share": round(background / extracts, 4) if extracts else 0.0,
        "scene_setting_sentences": scene_setting,
        "scene_setting_share": round(scene_setting / extracts, 4) if extracts else 0.0,
        "papers": len(members),
        "name_only_papers": len(name_only),
        "name_only": name_only,
        "cited_for_their_group_only": len(grouped_only),
        "comparative_per_theme": per_theme,
        "themes_with_two_comparisons": sum(1 for n in per_theme.values() if n >= 2),
        "themes": len(per_theme),
        "group_sentences": groups,
        "result_comparisons": results,
        "challenge_statements": challenges,
        **connective_counts(document),
    }


__all__ = ["connective_counts", "draft_metrics", "is_background", "is_comparative"]
