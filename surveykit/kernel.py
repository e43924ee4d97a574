"""Execute notebooks one after another in ONE Jupyter kernel (nbclient), papermill-style.

``surveykit run`` used to start a fresh kernel per notebook (papermill), so every notebook paid the
kernel start and imported torch, BERTopic, plotly... again. Here the kernel starts once, on the
first notebook that has to run; before each notebook its namespace is cleared (``%reset -f``: the
notebook sees no variable of the previous one, while the imported modules, the loaded embedding
model and the open browser stay). Parameters are injected as papermill does: a cell tagged
``injected-parameters`` after the cell tagged ``parameters``, so a notebook run here opens in
JupyterLab exactly like one papermill executed.
"""

from __future__ import annotations

import ast
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# jsonschema (under nbformat, and plotly's notebook renderer) builds a Lark grammar at import when
# rfc3987_syntax is installed: 2-7 s for IRI checks notebooks never need.
NO_SLOW_IMPORTS = "import sys as _s; _s.modules.setdefault('rfc3987_syntax', None); del _s"
RESET = "get_ipython().run_line_magic('reset', '-f')"


def skip_slow_imports() -> None:
    """Keep jsonschema from building its IRI grammar in this process (see ``NO_SLOW_IMPORTS``)."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def declared_parameters(notebook: dict[str, Any]) -> set[str]:
    """Names assigned in the cell tagged ``parameters`` (what papermill's inspect reports)."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell.get("source", ""))
            try:
                tree = ast.parse(source)
            except SyntaxError:
                return set()
            return {t.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
                    for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                    if isinstance(t, ast.Name)}
    return set()


def inject_parameters(notebook: Any, parameters: dict[str, Any]) -> Any:
    """Add the ``injected-parameters`` cell after the ``parameters`` cell (papermill's layout)."""
    import nbformat

    cells = [c for c in notebook.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    lines = ["# Parameters"] + [f"{name} = {value!r}" for name, value in parameters.items()]
    injected = nbformat.v4.new_code_cell("\n".join(lines) + "\n")
    injected.metadata["tags"] = ["injected-parameters"]
    at = next((i + 1 for i, c in enumerate(cells)
               if "parameters" in c.get("metadata", {}).get("tags", [])), 0)
    notebook.cells = cells[:at] + [injected] + cells[at:]
    notebook.metadata["papermill"] = {"parameters": parameters, "environment_variables": {},
                                      "version": None, "input_path": None, "output_path": None}
    return notebook


class CellError(RuntimeError):
    """A cell raised: ``ename``, ``evalue`` and the cell index in the executed notebook."""

    def __init__(self, cell: int, ename: str, evalue: str) -> None:
        super().__init__(f"{ename}: {evalue}")
        self.cell, self.ename, self.evalue = cell, ename, evalue


class SharedKernel:
    """One kernel for a sequence of notebooks; started on first use, shut down by :meth:`close`."""

    def __init__(self, cwd: Path, kernel_name: str = "python3",
                 manager: Callable[[], dict[str, Any]] | None = None) -> None:
        """``manager``: called at the kernel start, gives NotebookClient options (its kernel
        manager class), so nothing of Jupyter is imported when no notebook has to run."""
        self.cwd, self.kernel_name, self.manager = Path(cwd), kernel_name, manager
        self.client: Any = None
        self.started_seconds = 0.0

    def _start(self, notebook: Any) -> None:
        skip_slow_imports()
        from nbclient import NotebookClient

        start = time.perf_counter()
        client = NotebookClient(notebook, timeout=None, kernel_name=self.kernel_name,
                                resources={"metadata": {"path": str(self.cwd)}},
                                **(self.manager() if self.manager else {}))
        client.km = client.create_kernel_manager()
        client.start_new_kernel(cwd=str(self.cwd))
        client.start_new_kernel_client()
        self.client = client
        self._silent(NO_SLOW_IMPORTS)
        self.started_seconds = time.perf_counter() - start

    def _silent(self, code: str) -> None:
        """Run ``code`` in the kernel outside any notebook (nothing recorded)."""
        import nbformat
        from nbclient.exceptions import CellExecutionError

        try:
            self.client.execute_cell(nbformat.v4.new_code_cell(code), 0, store_history=False)
        except CellExecutionError as exc:
            raise CellError(-1, exc.ename, exc.evalue) from exc

    def execute(self, source: Path, executed: Path, parameters: dict[str, Any]) -> None:
        """Run ``source`` with ``parameters``; write the executed copy (also when a cell fails,
        then raise :class:`CellError`)."""
        skip_slow_imports()
        import nbformat
        from nbclient.exceptions import CellExecutionError, DeadKernelError

        notebook = inject_parameters(nbformat.read(str(source), as_version=4), parameters)
        notebook.metadata["papermill"].update(input_path=str(source), output_path=str(executed))
        if self.client is None:
            self._start(notebook)
        else:
            self._silent(RESET)
        client = self.client
        client.nb = notebook
        client.reset_execution_trackers()
        index = -1
        try:
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
                    client.execute_cell(cell, index)
        except CellExecutionError as exc:
            raise CellError(index, exc.ename, exc.evalue) from exc
        except DeadKernelError as exc:
            self.client = None
            raise CellError(index, "DeadKernelError", str(exc)) from exc
        finally:
            executed.parent.mkdir(parents=True, exist_ok=True)
            from surveykit import io

            io.write_text(executed, nbformat.writes(notebook))

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client._cleanup_kernel()
            finally:
                self.client = None
