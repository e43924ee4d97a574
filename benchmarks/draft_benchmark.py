"""Draft quality on a finished run: scene-setting sentences used as content, name-only papers,
comparative sentences per theme, citation faithfulness and compile problems.

    surveykit run --output-dir /tmp/draft-run          # the default run (bundled corpus)
    python benchmarks/draft_benchmark.py /tmp/draft-run # re-drafts and compiles there; prints JSON

The numbers are those of ``draft/metrics.json`` (written by the draft stage) plus the grounding and
compile reports.
"""

from __future__ import annotations

import argparse
import json

from surveykit.draft import write_draft
from surveykit.workspace import Workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir")
    parser.add_argument("--config", default="survey.toml")
    parser.add_argument("--no-compile", action="store_true")
    args = parser.parse_args()
    ws = Workspace.open(args.config, args.output_dir)
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
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
