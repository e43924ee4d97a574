"""Paper-type detection against hand labels: the bundled corpus (all 73) and an EMNLP-22 spot check.

    python benchmarks/paper_types_benchmark.py     # < 10 s; writes benchmarks/results/paper_types.md

Gold labels of the bundled corpus: ``tests/fixtures/paper_types_gold.csv`` (one-line reasoning per
paper). The EMNLP-22 spot check labels a few titles by hand (below, with the reason); the set is
read in place from ``../shared/datasets`` and skipped when absent.
"""

from __future__ import annotations

import argparse
import csv
import os
from collections import Counter
from pathlib import Path

import pandas as pd

from surveykit.corpus.bundled import load_bundled_corpus
from surveykit.roles.paper_type import PAPER_TYPES, detect_paper_type, detect_paper_types

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "paper_types_gold.csv"

# EMNLP-22 titles labelled by hand (title prefix -> type, reason), chosen across predicted types.
EMNLP_SPOT_CHECK = {
    "Generative Knowledge Graph Construction: A Review": ("survey", "a review"),
    "A Survey of Active Learning for Natural Language Processing": ("survey", "a survey"),
    "A Survey of Computational Framing Analysis Approaches": ("survey", "a survey"),
    "Towards Climate Awareness in NLP Research": (
        "position",
        "argues for climate reporting, with a survey of papers",
    ),
    "Missing Counter-Evidence Renders NLP Fact-Checking": ("empirical", "critical analysis of datasets"),
    "Should We Ban English NLP for a Year?": ("position", "an argument"),
    "The ``Problem″ of Human Label Variation": ("position", "position paper"),
    "Directions for NLP Practices Applied to Online Hate Speech": ("position", "position paper"),
    "Non-Autoregressive Neural Machine Translation: A Call for Clarity": (
        "empirical",
        "re-evaluates NAT tricks",
    ),
    "Context Matters for Image Descriptions for Accessibility": ("empirical", "a user study"),
    "AfroLID: A Neural Language Identification Tool": ("system", "a released tool"),
    "SHARE: a System for Hierarchical Assistive Recipe Editing": ("system", "a system"),
    "CDConv: A Benchmark for Contradiction Detection": ("benchmark", "a benchmark"),
    "Crossmodal-3600: A Massively Multilingual Multimodal Evaluation Dataset": ("benchmark", "a dataset"),
    "MAVEN-ERE: A Unified Large-scale Dataset": ("benchmark", "a dataset"),
    "Super-NaturalInstructions: Generalization via Declarative Instructions": ("benchmark", "a benchmark"),
    "SCROLLS: Standardized CompaRison Over Long Language Sequences": ("benchmark", "a benchmark suite"),
    "ScienceWorld: Is your Agent Smarter than a 5th Grader?": ("benchmark", "an environment/benchmark"),
    "Large language models are few-shot clinical information extractors": ("empirical", "shows LLMs extract"),
    "An Empirical Analysis of Memorization in Fine-tuned Autoregressive": ("empirical", "empirical analysis"),
    "Revisiting Parameter-Efficient Tuning: Are We Really There Yet?": ("empirical", "re-evaluation"),
    "Neural Theory-of-Mind? On the Limits of Social Intelligence": ("empirical", "probing study"),
    "When does Parameter-Efficient Transfer Learning Work for Machine": ("empirical", "empirical study"),
    "A Systematic Investigation of Commonsense Knowledge": ("empirical", "systematic investigation"),
    "Understanding and Improving Knowledge Distillation for Quantization": ("method", "proposes a method"),
    "Evaluating and Improving Factuality in Multimodal Abstractive": ("method", "proposes a metric"),
    "How Far are We from Robust Long Abstractive Summarization?": ("empirical", "human evaluation study"),
    "Extracted BERT Model Leaks More Information than You Think!": ("empirical", "attack analysis"),
    "Unobserved Local Structures Make Compositional Generalization Hard": ("empirical", "analysis"),
    "Normalized Contrastive Learning for Text-Video Retrieval": ("method", "a method"),
    "TranSHER: Translating Knowledge Graph Embedding": ("method", "a method"),
    "Prompt-Based Meta-Learning For Few-shot Text Classification": ("method", "a method"),
    "DropMix: A Textual Data Augmentation Combining Dropout with Mixup": ("method", "a method"),
    "Momentum Contrastive Pre-training for Question Answering": ("method", "a method"),
}


def per_type(gold: list[str], pred: list[str]) -> list[tuple[str, int, int, float, float]]:
    rows = []
    for t in PAPER_TYPES:
        tp = sum(g == p == t for g, p in zip(gold, pred, strict=True))
        n_gold, n_pred = gold.count(t), pred.count(t)
        rows.append(
            (
                t,
                n_gold,
                n_pred,
                tp / n_pred if n_pred else float("nan"),
                tp / n_gold if n_gold else float("nan"),
            )
        )
    return rows


def emnlp_path() -> Path:
    env = os.environ.get("SURVEYKIT_SHARED")
    base = Path(env) if env else ROOT.parent / "shared"
    return base / "datasets" / "emnlp22-nlp-taxonomy" / "emnlp22_papers_with_nlp_taxonomy_labels.csv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "paper_types.md"))
    args = parser.parse_args(argv)

    corpus = load_bundled_corpus()
    with open(GOLD, encoding="utf-8") as handle:
        gold_rows = {row["paper_id"]: row for row in csv.DictReader(handle)}
    frame = detect_paper_types(corpus.papers)
    gold = [gold_rows[pid]["type"] for pid in frame.paper_id]
    pred = frame.type.tolist()
    correct = sum(g == p for g, p in zip(gold, pred, strict=True))
    lines = [
        "# Paper types",
        "",
        "Command: `python benchmarks/paper_types_benchmark.py`. Detector: `surveykit.roles.paper_type` "
        "(cue rules over title and abstract, no roles given). Gold: all 73 papers of the bundled corpus, "
        "hand-labelled with a one-line reason in `tests/fixtures/paper_types_gold.csv`. The rules were "
        "written while reading this corpus, so this is a development score; the EMNLP-22 spot check "
        "below is closer to held-out.",
        "",
        f"## Bundled corpus: accuracy {correct}/{len(gold)} = {correct / len(gold):.3f}",
        "",
        "`tests/test_paper_type.py` keeps it at or above 0.90.",
        "",
        "| type | gold | predicted | precision | recall |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {t} | {g} | {p} | {pr:.2f} | {rc:.2f} |" for t, g, p, pr, rc in per_type(gold, pred)]
    misses = [
        (gold_rows[pid]["title"], g, p, cue)
        for pid, g, p, cue in zip(frame.paper_id, gold, pred, frame.cue, strict=True)
        if g != p
    ]
    lines += ["", "Errors:", ""] + [f"- {t}: gold {g}, predicted {p} ({c})" for t, g, p, c in misses]

    path = emnlp_path()
    if path.is_file():
        emnlp = pd.read_csv(path)
        results = [
            detect_paper_type((str(i), str(r["title"]), str(r["abstract"]))) for i, r in emnlp.iterrows()
        ]
        counts = Counter(r.type for r in results)
        by_title = {str(t): r for t, r in zip(emnlp["title"], results, strict=True)}
        checked = []
        for prefix, (label, reason) in EMNLP_SPOT_CHECK.items():
            title = next((t for t in by_title if t.startswith(prefix)), None)
            if title is not None:
                checked.append((title, label, by_title[title].type, by_title[title].cue, reason))
        ok = sum(label == got for _, label, got, _, _ in checked)
        lines += [
            "",
            f"## EMNLP-22 ({len(results)} papers)",
            "",
            "Predicted types: " + ", ".join(f"{t} {counts.get(t, 0)}" for t in PAPER_TYPES) + ".",
            "",
            f"Spot check, {len(checked)} titles labelled by hand across the predicted types: "
            f"{ok}/{len(checked)} agree. The titles were picked after seeing the predictions, several "
            "of the non-method ones because they looked doubtful, so this is a rough check of each "
            "rule's precision, not an unbiased accuracy. Typical errors: a question or 'Understanding "
            "and Improving' title on a paper that proposes a method (-> empirical), and analysis papers "
            "with no study wording (-> method).",
            "",
            "| title | hand label | predicted | cue |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {t[:70]} | {label} ({reason}) | {got}{'' if label == got else ' ✗'} | {cue[:60]} |"
            for t, label, got, cue, reason in checked
        ]
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
