"""Time and peak memory of building the topic stage's label and keyword scorers on a pseudo-corpus.

At 100,000 abstracts the scorers were most of the topic stage's main process (phrase vocabulary,
postings, spellings and verb uses over every text). This builds both exactly as
``surveykit.topics.engine.fit_topics`` does (title + abstract texts, no embeddings) and prints the
seconds of each and the process's peak RSS.

    python benchmarks/label_scorers.py 100000
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from benchmarks.pseudo_corpus import generate  # noqa: E402
from surveykit.topics import engine  # noqa: E402
from surveykit.topics import labels as lab  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int, nargs="?", default=10000)
    args = parser.parse_args(argv)
    records = generate(args.size)
    titles = [r.get("title") or "" for r in records]
    abstracts = [r.get("abstract") or "" for r in records]
    texts = [f"{t}. {a}" for t, a in zip(titles, abstracts, strict=True)]
    analyzer = lab.PhraseAnalyzer(lab.stop_words())
    start = time.perf_counter()
    _, doc_freq, postings = lab.vocabulary_postings(texts, analyzer)
    generic = {t for t, df in doc_freq.items() if " " not in t and df > lab.GENERIC_SHARE * len(texts)}
    verbs = lab.verb_like_words(lab.evenly(texts))
    lab.LabelScorer(postings, len(texts), generic, fold=False, verbs=verbs)
    keyword_seconds = time.perf_counter() - start
    start = time.perf_counter()
    engine._label_scorer(texts, titles, analyzer, np.zeros((len(texts), 4), dtype=np.float32), None,
                         abstracts, verbs)
    label_seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("| abstracts | keyword scorer (s) | label scorer (s) | peak RSS (MB) |")
    print("|---:|---:|---:|---:|")
    print(f"| {len(texts):,} | {keyword_seconds:.1f} | {label_seconds:.1f} | {peak_mb:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
