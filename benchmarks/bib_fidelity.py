"""Bibliography fidelity on real .bib libraries and the adversarial fixtures (issue 11).

For each case (a list of source .bib files): load, dedupe and write ``references.bib`` the way
``surveykit`` does, then measure

- names corrupted (a person whose letters differ from the source's, accents repaired),
- fields lost without a report line, keys kept (as entry keys or ``ids`` aliases),
- bibtex (plainnat) and biber (biblatex) errors on the written file, both styles,
- whether swapping the source order gives byte-identical output,

and, with a broken and a clean author .bib under ``[bib] existing``, the exit code of
``surveykit bib`` and the entries it names. Writes ``benchmarks/results/bib_fidelity.md``.

    python benchmarks/bib_fidelity.py [--no-biber] [--e2e] [--output PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from surveykit.bib.audit import audit, render_sources  # noqa: E402
from surveykit.bib.bibercheck import biber_check  # noqa: E402
from surveykit.bib.texcheck import compile_check  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "bib"


def _shared() -> Path:
    base = os.environ.get("SURVEYKIT_SHARED")
    return Path(base) / "datasets" if base else ROOT.parent / "shared" / "datasets"


def cases() -> list[tuple[str, list[Path]]]:
    shared = _shared()
    real = [shared / "bib-assurvey" / "survey.bib", shared / "bib-mllm-short-survey" / "custom.bib"]
    out = [("fixtures: names, accents, fields", [FIXTURES / "names.bib"]),
           ("fixtures: preprint + published", [FIXTURES / "merge_preprint.bib",
                                               FIXTURES / "merge_published.bib"])]
    out += [(f"shared: {p.parent.name}", [p]) for p in real if p.exists()]
    if all(p.exists() for p in real):
        out.append(("shared: both files together", real))
    return out


def _keys(text: str) -> list[str]:
    import bibtexparser

    return [e.key for e in bibtexparser.parse_string(text, parse_stack=[]).entries]


def measure(name: str, paths: list[Path], biber: bool) -> dict:
    row: dict = {"case": name}
    text, report = render_sources(paths)
    result = audit(paths, text, report)
    row.update(entries=len(_keys(text)), source_keys=result.source_keys,
               keys_kept=f"{100 * result.keys_kept_share:.0f}%", fields=result.fields,
               fields_lost=len(result.fields_lost), names=result.names,
               names_corrupted=len(result.names_corrupted),
               changes=len(report.changes), aliases=sum(len(v) for v in report.aliases.values()))
    row["swap_identical"] = render_sources(paths[::-1])[0] == text
    with tempfile.TemporaryDirectory() as tmp:
        for style in ("bibtex", "biblatex"):
            styled = text if style == "bibtex" else render_sources(paths, style=style)[0]
            bib = Path(tmp) / f"{style}.bib"
            bib.write_text(styled, encoding="utf-8")
            compiled = compile_check(bib, _keys(styled))
            row[f"bibtex_errors[{style}]"] = "skip" if compiled.skipped else len(compiled.errors)
            if biber:
                checked = biber_check(bib)
                row[f"biber_errors[{style}]"] = "skip" if checked.skipped else len(checked.errors)
    row["details"] = result.fields_lost[:3] + result.names_corrupted[:3] + result.missing_keys[:3]
    return row


def loud_failure() -> list[str]:
    """``surveykit bib`` with a broken and a clean author .bib: exit code and what it names."""
    from surveykit import cli

    lines = []
    for user in ("broken_user.bib", "clean_user.bib"):
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(FIXTURES / user, Path(tmp) / "mine.bib")
            shutil.copy(FIXTURES / "names.bib", Path(tmp) / "src.bib")
            cfg = Path(tmp) / "survey.toml"
            cfg.write_text('[corpus]\nsources = ["src.bib"]\n[bib]\nexisting = ["mine.bib"]\n')
            err = io.StringIO()
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
                cli.main(["corpus", "--config", str(cfg)])
                code = cli.main(["bib", "--config", str(cfg)])
            named = [line.strip().replace(tmp + "/", "") for line in err.getvalue().splitlines()
                     if line.startswith("  ") and "mine.bib" in line]
            lines.append(f"- `{user}`: `surveykit bib` exit {code}" +
                         ("".join(f"\n  - {n}" for n in named[:4]) if named else ""))
    return lines


def end_to_end() -> list[str]:
    """``surveykit run`` (bundled corpus) with a broken and a clean author .bib: exit, PDF, errors."""
    import subprocess

    lines = []
    for user in ("broken_user.bib", "clean_user.bib"):
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(FIXTURES / user, Path(tmp) / "mine.bib")
            (Path(tmp) / "survey.toml").write_text('[bib]\nexisting = ["mine.bib"]\n')
            env = dict(os.environ, PYTHONPATH=str(ROOT))
            done = subprocess.run([sys.executable, "-m", "surveykit.cli", "run", "--config",
                                   str(Path(tmp) / "survey.toml"), "--notebooks",
                                   str(ROOT / "notebooks")], capture_output=True, text=True,
                                  env=env, check=False)
            named = [line.strip().replace(tmp + "/", "") for line in done.stderr.splitlines()
                     if line.startswith("  ")]
            pdf = (Path(tmp) / "draft" / "survey.pdf").exists()
            draft = (Path(tmp) / "draft" / "survey.tex").exists()
            lines.append(f"- `{user}`: `surveykit run` exit {done.returncode}, draft written: "
                         f"{draft}, PDF: {pdf}" + "".join(f"\n  - {n}" for n in named[:5]))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-biber", action="store_true", help="skip the biber checks (slow)")
    parser.add_argument("--e2e", action="store_true",
                        help="also run `surveykit run` on the bundled corpus (~10 min)")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "bib_fidelity.md"))
    args = parser.parse_args(argv)
    started = time.monotonic()
    rows = [measure(name, paths, not args.no_biber) for name, paths in cases()]
    columns = [c for c in rows[0] if c not in {"details"}]
    lines = ["# Bibliography fidelity (issue 11)", "",
             "`python benchmarks/bib_fidelity.py` — sources loaded, deduped and written as "
             "`surveykit` does; the written file compiled with pdflatex+bibtex (plainnat) and "
             "pdflatex+biber (biblatex), in both `[bib] style`s.", "",
             "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(r[c]) for c in columns) + " |" for r in rows]
    problems = [f"- {r['case']}: {d}" for r in rows for d in r["details"]]
    if problems:
        lines += ["", "## First problems", *problems]
    lines += ["", "## Loud failures (`[bib] existing`)", *loud_failure()]
    if args.e2e:
        lines += ["", "## `surveykit run` on the bundled corpus", *end_to_end()]
    lines += ["",
              f"({time.monotonic() - started:.0f} s)"]
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
