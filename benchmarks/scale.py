"""Time and peak memory of every pipeline stage on pseudo-corpora of 1k, 10k (and 100k) abstracts.

For each size, a pseudo-corpus (``benchmarks/pseudo_corpus.py``, seed 0) becomes the only source of
a survey in ``build/scale/<size>/``; then each stage runs in its own fresh Python process, called
in-process there through :class:`surveykit.Survey` (corpus, topics, tables, figures, bibliography,
draft), reading what the stages before it saved. Wall time and peak RSS are the child's
(``os.wait4``), imports included.

Embeddings are **pseudo-embeddings**: ``surveykit.embed.embed_texts`` is replaced, in the children
only, by a deterministic hashed bag-of-words random projection to 384 dimensions (word overlap, no
model), so the other stages are measured without hours of MiniLM. Their cost is shown on its own
row (``pseudo-embed``); the real embedding cost belongs to the static model's benchmark.

    python benchmarks/scale.py                       # 1k and 10k
    nice timeout 3h python benchmarks/scale.py --sizes 100000 --output benchmarks/results/scale-100k.md

Writes ``benchmarks/results/scale.md`` (``--output``): one row per size and stage, plus the PDF's
page count and the run's totals.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("corpus", "pseudo-embed", "topics", "tables", "figures", "bibliography", "draft")

CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
from benchmarks.scale import install_pseudo_embedder, run_stage
install_pseudo_embedder()
start = time.perf_counter()
info = run_stage({stage!r}, {config!r})
print("SCALE-RESULT " + json.dumps({{"seconds": time.perf_counter() - start, "info": info}}))
"""


HASH_FEATURES = 2**14


@lru_cache(maxsize=1)
def _projection(dim: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal((HASH_FEATURES, dim)).astype(np.float32)


def pseudo_embed(texts: list[str], dim: int = 384) -> np.ndarray:
    """Deterministic stand-in for MiniLM: hashed word counts through a fixed Gaussian random
    projection, L2-normalised. Same text, same vector, whatever the batch; no model."""
    from sklearn.feature_extraction.text import HashingVectorizer

    vectorizer = HashingVectorizer(n_features=HASH_FEATURES, alternate_sign=False,
                                   stop_words="english", norm="l2", dtype=np.float32)
    projection = _projection(dim)
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for start in range(0, len(texts), 20000):  # bounded memory
        block = np.asarray(vectorizer.transform(texts[start:start + 20000]) @ projection)
        norms = np.linalg.norm(block, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        out[start:start + len(block)] = block / norms
    return out


def install_pseudo_embedder() -> None:
    """Replace ``embed_texts``/``embed_corpus`` in :mod:`surveykit.embed` by :func:`pseudo_embed`."""
    import surveykit.embed as embed

    def embed_texts(texts, model=None, cache_dir=None, batch_size=64, progress=False, **_):
        return pseudo_embed(list(texts))

    def embed_corpus(corpus, **kwargs):
        return embed_texts(corpus.texts(), **kwargs)

    embed.embed_texts = embed_texts
    embed.embed_corpus = embed_corpus


def run_stage(stage: str, config: str) -> dict:
    """One stage through :class:`surveykit.Survey`; returns a few facts about its output."""
    import surveykit as sk

    survey = sk.Survey.open(config)
    if stage == "pseudo-embed":
        from surveykit.attributes.sentences import split_sentences
        from surveykit.embed import embed_texts

        corpus = survey.corpus
        sentences = [s.text for p in corpus.papers for s in split_sentences(p.abstract or "")]
        embed_texts(corpus.texts())
        embed_texts(sentences)
        return {"texts": len(corpus), "sentences": len(sentences)}
    if stage == "corpus":
        build = survey.build_corpus(progress=False)
        return {"papers": len(build.corpus)}
    if stage == "topics":
        topics = survey.fit_topics()
        return {"topics": len(topics.topics)}
    if stage == "standin-topics":  # a cheap stand-in taxonomy (benchmarks/standin_topics.py)
        from benchmarks.standin_topics import standin_topics

        topics = standin_topics(config)
        survey.workspace.sentence_roles  # noqa: B018 - the topic stage's other output
        return {"topics": len(topics.topics), "stand-in": True}
    if stage == "attributes":
        return {"rows": len(survey.attributes().long)}
    if stage == "tables":
        tables = survey.tables()
        return {"tables": len(tables)}
    if stage == "figures":
        figs = survey.figures()
        for make in (figs.paper_map, figs.topic_sizes, figs.taxonomy, figs.taxonomy_tree,
                     figs.papers_per_year, figs.attribute_heatmap, figs.topic_similarity):
            make()
        figs.close()
        return {}
    if stage == "bibliography":
        refs = survey.bibliography()
        return {"entries": len(getattr(refs, "keys", []) or [])}
    if stage == "draft":
        survey.draft()
        pdf = survey.paths.draft / "survey.pdf"
        return {"pdf": pdf.exists(), "pages": pdf_pages(pdf) if pdf.exists() else None}
    raise ValueError(f"unknown stage {stage!r}")


def pdf_pages(pdf: Path) -> int | None:
    """The PDF's page count (``pypdf``, a dependency of the figure export)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(str(pdf)).pages)


def prepare(size: int, folder: Path) -> Path:
    """The pseudo-corpus and a ``survey.toml`` naming it; returns the config path."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.pseudo_corpus import write_pseudo_corpus

    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"pseudo-{size}.jsonl"
    if not source.exists():
        write_pseudo_corpus(size, source)
    config = folder / "survey.toml"
    config.write_text(
        f'[survey]\ntitle = "A Pseudo Survey of {size} Abstracts"\nauthor = "surveykit scale benchmark"\n\n'
        f'[corpus]\nsources = [{{ path = "{source.name}" }}]\nenrich = false\n\n'
        '[topics]\nrefit = true\n', encoding="utf-8")
    return config


def run_child(stage: str, config: Path, timeout: float) -> dict:
    """Run one stage in a fresh process; wall seconds, peak RSS (MB), exit code, reported info."""
    code = CHILD.format(root=str(ROOT), stage=stage, config=str(config))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    log = config.parent / f"{stage}.log"
    begin = time.perf_counter()
    with open(log, "w", encoding="utf-8") as handle:
        child = subprocess.Popen([sys.executable, "-c", code], cwd=config.parent, stdout=handle,
                                 stderr=subprocess.STDOUT, env=env)
        deadline = begin + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                child.kill()
                pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.2)
    wall = time.perf_counter() - begin
    text = log.read_text(encoding="utf-8", errors="replace")
    found = [line for line in text.splitlines() if line.startswith("SCALE-RESULT ")]
    result = json.loads(found[-1][13:]) if found else {"seconds": None, "info": {}}
    error = "" if found else (text.strip().splitlines() or ["killed (timeout)"])[-1][:160]
    return {"stage": stage, "wall": wall, "inner": result["seconds"], "rss_mb": usage.ru_maxrss / 1024,
            "exit": os.waitstatus_to_exitcode(status), "info": result["info"], "error": error}


def table(rows: list[dict]) -> str:
    lines = ["| size | stage | wall (s) | stage (s) | peak RSS (MB) | exit | output |",
             "|---:|---|---:|---:|---:|---:|---|"]
    for row in rows:
        inner = f"{row['inner']:.1f}" if row["inner"] is not None else "-"
        info = ", ".join(f"{k}={v}" for k, v in row["info"].items()) or row["error"]
        lines.append(f"| {row['size']:,} | {row['stage']} | {row['wall']:.1f} | {inner} | "
                     f"{row['rss_mb']:.0f} | {row['exit']} | {info} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--stages", default=",".join(STAGES))
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "scale")
    parser.add_argument("--timeout", type=float, default=3600, help="per stage, seconds")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "scale.md")
    args = parser.parse_args(argv)
    rows: list[dict] = []
    for size in [int(s) for s in args.sizes.split(",")]:
        config = prepare(size, args.workdir / str(size))
        for stage in args.stages.split(","):
            row = run_child(stage, config, args.timeout) | {"size": size}
            rows.append(row)
            print(table([row]).splitlines()[-1], flush=True)
            if row["exit"] != 0 and stage != "draft":
                break
        total = [r for r in rows if r["size"] == size and r["stage"] != "pseudo-embed"]
        print(f"{size:,}: stages without embedding {sum(r['wall'] for r in total):.0f} s, "
              f"max peak RSS {max([r['rss_mb'] for r in total] or [0]):.0f} MB", flush=True)
    report = [
        "# Scale: every stage on pseudo-corpora", "",
        "`python benchmarks/scale.py --sizes " + args.sizes + "` (each stage a fresh process; "
        "pseudo-embeddings instead of MiniLM, see the script's docstring; 2 shared cores).", "",
        table(rows), "",
    ]
    for size in sorted({r["size"] for r in rows}):
        total = [r for r in rows if r["size"] == size and r["stage"] != "pseudo-embed"]
        seconds = sum(r["wall"] for r in total)
        report.append(f"- {size:,} abstracts: all stages but embedding {seconds:.0f} s, "
                      f"peak RSS {max([r['rss_mb'] for r in total] or [0]):.0f} MB (largest stage).")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(report) + "\n", encoding="utf-8")
    print(table(rows))
    return 0 if all(r["exit"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
