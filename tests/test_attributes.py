"""Attribute extraction: sentence splitting, patterns with negatives, numbers, URLs, benchmark
names, the schema format and its config overrides, zero-shot fallback, persistence."""

from __future__ import annotations

import json

import numpy as np
import pytest

from surveykit.attributes import (
    AttributeTable,
    SchemaError,
    extract_attributes,
    load_schema,
    schema_from_config,
    schema_from_dict,
    split_sentences,
)
from surveykit.attributes.benchmarks import title_name
from surveykit.attributes.numbers import find_numbers
from surveykit.attributes.schema import compile_pattern
from surveykit.config import parse_config
from surveykit.corpus.model import Corpus, Paper


def corpus_of(*records: tuple[str, str] | dict) -> Corpus:
    papers = []
    for record in records:
        if isinstance(record, tuple):
            record = {"title": record[0], "abstract": record[1]}
        papers.append(Paper(**{k: v for k, v in record.items() if k != "expect"}))
    return Corpus(papers)


def values(table: AttributeTable, attribute: str, index: int = 0) -> list[str]:
    return table.values(table.paper_ids[index], attribute)


# --- sentences --------------------------------------------------------------------------------


def test_splitter_keeps_abbreviations_decimals_and_versions_together():
    text = (
        "Agents (e.g. ReAct, i.e. a loop) beat Smith et al. by 37.5% vs. v1.0 of the baseline. "
        "Could they plan? Yes! Steps: 1. Select; 2. Act. Done."
    )
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Agents (e.g. ReAct, i.e. a loop) beat Smith et al. by 37.5% vs. v1.0 of the baseline.",
        "Could they plan?",
        "Yes!",
        "Steps: 1. Select; 2. Act.",
        "Done.",
    ]
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_splitter_splits_a_missing_space_after_a_full_stop():
    assert [s.text for s in split_sentences("a hard game.To play it we plan.")] == [
        "a hard game.",
        "To play it we plan.",
    ]
    assert split_sentences("") == []


# --- patterns ------------------------------------------------------------------------------------


def test_patterns_match_whole_words_and_acronyms_by_case():
    rl = compile_pattern("RL", "t")
    assert rl.search("trained with RL.") and not rl.search("a url or rl") and not rl.search("CURL")
    agent = compile_pattern("agents?", "t")
    assert agent.search("LLM-based agents act") and not agent.search("agentic systems")
    assert compile_pattern("(?-i:\\w*Bench)", "t").search("MLAgentBench") is not None
    assert compile_pattern("(?-i:\\w*Bench)", "t").search("a bench") is None
    with pytest.raises(SchemaError, match="not a valid regex"):
        compile_pattern("robot(s", "file.toml: attribute 'x'")


@pytest.fixture(scope="module")
def examples(fixtures_dir):
    records = json.loads((fixtures_dir / "attributes" / "abstracts.json").read_text())
    table = extract_attributes(corpus_of(*records), embeddings=False)
    return records, table


def test_hand_written_examples(examples):
    records, table = examples
    for index, record in enumerate(records):
        for attribute, expected in record["expect"].items():
            assert values(table, attribute, index) == expected, (record["title"], attribute)


def test_negatives_cancel_only_what_they_overlap():
    corpus = corpus_of(
        ("A", "Our agent works without fine-tuning. Later, we fine-tune a small model on its traces."),
        ("B", "The agent is training-free and needs no additional training or fine-tuning."),
        ("C", "We survey the literature on agents."),
        ("D", "The survey respondents liked the agents."),
    )
    table = extract_attributes(corpus, embeddings=False)
    assert values(table, "training", 0) == ["finetuning"]
    assert values(table, "training", 1) == ["prompting"]
    assert values(table, "contribution", 2) == ["survey"]
    assert values(table, "contribution", 3) == []


def test_evidence_points_at_the_sentence_and_the_match():
    paper = Paper(
        title="HiAgent: Hierarchical Working Memory", abstract="Agents act. They keep a memory module."
    )
    table = extract_attributes(Corpus([paper]), embeddings=False)
    row = table.long[table.long["attribute"] == "memory"].iloc[0]
    assert row["source"] == "title" and row["matched"] == "Memory"
    row = table.long[table.long["attribute"] == "contribution"].iloc[0]
    assert row["value"] == "method" and row["source"] == "title" and row["method"] == "pattern"
    abstract_paper = Paper(title="x", abstract="Agents act. They keep a memory module.")
    table = extract_attributes(Corpus([abstract_paper]), embeddings=False)
    row = table.long[table.long["attribute"] == "memory"].iloc[0]
    assert (row["source"], row["sentence"], row["evidence"]) == ("abstract", 1, "They keep a memory module.")
    assert abstract_paper.abstract[row["start"] : row["end"]] == row["evidence"]
    assert abstract_paper.abstract[row["match_start"] : row["match_end"]] == "memory"


def test_category_prefers_title_evidence_then_priority():
    corpus = corpus_of(
        ("Agent Tricks: A Survey", "We propose a new framework to organise the field."),
        ("Plain title", "We propose a framework. This position paper argues for small models."),
    )
    table = extract_attributes(corpus, embeddings=False)
    assert values(table, "contribution", 0) == ["survey"]
    assert values(table, "contribution", 1) == ["position"]


# --- numbers, URLs, benchmark names ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("BLADE consists of 12 datasets and research questions.", ["12 datasets"]),
        (
            "We test nine proprietary LMM APIs and eight open models.",
            ["9 proprietary LMM APIs", "8 open models"],
        ),
        ("a benchmark of 111 problems spanning the years 2000 to 2025", ["111 problems"]),
        ("MLAgentBench, a suite of 13 tasks with 1,225 test cases", ["13 tasks", "1,225 test cases"]),
        ("the 7B and 13B models reach 37.5% on GPT-4 tasks, 1800x fewer examples", []),
        (
            "approximately 60 benchmarks and 7k multi-turn interactions",
            ["approximately 60 benchmarks", "7k multi-turn interactions"],
        ),
    ],
)
def test_numbers_stated(sentence, expected):
    units = [
        "tasks?",
        "datasets?",
        "problems?",
        "APIs?",
        "models?",
        "test cases?",
        "benchmarks?",
        "interactions?",
    ]
    assert [p.value for p in find_numbers(sentence, units)] == expected


def test_code_urls_from_metadata_and_abstract_without_duplicates():
    corpus = corpus_of(
        {
            "title": "A",
            "abstract": "Code: https://github.com/a/b. Demo at github.com/a/c.",
            "code_url": "https://github.com/a/b/",
        },
        {"title": "B", "abstract": "We will open-source our code to help the community.", "code_url": None},
        {"title": "C", "abstract": "No links here.", "code_url": "https://c.example.org"},
    )
    table = extract_attributes(corpus, embeddings=False)
    assert values(table, "code", 0) == ["https://github.com/a/b", "https://github.com/a/c"]
    assert values(table, "code", 1) == ["stated"]
    assert values(table, "code", 2) == ["https://c.example.org"]
    row = table.long[
        (table.long["attribute"] == "code") & (table.long["paper_id"] == table.paper_ids[2])
    ].iloc[0]
    assert (row["source"], row["method"], row["sentence"]) == ("metadata:code_url", "metadata", -1)


def test_benchmark_names():
    assert title_name("BLADE: Benchmarking Language Model Agents") == "BLADE"
    assert title_name("ToolChain*: Efficient Navigation") == "ToolChain*"
    assert title_name("Put Your Money Where Your Mouth Is: Evaluating") is None
    assert title_name("Multi-Agent Collaboration Mechanisms: A Survey") is None
    corpus = corpus_of(
        ("Can agents fix issues?", "We construct FIXBENCH, a reproducible benchmark comprising 50 tasks."),
        (
            "Can LLMs plan trips? Let's Take TripPlanner as an Example",
            "We present our study using a realistic benchmark, TripPlanner, where agents plan.",
        ),
        ("VidAgent: Long Video Agents", "On the LongVideoBench dataset, VidAgent improves accuracy."),
    )
    table = extract_attributes(corpus, embeddings=False)
    assert values(table, "benchmark", 0) == ["FIXBENCH"]
    assert values(table, "size", 0) == ["50 tasks"]
    assert values(table, "benchmark", 1) == ["TripPlanner"]
    assert table.long[table.long["attribute"] == "benchmark"]["method"].tolist() == ["introduced", "studied"]
    assert values(table, "benchmark", 2) == []


# --- schema -----------------------------------------------------------------------------------------


def test_default_schema_loads_and_names_its_attributes():
    schema = load_schema()
    for name in (
        "contribution",
        "agents",
        "training",
        "tools",
        "memory",
        "planning",
        "domain",
        "size",
        "code",
    ):
        assert name in schema
    assert [v.name for v in schema["contribution"].values] == [
        "position",
        "survey",
        "benchmark",
        "empirical",
        "method",
    ]


def test_config_overrides_add_remove_and_extend(fixtures_dir, tmp_path):
    data = {
        "attributes": {
            "file": str(fixtures_dir / "attributes" / "extra_attributes.toml"),
            "remove": ["modality", "reflection"],
            "tools": {"label": "Tool use", "more_negative": ["toolkit"]},
            "domain": {"values": {"finance": {"label": "Money"}, "travel": {"patterns": ["travel\\w*"]}}},
            "training": {"remove_values": ["prompting"], "values": {"finetuning": {"unless": []}}},
        }
    }
    config = parse_config(data, tmp_path / "survey.toml")
    schema = schema_from_config(config)
    assert "modality" not in schema and "reflection" not in schema
    assert schema.names[-1] == "robotics" and schema["tools"].label == "Tool use"
    assert any(p.pattern == r"(?<!\w)(?:toolkit)(?!\w)" for p in schema["tools"].values[0].negative)
    assert schema["domain"].value("finance").label == "Money"
    assert schema["domain"].values[-1].name == "travel"
    assert [v.name for v in schema["training"].values] == ["finetuning", "rl"]
    assert len(schema["memory"].values[0].negative) > 1
    table = extract_attributes(
        corpus_of(("R", "A robot arm travels and uses a toolkit.")), schema, embeddings=False
    )
    assert values(table, "robotics") == ["yes"] and values(table, "domain") == ["embodied", "travel"]
    assert values(table, "tools") == []


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"memory": {"kind": "color"}}, "attribute 'memory': 'kind' must be one of"),
        ({"newthing": {"kind": "flag", "patternz": ["x"]}}, "attribute 'newthing': unknown key"),
        ({"remove": ["nope"]}, "'remove' names unknown attribute"),
        ({"Bad-Name": {"kind": "flag", "patterns": ["x"]}}, "names are lower case"),
        (
            {"domain": {"values": {"web": {"patterns": ["(web"]}}}},
            "attribute 'domain', value 'web', patterns",
        ),
        ({"colour": {"kind": "multi"}}, "needs at least one value"),
        (
            {"kind2": {"kind": "category", "paper_type": {"tool": "x"},
                       "values": {"x": {"patterns": ["x"]}}}},
            r"unknown type\(s\) \['tool'\]",
        ),
        (
            {"kind3": {"kind": "flag", "patterns": ["a"], "paper_type": {}}},
            "'paper_type' works for category attributes",
        ),
        (
            {"x": {"kind": "flag", "patterns": ["a"], "zero_shot_mode": "fallback"}},
            "needs a 'zero_shot' text",
        ),
    ],
)
def test_schema_errors_name_the_file_and_attribute(tmp_path, section, message):
    config = parse_config({"attributes": section}, tmp_path / "survey.toml")
    with pytest.raises(SchemaError, match=message) as info:
        schema_from_config(config)
    assert "survey.toml" in str(info.value) or "attributes.toml" in str(info.value)


def test_broken_schema_file_is_reported_with_its_path(fixtures_dir):
    path = fixtures_dir / "attributes" / "broken_pattern.toml"
    with pytest.raises(SchemaError, match=r"broken_pattern\.toml: attribute 'robotics'"):
        load_schema(path)


# --- zero-shot ----------------------------------------------------------------------------------------


def fake_embedder(texts: list[str]) -> np.ndarray:
    """Bag of words over a tiny vocabulary: enough to make similarity meaningful in tests."""
    vocab = ["survey", "review", "benchmark", "dataset", "propose", "method", "study", "position", "argue"]
    rows = [[float(t.lower().count(w)) for w in vocab] + [0.1] for t in texts]
    return np.asarray(rows, dtype=np.float32)


def test_zero_shot_fallback_gives_every_paper_a_type_with_its_evidence():
    schema = schema_from_dict(
        {
            "contribution": {
                "kind": "category",
                "zero_shot_mode": "fallback",
                "zero_shot_threshold": -1.0,
                "values": {
                    "survey": {"patterns": ["we survey"], "zero_shot": "a survey and review"},
                    "benchmark": {"patterns": ["new benchmark"], "zero_shot": "a benchmark dataset"},
                },
            }
        }
    )
    corpus = corpus_of(
        ("T", "Agents act. This review of agent benchmark papers and another review."),
        ("U", "We survey agents."),
    )
    table = extract_attributes(corpus, schema, embeddings=fake_embedder)
    row = table.long.iloc[0]
    assert (row["value"], row["method"]) == ("survey", "zero-shot")
    assert (
        row["evidence"] == "This review of agent benchmark papers and another review." and row["score"] > 0.5
    )
    assert table.long.iloc[1]["method"] == "pattern"
    assert extract_attributes(corpus, schema, embeddings=False).values(corpus.ids[0], "contribution") == []


# --- table object and the bundled corpus ----------------------------------------------------------------


def test_save_and_load_round_trip_deterministically(examples, tmp_path):
    _, table = examples
    for suffix in (".parquet", ".csv"):
        first = table.save(tmp_path / f"a{suffix}").read_bytes()
        second = table.save(tmp_path / f"b{suffix}").read_bytes()
        assert first == second
        loaded = AttributeTable.load(tmp_path / f"a{suffix}")
        assert loaded.paper_ids == table.paper_ids and loaded.attributes == table.attributes
        assert loaded.wide().equals(table.wide())
        assert loaded.long.equals(table.long)


def test_wide_view_uses_labels_and_check_marks(examples):
    _, table = examples
    wide = table.wide(labels=True)
    assert list(wide.columns[:3]) == ["Type", "Agents", "Training"]
    assert wide.iloc[1]["Memory"] == "\u2713" and wide.iloc[1]["Type"] == "Survey"
    assert table.wide().iloc[3]["training"] == "finetuning; rl"


@pytest.fixture(scope="module")
def bundled():
    from surveykit.corpus.bundled import load_bundled_corpus

    corpus = load_bundled_corpus()
    return corpus, extract_attributes(corpus, embeddings=False)


def test_contribution_is_the_detected_paper_type_with_its_evidence():
    corpus = corpus_of(
        ("Agent Tricks: A Survey", "We propose a new framework to organise the field."),
        ("ToolKit", "ToolKit is an open-source library for building agents. It is used widely."),
    )
    table = extract_attributes(corpus, embeddings=False)
    first = table.evidence(corpus.ids[0], "contribution").iloc[0]
    assert (first["value"], first["method"], first["matched"]) == ("survey", "paper-type", "A Survey")
    assert values(table, "contribution", 1) == ["method"]  # a system counts as a method
    schema = schema_from_dict({"contribution": {"kind": "category", "paper_type": {},
                                                "values": {"survey": {"patterns": ["organise"]}}}})
    typed = extract_attributes(corpus, schema, embeddings=False)
    assert values(typed, "contribution", 0) == ["survey"] and values(typed, "contribution", 1) == []


def test_bundled_corpus_every_paper_has_a_type_by_pattern(bundled):
    corpus, table = bundled
    types = table.wide()["contribution"]
    assert (types != "").all()
    assert set(types) == {"survey", "benchmark", "method", "empirical", "position"}


def test_bundled_corpus_benchmarks_with_stated_numbers(bundled):
    corpus, table = bundled
    by_title = {p.title.split(":")[0]: p.id for p in corpus}
    names = table.long[table.long["attribute"] == "benchmark"].set_index("paper_id")["value"].to_dict()
    assert names[by_title["BLADE"]] == "BLADE"
    assert names[by_title["MLAgentBench"]] == "MLAgentBench"
    assert names[by_title["VisualAgentBench"]] == "VisualAgentBench"
    assert "TravelPlanner" in names.values() and "MM-Bench" in names.values()
    assert table.values(by_title["BLADE"], "size") == ["12 datasets"]
    assert table.values(by_title["MLAgentBench"], "size") == ["13 tasks"]
    mm = next(pid for pid, name in names.items() if name == "MM-Bench")
    assert "111 problems" in table.values(mm, "size")


def test_build_attributes_stage_writes_build_files(tmp_path):
    from surveykit.attributes import build_attributes

    config = parse_config({}, None, output_dir=tmp_path)
    corpus = corpus_of(("BLADE: Benchmarking Agents", "We present BLADE, a benchmark of 12 datasets."))
    table = build_attributes(config, corpus, embeddings=False)
    assert (tmp_path / "build" / "attributes.parquet").exists()
    assert (tmp_path / "build" / "attributes.csv").exists()
    assert (tmp_path / "build" / "attributes_wide.csv").exists()
    assert AttributeTable.load(tmp_path / "build" / "attributes.parquet").long.equals(table.long)


# --- evidence from the paper's own claims ---------------------------------------------------------


def _roles(abstract: str, roles: list[str]):
    from surveykit.roles import RoleSentence, sentence_cues

    out = []
    for sentence, role in zip(split_sentences(abstract), roles, strict=True):
        cues = sentence_cues(sentence.text)
        out.append(RoleSentence(sentence.index, sentence.text, sentence.start, sentence.end, role, 0.9,
                                cues.limitation, cues.future_work, cues.negation, cues.prior_work,
                                cues.self_reference))
    return out


def test_own_claims_keep_this_papers_sentences_and_drop_background_prior_future_and_negated():
    abstract = (
        "LLM agents equipped with planning and memory show promise. "
        "Mainstream agent-based methods use external tools such as search engines. "
        "We propose a framework that learns online with reinforcement learning. "
        "Our agent solves the task without any tools. "
        "In the future, we will explore multi-agent debate."
    )
    corpus = corpus_of(("A Framework", abstract))
    roles = [_roles(abstract, ["background", "background", "method", "result", "result"])]
    before = extract_attributes(corpus, embeddings=False)
    after = extract_attributes(corpus, embeddings=False, roles=roles)
    assert values(before, "memory") == ["yes"] and values(before, "tools") == ["yes"]
    assert values(after, "training") == ["rl"]
    assert values(after, "memory") == [] and values(after, "planning") == []
    assert values(after, "tools") == [] and values(after, "agents") == []


def test_a_comparison_with_prior_work_is_still_a_claim():
    from surveykit.attributes.claims import is_own_claim

    (sentence,) = _roles("On NetHack, agents tuned with diff history match prior work.", ["result"])
    assert sentence.prior_work and is_own_claim(sentence)


def test_values_marking_most_papers_are_non_discriminative_and_left_out_of_tables():
    from surveykit.tables.build import topic_attribute_table

    records = [(f"Agent {i}", f"We propose a planning agent number {i}.") for i in range(4)]
    records.append(("Other", "We propose a memory module."))
    corpus = corpus_of(*records)
    table = extract_attributes(corpus, embeddings=False)
    assert table.non_discriminative() == [("planning", "yes")]
    assert ("memory", "yes") not in table.non_discriminative()
    import pandas as pd

    assignments = pd.DataFrame({"topic": [0] * 5}, index=[p.id for p in corpus])
    frame = topic_attribute_table(corpus, table, assignments, None, {}, 0)
    components = " ".join(frame["Components"])
    assert "Planning" not in frame.columns and "Planning" not in components and "Memory" in components


def test_bundled_gold_sample_precision(fixtures_dir):
    """Hand-checked cells of the bundled corpus (tests/fixtures/attributes_gold.csv): precision >= 0.9."""
    from surveykit.attributes.gold import load_gold, score
    from surveykit.corpus.bundled import load_bundled_corpus
    from surveykit.roles import annotate_sentences

    gold = load_gold(fixtures_dir / "attributes_gold.csv")
    assert len(gold) >= 60
    papers = load_bundled_corpus().papers
    table = extract_attributes(papers, embeddings=False, roles=annotate_sentences(papers))
    result = score(table, gold)
    assert result.precision >= 0.9
    assert result.recall >= 0.75


def test_attributes_of_another_field_are_left_out_and_reported(tmp_path):
    """The agent components (field = "agent") describe agent papers: a corpus of NLP papers that
    seldom say "agent" gets none of them (no "memory module" for 40 NLP papers), and the table
    says which were left out and why; an agents corpus keeps them."""
    from surveykit.attributes.schema import field_share

    assert field_share(["LLM agents", "a multi-agent debate", "agent-based models", "Agentic AI"],
                       "agent") == 0.75
    schema = schema_from_config(None)
    assert schema["memory"].field_noun == "agent" and schema["training"].field_noun is None
    nlp = corpus_of(("Memory-efficient machine translation", "We fine-tune a model with a memory bank."),
                    ("Dialogue state tracking", "We plan a dialogue policy for user agents."),
                    ("Parsing with grammars", "A parser that searches over trees."))
    table = extract_attributes(nlp, schema, embeddings=False)
    left = dict(table.left_out)
    assert {"agents", "tools", "memory", "planning", "reflection", "code_execution", "safety"} == set(left)
    assert "memory" not in table.names and "training" in table.names
    assert "33% of the corpus's papers use the word" in left["memory"]
    assert table.long["attribute"].isin(list(left)).sum() == 0
    counts = table.counts()
    assert counts.loc[counts["attribute"] == "memory", "value"].str.startswith("(left out:").all()
    loaded = AttributeTable.load(table.save(tmp_path / "a.parquet"))
    assert loaded.left_out == table.left_out
    agents = corpus_of(("Web agents with memory", "Our agent keeps a long-term memory of pages."),
                       ("Multi-agent debate", "Several agents debate an answer."))
    assert extract_attributes(agents, schema, embeddings=False).left_out == []
    keep = schema_from_config(parse_config({"attributes": {"memory": {"field": ""}}}))
    assert "memory" in extract_attributes(nlp, keep, embeddings=False).names
    with pytest.raises(SchemaError, match="'field' must be one word"):
        schema_from_dict({"robots": {"kind": "flag", "patterns": ["robot"], "field": "two words"}})


def test_multimodal_and_a_vision_of_the_future_are_not_vision():
    """"Multimodal representation for code search" (code, comments and ASTs) names no modality, and
    "our vision for DeepSoft" is a goal: neither is marked as vision input (ML4Code); "multimodal
    LLM agents on video" still is video and vision."""
    corpus = corpus_of(("Multimodal Representation for Neural Code Search", "We embed code and comments."),
                       ("DeepSoft", "This work contributes to realizing our vision for DeepSoft."),
                       ("LVAgent: Long Video Understanding", "Multimodal LLM (MLLM) agents on video."))
    table = extract_attributes(corpus, schema_from_config(None), embeddings=False)
    assert values(table, "modality", 0) == ["multimodal"]
    assert values(table, "modality", 1) == []
    assert set(values(table, "modality", 2)) == {"video", "vision"}


def test_a_title_alone_is_not_typed_by_similarity():
    """A .bib library without abstracts: a title is no text to judge by similarity (95 of 362
    titles became "benchmark", "Learning Effective Search Heuristics" among them), nor is the type
    detector's default (method, no cue) evidence: such a paper has no type (a Wikipedia page was
    said to "propose a method"); a title's cue still types it, and no embedding is asked."""
    def no_embedding(texts):
        raise AssertionError(f"zero-shot asked for {texts[:2]}")

    corpus = corpus_of(("Learning Effective Search Heuristics", ""),
                       ("The Algorithm Selection Problem", ""),
                       ("ASlib: A Benchmark Library for Algorithm Selection", ""))
    table = extract_attributes(corpus, schema_from_config(None), embeddings=no_embedding)
    # "Algorithm" is the schema's pattern for a method; the first title has no cue at all
    assert [values(table, "contribution", i) for i in range(3)] == [[], ["method"], ["benchmark"]]
    rows = table.long[table.long["attribute"] == "contribution"]
    assert "zero-shot" not in set(rows["method"]) and "paper-type" in set(rows["method"])


def test_nlp_senses_of_speech_and_few_shot():
    """EMNLP-22 abstracts: hate speech and part-of-speech tags are text, languages are "spoken" by
    people; few-shot NER and zero-shot cross-lingual transfer fine-tune a model (87 papers were
    said to "prompt a frozen model", now 29). Speech translation is audio; an agent relying on "the
    zero-shot reasoning abilities of the underlying LLM" prompts it."""
    corpus = corpus_of(
        ("Few-Shot Hate Speech Detection", "We detect hate speech with part-of-speech features."),
        ("Zero-Shot Cross-Lingual NER",
         "We study zero-shot cross-lingual transfer to languages spoken in Africa."),
        ("A Prototypical Network for Few-shot Named Entity Recognition", "Few-shot NER with prototypes."),
        ("Cascaded Speech Translation", "We translate speech."),
        ("MAG-V", "Agents rely on the zero-shot reasoning abilities of the underlying LLM."),
    )
    table = extract_attributes(corpus, schema_from_config(None), embeddings=False)
    assert [values(table, "modality", i) for i in range(4)] == [[], [], [], ["audio"]]
    assert [values(table, "training", i) for i in (0, 1, 2, 4)] == [[], [], [], ["prompting"]]


def test_social_media_is_not_social_simulation():
    """Tweets and Reddit posts (an NLP corpus) are social media, not the simulated societies of an
    agents corpus."""
    corpus = corpus_of(("Bernice: A Multilingual Pre-trained Encoder for Twitter", "A model of tweets."),
                       ("OASIS", "Agent-based social simulations of social media platforms."))
    table = extract_attributes(corpus, schema_from_config(None), embeddings=False)
    assert values(table, "domain", 0) == ["social_media"]
    assert set(values(table, "domain", 1)) == {"social", "social_media"}


def test_diagnostic_tools_and_thematic_roles_are_not_medicine():
    """In computing "diagnostic" is a dataset or a probe, and agents and patients are semantic
    roles (11 of 31 EMNLP-22 papers tagged Medicine had no other cue); clinical text is medicine."""
    corpus = corpus_of(("RobustLR: A Diagnostic Benchmark for Logical Robustness",
                        "We introduce a diagnostic dataset and diagnose the failures of reasoners."),
                       ("Control in Language Models",
                        "We study properties typically associated with agents and patients."),
                       ("Clinical Note Summarisation", "We summarise clinical notes of patients."))
    table = extract_attributes(corpus, schema_from_config(None), embeddings=False)
    assert [values(table, "domain", i) for i in range(3)] == [[], [], ["medicine"]]
