"""Facet-grouped synthesis: comparative sentences cite exactly the papers of each value, every paper
gets a substantive clause, results carry numbers, scene-setting is not used as content."""

from __future__ import annotations

import pandas as pd

from surveykit.attributes import extract_attributes
from surveykit.bib.stage import citation_keys
from surveykit.corpus.model import Corpus, Paper
from surveykit.draft.metrics import draft_metrics, is_comparative
from surveykit.draft.model import Cite
from surveykit.draft.outline import Drafter
from surveykit.draft.sentences import paper_sentences
from surveykit.draft.stage import draft_document
from surveykit.draft.synthesis import (
    comparative_sentence,
    contribution_sentence,
    result_sentence,
    theme_facets,
)
from tests.test_draft import fake_taxonomy, fixture_config, fixture_corpus


def _long(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"paper_id": p, "attribute": a, "value": v, "value_label": v.capitalize()} for p, a, v in rows]
    )


def test_comparative_sentence_cites_exactly_the_papers_of_each_value():
    long = _long([("a", "training", "finetuning"), ("b", "training", "finetuning"),
                  ("c", "training", "rl"), ("d", "agents", "multi")])
    facets = theme_facets(long, ["a", "b", "c", "d"])
    training = next(f for f in facets if f.attribute == "training")
    sentence = comparative_sentence(training, lambda p: f"key-{p}", {}, 4)
    assert is_comparative(sentence)
    cites = [s for s in sentence.segments if isinstance(s, Cite)]
    assert [c.keys for c in cites] == [("key-a",), ("key-b",), ("key-c",)]
    text = sentence.plain()
    assert "fine-tune the model" in text and ", while " in text and "trains with reinforcement" in text
    assert set(sentence.paper_ids) == {"a", "b", "c"}


def test_a_value_every_paper_shares_is_no_facet():
    long = _long([(p, "agents", "multi") for p in "abc"])
    assert theme_facets(long, ["a", "b", "c"]) == []


def test_contribution_and_result_come_from_the_papers_own_claims():
    paper = Paper(
        id="x", title="X: A Test", authors=["A B", "C D"],
        abstract=("Large language models have shown remarkable abilities in many tasks. "
                  "We propose X, a planner that decomposes tasks for web agents. "
                  "On WebArena, X improves the success rate by 12.5% over the strongest baseline."),
    )
    sentences = paper_sentences(paper)
    roles = {0: "background", 1: "method", 2: "result"}
    best = contribution_sentence(sentences, roles, "X", set())
    assert best is not None and best.index == 1
    result = result_sentence(sentences, roles, {(best.paper_id, best.index)})
    assert result is not None and "12.5%" in result.text


def fixture_draft(tmp_path):
    """The fixture corpus drafted with the default options: (document, drafter, metrics)."""
    corpus = fixture_corpus()
    assignments, topics = fake_taxonomy(corpus)
    config = fixture_config(tmp_path)
    keys = citation_keys(config, corpus)
    attributes = extract_attributes(corpus, embeddings=False)
    document, drafter = draft_document(config, corpus, assignments, topics, keys, attributes)
    return document, drafter, draft_metrics(document, drafter)


def test_fixture_draft_names_no_paper_without_a_clause(tmp_path):
    document, drafter, metrics = fixture_draft(tmp_path)
    assert metrics["name_only_papers"] == 0
    assert metrics["scene_setting_sentences"] == 0
    text = "\n".join(s.plain() for _, s in document.sentences())
    assert "Further work on" not in text and "Other papers on" not in text
    assert "Relatedly" not in text


def test_drafter_without_roles_falls_back_to_cue_roles():
    corpus = Corpus([Paper(id="p1", title="P1", abstract="We propose a tool for agents that works well.")])
    assignments = pd.DataFrame({"topic": [0], "topic_label": ["T"], "section": [0], "section_label": ["S"],
                                "score": [1.0]}, index=["p1"])
    topics = pd.DataFrame([{"topic": 0, "label": "T", "section": 0, "section_label": "S", "size": 1,
                            "keywords": [], "representatives": ["p1"]}])
    drafter = Drafter(corpus, assignments, topics, {"p1": "k1"})
    sentences = drafter.paper_sentences("p1")
    assert sentences and sentences[0].kind in ("extract", "summary")


def test_facets_of_a_corpus_without_agent_attributes_do_not_speak_of_agents():
    """An NLP corpus (its agent attributes left out) compares training without "the agent"."""
    plain = _long([("a", "training", "finetuning"), ("b", "training", "finetuning"), ("c", "training", "rl")])
    lead = next(f for f in theme_facets(plain, ["a", "b", "c"]) if f.attribute == "training").lead
    assert "agent" not in lead and lead == "In how they train or prompt the model, "
    agents = _long([("a", "training", "finetuning"), ("b", "training", "finetuning"), ("c", "training", "rl"),
                    ("c", "memory", "yes")])
    lead = next(f for f in theme_facets(agents, ["a", "b", "c"]) if f.attribute == "training").lead
    assert "agent" in lead


def test_value_labels_keep_their_acronyms_in_a_sentence():
    from surveykit.draft.synthesis import value_phrase

    assert value_phrase("domain", "gui", "GUI/OS", True) == "target GUI/OS tasks"
    assert value_phrase("domain", "web", "Web", False) == "targets web tasks"
    assert value_phrase("domain", "games", "Games", True) == "target games"
    assert value_phrase("modality", "3d", "3D", True) == "handle 3D input"


def test_one_paper_cited_as_et_al_takes_a_plural_verb_and_keeps_a_singular_object():
    from surveykit.corpus.model import Paper
    from surveykit.draft.sentences import cited_as_plural
    from surveykit.draft.synthesis import value_phrase

    assert value_phrase("contribution", "empirical", "", True, 1) == "report an empirical study"
    assert value_phrase("components", "planning", "", True, 1) == "plan or search explicitly"
    assert value_phrase("components", "safety", "", True, 1) == "address safety and attacks"
    assert value_phrase("contribution", "empirical", "", True) == "report empirical studies"
    assert value_phrase("training", "prompting", "", False, 1) == "prompts a frozen model"
    assert cited_as_plural(Paper(title="T", id="a", authors=["Chen, A.", "Li, B."]))
    assert not cited_as_plural(Paper(title="T", id="b", authors=["Chen, A."]))
    assert not cited_as_plural(Paper(title="Can Agents Fix Agent Issues?", id="c"))  # cited by title


def test_a_theme_is_summed_up_by_what_sets_it_apart():
    """The conclusion names, per theme, the value its papers hold far more often than the corpus
    ("address safety"), not the one most papers everywhere hold ("propose methods")."""
    ids = [f"p{i}" for i in range(8)]
    corpus = Corpus([Paper(id=p, title=p.upper(), abstract="We propose a tool for agents.") for p in ids])
    topic = [0, 0, 0, 0, 1, 1, 1, 1]
    assignments = pd.DataFrame({"topic": topic, "topic_label": [f"T{t}" for t in topic], "section": topic,
                                "section_label": [f"T{t}" for t in topic], "score": [1.0] * 8}, index=ids)
    topics = pd.DataFrame([{"topic": t, "label": f"T{t}", "section": t, "section_label": f"T{t}", "size": 4,
                            "keywords": [], "representatives": ids[4 * t:4 * t + 1]} for t in (0, 1)])
    long = _long([(p, "contribution", "method") for p in ids]
                 + [(p, "safety", "yes") for p in ("p0", "p1", "p2")] + [("p4", "safety", "yes")])
    drafter = Drafter(corpus, assignments, topics, {p: f"k{p}" for p in ids}, attributes=long)
    assert drafter._characteristic_value(ids[:4]) == ("address safety and attacks", ["p0", "p1", "p2"])
    assert drafter._characteristic_value(ids[4:]) is None  # nothing sets it apart


def test_theme_names_with_an_and_of_their_own_are_listed_with_semicolons():
    from surveykit.draft.framing import _name_list

    assert _name_list(["Social biases", "Fact verification", "Adversarial examples"]) == (
        "Social biases, Fact verification and Adversarial examples")
    assert _name_list(["Semantic parsing and NLP tasks", "Machine translation"]) == (
        "Semantic parsing and NLP tasks; Machine translation")


def test_related_surveys_are_ordered_newest_first_only_when_they_have_years():
    papers = [Paper(id=f"s{i}", title=f"A survey of topic {i}", abstract="We survey the field of agents.",
                    year=year) for i, year in enumerate((2021, 2024))]
    papers.append(Paper(id="p", title="P", abstract="We propose a tool for agents that works well."))

    def lead(corpus_papers):
        corpus = Corpus(corpus_papers)
        assignments = pd.DataFrame({"topic": [0], "topic_label": ["T"], "section": [0],
                                    "section_label": ["S"], "score": [1.0]}, index=["p"])
        topics = pd.DataFrame([{"topic": 0, "label": "T", "section": 0, "section_label": "S", "size": 1,
                                "keywords": [], "representatives": ["p"]}])
        drafter = Drafter(corpus, assignments, topics, {p.id: f"k{p.id}" for p in corpus_papers},
                          related=["s0", "s1"])
        return drafter.related_surveys().sentences[0].plain()

    dated = lead(papers)
    assert dated.startswith("Two earlier surveys") and "(newest first):" in dated
    assert dated.index("ks1") < dated.index("ks0")
    undated = lead([Paper(id=p.id, title=p.title, abstract=p.abstract) for p in papers])
    assert "newest" not in undated and undated.endswith("thematic sections:")


def test_both_x_and_y_is_no_reference_back():
    """"for both understanding and generation" names its two things; "both problems" and "both
    strategies" lean on the sentences before them (mPLUG's contribution lost to a sentence about
    prior work because of its "both ... and")."""
    from surveykit.draft.synthesis import DANGLING

    assert not DANGLING.search("mPLUG, a model for both cross-modal understanding and generation.")
    assert not DANGLING.search("It improves both speed and accuracy.")
    assert DANGLING.search("To address both problems, we add X and Y.")
    assert DANGLING.search("Both strategies improve accuracy.")
    assert DANGLING.search("They explore both strategies on the 7B and 13B models.")


def test_themes_with_nothing_to_sum_up_share_one_sentence_of_the_conclusion():
    from surveykit.draft.model import Section

    ids = [f"p{i}" for i in range(10)]
    corpus = Corpus([Paper(id=p, title=p.upper(), abstract="We propose a tool for agents.") for p in ids])
    topic = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3]
    assignments = pd.DataFrame({"topic": topic, "topic_label": [f"T{t}" for t in topic], "section": topic,
                                "section_label": [f"T{t}" for t in topic], "score": [1.0] * 10}, index=ids)
    topics = pd.DataFrame([{"topic": t, "label": f"T{t}", "section": t, "section_label": f"T{t}",
                            "size": topic.count(t), "keywords": [], "representatives": [ids[topic.index(t)]]}
                           for t in range(4)])
    long = _long([(p, "contribution", "method") for p in ids]
                 + [(p, "safety", "yes") for p in ("p0", "p1", "p2")])
    drafter = Drafter(corpus, assignments, topics, {p: f"k{p}" for p in ids}, attributes=long)
    built = [Section(f"T{t}", f"sec:section-{t}") for t in range(4)]
    sentences = drafter.conclusion(built).blocks[0].sentences
    texts = [s.plain() for s in sentences]
    assert texts[0].startswith("T0") and "3 of which address safety and attacks" in texts[0]
    assert texts[1].startswith("The other themes are T1") and "T2" in texts[1] and "and T3" in texts[1]
    assert len(texts) == 3  # and the challenges' sentence


def test_the_years_sentence_names_the_peak_and_the_latest_year():
    ids = [f"p{i}" for i in range(9)]
    years = [2020, 2020, 2020, 2020, 2021, 2022, 2022, 2022, 2023]
    corpus = Corpus([Paper(id=p, title=p.upper(), abstract="We propose a tool.", year=y)
                     for p, y in zip(ids, years, strict=True)])
    assignments = pd.DataFrame({"topic": [0] * 9, "topic_label": ["T0"] * 9, "section": [0] * 9,
                                "section_label": ["T0"] * 9, "score": [1.0] * 9}, index=ids)
    topics = pd.DataFrame([{"topic": 0, "label": "T0", "section": 0, "section_label": "T0", "size": 9,
                            "keywords": [], "representatives": ids[:1]}])
    drafter = Drafter(corpus, assignments, topics, {p: f"k{p}" for p in ids})
    texts = [s.plain() for s in drafter.field_framing([], years_figure="fig:years").sentences]
    assert any(t.startswith("Most papers appeared in 2020 (4), and 1 in 2023, the latest year")
               for t in texts), texts


def _flat_drafter(labels: list[str], sizes: list[int], long: pd.DataFrame | None = None) -> Drafter:
    """A drafter over one-theme sections with the given labels and sizes."""
    topic = [t for t, n in enumerate(sizes) for _ in range(n)]
    ids = [f"p{i}" for i in range(len(topic))]
    corpus = Corpus([Paper(id=p, title=p.upper(), abstract="We propose a tool for agents.") for p in ids])
    assignments = pd.DataFrame({"topic": topic, "topic_label": [labels[t] for t in topic], "section": topic,
                                "section_label": [labels[t] for t in topic], "score": [1.0] * len(ids)},
                               index=ids)
    topics = pd.DataFrame([{"topic": t, "label": labels[t], "section": t, "section_label": labels[t],
                            "size": n, "keywords": [], "representatives": [ids[topic.index(t)]]}
                           for t, n in enumerate(sizes)])
    return Drafter(corpus, assignments, topics, {p: f"k{p}" for p in ids}, attributes=long)


def test_a_conclusion_of_bare_themes_only_does_not_say_the_other_themes():
    from surveykit.draft.model import Section

    drafter = _flat_drafter(["T0", "T1", "T2"], [2, 2, 2])
    built = [Section(f"T{t}", f"sec:section-{t}") for t in range(3)]
    texts = [s.plain() for s in drafter.conclusion(built).blocks[0].sentences]
    assert texts[0].startswith("The themes are T0"), texts


def test_a_count_of_one_paper_takes_a_singular_verb():
    long = _long([("p0", "domain", "games")])
    drafter = _flat_drafter(["T0"], [3], long)
    texts = [s.plain() for s in drafter.field_framing([]).sentences]
    assert any("Across the corpus, 1 paper targets games" in t for t in texts), texts
    assert "Of these papers, 1 targets games." in drafter.abstract_text([])


def test_the_miscellany_is_not_named_among_the_largest_themes():
    drafter = _flat_drafter(["Other papers", "Web agents", "Tool use"], [9, 3, 2])
    texts = [s.plain() for s in drafter.field_framing([]).sentences]
    assert "largest themes are Web agents (Section" in texts[0], texts
    assert "Other papers (Section" not in texts[0]
