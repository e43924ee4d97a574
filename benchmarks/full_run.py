"""Wall time of the main job (`surveykit run`, every notebook on the bundled corpus), side by side:

- cold: a fresh output folder (no embedding cache, no saved stage outputs, no build/stages.json);
- nothing changed: the same command again (every stage is skipped);
- curation edit: one `[rename]` added to curation.toml (02 onward re-run, only what changed);
- --force: every notebook re-executed with warm caches.

Each run is a fresh `surveykit` process, as a user would start it, on a copy of survey.toml and
curation.toml in a temporary folder. The machine may be shared: the load average (1 min) before
and after each run and the CPU time of the run (user + system, all its processes) are reported
next to the wall time. Prints a markdown table and writes benchmarks/results/full_run.md.

    python benchmarks/full_run.py
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "full_run.md"
STAGES = ["01", "02", "03", "04", "05", "06"]
CURATION_EDIT = '\n[rename]\n"paper:arxiv:2407.12821" = "Safety and security of agents"\n'
TARGETS = {"cold": 60.0, "nothing changed": 5.0, "curation edit": 25.0}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(project: Path, *extra: str) -> dict:
    exe = Path(sys.executable).parent / "surveykit"
    command = [str(exe), "run", "--config", str(project / "survey.toml"), *extra]
    load_before = os.getloadavg()[0]
    cpu_before, start = _children_cpu(), time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(), check=False)
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu_before
    if proc.returncode != 0:
        sys.exit(f"surveykit run failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    stages = {}
    for line in proc.stdout.splitlines():
        parts = line.split()
        if parts and parts[0][:2] in STAGES and parts[0].endswith(".ipynb"):
            stages[parts[0][:2]] = f"{float(parts[2]):.1f}" if parts[1] == "ran" else "skip"
    return {"seconds": seconds, "cpu": cpu, "stages": stages,
            "load": f"{load_before:.1f} / {os.getloadavg()[0]:.1f}"}


def _pdf_pages(pdf: Path) -> int | None:
    if not pdf.exists():
        return None
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    project = Path(tempfile.mkdtemp(prefix="surveykit-bench-"))
    rows: list[tuple[str, dict]] = []
    try:
        shutil.copy(ROOT / "survey.toml", project / "survey.toml")
        shutil.copy(ROOT / "curation.toml", project / "curation.toml")
        rows.append(("cold", _run(project)))
        rows.append(("nothing changed", _run(project)))
        with open(project / "curation.toml", "a", encoding="utf-8") as handle:
            handle.write(CURATION_EDIT)
        rows.append(("curation edit", _run(project)))
        rows.append(("--force", _run(project, "--force")))
        pages = _pdf_pages(project / "draft" / "survey.pdf")
    finally:
        shutil.rmtree(project, ignore_errors=True)
    header = ("| run | wall (s) | target (s) | CPU (s) | load before / after | "
              + " | ".join(STAGES) + " |")
    lines = [header, "|" + "---|" * (5 + len(STAGES))]
    for name, row in rows:
        target = f"≤ {TARGETS[name]:.0f}" if name in TARGETS else ""
        cells = " | ".join(row["stages"].get(s, "") for s in STAGES)
        lines.append(f"| {name} | {row['seconds']:.1f} | {target} | {row['cpu']:.1f} | {row['load']} | "
                     f"{cells} |")
    machine = (f"{os.cpu_count()} cores; chromium={shutil.which('chromium') is not None}; "
               f"latexmk={shutil.which('latexmk') is not None}; PDF pages: {pages}. Stage columns: "
               "seconds of a notebook that ran, `skip` when its inputs had not changed.")
    table = "\n".join(lines) + f"\n\n{machine}\n"
    print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("# `surveykit run` on the bundled corpus: cold, nothing changed, a curation "
                       "edit, --force\n\n" + table, encoding="utf-8")


if __name__ == "__main__":
    main()
