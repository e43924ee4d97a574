"""Run the numbered notebook sequence headless (papermill), the same notebooks a person runs in
JupyterLab, with the config path and output folder as parameters."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

import surveykit

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


def _kernel_manager() -> dict[str, Any]:
    """On POSIX, kernels talk to papermill over local IPC sockets instead of TCP on localhost:
    no open port, and no "running over TCP without encryption" warning on every notebook."""
    from jupyter_core.paths import jupyter_runtime_dir

    # socket paths (runtime dir + "/kernel-<uuid>-ipc-N") must stay under the 107-byte limit
    if os.name != "posix" or len(jupyter_runtime_dir()) > 55:
        return {}
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum

    class IPCKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    return {"kernel_manager_class": IPCKernelManager}


def run_notebooks(
    config_path: str | os.PathLike[str] | None,
    output_dir: str | os.PathLike[str] | None = None,
    notebooks_dir: str | os.PathLike[str] | None = None,
    only: list[str] | None = None,
    progress: bool = True,
    kernel_name: str = "python3",
    sources: list[str] | None = None,
    refit: bool = False,
) -> list[NotebookRun]:
    """Execute the notebooks in order; stop at the first error with a :class:`NotebookError`.

    ``sources`` replace the config's corpus sources (passed to the notebooks that take them);
    ``refit`` fits the topics from scratch instead of placing new papers in the saved ones.
    """
    import time

    import papermill
    from papermill.exceptions import PapermillExecutionError

    from surveykit.config import load_config

    config = load_config(config_path, output_dir, sources)
    folder = Path(notebooks_dir) if notebooks_dir else find_notebooks_dir(config.root)
    executed_dir = config.paths.ensure().build / "notebooks"
    executed_dir.mkdir(parents=True, exist_ok=True)
    parameters = {
        "config_path": str(config.path) if config.path else None,
        "output_dir": str(config.paths.root),
        "sources": [str(s["path"]) for s in config.sources] if sources else None,
        "refit": bool(refit),
    }
    runs: list[NotebookRun] = []
    sequence = notebook_sequence(folder, only)
    if not sequence:
        raise FileNotFoundError(f"{folder}: no notebooks to run (only={only})")
    bar = tqdm(sequence, desc="notebooks", unit="nb", disable=not progress)
    for notebook in bar:
        bar.set_postfix_str(notebook.name)
        executed = executed_dir / notebook.name
        start = time.perf_counter()
        declared = papermill.inspect_notebook(str(notebook))
        given = {k: v for k, v in parameters.items() if k in declared}
        try:
            papermill.execute_notebook(
                str(notebook), str(executed), parameters=given, cwd=str(folder),
                kernel_name=kernel_name, progress_bar=False, log_output=False,
                **_kernel_manager(),
            )
        except PapermillExecutionError as exc:
            error = f"{exc.ename}: {exc.evalue}"
            raise NotebookError(notebook, exc.cell_index, error, executed) from exc
        runs.append(NotebookRun(notebook, executed, time.perf_counter() - start))
    return runs
