"""Topic labels a person would put in a table of contents, and the vocabulary they come from.

Terms are real phrases: n-grams (1-3 words) of consecutive tokens none of which is an English or a
domain stop word, so no term spans a removed word. The vocabulary keeps the terms found in at least
two documents (counted over documents, before BERTopic's c-TF-IDF joins each topic into one
document, where ``min_df`` would count topics: BERTopic issue #2402).

Labels and keywords (:class:`LabelScorer`) are scored over *documents*, not word counts:

* coverage ``c = df_topic(term) / n_topic``: the share of the topic's papers that use the term;
* distinctiveness ``d``: the log-odds ratio of the term's document frequency inside the topic
  against the rest of the corpus, with an add-½ prior (Monroe et al. 2008, "Fightin' Words";
  the prior keeps a term seen in two papers from beating one seen in twenty);
* score ``c · d`` (only terms with ``d > 0``), and terms with ``c`` below :data:`MIN_COVERAGE`
  (25 %) are used only when no term reaches it.

The best term is the head of the label (a single word becomes the phrase it mostly occurs in:
"extraction" -> "relation extraction"); a second, non-overlapping term is joined with " & " when
the head is a single word or covers less than :data:`SOLO_COVERAGE` of the topic (the second term is
the one that adds most to the covered papers, times its own distinctiveness). "&" is not a word:
a label has 2-5 words and no stop word. Words found in more than :data:`GENERIC_SHARE` of the
corpus's documents never make a label alone ("agents" in an agents corpus). Labels are shown in
title case, keeping the corpus's own spelling of acronyms ("RL", "GUI").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

TOKEN = re.compile(r"[a-z][a-z0-9]*(?:[-'][a-z0-9]+)*")
GENERIC_SHARE = 0.35
MAX_LABEL_WORDS = 5
MIN_COVERAGE = 0.25
SOLO_COVERAGE = 0.5
PRIOR = 0.5
SEPARATOR = " & "
MIN_PHRASE_COVERAGE = 0.15
PHRASE_BONUS = 1.5
# Single words that only modify (adjectives, adverbs, participles): never a label's head alone
# ("Strategic", "Automated"), while phrases keep them ("strategic planning").
_MODIFIER = re.compile(r"(?:ed|ly|ive|ic|ical|al|ous|ful|able|ible|less|ary)$")
# Nouns with those endings (the suffix test alone would drop "retrieval" or "information retrieval").
_NOT_MODIFIER = frozenset(
    " ".join([
        "retrieval proposal signal journal tutorial approval rival arrival removal renewal survival",
        "interval manual speed seed need feed embed bed family anomaly assembly supply reply ally",
        "logic topic music graphic arithmetic rhetoric objective alternative incentive directive",
        "detective narrative summary library dictionary vocabulary glossary boundary adversary",
        "commentary inventory",
    ]).split()
)


def is_modifier(term: str) -> bool:
    """A term that ends in a modifier rather than a subject: a lone "automated" or "social", or a
    phrase such as "risks associated" (while "social simulation" is a subject)."""
    last = term.split()[-1].split("-")[-1]  # "pre-trained" ends in "trained", "multi-agent" not
    return bool(_MODIFIER.search(last)) and last not in _NOT_MODIFIER


_CAMEL = re.compile(r"[a-z][A-Z]")


def is_name(term: str, forms: dict[str, str]) -> bool:
    """A term holding a word the corpus spells in CamelCase: a system's name ("AgentPoison",
    "WebShop"), which names one paper, not a topic. Acronyms ("RL", "GUI") are not names."""
    return any(_CAMEL.search(forms.get(word, "")) for word in term.split())


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
    """CountVectorizer analyzer: n-grams of consecutive non-stop-word tokens (picklable).

    Remembers the terms of up to :data:`MEMO_SIZE` texts: the stage analyses each paper several
    times (vocabulary, postings, c-TF-IDF); the memory is not pickled.
    """

    MEMO_SIZE = 50000

    def __init__(self, stops: frozenset[str], ngram_range: tuple[int, int] = (1, 3)) -> None:
        self.stops = stops
        self.ngram_range = ngram_range
        self._memo: dict[str, tuple[str, ...]] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"stops": self.stops, "ngram_range": self.ngram_range}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._memo = {}

    def __call__(self, text: str) -> list[str]:
        known = self._memo.get(text)
        if known is not None:
            return list(known)
        terms = self._analyse(text)
        if len(self._memo) < self.MEMO_SIZE:
            self._memo[text] = tuple(terms)
        return terms

    def _analyse(self, text: str) -> list[str]:
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


def term_documents(documents: Sequence[str], analyzer: PhraseAnalyzer,
                   vocabulary: Iterable[str]) -> dict[str, np.ndarray]:
    """Term -> sorted indices of the documents that contain it (terms of ``vocabulary`` only)."""
    wanted = set(vocabulary)
    found: dict[str, list[int]] = {}
    for index, document in enumerate(documents):
        for term in set(analyzer(document)):
            if term in wanted:
                found.setdefault(term, []).append(index)
    return {t: np.asarray(rows, dtype=int) for t, rows in sorted(found.items())}


def log_odds_z_array(df_in: np.ndarray, n_in: int, df_out: np.ndarray, n_out: int) -> np.ndarray:
    """z-scores of the log-odds ratio of terms' document frequencies in a group vs the rest,
    each count smoothed by :data:`PRIOR` (Monroe, Colaresi & Quinn 2008, eq. 16-22)."""
    if n_out <= 0:
        return np.zeros(len(df_in))
    a, b = df_in + PRIOR, n_in - df_in + PRIOR
    c, d = df_out + PRIOR, n_out - df_out + PRIOR
    return (np.log(a / b) - np.log(c / d)) / np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)


def log_odds_z(df_in: int, n_in: int, df_out: int, n_out: int) -> float:
    """:func:`log_odds_z_array` for one term."""
    return float(log_odds_z_array(np.array([df_in], dtype=float), n_in,
                                  np.array([df_out], dtype=float), n_out)[0])


class LabelScorer:
    """Scores terms for a group of papers against the rest of the corpus (module docstring)."""

    def __init__(self, postings: dict[str, np.ndarray], n_documents: int, generic: set[str],
                 display: dict[str, str] | None = None,
                 title_postings: dict[str, np.ndarray] | None = None) -> None:
        self.postings = postings
        self.n = n_documents
        self.generic = generic
        self.display = display or {}
        self.title_postings = title_postings
        from scipy.sparse import csr_matrix

        self._terms = list(postings)
        cols = [np.full(len(docs), j) for j, docs in enumerate(postings.values())]
        data_rows = [docs for docs in postings.values()]
        if cols:
            r, c = np.concatenate(data_rows), np.concatenate(cols)
        else:
            r = c = np.zeros(0, dtype=int)
        self._matrix = csr_matrix((np.ones(len(r)), (r, c)), shape=(n_documents, len(self._terms)))
        self._df = np.asarray(self._matrix.sum(axis=0)).ravel()
        self._scored: dict[bytes, tuple[tuple[str, float, float, frozenset[int]], ...]] = {}

    def scored(self, members: np.ndarray) -> tuple[tuple[str, float, float, frozenset[int]], ...]:
        """``(term, score, coverage, covered rows)`` for the group ``members`` (row indices),
        best first; ties by term. Remembered per group: a topic's label, keywords and its
        section's label, and the fit after curation, all ask for the same groups."""
        members = np.asarray(members, dtype=int)
        key = members.tobytes()
        if key not in self._scored:
            self._scored[key] = self._score(members)
        return self._scored[key]

    def _score(self, members: np.ndarray) -> tuple[tuple[str, float, float, frozenset[int]], ...]:
        n_in = len(set(members.tolist()))
        n_out = self.n - n_in
        group = self._matrix[members]
        df_in = np.asarray(group.sum(axis=0)).ravel()
        df_out = self._df - df_in
        keep = np.flatnonzero(df_in >= (1 if n_in <= 2 else 2))  # tiny groups: any of their terms
        distinct = log_odds_z_array(df_in[keep], n_in, df_out[keep], n_out)
        keep, distinct = keep[distinct > 0], distinct[distinct > 0]
        inside = group[:, keep].tocsc()  # which members hold each kept term
        rows = []
        for column, (index, z) in enumerate(zip(keep.tolist(), distinct.tolist(), strict=True)):
            coverage = float(df_in[index]) / n_in
            hits = members[inside.indices[inside.indptr[column]:inside.indptr[column + 1]]]
            rows.append((self._terms[index], coverage * z, coverage, frozenset(hits.tolist())))
        rows.sort(key=lambda r: (-round(r[1], 9), r[0]))
        return tuple(rows)

    def terms(self, members: np.ndarray) -> list[tuple[str, float, float, frozenset[int]]]:
        """Label candidates, best first: scored terms that are not generic words alone, nor a lone
        modifier (:func:`is_modifier`), nor hold a system's name (:func:`is_name`), their score
        raised by their share of the group's titles (a title says what a paper is about) and, for
        phrases, by :data:`PHRASE_BONUS`; terms of
        coverage >= :data:`MIN_COVERAGE` (phrases: :data:`MIN_PHRASE_COVERAGE`) come first."""
        rows = [r for r in self.scored(members)
                if not set(r[0].split()) <= self.generic and not is_modifier(r[0])
                and not is_name(r[0], self.display)]
        inside = np.zeros(self.n, dtype=bool)
        inside[np.asarray(members, dtype=int)] = True
        empty = np.zeros(0, dtype=int)
        size = max(int(inside.sum()), 1)
        titled, untitled = [], []
        for term, score, coverage, covered in rows:
            title_share = 0.0
            if self.title_postings is not None:
                title_share = int(inside[self.title_postings.get(term, empty)].sum()) / size
            bonus = (1.0 + title_share) * (PHRASE_BONUS if " " in term else 1.0)
            (titled if title_share > 0 else untitled).append((term, score * bonus, coverage, covered))

        def floor(term: str) -> float:
            return MIN_PHRASE_COVERAGE if " " in term else MIN_COVERAGE

        ordered = []
        for group in (titled, untitled):  # terms in the group's titles first
            group.sort(key=lambda r: (-round(r[1], 9), r[0]))
            ordered += [r for r in group if r[2] >= floor(r[0])]
            ordered += [r for r in group if r[2] < floor(r[0])]
        return ordered

    def keywords(self, members: np.ndarray, n: int) -> list[str]:
        """The group's ``n`` keywords: its best-scored terms (coverage x distinctiveness, so
        words its papers share, which also makes them coherent), without corpus-generic words
        and without a word already inside a better-ranked phrase (:func:`keywords`)."""
        rows = [(t, s) for t, s, *_ in self.scored(members) if not set(t.split()) <= self.generic]
        return keywords(rows, n)

    def label(self, members: np.ndarray, taken: set[str] | None = None) -> str:
        """The display label of the group (see :func:`compose_label`)."""
        return self.show(compose_label(self.terms(members), len(members), taken or set(),
                                       self.show))

    def show(self, terms: str) -> str:
        return display_label(terms, self.display)


def compose_label(candidates: Sequence[tuple[str, float, float, frozenset[int]]], size: int,
                  taken: set[str], show: Any = None) -> str:
    """Head term, plus a second term after " & " when the head alone says too little.

    ``taken``: display labels already used (a label is not repeated while another option exists).
    """
    show = show or (lambda s: s)
    options: list[str] = []
    for head, _, coverage, rows in candidates[:10]:
        head, coverage, rows = _expand(head, coverage, rows, candidates)
        solo = " " in head and coverage >= SOLO_COVERAGE
        if solo:
            options.append(head)
            continue
        partner = _partner(head, rows, candidates, size)
        joined = _as_phrase(head, partner, candidates)
        options.append(joined or (f"{head}{SEPARATOR}{partner}" if partner else head))
    options = [o for o in options if 2 <= label_word_count(o) <= MAX_LABEL_WORDS]
    if not options:
        words = [t for t, *_ in candidates if " " not in t]
        options = [SEPARATOR.join(words[:2])] if len(words) >= 2 else ["miscellaneous papers"]
    for option in options:
        if show(option) not in taken:
            return option
    return options[0]


def _expand(term: str, coverage: float, rows: frozenset[int],
            candidates: Sequence[tuple[str, float, float, frozenset[int]]]
            ) -> tuple[str, float, frozenset[int]]:
    """A single word inside a phrase that is nearly as common becomes that phrase
    ("extraction" -> "relation extraction"): the best-scored candidate phrase holding the word
    with at least half its coverage and :data:`MIN_COVERAGE`."""
    if " " in term:
        return term, coverage, rows
    floor = max(MIN_PHRASE_COVERAGE, 0.5 * coverage)
    for phrase, _, phrase_coverage, phrase_rows in candidates:
        if " " in phrase and term in phrase.split() and phrase_coverage >= floor:
            return phrase, phrase_coverage, phrase_rows
    return term, coverage, rows


def _as_phrase(head: str, partner: str | None,
               candidates: Sequence[tuple[str, float, float, frozenset[int]]]) -> str | None:
    """``"text"`` and ``"generation"`` make ``"text generation"`` when the corpus has that phrase."""
    if not partner:
        return None
    known = {term for term, *_ in candidates}
    for phrase in (f"{head} {partner}", f"{partner} {head}"):
        if phrase in known and not is_modifier(phrase):
            return phrase
    return None


def _partner(head: str, head_rows: frozenset[int], candidates: Sequence[tuple[str, float, float,
             frozenset[int]]], size: int) -> str | None:
    """The best-ranked term after ``head`` that shares no word stem with it and covers papers the
    head does not (candidates come ranked: title terms first, then by score)."""
    stems = _stems(head)
    for term, _, coverage, rows in candidates[:30]:
        term, _, rows = _expand(term, coverage, rows, candidates)
        if term == head or _stems(term) & stems:
            continue
        if len(head.split()) + len(term.split()) > MAX_LABEL_WORDS or not rows - head_rows:
            continue
        return term
    return None


def label_word_count(label: str) -> int:
    """Words of a label; the separator "&" is not a word."""
    return sum(1 for w in label.split() if w != SEPARATOR.strip())


def surface_forms(documents: Iterable[str]) -> dict[str, str]:
    """Lower-case token -> its most frequent spelling in the corpus, when that spelling has
    capitals after the first letter (acronyms and names: "RL", "GUI", "WebShop")."""
    counts: dict[str, dict[str, int]] = {}
    for document in documents:
        for token in re.findall(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*", document):
            forms = counts.setdefault(token.lower(), {})
            forms[token] = forms.get(token, 0) + 1
    shown = {}
    for low, forms in counts.items():
        form = max(sorted(forms), key=lambda f: forms[f])
        if any(ch.isupper() for ch in form[1:]) and form.lower() == low:
            shown[low] = form
    return shown


def display_label(label: str, forms: dict[str, str] | None = None) -> str:
    """Title case (each word and hyphen part capitalised), acronyms as the corpus spells them."""
    forms = forms or {}
    words = []
    for word in label.split():
        if word in forms:
            words.append(forms[word])
        else:
            words.append("-".join(p[:1].upper() + p[1:] for p in word.split("-")))
    return " ".join(words)


