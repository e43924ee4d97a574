"""Draft quality on a finished run: scene-setting sentences used as content, name-only papers,
comparative sentences per theme, citation faithfulness and compile problems.

    surveykit run --output-dir /tmp/draft-run                   # the default run (bundled corpus)
    python benchmarks/draft_benchmark.py --tables /tmp/draft-run # re-writes tables, re-drafts, compiles
    surveykit run --output-dir /tmp/draft-emnlp --source X.csv  # a whole survey from another source
    python benchmarks/draft_benchmark.py --tables --source X.csv /tmp/draft-emnlp

The numbers are those of ``draft/metrics.json`` (written by the draft stage) plus the grounding and
compile reports.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from surveykit.bib.stage import write_references
from surveykit.config import load_config
from surveykit.draft import write_draft
from surveykit.draft.pdffonts import smallest_table_text
from surveykit.tables import build_tables
from surveykit.workspace import Workspace


def table_layout(tables: Path, pdf: Path | None) -> dict:
    """How the tables are set: shrunk (``\\resizebox``), font size commands, landscape pages,
    longtables; and the smallest text on the PDF's table pages."""
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(tables.glob("*.tex"))
             if p.stem != "all_tables"}
    size = re.compile(r"^\\(footnotesize|scriptsize|small|tiny)$", re.MULTILINE)
    sizes = {name: (size.search(text) or [None, "body"])[1] for name, text in texts.items()}
    return {
        "tables": len(texts),
        "tables_resized": sorted(n for n, t in texts.items() if "\\resizebox" in t),
        "table_sizes": sizes,
        "tables_landscape": sorted(n for n, t in texts.items() if "{landscape}" in t),
        "tables_long": sorted(n for n, t in texts.items() if "{longtable}" in t),
        "smallest_table_text_pt": smallest_table_text(pdf) if pdf is not None and pdf.exists() else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir")
    parser.add_argument("--config", default="survey.toml")
    parser.add_argument("--no-compile", action="store_true")
    parser.add_argument("--source", action="append", help="the run's --source files (as surveykit run)")
    parser.add_argument("--tables", action="store_true", help="re-write tables/ first (this code's layout)")
    parser.add_argument("--bib", action="store_true", help="re-write bib/references.bib first")
    args = parser.parse_args()
    ws = Workspace(load_config(args.config, args.output_dir, args.source))
    if args.bib:
        write_references(ws.config, ws.corpus, validate=False)
    if args.tables:
        build_tables(ws.config, ws.corpus, ws.attributes, ws.assignments, ws.topic_table, ws.keys,
                     related=ws.topics.related)
    result = write_draft(ws.config, ws.corpus, ws.assignments, ws.topic_table, ws.keys,
                         attributes=ws.attributes, related=ws.topics.related,
                         compile=not args.no_compile, backend=False)
    metrics = json.loads((ws.paths.draft / "metrics.json").read_text(encoding="utf-8"))
    report = result.compile
    out = {
        **{k: v for k, v in metrics.items() if k not in ("background", "name_only")},
        "grounding": result.grounding.summary().splitlines()[0],
        "extracts_checked": result.grounding.extracts,
        "grounding_problems": len(result.grounding.problems),
        "compile_status": report.status,
        "pages": report.pages,
        "compile_problems": len(report.problems) if report.status != "skipped" else None,
        "multiply_defined_labels": report.multiply_defined,
        "undefined_references": report.undefined_references,
        "overfull_boxes": report.overfull_boxes,
        "overfull_above_10pt": report.overfull_large,
        **table_layout(ws.paths.tables, report.pdf if report.status == "ok" else None),
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
