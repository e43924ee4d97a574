"""Optional topic and section names from the chat backend (``rewrite_topic_names = true``).

Off by default: the offline labels of :mod:`surveykit.topics.labels` are the names. When the
author turns it on under ``[draft.backend]``, each topic the curation file did not rename is
described to the model by its current label, keywords and representative titles, and the reply
is kept only if it is a table-of-contents name: 2-5 words, at most :data:`MAX_CHARS` characters,
no markup, not a name another topic already has. Otherwise the offline label stays and the reason
is reported. Sections are named the same way from their topics' names. The offline label stays in
``Topic.auto_label``; what happened is recorded in ``provenance["names"]``.
"""

from __future__ import annotations

import re
from typing import Any

from surveykit.corpus.model import Corpus
from surveykit.topics.taxonomy import TopicResult

MAX_CHARS = 60
SYSTEM_PROMPT = (
    "You name the topics of a literature survey, as a table of contents would. Reply with the "
    "name only: a noun phrase of 2 to 5 words in sentence case (\"Multi-agent collaboration\"), "
    "no quotes, no punctuation at the end, no numbering. "
    "Name what the papers are about, not one paper."
)
_MARKUP = re.compile(r"[*_`#\[\]{}<>|\\]")


def clean_name(reply: str) -> tuple[str | None, str]:
    """The name in a reply, or ``None`` and why it is not one."""
    lines = [line.strip() for line in reply.strip().splitlines() if line.strip()]
    if len(lines) != 1:
        return None, "not a single line"
    name = re.sub(r"^(?:name|topic|title)\s*:\s*", "", lines[0], flags=re.I)
    name = name.strip().strip("\"'“”‘’").rstrip(".;:,").strip()
    if _MARKUP.search(name):
        return None, "has markup"
    words = [w for w in name.split() if w != "&"]
    if not 2 <= len(words) <= 5:
        return None, f"{len(words)} words"
    if len(name) > MAX_CHARS:
        return None, f"longer than {MAX_CHARS} characters"
    return name, ""


def _ask(backend: Any, prompt: str, taken: set[str]) -> tuple[str | None, str]:
    from surveykit.draft.backend import BackendError

    try:
        name, why = clean_name(backend.complete(prompt, system=SYSTEM_PROMPT))
    except BackendError as exc:
        return None, str(exc)
    if name is not None and name.lower() in taken:
        return None, f"{name!r} is taken"
    return name, why


def name_topics(result: TopicResult, corpus: Corpus, backend: Any) -> dict[str, Any]:
    """Rename the topics (not those the curation file renamed) and the sections through
    ``backend`` (a :class:`surveykit.draft.backend.ChatBackend`); returns the report, also stored
    in ``result.provenance["names"]``."""
    titles = {p.id: p.title for p in corpus.papers}
    renamed: dict[str, str] = {}
    kept: dict[str, str] = {}
    taken = {t.label.lower() for t in result.topics if t.label != t.auto_label}
    for topic in result.topics:
        if topic.label != topic.auto_label:
            kept[topic.label] = "renamed by the curation file"
            continue
        papers = "\n".join(f"- {titles.get(pid, pid)}" for pid in topic.representative_ids)
        prompt = (f"Current name: {topic.label}\nKeywords: {', '.join(topic.keywords)}\n"
                  f"Representative papers:\n{papers}\nName this topic.")
        name, why = _ask(backend, prompt, taken)
        if name is None:
            kept[topic.label] = why
            taken.add(topic.label.lower())
            continue
        renamed[topic.label] = name
        topic.label = name
        taken.add(name.lower())
    section_taken: set[str] = set()
    for section in result.sections:
        inside = [result.topic(t) for t in section.topic_ids]
        if len(inside) == 1:
            section.label = inside[0].label
            section_taken.add(section.label.lower())
            continue
        prompt = (f"Current name: {section.label}\nIts topics: "
                  f"{'; '.join(t.label for t in inside)}\nKeywords: {', '.join(section.keywords)}\n"
                  "Name this section, which groups these topics.")
        name, why = _ask(backend, prompt, section_taken)
        if name is None:
            kept[f"section: {section.label}"] = why
        else:
            renamed[f"section: {section.label}"] = name
            section.label = name
        section_taken.add(section.label.lower())
    report = {"model": getattr(getattr(backend, "config", None), "model", None),
              "renamed": renamed, "kept": kept}
    result.provenance["names"] = report
    return report
