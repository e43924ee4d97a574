"""Committed notebooks are clean: no outputs, no execution counts, no saved widget state."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def committed(path: Path) -> dict:
    """The notebook as committed (HEAD) when this is a git checkout, else as on disk."""
    if shutil.which("git") and (ROOT / ".git").exists():
        rel = path.relative_to(ROOT).as_posix()
        shown = subprocess.run(["git", "show", f"HEAD:{rel}"], cwd=ROOT, capture_output=True, text=True)
        if shown.returncode == 0:
            return json.loads(shown.stdout)
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_has_no_outputs(path):
    nb = committed(path)
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path.name} cell {i} has outputs: strip them (nbstripout)"
            assert cell.get("execution_count") is None, f"{path.name} cell {i} has an execution count"
    assert "widgets" not in nb.get("metadata", {}), f"{path.name} holds saved widget state"


def test_notebooks_on_disk_are_valid():
    nbformat = pytest.importorskip("nbformat")
    for path in NOTEBOOKS:
        nbformat.validate(nbformat.read(path, as_version=4))
