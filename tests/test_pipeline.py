"""The headless notebook runner and the command line."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from surveykit.cli import main
from surveykit.pipeline import NotebookError, notebook_sequence, run_notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def test_committed_notebooks_have_no_outputs_and_a_parameters_cell():
    notebooks = notebook_sequence(NOTEBOOKS)
    assert notebooks and notebooks[0].name == "01_corpus.ipynb"
    for path in notebooks:
        nb = json.loads(path.read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), path
        tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: needs exactly one 'parameters' cell"


def test_corpus_notebook_runs_headless(tmp_path):
    runs = run_notebooks(None, tmp_path, NOTEBOOKS, only=["01"], progress=False)
    assert [r.notebook.name for r in runs] == ["01_corpus.ipynb"]
    assert (tmp_path / "build" / "corpus.parquet").exists()
    executed = nbformat.read(runs[0].executed, as_version=4)
    outputs = "".join(json.dumps(c.get("outputs", [])) for c in executed.cells)
    assert "73 papers loaded" in outputs


def test_a_failing_notebook_names_the_notebook_and_cell(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("config_path = None\noutput_dir = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")]
    nbformat.write(nb, folder / "01_broken.ipynb")
    with pytest.raises(NotebookError) as info:
        run_notebooks(None, tmp_path / "out", folder, progress=False)
    message = str(info.value)
    assert "01_broken.ipynb" in message and "ZeroDivisionError" in message and "cell" in message


def test_cli_corpus_and_clear_errors(tmp_path, capsys):
    assert main(["corpus", "--config", str(ROOT / "survey.toml"), "--output-dir", str(tmp_path)]) == 0
    assert "73 papers loaded" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text("[corpus]\nsources = ['missing.bib']\n")
    assert main(["corpus", "--config", str(bad), "--output-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "missing.bib" in err and "not found" in err


def test_console_script_is_installed():
    exe = Path(sys.executable).parent / "surveykit"
    assert exe.exists() or shutil.which("surveykit")


def test_sources_given_on_the_command_line_replace_the_config(tmp_path, fixtures_dir):
    bib = fixtures_dir / "bibtex" / "zotero.bib"
    runs = run_notebooks(ROOT / "survey.toml", tmp_path, NOTEBOOKS, only=["01"], progress=False,
                         sources=[str(bib)])
    assert runs
    from surveykit.corpus.model import Corpus

    corpus = Corpus.load(tmp_path / "build" / "corpus.parquet")
    assert 0 < len(corpus) < 73
    assert all(p.source.startswith("bibtex:") for p in corpus)


def test_kernels_use_private_sockets_when_the_path_allows(tmp_path):
    import os

    from surveykit.pipeline import _kernel_manager, socket_dir

    with socket_dir() as sockets:
        chosen = _kernel_manager(sockets)
        if os.name == "posix":
            assert sockets is not None and (sockets.stat().st_mode & 0o777) == 0o700
            manager = chosen["kernel_manager_class"]()
            assert manager.transport == "ipc"
            assert Path(manager.ip).parent == sockets  # never the working folder
            assert manager.ip != chosen["kernel_manager_class"]().ip  # unique per kernel
    assert sockets is None or not sockets.exists()
    assert _kernel_manager(None) == {}  # no private folder (or too long a path): TCP
