"""Topic word quality: NPMI coherence on the corpus itself and topic diversity."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from itertools import combinations

# The token pattern of scikit-learn's CountVectorizer (BERTopic's and our c-TF-IDF vectoriser).
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
EPSILON = 1e-12


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens of two or more characters, as CountVectorizer makes them."""
    return _TOKEN.findall(text.lower())


def _clean_words(words: Iterable[str], top_n: int) -> list[str]:
    """The first ``top_n`` non-empty words, normalised like the document tokens."""
    out: list[str] = []
    for word in words:
        normal = " ".join(tokenize(str(word)))
        if normal and normal not in out:
            out.append(normal)
        if len(out) == top_n:
            break
    return out


def npmi_coherence(
    topic_words: Sequence[Sequence[str]],
    texts: Sequence[str],
    top_n: int = 10,
    epsilon: float = EPSILON,
) -> float:
    """Mean NPMI of each topic's top words, over topics, counted on the documents themselves.

    Probabilities are document frequencies: ``P(w)`` is the share of documents containing ``w``
    (an n-gram topic word counts when its tokens occur consecutively), ``P(w1, w2)`` the share
    containing both. ``NPMI = log((P(w1,w2) + eps) / (P(w1) P(w2))) / -log(P(w1,w2) + eps)``
    (Bouma 2009; epsilon as in Röder et al. 2015). Words found in no document are skipped; a
    topic with fewer than two remaining words is left out of the mean. NaN if no topic is left.
    """
    topics = [_clean_words(words, top_n) for words in topic_words]
    vocabulary = {word for words in topics for word in words}
    if not vocabulary or not texts:
        return float("nan")
    orders = {len(word.split()) for word in vocabulary}
    postings: dict[str, set[int]] = {word: set() for word in vocabulary}
    for doc, text in enumerate(texts):
        tokens = tokenize(text)
        present: set[str] = set()
        for order in orders:
            present.update(" ".join(tokens[i:i + order]) for i in range(len(tokens) - order + 1))
        for word in vocabulary & present:
            postings[word].add(doc)
    n_docs = len(texts)
    scores = []
    for words in topics:
        known = [word for word in words if postings[word]]
        if len(known) < 2:
            continue
        pair_scores = []
        for first, second in combinations(known, 2):
            p_first = len(postings[first]) / n_docs
            p_second = len(postings[second]) / n_docs
            together = len(postings[first] & postings[second])
            if together == n_docs:  # both words in every document: perfect co-occurrence
                pair_scores.append(1.0)
                continue
            p_joint = together / n_docs + epsilon
            pmi = math.log(p_joint / (p_first * p_second))
            pair_scores.append(pmi / -math.log(p_joint))
        scores.append(sum(pair_scores) / len(pair_scores))
    return sum(scores) / len(scores) if scores else float("nan")


def topic_diversity(topic_words: Sequence[Sequence[str]], top_n: int = 10) -> float:
    """Share of distinct words among all topics' top ``top_n`` words (Dieng et al. 2020).

    1 means no two topics share a top word; NaN if there are no topic words.
    """
    topics = [_clean_words(words, top_n) for words in topic_words]
    total = sum(len(words) for words in topics)
    if total == 0:
        return float("nan")
    return len({word for words in topics for word in words}) / total
