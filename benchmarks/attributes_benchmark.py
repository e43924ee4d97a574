"""Attribute precision and recall on hand-checked gold cells of the bundled corpus, before and after
restricting evidence to the paper's own claims (sentence roles + cue flags).

    python benchmarks/attributes_benchmark.py    # ~10 s with the embedding cache; writes
                                                 # benchmarks/results/attributes.md

Gold: ``tests/fixtures/attributes_gold.csv`` (paper id, attribute, value, present/absent, reasoning).
The cells were drawn from the values the keyword matcher (before) sets: every value the own-claims
filter removes and 30 random values it keeps, so recall is measured on this sample only.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from surveykit import io
from surveykit.attributes import extract_attributes
from surveykit.attributes.gold import errors, load_gold, score
from surveykit.corpus.bundled import load_bundled_corpus
from surveykit.embed import embed_texts
from surveykit.roles import annotate_sentences

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "attributes_gold.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "attributes.md"))
    args = parser.parse_args()
    cache = os.environ.get("SURVEYKIT_EMBED_CACHE")

    def embed(texts: list[str]):
        return embed_texts(texts, cache_dir=cache, progress=False)

    papers = load_bundled_corpus().papers
    roles = annotate_sentences(papers, embed=embed)
    before = extract_attributes(papers, embeddings=embed)
    after = extract_attributes(papers, embeddings=embed, roles=roles)
    gold = load_gold(GOLD)
    lines = [
        "# Attributes: evidence from the paper's own claims",
        "",
        "Bundled corpus (73 papers), default schema. *Before*: keyword matches in any title/abstract "
        "sentence. *After*: only the title and sentences that state this paper's claims "
        "(objective/method/result role or self-reference; not prior work, not future work) and no "
        "negated match (`surveykit/attributes/claims.py`).",
        "",
        f"Gold: `tests/fixtures/attributes_gold.csv`, {len(gold)} hand-checked cells "
        f"({sum(c.present for c in gold)} present, {sum(not c.present for c in gold)} absent), drawn "
        "from the values the keyword matcher sets (all that the filter removes + 30 random kept), so "
        "recall is relative to this sample.",
        "",
        "| | cells filled | correct | precision | recall (sample) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, table in (("before", before), ("after", after)):
        s = score(table, gold)
        lines.append(f"| {name} | {s.predicted} | {s.correct} | {s.precision:.3f} | {s.recall:.3f} |")
    lines += ["", "Values per corpus share (flags and domains; > 60% is reported as non-discriminative "
              "and left out of the tables):", "", "| attribute | value | before | after |",
              "|---|---|---:|---:|"]
    b, a = before.shares(), after.shares()
    merged = b.merge(a, on=["attribute", "value"], how="outer", suffixes=("_b", "_a")).fillna(0)
    for row in merged.itertuples():
        lines.append(f"| {row.attribute} | {row.value} | {int(row.papers_b)} | {int(row.papers_a)} |")
    nd_b, nd_a = before.non_discriminative(), after.non_discriminative()
    lines += ["", f"Non-discriminative before: {nd_b or 'none'}; after: {nd_a or 'none'}.", "",
              "Errors after (gold says / table says):", ""]
    for cell, has in errors(after, gold):
        lines.append(f"- {cell.paper_id} {cell.attribute}={cell.value}: gold "
                     f"{'present' if cell.present else 'absent'}, table {'present' if has else 'absent'}"
                     f" ({cell.reasoning})")
    lines += ["", "Reproduce: `source scripts/env.sh; export SURVEYKIT_EMBED_CACHE=...; "
              "PYTHONPATH=$PWD python benchmarks/attributes_benchmark.py`", ""]
    io.write_text(args.out, "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
