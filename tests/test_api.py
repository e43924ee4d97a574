"""The public API (``import surveykit as sk``) and its notebook displays."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import surveykit as sk
from surveykit import display
from surveykit.draft.compile import CompileReport
from surveykit.draft.grounding import GroundingReport

ROOT = Path(__file__).resolve().parents[1]


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- api-example: runs as a test -->\s*```python\n(.*?)```", text, re.S)
    assert match, "README.md has no API example"
    return match.group(1)


def test_readme_example_uses_only_the_public_api():
    code = readme_example()
    imports = re.findall(r"^\s*(?:from|import)\s+(\S+)", code, re.M)
    assert imports == ["surveykit"]
    assert "import surveykit as sk" in code


@pytest.mark.slow
def test_readme_example_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(readme_example(), "README.md", "exec"), namespace)  # noqa: S102 - our own README
    out = capsys.readouterr().out
    assert "papers;" in out and "topics" in out
    assert (tmp_path / "draft" / "survey.md").exists()
    assert (tmp_path / "bib" / "references.bib").exists()
    assert len(namespace["result"].topics) == 5
    assert isinstance(namespace["corpus"], sk.Corpus) and len(namespace["corpus"]) > 0


def test_lazy_exports():
    assert sk.Survey.__name__ == "Survey"
    assert callable(sk.load) and callable(sk.fit_topics)
    assert sk.display is display
    with pytest.raises(AttributeError):
        _ = sk.no_such_name


def test_load_one_or_many(fixtures_dir):
    one = sk.load(fixtures_dir / "bibtex" / "zotero.bib")
    assert isinstance(one, sk.Corpus) and len(one) > 0
    both = sk.load([fixtures_dir / "bibtex" / "zotero.bib", fixtures_dir / "bibtex" / "dblp.bib"])
    assert len(both) >= len(one)
    with pytest.raises(ValueError):
        sk.load([])


def test_fit_topics_rejects_a_misspelt_setting():
    with pytest.raises(TypeError, match="did you mean 'n_topics'"):
        sk.fit_topics(sk.Corpus(), embeddings=[], n_topic=3)


def test_survey_open_reads_saved_stages(tmp_path):
    survey = sk.Survey.open(None, tmp_path)
    assert "Survey" in repr(survey) and "not yet" in survey._repr_html_()
    with pytest.raises(FileNotFoundError, match="01_corpus"):
        _ = survey.corpus


def test_html_table_escapes_wraps_and_counts():
    rows = [{"text": "<script>x</script>" + "long " * 40, "n": i} for i in range(30)]
    out = display.html_table(rows, title="t & u")
    assert "<script>" not in out and "&lt;script&gt;" in out and "t &amp; u" in out
    assert "showing 20 of 30 rows" in out and "white-space:normal" in out
    assert out.count("long") == 20 * 40  # wrapped, never cut


def test_collapse_counts_repeats():
    rows = [{"kind": "missing-author", "key": "a"}] * 4 + [{"kind": "missing-year", "key": "b"}]
    assert display.collapse(rows, ["kind", "key"]) == [
        {"kind": "missing-author", "key": "a", "count": 4}, {"kind": "missing-year", "key": "b", "count": 1}]


def test_summarise_long_lists():
    assert display.summarise([f"k{i}" for i in range(73)], 3) == "k0, k1, k2, … (+70 more)"
    assert display.summarise([]) == "none"


def test_reports_are_compact():
    report = GroundingReport(prose=10, prose_cited=10, cited_keys={f"key{i}" for i in range(73)})
    out = display.grounding_html(report)
    assert "(+65 more)" in out and "key72" not in out and "Grounding: ok" in out
    compiled = CompileReport(status="ok", pages=9, cited_keys=[f"k{i}" for i in range(73)])
    out = display.compile_html(compiled)
    assert "73: k0" in out and "k72" not in out
    assert "skipped" in display.compile_html(CompileReport(status="skipped", message="no TeX"))


def test_provenance_and_curation_views():
    prov = display.provenance({"k": 6, "k_criterion_values": {str(k): k / 10 for k in range(20)}})
    assert "<table>" in prov._repr_html_() and "(+12)" in prov._repr_html_()
    assert "no instructions" in display.curation([])._repr_html_()
    view = display.curation([{"op": "rename", "target": "paper:x", "status": "applied", "detail": "ok"}])
    assert "1 of 1" in view._repr_html_()


def test_frame_html_wraps_and_escapes():
    import pandas as pd

    frame = pd.DataFrame({"evidence": ["<b>" + "word " * 50] * 25, "n": range(25)})
    out = display.frame_html(frame)
    assert "&lt;b&gt;" in out and "<b>" not in out and out.count("word ") == 20 * 50
    assert "showing 20 of 25 rows" in out


def test_front_matter_stripped():
    assert display.strip_front_matter("---\ntitle: x\n---\n\n# Intro\n") == "# Intro\n"
    assert display.strip_front_matter("# Intro\n---\n") == "# Intro\n---\n"


def test_file_list_and_snippet(tmp_path):
    for name in ("a.pdf", "a.svg", "b.png"):
        (tmp_path / name).write_bytes(b"x" * 10)
    files = display.FileList(tmp_path)
    assert len(files) == 3 and "pdf svg" in files._repr_html_() and "2 files" not in files._repr_html_()
    view = display.snippet("\n".join(f"line {i}" for i in range(60)), tmp_path / "t.tex")
    assert "showing 12 of 60 lines" in view._repr_html_() and "line 59" not in view._repr_html_()


def test_notebooks_use_the_facade():
    for path in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                         if c["cell_type"] == "code")
        assert "sk.Survey.open(config_path, output_dir" in code, path.name
        assert "sk.setup_notebook()" in code, path.name
        assert "Workspace" not in code and "load_config" not in code, path.name


def test_lab_command_adds_allow_root_only_as_root(tmp_path):
    from surveykit.lab import configure_widgets, lab_command

    as_root = lab_command("notebooks", port=8899, no_browser=True, root=True)
    assert as_root[1:4] == ["-m", "jupyterlab", "notebooks"]
    assert "--allow-root" in as_root and "--port=8899" in as_root and "--no-browser" in as_root
    assert "--allow-root" not in lab_command("notebooks", root=False)
    assert lab_command("nb", extra=["--allow-root"], root=True).count("--allow-root") == 1
    path = configure_widgets(tmp_path)
    assert json.loads(path.read_text())["@jupyter-widgets/jupyterlab-manager:plugin"]["saveState"] is True


def test_cli_lab_parses():
    from surveykit.cli import parse_args

    args = parse_args(["lab", "--port", "9000", "--no-browser", "--ServerApp.token=x"])
    assert args.port == 9000 and args.no_browser and args.lab_args == ["--ServerApp.token=x"]
    with pytest.raises(SystemExit):
        parse_args(["bib", "--ServerApp.token=x"])


def test_markdown_view_drops_front_matter_and_escapes(tmp_path):
    path = tmp_path / "survey.md"
    path.write_text("---\ntitle: T\n---\n# Intro\n\nText <script>x</script> \\cite{a}.\n")
    out = display.markdown(path)._repr_html_()
    assert "<h1>Intro</h1>" in out and "title: T" not in out and "<script>" not in out


def test_corpus_displays_compactly(fixtures_dir):
    corpus = sk.load(fixtures_dir / "bibtex" / "handwritten.bib")
    out = corpus._repr_html_()
    assert f"{len(corpus)} papers" in out and "<table>" in out
