"""Topic labels a person would put in a table of contents, and the vocabulary they come from.

Terms are real phrases: n-grams (1-3 words) of consecutive tokens none of which is an English or a
domain stop word, so no term spans a removed word. The vocabulary keeps the terms found in at least
two documents (counted over documents, before BERTopic's c-TF-IDF joins each topic into one
document, where ``min_df`` would count topics: BERTopic issue #2402).

A label is the topic's best multi-word term, scored by its c-TF-IDF weight plus the mean weight of
its specific words (2-3 words; the curation file can rename a topic). Words found in more
than :data:`GENERIC_SHARE` of the corpus's documents cannot make
a label alone ("agents" in an agents corpus) and add no support.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

TOKEN = re.compile(r"[a-z][a-z0-9]*(?:[-'][a-z0-9]+)*")
GENERIC_SHARE = 0.35
MAX_LABEL_WORDS = 5

# Words of scientific prose that say nothing about a topic (added to scikit-learn's English list).
DOMAIN_STOP_WORDS = frozenset(
    " ".join([
        "paper papers propose proposes proposed present presents presented introduce introduces",
        "introduced approach approaches method methods methodology result results show shows shown",
        "demonstrate demonstrates demonstrated novel new existing based using use used uses usage",
        "task tasks performance perform performs performing achieve achieves achieved achieving",
        "state art sota significant significantly experiment experiments experimental extensive",
        "work works study studies address addresses addressing effective effectively efficient",
        "efficiently improve improves improved improving improvement improvements outperform",
        "outperforms outperforming various variety different including include includes however",
        "furthermore moreover additionally specifically particular particularly generally general",
        "enable enables enabling allow allows provide provides providing key main paradigm remains",
        "remain remaining recent recently despite challenge challenges challenging problem problems",
        "issue issues potential capability capabilities ability abilities significant substantial",
        "substantially large largely small high higher low lower better best good strong stronger",
        "simple simply able make makes making way ways even also well often many much may might can",
        "could would should us we our ours one two three four five first second third via within",
        "without across toward towards among upon thus hence e g eg et al i ie etc vs fig figure",
        "table section code available github https http www com org html released release open",
        "source publicly leverage leverages leveraging language languages model models modeling llm",
        "llms lm lms large-scale framework frameworks system systems data dataset datasets analysis",
        "evaluate evaluated evaluating evaluation evaluations benchmark benchmarks",
    ]).split()
)
# "benchmark", "evaluation", "dataset" and "framework" are stop words of the label vocabulary
# because nearly every paper has them; a phrase such as "web agent benchmark" still loses them.


def stop_words(extra: Iterable[str] = ()) -> frozenset[str]:
    """scikit-learn's English stop words, the domain list above and ``extra``."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | DOMAIN_STOP_WORDS | {w.lower() for w in extra}


def _is_stop(token: str, stops: frozenset[str]) -> bool:
    if token in stops or len(token) < 2 or token.isdigit():
        return True
    parts = re.split(r"[-']", token)
    return len(parts) > 1 and (parts[-1] in stops or all(p in stops for p in parts))


class PhraseAnalyzer:
    """CountVectorizer analyzer: n-grams of consecutive non-stop-word tokens (picklable)."""

    def __init__(self, stops: frozenset[str], ngram_range: tuple[int, int] = (1, 3)) -> None:
        self.stops = stops
        self.ngram_range = ngram_range

    def __call__(self, text: str) -> list[str]:
        low, high = self.ngram_range
        terms: list[str] = []
        run: list[str] = []
        for token in [*TOKEN.findall(text.lower()), ""]:
            if token and not _is_stop(token, self.stops):
                run.append(token)
                continue
            for size in range(low, high + 1):
                terms.extend(" ".join(run[i:i + size]) for i in range(len(run) - size + 1))
            run = []
        return terms


def document_vocabulary(documents: Sequence[str], analyzer: PhraseAnalyzer,
                        min_df: int = 2) -> tuple[list[str], dict[str, int]]:
    """Terms found in at least ``min_df`` documents (1 for tiny corpora), sorted; and their df."""
    counts: dict[str, int] = {}
    for document in documents:
        for term in set(analyzer(document)):
            counts[term] = counts.get(term, 0) + 1
    floor = min_df if len(documents) >= 10 else 1
    vocabulary = sorted(t for t, c in counts.items() if c >= floor)
    if not vocabulary:
        vocabulary = sorted(counts)
    return vocabulary, {t: counts[t] for t in vocabulary}


def _stem(word: str) -> str:
    """Crude stem for overlap tests: ``agents``/``agentic``/``agent`` -> ``agent``."""
    return word[:5] if len(word) > 5 else word


def _stems(term: str) -> set[str]:
    return {_stem(w) for w in term.split()}


def ranked_terms(scores: np.ndarray, vocabulary: Sequence[str], limit: int) -> list[tuple[str, float]]:
    """Top ``limit`` terms of one c-TF-IDF row, score-descending, ties by term (stable)."""
    order = sorted(np.flatnonzero(scores > 0), key=lambda i: (-float(scores[i]), vocabulary[i]))
    return [(vocabulary[i], float(scores[i])) for i in order[:limit]]


def keywords(ranked: Sequence[tuple[str, float]], n: int) -> list[str]:
    """Top ``n`` keywords, skipping a word already inside a higher-ranked phrase and vice versa."""
    chosen: list[str] = []
    for term, _ in ranked:
        words = set(term.split())
        if any(words <= set(c.split()) or set(c.split()) <= words for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == n:
            break
    return chosen


def _phrase_scores(ranked: Sequence[tuple[str, float]], generic: set[str]) -> list[tuple[str, float]]:
    """Multi-word terms scored by their own weight plus the weight of their specific words."""
    single = {t: s for t, s in ranked if " " not in t}
    scored = []
    for term, score in ranked:
        words = term.split()
        if len(words) < 2 or set(words) <= generic:
            continue
        support = sum(single.get(w, 0.0) for w in words if w not in generic)
        scored.append((term, score + support / len(words)))
    return sorted(scored, key=lambda kv: (-kv[1], kv[0]))


def make_label(ranked: Sequence[tuple[str, float]], generic: set[str],
               taken: set[str] | None = None) -> str:
    """A 2-5 word label from a topic's ranked terms (see the module docstring)."""
    taken = taken or set()
    specific = [(t, s) for t, s in ranked if not set(t.split()) <= generic] or list(ranked)
    options = [phrase for phrase, _ in _phrase_scores(ranked, generic)]
    if not options:  # no phrase at all: the two best specific words
        words = [t for t, _ in specific if " " not in t]
        options = [" ".join(words[:2])] if len(words) >= 2 else ["miscellaneous papers"]
    for label in options:
        if label not in taken:
            return label
    return options[0]
