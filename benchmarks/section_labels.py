"""Section names: do they fit the topics inside them?

Fits the topic stage as shipped on the labelled sets, at its automatic k and at the human k (the
curation file's ``n_topics``), and scores the outline's section names:

* ``section fit``: the share of topics (in sections of two or more) whose label is closer, by the
  MiniLM embedding, to its own section's name than to any other section's
  (:func:`surveykit.evaluate.section_fit`); chance is about 1 / sections;
* ``name in each topic``: of the sections with subtopics, those whose name some paper of each of
  their topics uses (title and abstract, case and hyphens aside);
* ``category``: the label score of the sections (:func:`surveykit.evaluate.label_score` with a
  section per paper): is a section's name closest to its papers' majority human category?

    python benchmarks/section_labels.py                       # three sets (~2 min)
    python benchmarks/section_labels.py --datasets emnlp22-multi

Prints markdown and writes ``benchmarks/results/section_labels.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

from benchmarks.datasets import DATASETS, LabelledSet, available  # noqa: E402
from benchmarks.topics_benchmark import embed, embed_phrases, fit_topics_result, warm_up  # noqa: E402
from surveykit import io  # noqa: E402
from surveykit.evaluate import label_score, markdown_table, section_fit  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "section_labels.md"
DEFAULT_SETS = ("emnlp22-single", "emnlp22-multi", "ml4code-tags")


def score_outline(data: LabelledSet, result: Any) -> dict[str, Any]:
    """Section fit and category score of one fitted result's outline."""
    topics = {t.id: t for t in result.topics}
    outline = [(s.label, [topics[t].label for t in s.topic_ids], [topics[t].size for t in s.topic_ids])
               for s in result.sections]
    fit = section_fit(outline, embed_phrases)
    section_of = dict(zip(result.assignments.index, result.assignments["section"], strict=True))
    assignments = [int(section_of[pid]) if pid in section_of else -1 for pid in data.ids]
    named = {s.id: s.label for s in result.sections if len(s.topic_ids) > 1}
    category = label_score(assignments, data.labels, named, embed_phrases)
    topic_of = dict(zip(result.assignments.index, result.assignments["topic"], strict=True))
    texts: dict[int, list[str]] = {}
    for pid, text in zip(data.ids, data.texts, strict=True):
        if pid in topic_of:
            texts.setdefault(int(topic_of[pid]), []).append(_plain(text))
    used = [all(any(_plain(s.label).rstrip("s") in text for text in texts.get(t, [])) for t in s.topic_ids)
            for s in result.sections if len(s.topic_ids) > 1]
    return {"sections": len(result.sections), "grouped": len(named),
            "used": f"{sum(used)}/{len(used)}" if used else "-",
            "fit": fit["section_fit"], "fit_w": fit["section_fit_weighted"],
            "category": category["label_score"],
            "outline": [f"{s.label}: {', '.join(topics[t].label for t in s.topic_ids)}"
                        for s in result.sections]}


def _plain(text: str) -> str:
    """Lower case, hyphens as spaces, single spaces: how a reader finds a phrase in a text."""
    return " ".join(text.lower().replace("-", " ").split())


def render(rows: list[dict[str, Any]], command: str) -> str:
    columns = {"dataset": "dataset", "k": "k", "sections": "sections", "grouped": "with subtopics",
               "used": "name in each topic", "fit": "section fit", "fit_w": "section fit (w)",
               "category": "category"}
    table = pd.DataFrame([{name: r[key] for key, name in columns.items()} for r in rows])
    lines = ["# Section names: do they fit their topics?", "", f"Command: `{command}`", "",
             markdown_table(table), "", "## Outlines", ""]
    for r in rows:
        lines.append(f"**{r['dataset']}, k {r['k']}**")
        lines.append("")
        lines += [f"- {line}" for line in r["outline"]]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", choices=list(DATASETS), default=list(DEFAULT_SETS))
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    warm_up()
    rows = []
    for data in available(args.datasets):
        name = data.name
        vectors = embed(data)
        for k, shown in ((None, "auto"), (data.n_classes, f"human ({data.n_classes})")):
            result = fit_topics_result(data, vectors, 42, n_topics=k)
            row = {"dataset": name, "k": shown, **score_outline(data, result)}
            print(f"{name} k={shown}: fit {row['fit']:.3f} (w {row['fit_w']:.3f}) "
                  f"category {row['category']:.3f}", file=sys.stderr)
            rows.append(row)
    if not rows:
        print("nothing was run (no labelled sets found in ../shared/datasets)", file=sys.stderr)
        return 1
    text = render(rows, " ".join(["python benchmarks/section_labels.py", *(argv or sys.argv[1:])]))
    print(text)
    io.write_text(args.output, text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
