"""Topic labels a person would put in a table of contents, and the vocabulary they come from.

Terms are real phrases: n-grams (1-3 words) of consecutive tokens none of which is an English or a
domain stop word, so no term spans a removed word. The vocabulary keeps the terms found in at least
two documents (counted over documents, before BERTopic's c-TF-IDF joins each topic into one
document, where ``min_df`` would count topics: BERTopic issue #2402). Forms of one term ("web
agent", "web agents") are counted as one (:func:`fold_postings`).

A topic's label is ONE noun phrase (:class:`LabelScorer`), chosen among candidate phrases of the
papers' candidate texts (title + abstract by default; any per-paper text, e.g. title + contribution
sentences, can be passed). Candidates are 2-3 word phrases whose last word is not a modifier, that
neither start nor end with a word the corpus uses as a verb ("answer questions"), that are not cut
before the word that nearly always follows them ("neural machine"), not generic (in more than
:data:`GENERIC_SHARE` of the corpus) and not a system's name. Each is scored by

* coverage ``c = df_topic(term) / n_topic``: the share of the topic's papers that use it;
* distinctiveness: the log-odds z of its document frequency inside the topic against the rest of
  the corpus, add-½ prior (Monroe et al. 2008), saturated at :data:`Z_SATURATE` (a clearly
  distinctive phrase is not beaten by a rarer, more distinctive one);
* its share of the topic's titles (``1 + share``: a title says what a paper is about);
* closeness: the cosine of the phrase's embedding (same model as the papers) to the topic's mean
  embedding, less :data:`CONTRAST` times its cosine to the corpus's mean embedding (a phrase near
  the whole field is not near one topic), computed for the :data:`PRESELECT` best candidates.

"A and B" only when the best phrase covers less than :data:`JOIN_BELOW` of the topic and a second
phrase with no shared word stem, used by at least :data:`MIN_PART_PAPERS` papers, adds papers, and
only when one phrase cannot cover the topic: no phrase ranked above B covers as many papers as the
pair, and A adds papers to B as B adds to A (else the one phrase is the label). In a corpus with a
field noun ("agent"), a hyphenated word naming a kind of the field ("multi-agent") is scored with
the coverage of all its uses and shown as the corpus's most used phrase for it ("Multi-agent
systems"), since the phrases it begins split its papers.
Keywords are the best coverage x distinctiveness terms without modifiers and verbs, re-ranked by
closeness to the topic's centre (``keywords(topical=True)``, KeyBERT-style; ``diverse=True``:
MMR). A
section's label is the phrase its topics share, near each of them and pointing to this section
rather than another (:meth:`LabelScorer.section_label`). No label ends in a shell noun
(:data:`SHELL_NOUNS`: "performance", "method", "problem"). Labels are in
sentence case, keeping the corpus's spelling of acronyms ("LLM", "GUI").
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np

TOKEN = re.compile(r"[a-z][a-z0-9]*(?:[-'][a-z0-9]+)*")
_TOKEN_OR_BREAK = re.compile(r"[a-z][a-z0-9]*(?:[-'][a-z0-9]+)*|[.,;:!?()\[\]{}\"]")  # + punctuation
GENERIC_SHARE = 0.35
PHRASE_GENERIC_SHARE = 0.15  # a phrase in more of the corpus's papers names no part of it
PHRASE_GENERIC_MIN = 10  # ... and in more than this many papers (a share needs a corpus)
MAX_LABEL_WORDS = 5
SINGLE_USE_GROUP = 20  # a topic up to this size may be named by a phrase of one of its papers
PRIOR = 0.5
OTHER_PAPERS = "Other papers"  # the label of a group with no term of its own
SEPARATOR = " & "  # older labels; new ones join two phrases with JOIN
JOIN = " and "
Z_SATURATE = 2.0  # log-odds z above ~2 (5 % level): distinct enough
PRESELECT = 40  # candidates whose closeness to the centre is computed
JOIN_BELOW = 0.15  # "A and B" only when the best phrase covers less of the topic
MIN_PART_PAPERS = 2
MIN_PART_SHARE = 0.1
JOIN_GAIN = 0.5  # the second phrase adds at least half as many papers as the first covers
JOIN_IDENTIFY = 0.5  # ... and points to the topic at least half as surely as the first does
PARTNERS = 15
FRAGMENT_SHARE = 0.8
CONTRAST = 0.5  # weight of the closeness to the corpus's centre, subtracted
IDENTIFY_TEMPERATURE = 0.05  # softmax temperature over cosines to the topics' centres
NEAR_FLOOR = 1e-6  # a phrase near no paper of one topic still ranks (its product is not 0)
MMR_DIVERSITY = 0.3
MMR_POOL = 3
SPELLING_SAMPLE = 20000  # spellings and verb uses are read from at most this many documents
FIELD_SHARE = 0.5  # a word in at least this share of the titles is the corpus's field ("agent")
COMPOUND_MARGIN = 1.0  # a composed "<field> <noun>" label must beat the best phrase by this factor
# (was 1.5, which kept "Reinforcement learning" on 24 papers of which 5 use it over "Agent
# actions", 13 of 24; "Agent reinforcement" is barred as a fragment, :meth:`LabelScorer.is_fragment`)
COMPOUND_COVERAGE = 0.5  # ... and its noun be in at least half of the topic's papers
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
        "million millions billion billions thousand thousands hundred hundreds dozen dozens",
        "like unlike versus",
    ]).split()
)
# Stop words that are nouns: never a term alone, but a label phrase may hold them ("multi-agent
# systems", "LLM agents", "data augmentation"); a phrase made only of them ("language models") not.
PHRASE_NOUNS = frozenset(
    " ".join([
        "language languages model models llm llms lm lms framework frameworks system systems data",
        "dataset datasets analysis evaluation evaluations benchmark benchmarks task tasks",
        "performance method methods approach approaches problem problems code",
    ]).split()
)
# A stop word that opens a field's name with the phrase nouns after it: "large language models" is
# a subject ("LLM" is its acronym), "large improvement" is not. Label phrases (the analyzer with
# ``inner`` words) keep it there and only in the whole name, which is a candidate like any other
# phrase (not when most of the corpus uses it, e.g. a corpus of LLM agents).
COMPOUND_STARTS = {"large": "language"}


def _opens_compound(tokens: Sequence[str], index: int) -> bool:
    """Whether ``tokens[index]`` starts a compound's name (:data:`COMPOUND_STARTS`)."""
    follower = COMPOUND_STARTS.get(tokens[index])
    return follower is not None and index + 1 < len(tokens) and tokens[index + 1] == follower


# "benchmark", "evaluation", "dataset" and "framework" are stop words of the label vocabulary
# because nearly every paper has them; a phrase such as "web agent benchmark" still loses them.
# Phrase nouns that name no subject (shell nouns): never the last word of a label ("retrieval
# performance", "proposed method"); a label's head says what its papers are about. "Tasks" may
# head a broad section ("NLP tasks").
SHELL_NOUNS = frozenset(["performance", "method", "methods", "approach", "approaches", "problem", "problems"])


def stop_words(extra: Iterable[str] = ()) -> frozenset[str]:
    """scikit-learn's English stop words, the domain list above and ``extra``."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | DOMAIN_STOP_WORDS | {w.lower() for w in extra}


def _is_stop(token: str, stops: frozenset[str]) -> bool:
    if token in stops or len(token) < 2 or token.isdigit():
        return True
    if "-" not in token and "'" not in token:  # one part (most tokens): no split needed
        return False
    parts = re.split(r"[-']", token)
    return len(parts) > 1 and (parts[-1] in stops or all(p in stops for p in parts))


class PhraseAnalyzer:
    """CountVectorizer analyzer: n-grams of consecutive non-stop-word tokens (picklable).

    Remembers the terms of up to :data:`MEMO_SIZE` texts: the stage analyses each paper several
    times (vocabulary, postings, c-TF-IDF); the memory is not pickled.
    """

    MEMO_SIZE = 50000

    def __init__(self, stops: frozenset[str], ngram_range: tuple[int, int] = (1, 3),
                 inner: frozenset[str] = frozenset()) -> None:
        self.stops = stops
        self.ngram_range = ngram_range
        self.inner = inner  # stop words allowed inside phrases (:data:`PHRASE_NOUNS`)
        self._memo: dict[str, tuple[str, ...]] = {}
        self._kept: dict[str, bool] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"stops": self.stops, "ngram_range": self.ngram_range, "inner": self.inner}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._memo = {}
        self._kept = {}

    def __call__(self, text: str) -> list[str]:
        known = self._memo.get(text)
        if known is not None:
            return list(known)
        terms = self._analyse(text)
        if len(self._memo) < self.MEMO_SIZE:
            self._memo[text] = tuple(terms)
        return terms

    def _analyse(self, text: str) -> list[str]:
        terms: list[str] = []
        inner = getattr(self, "inner", frozenset())
        for run in self.runs(text):
            self._grams(run, terms, inner)
        return terms

    def runs(self, text: str) -> list[list[str]]:
        """The runs of consecutive phrase tokens of ``text`` (lower-cased): a stop word that is
        not ``inner``, or punctuation, ends a run."""
        runs: list[list[str]] = []
        run: list[str] = []
        kept = self._kept  # token -> part of a phrase (cached)
        inner = getattr(self, "inner", frozenset())
        tokens = _TOKEN_OR_BREAK.findall(text.lower())
        for index, token in enumerate(tokens):
            keep = kept.get(token)
            if keep is None:
                keep = kept[token] = (token[0].isalpha()
                                      and (token in inner or not _is_stop(token, self.stops)))
            if not keep and inner and _opens_compound(tokens, index):
                keep = True  # "large language models" (see COMPOUND_STARTS)
            if keep:
                run.append(token)
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
        return runs

    def _grams(self, run: list[str], terms: list[str], inner: frozenset[str]) -> None:
        """Append the n-grams of one run of phrase tokens, shortest first; none made only of
        ``inner`` words (a compound's start counts as one, but its whole name is kept: "large
        language models", not "large" nor "large language")."""
        low, high = self.ngram_range
        flags = [token in inner or token in COMPOUND_STARTS for token in run] if inner else None
        mixed = flags is not None and any(flags)
        # a compound's start is kept in a run only before its name goes on (see runs())
        compound = mixed and any(token in COMPOUND_STARTS for token in run)
        for size in range(low, high + 1):
            if size == 1 and not mixed:
                terms.extend(run)
            elif not mixed:
                terms.extend(" ".join(run[i:i + size]) for i in range(len(run) - size + 1))
            else:
                terms.extend(" ".join(run[i:i + size]) for i in range(len(run) - size + 1)
                             if not all(flags[i:i + size])
                             or (compound and size >= 3 and _opens_compound(run, i)))


def evenly(items: Sequence[Any], limit: int = SPELLING_SAMPLE) -> Sequence[Any]:
    """At most ``limit`` of ``items``, evenly spread (every k-th); all of them up to ``limit``.
    Corpus-wide usage statistics (spellings, verb uses) settle long before 100,000 abstracts."""
    if len(items) <= limit:
        return items
    return items[::math.ceil(len(items) / limit)]


def continued_phrases(documents: Iterable[str], analyzer: PhraseAnalyzer,
                      share: float = FRAGMENT_SHARE,
                      vocabulary: Iterable[str] | None = None) -> frozenset[str]:
    """Phrases (folded, :func:`fold_term`) that lack their head: in at least ``share`` of their
    (>= 2) occurrences the run of phrase words goes on after them ("pretrained language
    [models]", "neural machine [translation]", "real-world agent [failures]"). Runs stop at
    punctuation. A phrase noun after a complete phrase does not count ("deep learning
    [models]"), unless the phrase itself ends in one ("pretrained language [models]").
    ``vocabulary``: only these terms are counted (any form; e.g. the scorer's phrases)."""
    inner = analyzer.inner
    wanted = None if vocabulary is None else {fold_term(t) for t in vocabulary if " " in t}
    total: dict[str, int] = {}
    going: dict[str, int] = {}
    low, high = max(2, analyzer.ngram_range[0]), analyzer.ngram_range[1]
    folded: dict[str, str] = {}  # token -> its folded form
    for document in documents:
        for run in analyzer.runs(document):
            forms = [folded.get(t) or folded.setdefault(t, fold_word(t)) for t in run]
            for size in range(low, min(high, len(run)) + 1):
                for i in range(len(run) - size + 1):
                    gram = " ".join(forms[i:i + size])
                    if wanted is not None and gram not in wanted:
                        continue
                    total[gram] = total.get(gram, 0) + 1
                    end = i + size
                    if end < len(run) and (run[end] not in inner or run[end - 1] in inner):
                        going[gram] = going.get(gram, 0) + 1
    return frozenset(g for g, n in going.items() if total[g] >= 2 and n >= share * total[g])


def document_vocabulary(documents: Sequence[str], analyzer: PhraseAnalyzer,
                        min_df: int = 2) -> tuple[list[str], dict[str, int]]:
    """Terms found in at least ``min_df`` documents (1 for tiny corpora), sorted; and their df."""
    terms = vocabulary_postings(documents, analyzer, min_df)
    return terms.vocabulary, terms.doc_freq


class CorpusTerms(NamedTuple):
    """The terms of a corpus's documents under one analyzer (:func:`vocabulary_postings`)."""

    vocabulary: list[str]  # terms in at least ``min_df`` documents, sorted
    doc_freq: dict[str, int]
    postings: dict[str, np.ndarray]  # term -> sorted rows of the documents holding it


def _corpus_terms(found: dict[str, list[int]], n_documents: int, min_df: int = 2,
                  forms: bool = False) -> CorpusTerms:
    """Term -> the rows holding it, kept for the terms in at least ``min_df`` documents (1 for
    tiny corpora; every term when none is that frequent). ``forms``: the forms of one term
    (:func:`fold_term`) count together ("math word problem" in one title and "math word
    problems" in another are one term in two papers)."""
    floor = min_df if n_documents >= 10 else 1
    if forms and floor > 1:
        kept = {t for t, rows in found.items() if len(rows) >= floor}
        for term, rows in found.items():
            # a rare form with a word that folds ("problems") and its folded form in the corpus
            if len(rows) < floor and "s " in term + " ":
                other = fold_term(term)
                if other != term and other in found and len(set(rows) | set(found[other])) >= floor:
                    kept.update((term, other))
        vocabulary = sorted(kept) or sorted(found)
    else:
        vocabulary = sorted(t for t, rows in found.items() if len(rows) >= floor) or sorted(found)
    return CorpusTerms(vocabulary, {t: len(found[t]) for t in vocabulary},
                       {t: np.asarray(found[t], dtype=int) for t in vocabulary})


def vocabulary_postings(documents: Sequence[str], analyzer: PhraseAnalyzer, min_df: int = 2,
                        forms: bool = False) -> CorpusTerms:
    """:func:`document_vocabulary` and :func:`term_documents` of that vocabulary, in one pass
    over the documents (each analysed once); ``forms``: see :func:`_corpus_terms`."""
    found: dict[str, list[int]] = {}
    for index, document in enumerate(documents):
        for term in set(analyzer(document)):
            found.setdefault(term, []).append(index)
    return _corpus_terms(found, len(documents), min_df, forms)


def paired_terms(documents: Sequence[str], analyzer: PhraseAnalyzer
                 ) -> tuple[CorpusTerms, CorpusTerms, Any]:
    """:func:`vocabulary_postings` under ``analyzer`` and under its phrase-noun twin (``inner =``
    :data:`PHRASE_NOUNS`: what the label scorer reads, forms of a term counted together), from one
    analysis of each document; and the document-term count matrix (CSR, ``analyzer``'s
    vocabulary as columns: c-TF-IDF's input).

    The twin's terms are the runs of tokens that are not stop words or are phrase nouns; the plain
    analyzer's terms are exactly those of them without a phrase noun that is a stop word."""
    from collections import Counter

    from scipy.sparse import csc_matrix

    twin = PhraseAnalyzer(analyzer.stops, analyzer.ngram_range, inner=PHRASE_NOUNS)
    blocked = frozenset(w for w in PHRASE_NOUNS if _is_stop(w, analyzer.stops))
    if blocked != PHRASE_NOUNS or analyzer.inner:  # a phrase noun is a plain word: no shortcut
        plain = vocabulary_postings(documents, analyzer)
        return (plain, vocabulary_postings(documents, twin, forms=True),
                _count_matrix(documents, analyzer, plain.vocabulary))
    both: dict[str, list[int]] = {}
    counts: dict[str, list[int]] = {}  # plain term -> its count in each document of both[term]
    is_plain: dict[str, bool] = {}
    for index, document in enumerate(documents):
        for term, count in Counter(twin._analyse(document)).items():
            both.setdefault(term, []).append(index)
            plain = is_plain.get(term)
            if plain is None:
                plain = is_plain[term] = blocked.isdisjoint(term.split())
            if plain:
                counts.setdefault(term, []).append(count)
    plain = _corpus_terms({t: both[t] for t in counts}, len(documents))
    vocabulary = plain.vocabulary
    sizes = np.fromiter((len(counts[t]) for t in vocabulary), dtype=np.int64, count=len(vocabulary))
    indptr = np.concatenate([[0], np.cumsum(sizes)])
    rows = np.fromiter((i for t in vocabulary for i in both[t]), dtype=np.int32, count=int(indptr[-1]))
    data = np.fromiter((c for t in vocabulary for c in counts[t]), dtype=np.int64, count=int(indptr[-1]))
    matrix = csc_matrix((data, rows, indptr), shape=(len(documents), len(vocabulary))).tocsr()
    return plain, _corpus_terms(both, len(documents), forms=True), matrix


def _count_matrix(documents: Sequence[str], analyzer: PhraseAnalyzer, vocabulary: list[str]) -> Any:
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(analyzer=analyzer, vocabulary=vocabulary).fit_transform(documents)


def generic_words(doc_freq: dict[str, int], n_documents: int) -> set[str]:
    """Single words in more than :data:`GENERIC_SHARE` of the documents (too common to name a group
    alone: "agents" in an agents corpus)."""
    return {t for t, df in doc_freq.items() if " " not in t and df > GENERIC_SHARE * n_documents}


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


# --- candidate phrases ---------------------------------------------------------------------------

# Words that, right before a token, mark it as a verb ("to answer", "we generate", "can detect").
VERB_CUES = frozenset({"to", "we", "can", "could", "will", "would", "may", "might", "must", "should",
                       "cannot", "also"})
VERB_SHARE = 0.25


DETERMINERS = frozenset({"the", "a", "an", "these", "those", "this", "their", "its", "our",
                         "such", "all", "many", "some", "each", "every", "no"})


def verb_like_words(texts: Iterable[str], cues: frozenset[str] = VERB_CUES,
                    share: float = VERB_SHARE) -> frozenset[str]:
    """Tokens used as verbs in ``texts``: at least ``share`` of their (>= 2) occurrences follow
    a verb cue ("to answer questions", "we generate"), and the third-person forms of those verbs
    that never follow a determiner ("prompt tuning learns", not "the tests"). POS-free; a phrase
    that starts or ends in one ("answer questions", "models generate") is not a noun phrase."""
    after, total, determined = _token_contexts(texts, cues)
    verbs = {t for t, n in after.items() if n >= 2 and n >= share * total[t]}
    third = {t for t in total if t not in determined and _third_person_of(t, verbs)}
    return frozenset(verbs | third)


def never_nouns(texts: Iterable[str]) -> frozenset[str]:
    """Words that follow "we" and never a determiner: verbs however rare ("we argue" once, "then
    argue"), which no label may use as a noun ("Agent argue"). Not a verb test for phrases: a
    noun may follow "we" in a corpus that never writes "the prompt"."""
    after, _, determined = _token_contexts(texts, frozenset({"we"}))
    return frozenset(after) - determined


def _token_contexts(texts: Iterable[str], cues: frozenset[str]
                    ) -> tuple[dict[str, int], dict[str, int], set[str]]:
    """Per token: how often it follows one of ``cues``, how often it occurs, and whether it ever
    follows a determiner."""
    after: dict[str, int] = {}
    total: dict[str, int] = {}
    determined: set[str] = set()
    for text in texts:
        previous = ""
        for token in TOKEN.findall(text.lower()):
            total[token] = total.get(token, 0) + 1
            if previous in cues:
                after[token] = after.get(token, 0) + 1
            elif previous in DETERMINERS:
                determined.add(token)
            previous = token
    return after, total, determined


def _third_person_of(token: str, verbs: set[str]) -> bool:
    """Whether ``token`` is "<verb>s" or "<verb>es" of one of ``verbs`` ("learns", "focuses")."""
    if not token.endswith("s") or token.endswith("ss"):
        return False
    return token[:-1] in verbs or (token.endswith("es") and token[:-2] in verbs)


def fold_word(word: str) -> str:
    """Singular of a plural word for grouping forms ("agents" -> "agent", "studies" -> "study")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ics")):
        return word[:-1]
    return word


def fold_term(term: str) -> str:
    """A term with each word folded (:func:`fold_word`): one key for "web agent(s)"."""
    return " ".join(fold_word(w) for w in term.split())


def fold_postings(postings: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Postings of the forms of one term merged under its most common form (ties: shorter, then
    alphabetical); and form -> that shown form."""
    groups: dict[str, list[str]] = {}
    for term in postings:
        groups.setdefault(fold_term(term), []).append(term)
    merged: dict[str, np.ndarray] = {}
    shown: dict[str, str] = {}
    for forms in groups.values():
        best = min(forms, key=lambda t: (-len(postings[t]), len(t), t))
        merged[best] = np.unique(np.concatenate([postings[t] for t in forms]))
        for form in forms:
            shown[form] = best
    return dict(sorted(merged.items())), shown


_WORD_PREFIXES = frozenset(["multi", "inter", "intra", "trans", "cross", "super", "under", "hyper",
                            "micro", "macro"])


def _stem(word: str) -> str:
    """Crude stem for overlap tests: ``agents``/``agentic``/``agent`` -> ``agent``; the doer and
    the doing of one verb alike (``parser``/``parsing`` -> ``pars``, ``planner``/``planning`` ->
    ``plan``): the root of :func:`word_root` without an agent-noun ending, cut at 5 letters, or
    at 8 after a prefix (``multimodal``/``multimodality`` -> ``multimod``, not ``multi``)."""
    root = _without_suffix(word_root(word), ("ers", "er"))
    if root[:5] in _WORD_PREFIXES:  # "multimodal" is not "multi-agent", nor "translation" "transformer"
        return root[:8]
    return root[:5]


_SUFFIXES = ("ions", "ion", "ings", "ing", "ed", "es", "e")


def word_root(word: str) -> str:
    """One key for the inflected and -ion forms of a word ("simulate", "simulation", "simulated"
    -> "simulat"; "planning" -> "plan"), not for different words sharing a prefix ("transfer",
    "translation")."""
    return _without_suffix(fold_word(word.lower()), _SUFFIXES)


def _without_suffix(word: str, suffixes: Sequence[str]) -> str:
    """``word`` without the first of ``suffixes`` it ends with, when 4 letters stay, and without
    the doubled consonant a verb takes before -ing, -ed or -er ("planning", "planner" -> "plan")."""
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            if suffix.startswith(("ing", "ed", "er")) and len(word) > 4 and word[-1] == word[-2]:
                word = word[:-1]
            break
    return word


def term_root(term: str) -> str:
    """:func:`word_root` of each word: one key for "simulate" and "simulation"."""
    return " ".join(word_root(w) for w in term.split())


def _nominal(forms: Sequence[str]) -> str:
    """Of the forms of one term (best first), the noun of an action ("simulation", not
    "simulate") when there is one, else the first."""
    return next((f for f in forms if f.endswith(("ion", "ions", "ment", "ments"))), forms[0])


@functools.lru_cache(maxsize=1 << 18)
def _stems(term: str) -> frozenset[str]:
    return frozenset(_stem(fold_word(w.replace("-", ""))) for w in term.lower().split()
                     if w not in {"&", "and"})


def same_word_twice(label: str) -> bool:
    """Two forms of one word in a label ("Word and words", "agents & agentic")."""
    words = [w for w in label.lower().split() if w not in {"&", JOIN.strip()}]
    stems = [_stem(fold_word(w.replace("-", ""))) for w in words]
    return len(set(stems)) < len(stems)


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


def mmr(relevance: np.ndarray, vectors: np.ndarray, n: int, diversity: float = MMR_DIVERSITY
        ) -> list[int]:
    """Maximal marginal relevance (Carbonell & Goldstein 1998, as in KeyBERT): indices of ``n``
    items, each maximising ``(1 - diversity)·relevance - diversity·max cosine to those chosen``."""
    if len(relevance) == 0:
        return []
    unit = _unit(vectors)
    chosen = [int(np.argmax(relevance))]
    while len(chosen) < min(n, len(relevance)):
        redundancy = (unit @ unit[chosen].T).max(axis=1)
        value = (1 - diversity) * relevance - diversity * redundancy
        value[chosen] = -np.inf
        chosen.append(int(np.argmax(value)))
    return chosen


def _unit(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def _shared_count(n_members: int) -> int:
    """Papers of a group a keyword or section phrase must be in: 2 (1 in groups of one or two)."""
    return 1 if n_members <= 2 else 2


class Scored(NamedTuple):
    """A term scored for a group: ``score = coverage · z``; ``count``: the members holding it
    (which ones: :meth:`LabelScorer.holders`)."""

    term: str
    score: float
    coverage: float
    count: int
    z: float


class LabelScorer:
    """Scores terms for a group of papers against the rest of the corpus (module docstring).

    ``postings``: term -> rows of the papers whose candidate text holds it (forms of one term are
    merged: :func:`fold_postings`); ``generic``: words too common to name a group alone;
    ``forms``: corpus spellings (acronyms); ``title_postings``: the same for titles only;
    ``vectors``: the papers' embeddings (rows), whose mean is a group's centre;
    ``embed_phrases``: texts -> embeddings in the same space (e.g. ``surveykit.embed.embed_texts``);
    without it a phrase's vector is the mean of the papers that use it; ``verbs``: tokens used as
    verbs (:func:`verb_like_words`), never the first or last word of a label; ``field``: the
    corpus's own noun (:func:`field_word`), which composes labels with a topic's nouns;
    ``continued``: phrases that lack their head in the corpus (:func:`continued_phrases`), never
    a label.
    """

    def __init__(self, postings: dict[str, np.ndarray], n_documents: int, generic: set[str],
                 display: dict[str, str] | None = None,
                 title_postings: dict[str, np.ndarray] | None = None, *,
                 vectors: np.ndarray | None = None,
                 embed_phrases: Callable[[list[str]], np.ndarray] | None = None,
                 verbs: Iterable[str] = (), fold: bool = True, field: str | None = None,
                 continued: Iterable[str] = (), never_nouns: Iterable[str] = ()) -> None:
        from scipy.sparse import csr_matrix

        self.field = field
        self.never_nouns = frozenset(never_nouns)  # :func:`never_nouns`: no compound's noun
        self.continued = frozenset(continued)

        if fold:
            self.postings, self._shown = fold_postings(postings)
        else:
            self.postings, self._shown = dict(sorted(postings.items())), {t: t for t in postings}
        self.n = n_documents
        self.generic = generic
        # words that cannot name a group, folded: generic words ("agents" in an agents corpus),
        # folded words in more than GENERIC_SHARE of the papers, the nouns among the stop words
        self._plain = {fold_word(w) for w in generic} | {fold_word(w) for w in PHRASE_NOUNS} | {
            fold_term(t) for t, rows in self.postings.items()
            if " " not in t and len(rows) > max(GENERIC_SHARE * n_documents, PHRASE_GENERIC_MIN)}
        self.display = display or {}
        self.title_postings = None
        if title_postings is not None:
            merged: dict[str, list[np.ndarray]] = {}
            for term, rows in title_postings.items():
                merged.setdefault(self._shown.get(term, term), []).append(rows)
            self.title_postings = {t: np.unique(np.concatenate(r)) for t, r in merged.items()}
        self.vectors = None if vectors is None else _unit(vectors)
        self.embed_phrases = embed_phrases
        self.verbs = frozenset(verbs)
        # words that end a phrase of the corpus: nouns ("reinforcement learning"), unlike a
        # gerund that only starts one ("enhancing agents")
        self.heads = frozenset(t.split()[-1] for t in self.postings if " " in t)
        self._terms = list(self.postings)
        self._index = {t: j for j, t in enumerate(self._terms)}
        self._candidates: dict[str, bool] = {}  # term -> is_candidate (depends on the term only)
        # term -> the longer terms that extend it by one word on either side
        self._extensions: dict[str, list[int]] = {}
        for j, term in enumerate(self._terms):
            words = term.split()
            for part in (" ".join(words[1:]), " ".join(words[:-1])):
                if part in self._index:
                    self._extensions.setdefault(part, []).append(j)
        cols = [np.full(len(docs), j) for j, docs in enumerate(self.postings.values())]
        if cols:
            r, c = np.concatenate(list(self.postings.values())), np.concatenate(cols)
        else:
            r = c = np.zeros(0, dtype=int)
        self._matrix = csr_matrix((np.ones(len(r)), (r, c)), shape=(n_documents, len(self._terms)))
        self._df = np.asarray(self._matrix.sum(axis=0)).ravel()
        self._scored: dict[bytes, tuple[Scored, ...]] = {}
        self._ranked: dict[tuple[bytes, ...], tuple[Scored, ...]] = {}  # (members, *rivals) -> terms
        self._group_df: dict[bytes, np.ndarray] = {}
        self._phrase_vectors: dict[str, np.ndarray] = {}
        self._composed: dict[str, str] = {}  # "<field> <noun>" label -> its noun (:meth:`_compound`)
        self._corpus_centre: np.ndarray | None = None

    # --- scores ------------------------------------------------------------------------------

    def scored(self, members: np.ndarray) -> tuple[Scored, ...]:
        """Distinctive terms (z > 0) of the group ``members`` (row indices) in two of its papers
        (one in groups up to :data:`SINGLE_USE_GROUP` papers), best ``score`` first; ties by
        term. Remembered per group."""
        members = np.asarray(members, dtype=int)
        key = members.tobytes()
        if key not in self._scored:
            self._scored[key] = self._score(members, key)
        return self._scored[key]

    def _score(self, members: np.ndarray, key: bytes) -> tuple[Scored, ...]:
        n_in = len(set(members.tolist()))
        group = self._matrix[members]
        df_in = np.asarray(group.sum(axis=0)).ravel()
        # small groups: phrases of one paper too (a central paper's phrase may name the group)
        keep = np.flatnonzero(df_in >= (1 if n_in <= SINGLE_USE_GROUP else 2))
        distinct = log_odds_z_array(df_in[keep], n_in, self._df[keep] - df_in[keep], self.n - n_in)
        if self.n - n_in <= 0:  # the whole corpus: nothing to be distinct from
            distinct = np.full(len(keep), Z_SATURATE)
        keep, distinct = keep[distinct > 0], distinct[distinct > 0]
        self._group_df[key] = df_in
        rows = []
        for index, z in zip(keep.tolist(), distinct.tolist(), strict=True):
            count = int(df_in[index])
            coverage = count / n_in
            rows.append(Scored(self._terms[index], coverage * z, coverage, count, z))
        rows.sort(key=lambda r: (-round(r.score, 9), r.term))
        return tuple(rows)

    def distinctiveness(self, row: Scored, members: np.ndarray) -> float:
        """How much a term belongs to the group, in [0, 1]: its log-odds z saturated at
        :data:`Z_SATURATE` (significance) times ``1 - p_out / p_in`` (effect size: a phrase as
        common outside the group as inside scores 0, whatever the group's size)."""
        n_in = len(members)
        p_in = row.coverage
        df_out = float(len(self.postings[row.term])) - p_in * n_in
        p_out = df_out / (self.n - n_in) if self.n > n_in else 0.0
        lift = max(0.0, 1.0 - p_out / p_in) if p_in > 0 else 0.0
        return min(1.0, row.z / Z_SATURATE) * lift

    def is_fragment(self, term: str, df: np.ndarray | None) -> bool:
        """A phrase that lacks its head in the corpus (``continued``: "pretrained language
        [models]"), or one nearly always extended by the same word in the group ("neural
        machine" -> "neural machine translation", "language processing" -> "natural language
        processing"): a longer term holds at least :data:`FRAGMENT_SHARE` of its uses. ``df``:
        the group's document frequencies (kept by :meth:`scored`)."""
        if fold_term(term) in self.continued:
            return True
        own = self._index.get(term)
        if df is None or own is None or df[own] <= 0:
            return False
        longer = self._extensions.get(term, [])
        return bool(longer) and float(df[longer].max()) >= FRAGMENT_SHARE * float(df[own])

    def centre(self, members: np.ndarray) -> np.ndarray | None:
        """The group's mean embedding (unit length), or None without paper vectors."""
        if self.vectors is None:
            return None
        return _unit(self.vectors[np.asarray(members, dtype=int)].mean(axis=0))

    def phrase_vectors(self, terms: Sequence[str]) -> np.ndarray | None:
        """Unit vectors of ``terms``: embedded by ``embed_phrases`` (remembered), else the centre
        of the papers that use each term; None without paper vectors and embedder."""
        if self.vectors is None and self.embed_phrases is None:
            return None
        missing = sorted({t for t in terms if t not in self._phrase_vectors})
        if missing:
            if self.embed_phrases is not None:
                found = _unit(np.asarray(self.embed_phrases(missing), dtype=np.float64))
            else:
                found = np.stack([_unit(self.vectors[self.postings[t]].mean(axis=0))  # type: ignore[index]
                                  for t in missing])
            self._phrase_vectors.update(zip(missing, found, strict=True))
        if not terms:
            return np.zeros((0, 1))
        return np.stack([self._phrase_vectors[t] for t in terms])

    def closeness(self, terms: Sequence[str], members: np.ndarray) -> np.ndarray:
        """How near each term's vector is to the group's centre, compared with the corpus's:
        ``cos(term, group centre) - CONTRAST · cos(term, corpus centre)``, at least 0 (a phrase
        near every paper of the field, "natural language understanding" in an NLP corpus, is not
        near this group in particular); 1 when there are no vectors."""
        centre = self.centre(members)
        vectors = self.phrase_vectors(terms)
        if vectors is None or centre is None or not len(terms):
            return np.ones(len(terms))
        if self._corpus_centre is None:
            self._corpus_centre = self.centre(np.arange(self.n))
        near = vectors @ centre - CONTRAST * (vectors @ self._corpus_centre)
        return np.clip(near, 0.0, None)

    def title_share(self, term: str, members: np.ndarray) -> float:
        if self.title_postings is None:
            return 0.0
        rows = self.title_postings.get(term)
        if rows is None:
            return 0.0
        return len(np.intersect1d(rows, members)) / max(len(members), 1)

    # --- candidates --------------------------------------------------------------------------

    def is_candidate(self, term: str) -> bool:
        """A label candidate: a 2-3 word noun phrase (:func:`is_noun_phrase`), not made of generic
        words, not used by more than :data:`GENERIC_SHARE` of the corpus, no system name."""
        known = self._candidates.get(term)
        if known is None:
            known = self._candidates[term] = self._is_candidate(term)
        return known

    def _is_candidate(self, term: str) -> bool:
        words = term.split()
        if words[0].endswith("ing") and words[0] not in self.heads:
            return False
        if words[-1] in SHELL_NOUNS:
            return False  # "retrieval performance", "proposed method": no subject named
        if len(words) >= 2 and self.display.get(words[-1], "")[:2].isupper():
            return False  # "language processing NLP": a phrase and its acronym
        return (len(words) >= 2 and not set(fold_term(term).split()) <= self._plain
                and len(self.postings.get(term, ())) <= max(PHRASE_GENERIC_SHARE * self.n,
                                                            PHRASE_GENERIC_MIN)
                and is_noun_phrase(term, self.verbs) and not is_name(term, self.display))

    def identifies(self, terms: Sequence[str], members: np.ndarray,
                   rivals: Sequence[np.ndarray]) -> np.ndarray:
        """How surely each term points to this group rather than to one of ``rivals`` (the other
        groups' rows): the softmax share of this group's centre among all centres, over the
        cosines to the term's vector at :data:`IDENTIFY_TEMPERATURE`. A phrase every topic of the
        field is near ("NLP tasks") scores about 1/(groups); one near only this topic about 1.
        1 without vectors or rivals."""
        vectors = self.phrase_vectors(terms)
        centre = self.centre(members)
        if vectors is None or centre is None or not len(rivals) or not len(terms):
            return np.ones(len(terms))
        centres = np.stack([centre, *(self.centre(np.asarray(r, dtype=int)) for r in rivals)])
        logits = (vectors @ centres.T) / IDENTIFY_TEMPERATURE
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        return weights[:, 0] / weights.sum(axis=1)

    def terms(self, members: np.ndarray, rivals: Sequence[np.ndarray] = ()) -> list[Scored]:
        """Label candidates of the group, best first (see :meth:`label`): noun phrases ranked by
        coverage · saturated distinctiveness · (1 + title share) · closeness to the centre
        · how surely the phrase points to this group among ``rivals`` (:meth:`identifies`);
        a phrase nearly always followed by the same word ("neural machine") is left out. In a
        small group a phrase of one paper competes too ("adversarial examples" for six papers
        on attacks, where the only phrase of two of them is "neural models")."""
        members = np.asarray(members, dtype=int)
        key = (members.tobytes(), *(np.asarray(r, dtype=int).tobytes() for r in rivals))
        if key not in self._ranked:  # the naming order and the label ask for the same ranking
            self._ranked[key] = tuple(self._rank_terms(members, rivals))
        return list(self._ranked[key])

    def _rank_terms(self, members: np.ndarray, rivals: Sequence[np.ndarray]) -> list[Scored]:
        scored = self.scored(members)
        df = self._group_df.get(members.tobytes())
        rows = [r for r in scored if self.is_candidate(r.term) and not self.is_fragment(r.term, df)]
        prior = [r.coverage * self.distinctiveness(r, members)
                 * (1 + self.title_share(r.term, members)) for r in rows]
        order = sorted(range(len(rows)), key=lambda i: (-round(prior[i], 9), rows[i].term))
        top = [rows[i] for i in order[:PRESELECT]]
        near = self.closeness([r.term for r in top], members)
        near = near * self.identifies([r.term for r in top], members, rivals)
        ranked = [Scored(r.term, prior[order[i]] * float(near[i]), r.coverage, r.count, r.z)
                  for i, r in enumerate(top)]
        ranked.sort(key=lambda r: (-round(r.score, 9), r.term))
        kind = self._kind(members, rivals)  # a phrase of the corpus: ranked as one
        if kind is not None:
            ranked = [r for r in ranked if r.term != kind.term] + [kind]
            ranked.sort(key=lambda r: (-round(r.score, 9), r.term))
        compound = self._compound(members, rivals)  # no phrase of the corpus: must be the best
        if compound is not None and (not ranked or compound.score > COMPOUND_MARGIN * ranked[0].score):
            ranked.insert(0, compound)
        return ranked

    def is_compound_noun(self, term: str) -> bool:
        """A single word that can follow the field's noun in a label ("safety" in "agent
        safety"): not generic, no modifier, verb, gerund or system name, no form of the field."""
        field = self.field
        return (field is not None and " " not in term and fold_word(term) not in self._plain
                and not is_modifier(term) and term not in self.verbs and term not in self.never_nouns
                and not term.endswith("ing")
                and not is_name(term, self.display)
                and not _stems(term.replace("-", " ")) & _stems(field))

    def _compound(self, members: np.ndarray, rivals: Sequence[np.ndarray]) -> Scored | None:
        """The best composed label "<field> <noun>" (:func:`field_word`) whose noun is in at
        least :data:`COMPOUND_COVERAGE` of the group's papers and in two (a heading names what
        most of them share) and is no fragment ("reinforcement" of "reinforcement learning"),
        scored as a phrase is (:meth:`terms`) with the noun's coverage, distinctiveness and title
        share and the composed phrase's closeness and identification; None without a field or
        vectors."""
        if self.field is None or self.embed_phrases is None:
            return None
        scored = self.scored(members)  # (keeps the group's document frequencies)
        df = self._group_df.get(np.asarray(members, dtype=int).tobytes())
        rows = [r for r in scored
                if r.coverage >= COMPOUND_COVERAGE and r.count >= MIN_PART_PAPERS
                and self.is_compound_noun(r.term) and not self.is_fragment(r.term, df)]
        if not rows:
            return None
        prior = [r.coverage * self.distinctiveness(r, members)
                 * (1 + self.title_share(r.term, members)) for r in rows]
        order = sorted(range(len(rows)), key=lambda i: (-round(prior[i], 9), rows[i].term))
        top = [rows[i] for i in order[:PRESELECT]]
        composed = [self._composed_phrase(r.term) for r in top]
        self._composed.update((term, r.term) for term, r in zip(composed, top, strict=True))
        near = self.closeness(composed, members) * self.identifies(composed, members, rivals)
        ranked = [Scored(term, prior[order[i]] * float(near[i]), r.coverage, r.count, r.z)
                  for i, (term, r) in enumerate(zip(composed, top, strict=True))]
        return min(ranked, key=lambda r: (-round(r.score, 9), r.term))

    def _composed_phrase(self, noun: str) -> str:
        """"<field> <noun>" ("agent safety"), or "<noun> <field>s" when the corpus writes it so
        and never the other way ("web agents", not "agent web")."""
        field = self.field or ""
        fields = (field, field if field.endswith("s") else field + "s")

        def uses(phrases: Iterable[str]) -> int:
            return max(len(self.postings.get(p, ())) for p in phrases)

        forward = uses(f"{f} {noun}" for f in fields)
        backward = uses(f"{noun} {f}" for f in fields)
        if backward >= MIN_PART_PAPERS and not forward:
            return f"{noun} {fields[1]}"
        return f"{field} {noun}"

    def is_kind_of_field(self, term: str) -> bool:
        """A hyphenated word that names a kind of the field ("multi-agent" in a corpus of agent
        papers): one of its parts is the field's noun, and it is no system name."""
        field = self.field
        if field is None or "-" not in term or " " in term or is_name(term, self.display):
            return False
        parts = term.split("-")
        return len(parts) == 2 and all(parts) and bool(_stems(parts[1]) & _stems(field))

    def _kind(self, members: np.ndarray, rivals: Sequence[np.ndarray]) -> Scored | None:
        """The best label "<kind of the field> <noun>" ("Multi-agent systems"): a word that names
        a kind of the field (:meth:`is_kind_of_field`) used in at least :data:`MIN_PART_PAPERS`
        of the group's papers, scored as a composed label (:meth:`_compound`) with the word's
        coverage, distinctiveness and title share (the phrases it begins split its uses: "multi-agent
        framework", "multi-agent system", "multi-agent debate") and the closeness and
        identification of its completion: the candidate phrase "<word> <noun>" (:meth:`is_candidate`)
        used in the group that the corpus uses most (the field's own name for the kind), then the
        one most used in the group, then the nearest; None without a field or vectors."""
        if self.field is None or self.embed_phrases is None:
            return None
        scored = self.scored(members)  # (keeps the group's document frequencies)
        df = self._group_df.get(np.asarray(members, dtype=int).tobytes())
        best: Scored | None = None
        for row in scored:
            if row.count < MIN_PART_PAPERS or not self.is_kind_of_field(row.term):
                continue
            phrases = [self._terms[j] for j in self._extensions.get(row.term, [])
                       if self._terms[j].startswith(row.term + " ") and len(self._terms[j].split()) == 2
                       and df is not None and df[j] > 0 and self.is_candidate(self._terms[j])]
            if not phrases:
                continue
            near = self.closeness(phrases, members) * self.identifies(phrases, members, rivals)
            pick = min(range(len(phrases)), key=lambda i: (
                -len(self.postings[phrases[i]]), -int(df[self._index[phrases[i]]]),  # type: ignore[index]
                -round(float(near[i]), 9), phrases[i]))
            prior = row.coverage * self.distinctiveness(row, members) * (
                1 + self.title_share(row.term, members))
            self._composed[phrases[pick]] = row.term
            top = Scored(phrases[pick], prior * float(near[pick]), row.coverage, row.count, row.z)
            if best is None or (-round(top.score, 9), top.term) < (-round(best.score, 9), best.term):
                best = top
        return best

    def keywords(self, members: np.ndarray, n: int, diverse: bool = False,
                 topical: bool = False) -> list[str]:
        """The group's ``n`` keywords: its best-scored terms (coverage x distinctiveness) without
        corpus-generic words and no word inside a better-ranked phrase (:func:`keywords`).
        ``topical`` (what a reader is shown): without lone modifiers ("external") and verbs
        ("compare"), re-ranked by closeness to the group's centre (KeyBERT-style), so that words
        of scientific prose that are frequent in a small group by chance ("need", "lack",
        "wide") give way to its subject's words. ``diverse``: the same filter, re-ranked by MMR
        (:func:`mmr`) on closeness so that they do not repeat one another."""
        members = np.asarray(members, dtype=int)
        least = _shared_count(len(members))
        rows = [r for r in self.scored(members)
                if r.count >= least and not set(r.term.split()) <= self.generic]
        if topical:
            rows = [r for r in rows if not set(fold_term(r.term).split()) <= self._plain
                    and not is_modifier(r.term) and not self._verb_ended(r.term)]
            pool = keywords([(r.term, r.score) for r in rows], MMR_POOL * n + n)
            score = {r.term: r.score for r in rows}
            relevance = np.array([score[t] for t in pool]) * self.closeness(pool, members)
            order = sorted(range(len(pool)), key=lambda i: (-round(float(relevance[i]), 9), pool[i]))
            forms: dict[str, list[int]] = {}  # one form of a word: "simulation", not "simulate"
            for i in order:
                forms.setdefault(term_root(pool[i]), []).append(i)
            distinct = [(_nominal([pool[i] for i in group]), float(relevance[group[0]]))
                        for group in forms.values()]
            return keywords(distinct, n)
        if not diverse:
            return keywords([(r.term, r.score) for r in rows], n)
        rows = [r for r in rows if not is_modifier(r.term) and not self._verb_ended(r.term)]
        pool = keywords([(r.term, r.score) for r in rows], MMR_POOL * n)
        if len(pool) <= n or (self.vectors is None and self.embed_phrases is None):
            return pool[:n]
        score = {r.term: r.score for r in rows}
        base = np.array([score[t] for t in pool])
        relevance = base / base.max() * self.closeness(pool, members)
        picked = mmr(relevance, self.phrase_vectors(pool), n)  # type: ignore[arg-type]
        return [pool[i] for i in sorted(picked, key=lambda i: (-relevance[i], pool[i]))]

    def _verb_ended(self, term: str) -> bool:
        words = term.split()
        return words[0] in self.verbs or words[-1] in self.verbs

    # --- labels ------------------------------------------------------------------------------

    def label(self, members: np.ndarray, taken: set[str] | None = None,
              rivals: Sequence[np.ndarray] = ()) -> str:
        """The group's display label: its best candidate phrase; "A and B" only when the best
        covers less than :data:`JOIN_BELOW` of the group and a second phrase (no shared word stem,
        in at least :data:`MIN_PART_PAPERS` papers) adds papers; not a label in ``taken``."""
        members = np.asarray(members, dtype=int)
        candidates = self.terms(members, rivals)
        taken_stems = {_stems(t) for t in (taken or set())}
        options = [r for r in candidates if _stems(self.show(r.term)) not in taken_stems]
        if not options:
            return self.fallback(members, taken or set())
        best = options[0]
        if best.coverage < JOIN_BELOW:
            partner = self._partner(best, options, members, rivals)
            if partner is not None:
                # "A and B" only when one phrase cannot cover the topic: none ranked above B
                # covers as many papers, and A adds papers to B as B adds to A (JOIN_GAIN)
                head, second = self.holders(best.term, members), self.holders(partner.term, members)
                pair = len(np.union1d(head, second))
                for other in options[1:options.index(partner)]:
                    if len(self.holders(other.term, members)) >= pair:
                        return self.show(other.term)
                if len(np.setdiff1d(head, second)) < JOIN_GAIN * len(second):
                    return self.show(partner.term)
                joined = f"{best.term}{JOIN}{partner.term}"
                if _stems(self.show(joined)) not in taken_stems:
                    return self.show(joined)
        return self.show(best.term)

    def _partner(self, head: Scored, options: Sequence[Scored], members: np.ndarray,
                 rivals: Sequence[np.ndarray] = ()) -> Scored | None:
        """The second phrase of an "A and B" label: no word stem of A, in enough papers, adding
        papers A misses, and pointing to this topic (:meth:`identifies`) at least
        :data:`JOIN_IDENTIFY` as surely as A does: a phrase of the whole field ("NLP tasks") adds
        papers to any topic and names none ("Semantic parsing and NLP tasks")."""
        floor = max(MIN_PART_PAPERS, math.ceil(MIN_PART_SHARE * len(members)))
        if head.count < floor:
            return None
        held = self.holders(head.term, members)
        eligible = [other for other in options[1:PARTNERS]
                    if not _stems(other.term) & _stems(head.term) and other.count >= floor
                    and len(head.term.split()) + len(other.term.split()) + 1 <= MAX_LABEL_WORDS
                    and len(np.setdiff1d(self.holders(other.term, members), held))
                    >= max(1, JOIN_GAIN * head.count)]
        if not eligible:
            return None
        # one pass over the rivals' centres for the head and every eligible partner
        sure = self.identifies([head.term, *(o.term for o in eligible)], members, rivals)
        return next((o for o, s in zip(eligible, sure[1:], strict=True)
                     if s >= JOIN_IDENTIFY * sure[0]), None)

    def holders(self, term: str, members: np.ndarray) -> np.ndarray:
        """The rows of ``members`` whose text holds ``term`` (a composed label: its noun), sorted."""
        term = self._composed.get(term, term)
        return np.intersect1d(self.postings.get(term, np.zeros(0, dtype=int)), members)

    def nameless(self, members: np.ndarray) -> bool:
        """Whether the group has no word of its own to be named by: :meth:`fallback` with no
        label taken gives :data:`OTHER_PAPERS`."""
        return self.fallback(members, set()) == OTHER_PAPERS

    def fallback(self, members: np.ndarray, taken: set[str]) -> str:
        """No candidate phrase: the group's most used candidate phrase that is no fragment, even
        in one paper and not distinctive, else its most used term (tiny or odd groups)."""
        members = np.asarray(members, dtype=int)
        self.scored(members)
        df = self._group_df[members.tobytes()]
        taken_stems = {_stems(t) for t in taken}
        used = sorted(np.flatnonzero(df > 0).tolist(),
                      key=lambda j: (-df[j], len(self.postings[self._terms[j]]), self._terms[j]))
        for strict in (True, False):
            for j in used:
                term = self._terms[j]
                if strict and (not self.is_candidate(term) or self.is_fragment(term, df)):
                    continue
                if set(term.split()) <= self.generic or _stems(term) in taken_stems:
                    continue
                return self.show(term)
        label, number = OTHER_PAPERS, 1  # several groups without a word of their own: numbered
        while _stems(label) in taken_stems:
            number += 1
            label = f"{OTHER_PAPERS} ({number})"
        return label

    def section_label(self, groups: Sequence[np.ndarray], avoid: Iterable[str] = (),
                      taken: Iterable[str] = (), rivals: Sequence[np.ndarray] = ()) -> str:
        """A label for a section made of topics (``groups``: each topic's rows): the phrase its
        topics share. Candidates are scored by the geometric mean over the topics of their
        (smoothed) coverage, so a phrase must appear in each topic, times the distinctiveness of
        the section (no title share: it favours one topic's name), times the geometric mean of its
        closeness to each topic's centre (a name that fits every topic, not the pooled centre that
        the largest topic dominates) and how surely it points to this section among ``rivals``
        (the other sections' rows; :meth:`identifies`): "Natural language processing" is near
        every section of an NLP corpus and names none. Never a phrase holding the word stems of
        one of ``avoid`` (its topics' labels) or of a part of one (that would be a topic's name or
        narrower), nor one in ``taken``."""
        groups = [np.asarray(g, dtype=int) for g in groups]
        members = np.concatenate(groups)
        narrower = [_stems(part) for label in avoid for part in _parts(label)]
        taken_stems = {_stems(t) for t in taken}
        scored = self.scored(members)
        df = self._group_df.get(members.tobytes())
        least = _shared_count(len(members))
        rows = [r for r in scored if r.count >= least and self.is_candidate(r.term)
                and not any(_stems(r.term) >= stems for stems in narrower)
                and _stems(r.term) not in taken_stems and not self.is_fragment(r.term, df)]
        if not rows:
            return self.fallback(members, {*avoid, *taken})
        index = np.array([self._index[r.term] for r in rows])
        shared = np.ones(len(rows))
        for group in groups:
            df = np.asarray(self._matrix[group][:, index].sum(axis=0)).ravel()
            shared *= (df + PRIOR) / (len(group) + 1)
        shared **= 1.0 / len(groups)
        prior = shared * np.array([self.distinctiveness(r, members) for r in rows])
        order = sorted(range(len(rows)), key=lambda i: (-round(float(prior[i]), 9), rows[i].term))
        top = order[:PRESELECT]
        terms = [rows[i].term for i in top]
        near = np.ones(len(terms))
        for group in groups:  # near each topic (geometric mean), not only the pooled centre
            near *= np.maximum(self.closeness(terms, group), NEAR_FLOOR)
        near = near ** (1.0 / len(groups)) * self.identifies(terms, members, rivals)
        best = max(range(len(top)),
                   key=lambda j: (round(float(prior[top[j]] * near[j]), 9), -j))
        return self.show(rows[top[best]].term)

    def used_in_each(self, label: str, groups: Sequence[np.ndarray]) -> bool:
        """Whether the phrase shown as ``label`` is used by at least one paper of every group (a
        section's name that some of its topics never use names nothing they share)."""
        return all(self.use_share(label, g) > 0 for g in groups)

    def nearest_name(self, names: Sequence[str], members: np.ndarray) -> str | None:
        """The one of ``names`` (shown labels) nearest the centre of ``members`` by
        :meth:`closeness` (a name near the whole field is near no group in particular); None
        without vectors."""
        terms = [self._shown.get(n.lower(), n.lower()) for n in names]
        if self.vectors is None or not names or (self.embed_phrases is None
                                                 and not all(t in self.postings for t in terms)):
            return None
        near = self.closeness(terms, members)
        best = max(range(len(names)), key=lambda i: (near[i], -i))
        return names[best] if near[best] > 0 else None

    def use_share(self, label: str, members: np.ndarray) -> float:
        """The share of ``members`` whose text uses the phrase shown as ``label``."""
        term = label.lower()
        return len(self.holders(self._shown.get(term, term), members)) / max(len(members), 1)

    def show(self, terms: str) -> str:
        return display_label(terms, self.display)


_TITLE_SUFFIX = re.compile(r"\s+[\u2014\u2013|-]{1,2}\s+(?P<suffix>[^\u2014\u2013|]+?)\s*$")


def without_site_names(titles: Sequence[str]) -> list[str]:
    """Titles without a suffix after a dash or bar that two or more titles share: a site's name
    ("Large language model — Wikipedia, The Free Encyclopedia", "... | IEEE Xplore"), not what
    the paper is about (a .bib library's web entries named a theme "Free encyclopedia"). Other
    titles are returned as they are."""
    suffixes: dict[str, int] = {}
    found = []
    for title in titles:
        match = _TITLE_SUFFIX.search(title)
        key = match.group("suffix").casefold() if match and match.start() > 0 else None
        found.append((match, key))
        if key:
            suffixes[key] = suffixes.get(key, 0) + 1
    return [title[:match.start()] if key and suffixes[key] >= 2 else title
            for title, (match, key) in zip(titles, found, strict=True)]


def field_word(titles: Sequence[str], stops: frozenset[str], verbs: frozenset[str] = frozenset()
               ) -> str | None:
    """The corpus's own noun, in the singular: the word (forms folded, :func:`fold_word`) in at
    least :data:`FIELD_SHARE` of the titles ("agent" in a corpus of LLM-agent papers), not a
    modifier or verb; None for a corpus without one (a conference's papers). Survey headings
    compose it with a topic's noun ("Agent safety", "Agent simulation")."""
    counts: dict[str, int] = {}
    for title in titles:
        for word in {fold_word(t) for t in TOKEN.findall(title.lower()) if t not in stops}:
            counts[word] = counts.get(word, 0) + 1
    for word, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if count < FIELD_SHARE * max(len(titles), 1):
            return None
        if "-" not in word and not is_modifier(word) and word not in verbs:
            return word
    return None


def is_noun_phrase(term: str, verbs: frozenset[str] = frozenset()) -> bool:
    """POS-free noun-phrase test: the last word is not a modifier (:func:`is_modifier`), neither
    end is a verb-like token (:func:`verb_like_words`) and no word comes twice in two forms.
    (:meth:`LabelScorer.is_candidate` also drops a leading gerund that ends no phrase of the
    corpus: "enhancing agents", unlike "reasoning chains".)"""
    words = term.split()
    return (not is_modifier(term) and words[0] not in verbs and words[-1] not in verbs
            and not same_word_twice(term))


def _parts(label: str) -> list[str]:
    """A label and its joined parts ("A and B" -> the label, A, B)."""
    low = label.lower()
    parts = [low]
    for separator in (JOIN, SEPARATOR):
        if separator in low:
            parts += [p.strip() for p in low.split(separator)]
    return parts


def label_word_count(label: str) -> int:
    """Words of a label; the separator "&" is not a word."""
    return sum(1 for w in label.split() if w != SEPARATOR.strip())


PROPER_SHARE = 0.8
_TITLE_PARTS = re.compile(r"\s*(?:[:?!]|\s[-\u2013\u2014]{1,2}\s)\s*")  # main title | subtitle
TITLE_CASE_SHARE = 0.5  # a title with more than this share of capitalised long words is Title Case
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*")


def is_title_case(text: str) -> bool:
    """More than half the words after the first capitalised ("Tree Search for Language Model
    Agents"): a headline style, where capitals say nothing about proper nouns. Words of three
    letters or fewer ("for", "of", "LLM") do not count."""
    words = [w for w in _WORD.findall(text)[1:] if len(w) > 3]
    return bool(words) and sum(w[:1].isupper() for w in words) > TITLE_CASE_SHARE * len(words)


def spelling_texts(abstracts: Sequence[str | None], titles: Sequence[str]) -> list[str]:
    """The texts a corpus's spellings are read from (:func:`surface_forms`): each abstract, and
    for a paper without one the parts of its title (split at ":", "?", " - ") written in sentence
    case (a Title Case part would make every word look like a proper noun: "Question Answering",
    "Algorithm Portfolios")."""
    return [abstract or ". ".join(part for part in _TITLE_PARTS.split(title)
                                  if part and not is_title_case(part))
            for abstract, title in zip(abstracts, titles, strict=True)]


def _has_inner_capital(form: str) -> bool:
    """"GUI", "WebShop", "GPT-4o", not "Multi-Agent" (capitalised parts of a hyphenated word)."""
    return any(ch.isupper() for part in form.split("-") for ch in part[1:])


def surface_forms(documents: Iterable[str]) -> dict[str, str]:
    """Lower-case token -> the spelling a label keeps: its most frequent spelling when that has
    capitals after the first letter (acronyms and names: "RL", "GUI", "WebShop"), or its
    capitalised spelling when at least :data:`PROPER_SHARE` of its (>= 2) uses inside a sentence
    are capitalised (proper nouns: "Chinese", "English"; not hyphenated Title Case terms such as
    "Multi-Agent")."""
    counts: dict[str, dict[str, int]] = {}
    inside: dict[str, list[int]] = {}  # token -> [capitalised uses, uses] after a sentence's start
    for document in documents:
        for match in _WORD.finditer(document):
            token = match.group()
            low = token.lower()
            forms = counts.setdefault(low, {})
            forms[token] = forms.get(token, 0) + 1
            end = match.start() - 1  # the last character before the token that is not white
            while end >= 0 and document[end].isspace():  # space (no copy of the prefix: linear)
                end -= 1
            if end >= 0 and document[end] not in ".!?:;":
                tally = inside.setdefault(low, [0, 0])
                tally[0] += token[:1].isupper()
                tally[1] += 1
    shown = {}
    for low, forms in counts.items():
        form = max(sorted(forms), key=lambda f: forms[f])
        if _has_inner_capital(form) and form.lower() == low:
            shown[low] = form
            continue
        capitals, uses = inside.get(low, (0, 0))
        if uses >= 2 and capitals >= PROPER_SHARE * uses and "-" not in low:
            shown[low] = low[:1].upper() + low[1:]
    return shown


def display_label(label: str, forms: dict[str, str] | None = None) -> str:
    """Sentence case ("Multi-agent collaboration"), acronyms as the corpus spells them ("LLM")."""
    forms = forms or {}
    words = []
    for position, word in enumerate(label.split()):
        if word in forms:
            words.append(forms[word])
        elif position == 0:
            words.append(word[:1].upper() + word[1:])
        else:
            words.append(word)
    return " ".join(words)
