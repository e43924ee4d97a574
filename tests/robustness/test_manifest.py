"""Owned outputs: a stage that no longer makes a file removes it, and only files it made."""

from __future__ import annotations

import json
from pathlib import Path

from surveykit import io
from surveykit.config import parse_config
from surveykit.manifest import MANIFEST_NAME, owned_outputs


def _config(tmp_path: Path):
    (tmp_path / "curation.toml").write_text("# mine\n", encoding="utf-8")
    data = {"survey": {"title": "T"}, "topics": {"curation": "curation.toml"}}
    config = parse_config(data, tmp_path / "survey.toml")
    config.paths.ensure()
    return config


def _tables(config, n: int) -> None:
    with owned_outputs(config, "tables"):
        for i in range(n):
            io.write_text(config.paths.tables / f"topic_{i:02d}.tex", f"table {i}\n")


def test_a_topic_that_is_gone_takes_its_tables_with_it(tmp_path):
    config = _config(tmp_path)
    _tables(config, 8)
    mine = config.paths.tables / "my_table.tex"  # the author's own file in the same folder
    mine.write_text("mine\n", encoding="utf-8")
    _tables(config, 6)
    names = sorted(p.name for p in config.paths.tables.iterdir())
    assert names == sorted([f"topic_{i:02d}.tex" for i in range(6)] + ["my_table.tex"])
    manifest = json.loads((config.paths.build / MANIFEST_NAME).read_text())
    assert sorted(manifest["stages"]["tables"]) == [f"tables/topic_{i:02d}.tex" for i in range(6)]


def test_an_edited_output_is_kept(tmp_path):
    config = _config(tmp_path)
    _tables(config, 3)
    edited = config.paths.tables / "topic_02.tex"
    edited.write_text("my edits\n", encoding="utf-8")
    _tables(config, 2)
    assert edited.read_text() == "my edits\n"


def test_the_authors_files_are_never_recorded_or_removed(tmp_path):
    config = _config(tmp_path)
    with owned_outputs(config, "draft"):
        io.write_text(tmp_path / "curation.toml", "# rewritten\n")  # even if a stage wrote it
        io.write_text(config.paths.draft / "survey.md", "x\n")
    with owned_outputs(config, "draft"):
        pass
    assert (tmp_path / "curation.toml").exists()
    assert not (config.paths.draft / "survey.md").exists()


def test_a_failed_stage_changes_nothing(tmp_path):
    config = _config(tmp_path)
    _tables(config, 3)
    try:
        with owned_outputs(config, "tables"):
            io.write_text(config.paths.tables / "topic_00.tex", "half\n")
            raise RuntimeError("killed")
    except RuntimeError:
        pass
    assert sorted(p.name for p in config.paths.tables.iterdir()) == [f"topic_{i:02d}.tex" for i in range(3)]


def test_another_stage_claiming_a_file_keeps_it(tmp_path):
    config = _config(tmp_path)
    with owned_outputs(config, "figures.a"):
        io.write_text(config.paths.figures / "plotly.min.js", "js\n")
    with owned_outputs(config, "figures.b"):
        io.write_text(config.paths.figures / "plotly.min.js", "js\n")
    with owned_outputs(config, "figures.a"):
        pass
    assert (config.paths.figures / "plotly.min.js").exists()
