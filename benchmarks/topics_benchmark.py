"""Topic benchmark: BERTopic defaults vs TF-IDF + NMF (k given) vs surveykit's automatic topics.

Runs every method on the labelled sets of ``../shared/datasets`` (see ``benchmarks/datasets.py``),
with the same cached all-MiniLM-L6-v2 embeddings for the two embedding-based methods, and prints a
markdown table of quality (``surveykit.evaluate``) and wall time; the table is also written to
``benchmarks/results/topics.md``.

    python benchmarks/topics_benchmark.py            # all four sets
    python benchmarks/topics_benchmark.py --quick    # the two small sets only
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this folder would shadow installed packages (``datasets``); import from the root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from benchmarks.datasets import (  # noqa: E402
    DATASETS,
    QUICK,
    LabelledSet,
    available,
)
from surveykit import io  # noqa: E402
from surveykit.evaluate import evaluate_assignments, markdown_table  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "topics.md"
STAGE_TIME = ROOT / "benchmarks" / "topic_stage_time.py"
CACHE_DIR = Path(os.environ.get("SURVEYKIT_EMBED_CACHE")
                 or ROOT / ".cache" / "surveykit" / "embeddings")


@dataclass
class MethodOutput:
    """What a method hands back: a topic per paper (-1 = outlier), each topic's top words and
    its label (methods without labels: their first three top words, :func:`words_label`)."""

    assignments: list[Any]
    topic_words: dict[Any, list[str]]
    topic_labels: dict[Any, str] | None = None

    def labels(self) -> dict[Any, str]:
        from surveykit.evaluate import words_label

        if self.topic_labels is not None:
            return self.topic_labels
        return {t: words_label(words) for t, words in self.topic_words.items()}


# --- methods ---------------------------------------------------------------------------------


def fit_bertopic_defaults(data: LabelledSet, embeddings: np.ndarray, seed: int,
                          k: int | None = None) -> MethodOutput:
    """BERTopic with its defaults; only UMAP gets ``random_state`` (else runs differ)."""
    from bertopic import BERTopic
    from umap import UMAP

    umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                      random_state=seed)  # BERTopic's default UMAP, plus the seed
    model = BERTopic(umap_model=umap_model)
    topics, _ = model.fit_transform(data.texts, embeddings)
    words = {t: [w for w, _ in model.get_topic(t) or []] for t in sorted(set(topics)) if t != -1}
    return MethodOutput([int(t) for t in topics], words)


def fit_tfidf_nmf(data: LabelledSet, embeddings: np.ndarray, seed: int,
                  k: int | None = None) -> MethodOutput:
    """TF-IDF + NMF with k = the true number of labels (as litstudy does) unless ``k`` is given;
    argmax topic per paper.

    Papers whose NMF weights are all zero are outliers. The embeddings are not used.
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", min_df=2, max_df=0.95)
    matrix = vectorizer.fit_transform(data.texts)
    model = NMF(n_components=k or data.n_classes, init="nndsvd", max_iter=500, random_state=seed)
    weights = model.fit_transform(matrix)
    vocabulary = vectorizer.get_feature_names_out()
    assignments = [int(row.argmax()) if row.max() > 0 else -1 for row in weights]
    words = {k: [str(vocabulary[i]) for i in np.argsort(-component)[:10]]
             for k, component in enumerate(model.components_)}
    return MethodOutput(assignments, words)


def fit_ward(data: LabelledSet, embeddings: np.ndarray, seed: int,
             k: int | None = None) -> MethodOutput:
    """Ward linkage on the (L2-normalised) embeddings, cut at ``k`` (default: the true number of
    labels); top words per cluster by TF-IDF mass (for NPMI only). Deterministic (``seed`` unused)."""
    from sklearn.cluster import AgglomerativeClustering

    points = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    labels = AgglomerativeClustering(n_clusters=k or data.n_classes, linkage="ward").fit_predict(points)
    return MethodOutput([int(x) for x in labels], _tfidf_words(data.texts, labels))


def _tfidf_words(texts: list[str], labels: np.ndarray, n: int = 10) -> dict[Any, list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", min_df=2, max_df=0.95)
    matrix = vectorizer.fit_transform(texts)
    vocabulary = vectorizer.get_feature_names_out()
    words = {}
    for topic in sorted(set(int(x) for x in labels)):
        mass = np.asarray(matrix[labels == topic].sum(axis=0)).ravel()
        words[topic] = [str(vocabulary[i]) for i in np.argsort(-mass)[:n]]
    return words


def _roles(data: LabelledSet) -> list[Any]:
    """Role-annotated abstract sentences (the default topic stage reads them: paper types)."""
    from surveykit.embed import embed_texts
    from surveykit.roles import annotate_sentences

    return annotate_sentences(data.corpus().papers,
                              embed=lambda texts: embed_texts(texts, cache_dir=CACHE_DIR, progress=False))


def fit_surveykit(data: LabelledSet, embeddings: np.ndarray, seed: int,
                  n_topics: int | None = None) -> MethodOutput:
    """ADAPTER to surveykit's topic stage as shipped (``surveykit.topics.fit_topics`` with the
    sentence roles, as the workspace calls it); the "Related surveys" group counts as a topic
    for the clustering scores, not for the label score.

    ``seed`` is only passed on when the topics config has a ``random_state``/``seed`` field, so the
    benchmark never tunes the method; ``n_topics`` fixes k as a curation file's ``n_topics`` does.
    """
    from surveykit.evaluate.core import unpack_topic_result

    corpus = data.corpus()
    result = fit_topics_result(data, embeddings, seed, n_topics)
    assignments, words = unpack_topic_result(corpus, result)
    # the "Related surveys" group is a cluster for NMI/ARI, but its fixed name is no label the
    # labeller chose: the label score counts the subject topics only
    return MethodOutput([-1 if a is None else a for a in assignments], words or {}, result.labels())


def fit_topics_result(data: LabelledSet, embeddings: np.ndarray, seed: int,
                      n_topics: int | None = None) -> Any:
    """The ``TopicResult`` of surveykit's topic stage on ``data`` (see :func:`fit_surveykit`)."""
    from surveykit.topics import fit_topics
    from surveykit.topics.curation import parse_curation

    config = _seeded_topics_config(seed)
    curation = parse_curation({"n_topics": n_topics} if n_topics else {})
    return fit_topics(data.corpus(), embeddings, config=config, curation=curation,
                      roles=_roles(data), phrase_embedder=embed_phrases)


def fit_surveykit_auto(data: LabelledSet, embeddings: np.ndarray, seed: int,
                       k: int | None = None) -> MethodOutput:
    """surveykit with k chosen automatically (``k`` is ignored: it is the method's own)."""
    return fit_surveykit(data, embeddings, seed)


def fit_surveykit_k(data: LabelledSet, embeddings: np.ndarray, seed: int,
                    k: int | None = None) -> MethodOutput:
    """surveykit with the curation file's ``n_topics`` = ``k`` (default: the true number of labels)."""
    return fit_surveykit(data, embeddings, seed, n_topics=k or data.n_classes)


def _seeded_topics_config(seed: int) -> Any:
    """The default topics config with the seed set, or ``None`` when it has no seed field."""
    try:
        from surveykit.topics import TopicConfig  # type: ignore[attr-defined]
    except ImportError:
        return None
    config = TopicConfig()
    for name in ("random_state", "seed"):
        if hasattr(config, name):
            setattr(config, name, seed)
            return config
    return config


Method = Callable[[LabelledSet, np.ndarray, int, int | None], MethodOutput]

# name -> (method, which k it is given): "own" = it chooses, "auto" = the k surveykit chose on
# the same set (equal-k comparison at the automatic k), "human" = the true number of labels.
METHODS: dict[str, tuple[Method, str]] = {
    "BERTopic defaults": (fit_bertopic_defaults, "own"),
    "surveykit auto": (fit_surveykit_auto, "own"),
    "TF-IDF + NMF (surveykit's k)": (fit_tfidf_nmf, "auto"),
    "Ward (surveykit's k)": (fit_ward, "auto"),
    "TF-IDF + NMF (human k)": (fit_tfidf_nmf, "human"),
    "Ward (human k)": (fit_ward, "human"),
    "surveykit (human k)": (fit_surveykit_k, "human"),
}


# --- running ---------------------------------------------------------------------------------


def warm_up() -> None:
    """Import the libraries and compile numba code (UMAP, pynndescent) once, so the first timed
    method is not charged for it."""
    import bertopic  # noqa: F401
    import sklearn.decomposition  # noqa: F401
    from umap import UMAP

    points = np.random.default_rng(0).normal(size=(200, 16)).astype(np.float32)
    UMAP(n_neighbors=15, n_components=5, metric="cosine", random_state=0).fit_transform(points)
    try:
        from hdbscan import HDBSCAN

        HDBSCAN(min_cluster_size=10).fit(points[:, :5])
    except ImportError:
        pass


def embed(data: LabelledSet) -> np.ndarray:
    return embed_phrases(data.texts)


def embed_phrases(texts: list[str]) -> np.ndarray:
    """all-MiniLM-L6-v2 through the cache: papers, label phrases and category names alike."""
    from surveykit.embed import embed_texts

    return embed_texts(texts, cache_dir=CACHE_DIR, progress=False)


def run_method(name: str, data: LabelledSet, embeddings: np.ndarray,
               seeds: list[int], auto_k: dict[int, int] | None = None) -> dict[str, Any]:
    """Mean metrics and wall time of one method on one set, over the seeds; ``auto_k``: the k
    surveykit chose with each seed (for the methods compared at surveykit's k)."""
    method, which = METHODS[name]
    runs = []
    for seed in seeds:
        k = {"own": None, "human": data.n_classes}.get(which, (auto_k or {}).get(seed))
        if which == "auto" and k is None:
            raise ValueError(f"{name}: run 'surveykit auto' first (its k is this method's k)")
        start = time.perf_counter()
        output = method(data, embeddings, seed, k)
        seconds = time.perf_counter() - start
        metrics = evaluate_assignments(output.assignments, data.labels, texts=data.texts,
                                       topic_words=output.topic_words,
                                       topic_labels=output.labels(), embed=embed_phrases)
        metrics["time_s"] = seconds
        runs.append(metrics)
    k_by_seed = {seed: int(run["n_topics"]) for seed, run in zip(seeds, runs, strict=True)}
    row: dict[str, Any] = {"dataset": data.name, "method": name, "k_by_seed": k_by_seed}
    for key in ("n_topics", "nmi", "ari", "purity", "unassigned_share", "npmi", "diversity",
                "label_score", "label_score_weighted", "time_s"):
        values = [run[key] for run in runs]
        row[key] = statistics.fmean(values)
        if len(values) > 1 and key in {"nmi", "ari"}:
            row[f"{key}_sd"] = statistics.stdev(values)
    row["n_topics"] = f"{row['n_topics']:.1f}" if len(seeds) > 1 else str(int(row["n_topics"]))
    return row


def run(names: list[str], methods: list[str], seeds: list[int]) -> list[dict[str, Any]]:
    rows = []
    warm_up()
    for data in available(names):
        dataset = data.name
        embeddings = embed(data)
        kind = "multi-label" if data.multi_label else "single-label"
        print(f"{dataset}: {len(data)} papers, {data.n_classes} labels ({kind})", file=sys.stderr)
        auto_k: dict[int, int] = {}
        for method in methods:
            try:
                row = run_method(method, data, embeddings, seeds, auto_k)
            except ImportError as exc:  # surveykit.topics not there yet
                print(f"  {method}: not available ({exc})", file=sys.stderr)
                continue
            if method == "surveykit auto":
                auto_k = row["k_by_seed"]
            row["labels"] = f"{data.n_classes} ({'multi' if data.multi_label else 'single'})"
            rows.append(row)
            print(f"  {method}: NMI {row['nmi']:.3f} ARI {row['ari']:.3f} "
                  f"({row['time_s']:.1f}s)", file=sys.stderr)
    return rows


def run_stage_time() -> str:
    """Output of the topics engineer's stage-time script, run in a fresh process."""
    import subprocess

    if not STAGE_TIME.exists():
        return f"({STAGE_TIME.name} is not there yet)"
    done = subprocess.run([sys.executable, str(STAGE_TIME)], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        return f"({STAGE_TIME.name} failed: {done.stderr.strip().splitlines()[-1:]})"
    return done.stdout.strip()


def render(rows: list[dict[str, Any]], seeds: list[int], command: str) -> str:
    import pandas as pd

    columns = ["dataset", "labels", "method", "n_topics", "nmi", "ari", "purity",
               "unassigned_share", "npmi", "diversity", "label_score", "label_score_weighted",
               "time_s"]
    if len(seeds) > 1:
        columns[5:5] = ["nmi_sd"]
        columns[7:7] = ["ari_sd"]
    frame = pd.DataFrame(rows)
    frame = frame[[c for c in columns if c in frame.columns]]
    frame = frame.rename(columns={"unassigned_share": "unassigned", "time_s": "time (s)",
                                  "label_score": "label", "label_score_weighted": "label (w)"})
    header = (
        f"Command: `{command}`\n\n"
        f"Seeds: {', '.join(map(str, seeds))}. Multi-label sets: `nmi` = overlapping NMI "
        "(McDaid et al. 2011), `ari` = omega index; single-label sets: NMI (arithmetic), ARI. "
        "Outliers are one cluster for NMI/ARI and wrong for purity. Time: topic fitting only, "
        "on precomputed embeddings. `label`: share of topics whose label is closest (MiniLM "
        "cosine) to the name of the topic's majority human category among all category names; "
        "`label (w)`: the same weighted by topic size; NMF, Ward and BERTopic are labelled by "
        "their first three top words; surveykit's \"Related surveys\" group is a cluster for "
        "the other scores but not a labelled topic.\n\n"
    )
    return header + markdown_table(frame) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="only the small sets: "
                        + ", ".join(QUICK))
    parser.add_argument("--datasets", nargs="+", choices=list(DATASETS), help="sets to run")
    parser.add_argument("--methods", nargs="+", choices=list(METHODS), default=list(METHODS),
                        help="methods at surveykit's k need 'surveykit auto' before them")
    parser.add_argument("--seeds", default="42", help="comma-separated seeds (mean is shown)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="markdown file to write")
    parser.add_argument("--stage-time", action="store_true",
                        help=f"also run {STAGE_TIME.name} (bundled corpus, fresh process)")
    args = parser.parse_args(argv)
    names = args.datasets or (list(QUICK) if args.quick else list(DATASETS))
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    rows = run(names, args.methods, seeds)
    if not rows:
        print("nothing was run (no labelled sets found in ../shared/datasets)", file=sys.stderr)
        return 0
    command = "python benchmarks/topics_benchmark.py " + " ".join(argv or sys.argv[1:])
    text = render(rows, seeds, command.strip())
    if args.stage_time:
        text += "\n## Topic stage on the bundled corpus\n\n" + run_stage_time() + "\n"
    print(text)
    io.write_text(args.output, "# Topic benchmark\n\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
