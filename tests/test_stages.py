"""Incremental runs: which stage runs again after which change (build/stages.json)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from surveykit.config import load_config
from surveykit.pipeline import run_notebooks
from surveykit.stages import STAGES, StageState

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PARAMETERS = {"config_path": "survey.toml", "output_dir": "out"}


@pytest.fixture
def project(tmp_path):
    """A copy of the shipped survey.toml and curation.toml, outputs below ``tmp_path``."""
    shutil.copy(ROOT / "survey.toml", tmp_path / "survey.toml")
    shutil.copy(ROOT / "curation.toml", tmp_path / "curation.toml")
    return tmp_path


def _fake_stage(number: str, config, state_inputs: dict[str, str]) -> None:
    """Write the stage's outputs; their content follows its inputs (as a real stage's would)."""
    content = "|".join(f"{k}={v}" for k, v in sorted(state_inputs.items())
                       if k not in {"notebook", "parameters", "surveykit"})
    for path in STAGES[number].writes(config):
        if path.suffix:  # a file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
        else:  # a folder: one file in it
            path.mkdir(parents=True, exist_ok=True)
            (path / f"stage{number}.txt").write_text(content)


def _simulate(config, force: bool = False) -> dict[str, str]:
    """One ``surveykit run`` with fake stages: number -> "ran: why" or "skipped"."""
    state = StageState(config)
    done = {}
    for notebook in sorted(NOTEBOOKS.glob("0*.ipynb")):
        executed = config.paths.build / "notebooks" / notebook.name
        decision = state.decide(notebook, PARAMETERS, executed, force=force)
        if not decision.run:
            done[decision.number] = "skipped"
            continue
        _fake_stage(decision.number, config, decision.inputs)
        executed.parent.mkdir(parents=True, exist_ok=True)
        executed.write_text("{}")
        state.record(decision, notebook, 0.0, [])
        done[decision.number] = f"ran: {decision.reason}"
    return done


def _ran(done: dict[str, str]) -> list[str]:
    return [n for n, what in done.items() if what.startswith("ran")]


def test_nothing_changed_skips_every_stage(project):
    config = load_config(project / "survey.toml")
    assert _ran(_simulate(config)) == ["01", "02", "03", "04", "05", "06"]
    assert (config.paths.build / "stages.json").exists()
    done = _simulate(load_config(project / "survey.toml"))
    assert done == dict.fromkeys(["01", "02", "03", "04", "05", "06"], "skipped")


def test_a_curation_edit_reruns_the_topic_stage_and_what_reads_topics(project):
    _simulate(load_config(project / "survey.toml"))
    with open(project / "curation.toml", "a") as handle:
        handle.write("\nn_topics = 6\n")
    done = _simulate(load_config(project / "survey.toml"))
    assert done["01"] == "skipped" and done["05"] == "skipped"  # the bibliography reads no topics
    assert done["02"] == "ran: changed: curation"
    assert _ran(done) == ["02", "03", "04", "06"]
    assert "build/topics.json" in done["03"]


def test_a_config_edit_reruns_the_stages_that_read_that_section(project):
    _simulate(load_config(project / "survey.toml"))
    text = (project / "survey.toml").read_text()
    (project / "survey.toml").write_text(text + "\n[figures]\npng_dpi = 150\n")
    done = _simulate(load_config(project / "survey.toml"))
    assert _ran(done) == ["04", "06"]
    assert done["04"] == "ran: changed: config [figures]"


def test_force_reruns_everything(project):
    config = load_config(project / "survey.toml")
    _simulate(config)
    done = _simulate(config, force=True)
    assert set(done.values()) == {"ran: --force"}


def test_a_deleted_output_or_executed_notebook_reruns_its_stage(project):
    config = load_config(project / "survey.toml")
    _simulate(config)
    (config.paths.figures / "stage04.txt").unlink()
    done = _simulate(config)
    assert _ran(done) == ["04"]  # rewritten with the same bytes: the draft stays
    assert done["04"].startswith("ran: output changed") or "missing" in done["04"]
    (config.paths.build / "notebooks" / "03_tables.ipynb").unlink()
    assert _ran(_simulate(config)) == ["03"]
    (config.paths.build / "corpus.parquet").unlink()
    assert _ran(_simulate(config)) == ["01"]  # same content again: nothing downstream
    (config.paths.build / "stages.json").write_text("not json")
    assert len(_ran(_simulate(config))) == 6


def test_an_edited_notebook_or_source_file_reruns_its_stage(project, tmp_path):
    bib = project / "mine.bib"
    bib.write_text("@misc{a, title={A}, year={2020}}\n")
    (project / "survey.toml").write_text(
        (project / "survey.toml").read_text().replace("sources = []", 'sources = ["mine.bib"]'))
    config = load_config(project / "survey.toml")
    _simulate(config)
    bib.write_text("@misc{a, title={B}, year={2020}}\n")
    done = _simulate(config)
    assert done["01"].startswith("ran: changed: file ") and "mine.bib" in done["01"]
    assert "build/corpus.parquet" in done["02"] and "build/corpus.parquet" in done["05"]


# --- real notebooks, one kernel ------------------------------------------------------------------

def _notebook(folder: Path, name: str, *sources: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("config_path = None\noutput_dir = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(s) for s in sources)]
    nbformat.write(nb, folder / name)


def test_notebooks_share_one_kernel_but_not_their_variables(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    _notebook(folder, "91_first.ipynb", "import os\nleft_over = 1\nprint(os.getpid(), output_dir)")
    _notebook(folder, "92_second.ipynb", "import os\nprint(os.getpid(), 'left_over' in dir())")
    runs = run_notebooks(None, tmp_path / "out", folder, progress=False)
    first, second = (nbformat.read(r.executed, as_version=4) for r in runs)
    assert str(tmp_path / "out") in first.cells[1].source  # the injected parameters
    assert "injected-parameters" in first.cells[1].metadata["tags"]
    pid = first.cells[2].outputs[0]["text"].split()[0]
    text = second.cells[-1].outputs[0]["text"].split()
    assert text == [pid, "False"]  # the same kernel; %reset between notebooks
    assert [s.action for s in runs.statuses] == ["ran", "ran"]  # unknown stages always run


def test_the_corpus_notebook_is_skipped_when_nothing_changed(tmp_path):
    runs = run_notebooks(None, tmp_path, NOTEBOOKS, only=["01"], progress=False)
    executed = runs[0].executed
    before = executed.read_bytes()
    again = run_notebooks(None, tmp_path, NOTEBOOKS, only=["01"], progress=False)
    assert len(again) == 0 and again.statuses[0].action == "skipped"
    assert executed.read_bytes() == before  # the previous executed notebook stays
    (tmp_path / "build" / "corpus.parquet").unlink()
    third = run_notebooks(None, tmp_path, NOTEBOOKS, only=["01"], progress=False)
    assert third.statuses[0].action == "ran" and "missing output" in third.statuses[0].reason
    forced = run_notebooks(None, tmp_path, NOTEBOOKS, only=["01"], progress=False, force=True)
    assert forced.statuses[0].reason == "--force"


def test_the_paper_map_layout_is_kept_while_the_embeddings_are_the_same(project, bundled):
    from surveykit.figures.data import project_2d
    from surveykit.workspace import Workspace

    _, vectors = bundled
    workspace = Workspace(load_config(project / "survey.toml"))
    workspace.__dict__["embeddings"] = vectors
    first = workspace.map_coordinates
    assert (first == project_2d(vectors, "auto", 0)).all()
    saved = workspace.paths.build / "paper_map_xy.npy"
    stamp = saved.stat().st_mtime_ns
    again = Workspace(load_config(project / "survey.toml"))
    again.__dict__["embeddings"] = vectors
    assert (again.map_coordinates == first).all() and saved.stat().st_mtime_ns == stamp
    changed = Workspace(load_config(project / "survey.toml"))
    changed.__dict__["embeddings"] = vectors[::-1].copy()
    assert not (changed.map_coordinates == first).all()


def test_attributes_are_read_back_while_corpus_roles_and_schema_are_the_same(project, monkeypatch):
    from surveykit.attributes import AttributeTable, extract
    from surveykit.workspace import Workspace

    calls = []

    def fake_build(config, corpus, roles=None, paper_types=None):
        calls.append(1)
        extract.attributes_path(config).write_text(f"table {len(calls)}")
        return "built"

    monkeypatch.setattr(extract, "build_attributes", fake_build)
    monkeypatch.setattr(AttributeTable, "load", classmethod(lambda cls, path: "loaded"))

    def workspace() -> Workspace:
        ws = Workspace(load_config(project / "survey.toml"))
        ws.__dict__.update(corpus=None, sentence_roles=[], paper_types=pd.DataFrame(
            columns=["paper_id", "type", "evidence", "cue"]))  # the topic stage's, passed on
        return ws

    ws = workspace()
    ws.paths.corpus.write_text("corpus v1")
    assert ws.extract_attributes() == "built"
    assert workspace().extract_attributes() == "loaded" and len(calls) == 1
    ws.paths.corpus.write_text("corpus v2")  # another corpus: extracted again
    assert workspace().extract_attributes() == "built" and len(calls) == 2
    text = (project / "survey.toml").read_text()
    (project / "survey.toml").write_text(text + '\n[attributes]\nremove = ["code"]\n')
    assert workspace().extract_attributes() == "built" and len(calls) == 3
    extract.attributes_path(ws.config).write_text("edited by hand")
    assert workspace().extract_attributes() == "built" and len(calls) == 4


def test_paper_types_are_read_back_while_corpus_and_roles_are_the_same(project, monkeypatch):
    from surveykit import roles
    from surveykit.corpus.model import Corpus, Paper
    from surveykit.workspace import Workspace

    calls = []

    def fake_detect(papers, sentence_roles=None, workers=None):
        calls.append(1)
        return pd.DataFrame([{"paper_id": p.id, "type": "method", "evidence": "", "cue": "default"}
                             for p in papers])

    monkeypatch.setattr(roles, "detect_paper_types", fake_detect)

    def workspace(title: str = "A") -> Workspace:
        ws = Workspace(load_config(project / "survey.toml"))
        ws.__dict__.update(corpus=Corpus([Paper(id="p1", title=title, abstract="We study x.")]),
                           sentence_roles=[[]])
        return ws

    first = workspace().paper_types
    again = workspace().paper_types
    assert len(calls) == 1 and again.equals(first)  # read back, the same frame
    assert workspace("B").paper_types is not None and len(calls) == 2  # another title: detected
    path = workspace().paths.build / "paper_types.csv"
    path.write_text("edited by hand")
    assert workspace("B").paper_types["type"].tolist() == ["method"] and len(calls) == 3


def test_a_skipped_stage_reports_again_what_it_reported_when_it_ran(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    _notebook(folder, "05_bib.ipynb",
              "from pathlib import Path\nfrom surveykit.runreport import report_failure\n"
              "out = Path(output_dir)\n(out / 'bib').mkdir(exist_ok=True)\n"
              "(out / 'bib' / 'references.bib').write_text('@misc{a,title={A}}')\n"
              "for name in ('bib_keys.json', 'bib_report.csv'):\n"
              "    (out / 'build' / name).write_text('{}')\n"
              "report_failure('05 bibliography', 'bibtex error', out / 'bib' / 'references.bib')")
    first = run_notebooks(None, tmp_path / "out", folder, progress=False)
    assert [o.message for o in first.failures] == ["bibtex error"]
    again = run_notebooks(None, tmp_path / "out", folder, progress=False)
    assert again.statuses[0].action == "skipped" and len(again) == 0
    assert [o.message for o in again.failures] == ["bibtex error"]  # still exits 1


def test_label_phrases_are_embedded_once_per_model_and_apart_from_the_papers(project, monkeypatch):
    import numpy as np

    from surveykit import embed
    from surveykit.workspace import Workspace

    calls = []

    def fake_embed(texts, model=None, cache_dir=None, progress=True, **kwargs):
        calls.append((list(texts), model, cache_dir.name))
        return np.array([[float(len(t)), 1.0] for t in texts], dtype=np.float32)

    monkeypatch.setattr(embed, "embed_texts", fake_embed)
    ws = Workspace(load_config(project / "survey.toml"))
    ws.__dict__["embedding_model"] = "minilm"
    first = ws.phrase_embedder(["web agents", "agent safety"])
    again = ws.phrase_embedder(["agent safety", "web agents", "tool use"])
    assert calls == [(["agent safety", "web agents"], "minilm", "phrase-embeddings"),
                     (["tool use"], "minilm", "phrase-embeddings")]
    assert (again[:2] == first[::-1]).all()
    ws.__dict__["embedding_model"] = "static"
    ws.phrase_embedder(["web agents"])
    assert calls[-1] == (["web agents"], "static", "phrase-embeddings")
