"""How much of the topic benchmark is signal: subsample draws, chance levels and equal-k rows.

``topics_benchmark.py`` gives one number per method and set. This script asks three questions a
single number cannot answer, on the same sets, methods and embeddings:

1. **Robustness.** Every method runs on the full set and on ``--draws`` random subsamples
   (``--fraction`` of the papers, fixed seeds). The table gives mean ± sd of NMI and ARI over the
   draws and, per baseline, on how many draws surveykit auto is ahead in *both* NMI and ARI.
2. **Chance level.** Each method's full-set assignment with its topic sizes kept but papers
   shuffled (``--permutations`` times): the score a method gets for its topic sizes alone. A
   score inside that band (``p`` >= 0.05) carries no signal.
3. **Equal k.** The k-given baseline and surveykit on the full sets, both with the true number of
   labels and both with the k surveykit chose by itself: which part of a gap comes from the
   choice of k and which from the features.
4. **Paired equal k over the draws.** On every draw, each baseline given the k surveykit chose on
   that draw ("surveykit's k") or the true number of labels ("human k"), against surveykit with
   the same k: the mean paired difference in NMI and ARI with a 95 % interval (t over the
   draws). An interval holding 0 is a tie at this sample size, whatever one draw says.

    python benchmarks/topics_robustness.py                  # all four sets (~3 min, cached embeddings)
    python benchmarks/topics_robustness.py --datasets ml4code-family --draws 10

Prints markdown and writes ``benchmarks/results/topics_robustness.md``.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from benchmarks.datasets import DATASETS, LabelledSet, available  # noqa: E402
from benchmarks.topics_benchmark import METHODS, embed, fit_tfidf_nmf, warm_up  # noqa: E402
from surveykit import io  # noqa: E402
from surveykit.evaluate import evaluate_assignments  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "topics_robustness.md"
OURS = "surveykit auto"
NMF = "TF-IDF + NMF (human k)"
SEED = 42


def subsample(data: LabelledSet, rows: np.ndarray) -> LabelledSet:
    """The papers at ``rows`` (sorted), as a labelled set of their own."""
    pick = [int(i) for i in rows]
    return LabelledSet(data.name, data.description, [data.ids[i] for i in pick],
                       [data.titles[i] for i in pick], [data.abstracts[i] for i in pick],
                       [data.labels[i] for i in pick])


def draws(n: int, count: int, fraction: float) -> list[np.ndarray]:
    """The full set, then ``count`` subsamples of ``fraction`` of ``n`` rows (seeded, sorted)."""
    rng = np.random.default_rng(0)
    size = max(2, int(round(fraction * n)))
    return [np.arange(n)] + [np.sort(rng.permutation(n)[:size]) for _ in range(count)]


def quality(assignments: list[Any], labels: list[list[str]]) -> tuple[float, float]:
    metrics = evaluate_assignments(assignments, labels)
    return metrics["nmi"], metrics["ari"]


def chance(assignments: list[Any], labels: list[list[str]], permutations: int
           ) -> tuple[tuple[float, float], tuple[float, float]]:
    """Mean NMI/ARI of the assignment with its papers shuffled, and the one-sided p of the real
    scores (share of shuffles scoring at least as high, +1 smoothed)."""
    observed = quality(assignments, labels)
    rng = np.random.default_rng(1)
    scores = np.array([quality(list(rng.permutation(np.asarray(assignments, dtype=object))),
                               labels) for _ in range(permutations)])
    p = tuple(float((1 + (scores[:, j] >= observed[j]).sum()) / (permutations + 1)) for j in (0, 1))
    return (float(scores[:, 0].mean()), float(scores[:, 1].mean())), p  # type: ignore[return-value]


@dataclass
class SetReport:
    name: str
    scores: dict[str, list[tuple[float, float]]]  # method -> (nmi, ari) per draw, full set first
    chance: dict[str, tuple[tuple[float, float], tuple[float, float]]]
    equal_k: list[dict[str, Any]]
    paired: dict[str, list[tuple[float, float]]]  # "baseline vs ours": (d nmi, d ari) per draw


def topic_count(assignments: list[Any]) -> int:
    """Topics of an assignment, outliers (-1) left out."""
    return len({a for a in assignments if a != -1})


def fit_with_k(method: str, data: LabelledSet, embeddings: np.ndarray, k: int) -> list[Any]:
    """NMF with ``k`` components, or surveykit with ``n_topics = k``."""
    if method == OURS:
        from surveykit.evaluate.core import unpack_topic_result
        from surveykit.topics import TopicConfig, fit_topics

        corpus = data.corpus()
        result = fit_topics(corpus, embeddings, TopicConfig(n_topics=k, random_state=SEED))
        assignments, _ = unpack_topic_result(corpus, result)
        return [-1 if a is None else a for a in assignments]
    return fit_tfidf_nmf(data, embeddings, SEED, k=k).assignments


def study(data: LabelledSet, embeddings: np.ndarray, methods: list[str], count: int,
          fraction: float, permutations: int) -> SetReport:
    scores: dict[str, list[tuple[float, float]]] = {m: [] for m in methods}
    paired: dict[str, list[tuple[float, float]]] = {}
    full: dict[str, list[Any]] = {}
    own_k = 0
    for index, rows in enumerate(draws(len(data), count, fraction)):
        part = subsample(data, rows)
        for method in methods:
            fit, which = METHODS[method]
            k = part.n_classes if which == "human" else None
            assignments = fit(part, embeddings[rows], SEED, k).assignments
            scores[method].append(quality(assignments, part.labels))
            if index == 0:
                full[method] = assignments
            if method == OURS:
                own_k = topic_count(assignments)
        for name, (ours_name, which) in PAIRS.items():
            if ours_name not in methods:
                continue
            if name in methods:  # a human-k baseline already run on this draw
                theirs = scores[name][-1]
            else:
                fit, _ = METHODS[name]
                k = part.n_classes if which == "human" else own_k
                theirs = quality(fit(part, embeddings[rows], SEED, k).assignments, part.labels)
            ours = scores[ours_name][-1]
            paired.setdefault(name, []).append((ours[0] - theirs[0], ours[1] - theirs[1]))
        print(f"  {data.name} draw {index}: " + ", ".join(
            f"{m} {scores[m][-1][0]:.3f}/{scores[m][-1][1]:.3f}" for m in methods), file=sys.stderr)
    chances = {m: chance(full[m], data.labels, permutations) for m in methods}
    equal_k = []
    auto_k = topic_count(full.get(OURS, []))
    ks = sorted({data.n_classes, auto_k} - {0})
    for k in ks:
        row: dict[str, Any] = {"k": k, "why": " and ".join(
            w for w, v in (("true number of labels", data.n_classes), ("surveykit's own k", auto_k))
            if v == k)}
        for method in (NMF, OURS):
            row[method] = quality(fit_with_k(method, data, embeddings, k), data.labels)
        equal_k.append(row)
    return SetReport(data.name, scores, chances, equal_k, paired)


# baseline given k -> (the surveykit row it is paired with, which k): see the module docstring, 4.
PAIRS = {
    "Ward (surveykit's k)": (OURS, "auto"),
    "TF-IDF + NMF (surveykit's k)": (OURS, "auto"),
    "Ward (human k)": ("surveykit (human k)", "human"),
    "TF-IDF + NMF (human k)": ("surveykit (human k)", "human"),
}


def interval(values: list[float]) -> tuple[float, float, float]:
    """Mean and the 95 % t interval of the mean (the interval is the mean itself for one value)."""
    from scipy import stats

    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, mean, mean
    half = stats.t.ppf(0.975, len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    return mean, mean - half, mean + half


def verdict(low: float, high: float) -> str:
    return "ahead" if low > 0 else "behind" if high < 0 else "tie"


def _mean_sd(values: list[float]) -> str:
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.fmean(values):.3f} ± {sd:.3f}"


def render(reports: list[SetReport], count: int, fraction: float, permutations: int,
           command: str) -> str:
    lines = [f"Command: `{command}`", "",
             f"Draws: the full set + {count} subsamples of {fraction:.0%} (seeded). Seed of every "
             f"method: {SEED}. Chance: {permutations} shuffles of each method's full-set assignment "
             "(topic sizes kept); p = share of shuffles scoring at least as high.", "",
             "## Robustness and chance", "",
             "| dataset | method | NMI full | ARI full | NMI draws | ARI draws | NMI chance (p) | "
             "ARI chance (p) | surveykit ahead in both |",
             "|---|---|---|---|---|---|---|---|---|"]
    for report in reports:
        ours = report.scores.get(OURS)
        for method, values in report.scores.items():
            (nmi_c, ari_c), (nmi_p, ari_p) = report.chance[method]
            ahead = "-"
            if ours is not None and method != OURS:
                wins = sum(o[0] > v[0] and o[1] > v[1] for o, v in zip(ours, values, strict=True))
                ahead = f"{wins}/{len(values)} draws"
            lines.append(
                f"| {report.name} | {method} | {values[0][0]:.3f} | {values[0][1]:.3f} | "
                f"{_mean_sd([v[0] for v in values])} | {_mean_sd([v[1] for v in values])} | "
                f"{nmi_c:.3f} ({nmi_p:.2f}) | {ari_c:.3f} ({ari_p:.2f}) | {ahead} |")
    lines += ["", "## Equal k (full sets)", "",
              "| dataset | k | k is | NMF NMI | NMF ARI | surveykit NMI | surveykit ARI |",
              "|---|---|---|---|---|---|---|"]
    for report in reports:
        for row in report.equal_k:
            nmf, ours_k = row[NMF], row[OURS]
            lines.append(f"| {report.name} | {row['k']} | {row['why']} | {nmf[0]:.3f} | "
                         f"{nmf[1]:.3f} | {ours_k[0]:.3f} | {ours_k[1]:.3f} |")
    lines += ["", "## Paired equal k over the draws (surveykit minus baseline)", "",
              "| dataset | baseline | draws | d NMI [95 % interval] | NMI | d ARI [95 % interval] | ARI |",
              "|---|---|---|---|---|---|---|"]
    for report in reports:
        for name, diffs in report.paired.items():
            cells = []
            for j in (0, 1):
                mean, low, high = interval([d[j] for d in diffs])
                cells += [f"{mean:+.3f} [{low:+.3f}, {high:+.3f}]", verdict(low, high)]
            lines.append(f"| {report.name} | {name} | {len(diffs)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", choices=list(DATASETS), default=list(DATASETS))
    own_or_human = [m for m, (_, which) in METHODS.items() if which != "auto"]
    parser.add_argument("--methods", nargs="+", choices=own_or_human, default=own_or_human)
    parser.add_argument("--draws", type=int, default=5, help="subsamples besides the full set")
    parser.add_argument("--fraction", type=float, default=0.6, help="share of papers per draw")
    parser.add_argument("--permutations", type=int, default=50, help="shuffles for the chance level")
    parser.add_argument("--output", type=Path, default=RESULTS, help="markdown file to write")
    args = parser.parse_args(argv)
    warm_up()
    reports = []
    for data in available(args.datasets):
        reports.append(study(data, embed(data), args.methods, args.draws, args.fraction,
                             args.permutations))
    if not reports:
        print("nothing was run (no labelled sets found in ../shared/datasets)", file=sys.stderr)
        return 0
    command = ("python benchmarks/topics_robustness.py " + " ".join(argv or sys.argv[1:])).strip()
    text = render(reports, args.draws, args.fraction, args.permutations, command)
    print(text)
    io.write_text(args.output, "# Topic benchmark: robustness, chance, equal k\n\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
