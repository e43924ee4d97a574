"""Static (model2vec, distilled from the bundled MiniLM) vs MiniLM embeddings: speed and topic quality.

Speed: documents per second of each model on the same texts (the labelled sets' titles + abstracts),
one process, no cache. Quality: NMI/ARI against the human labels of the development sets
(``benchmarks/datasets.py``) at the human number of topics, with the same clustering both ways:
surveykit's topic stage (``n_topics`` = k, as a curation file fixes it) and Ward on the embeddings.
Static variants (model2vec's own post-processing, one setting for every set, no per-set tuning):
all 384 dims + Zipf/SIF weighting (shipped), PCA to 256 + SIF (model2vec's default), PCA 256 without
SIF.

    python benchmarks/static_embeddings.py            # all sets, all variants
    python benchmarks/static_embeddings.py --quick    # the two small sets, Ward only
    python benchmarks/static_embeddings.py --memory   # only re-measure the memory section

The first run distils the static model (minutes; then cached in the user model cache). Writes
``benchmarks/results/static_embeddings.md``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from benchmarks.datasets import DATASETS, QUICK, DatasetMissing, LabelledSet, load_dataset  # noqa: E402
from surveykit import io  # noqa: E402
from surveykit.embed_static import DEFAULT_RECIPE, StaticRecipe  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "static_embeddings.md"
CACHE_DIR = Path(os.environ.get("SURVEYKIT_EMBED_CACHE") or ROOT / ".cache" / "surveykit" / "embeddings")
VARIANTS: dict[str, StaticRecipe] = {  # the first is surveykit's default
    "static, 384 dims + SIF (shipped)": DEFAULT_RECIPE,
    "static, PCA 256 + SIF (model2vec default)": StaticRecipe(pca_dims=256, sif=1e-4),
    "static, PCA 256, no SIF": StaticRecipe(pca_dims=256, sif=None),
}
MINILM = "MiniLM (all-MiniLM-L6-v2)"
SPEED_TEXTS = 400  # MiniLM needs ~20-40 s for these on 2 shared cores


def model_refs() -> dict[str, str]:
    """Display name -> model reference (a folder) for MiniLM and every static variant."""
    from surveykit.embed import default_model_path, model_identity
    from surveykit.embed_static import ensure_static_model

    base, identity = default_model_path(), model_identity("minilm")
    refs = {MINILM: str(base)}
    refs.update({name: str(ensure_static_model(base, identity, recipe)) for name, recipe in VARIANTS.items()})
    return refs


def embedder(ref: str) -> Callable[[list[str]], np.ndarray]:
    from surveykit.embed import embed_texts

    return lambda texts: embed_texts(texts, model=ref, cache_dir=CACHE_DIR, progress=False)


# --- speed -------------------------------------------------------------------------------------


def docs_per_second(ref: str, texts: list[str], min_seconds: float = 2.0) -> float:
    """Texts per second of one model, in this process, without the cache (model loaded first)."""
    from surveykit.embed import encode_chunk

    encode_chunk(ref, texts[:8])  # load the model outside the timing
    done, start = 0, time.perf_counter()
    while True:
        encode_chunk(ref, texts)
        done += len(texts)
        seconds = time.perf_counter() - start
        if seconds >= min_seconds:
            return done / seconds


def streaming_memory(ref: str, pool: list[str], sizes: tuple[int, ...], chunk: int) -> list[dict[str, float]]:
    """Peak traced memory of ``embed_texts`` on ``n`` unique texts (resampled from ``pool``) into an
    empty cache, minus the returned matrix: flat in ``n`` when memory is bounded by the chunk."""
    import tempfile
    import tracemalloc

    from surveykit.embed import embed_texts, encode_chunk

    encode_chunk(ref, pool[:2])  # the model itself (~47 MB of token vectors) is not working memory
    rows = []
    for n in sizes:
        texts = [f"{pool[i % len(pool)]} [{i}]" for i in range(n)]
        with tempfile.TemporaryDirectory() as cache:
            tracemalloc.start()
            start = time.perf_counter()
            out = embed_texts(texts, model=ref, cache_dir=cache, chunk_size=chunk, progress=False)
            seconds = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        rows.append({"n": n, "output_mb": out.nbytes / 2**20, "peak_mb": peak / 2**20,
                     "extra_mb": (peak - out.nbytes) / 2**20, "seconds": seconds})
        print(f"memory n={n}: peak {peak / 2**20:.0f} MB, output {out.nbytes / 2**20:.0f} MB", flush=True)
    return rows


# --- quality -----------------------------------------------------------------------------------


def ward_at_k(data: LabelledSet, vectors: np.ndarray, k: int) -> list[int]:
    from sklearn.cluster import AgglomerativeClustering

    return [int(x) for x in AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(vectors)]


def surveykit_at_k(data: LabelledSet, vectors: np.ndarray, k: int,
                   phrases: Callable[[list[str]], np.ndarray]) -> list[Any]:
    """surveykit's topic stage with ``n_topics = k`` (the same adapter as topics_benchmark.py,
    but label phrases embedded by the model under test, as the workspace does)."""
    from benchmarks.topics_benchmark import _roles, _seeded_topics_config
    from surveykit.evaluate.core import unpack_topic_result
    from surveykit.topics import fit_topics
    from surveykit.topics.curation import parse_curation

    corpus = data.corpus()
    result = fit_topics(corpus, vectors, config=_seeded_topics_config(42),
                        curation=parse_curation({"n_topics": k}), roles=_roles(data), phrase_embedder=phrases)
    assignments, _ = unpack_topic_result(corpus, result)
    return [-1 if a is None else a for a in assignments]


def quality(data: LabelledSet, name: str, ref: str, methods: list[str]) -> list[dict[str, Any]]:
    from surveykit.evaluate import evaluate_assignments

    embed = embedder(ref)
    vectors = embed(data.texts)
    rows = []
    for method in methods:
        start = time.perf_counter()
        if method == "Ward":
            assignments = ward_at_k(data, vectors, data.n_classes)
        else:
            assignments = surveykit_at_k(data, vectors, data.n_classes, embed)
        seconds = time.perf_counter() - start
        metrics = evaluate_assignments(assignments, data.labels)
        rows.append({"dataset": data.name, "papers": len(data), "k": data.n_classes, "clustering": method,
                     "model": name, "nmi": metrics["nmi"], "ari": metrics["ari"], "time_s": seconds})
        print(f"  {data.name} {method:9s} {name}: NMI {metrics['nmi']:.3f} ARI {metrics['ari']:.3f}",
              flush=True)
    return rows


# --- report ------------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *["| " + " | ".join(r) + " |" for r in rows]]


def _memory_section(memory: list[dict[str, float]], chunk: int) -> list[str]:
    lines = [f"## Memory while streaming (static, chunk_size = {chunk})", "",
             "Peak Python-traced memory of `embed_texts` into an empty cache (tracemalloc, includes "
             "the shard cache and numpy buffers; the model loaded before), and that peak minus the "
             "returned matrix.", ""]
    return lines + _table(["texts", "output MB", "peak MB", "peak - output MB", "seconds"],
                          [[f"{m['n']:,}", f"{m['output_mb']:.0f}", f"{m['peak_mb']:.0f}",
                            f"{m['extra_mb']:.0f}", f"{m['seconds']:.1f}"] for m in memory])


def _update_memory(memory: list[dict[str, float]], chunk: int) -> int:
    """Replace the memory section of the existing results file."""
    text = RESULTS.read_text(encoding="utf-8")
    start, end = text.index("## Memory"), text.index("## Topic quality")
    io.write_text(RESULTS, text[:start] + "\n".join(_memory_section(memory, chunk)) + "\n\n" + text[end:])
    print("\n".join(_memory_section(memory, chunk)))
    return 0


def render(speed: dict[str, float], rows: list[dict[str, Any]], n_speed: int, command: str,
           build_s: float | None, memory: list[dict[str, float]], chunk: int) -> str:
    lines = ["# Static embeddings (model2vec distilled from MiniLM) vs MiniLM", "",
             f"Command: `{command}`. 2 shared CPU cores, one process, no embedding cache for the speed.",
             ""]
    base = speed[MINILM]
    lines += ["## Speed", "", f"Same {n_speed} texts (titles + abstracts of the development sets).", ""]
    lines += _table(["model", "docs/s", "x MiniLM", "100,000 docs"],
                    [[name, f"{v:,.0f}", f"{v / base:,.0f}", f"{100_000 / v / 60:,.1f} min"]
                     for name, v in speed.items()])
    if build_s is not None:
        lines += ["", f"Distilling the static model (once, then cached): {build_s:.0f} s."]
    if memory:
        lines += ["", *_memory_section(memory, chunk)]
    lines += ["", "## Topic quality at the human k", "",
              "NMI (overlapping NMI on the multi-label sets) and ARI against the human labels; the same "
              "clustering for every model. `dNMI` = model - MiniLM.", ""]
    minilm = {(r["dataset"], r["clustering"]): r for r in rows if r["model"] == MINILM}
    table = []
    for r in rows:
        ref = minilm.get((r["dataset"], r["clustering"]))
        delta = "" if ref is None or r["model"] == MINILM else f"{r['nmi'] - ref['nmi']:+.3f}"
        table.append([r["dataset"], str(r["papers"]), str(r["k"]), r["clustering"], r["model"],
                      f"{r['nmi']:.3f}", delta, f"{r['ari']:.3f}"])
    lines += _table(["dataset", "papers", "k", "clustering", "model", "NMI", "dNMI", "ARI"], table)
    lines += ["", "Mean over the sets:", ""]
    summary = []
    for method in dict.fromkeys(r["clustering"] for r in rows):
        for name in dict.fromkeys(r["model"] for r in rows):
            picked = [r for r in rows if r["clustering"] == method and r["model"] == name]
            if not picked:
                continue
            nmi = statistics.fmean(r["nmi"] for r in picked)
            ref = statistics.fmean(minilm[(r["dataset"], method)]["nmi"] for r in picked)
            summary.append([method, name, f"{nmi:.3f}", f"{nmi - ref:+.3f}",
                            f"{statistics.fmean(r['ari'] for r in picked):.3f}"])
    lines += _table(["clustering", "model", "mean NMI", "mean dNMI", "mean ARI"], summary)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the two small sets, Ward only")
    parser.add_argument("--datasets", nargs="*", default=None)
    parser.add_argument("--memory", action="store_true",
                        help="re-measure only the memory section of the existing results file")
    args = parser.parse_args(argv)
    names = args.datasets or (QUICK if args.quick else list(DATASETS))
    methods = ["Ward"] if args.quick else ["surveykit", "Ward"]

    sets = []
    for name in names:
        try:
            sets.append(load_dataset(name))
        except DatasetMissing as exc:
            print(f"skip {name}: {exc}")
    if not sets:
        print("no development set found (../shared/datasets); nothing to measure")
        return 0

    start = time.perf_counter()
    refs = model_refs()
    build_s = time.perf_counter() - start
    build_s = build_s if build_s > 30 else None  # only reported when it was built in this run
    pool = [t for data in sets for t in data.texts]
    speed_texts = pool[:SPEED_TEXTS]
    speed = {}
    for name, ref in refs.items():
        if args.memory:
            break
        speed[name] = docs_per_second(ref, speed_texts)
        print(f"speed {name}: {speed[name]:,.0f} docs/s", flush=True)

    chunk = 2048
    static_ref = refs[next(iter(VARIANTS))]
    memory = streaming_memory(static_ref, pool, (5_000, 20_000) if args.quick else (10_000, 40_000), chunk)
    if args.memory:
        return _update_memory(memory, chunk)

    rows = []
    for data in sets:
        for name, ref in refs.items():
            rows += quality(data, name, ref, methods)
    command = "python benchmarks/static_embeddings.py" + (" --quick" if args.quick else "")
    text = render(speed, rows, len(speed_texts), command, build_s, memory, chunk)
    print(text)
    io.write_text(RESULTS, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
