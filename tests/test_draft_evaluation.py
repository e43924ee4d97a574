"""The draft's evaluation paragraph: benchmark and dataset papers, gathered from their themes."""

from __future__ import annotations

import pandas as pd

from surveykit.attributes import extract_attributes
from surveykit.corpus.model import Corpus, Paper
from surveykit.draft.evaluation import EVALUATION_LEAD, evaluation_table
from surveykit.draft.outline import Drafter

ABSTRACTS = {
    "p0": ("WebBench: Benchmarking Web Agents",
           "We introduce WebBench, a benchmark of 500 tasks for web agents. Code is at "
           "https://github.com/x/webbench."),
    "p1": ("SciBench: Benchmarking Science Agents",
           "We present SciBench, a benchmark for scientific discovery with 40 tasks."),
    "p2": ("A Dataset of Agent Trajectories",
           "We release TrajData, a dataset of 10k agent trajectories for fine-tuning."),
    "p3": ("Planning with Tree Search", "We propose a tree search method for language agents."),
    "p4": ("Reflection for Agents", "We propose self-reflection for language agents."),
}


def _drafter() -> Drafter:
    ids = list(ABSTRACTS)
    corpus = Corpus([Paper(id=p, title=t, abstract=a, year=2024, authors=["A. Author", "B. Author"])
                     for p, (t, a) in ABSTRACTS.items()])
    topic = [0, 1, 0, 0, 1]
    labels = ["Web agents", "Scientific discovery"]
    assignments = pd.DataFrame({"topic": topic, "topic_label": [labels[t] for t in topic], "section": topic,
                                "section_label": [labels[t] for t in topic], "score": [1.0] * 5}, index=ids)
    topics = pd.DataFrame([{"topic": t, "label": labels[t], "section": t, "section_label": labels[t],
                            "size": topic.count(t), "keywords": [], "representatives": [ids[topic.index(t)]]}
                           for t in range(2)])
    attributes = extract_attributes(corpus, embeddings=False)
    return Drafter(corpus, assignments, topics, {p: f"k{p}" for p in ids}, attributes=attributes)


def test_the_evaluation_paragraph_names_and_cites_each_resource_and_its_theme():
    drafter = _drafter()
    paragraph = drafter.evaluation_paragraph("tab:benchmarks")
    assert paragraph is not None and paragraph.lead == EVALUATION_LEAD
    texts = [s.plain() for s in paragraph.sentences]
    assert texts[0] == ("The corpus introduces three benchmarks and datasets (Table [#tab:benchmarks]): "
                        "the two benchmarks are SciBench [@kp1] and WebBench [@kp0]; "
                        "the dataset is TrajData [@kp2].")
    assert texts[1] == ("Their papers are discussed in the themes of their subjects: two in Web agents "
                        "(Section [#sec:section-0]) and one in Scientific discovery "
                        "(Section [#sec:section-1]).")
    assert texts[2] == "One of the three links its code or data (Table [#tab:benchmarks])."
    assert all(s.refs or s.cites for s in paragraph.sentences)  # each sentence cites or points


def test_no_evaluation_paragraph_without_two_resources():
    drafter = _drafter()
    drafter.attributes = extract_attributes(Corpus([drafter.corpus["p3"], drafter.corpus["p4"]]),
                                            embeddings=False)
    assert drafter.evaluation_paragraph("tab:benchmarks") is None


def test_the_evaluation_paragraph_needs_the_benchmarks_table():
    class Table:
        def __init__(self, name: str, label: str) -> None:
            self.name, self.label = name, label

    assert evaluation_table([Table("overview", "tab:overview"), Table("benchmarks", "tab:b")]) == "tab:b"
    assert evaluation_table([Table("benchmarks", "")]) is None


def test_a_benchmark_known_only_by_its_title_is_counted_not_named():
    drafter = _drafter()
    rows = drafter.resources()
    title_named = {"Name": "Evaluating Language Agents on Long Tasks", "paper_id": "p3", "Kind": "Benchmark",
                   "Domain": "", "Code": ""}
    drafter.resources = lambda: pd.concat([rows, pd.DataFrame([title_named])], ignore_index=True)
    drafter.corpus["p3"].title = "Evaluating Language Agents on Long Tasks"
    text = drafter.evaluation_paragraph("tab:benchmarks").sentences[0].plain()
    assert "the three benchmarks include SciBench [@kp1] and WebBench [@kp0]" in text, text
    assert "Evaluating Language Agents" not in text


def test_resources_of_one_kind_are_listed_without_repeating_the_kind():
    drafter = _drafter()
    rows = drafter.resources()
    drafter.resources = lambda: rows[rows["Kind"] == "Benchmark"]
    text = drafter.evaluation_paragraph("tab:benchmarks").sentences[0].plain()
    assert text == ("The corpus introduces two benchmarks (Table [#tab:benchmarks]): "
                    "SciBench [@kp1] and WebBench [@kp0].")
