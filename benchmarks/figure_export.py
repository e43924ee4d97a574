"""Figure export time: the full set in ONE browser session vs each figure in a fresh session.

Builds the figures of the bundled 73-paper corpus (all-MiniLM-L6-v2 embeddings from the cache in
``.cache/surveykit/embeddings``; topics from a fixed-seed k-means so the benchmark does not depend
on the topic stage) and exports PDF + SVG + PNG (+ HTML) with kaleido and the system Chromium.

    BROWSER_PATH=$(command -v chromium) python benchmarks/figure_export.py [--repeat 1]

Prints a markdown table and writes it to ``benchmarks/results/figure_export.md``.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from surveykit import io  # noqa: E402
from surveykit.corpus.bundled import load_bundled_corpus  # noqa: E402
from surveykit.figures import SurveyFigures, export_figures, find_browser  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "figure_export.md"
CACHE_DIR = ROOT / ".cache" / "surveykit" / "embeddings"


def bundled_inputs(k: int = 8):
    """Bundled corpus, its embeddings, k-means topics (2 sections) and a few fake attributes."""
    from sklearn.cluster import KMeans

    from surveykit.embed import embed_corpus

    corpus = load_bundled_corpus()
    embeddings = embed_corpus(corpus, cache_dir=CACHE_DIR, progress=False)
    model = KMeans(k, random_state=0, n_init=10).fit(embeddings)
    ids = corpus.ids
    assignments = pd.DataFrame({"topic": model.labels_.astype(int)}, index=ids)
    assignments["topic_label"] = [f"Topic {t}" for t in assignments["topic"]]
    assignments["section"] = assignments["topic"] % 2
    assignments["section_label"] = assignments["section"].map({0: "Section A", 1: "Section B"})
    assignments["score"] = -np.linalg.norm(embeddings - model.cluster_centers_[model.labels_], axis=1)
    topics = pd.DataFrame([{"topic": t, "label": f"Topic {t}", "section": t % 2,
                            "section_label": "Section A" if t % 2 == 0 else "Section B",
                            "size": int((model.labels_ == t).sum()), "keywords": [], "representatives": []}
                           for t in range(k)])
    rows = [(pid, "open source", i % 3 == 0) for i, pid in enumerate(ids)]
    rows += [(pid, "evaluation", ["benchmark", "human study"][i % 2]) for i, pid in enumerate(ids)]
    attributes = pd.DataFrame(rows, columns=["paper_id", "attribute", "value"])
    keys = {pid: f"key{i}" for i, pid in enumerate(ids)}
    return corpus, assignments, topics, embeddings, attributes, keys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement (best is kept)")
    parser.add_argument("--formats", default="pdf,svg,png,html")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    browser = find_browser()
    if browser is None:
        print("no Chromium/Chrome found: set BROWSER_PATH=$(command -v chromium)", file=sys.stderr)
        return 1
    formats = tuple(args.formats.split(","))
    corpus, assignments, topics, embeddings, attributes, keys = bundled_inputs()
    start = time.perf_counter()
    figures_obj = SurveyFigures(None, corpus, assignments, topics, embeddings, attributes, keys,
                                out_dir="unused", write=False)
    figures = {name: figures_obj.show(name) for name in figures_obj.available()}
    build_seconds = time.perf_counter() - start

    def best(run) -> float:
        times = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                t0 = time.perf_counter()
                run(Path(tmp))
                times.append(time.perf_counter() - t0)
        return min(times)

    rows = []
    full = best(lambda out: export_figures(figures, out, formats=formats))
    alone = {name: best(lambda out, n=name, f=fig: export_figures({n: f}, out, formats=formats))
             for name, fig in figures.items()}
    rows.append(("full set, one browser session", len(figures), full))
    for name, seconds in alone.items():
        rows.append((f"{name} alone (fresh session)", 1, seconds))
    rows.append(("sum of figures alone", len(figures), sum(alone.values())))
    lines = [
        f"Figure export, bundled corpus ({len(corpus)} papers, {len(topics)} topics), formats "
        f"{', '.join(formats)}; browser {browser}; {platform.processor() or platform.machine()}, "
        f"best of {args.repeat}. Building the figures (incl. t-SNE) took {build_seconds:.1f} s.",
        "",
        "| export | figures | wall time (s) |",
        "|---|---:|---:|",
        *[f"| {label} | {count} | {seconds:.2f} |" for label, count, seconds in rows],
        "",
        f"One session for the full set: {sum(alone.values()) / full:.1f}x faster than a session per figure.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    io.write_text(args.output, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
