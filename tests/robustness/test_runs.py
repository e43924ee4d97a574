"""Runs that tell the truth: a lock per output folder, private kernel sockets, exit codes from what
the stages report, and one line on Ctrl-C."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from surveykit import runlock
from surveykit.cli import main
from surveykit.pipeline import run_notebooks

ROOT = Path(__file__).resolve().parents[2]


def _notebooks(folder: Path, *cells: str) -> Path:
    """A one-notebook sequence: a parameters cell, then ``cells``."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("config_path = None\noutput_dir = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nbformat.write(nb, folder / "09_check.ipynb")
    return folder


def _run(tmp_path: Path, folder: Path, out: str = "out") -> int:
    return main(["run", "--config", str(tmp_path / "none.toml"), "--output-dir", str(tmp_path / out),
                 "--notebooks", str(folder)])


@pytest.fixture
def config(tmp_path: Path, monkeypatch) -> Path:
    # the kernels import this checkout's surveykit, not an installed one
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    path = tmp_path / "none.toml"
    path.write_text("[survey]\ntitle = 'T'\n", encoding="utf-8")
    return path


def test_two_runs_started_together_both_succeed_and_leave_no_sockets(tmp_path, config):
    folder = _notebooks(tmp_path / "nbs", "import time; time.sleep(2)")
    code = ("import sys; from surveykit.pipeline import run_notebooks; "
            "run_notebooks(sys.argv[1], sys.argv[2], sys.argv[3], progress=False)")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", code, str(config), str(tmp_path / f"out{i}"),
                               str(folder)], env=env, stderr=subprocess.PIPE, text=True)
             for i in range(2)]
    results = [(p.wait(timeout=180), p.stderr.read()) for p in procs]
    assert [rc for rc, _ in results] == [0, 0], results
    assert sorted(p.name for p in folder.iterdir()) == ["09_check.ipynb"]
    assert not list(tmp_path.glob("out*/.surveykit.lock"))


def test_a_second_run_on_the_same_folder_is_refused(tmp_path, config, capsys):
    folder = _notebooks(tmp_path / "nbs", "x = 1")
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock = out / runlock.LOCK_NAME
        out.mkdir()
        lock.write_text(json.dumps({"pid": holder.pid, "host": socket.gethostname(),
                                    "started": "2026-01-01T00:00:00Z"}))
        assert _run(tmp_path, folder) == 2
        err = capsys.readouterr().err
        assert "another surveykit run" in err and str(holder.pid) in err
        assert lock.exists()  # never removes a lock it does not hold
    finally:
        holder.kill()
        holder.wait()
    # the holder is gone: its lock is stale and taken over
    assert _run(tmp_path, folder) == 0
    assert not (out / runlock.LOCK_NAME).exists()


def test_stage_failures_make_the_run_fail_and_degraded_modes_say_so_once(tmp_path, config, capsys):
    failing = _notebooks(
        tmp_path / "fail",
        "from surveykit.runreport import report_failure\n"
        "report_failure('06 draft', 'compile failed: no PDF', 'draft/_build/survey.log',"
        " ['! Undefined control sequence.'])",
    )
    assert _run(tmp_path, failing) == 1
    err = capsys.readouterr().err
    assert "06 draft" in err and "survey.log" in err and "Undefined control sequence" in err
    degraded = _notebooks(
        tmp_path / "degraded",
        "from surveykit.runreport import report_degraded\n"
        "for _ in range(3): report_degraded('04 figures', 'no Chromium: HTML only')",
    )
    assert _run(tmp_path, degraded, "out2") == 0
    out = capsys.readouterr().out
    assert out.count("no Chromium: HTML only") == 1


def test_interrupt_prints_one_line(tmp_path, config, capsys):
    folder = _notebooks(tmp_path / "nbs", "raise KeyboardInterrupt")
    assert _run(tmp_path, folder) == 130
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == "surveykit run: interrupted; previous outputs kept"
    assert "Traceback" not in err
    assert not (tmp_path / "out" / runlock.LOCK_NAME).exists()


def test_run_report_is_ignored_outside_a_run(tmp_path, monkeypatch):
    from surveykit.runreport import ENV, report_failure

    monkeypatch.delenv(ENV, raising=False)
    outcome = report_failure("04 figures", "x", tmp_path / "f.pdf", ["e"] * 9)
    assert len(outcome.errors) == 5 and not list(tmp_path.iterdir())


def test_runs_are_listed_with_outcomes(tmp_path, config):
    folder = _notebooks(tmp_path / "nbs", "x = 1")
    runs = run_notebooks(config, tmp_path / "out", folder, progress=False)
    assert len(runs) == 1 and runs.outcomes == [] and runs.failures == []


def test_compile_outcomes_are_reported(tmp_path, monkeypatch):
    from surveykit.draft.compile import CompileReport
    from surveykit.draft.stage import report_compile
    from surveykit.runreport import ENV, read_outcomes

    report = tmp_path / "run_report.jsonl"
    monkeypatch.setenv(ENV, str(report))
    tex = tmp_path / "survey.tex"
    report_compile(CompileReport("ok", pdf=tmp_path / "survey.pdf"), tex)
    assert read_outcomes(report) == []
    report_compile(CompileReport("skipped", message="latexmk not found"), tex)
    report_compile(CompileReport("failed", errors=["./survey.tex:12: Undefined control sequence."],
                                 log=tmp_path / "survey.log"), tex)
    degraded, failed = read_outcomes(report)
    assert degraded.kind == "degraded" and "no TeX" in degraded.message
    assert failed.kind == "failure" and failed.file == str(tmp_path / "survey.log")
    assert "Undefined control sequence" in failed.describe()


def test_bad_source_in_a_run_exits_2_naming_the_file(tmp_path, config, capsys):
    folder = _notebooks(
        tmp_path / "nbs",
        "from surveykit.sources import load_source\nload_source(" + repr(str(config.parent / "x.bib"))
        + ")",
    )
    (config.parent / "x.bib").write_bytes(b"")
    assert _run(tmp_path, folder) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("surveykit run: error in 09_check.ipynb: SourceError:") and "x.bib" in err


def test_promised_outputs_missing_or_stale_are_failures(tmp_path, monkeypatch):
    import time

    import surveykit.draft.compile as compile_module
    from surveykit.config import parse_config
    from surveykit.pipeline import check_promises

    config = parse_config({}, None, tmp_path)
    config.paths.ensure()
    monkeypatch.setattr(compile_module, "tex_missing", lambda: None)  # TeX "installed"
    (config.paths.draft / "survey.tex").write_text("x")
    old = config.paths.draft / "survey.md"
    old.write_text("x")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    outcomes = check_promises(config, ["06"], since=time.time() - 60)
    described = {Path(o.file).name: o.message for o in outcomes}
    assert described == {"survey.md": "not updated by this run (the previous file is kept)",
                         "survey.pdf": "not written"}
    assert check_promises(config, ["03"], since=time.time()) == []
