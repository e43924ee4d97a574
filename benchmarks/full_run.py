"""Wall time of the main job (`surveykit run`, every notebook on the bundled corpus), cold and warm.

Cold: a fresh output folder, so no embedding or HTTP cache and no saved stage outputs (the model
still has to load). Warm: the same folder again, caches filled. Each run is a fresh process, as a
user would start it. Prints a markdown table and writes it to benchmarks/results/full_run.md.

    python benchmarks/full_run.py [--runs 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "full_run.md"


def _run(out: Path) -> tuple[float, dict[str, float]]:
    exe = Path(sys.executable).parent / "surveykit"
    start = time.perf_counter()
    proc = subprocess.run([str(exe), "run", "--config", str(ROOT / "survey.toml"), "--output-dir", str(out)],
                          capture_output=True, text=True, env=os.environ.copy(), check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"surveykit run failed:\n{proc.stderr[-2000:]}")
    per_notebook = {}
    for line in proc.stdout.splitlines():
        parts = line.split()
        if parts and parts[0].endswith(".ipynb"):
            per_notebook[parts[0]] = float(parts[1])
    return seconds, per_notebook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="warm runs after the cold one")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="surveykit-bench-"))
    try:
        rows = [("cold", *_run(out))]
        rows += [(f"warm {i + 1}", *_run(out)) for i in range(args.runs)]
        pdf = out / "draft" / "survey.pdf"
        pages = None
        if pdf.exists():
            from pypdf import PdfReader

            pages = len(PdfReader(pdf).pages)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    notebooks = list(rows[0][2])
    header = "| run | total (s) | " + " | ".join(n.removesuffix(".ipynb") for n in notebooks) + " |"
    lines = [header, "|" + "---|" * (2 + len(notebooks))]
    for name, total, per in rows:
        cells = " | ".join(f"{per.get(n, 0):.1f}" for n in notebooks)
        lines.append(f"| {name} | {total:.1f} | {cells} |")
    machine = f"{os.cpu_count()} cores; chromium={shutil.which('chromium') is not None}; "
    machine += f"latexmk={shutil.which('latexmk') is not None}; PDF pages: {pages}"
    table = "\n".join(lines) + f"\n\n{machine}\n"
    print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("# `surveykit run` on the bundled corpus\n\n" + table, encoding="utf-8")


if __name__ == "__main__":
    main()
