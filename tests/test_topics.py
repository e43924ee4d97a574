"""Topic stage on the bundled corpus (recorded MiniLM embeddings in tests/fixtures/topics)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from surveykit.topics import TopicConfig, TopicResult, fit_topics
from surveykit.topics.labels import (
    PHRASE_NOUNS,
    LabelScorer,
    PhraseAnalyzer,
    display_label,
    document_vocabulary,
    fold_term,
    is_modifier,
    is_noun_phrase,
    log_odds_z,
    same_word_twice,
    stop_words,
    surface_forms,
    term_documents,
    verb_like_words,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def result(bundled):
    corpus, embeddings = bundled
    return fit_topics(corpus, embeddings)


def test_topic_count_and_every_paper_assigned(bundled, result):
    corpus, _ = bundled
    assert 5 <= result.n_topics <= 12
    frame = result.assignments
    assert list(frame.index) == corpus.ids
    assert frame["topic"].between(0, result.n_topics - 1).all()
    assert frame["score"].notna().all()
    assert sum(t.size for t in result.topics) == len(corpus)


def _words(label: str) -> list[str]:
    return [w for w in label.split() if w != "&"]


def test_topic_labels_are_one_noun_phrase_of_two_to_five_words(result):
    stops = stop_words() - PHRASE_NOUNS
    for topic in result.topics:
        words = _words(topic.label)
        assert 2 <= len(words) <= 5, topic.label
        assert "&" not in topic.label and " and " not in topic.label, topic.label
        assert not any(w.lower() in stops for w in words), topic.label
        assert topic.label[0].isupper(), topic.label  # sentence case
        assert not is_modifier(topic.label.lower()), topic.label
    assert len({t.label for t in result.topics}) == result.n_topics


def test_no_label_holds_two_forms_of_one_word(result):
    labels = [t.label for t in result.topics] + [s.label for s in result.sections]
    assert not any(same_word_twice(label) for label in labels), labels
    assert same_word_twice("Word and words") and same_word_twice("Agents & agentic planning")
    assert not same_word_twice("Web agents")


def test_label_phrase_covers_papers_of_its_topic(bundled, result):
    corpus, _ = bundled
    texts = dict(zip(corpus.ids, corpus.texts(), strict=True))
    analyzer = PhraseAnalyzer(stop_words(), inner=PHRASE_NOUNS)
    for topic in result.topics:
        papers = result.papers_of(topic.id)
        for part in topic.label.lower().split(" and "):
            forms = {part, fold_term(part)}
            covered = sum(bool(forms & {fold_term(t) for t in analyzer(texts[p])}) for p in papers)
            assert covered >= 2 or topic.size < 4, (topic.label, covered, len(papers))


def test_sections_have_several_topics_and_their_own_names(result):
    topic_labels = {t.label.lower() for t in result.topics}
    for section in result.sections:
        assert len(section.topic_ids) >= 2, section
        assert section.label.lower() not in topic_labels, section.label
        assert 2 <= len(_words(section.label)) <= 5, section.label
    assert len({s.label for s in result.sections}) == len(result.sections)


def test_same_inputs_give_the_same_labels(bundled, result):
    corpus, embeddings = bundled
    again = fit_topics(corpus, embeddings)
    assert [(t.label, t.keywords) for t in again.topics] == [
        (t.label, t.keywords) for t in result.topics]
    assert [s.label for s in again.sections] == [s.label for s in result.sections]


def _fake_embedder(texts: list[str]) -> np.ndarray:
    """Deterministic stand-in for MiniLM: hashed character trigrams, 64 dimensions."""
    import zlib

    out = np.zeros((len(texts), 64))
    for row, text in enumerate(texts):
        padded = f"  {text.lower()} "
        for i in range(len(padded) - 2):
            out[row, zlib.crc32(padded[i:i + 3].encode()) % 64] += 1.0
    return out


def test_phrase_embedder_and_candidate_texts_are_used(bundled):
    corpus, embeddings = bundled
    calls: list[int] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return np.hstack([_fake_embedder(texts), np.zeros((len(texts), 384 - 64))])

    titles = [p.title for p in corpus.papers]
    first = fit_topics(corpus, embeddings, phrase_embedder=embed, candidate_texts=titles)
    assert calls and first.provenance["label_texts"] == "candidate texts"
    second = fit_topics(corpus, embeddings, phrase_embedder=embed, candidate_texts=titles)
    assert [t.label for t in first.topics] == [t.label for t in second.topics]
    lowered = [t.lower() for t in titles]
    for topic in first.topics:
        part = topic.label.lower().split(" and ")[0]
        assert any(part in t or fold_term(part) in fold_term(t) for t in lowered), topic.label
    with pytest.raises(ValueError, match="candidate texts"):
        fit_topics(corpus, embeddings, candidate_texts=titles[:3])


def test_label_scorer_prefers_covering_distinctive_phrases():
    docs = ["web agents browse pages", "web agents click buttons", "web agents shop online",
            "robot arms grasp objects", "robot arms stack blocks", "robot arms push carts",
            "rare word web"]
    analyzer = PhraseAnalyzer(stop_words())
    vocabulary, _ = document_vocabulary(docs, analyzer)
    scorer = LabelScorer(term_documents(docs, analyzer, vocabulary), len(docs), set())
    terms = [t for t, *_ in scorer.terms(np.array([0, 1, 2]))]
    assert terms[0] == "web agents"  # in every paper of the group, in no other
    assert "robot arms" not in terms  # not distinctive for the group
    assert scorer.label(np.array([0, 1, 2])) == "Web agents"
    assert log_odds_z(3, 3, 0, 4) > log_odds_z(1, 3, 0, 4) > 0 > log_odds_z(1, 3, 3, 4)


def test_forms_of_a_phrase_count_as_one():
    docs = ["a web agent clicks", "web agents browse", "web agents shop", "robot arms grasp",
            "robot arms stack", "robot arms push"]
    analyzer = PhraseAnalyzer(stop_words())
    vocabulary, _ = document_vocabulary(docs, analyzer)
    scorer = LabelScorer(term_documents(docs, analyzer, vocabulary), len(docs), set())
    best = scorer.terms(np.array([0, 1, 2]))[0]
    assert best.term == "web agents" and best.coverage == 1.0


def test_fragments_verbs_and_acronym_tails_are_not_labels():
    docs = [f"neural machine translation of {w} text. We answer questions about it."
            for w in ("german", "french", "czech", "hindi")]
    docs += ["image captioning with vision", "image captioning of photos", "vision image captioning",
             "to answer questions we read"]
    analyzer = PhraseAnalyzer(stop_words())
    vocabulary, _ = document_vocabulary(docs, analyzer)
    scorer = LabelScorer(term_documents(docs, analyzer, vocabulary), len(docs), set(),
                         verbs=verb_like_words(docs))
    group = np.array([0, 1, 2, 3])
    terms = [r.term for r in scorer.terms(group)]
    assert "neural machine" not in terms and "answer questions" not in terms
    assert scorer.label(group) in {"Neural machine translation", "Machine translation"}
    assert "answer" in verb_like_words(docs)


def test_third_person_verbs_are_verbs_unless_a_determiner_precedes_them():
    docs = ["we aim to learn soft prompts", "we learn to rank", "prompt tuning learns soft prompts",
            "a method that learns prompts", "we test it on unit tests", "the tests pass; we test again",
            "the model learns fast"]
    verbs = verb_like_words(docs)
    assert {"learn", "learns", "test"} <= verbs
    assert "tests" not in verbs  # "the tests": a noun
    assert not is_noun_phrase("prompt tuning learns", verbs)


def test_phrases_without_their_head_are_fragments():
    from surveykit.topics import labels as lab

    docs = ["multimodal machine translation of news", "we study multimodal machine translation.",
            "pretrained language models help", "pretrained language models, again",
            "deep learning models work", "deep learning. more deep learning", "web agents browse; web agents"]
    analyzer = lab.PhraseAnalyzer(lab.stop_words(), inner=lab.PHRASE_NOUNS)
    continued = lab.continued_phrases(docs, analyzer)
    assert {"multimodal machine", "pretrained language"} <= continued
    assert "deep learning" not in continued  # a complete phrase before "models"
    assert lab.continued_phrases(docs, analyzer, vocabulary=["multimodal machines"]) == {
        "multimodal machine"}
    assert "web agent" not in continued  # the run stops at punctuation
    assert "safety security" not in analyzer("agent safety, security and privacy")
    postings = lab.term_documents(docs, analyzer, ["multimodal machine", "web agents"])
    scorer = lab.LabelScorer(postings, len(docs), set(), continued=continued)
    assert scorer.is_fragment("multimodal machine", None)
    assert not scorer.is_fragment("web agents", None)


def test_large_language_models_is_a_phrase_of_its_own():
    phrases = PhraseAnalyzer(stop_words(), inner=PHRASE_NOUNS)
    terms = phrases("Emergent abilities of large language models bring large improvements")
    assert "large language models" in terms
    assert not {"large", "large language", "large improvements"} & set(terms)
    assert "large" not in PhraseAnalyzer(stop_words())("large language models")  # keywords: no
    docs = ([f"large language models of code for {w}" for w in ("completion", "repair", "search")]
            + [f"image recognition with {w} networks" for w in ("residual", "convolutional", "deep")])
    vocabulary, _ = document_vocabulary(docs, phrases)
    scorer = LabelScorer(term_documents(docs, phrases, vocabulary), len(docs), set())
    assert scorer.label(np.array([0, 1, 2]), rivals=[np.array([3, 4, 5])]) == "Large language models"


def test_section_label_is_shared_and_not_a_topic_label():
    docs = ([f"machine translation for {w} speech" for w in ("german", "french", "czech")]
            + [f"machine translation quality estimation {w}" for w in ("bleu", "comet", "human")]
            + [f"graph parsing of {w} trees" for w in ("syntax", "semantics", "discourse")])
    analyzer = PhraseAnalyzer(stop_words())
    vocabulary, _ = document_vocabulary(docs, analyzer)
    scorer = LabelScorer(term_documents(docs, analyzer, vocabulary), len(docs), set())
    label = scorer.section_label([np.array([0, 1, 2]), np.array([3, 4, 5])],
                                 avoid=["Speech translation", "Quality estimation"])
    assert label == "Machine translation"
    other = scorer.section_label([np.array([0, 1, 2]), np.array([3, 4, 5])],
                                 avoid=["Machine translation", "Quality estimation"])
    assert other.lower() != "machine translation"


def test_section_label_points_to_its_own_section():
    # "neural models" is in every paper of the two sections; "machine translation" only in the
    # first: with vectors, the first section is named by what sets it apart from the second
    docs = ([f"machine translation with neural models for {w}" for w in ("german", "french", "czech")]
            + [f"machine translation quality estimation of neural models {w}"
               for w in ("bleu", "comet", "human")]
            + [f"graph parsing with neural models of {w} trees" for w in ("syntax", "semantics")]
            + [f"dependency parsing with neural models of {w}" for w in ("treebanks", "tokens")])
    analyzer = PhraseAnalyzer(stop_words())
    vocabulary, _ = document_vocabulary(docs, analyzer)
    postings = term_documents(docs, analyzer, vocabulary)
    vectors = np.array([[1.0, 0.1]] * 6 + [[0.1, 1.0]] * 4)

    def embed(texts):
        return np.array([[1.0, 0.0] if "translation" in t else [0.0, 1.0] if "parsing" in t
                         else [0.7, 0.7] for t in texts])

    scorer = LabelScorer(postings, len(docs), set(), vectors=vectors, embed_phrases=embed)
    label = scorer.section_label([np.array([0, 1, 2]), np.array([3, 4, 5])],
                                 avoid=["Speech translation", "Quality estimation"],
                                 rivals=[np.arange(6, 10)])
    assert label == "Machine translation"


def test_labels_never_end_in_a_shell_noun():
    from surveykit.topics import labels as lab

    docs = [f"retrieval performance of dense retrieval for {w}" for w in ("news", "law", "code")]
    analyzer = PhraseAnalyzer(stop_words(), inner=lab.PHRASE_NOUNS)
    postings = term_documents(docs, analyzer, ["retrieval performance", "dense retrieval"])
    scorer = LabelScorer(postings, len(docs), set())
    assert not scorer.is_candidate("retrieval performance")
    assert scorer.is_candidate("dense retrieval")


def test_display_label_sentence_case_keeps_acronyms():
    forms = surface_forms(["Deep RL for GUI agents", "RL again", "multi-agent RL"])
    assert display_label("multi-agent rl planning", forms) == "Multi-agent RL planning"
    assert display_label("gui agents", forms) == "GUI agents"
    assert display_label("machine translation", forms) == "Machine translation"


def test_sections_are_balanced(result):
    total = sum(s.size for s in result.sections)
    assert 2 <= len(result.sections) <= max(2, result.n_topics // 2)
    assert max(s.size for s in result.sections) <= 0.6 * total
    assert "section_criterion" in result.provenance


def test_section_grouping_respects_the_balance_rule():
    from surveykit.topics.clustering import group_topics, section_range

    assert section_range(6) == (2, 3) and section_range(12) == (3, 6) and section_range(16) == (4, 8)
    rng = np.random.default_rng(0)
    centres = np.vstack([rng.normal(0, 0.05, (7, 4)) + [1, 0, 0, 0], rng.normal(0, 0.05, (1, 4))])
    sizes = [10] * 7 + [10]
    groups, _ = group_topics(centres, sizes)
    shares = np.bincount(groups, weights=sizes) / sum(sizes)
    assert shares.max() <= 0.6 and np.bincount(groups).max() <= 4


def test_one_topic_sections_join_the_closest_section():
    from surveykit.topics.clustering import merge_singletons

    centres = np.array([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0.1, 0.9, 0], [0.8, 0.3, 0]])
    merged = merge_singletons(np.array([0, 0, 1, 1, 2]), centres, [5, 5, 5, 5, 2])
    assert merged.tolist() == [0, 0, 1, 1, 0]
    # two sections, one of them a single topic: it stays, a section without subtopics
    assert merge_singletons(np.array([0, 0, 1]), centres[:3], [5, 5, 5]).tolist() == [0, 0, 1]


def test_few_topics_without_a_balanced_grouping_make_a_flat_outline():
    from surveykit.topics.clustering import group_topics, merge_singletons

    # two big topics close together, three small ones apart: any 2-section cut puts most papers in
    # one section, whose broad name would fit none of its topics; each topic is a section instead
    centres = np.array([[1, 0, 0, 0], [0.95, 0.05, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
    sizes = [24, 23, 5, 5, 7]
    groups, _ = group_topics(centres, sizes)
    assert groups.tolist() == [0, 1, 2, 3, 4]
    assert merge_singletons(groups, centres, sizes).tolist() == [0, 1, 2, 3, 4]


def _phrase_scorer(texts, vectors, phrases, vocabulary=None, generic=(), **options):
    """A LabelScorer over ``texts`` whose phrase vectors are ``phrases`` (others: [0, 0, 1])."""
    from surveykit.topics import labels as lab

    def embed(terms):
        return np.array([phrases.get(t, [0, 0, 1]) for t in terms], dtype=float)

    postings = lab.term_documents(texts, lab.PhraseAnalyzer(frozenset()), vocabulary or list(phrases))
    return lab.LabelScorer(postings, len(texts), set(generic), vectors=np.asarray(vectors, dtype=float),
                           embed_phrases=embed, **options)


def test_labels_name_their_own_topic_rather_than_the_field():
    # four papers per topic; "language tasks" is in every paper of both topics' texts, the subject
    # phrases each in one topic; the phrase vectors put "language tasks" between both centres
    texts = ["constituency parsing language tasks"] * 4 + ["hate speech language tasks"] * 4
    vectors = np.array([[1.0, 0.1, 0.0]] * 4 + [[0.1, 1.0, 0.0]] * 4)
    phrases = {"constituency parsing": [1, 0, 0], "hate speech": [0, 1, 0], "language tasks": [0.7, 0.7, 0]}
    scorer = _phrase_scorer(texts, vectors, phrases)
    first, second = np.arange(4), np.arange(4, 8)
    identifies = scorer.identifies(["constituency parsing", "language tasks"], first, [second])
    assert identifies[0] > 0.99 and 0.4 < identifies[1] < 0.6
    assert scorer.identifies(["language tasks"], first, []).tolist() == [1.0]


def test_a_small_topic_can_be_named_by_a_central_phrase_of_one_paper():
    """Six papers on attacks whose only phrase in two of them is "neural models" (a phrase of the
    whole field); "adversarial examples", in one of them, is near their centre: it names them.
    Keywords still need two papers."""
    from surveykit.topics import labels as lab

    texts = (["adversarial examples neural models", "backdoor attack neural models",
              "privacy leakage", "perturbation robustness", "concept erasure", "attack detection"]
             + ["dialogue systems neural models", "dialogue systems", "dialogue state",
                "dialogue state tracking", "dialogue policy", "neural models"])
    vectors = np.array([[1.0, 0.0, 0.0]] * 6 + [[0.0, 1.0, 0.0]] * 6)
    phrases = {"adversarial examples": [0.9, 0.1, 0.2], "neural models": [0.5, 0.5, 0.7],
               "dialogue systems": [0, 1, 0], "dialogue state": [0, 1, 0.2]}

    def embed(terms):
        return np.array([phrases.get(t, [0, 0, 1]) for t in terms], dtype=float)

    analyzer = lab.PhraseAnalyzer(frozenset())
    postings = lab.term_documents(texts, analyzer, ["adversarial examples", "neural models",
                                                    "dialogue systems", "dialogue state", "attack"])
    scorer = lab.LabelScorer(postings, len(texts), set(), vectors=vectors, embed_phrases=embed)
    attacks, dialogue = np.arange(6), np.arange(6, 12)
    assert scorer.label(attacks, rivals=[dialogue]) == "Adversarial examples"
    assert "adversarial examples" not in scorer.keywords(attacks, 5)
    large = lab.LabelScorer(postings, len(texts), set(), vectors=vectors, embed_phrases=embed)
    lab_size, lab.SINGLE_USE_GROUP = lab.SINGLE_USE_GROUP, 2  # groups above it: two papers
    try:
        assert large.label(attacks, rivals=[dialogue]) == "Neural models"
    finally:
        lab.SINGLE_USE_GROUP = lab_size


def test_field_word_is_the_noun_in_most_titles():
    from surveykit.topics.labels import field_word, stop_words

    titles = ["Web agents that browse", "Training LLM agents", "An agent for trading", "Agent safety",
              "Machine translation of tweets"]
    assert field_word(titles, stop_words()) == "agent"
    conference = ["Machine translation of tweets", "Parsing with grammars", "Sentiment of reviews"]
    assert field_word(conference, stop_words()) is None


def test_a_topic_without_a_covering_phrase_gets_a_field_compound():
    """The safety papers of an agents corpus share the noun "safety" but no phrase: "Agent safety"
    (the corpus's field noun composed with the topic's noun), not one paper's phrase."""
    from surveykit.topics import labels as lab

    texts = ["agent safety backdoor attack", "agent safety backdoor attack", "agent safety sandbox",
             "agent safety privilege", "agent web navigation", "agent web navigation",
             "agent web shopping", "agent web browsing"]
    vectors = np.array([[1.0, 0.0, 0.0]] * 4 + [[0.0, 1.0, 0.0]] * 4)
    phrases = {"agent safety": [1, 0, 0], "backdoor attack": [0.8, 0, 0.6],
               "web navigation": [0, 1, 0]}

    def embed(terms):
        return np.array([phrases.get(t, [0, 0, 1]) for t in terms], dtype=float)

    analyzer = lab.PhraseAnalyzer(frozenset())
    vocabulary = ["agent", "safety", "backdoor attack", "web", "web navigation"]
    postings = lab.term_documents(texts, analyzer, vocabulary)
    scorer = lab.LabelScorer(postings, len(texts), {"agent"}, vectors=vectors, embed_phrases=embed,
                             field="agent")
    safety, web = np.arange(4), np.arange(4, 8)
    assert scorer.label(safety, rivals=[web]) == "Agent safety"
    assert scorer.label(web, rivals=[safety]) == "Web navigation"  # a covering phrase stays
    plain = lab.LabelScorer(postings, len(texts), {"agent"}, vectors=vectors, embed_phrases=embed)
    assert plain.label(safety, rivals=[web]) == "Backdoor attack"  # no field: no compound


def test_topical_keywords_prefer_the_subject_over_prose_and_verbs():
    """"need" is in every safety paper and in no other, as "safety" is; only "safety" is near the
    topic's centre, so it leads the keywords a reader sees; a verb and a second form are dropped."""
    from surveykit.topics import labels as lab

    texts = ["we need to compare safety attack", "we need to compare safety attacks",
             "we need to compare safety risks", "we need to compare safety risks",
             "web navigation shopping", "web navigation browsing", "web shopping", "web browsing"]
    vectors = np.array([[1.0, 0.0, 0.0]] * 4 + [[0.0, 1.0, 0.0]] * 4)
    near = {"safety": [1, 0, 0], "attack": [0.9, 0, 0.4], "attacks": [0.9, 0, 0.4],
            "risks": [0.8, 0, 0.6]}

    def embed(terms):
        return np.array([near.get(t, [0, 0, 1]) for t in terms], dtype=float)

    analyzer = lab.PhraseAnalyzer(lab.stop_words())
    vocabulary, _ = lab.document_vocabulary(texts, analyzer)
    scorer = lab.LabelScorer(lab.term_documents(texts, analyzer, vocabulary), len(texts), set(),
                             fold=False, vectors=vectors, embed_phrases=embed,
                             verbs=lab.verb_like_words(texts))
    words = scorer.keywords(np.arange(4), 4, topical=True)
    assert words[0] == "safety" and "compare" not in words
    assert len({lab.fold_word(w) for w in words}) == len(words)  # "attack" or "attacks", not both


def test_one_root_per_keyword_and_the_noun_of_an_action_is_shown():
    from surveykit.topics import labels as lab

    assert lab.word_root("simulate") == lab.word_root("simulation") == lab.word_root("simulated")
    assert lab.word_root("planning") == lab.word_root("plans") == "plan"
    assert lab.word_root("transfer") != lab.word_root("translation")
    assert lab._nominal(["simulate", "simulation"]) == "simulation"
    assert lab._nominal(["planning", "plan"]) == "planning"


def test_many_topics_make_sections_of_several_topics():
    """27 topics (a 781-paper conference): no more one-section-per-topic fallback."""
    from surveykit.topics.clustering import group_topics, merge_singletons

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(27, 16))
    sizes = rng.integers(10, 60, size=27).tolist()
    groups, _ = group_topics(centres, sizes)
    groups = merge_singletons(groups, centres, sizes)
    counts = np.bincount(groups)
    assert (counts >= 2).all() and 2 <= len(counts) <= 13


def test_topics_have_keywords_and_three_representatives(result):
    for topic in result.topics:
        assert len(topic.keywords) >= 5
        assert len(topic.representative_ids) == min(3, topic.size)
        members = set(result.assignments.index[result.assignments["topic"] == topic.id])
        assert set(topic.representative_ids) <= members


def test_two_level_taxonomy_in_stable_order(result):
    assert 2 <= len(result.sections) < result.n_topics
    ids = [t for s in result.sections for t in s.topic_ids]
    assert ids == list(range(result.n_topics))  # topic ids follow the taxonomy order
    sizes = [s.size for s in result.sections]
    assert sizes == sorted(sizes, reverse=True)
    for section in result.sections:
        assert section.size == sum(result.topic(t).size for t in section.topic_ids)
    table = result.to_frame()
    assert list(table["topic_id"]) == ids
    tree = result.tree()
    assert sum(len(t["papers"]) for s in tree["sections"] for t in s["topics"]) == 73
    assert result.text_tree().startswith("1. ")


def test_save_and_load_round_trip(result, tmp_path):
    result.save(tmp_path)
    loaded = TopicResult.load(tmp_path)
    assert loaded.to_json() == result.to_json()
    assert (tmp_path / "topic_assignments.parquet").exists()


def test_fixed_number_of_topics(bundled):
    corpus, embeddings = bundled
    assert fit_topics(corpus, embeddings, TopicConfig(n_topics=9)).n_topics == 9


def test_provenance_states_the_k_criterion(result):
    prov = result.provenance
    assert prov["k_chosen"] == result.n_topics
    low, high = prov["k_range"]
    assert low <= result.n_topics <= high
    assert str(result.n_topics) in prov["k_criterion_values"]


def test_bertopic_is_imported_without_umap_or_torch():
    code = textwrap.dedent(
        """
        import sys
        import numpy as np
        from surveykit.corpus.bundled import load_bundled_corpus
        from surveykit.topics import fit_topics
        corpus = load_bundled_corpus()
        fit_topics(corpus, np.load(sys.argv[1]))
        heavy = [m for m in ("umap", "torch", "transformers", "numba") if m in sys.modules]
        print(",".join(heavy))
        """
    )
    npy = ROOT / "tests" / "fixtures" / "topics" / "bundled_minilm.npy"
    done = subprocess.run([sys.executable, "-c", code, str(npy)], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert done.stdout.strip() == ""


def test_same_bytes_in_two_fresh_processes(tmp_path):
    code = textwrap.dedent(
        """
        import sys
        import numpy as np
        from surveykit.corpus.bundled import load_bundled_corpus
        from surveykit.topics import fit_topics
        corpus = load_bundled_corpus()
        fit_topics(corpus, np.load(sys.argv[1])).save(sys.argv[2])
        """
    )
    npy = ROOT / "tests" / "fixtures" / "topics" / "bundled_minilm.npy"
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        subprocess.run([sys.executable, "-c", code, str(npy), str(out)], check=True, cwd=ROOT)
        outputs.append(((out / "topics.json").read_bytes(),
                        (out / "topic_assignments.parquet").read_bytes()))
    assert outputs[0] == outputs[1]


def test_small_and_degenerate_corpora():
    from surveykit.corpus.model import Corpus, Paper

    rng = np.random.default_rng(0)
    papers = [Paper(title=f"Paper {i} about graph neural networks", abstract="graph learning")
              for i in range(3)]
    result = fit_topics(Corpus(papers), rng.normal(size=(3, 8)).astype(np.float32))
    assert result.assignments["topic"].notna().all()
    with pytest.raises(ValueError, match="embedding rows"):
        fit_topics(Corpus(papers), np.zeros((2, 8), dtype=np.float32))


def test_figures_work_on_the_small_corpus(bundled, result):
    from surveykit.topics import barchart_figure, documents_map, hierarchy_figure

    corpus, _ = bundled
    points = documents_map(result, corpus)
    assert sum(len(trace.x) for trace in points.data if trace.x is not None) >= len(corpus)
    assert len(hierarchy_figure(result).data) > 0
    assert len(barchart_figure(result).data) == result.n_topics
    with pytest.raises(ValueError, match="fitted BERTopic model"):
        barchart_figure(TopicResult.from_dict(result.to_dict()))


@pytest.mark.parametrize(
    ("term", "modifier"),
    [
        ("automated", True), ("social", True), ("strategic", True), ("risks associated", True),
        ("retrieval", False), ("information retrieval", False), ("dense retrieval", False),
        ("logic", False), ("summary", False), ("social simulation", False), ("multi-agent", False),
        ("pre-trained", True), ("cross-modal", True), ("fine-tuning", False),
        ("cross-lingual transfer", False),
    ],
)
def test_modifier_rule_keeps_nouns_with_adjective_endings(term, modifier):
    from surveykit.topics.labels import is_modifier

    assert is_modifier(term) is modifier


def test_system_names_are_not_label_terms():
    from surveykit.topics.labels import is_name

    forms = surface_forms(["AgentPoison attacks agents. We train an RL policy on WebShop."])
    assert is_name("agentpoison", forms) and is_name("webshop tasks", forms)
    assert not is_name("rl", forms) and not is_name("backdoor attacks", forms)


def test_proper_nouns_keep_their_capital_in_sentence_case():
    forms = surface_forms(["We translate Chinese text. Chinese is hard; we use Chinese data.",
                           "Models for English and Chinese. The models are big."])
    assert forms.get("chinese") == "Chinese" and "models" not in forms and "we" not in forms
    assert display_label("cross-lingual transfer chinese", forms) == "Cross-lingual transfer Chinese"


def test_hyphenated_title_case_is_not_an_acronym():
    forms = surface_forms(["A Multi-Agent System. Our Multi-Agent setup uses GPT-4o and GUI tools."])
    assert "multi-agent" not in forms and forms["gpt-4o"] == "GPT-4o" and forms["gui"] == "GUI"


def test_conference_sized_corpus_gets_sections_of_several_topics(shared_datasets):
    """The 828 EMNLP-22 papers at k = 27 (a stand-in for the 781-paper, 27-topic conference where
    every section score was 0 and the fallback made 12 sections, 4-5 of them one topic repeating
    its topic's label): sections of several topics, each named by a phrase every one of its topics
    uses and no topic's label; a topic that shares no phrase with its neighbours is a section
    without subtopics (before, "Dialogue datasets" held question answering and reinforcement
    learning, "Information extraction" speech recognition)."""
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.datasets import load_dataset
    finally:
        sys.path.remove(str(ROOT))
    from surveykit.embed import embed_texts
    from surveykit.topics.engine import MAX_SECTIONS

    data = load_dataset("emnlp22-multi")
    embeddings = embed_texts(data.texts, progress=False)
    result = fit_topics(data.corpus(), embeddings, TopicConfig(n_topics=27))
    topic_labels = {t.label.lower() for t in result.topics}
    grouped = [s for s in result.sections if len(s.topic_ids) >= 2]
    assert len(grouped) >= 4 and sum(len(s.topic_ids) for s in grouped) > len(result.topics) / 2
    assert len(result.sections) <= MAX_SECTIONS
    by_id = {t.id: t for t in result.topics}
    unnamed = []
    for section in result.sections:
        if len(section.topic_ids) == 1:  # a section without subtopics is its topic
            assert section.label == by_id[section.topic_ids[0]].label
            continue
        assert section.label.lower() not in topic_labels
        papers = [np.flatnonzero(result.assignments["topic"].to_numpy() == t) for t in section.topic_ids]
        texts = [" ".join(data.texts[i].lower() for i in rows) for rows in papers]
        first = section.label.lower().split()[0].rstrip("s")
        if not all(first in text for text in texts):
            unnamed.append(section.label)
    # a name some topic never uses only when the outline has as many sections as it may
    assert len(unnamed) <= (1 if len(result.sections) == MAX_SECTIONS else 0), unnamed
    for topic in result.topics:
        assert 2 <= len(topic.label.split()) <= 5 and "&" not in topic.label, topic.label
        assert not same_word_twice(topic.label), topic.label


def test_one_pass_vocabulary_and_postings_equal_the_two_passes():
    from surveykit.topics import labels as lab

    docs = [f"web agents browse page {i % 7} with reinforcement learning" for i in range(30)]
    docs += ["multi-agent debate for reasoning", "multi-agent debate"] * 3
    analyzer = lab.PhraseAnalyzer(lab.stop_words())
    vocabulary, df = lab.document_vocabulary(docs, analyzer)
    one_vocabulary, one_df, postings = lab.vocabulary_postings(docs, analyzer)
    assert one_vocabulary == vocabulary and one_df == df
    two = lab.term_documents(docs, analyzer, vocabulary)
    assert list(postings) == list(two)
    assert all(np.array_equal(postings[t], two[t]) for t in two)
    assert lab.evenly(list(range(10)), 20) == list(range(10))
    assert lab.evenly(list(range(100)), 20) == list(range(0, 100, 5))


def test_one_analysis_gives_the_plain_and_phrase_noun_terms_and_counts():
    """paired_terms = vocabulary_postings under both analyzers + CountVectorizer's counts."""
    from sklearn.feature_extraction.text import CountVectorizer

    from surveykit.topics import labels as lab

    texts = ["Large language models for code generation and program repair.",
             "A benchmark dataset for evaluating language agents on web tasks.",
             "Web agents: a framework for evaluating language models on web tasks.",
             "Program repair with large language models and a repair benchmark.",
             "Multi-agent systems of language agents for code generation."] * 3
    analyzer = lab.PhraseAnalyzer(lab.stop_words())
    twin = lab.PhraseAnalyzer(analyzer.stops, analyzer.ngram_range, inner=lab.PHRASE_NOUNS)
    plain, phrases, counts = lab.paired_terms(texts, analyzer)
    for got, want in ((plain, lab.vocabulary_postings(texts, analyzer)),
                      (phrases, lab.vocabulary_postings(texts, twin))):
        assert got.vocabulary == want[0] and got.doc_freq == want[1]
        assert all(np.array_equal(got.postings[t], want[2][t]) for t in got.vocabulary)
    expected = CountVectorizer(analyzer=analyzer, vocabulary=plain.vocabulary).fit_transform(texts)
    assert (counts != expected).nnz == 0


def test_topic_documents_are_counted_from_their_papers_rows():
    """BERTopic joins a topic's papers with spaces: the vectorizer sums their rows (no n-gram
    across two papers) and analyses any other document."""
    from sklearn.feature_extraction.text import CountVectorizer

    from surveykit.topics import labels as lab
    from surveykit.topics.vectorizer import KnownTextsVectorizer

    texts = ["web agents browse\nweb pages", "code agents", "web agents", "a", "program repair"]
    analyzer = lab.PhraseAnalyzer(lab.stop_words())
    plain, _, counts = lab.paired_terms(texts, analyzer)
    vectorizer = KnownTextsVectorizer(analyzer, plain.vocabulary, texts, counts)
    plainly = CountVectorizer(analyzer=analyzer, vocabulary=plain.vocabulary)
    joined = ["web agents browse web pages web agents", "code agents program repair", "web agents",
              "unseen web text"]
    got = vectorizer.fit_transform(joined).toarray()
    assert (got[1:] == plainly.fit_transform(joined[1:]).toarray()).all()
    assert (got[0] == counts[0].toarray()[0] + counts[2].toarray()[0]).all()
    assert got[0][plain.vocabulary.index("web agents")] == 2


def _kind_scorer(field: str | None = "agent"):
    """Ten multi-agent papers whose phrases split the kind's uses ("multi-agent systems",
    "multi-agent framework", "multi-agent debate"; "task decomposition" in two), six on safety;
    another topic's paper also says "multi-agent systems"."""
    texts = ["multi-agent systems debate", "multi-agent systems collaboration",
             "multi-agent framework planning", "multi-agent debate reasoning",
             "multi-agent framework tools", "task decomposition reasoning",
             "task decomposition tools", "tool learning", "reasoning chains", "model selection",
             "agent safety attack", "agent safety risks", "agent safety sandbox",
             "agent safety privilege", "agent safety backdoor", "multi-agent systems safety"]
    vectors = np.array([[1.0, 0.0, 0.0]] * 10 + [[0.0, 1.0, 0.0]] * 6)
    phrases = {"multi-agent systems": [0.9, 0.2, 0.3], "multi-agent framework": [0.9, 0.1, 0.4],
               "multi-agent debate": [0.8, 0.0, 0.6], "task decomposition": [0.95, 0.0, 0.3],
               "agent safety": [0, 1, 0]}
    return _phrase_scorer(texts, vectors, phrases, ["agent", "multi-agent", "safety", *phrases], {"agent"},
                          field=field)


def test_a_kind_of_the_field_is_named_by_the_phrase_the_corpus_uses_for_it():
    """Half the topic says "multi-agent" but no one phrase of it covers more than three papers:
    the label is the kind's own phrase that the corpus uses most ("Multi-agent systems"), not two
    fragments ("Task decomposition and multi-agent framework")."""
    scorer = _kind_scorer()
    assert scorer.is_kind_of_field("multi-agent") and not scorer.is_kind_of_field("multi-turn")
    topic, safety = np.arange(10), np.arange(10, 16)
    assert scorer.label(topic, rivals=[safety]) == "Multi-agent systems"
    assert scorer.holders("multi-agent systems", topic).tolist() == [0, 1, 2, 3, 4]


def test_no_pair_label_when_one_of_its_phrases_covers_the_other():
    """"graph parsing" (two papers, nearest the centre) covers too little of twenty papers alone;
    "text revision" covers one of them and five more: it names the topic alone, since "graph
    parsing" adds one paper to it ("A and B" only when each adds papers of its own)."""
    texts = (["graph parsing", "graph parsing text revision"] + ["text revision"] * 5
             + [f"filler{i} words{i}" for i in range(13)] + ["hate speech"] * 60)
    vectors = np.array([[1.0, 0.0, 0.0]] * 20 + [[0.0, 1.0, 0.0]] * 60)
    phrases = {"graph parsing": [1, 0, 0], "text revision": [0.15, 0, 0.99], "hate speech": [0, 1, 0]}
    scorer = _phrase_scorer(texts, vectors, phrases)
    topic, rival = np.arange(20), np.arange(20, 80)
    assert [r.term for r in scorer.terms(topic, [rival])][:2] == ["graph parsing", "text revision"]
    assert scorer.label(topic, rivals=[rival]) == "Text revision"


def test_no_field_compound_from_a_fragment_of_a_phrase():
    """"reinforcement" is in every paper of the topic, always as "reinforcement learning": no
    "Agent reinforcement", however near the composed phrase is to the topic's centre."""

    texts = ["agent reinforcement learning web", "agent reinforcement learning games",
             "agent reinforcement learning reward", "agent reinforcement learning policy",
             "agent safety attack", "agent safety risks", "agent safety sandbox", "agent safety privilege"]
    vectors = np.array([[1.0, 0.0, 0.0]] * 4 + [[0.0, 1.0, 0.0]] * 4)
    phrases = {"agent reinforcement": [1, 0, 0], "reinforcement learning": [0.8, 0, 0.6],
               "agent safety": [0, 1, 0]}
    scorer = _phrase_scorer(texts, vectors, phrases, ["agent", "reinforcement", "reinforcement learning",
                                                      "safety"], {"agent"}, field="agent")
    assert scorer.label(np.arange(4), rivals=[np.arange(4, 8)]) == "Reinforcement learning"
    assert scorer.label(np.arange(4, 8), rivals=[np.arange(4)]) == "Agent safety"


def test_few_topics_whose_sections_share_no_phrase_make_a_flat_outline(bundled, monkeypatch):
    """Up to FLAT_OUTLINE_MAX topics, a section whose name some of its topics never use (the
    bundled corpus at k=8 named simulation + science "Statistical model", in none of the simulation
    papers) groups nothing a reader can name: each topic is a section. A fixed section count stays."""
    from surveykit.topics import labels as lab

    corpus, embeddings = bundled
    grouped = fit_topics(corpus, embeddings, TopicConfig(n_topics=7))
    assert len(grouped.sections) < grouped.n_topics
    monkeypatch.setattr(lab.LabelScorer, "section_label", lambda self, *a, **k: "Statistical model")
    flat = fit_topics(corpus, embeddings, TopicConfig(n_topics=7))
    assert len(flat.sections) == flat.n_topics == 7
    assert [s.label for s in flat.sections] == [flat.topic(s.topic_ids[0]).label for s in flat.sections]
    fixed = fit_topics(corpus, embeddings, TopicConfig(n_topics=7, n_sections=2))
    assert len(fixed.sections) == 2


def test_used_in_each_needs_a_paper_of_every_group():
    texts = ["statistical model of markets", "agent simulation", "statistical model fitting"]
    postings = term_documents(texts, PhraseAnalyzer(frozenset()), ["statistical model", "agent simulation"])
    scorer = LabelScorer(postings, len(texts), set())
    assert scorer.used_in_each("Statistical model", [np.array([0]), np.array([2])])
    assert not scorer.used_in_each("Statistical model", [np.array([0]), np.array([1])])
    assert not scorer.used_in_each("Unknown phrase", [np.array([0])])


def test_code_is_a_phrase_noun():
    """"code" is a stop word alone ("code is available") but the field's noun in phrases: a
    corpus of ML-for-code papers is labelled "Code summarization", "Code search", not
    "Summarization models", "Natural language query"."""
    analyzer = PhraseAnalyzer(stop_words(), inner=PHRASE_NOUNS)
    terms = analyzer("Neural code summarization and code search; our code is available.")
    assert "code summarization" in terms and "code search" in terms and "code" not in terms
    assert not any(t.startswith("code available") for t in terms)


def test_site_names_shared_by_titles_are_not_topic_text():
    """Web entries of a .bib library end in their site's name ("— Wikipedia, The Free
    Encyclopedia"); shared by two titles it is no subject (a theme was named "Free encyclopedia").
    A subtitle after a dash that no other title shares stays."""
    from surveykit.topics.labels import without_site_names

    titles = ["Large language model \u2014 Wikipedia, The Free Encyclopedia",
              "Multimodality \u2014 Wikipedia, The Free Encyclopedia",
              "BERT - Pre-training of deep bidirectional transformers", "GPT-4 Technical Report"]
    assert without_site_names(titles) == ["Large language model", "Multimodality", *titles[2:]]


def test_an_unnamed_section_is_split_along_the_tree_and_a_lone_topic_joins_a_name_it_uses():
    """A section whose name some topic never uses splits in two (Ward over its topics); a topic
    left alone joins its nearest section when it uses that section's name as much as the section
    does, else it is a section without subtopics."""
    from surveykit.topics.engine import _nameable_sections

    rows_of = {t: np.array([2 * t, 2 * t + 1]) for t in range(4)}
    topic_of = {int(r): t for t, rows in rows_of.items() for r in rows}

    class Scorer:
        def keywords(self, rows, n, topical=True):
            return []

        def section_label(self, groups, avoid=(), taken=(), rivals=()):
            topics = {topic_of[int(r)] for g in groups for r in g}
            return "Shared phrase" if topics <= {0, 1, 2} else "Broad phrase"

        def use_share(self, label, rows):
            users = {0, 1, 2} if label == "Shared phrase" else {0}
            return float(np.mean([topic_of[int(r)] in users for r in rows]))

        def used_in_each(self, label, groups):
            return all(self.use_share(label, g) > 0 for g in groups)

        def nearest_name(self, names, rows):
            return "Broad phrase" if "Broad phrase" in names else None

    centroids = np.array([[1.0, 0.0, 0.0], [0.98, 0.2, 0.0], [0.0, 1.0, 0.0], [0.0, 0.9, 0.4]])

    def outline(titles=frozenset()):
        members, order, keys = _nameable_sections(
            [0, 1, 2, 3], np.zeros(4, dtype=int), centroids, dict.fromkeys(range(4), 2), rows_of,
            {t: f"Topic {t}" for t in range(4)}, (Scorer(), Scorer()), titles)
        return sorted((keys[g][0], sorted(members[g])) for g in order)

    assert outline() == [("Shared phrase", [0, 1, 2]), ("Topic 3", [3])]
    # topics known by their titles alone fit a name their few words never hold when it is the
    # nearest of the outline's names to them
    assert outline(titles={2, 3}) == [("Broad phrase", [2, 3]), ("Shared phrase", [0, 1])]


def test_a_pair_label_never_takes_a_phrase_of_the_whole_field():
    """"A and B" needs a B that points to the topic about as surely as A (half at least): a
    phrase the rival topics use as much ("NLP tasks") adds papers to any topic and names none
    (EMNLP-22 had "Semantic parsing and NLP tasks"); a specific one may join."""

    def label(second: str, vector: list[float]) -> str:
        texts = (["semantic parsing"] * 2 + [second] * 2 + [f"filler{i} words{i}" for i in range(16)]
                 + ["hate speech"] * 57 + [f"hate speech {second}"] * 3)
        vectors = np.array([[1.0, 0.0, 0.0]] * 20 + [[0.0, 1.0, 0.0]] * 60)
        phrases = {"semantic parsing": [1, 0, 0], second: vector, "hate speech": [0, 1, 0]}
        scorer = _phrase_scorer(texts, vectors, phrases)
        return scorer.label(np.arange(20), rivals=[np.arange(20, 80)])

    assert label("nlp tasks", [0.55, 0.83, 0.0]) == "Semantic parsing"
    assert label("text revision", [0.9, 0.0, 0.44]) == "Semantic parsing and text revision"


def test_a_field_compound_never_takes_a_verb_and_follows_the_corpus_s_word_order():
    """"We argue" once and "then argue": a verb, never the noun of "Agent argue"; a noun the corpus
    puts before the field ("web agents", never "agent web") is composed in that order."""
    from surveykit.topics import labels as lab

    texts = ["We argue that agents debate. Then argue again.", "The agents act on the web."]
    assert "argue" in lab.never_nouns(texts) and "agents" not in lab.never_nouns(texts)
    postings = {"web agents": np.array([0, 1]), "agent safety": np.array([2, 3]),
                "web": np.array([0, 1, 4]), "safety": np.array([2, 3]), "argue": np.array([4, 5])}
    scorer = lab.LabelScorer(postings, 6, set(), field="agent", never_nouns={"argue"})
    assert scorer._composed_phrase("web") == "web agents"
    assert scorer._composed_phrase("safety") == "agent safety"
    assert scorer.is_compound_noun("safety") and not scorer.is_compound_noun("argue")


def test_a_section_name_is_never_its_topics_doer_or_doing():
    """"Semantic parser" over a topic named "Semantic parsing" repeats the topic's label: the
    label stems treat the agent noun and the gerund of one verb as one word."""
    from surveykit.topics.labels import _stems, same_word_twice

    assert _stems("semantic parser") == _stems("semantic parsing")
    assert _stems("task planner") == _stems("task planning")
    assert _stems("code parser") != _stems("code paper")
    assert same_word_twice("Parsers and parsing") and not same_word_twice("Code search")


def test_a_section_name_few_of_its_papers_use_does_not_group_its_topics():
    """"Named entity recognition" in one paper of each of two large topics is no name for them:
    a section's name is used by 5% of its papers, else the section splits."""
    from surveykit.topics.engine import SECTION_NAME_SHARE, _unnamed

    rows_of = {0: np.arange(0, 40), 1: np.arange(40, 80)}
    users = {0, 40}  # one paper of each topic

    class Scorer:
        def used_in_each(self, label, groups):
            return all(np.isin(g, list(users)).any() for g in groups)

        def use_share(self, label, rows):
            return float(np.isin(rows, list(users)).mean())

    keys = {0: ("Named entity recognition", [])}
    assert SECTION_NAME_SHARE > 2 / 80
    assert _unnamed({0: [0, 1]}, [0], keys, rows_of, Scorer()) == [0]
    users.update(range(1, 4))  # a name 5 of the 80 papers use
    assert _unnamed({0: [0, 1]}, [0], keys, rows_of, Scorer()) == []


def test_prefixed_words_keep_their_own_stems():
    """"Multimodal" is not "multi-agent" (a 5-letter stem made them one word, so one topic's
    label barred the other's); forms of one word stay one ("multimodal"/"multimodality")."""
    from surveykit.topics.labels import _stems, same_word_twice

    assert _stems("multimodal agents") != _stems("multi-agent systems")
    assert _stems("multimodality") == _stems("multimodal")
    assert _stems("machine translation") != _stems("machine transformers")
    assert not same_word_twice("Multimodal multi-agent systems")
    assert same_word_twice("Interaction and interactive")


def test_the_topic_a_phrase_names_best_chooses_its_label_first():
    """Labels are chosen strongest claim first (a label's word names one topic): a small topic
    every paper of which says "Multimodality" before a larger one where it is one word of several;
    topics without a candidate phrase after, by the share their fallback word names."""
    from surveykit.topics import labels as lab
    from surveykit.topics.engine import _naming_order

    rows_of = {0: np.arange(9), 1: np.arange(9, 14), 2: np.arange(14, 18), 3: np.arange(18, 20)}
    best = {0: 0.2, 1: 0.9}
    fallback_share = {2: 0.25, 3: 1.0}

    class Scorer:
        def terms(self, rows, rivals):
            topic = next(t for t, r in rows_of.items() if r[0] == rows[0])
            return [lab.Scored("x", best[topic], 0.5, 2, 1.0)] if topic in best else []

        def fallback(self, rows, taken):
            return "word"

        def use_share(self, label, rows):
            return fallback_share[next(t for t, r in rows_of.items() if r[0] == rows[0])]

    rivals = {t: [] for t in rows_of}
    assert _naming_order(Scorer(), [0, 1, 2, 3], rows_of, rivals) == [1, 0, 3, 2]
