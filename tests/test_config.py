"""The survey config file."""

from __future__ import annotations

import pytest

from surveykit.config import ConfigError, load_config
from surveykit.corpus.build import build_corpus, load_corpus


def test_defaults_use_the_bundled_corpus(tmp_path):
    config = load_config(None, output_dir=tmp_path)
    assert config.uses_bundled_corpus
    assert config.paths.references == tmp_path / "bib" / "references.bib"
    build = build_corpus(config, progress=False)
    assert len(build.corpus) == 73
    assert load_corpus(config).ids == build.corpus.ids
    assert (tmp_path / "build" / "load_report.csv").exists()


def test_paths_resolve_against_config_and_output_dirs(tmp_path):
    cfg = tmp_path / "survey.toml"
    cfg.write_text(
        '[survey]\ntitle = "T"\n[corpus]\nsources = ["refs.bib", {path = "p.csv", format = "csv"}]\n'
        '[bib]\nexisting = ["bib/mine.bib"]\npinned_keys = {"arxiv:2408.09667" = "blade"}\n'
    )
    config = load_config(cfg, output_dir=tmp_path / "out")
    assert [s["path"] for s in config.sources] == [tmp_path / "refs.bib", tmp_path / "p.csv"]
    assert config.sources[1]["format"] == "csv"
    assert config.existing_bib == [tmp_path / "bib" / "mine.bib"]
    assert config.pinned_keys == {"arxiv:2408.09667": "blade"}
    assert config.paths.figures == tmp_path / "out" / "figures"
    assert config.curation == tmp_path / "curation.toml"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[corpus\n", "not valid TOML"),
        ("[corpsu]\n", "unknown section"),
        ("[corpus]\nsources = 3\n", "corpus.sources: expected a list"),
        ("[corpus]\nsources = [{format = 'csv'}]\n", r"sources\[0\]: needs 'path'"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path, text, message):
    cfg = tmp_path / "survey.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(cfg)
    assert str(cfg) in str(info.value)


def test_missing_named_config_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")
