"""Run the numbered notebook sequence headless, the same notebooks a person runs in JupyterLab,
with the config path and output folder as parameters (injected as papermill does).

The notebooks run in one kernel (:mod:`surveykit.kernel`), and only those whose inputs changed
since their last run (:mod:`surveykit.stages`); the others keep their executed copy.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

import surveykit
from surveykit import io, runlock, runreport
from surveykit.runreport import DEGRADED, FAILURE, Outcome

RUN_REPORT = "run_report.jsonl"

NOTEBOOK_PATTERN = re.compile(r"^(\d{2})_[\w-]+\.ipynb$")


class NotebookError(RuntimeError):
    """A notebook failed; names the notebook and the cell."""

    def __init__(self, notebook: Path, cell: int | None, error: str, executed: Path | None) -> None:
        where = f"{notebook.name}, cell {cell}" if cell is not None else notebook.name
        hint = f" (executed copy with the traceback: {executed})" if executed else ""
        super().__init__(f"{where}: {error}{hint}")
        self.notebook, self.cell, self.error, self.executed = notebook, cell, error, executed


@dataclass(frozen=True)
class NotebookRun:
    notebook: Path
    executed: Path
    seconds: float


def find_notebooks_dir(config_root: Path | None = None) -> Path:
    """``notebooks/`` next to the config, in the working folder, or in the source checkout."""
    candidates = [config_root / "notebooks"] if config_root else []
    candidates += [Path.cwd() / "notebooks", Path(surveykit.__file__).resolve().parents[1] / "notebooks"]
    for candidate in candidates:
        if candidate.is_dir() and any(NOTEBOOK_PATTERN.match(p.name) for p in candidate.iterdir()):
            return candidate
    raise FileNotFoundError("no notebooks/ folder with numbered notebooks (01_*.ipynb ...) found in "
                            + ", ".join(str(c) for c in candidates))


def notebook_sequence(folder: Path, only: list[str] | None = None) -> list[Path]:
    """The numbered notebooks in order; ``only`` keeps those whose number or name is listed."""
    notebooks = sorted(p for p in folder.iterdir() if NOTEBOOK_PATTERN.match(p.name))
    if only:
        wanted = set(only)
        notebooks = [p for p in notebooks if p.name[:2] in wanted or p.stem in wanted or p.name in wanted]
    return notebooks


@contextlib.contextmanager
def socket_dir() -> Iterator[Path | None]:
    """A private (0700) temporary folder for this run's kernel IPC sockets, removed afterwards;
    ``None`` (TCP on localhost) off POSIX or when its path would break the socket-path limit."""
    if os.name != "posix":
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="surveykit-ipc-"))
    try:
        yield folder if len(str(folder)) <= 70 else None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _kernel_manager(sockets: Path | None) -> dict[str, Any]:
    """On POSIX, kernels talk to papermill over local IPC sockets instead of TCP on localhost:
    no open port, and no "running over TCP without encryption" warning on every notebook. The
    sockets live in ``sockets`` (one run's private folder) under a unique name per kernel, never in
    the working folder, so runs started together cannot collide."""
    if sockets is None:
        return {}
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum

    class IPCKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        def _ip_default(self) -> str:
            if self.transport != "ipc":
                return super()._ip_default()
            return str(sockets / f"k{uuid.uuid4().hex[:8]}")

    return {"kernel_manager_class": IPCKernelManager}


class NotebookRuns(list):
    """The :class:`NotebookRun` of each notebook, plus what the stages reported (``outcomes``)."""

    outcomes: list[Outcome]
    statuses: list[StageStatus]

    def __init__(self, runs: list[NotebookRun] | None = None, outcomes: list[Outcome] | None = None):
        super().__init__(runs or [])
        self.outcomes = list(outcomes or [])
        self.statuses = []

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind == FAILURE]

    @property
    def degraded(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind == DEGRADED]


def check_promises(config: Any, ran: list[str], since: float) -> list[Outcome]:
    """Failures for outputs a notebook that ran promises but did not write (or left stale)."""
    from surveykit.stages import tex_missing

    promised: dict[str, list[Path]] = {
        "01": [config.paths.corpus],
        "05": [config.paths.references],
        "06": [config.paths.draft / "survey.tex", config.paths.draft / "survey.md"],
    }
    if tex_missing() is None:
        promised["06"].append(config.paths.draft / "survey.pdf")
    outcomes = []
    for number, files in promised.items():
        if number not in ran:
            continue
        for file in files:
            if not file.exists():
                outcomes.append(Outcome(f"{number} notebook", FAILURE, "not written", str(file)))
            elif file.stat().st_mtime < since - 1:
                outcomes.append(Outcome(f"{number} notebook", FAILURE, "not updated by this run "
                                        "(the previous file is kept)", str(file)))
    return outcomes


@dataclass(frozen=True)
class StageStatus:
    """What ``surveykit run`` did with one notebook: ``ran`` or ``skipped``, and why."""

    notebook: Path
    action: str
    reason: str
    seconds: float = 0.0

    def line(self) -> str:
        took = f"{self.seconds:6.1f} s" if self.action == "ran" else " " * 8
        return f"{self.notebook.name:<24} {self.action:<7} {took}  {self.reason}"


def run_notebooks(
    config_path: str | os.PathLike[str] | None,
    output_dir: str | os.PathLike[str] | None = None,
    notebooks_dir: str | os.PathLike[str] | None = None,
    only: list[str] | None = None,
    progress: bool = True,
    kernel_name: str = "python3",
    sources: list[str] | None = None,
    refit: bool = False,
    force: bool = False,
) -> NotebookRuns:
    """Execute the notebooks in order, in one kernel; stop at the first error with a
    :class:`NotebookError`.

    A stage whose inputs (config sections, curation file, upstream artefacts, surveykit, the
    notebook itself) have not changed since its last run, and whose outputs are still there, is
    skipped (:mod:`surveykit.stages`); ``force`` runs every stage. ``.statuses`` says what ran,
    what was skipped and why. ``sources`` replace the config's corpus sources (passed to the
    notebooks that take them); ``refit`` fits the topics from scratch instead of placing new papers
    in the saved ones (and so always runs notebook 02). The output folder is locked for the run
    (:mod:`surveykit.runlock`); what the stages report (:mod:`surveykit.runreport`) and outputs
    promised but missing come back as ``.outcomes``.
    """
    from surveykit.config import load_config

    config = load_config(config_path, output_dir, sources)
    folder = Path(notebooks_dir) if notebooks_dir else find_notebooks_dir(config.root)
    sequence = notebook_sequence(folder, only)
    if not sequence:
        raise FileNotFoundError(f"{folder}: no notebooks to run (only={only})")
    paths = config.paths.ensure()
    with runlock.run_lock(paths.root, "surveykit run"), socket_dir() as sockets:
        io.remove_leftover_tmp(paths.root)  # a killed run's half-written files (never renamed in)
        return _run_sequence(config, folder, sequence, progress, kernel_name, sources, sockets, refit,
                             force)


def _run_sequence(config: Any, folder: Path, sequence: list[Path], progress: bool, kernel_name: str,
                  sources: list[str] | None, sockets: Path | None, refit: bool = False,
                  force: bool = False) -> NotebookRuns:
    import json

    from surveykit.kernel import CellError, SharedKernel, declared_parameters
    from surveykit.stages import StageState

    executed_dir = config.paths.build / "notebooks"
    executed_dir.mkdir(parents=True, exist_ok=True)
    report_file = config.paths.build / RUN_REPORT
    io.write_text(report_file, "")
    parameters = {
        "config_path": str(config.path) if config.path else None,
        "output_dir": str(config.paths.root),
        "sources": [str(s["path"]) for s in config.sources] if sources else None,
        "refit": bool(refit),
    }
    state = StageState(config)
    runs = NotebookRuns()
    replayed: list[Outcome] = []
    started = time.time()
    previous = os.environ.get(runreport.ENV)
    os.environ[runreport.ENV] = str(report_file)  # the kernel inherits it
    kernel = SharedKernel(folder, kernel_name, lambda: _kernel_manager(sockets))
    try:
        bar = tqdm(sequence, desc="notebooks", unit="nb", disable=not progress)
        for notebook in bar:
            bar.set_postfix_str(notebook.name)
            executed = executed_dir / notebook.name
            declared = declared_parameters(json.loads(notebook.read_text(encoding="utf-8")))
            given = {k: v for k, v in parameters.items() if k in declared}
            recorded = {k: v for k, v in given.items() if k != "refit"}  # refit: see below
            forced = force or (refit and "refit" in given)
            decision = state.decide(notebook, recorded, executed, force=forced)
            if refit and "refit" in given and not force:
                decision.reason = "--refit"
            if not decision.run:
                previous_outcomes = [Outcome(**o) for o in state.outcomes(decision.number)]
                replayed += previous_outcomes
                runs.statuses.append(StageStatus(notebook, "skipped", decision.reason))
                continue
            state.forget(decision.number)
            seen = len(runreport.read_outcomes(report_file))
            start = time.perf_counter()
            try:
                kernel.execute(notebook, executed, given)
            except CellError as exc:
                error = f"{exc.ename}: {exc.evalue}"
                if exc.ename == "KeyboardInterrupt":
                    raise KeyboardInterrupt(error) from exc
                cell = exc.cell if exc.cell >= 0 else None
                raise NotebookError(notebook, cell, error, executed) from exc
            seconds = time.perf_counter() - start
            runs.append(NotebookRun(notebook, executed, seconds))
            runs.statuses.append(StageStatus(notebook, "ran", decision.reason, seconds))
            reported = runreport.read_outcomes(report_file)[seen:]
            state.record(decision, notebook, seconds, [asdict(o) for o in reported])
    finally:
        kernel.close()
        if previous is None:
            os.environ.pop(runreport.ENV, None)
        else:
            os.environ[runreport.ENV] = previous
    runs.outcomes = replayed + runreport.read_outcomes(report_file)
    ran = [run.notebook.name[:2] for run in runs]
    reported = {o.stage[:2] for o in runs.failures}
    promises = [o for o in check_promises(config, ran, started) if o.stage[:2] not in reported]
    runs.outcomes += promises
    for outcome in promises:  # a broken promise: that stage runs again next time
        state.forget(outcome.stage[:2])
    return runs
