"""Papers without an abstract: does the topic stage cluster them by subject or by their kind?

A real library (a Zotero export, a survey's .bib) lacks the abstract of some entries. This script
removes the abstracts of a random share of each labelled set's papers (``--shares``, ``--draws``
seeded draws per share) and fits the topic stage as shipped, with and without the title-only
shift of :mod:`surveykit.topics.title_only` (the "as is" rows patch it out). Per row:

* ``nmi`` / ``ari``: against the human labels, as in ``topics_benchmark.py`` (higher is better);
* ``kind nmi``: NMI between the topics and the papers' kind (title only or not): how much the
  topics sort papers by whether they have an abstract (0 = not at all; lower is better);
* ``title-only topics``: topics of which at least 80 % of the papers are title-only, while at
  most 80 % of the set is (papers gathered for their missing abstract, not their subject).

    python benchmarks/title_only.py                       # three sets, 3 shares x 3 draws (~15 min)
    python benchmarks/title_only.py --datasets emnlp22-single --shares 0.5 --draws 1

Prints markdown and writes ``benchmarks/results/title_only.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from benchmarks.datasets import LabelledSet, available  # noqa: E402
from benchmarks.topics_benchmark import embed, fit_surveykit, warm_up  # noqa: E402
from surveykit import io  # noqa: E402
from surveykit.evaluate import evaluate_assignments  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "title_only.md"
SETS = ["emnlp22-single", "emnlp22-multi", "ml4code-tags"]
SHARES = [0.1, 0.3, 0.5]
GATHERED = 0.8  # a topic this title-only (and more so than the set) gathers papers by kind


def without_abstracts(data: LabelledSet, share: float, draw: int) -> tuple[LabelledSet, np.ndarray]:
    """``data`` with the abstracts of ``share`` of its papers removed (seeded by ``draw``), and the
    title-only mask."""
    rng = np.random.default_rng(draw)
    title_only = np.zeros(len(data.ids), dtype=bool)
    title_only[rng.permutation(len(data.ids))[:int(round(share * len(data.ids)))]] = True
    abstracts = ["" if t else a for a, t in zip(data.abstracts, title_only, strict=True)]
    return (LabelledSet(data.name, data.description, data.ids, data.titles, abstracts, data.labels),
            title_only)


@contextlib.contextmanager
def as_is() -> Iterator[None]:
    """The topic stage without the title-only shift (the baseline rows)."""
    from surveykit.topics import engine

    saved = engine.title_shift
    engine.title_shift = lambda *args, **kwargs: None
    try:
        yield
    finally:
        engine.title_shift = saved


def kind_scores(assignments: list[Any], title_only: np.ndarray) -> tuple[float, int]:
    """NMI between topics and kinds, and the count of topics gathered by kind (module docstring)."""
    from sklearn.metrics import normalized_mutual_info_score

    topics = np.array([-1 if a is None else a for a in assignments])
    gathered = sum(1 for t in set(topics.tolist())
                   if title_only[topics == t].mean() >= GATHERED > title_only.mean())
    return float(normalized_mutual_info_score(title_only, topics)), gathered


def run(names: list[str], shares: list[float], draws: int) -> list[dict[str, Any]]:
    rows = []
    for full in available(names):
        name = full.name
        for share in shares:
            scores: dict[str, list[tuple[float, float, float, int]]] = {"as is": [], "aligned": []}
            for draw in range(draws):
                data, title_only = without_abstracts(full, share, draw)
                vectors = embed(data)
                for variant in scores:
                    with as_is() if variant == "as is" else contextlib.nullcontext():
                        out = fit_surveykit(data, vectors, 42)
                    quality = evaluate_assignments(out.assignments, data.labels)
                    scores[variant].append((quality["nmi"], quality["ari"],
                                            *kind_scores(out.assignments, title_only)))
                    print(name, share, draw, variant, scores[variant][-1], file=sys.stderr, flush=True)
            for variant, values in scores.items():
                rows.append({"dataset": name, "share": share, "variant": variant,
                             **{key: [v[i] for v in values] for i, key in
                                enumerate(("nmi", "ari", "kind nmi", "title-only topics"))}})
    return rows


def render(rows: list[dict[str, Any]], draws: int, command: str) -> str:
    lines = ["# Title-only papers", "", f"Command: `{command}`", "",
             f"The abstracts of a random share of each set's papers removed ({draws} seeded draws "
             "per share; mean over the draws, each draw's value in brackets). `as is`: the topic "
             "stage without the title-only shift; `aligned`: as shipped "
             "(`surveykit.topics.title_only`). `kind nmi`: NMI between the topics and whether a "
             "paper has an abstract (lower is better); `title-only topics`: topics whose papers "
             f"are at least {GATHERED:.0%} title-only. Multi-label sets: overlapping NMI and "
             "omega index, as in `topics.md`.", "",
             "| dataset | share without abstract | variant | nmi | ari | kind nmi | title-only topics |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        cells = []
        for key in ("nmi", "ari", "kind nmi"):
            values = row[key]
            cells.append(f"{statistics.mean(values):.3f} ({' '.join(f'{v:.3f}' for v in values)})")
        gathered = row["title-only topics"]
        cells.append(f"{statistics.mean(gathered):.1f} ({' '.join(str(v) for v in gathered)})")
        lines.append(f"| {row['dataset']} | {row['share']:.0%} | {row['variant']} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=SETS)
    parser.add_argument("--shares", nargs="+", type=float, default=SHARES)
    parser.add_argument("--draws", type=int, default=3)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    warm_up()
    rows = run(args.datasets, args.shares, args.draws)
    command = "python benchmarks/title_only.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text = render(rows, args.draws, command.strip())
    print(text)
    if rows:
        io.write_text(args.output, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
