"""What a group of papers shares and how their reported numbers compare, in the survey's words.

- :func:`shared_terms`: the terms (one or two words) that most papers of a group use in their
  title and abstract and the rest of their theme does not; each term with the papers that use it,
  so a sentence naming it cites exactly those papers.
- :func:`result_fact`: a headline number of a result sentence with what it measures and where
  ("19.2% success rate on WebArena"); only when the sentence states all three within a few words,
  so the survey's rewording cannot change what the number means. Every number of the rewording
  occurs in the cited abstract (the grounding check verifies it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# words every paper of a field uses: never what distinguishes a group
_GENERIC = frozenset(
    """paper papers propose proposes proposed present presents introduce introduces approach approaches
    method methods framework frameworks model models language large llm llms based using use uses used
    new novel results result show shows shown performance task tasks work study studies existing
    achieve achieves achieving significantly significant improve improves improved improvement state
    art experiments experimental extensive demonstrate demonstrates various different including data
    however also effective effectively address well key challenges challenge capabilities ability
    abilities agent agents llm-based language-model open make makes way first evaluate evaluation
    datasets dataset benchmark benchmarks code available github https com www http org recent recently
    advancements advances advance solve solving complex despite lack lacks demonstrated remarkable multiple
    current prior previous diverse powerful potential crucial specific effectiveness enable enables
    enabling leverage leverages leveraging help helps provide provides substantially enhance enhances
    enhancing enhanced allow allows allowing given able better high highly strong simple general
    generalized generalised superior outperform outperforms outperforming compared comparison limited
    remain remains remaining particularly critical important require requires requiring ensure existing
    often various widely wide range set sets designed design designs develop developed
    developing paradigm paradigms systems system capability success rate rates accuracy score
    scores""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def _terms(text: str) -> set[str]:
    """Content unigrams and bigrams of a text (lower-cased; stop and generic words dropped)."""
    words = _WORD.findall(text.lower())
    keep = [w if len(w) > 2 and w not in ENGLISH_STOP_WORDS and w not in _GENERIC else "" for w in words]
    out = {w for w in keep if w}
    out |= {f"{a} {b}" for a, b in zip(keep, keep[1:], strict=False) if a and b}
    return out


def shared_terms(
    texts: Mapping[str, str], group: Sequence[str], theme: Sequence[str], limit: int = 2
) -> list[tuple[str, tuple[str, ...]]]:
    """Up to ``limit`` terms used by at least two papers of ``group`` (and by a larger share of the
    group than of the rest of ``theme``), each with the group's papers using it (group order)."""
    if len(group) < 2:
        return []
    terms = {pid: _terms(texts.get(pid, "")) for pid in theme}
    rest = [p for p in theme if p not in group]
    counts: dict[str, list[str]] = {}
    for pid in group:
        for term in terms[pid]:
            counts.setdefault(term, []).append(pid)
    scored = []
    for term, papers in counts.items():
        if len(papers) < 2:
            continue
        inside = len(papers) / len(group)
        outside = sum(term in terms[p] for p in rest) / len(rest) if rest else 0.0
        if inside <= outside:
            continue
        bigram = " " in term
        scored.append((-(inside - outside + 0.15 * bigram), -len(papers), term, tuple(papers)))
    scored.sort()
    out: list[tuple[str, tuple[str, ...]]] = []
    for _, _, term, papers in scored:
        if any(term in t or t in term for t, _ in out):
            continue
        out.append((term, papers))
        if len(out) == limit:
            break
    return out


# --- reported numbers ------------------------------------------------------------------------------

_VALUE = r"(\d+(?:\.\d+)?\s?%|\d+(?:\.\d+)?\s?(?:x|×)(?![\w-]))"
_METRIC = (r"(?:relative |absolute |average |overall |mean )?(?:success rate|win rate|accuracy|pass@1|"
           r"f1(?: score)?|exact match|improvement|gain|increase|reduction|speed-?up|error rate|"
           r"task completion rate|completion rate|resolve rate|score)")
_COMPARATIVE = r"(?:higher|better|lower|fewer|more|faster)"
_AFTER = re.compile(_VALUE + r"\s+(" + _COMPARATIVE + r"\s+)?(" + _METRIC + r")\b", re.IGNORECASE)
_BEFORE = re.compile(r"\b(" + _METRIC + r")\s+(?:of|to|reaching|at)\s+(?:about |up to |over )?" + _VALUE,
                     re.IGNORECASE)
_CHANGE = re.compile(r"improvement|gain|increase|reduction|speed-?up|higher|better|lower|fewer|more|faster",
                     re.IGNORECASE)
# a benchmark: a capitalised name with an inner capital or digit (WebArena, ALFWorld, GSM8K, SWE-bench)
_BENCHMARK = re.compile(
    r"\b(?i:on|in|across)\s+(?:the\s+)?([A-Z][A-Za-z]*(?:[A-Z0-9][A-Za-z0-9]*)+(?:-[A-Za-z0-9]+)*"
    r"|[A-Z]{2,}[A-Za-z0-9-]*)"
)
_NOT_BENCHMARKS = re.compile(  # models and generic acronyms, not benchmarks
    r"^(?:LLMs?|MLLMs?|VLMs?|LMs?|AI|RL|SFT|DPO|PPO|NLP|GPT|Llama|LLaMA|Qwen|Claude|Mistral|Gemini|PaLM|GLM|"
    r"Vicuna|DeepSeek|T5|BERT|RoBERTa|OpenAI)(?![a-z])")


@dataclass(frozen=True)
class ResultFact:
    """A reported number: ``value`` (as written), ``metric`` and ``benchmark`` (may be empty)."""

    value: str
    metric: str
    benchmark: str

    def phrase(self) -> str:
        """``a 19.2% success rate on WebArena``."""
        value = self.value.replace(" ", "")
        spoken_vowel = value.startswith("8") or re.match(r"1[18](?!\d)", value) is not None
        metric = self.metric.lower()
        mass = metric.startswith(("accuracy", "f1", "pass@1", "exact match", "score"))  # no article
        text = ("" if mass else "an " if spoken_vowel else "a ") + f"{value} {metric}"
        return text + (f" on {self.benchmark}" if self.benchmark else "")


def result_fact(text: str) -> ResultFact | None:
    """The first number of ``text`` stated with its metric (``"28.0% relative improvement"``,
    ``"success rate of 19.2%"``) and, when named, the benchmark it was measured on."""
    if re.search(r"\brespectively\b", text, re.IGNORECASE):  # numbers paired with a list: ambiguous
        return None
    found = []
    for match in _AFTER.finditer(text):
        metric = (match.group(2) or "") + match.group(3)
        found.append((match.start(), match.group(1), metric))
    for match in _BEFORE.finditer(text):
        found.append((match.start(), match.group(2), match.group(1)))
    if not found:
        return None
    _, value, metric = sorted(found)[0]
    benchmarks = [m.group(1) for m in _BENCHMARK.finditer(text) if not _NOT_BENCHMARKS.match(m.group(1))]
    benchmark = benchmarks[0] if benchmarks else ""
    if not benchmark and _CHANGE.search(metric):  # "a 25% improvement" of what? keep the sentence
        return None
    return ResultFact(value.strip(), " ".join(metric.split()), benchmark)


NUMBER = re.compile(r"\d+(?:\.\d+)?\s?%|\d+(?:\.\d+)?\s?(?:x|×)(?![\w-])|\d+\.\d+")


def numbers_in(text: str) -> list[str]:
    """The measured numbers of a text (percentages, decimals, factors), spaces removed."""
    return [n.replace(" ", "") for n in NUMBER.findall(text)]


__all__ = ["NUMBER", "ResultFact", "numbers_in", "result_fact", "shared_terms"]
