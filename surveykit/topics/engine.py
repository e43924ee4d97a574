"""The topic stage: BERTopic configured for survey corpora, then the author's curation.

BERTopic runs with its documented extension points filled in:

* dimensionality-reduction slot: :class:`LexicalAugmentation` (embedding ⊕ TF-IDF/LSA features;
  no UMAP, so no stochastic layout and no numba compilation);
* clustering slot: :class:`AutoKClustering` (consensus of Ward + k-means partitions over three
  views and a range of k, which chooses k; every paper gets a topic, so there is no outlier topic
  and no ``reduce_outliers`` step);
* vectorizer: real phrases without stop words, vocabulary counted over documents (#2402);
* c-TF-IDF: ``ClassTfidfTransformer(reduce_frequent_words=True)``.

After curation changes assignments, ``update_topics`` is called with the same vectorizer and
c-TF-IDF models passed again (it resets them to defaults otherwise: #2114).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping, Sequence, Set
from typing import Any

import numpy as np
import pandas as pd

from surveykit.corpus.model import Corpus, Paper, paper_text
from surveykit.topics import labels as lab
from surveykit.topics._lazy_bertopic import bertopic_class
from surveykit.topics.clustering import (
    CRITERIA,
    FLAT_OUTLINE_MAX,
    AutoKClustering,
    LexicalAugmentation,
    group_topics,
    merge_singletons,
    nearest_group,
    normalise_rows,
    section_range,
    split_in_two,
)
from surveykit.topics.config import TopicConfig
from surveykit.topics.curation import (
    Curation,
    CurationState,
    apply_curation,
    load_curation,
)
from surveykit.topics.taxonomy import Section, Topic, TopicResult
from surveykit.topics.title_only import align, title_only_mask, title_shift

SECTION_KEYWORDS = 5
# Most top-level sections splitting unnamed sections may make: surveys of a field have 6-12; past a
# dozen or so a table of contents stops being an outline (ML4Code at its 67 human tags made 58 sections)
MAX_SECTIONS = 15


def _vectorizer(vocabulary: list[str], analyzer: lab.PhraseAnalyzer,
                texts: list[str] | None = None, counts: Any = None) -> Any:
    """BERTopic's vectorizer: our analyzer over a fixed vocabulary; given the papers' ``texts``
    and count rows, a topic's joined papers are counted from their rows (:mod:`.vectorizer`)."""
    from surveykit.topics.vectorizer import KnownTextsVectorizer

    return KnownTextsVectorizer(analyzer=analyzer, vocabulary=vocabulary, texts=texts, counts=counts)


def _ctfidf() -> Any:
    from bertopic.vectorizers import ClassTfidfTransformer

    return ClassTfidfTransformer(reduce_frequent_words=True)


class TopicModel:
    """Scikit-learn-style front: ``TopicModel(config).fit(corpus, embeddings)`` returns the model;
    the :class:`TopicResult` is ``model.result_`` (``fit(...).result_`` in one line)."""

    def __init__(self, config: TopicConfig | None = None,
                 curation: Curation | str | os.PathLike[str] | None = None,
                 phrase_embedder: Callable[[list[str]], np.ndarray] | None = None) -> None:
        self.config = config or TopicConfig()
        self.curation = curation
        self.phrase_embedder = phrase_embedder
        self.result_: TopicResult | None = None

    def fit(self, corpus: Corpus, embeddings: np.ndarray,
            candidate_texts: Sequence[str] | None = None) -> TopicModel:
        """Fit the topics; returns ``self`` (scikit-learn's contract), the result on ``result_``."""
        from surveykit.topics.living import attach_state

        self.result_ = attach_state(fit_topics(corpus, embeddings, self.config, self.curation,
                                               candidate_texts=candidate_texts,
                                               phrase_embedder=self.phrase_embedder))
        return self

    @classmethod
    def from_result(cls, result: TopicResult, config: TopicConfig | None = None) -> TopicModel:
        """A model around a saved result (``TopicResult.load``) that has a living state."""
        model = cls(config)
        model.result_ = result
        return model

    def transform(self, papers: Corpus | Sequence[Any], embeddings: np.ndarray) -> pd.DataFrame:
        """Place papers (a corpus, papers or paper ids; rows of ``embeddings``) in the fitted
        topics without refitting: nearest topic centroid by cosine, with ``score`` and
        ``flagged`` (see :func:`surveykit.topics.living.place`). The papers of a corpus that
        have no abstract get the fit's title-only shift (:mod:`surveykit.topics.title_only`)."""
        from surveykit.topics.living import align_saved, attach_state, place

        if self.result_ is None:
            raise ValueError("fit the model first (or TopicModel.from_result)")
        if not self.result_.state.get("centroids"):
            attach_state(self.result_)
        ids = papers.ids if isinstance(papers, Corpus) else [getattr(p, "id", p) for p in papers]
        vectors = np.asarray(embeddings, dtype=np.float32)
        if len(vectors) != len(ids):
            raise ValueError(f"{len(vectors)} embedding rows for {len(ids)} papers")
        if isinstance(papers, Corpus):  # title-only papers: the fit's shift (topics.title_only)
            vectors = align_saved(papers, vectors, self.result_.state)
        return place([str(i) for i in ids], vectors, self.result_.state)


def fit_topics(
    corpus: Corpus,
    embeddings: np.ndarray,
    config: TopicConfig | None = None,
    curation: Curation | str | os.PathLike[str] | None = None,
    paper_types: Mapping[str, str] | None = None,
    roles: Sequence[Sequence[Any]] | None = None,
    *,
    candidate_texts: Sequence[str] | None = None,
    phrase_embedder: Callable[[list[str]], np.ndarray] | None = None,
) -> TopicResult:
    """Topics, labels and a 2-level taxonomy for ``corpus`` (rows of ``embeddings`` in corpus
    order); ``curation`` is a :class:`Curation` or the path of a curation TOML file.

    ``roles``: each paper's role-annotated abstract sentences (corpus order,
    :func:`surveykit.roles.annotate_sentences`); ``paper_types``: paper id -> type, detected from
    ``roles`` (:mod:`surveykit.roles.paper_type`) when not given. With ``config.related_surveys``
    the surveys form the "Related surveys" group (:func:`related_survey_ids`) and the subject
    topics are fitted on the other papers.

    ``candidate_texts``: per paper (corpus order), the text label phrases come from (default:
    title + abstract; e.g. title + contribution sentences). ``phrase_embedder``: texts ->
    embeddings in the space of ``embeddings`` (e.g. ``surveykit.embed.embed_texts``), for the
    closeness of a label phrase to its topic's centre and the shift of papers without an abstract
    (:mod:`surveykit.topics.title_only`); without it a phrase stands for the mean of the papers
    that use it and title-only papers are not shifted (no model is loaded)."""
    config = config or TopicConfig()
    if not isinstance(curation, Curation):
        curation = load_curation(curation)
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if embeddings.ndim != 2 or len(embeddings) != len(corpus):
        raise ValueError(f"{len(embeddings)} embedding rows for {len(corpus)} papers")
    if len(corpus) == 0:
        raise ValueError("the corpus is empty: nothing to find topics in")

    if paper_types is None and roles is not None:
        from surveykit.roles import detect_paper_types

        types = detect_paper_types(corpus.papers, roles)
        paper_types = dict(zip(types["paper_id"], types["type"], strict=True))
    report: list[dict[str, str]] = []
    excluded = [pid for pid in curation.exclude if pid in corpus]
    for pid in curation.exclude:
        status = "applied" if pid in corpus else "unmatched"
        detail = "left out of the topics" if pid in corpus else f"paper {pid!r} is not in the corpus"
        report.append({"op": "exclude", "target": pid, "status": status, "detail": detail})
    related = related_survey_ids(corpus, paper_types, config, curation, set(excluded))
    left_out = set(excluded) | set(related)
    all_ids = corpus.ids  # a property that builds the list: read it once (O(n), not O(n^2))
    keep = [i for i, pid in enumerate(all_ids) if pid not in left_out]
    if not keep:
        raise ValueError("every paper is excluded by the curation file")
    paper_ids = [all_ids[i] for i in keep]
    kept_papers = [corpus.papers[i] for i in keep]
    titles = lab.without_site_names([p.title for p in kept_papers])  # no "Free encyclopedia" theme
    texts = topic_texts(kept_papers, titles)
    title_only = title_only_mask(kept_papers)  # no abstract: aligned with the others' space
    shift = title_shift(kept_papers, embeddings[keep], phrase_embedder)
    vectors = align(embeddings[keep], title_only, shift)
    if candidate_texts is not None and len(candidate_texts) != len(corpus):
        raise ValueError(f"{len(candidate_texts)} candidate texts for {len(corpus)} papers")
    phrase_texts = texts if candidate_texts is None else [str(candidate_texts[i]) for i in keep]

    stops = lab.stop_words(config.stop_words)
    analyzer = lab.PhraseAnalyzer(stops)
    # one analysis of each paper: the keyword terms, the label scorer's phrase terms and the
    # count rows of c-TF-IDF
    plain, twin, counts = lab.paired_terms(texts, analyzer)
    vocabulary, doc_freq, postings = plain
    generic = lab.generic_words(doc_freq, len(texts))
    # keywords: the terms of title + abstract as they are (forms not merged: BERTopic's vocabulary)
    verbs = lab.verb_like_words(lab.evenly(texts))
    keyword_scorer = lab.LabelScorer(postings, len(texts),
                                     generic, fold=False, vectors=vectors,
                                     embed_phrases=phrase_embedder,
                                     verbs=verbs)
    scorer = _label_scorer(phrase_texts, titles, analyzer,
                           vectors, phrase_embedder,
                           lab.spelling_texts([p.abstract for p in kept_papers],
                                              [p.title for p in kept_papers]),
                           verbs if candidate_texts is None else None,
                           twin if candidate_texts is None else None)

    n_topics = curation.n_topics or config.n_topics
    reducer = LexicalAugmentation(texts, config.lexical_weight, config.lexical_dims,
                                  config.random_state, sample_above=config.large_corpus)
    clusterer = AutoKClustering(n_clusters=n_topics, min_clusters=config.min_topics,
                                max_clusters=config.max_topics, large_corpus=config.large_corpus,
                                random_state=config.random_state, consensus=config.consensus,
                                views=reducer)
    BERTopic = bertopic_class()
    model = BERTopic(
        embedding_model=None,
        umap_model=reducer,
        hdbscan_model=clusterer,
        vectorizer_model=_vectorizer(vocabulary, analyzer, texts, counts),
        ctfidf_model=_ctfidf(),
        top_n_words=config.top_n_words,
        calculate_probabilities=False,
        language=None,  # "english" would strip every non-alphanumeric (multi-agent -> multiagent)
        verbose=False,
    )
    fitted, _ = model.fit_transform(texts, vectors)
    fitted = np.asarray(fitted, dtype=int)
    if (fitted < 0).any():  # cannot happen with AutoKClustering; guard against a swapped model
        raise RuntimeError("the clustering model left papers without a topic")

    def refresh(topics: np.ndarray) -> None:  # BERTopic's topic words after our changes of topics
        model.update_topics(texts, topics=topics.tolist(), top_n_words=config.top_n_words,
                            vectorizer_model=_vectorizer(vocabulary, analyzer, texts, counts),
                            ctfidf_model=_ctfidf())

    pooled = fitted if n_topics else pool_nameless(fitted, scorer)
    if not np.array_equal(pooled, fitted):
        fitted = pooled
        refresh(fitted)

    features = reducer.features_ if reducer.features_ is not None else normalise_rows(vectors)
    automatic, auto_jumps = _build_result(model, fitted, {}, vectors, paper_ids,
                                          (scorer, keyword_scorer), config, curation, title_only)
    # curation refs ("#3", labels) name the topics of the automatic result, as in its topics.json
    auto_labels = {t.id: t.label for t in automatic.topics}
    anchors = {t.id: automatic.papers_of(t.id)[0] for t in automatic.topics}
    state = CurationState(paper_ids, fitted.copy(), auto_labels, anchors,
                          split_features=lambda rows: features[rows])
    apply_curation(curation, state)
    report.extend(state.report)
    final = state.topics
    if not np.array_equal(final, fitted):
        refresh(final)
    if np.array_equal(final, fitted) and not state.fixed_labels:
        result, section_jumps = automatic, auto_jumps  # the curation changed no topic
    else:
        result, section_jumps = _build_result(model, final, state.fixed_labels, vectors, paper_ids,
                                              (scorer, keyword_scorer), config, curation, title_only)
    counts = _count_report(curation, int(clusterer.n_clusters_), result, len(paper_ids))
    position = len(curation.exclude)  # exclude and the counts act before clustering
    report[position:position] = counts
    result.excluded = excluded
    result.related = related
    result.curation_report = report
    result.provenance = {
        "config": config.to_dict(),
        "curation": curation.describe(),
        "n_papers": len(paper_ids),
        "n_excluded": len(excluded),
        "n_related_surveys": len(related),
        "k_range": list(clusterer.k_range_),
        "k_chosen": int(clusterer.n_clusters_),
        "k_criterion": CRITERIA[clusterer.method_],
        "k_criterion_values": {str(k): v for k, v in sorted(clusterer.criterion_.items())},
        "k_fixed_by": ("curation" if curation.n_topics else "config" if config.n_topics else None),
        "section_criterion": ("size-weighted Ward over topic centroids; largest merge-height jump "
                              "among cuts with <= 60% of papers and <= max(4, 2k/sections) "
                              "topics per section; one-topic sections join the closest section; "
                              f"up to {FLAT_OUTLINE_MAX} topics an unbalanced grouping is flat; a "
                              "section named by a phrase one of its topics never uses (title-only "
                              "topics: nor is nearest to) is split along the topic tree, up to "
                              f"{MAX_SECTIONS} sections, as is one whose name fewer than "
                              f"{SECTION_NAME_SHARE:.0%} of its papers use; a lone topic joins its "
                              "nearest section when it uses that section's name as much as the "
                              "section does"),
        "section_criterion_values": {str(k): v for k, v in sorted(section_jumps.items())},
        "label_scorer": ("one noun phrase: document coverage x saturated log-odds z (add-1/2 "
                         "prior) x (1 + title share) x cosine to the topic centre"
                         + (" (phrase embeddings)" if phrase_embedder else
                            " (phrase = mean of its papers)")),
        "label_texts": "title + abstract" if candidate_texts is None else "candidate texts",
        "n_title_only": int(title_only.sum()),
        "title_only_shift": ("paired title vs title + abstract shift taken off"
                             if shift is not None else None),
        "engine": "BERTopic (LexicalAugmentation + AutoKClustering, c-TF-IDF)",
    }
    result.model = model
    result.embeddings = vectors
    result.title_shift = shift
    return result


def pool_nameless(topics: np.ndarray, scorer: lab.LabelScorer) -> np.ndarray:
    """The topics without a word of their own (:meth:`~surveykit.topics.labels.LabelScorer.nameless`:
    a library's odd entries, "Alternation", "Publications Manual") made one "Other papers" topic,
    as an author keeps one miscellany, not "Other papers" and "Other papers (2)"; topics numbered
    0..k'-1 in their old order. Unchanged with fewer than two such topics."""
    ids = sorted(set(int(t) for t in topics))
    nameless = [t for t in ids if scorer.nameless(np.flatnonzero(topics == t))]
    if len(nameless) < 2:
        return topics
    pooled = np.where(np.isin(topics, nameless), nameless[0], topics)
    return np.searchsorted(np.unique(pooled), pooled).astype(int)


def _count_report(curation: Curation, fitted: int, result: TopicResult,
                  n_papers: int) -> list[dict[str, str]]:
    """Report ``n_topics`` and ``n_sections``: applied when the fit honoured them, else why not."""
    rows = []
    if curation.n_topics:
        asked = curation.n_topics
        if fitted == asked:
            after = (f"; {result.n_topics} after split/merge/pin" if result.n_topics != asked
                     else "")
            rows.append({"op": "n_topics", "target": str(asked), "status": "applied",
                         "detail": f"clustered into {asked} topics{after}"})
        else:
            why = f" (only {n_papers} papers)" if asked > n_papers else ""
            rows.append({"op": "n_topics", "target": str(asked), "status": "unmatched",
                         "detail": f"asked for {asked} topics, the clustering gave {fitted}{why}"})
    if curation.n_sections:
        asked, made = curation.n_sections, len(result.sections)
        if made == asked:
            rows.append({"op": "n_sections", "target": str(asked), "status": "applied",
                         "detail": f"{asked} sections over {result.n_topics} topics"})
        else:
            why = (f"there are only {result.n_topics} topics" if asked > result.n_topics
                   else "the grouping gave another count")
            rows.append({"op": "n_sections", "target": str(asked), "status": "unmatched",
                         "detail": f"asked for {asked} sections, made {made}: {why}"})
    return rows


# Surveys are set apart only while they are a minority and enough papers remain to cluster.
RELATED_MAX_SHARE = 0.5
RELATED_MIN_REST = 4


def topic_texts(papers: Sequence[Paper], titles: Sequence[str] | None = None) -> list[str]:
    """What the topic stage reads of each paper: its title, without a site name that titles share
    (:func:`~surveykit.topics.labels.without_site_names`; ``titles`` when already stripped), and
    its abstract. The fit and a saved taxonomy's model (:func:`~surveykit.topics.living.attach_model`)
    read the same text."""
    if titles is None:
        titles = lab.without_site_names([p.title for p in papers])
    return [paper_text(title, p.abstract) for title, p in zip(titles, papers, strict=True)]


def related_survey_ids(corpus: Corpus, paper_types: Mapping[str, str] | None, config: TopicConfig,
                       curation: Curation, excluded: set[str]) -> list[str]:
    """Papers of type ``survey`` that form the "Related surveys" group, in corpus order.

    None when ``config.related_surveys`` is off or no types are given; none either when surveys
    are most of the corpus (a survey of surveys clusters them as subjects) or too few papers would
    remain. A survey the curation file moves or pins into a topic stays a subject paper."""
    if not config.related_surveys or not paper_types:
        return []
    curated = set(curation.move) | set(curation.pin)
    surveys = [pid for pid in corpus.ids if paper_types.get(pid) == "survey"
               and pid not in excluded and pid not in curated]
    remaining = len(corpus) - len(excluded) - len(surveys)
    if len(surveys) > RELATED_MAX_SHARE * (len(corpus) - len(excluded)) or remaining < RELATED_MIN_REST:
        return []
    return surveys


def _label_scorer(texts: list[str], titles: list[str], analyzer: lab.PhraseAnalyzer,
                  vectors: np.ndarray, embed: Callable[[list[str]], np.ndarray] | None,
                  prose: list[str], verbs: frozenset[str] | None = None,
                  terms: lab.CorpusTerms | None = None) -> lab.LabelScorer:
    """The scorer of label and keyword phrases over the papers' candidate texts (phrases may hold
    the stop words that are nouns: :data:`~surveykit.topics.labels.PHRASE_NOUNS`); spellings
    (acronyms, proper nouns) come from ``prose``, the abstracts; ``verbs``: the texts' verb-like
    words when already known; ``terms``: the texts' terms under the phrase-noun analyzer when
    already known (:func:`~surveykit.topics.labels.paired_terms`). Phrases that lack their head
    in the texts (:func:`~surveykit.topics.labels.continued_phrases`) are never labels."""
    analyzer = lab.PhraseAnalyzer(analyzer.stops, analyzer.ngram_range, inner=lab.PHRASE_NOUNS)
    forms = lab.surface_forms(lab.evenly(prose))  # spellings from abstracts, not Title Case
    for low, form in lab.surface_forms(lab.evenly(titles)).items():  # acronyms, names of titles
        if low not in forms and lab._has_inner_capital(form):
            forms[low] = form
    vocabulary, doc_freq, postings = terms or lab.vocabulary_postings(texts, analyzer, forms=True)
    generic = lab.generic_words(doc_freq, len(texts))
    verbs = lab.verb_like_words(lab.evenly(texts)) if verbs is None else verbs
    continued = lab.continued_phrases(lab.evenly(texts), analyzer, vocabulary=postings)
    return lab.LabelScorer(postings, len(texts), generic,
                           forms,
                           lab.term_documents(titles, analyzer, vocabulary),
                           vectors=vectors, embed_phrases=embed, verbs=verbs,
                           field=lab.field_word(titles, analyzer.stops, verbs),
                           continued=continued, never_nouns=lab.never_nouns(lab.evenly(texts)))


def _centroid_scores(vectors: np.ndarray, topics: np.ndarray) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    base = normalise_rows(vectors.astype(np.float64))
    centres = {t: normalise_rows(base[topics == t].mean(axis=0, keepdims=True))[0]
               for t in sorted(set(int(x) for x in topics))}
    scores = np.array([float(base[i] @ centres[int(t)]) for i, t in enumerate(topics)])
    return scores, centres


def _ranked(scores: np.ndarray, topics: np.ndarray, paper_ids: Sequence[str], topic: int,
            n: int) -> list[str]:
    rows = np.flatnonzero(topics == topic)
    order = sorted(rows, key=lambda i: (-round(float(scores[i]), 6), i))
    return [paper_ids[i] for i in order[:n]]


def _naming_order(scorer: lab.LabelScorer, topic_ids: list[int], rows_of: dict[int, np.ndarray],
                  rivals_of: dict[int, list[np.ndarray]]) -> list[int]:
    """The order topics choose their labels in (a label, or a form of its word, names one topic):
    the topic whose best phrase scores highest first, so a phrase goes to the topic it names best
    (a topic whose every title says "Multimodality" before a larger one where "multimodal" is one
    word of several), topics without a candidate phrase after them, by the share of their papers
    their fallback word names; then the larger topic, then the id."""
    def best(topic: int) -> tuple[int, float]:
        ranked = scorer.terms(rows_of[topic], rivals_of[topic])
        if ranked:
            return 1, round(float(ranked[0].score), 9)
        # no candidate phrase (a few titles): the share of its papers its fallback word names
        return 0, round(scorer.use_share(scorer.fallback(rows_of[topic], set()), rows_of[topic]), 9)

    strength = {t: best(t) for t in topic_ids}
    return sorted(topic_ids, key=lambda t: (-strength[t][0], -strength[t][1], -len(rows_of[t]), t))


def _build_result(model: Any, topics: np.ndarray, fixed: dict[int, str], vectors: np.ndarray,
                  paper_ids: list[str], scorers: tuple[lab.LabelScorer, lab.LabelScorer],
                  config: TopicConfig, curation: Curation, title_only: np.ndarray | None = None
                  ) -> tuple[TopicResult, dict[int, float]]:
    scorer, keyword_scorer = scorers  # labels, keywords
    scores, centres = _centroid_scores(vectors, topics)
    topic_ids = sorted(set(int(t) for t in topics))
    rows_of = {t: np.flatnonzero(topics == t) for t in topic_ids}
    sizes = {t: len(rows_of[t]) for t in topic_ids}
    labels: dict[int, str] = dict(fixed)
    auto: dict[int, str] = {}
    rivals_of = {topic: [rows_of[t] for t in topic_ids if t != topic] for topic in topic_ids}
    for topic in _naming_order(scorer, topic_ids, rows_of, rivals_of):
        rivals = rivals_of[topic]
        auto[topic] = scorer.label(rows_of[topic], taken=set(auto.values()), rivals=rivals)
        if topic not in labels:
            labels[topic] = auto[topic] if not fixed else scorer.label(
                rows_of[topic], taken=set(labels.values()), rivals=rivals)

    old_ids = topic_ids
    centroid_matrix = np.stack([centres[t] for t in old_ids])
    fixed_sections = curation.n_sections or config.n_sections
    groups, section_jumps = group_topics(centroid_matrix, [sizes[t] for t in old_ids], fixed_sections)
    if not fixed_sections:
        groups = merge_singletons(groups, centroid_matrix, [sizes[t] for t in old_ids])
    if fixed_sections:
        members, order, section_keys = _named_sections(old_ids, groups, sizes, rows_of, labels, scorers)
    else:
        titles = {t for t in old_ids if title_only is not None and title_only[rows_of[t]].mean() > 0.5}
        members, order, section_keys = _nameable_sections(old_ids, groups, centroid_matrix, sizes,
                                                          rows_of, labels, scorers, titles)

    def section_size(group: int) -> int:
        return sum(sizes[t] for t in members[group])

    new_id: dict[int, int] = {}
    sections: list[Section] = []
    taken_section_labels: set[str] = set()
    for section_id, group in enumerate(order):
        inside = sorted(members[group], key=lambda t: (-sizes[t], labels[t], t))
        for topic in inside:
            new_id[topic] = len(new_id)
        label, words = section_keys[group]
        if label in taken_section_labels or (len(inside) > 1 and label in {labels[t] for t in inside}):
            label = f"{label} ({section_id + 1})"
        taken_section_labels.add(label)
        sections.append(Section(section_id, label, section_size(group),
                                [new_id[t] for t in inside], words))
    topic_objects = []
    for topic in sorted(new_id, key=new_id.get):
        topic_objects.append(Topic(
            id=new_id[topic],
            label=labels[topic],
            size=sizes[topic],
            section=next(s.id for s in sections if new_id[topic] in s.topic_ids),
            keywords=keyword_scorer.keywords(rows_of[topic], config.top_n_words, topical=True),
            representative_ids=_ranked(scores, topics, paper_ids, topic, config.n_representative),
            auto_label=auto[topic],
        ))
    section_by_topic = {t.id: t.section for t in topic_objects}
    final = [new_id[int(t)] for t in topics]
    frame = pd.DataFrame({
        "paper_id": paper_ids,
        "topic": final,
        "score": np.round(scores, 4),
        "section": [section_by_topic[t] for t in final],
    }).set_index("paper_id")
    _set_bertopic_labels(model, topics, new_id, labels)
    return TopicResult(assignments=frame, topics=topic_objects, sections=sections), section_jumps


def _named_sections(topic_ids: list[int], groups: np.ndarray, sizes: dict[int, int],
                    rows_of: dict[int, np.ndarray], labels: dict[int, str],
                    scorers: tuple[lab.LabelScorer, lab.LabelScorer]
                    ) -> tuple[dict[int, list[int]], list[int], dict[int, tuple[str, list[str]]]]:
    """Each section's topics, the sections in outline order (papers, then label) and each one's
    label and keywords; a section's name is none of the other sections' and none of any topic's."""
    members: dict[int, list[int]] = {}
    for topic, group in zip(topic_ids, groups, strict=True):
        members.setdefault(int(group), []).append(topic)
    # the miscellany last, as an author places it
    order = sorted(members, key=lambda g: (all(labels[t].startswith(lab.OTHER_PAPERS) for t in members[g]),
                                           -sum(sizes[t] for t in members[g]),
                                           min(labels[t] for t in members[g])))
    section_rows = {g: np.sort(np.concatenate([rows_of[t] for t in members[g]])) for g in order}
    section_keys: dict[int, tuple[str, list[str]]] = {}
    for group in order:
        others = [section_rows[g] for g in order if g != group]
        section_keys[group] = _section_label(members[group], section_rows[group], rows_of, scorers,
                                             labels, {k for k, _ in section_keys.values()}
                                             | set(labels.values()), others)
    return members, order, section_keys


def _nameable_sections(topic_ids: list[int], groups: np.ndarray, centroids: np.ndarray,
                       sizes: dict[int, int], rows_of: dict[int, np.ndarray], labels: dict[int, str],
                       scorers: tuple[lab.LabelScorer, lab.LabelScorer], titles: Set[int] = frozenset()
                       ) -> tuple[dict[int, list[int]], list[int], dict[int, tuple[str, list[str]]]]:
    """:func:`_named_sections`, after splitting a section whose best name some of its topics never
    use in two along the topic tree (size-weighted Ward over its topics' centroids), the one with
    the most topics first, until every section is named by a phrase used in each of its topics or
    holds one topic, or the outline has :data:`MAX_SECTIONS` sections (more when the topics need
    more: :func:`section_range`): an unnamed grouping helps no reader (a conference's "Annotated
    dataset" section held 11 of its 12 topics), nor does a table of contents of 58 sections."""
    scorer = scorers[0]
    groups = np.asarray(groups, dtype=int).copy()
    position = {t: i for i, t in enumerate(topic_ids)}
    cap = max(MAX_SECTIONS, section_range(len(topic_ids))[0])
    while True:
        members, order, section_keys = _named_sections(topic_ids, groups, sizes, rows_of, labels, scorers)
        unnamed = _unnamed(members, order, section_keys, rows_of, scorer, titles)
        if not unnamed or len(order) >= cap:
            break
        group = max(unnamed, key=lambda g: (len(members[g]), sum(sizes[t] for t in members[g]), -g))
        inside = sorted(members[group])
        halves = split_in_two(centroids[[position[t] for t in inside]], [sizes[t] for t in inside])
        fresh = int(groups.max()) + 1
        for topic, half in zip(inside, halves, strict=True):
            if half:
                groups[position[topic]] = fresh
    joined = _join_lone_topics(topic_ids, groups, centroids, sizes, rows_of, members, section_keys, scorer)
    if joined is None:
        return members, order, section_keys
    named = _named_sections(topic_ids, joined, sizes, rows_of, labels, scorers)
    return (members, order, section_keys) if _unnamed(*named, rows_of, scorer, titles) else named


SECTION_NAME_SHARE = 0.05  # of a section's papers use its name ("Named entity recognition": 2 of 76)


def _unnamed(members: dict[int, list[int]], order: list[int],
             section_keys: dict[int, tuple[str, list[str]]], rows_of: dict[int, np.ndarray],
             scorer: lab.LabelScorer, titles: Set[int] = frozenset()) -> list[int]:
    """The sections of several topics whose name does not fit them: a topic fits its section's
    name when some of its papers use the phrase; a topic of papers known by their titles alone
    (``titles``), whose few words rarely hold a broader name, also when of the outline's section
    names that one is the nearest to its centre ("Constraint programming" over answer set
    programming in a .bib library without abstracts), or none is near it. A section without
    title-only topics also needs its name in :data:`SECTION_NAME_SHARE` of its papers."""
    names = [section_keys[g][0] for g in order]
    out = []
    for group in order:
        name = section_keys[group][0]
        if len(members[group]) < 2:
            continue
        rows = np.concatenate([rows_of[t] for t in members[group]])
        if not all(scorer.used_in_each(name, [rows_of[t]])
                   or (t in titles and scorer.nearest_name(names, rows_of[t]) in (name, None))
                   for t in members[group]) or (
                not titles.intersection(members[group])
                and scorer.use_share(name, rows) < SECTION_NAME_SHARE):
            out.append(group)
    return out


def _join_lone_topics(topic_ids: list[int], groups: np.ndarray, centroids: np.ndarray,
                      sizes: dict[int, int], rows_of: dict[int, np.ndarray], members: dict[int, list[int]],
                      section_keys: dict[int, tuple[str, list[str]]], scorer: lab.LabelScorer
                      ) -> np.ndarray | None:
    """Each one-topic section joins its nearest section of several topics (size-weighted centre,
    cosine) when that section's name is used by as large a share of its papers as of the
    section's; ``None`` when none joins."""
    before, groups = groups, groups.copy()  # the sections' centres are those before any joins
    position = {t: i for i, t in enumerate(topic_ids)}
    points = normalise_rows(np.asarray(centroids, dtype=np.float64))
    weights = np.array([sizes[t] for t in topic_ids], dtype=np.float64)
    several = {g: ts for g, ts in members.items() if len(ts) > 1}
    changed = False
    for inside in members.values():
        if len(inside) > 1 or not several:
            continue
        topic = inside[0]
        nearest = nearest_group(position[topic], sorted(several), before, points, weights)
        name = section_keys[nearest][0]
        section_rows = np.concatenate([rows_of[t] for t in several[nearest]])
        if scorer.use_share(name, rows_of[topic]) >= scorer.use_share(name, section_rows):
            groups[position[topic]] = groups[position[several[nearest][0]]]
            changed = True
    return groups if changed else None


def _section_label(members: list[int], rows: np.ndarray, rows_of: dict[int, np.ndarray],
                   scorers: tuple[lab.LabelScorer, lab.LabelScorer], labels: dict[int, str],
                   taken: set[str], rivals: Sequence[np.ndarray] = ()) -> tuple[str, list[str]]:
    """A section's label and keywords (``rows``: its papers, sorted): a section without subtopics
    (one topic) is its topic; otherwise the phrase its topics share
    (:meth:`LabelScorer.section_label`), pointing to it among ``rivals`` (the other sections'
    rows), never one of its topics' labels (nor one of ``taken``: the other sections' labels and
    every topic's)."""
    scorer, keyword_scorer = scorers
    keywords = keyword_scorer.keywords(rows, SECTION_KEYWORDS, topical=True)
    if len(members) == 1:
        return labels[members[0]], keywords
    groups = [rows_of[t] for t in sorted(members)]
    avoid = [labels[t] for t in members]
    return scorer.section_label(groups, avoid=avoid, taken=taken, rivals=rivals), keywords


def _set_bertopic_labels(model: Any, topics: np.ndarray, new_id: dict[int, int],
                         labels: dict[int, str]) -> None:
    """Give the in-memory BERTopic model our labels (for its own visualisations)."""
    # labels are cosmetic for BERTopic's plots; never fail the stage on them
    with contextlib.suppress(Exception):
        model.set_topic_labels({t: f"{new_id[t]}: {labels[t]}" for t in new_id})
