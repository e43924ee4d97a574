"""Which text should the topics be clustered on? The hypothesis of issue 9, tested.

Every abstract opens with scene-setting the whole field shares ("LLMs have shown remarkable...").
Clustering on what a paper *does* -- its title plus the objective/method/result sentences about
itself, found by the sentence-role classifier (:mod:`surveykit.roles`) -- might group papers
better. This script compares, at the human number of classes (equal k), Ward on each text's
embedding and surveykit's consensus on it (with the lexical views of the same text):

* ``title + abstract``: the shipped features;
* ``contribution text``: title + the sentences about this paper (``contribution_text``);
* ``title ⊕ weighted sentences``: title embedding + the mean of the sentence embeddings weighted by
  role (background 0.25, other 0.5, objective/method/result 1; prior or future work x 0.3);
* ``title + abstract ⊕ contribution``: both embeddings averaged.

    python benchmarks/topic_features.py            # emnlp22-single, emnlp22-multi, ml4code-tags

Writes ``benchmarks/results/topic_features.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from benchmarks.datasets import available  # noqa: E402
from benchmarks.topics_benchmark import CACHE_DIR  # noqa: E402
from surveykit import io  # noqa: E402
from surveykit.evaluate import evaluate_assignments  # noqa: E402
from surveykit.topics import clustering as C  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "topic_features.md"
SETS = ("emnlp22-single", "emnlp22-multi", "ml4code-tags")
WEIGHTS = {"background": 0.25, "objective": 1.0, "method": 1.0, "result": 1.0, "other": 0.5}


def _embed(texts: list[str]) -> np.ndarray:
    from surveykit.embed import embed_texts

    return embed_texts(texts, cache_dir=CACHE_DIR, progress=False)


def variants(titles: list[str], abstracts: list[str], texts: list[str]) -> dict[str, np.ndarray]:
    from surveykit.roles import annotate_sentences, contribution_text

    roles = annotate_sentences(abstracts, embed=_embed)
    full = C.normalise_rows(_embed(texts).astype(np.float64))
    contribution = C.normalise_rows(_embed([contribution_text(t, r) for t, r in zip(titles, roles,
                                                                                     strict=True)]))
    title = C.normalise_rows(_embed(titles).astype(np.float64))
    flat = [s.text for sentences in roles for s in sentences]
    vectors = _embed(flat) if flat else np.zeros((0, full.shape[1]))
    weighted, row = [], 0
    for sentences in roles:
        block = vectors[row: row + len(sentences)]
        row += len(sentences)
        w = np.array([WEIGHTS[s.role] * (0.3 if s.prior_work or s.future_work else 1.0)
                      for s in sentences])
        weighted.append((block * w[:, None]).sum(0) / w.sum() if len(sentences) else np.zeros(full.shape[1]))
    return {
        "title + abstract (shipped)": full,
        "contribution text": contribution,
        "title ⊕ role-weighted sentences": C.normalise_rows(title + C.normalise_rows(np.array(weighted))),
        "title + abstract ⊕ contribution": C.normalise_rows(full + contribution),
    }


def score(labels: list[list[str]], assignments: np.ndarray) -> str:
    metrics = evaluate_assignments(list(assignments), labels)
    return f"{metrics['nmi']:.3f} / {metrics['ari']:.3f}"


def main() -> int:
    from sklearn.cluster import AgglomerativeClustering

    from surveykit.topics.config import TopicConfig

    weight = TopicConfig().lexical_weight
    lines = ["| set | k | features | Ward NMI / ARI | surveykit consensus NMI / ARI |",
             "|---|---|---|---|---|"]
    for data in available(SETS):
        name = data.name
        k = data.n_classes
        for label, features in variants(data.titles, data.abstracts, data.texts).items():
            ward = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
            views = C.feature_views(features, data.texts, weight, 100, 42)
            lo, hi = C.k_range(len(features))
            ours = C.kmeans_refine(views[0], C.consensus_cut(views, k, lo, hi), k)
            line = f"| {name} | {k} | {label} | {score(data.labels, ward)} | {score(data.labels, ours)} |"
            print(line, file=sys.stderr)
            lines.append(line)
    text = ("Command: `python benchmarks/topic_features.py`. Equal k (the human number of classes); "
            "single-label sets NMI / ARI, multi-label sets overlapping NMI / omega.\n\n"
            + "\n".join(lines) + "\n")
    print(text)
    io.write_text(RESULTS, "# Topic features: title + abstract vs contribution sentences\n\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
