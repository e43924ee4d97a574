"""Wall time of the topic stage on the bundled corpus, each run in a fresh Python process.

Embeddings come from the disk cache (filled first, outside the timing). Two numbers per run:
``process`` is the whole child process as the parent sees it (interpreter start, imports, fit,
save), ``stage`` is measured inside the child from before ``import surveykit.topics`` / ``import
bertopic`` to the end of the fit. Prints a markdown table (median of ``--runs`` runs).

    python benchmarks/topic_stage_time.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = ROOT / ".cache" / "surveykit" / "embeddings"

SURVEYKIT = """
import time, sys
start = time.perf_counter()
from surveykit.corpus.bundled import load_bundled_corpus
from surveykit.embed import embed_corpus
from surveykit.topics import fit_topics
corpus = load_bundled_corpus()
embeddings = embed_corpus(corpus, cache_dir={cache!r}, progress=False)
result = fit_topics(corpus, embeddings)
result.save({out!r})
print(f"STAGE {{time.perf_counter() - start:.3f}} TOPICS {{result.n_topics}} OUTLIERS 0")
"""

BERTOPIC_DEFAULTS = """
import time, sys
start = time.perf_counter()
from surveykit.corpus.bundled import load_bundled_corpus
from surveykit.embed import embed_corpus
from bertopic import BERTopic
corpus = load_bundled_corpus()
embeddings = embed_corpus(corpus, cache_dir={cache!r}, progress=False)
model = BERTopic()
topics, _ = model.fit_transform(corpus.texts(), embeddings)
n_topics = len({{t for t in topics if t != -1}})
outliers = sum(1 for t in topics if t == -1)
print(f"STAGE {{time.perf_counter() - start:.3f}} TOPICS {{n_topics}} OUTLIERS {{outliers}}")
"""


def run_child(code: str) -> tuple[float, float, str, str]:
    begin = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - begin
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    line = next(x for x in done.stdout.splitlines() if x.startswith("STAGE"))
    parts = line.split()
    return wall, float(parts[1]), parts[3], parts[5]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from surveykit.corpus.bundled import load_bundled_corpus
    from surveykit.embed import embed_corpus

    embed_corpus(load_bundled_corpus(), cache_dir=CACHE_DIR, progress=False)  # fill the cache
    rows = []
    with tempfile.TemporaryDirectory() as out:
        for name, template in (("surveykit auto", SURVEYKIT),
                               ("BERTopic defaults", BERTOPIC_DEFAULTS)):
            code = template.format(cache=str(CACHE_DIR), out=out)
            runs = [run_child(code) for _ in range(args.runs)]
            rows.append((name, statistics.median(r[0] for r in runs),
                         statistics.median(r[1] for r in runs), runs[-1][2], runs[-1][3]))
    print(f"Bundled corpus (73 papers), cached embeddings, median of {args.runs} fresh processes.\n")
    print("| method | process (s) | stage (s) | topics | outliers |")
    print("|---|---|---|---|---|")
    for name, wall, stage, topics, outliers in rows:
        print(f"| {name} | {wall:.2f} | {stage:.2f} | {topics} | {outliers} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
