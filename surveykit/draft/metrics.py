"""Quality measures of a draft: scene-setting sentences used as content, papers only named,
comparative sentences per theme. Written to ``draft/metrics.json`` by the draft stage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveykit.draft.model import DraftSentence, SurveyDocument
from surveykit.draft.synthesis import FACETS

_FACET_LEADS = tuple(lead for _, lead in FACETS)


def is_comparative(sentence: DraftSentence) -> bool:
    """A facet sentence of :func:`surveykit.draft.synthesis.comparative_sentence` citing >= 2 papers."""
    first = sentence.segments[0] if sentence.segments else ""
    return isinstance(first, str) and first in _FACET_LEADS and len(sentence.paper_ids) >= 2


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
    parents = {s.label for s in document.sections if s.subsections}
    for section, sentence in document.sentences():
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
        if topical and section.label not in parents:
            per_theme.setdefault(section.label, 0)
            per_theme[section.label] += is_comparative(sentence)
    members = set(drafter.assignments.index)
    name_only = sorted((topical_papers & members) - substantive)
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
        "comparative_per_theme": per_theme,
        "themes_with_two_comparisons": sum(1 for n in per_theme.values() if n >= 2),
        "themes": len(per_theme),
    }


__all__ = ["draft_metrics", "is_background", "is_comparative"]
