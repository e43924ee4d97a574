"""Paper-type detection: cue priority, evidence, and accuracy on the hand-labelled bundled corpus."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from surveykit.corpus.bundled import load_bundled_corpus
from surveykit.roles.annotate import RoleSentence
from surveykit.roles.paper_type import PAPER_TYPES, detect_paper_type, detect_paper_types

# The detector must stay at or above this accuracy on tests/fixtures/paper_types_gold.csv
# (measured: 72/73; see benchmarks/results/paper_types.md).
GOLD_ACCURACY_FLOOR = 0.90


def kind(title: str, abstract: str = "") -> str:
    return detect_paper_type(("p", title, abstract)).type


def test_title_survey_cues() -> None:
    assert kind("A Survey on Large Language Model based Autonomous Agents") == "survey"
    assert kind("Multi-Agent Collaboration Mechanisms: A Survey of LLMs") == "survey"
    assert kind("From LLM Reasoning to Autonomous AI Agents: A Comprehensive Review") == "survey"
    assert kind("Code Smells in ML Systems: A Systematic Literature Review") == "survey"


def test_survey_of_benchmarks_is_a_survey() -> None:
    assert kind("A Survey of Benchmarks for LLM Agents") == "survey"


def test_a_questionnaire_is_no_survey_of_the_literature() -> None:
    """"We survey professional developers" asks people: the paper stays a method (ML4Code's unit
    test generator was put among the related surveys); surveys of the literature stay surveys."""
    abstract = ("We present an approach to generate unit test cases with transformers. Our model "
                "improves over prior work. Finally, we survey professional developers on their preference "
                "in terms of readability of the generated test cases.")
    assert kind("Unit Test Case Generation with Transformers", abstract) != "survey"
    assert kind("Code Review Bots", "We conducted an online survey of 120 engineers.") != "survey"
    assert kind("Agents", "In this survey, we review agent architectures and their memory.") == "survey"
    assert kind("Agents", "We survey the literature on tool-using agents and organise it.") == "survey"
    assert kind("Agents", "We comprehensively survey 300 papers on web agents.") == "survey"


def test_a_survey_step_of_an_analysis_or_an_argument_is_no_survey() -> None:
    """A survey counts when it is the paper's lead contribution: "we survey ..." after the paper's
    own analysis is a step of it (EMNLP-22's fact-checking critique), and a survey presented to
    back an argument makes a position paper (its climate-reporting paper); "in this survey"
    counts anywhere."""
    analysis = ("Fact-checking needs evidence. Here, we contrast automated fact-checking with how "
                "professionals work. In our analysis, we show that existing task definitions fall short. "
                "We survey existing fact-checking datasets and find that all of them fail both criteria.")
    assert kind("Missing Evidence Renders Fact-Checking Unrealistic", analysis) != "survey"
    argued = ("Training models uses much energy. We argue that this gap is why few papers report energy, "
              "and present a quantitative survey to demonstrate this. As a remedy, we propose a model "
              "card for climate reporting.")
    assert kind("Towards Climate Awareness in Research", argued) == "position"
    late = ("Agents act in the world. Many methods exist. In this survey, we organise 200 papers on "
            "agent memory into a taxonomy.")
    assert kind("Agent Memory", late) == "survey"
    lead = "We survey the literature on web agents and organise it. We also release a reading list."
    assert kind("Web Agents", lead) == "survey"


def test_benchmark_from_title_and_from_contribution() -> None:
    assert kind("BLADE: Benchmarking Language Model Agents for Data-Driven Science") == "benchmark"
    assert kind("MLAgentBench: Evaluating Language Agents on ML Experimentation") == "benchmark"
    abstract = (
        "Agents are everywhere. However, evaluating them is hard. To address this, we present FooEval, "
        "a benchmark of 300 tasks for agents. We find that GPT-4 solves 20% of them."
    )
    result = detect_paper_type(("p", "Can Agents Do Foo?", abstract))
    assert result.type == "benchmark"
    assert "FooEval, a benchmark" in result.evidence


def test_method_that_releases_a_dataset_stays_a_method() -> None:
    abstract = (
        "Agents struggle with tools. In this work, we present ToolNet, a simple method to teach agents "
        "tool use. We also construct ToolData, a dataset of 5k trajectories. ToolNet outperforms baselines."
    )
    assert kind("ToolNet: Teaching Agents Tools", abstract) == "method"
    # ... unless the title's name is the dataset
    abstract2 = (
        "We introduce MM-Bench, a curated benchmark of 111 problems. We propose MM-Agent, an "
        "expert-inspired framework. MM-Agent outperforms baselines."
    )
    assert kind("MM-Agent: LLM as Agents for Mathematical Modeling", abstract2) == "method"
    assert kind("MM-Bench: Mathematical Modeling for Agents", abstract2) == "benchmark"


def test_position_needs_more_than_we_argue_in_a_method_paper() -> None:
    assert kind("Small Language Models are the Future of Agentic AI") == "position"
    assert (
        kind("Risks of Agents", "This position paper examines risks. We call for regulation.") == "position"
    )
    method = (
        "Existing agents select actions from a fixed set. We argue that this is limiting. "
        "We propose DynaFoo, a framework that creates actions online. Experiments show gains."
    )
    assert kind("DynaFoo: Agents Beyond Predefined Actions", method) == "method"


def test_empirical_study() -> None:
    assert (
        kind("Revisiting Multi-Agent Debate: A Systematic Study of Conditional Effectiveness") == "empirical"
    )
    abstract = "LLMs are popular. We conduct a large-scale empirical study of how agents fail on web tasks."
    assert kind("Agents on the Web", abstract) == "empirical"
    question = "LLMs plan. In this paper, we present our study using a realistic benchmark, TravelPlanner."
    assert kind("Can We Rely on LLM Agents to Draft Long-Horizon Plans?", question) == "empirical"


def test_system_tool() -> None:
    assert kind("FooKit: An Open-Source Toolkit for Agent Evaluation") == "system"
    abstract = "Simulations matter. We propose OASIS, a generalizable and scalable social media simulator."
    assert kind("OASIS: Open Agent Social Interaction Simulations", abstract) == "system"


def test_default_method_with_evidence() -> None:
    result = detect_paper_type(("p", "Tree Search for Agents", "We propose a best-first search algorithm."))
    assert result.type == "method"
    assert result.cue.startswith("contribution")
    assert detect_paper_type(("p", "Untitled", "")).cue == "default"


def test_roles_exclude_background_sentences() -> None:
    abstract = "In this survey-like era, many works exist. We propose FooNet, a method for agents."
    sentences = [
        RoleSentence(0, "In this survey-like era, many works exist.", 0, 42, "background", 0.9),
        RoleSentence(
            1, "We propose FooNet, a method for agents.", 43, 82, "objective", 0.9, self_reference=True
        ),
    ]
    assert detect_paper_type(("p", "FooNet", abstract), roles=sentences).type == "method"


def test_gold_sample_accuracy_floor(fixtures_dir) -> None:
    corpus = load_bundled_corpus()
    with open(fixtures_dir / "paper_types_gold.csv", encoding="utf-8") as handle:
        gold = {row["paper_id"]: row for row in csv.DictReader(handle)}
    assert len(gold) == len(corpus.papers) == 73
    assert {row["type"] for row in gold.values()} <= set(PAPER_TYPES)
    assert all(row["reasoning"].strip() for row in gold.values())
    frame = detect_paper_types(corpus.papers)
    assert list(frame.columns) == ["paper_id", "type", "evidence", "cue"]
    correct = sum(gold[pid]["type"] == t for pid, t in zip(frame.paper_id, frame.type, strict=True))
    assert correct / len(frame) >= GOLD_ACCURACY_FLOOR
    counts = Counter(frame.type)
    assert counts["survey"] == 9  # every survey of the bundled corpus, nothing else


@pytest.mark.parametrize("paper_type", PAPER_TYPES)
def test_every_type_is_reachable(paper_type: str) -> None:
    examples = {
        "survey": ("A Survey of Agents", ""),
        "benchmark": ("AgentBench: Evaluating LLMs as Agents", ""),
        "position": ("Position: Agents Need Rules", ""),
        "empirical": ("An Empirical Study of Agent Failures", ""),
        "system": ("AgentLib: A Python Library for Agents", ""),
        "method": ("ReAct", "We propose ReAct, a prompting method."),
    }
    assert kind(*examples[paper_type]) == paper_type
