"""Optional prose rewriting by an OpenAI-compatible chat endpoint (off by default).

``[draft.backend]`` in ``survey.toml`` (or the environment) turns it on::

    [draft.backend]
    base_url = "http://127.0.0.1:8000/v1"   # or SURVEYKIT_LLM_BASE_URL
    model = "qwen2.5-7b-instruct"           # or SURVEYKIT_LLM_MODEL
    api_key_env = "SURVEYKIT_LLM_API_KEY"    # the key is read from this variable, never from the file
    timeout = 60
    rewrite_topic_names = false

A paragraph is sent with its citations as ``[@key]`` markers and the reply is accepted only when
it (1) keeps every key of the original, (2) adds no key, and (3) every sentence of the reply
carries a marker (the grounding rule for prose). Otherwise the original paragraph is kept and the
rejection is reported. Only ``extract``/``summary`` paragraphs are sent; structural sentences,
lists, tables and headings are never rewritten. ``rewrite_topic_names = true`` also names the
topics and sections, in the topic stage (:mod:`surveykit.topics.naming`), so tables, figures and
draft share the names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from surveykit.attributes.sentences import split_sentences
from surveykit.draft.model import Cite, DraftSentence, Paragraph, Segment, SurveyDocument

SYSTEM_PROMPT = (
    "You edit paragraphs of a scientific survey. Improve the flow and remove repetition, keeping the "
    "meaning and every fact. Citation markers look like [@key] or @[@key] (a textual citation: the "
    "authors are the subject). Keep every marker exactly as written, attached to the statement it "
    "supports; do not add markers, do not add facts. Every sentence must keep at least one marker. "
    "Reply with the paragraph only."
)
_MARKER = re.compile(r"(@?)\[(@[^\]\s;]+(?:;\s*@[^\]\s;]+)*)\]")


class BackendError(RuntimeError):
    """The endpoint could not be reached or answered something unusable."""


@dataclass
class BackendConfig:
    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 60.0
    temperature: float = 0.2
    rewrite_topic_names: bool = False

    @classmethod
    def from_config(
        cls, section: Mapping[str, Any] | None, env: Mapping[str, str] | None = None
    ) -> BackendConfig | None:
        """The backend settings, or ``None`` when no base URL is configured (the default)."""
        env = os.environ if env is None else env
        section = dict(section or {})
        if section.get("enabled") is False:
            return None
        base_url = section.get("base_url") or env.get("SURVEYKIT_LLM_BASE_URL")
        if not base_url:
            return None
        model = section.get("model") or env.get("SURVEYKIT_LLM_MODEL") or "default"
        key_var = section.get("api_key_env", "SURVEYKIT_LLM_API_KEY")
        return cls(
            str(base_url).rstrip("/"),
            str(model),
            env.get(key_var) or None,
            float(section.get("timeout", 60)),
            float(section.get("temperature", 0.2)),
            bool(section.get("rewrite_topic_names", False)),
        )


class ChatBackend:
    """``POST {base_url}/chat/completions``; ``session`` may be injected (tests)."""

    def __init__(self, config: BackendConfig, session: Any = None) -> None:
        import requests

        self.config = config
        self.session = session or requests.Session()

    def complete(self, text: str, system: str = SYSTEM_PROMPT) -> str:
        url = self.config.base_url
        url = url + ("/chat/completions" if url.endswith("/v1") else "/v1/chat/completions")
        headers = {"Content-Type": "application/json"}
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        payload = {
            "model": self.config.model,
            "temperature": self.config.temperature,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": text}],
        }
        try:
            response = self.session.post(url, json=payload, headers=headers, timeout=self.config.timeout)
        except Exception as exc:  # requests raises many kinds; all mean "no rewrite"
            raise BackendError(f"{url}: {exc}") from exc
        if response.status_code != 200:
            raise BackendError(f"{url}: HTTP {response.status_code}")
        try:
            return str(response.json()["choices"][0]["message"]["content"]).strip()
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise BackendError(f"{url}: unexpected reply ({exc})") from exc


# --- the acceptance rule ---------------------------------------------------------------------------


def paragraph_text(paragraph: Paragraph) -> str:
    return " ".join(s.plain() for s in paragraph.sentences)


def marker_keys(text: str) -> list[str]:
    keys: list[str] = []
    for _, group in _MARKER.findall(text):
        keys += [k.strip().lstrip("@") for k in group.split(";")]
    return keys


def parse_rewrite(text: str) -> list[DraftSentence]:
    """The reply as ``rewritten`` sentences with :class:`Cite` segments."""
    sentences = []
    for sentence in split_sentences(" ".join(text.split())):
        segments: list[Segment] = []
        pos = 0
        for match in _MARKER.finditer(sentence.text):
            if match.start() > pos:
                segments.append(sentence.text[pos : match.start()])
            keys = tuple(k.strip().lstrip("@") for k in match.group(2).split(";"))
            segments.append(Cite(keys, textual=bool(match.group(1))))
            pos = match.end()
        if pos < len(sentence.text):
            segments.append(sentence.text[pos:])
        cleaned: list[Segment] = []
        for i, seg in enumerate(segments):  # "text [@k]." -> "text" + cite + "."
            if (
                isinstance(seg, str)
                and i + 1 < len(segments)
                and isinstance(segments[i + 1], Cite)
                and not segments[i + 1].textual
            ):
                seg = seg.rstrip()
            cleaned.append(seg)
        papers = tuple(dict.fromkeys(k for s in cleaned if isinstance(s, Cite) for k in s.keys))
        sentences.append(DraftSentence(cleaned, "rewritten", papers))
    return sentences


def accept_rewrite(original: str, rewritten: str,
                   abstracts: Mapping[str, str] | None = None) -> tuple[bool, str]:
    """(accepted, reason): same citation keys, none new, every sentence cites and, with
    ``abstracts`` (cite key -> abstract), every number a sentence states is in an abstract it cites."""
    if not rewritten.strip():
        return False, "empty reply"
    before, after = set(marker_keys(original)), set(marker_keys(rewritten))
    if before - after:
        return False, f"dropped citation(s) {', '.join(sorted(before - after))}"
    if after - before:
        return False, f"added citation(s) {', '.join(sorted(after - before))}"
    for sentence in split_sentences(" ".join(rewritten.split())):
        if not _MARKER.search(sentence.text):
            return False, f"sentence without a citation: {sentence.text[:60]!r}"
        if abstracts is not None:
            from surveykit.draft.compare import numbers_in

            cited = [abstracts.get(k, "") for k in marker_keys(sentence.text)]
            stated = {n for text in cited for n in numbers_in(text)}
            unsupported = [n for n in numbers_in(_MARKER.sub("", sentence.text)) if n not in stated]
            if unsupported:
                return False, f"number(s) {', '.join(unsupported)} in no cited abstract"
    return True, "accepted"


@dataclass
class RewriteReport:
    accepted: int = 0
    rejected: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"backend: {self.accepted} paragraph(s) rewritten, {len(self.rejected)} rejected, "
            f"{len(self.errors)} error(s)"
        )


def rewrite_document(document: SurveyDocument, backend: ChatBackend, max_errors: int = 3,
                     abstracts: Mapping[str, str] | None = None) -> RewriteReport:
    """Rewrite the prose paragraphs in place where the reply passes :func:`accept_rewrite`
    (``abstracts``: cite key -> abstract, for the numbers check)."""
    report = RewriteReport()
    for section, block in document.blocks():
        if not isinstance(block, Paragraph) or not block.sentences:
            continue
        if any(s.kind not in ("extract", "summary") for s in block.sentences):
            continue
        original = paragraph_text(block)
        try:
            reply = backend.complete(original)
        except BackendError as exc:
            report.errors.append(str(exc))
            block.rewrite_status = f"error: {exc}"
            if len(report.errors) >= max_errors:
                break
            continue
        ok, reason = accept_rewrite(original, reply, abstracts)
        if ok:
            block.sentences = parse_rewrite(reply)
            block.rewrite_status = "accepted"
            report.accepted += 1
        else:
            block.rewrite_status = f"rejected: {reason}"
            report.rejected.append(f"{section.label}: {reason}")
    return report
