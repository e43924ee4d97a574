"""One config schema: every key of survey.toml declared once and checked when the file is read."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from surveykit import cli
from surveykit.config import ConfigError, load_config
from surveykit.config_schema import (
    FIGURE_FORMATS,
    SCHEMA,
    SOURCE_FORMATS,
    TABLE_FORMATS,
    reference_markdown,
    section_defaults,
    validate,
    with_reference,
)

ROOT = Path(__file__).resolve().parents[1]


def _load(tmp_path: Path, text: str):
    cfg = tmp_path / "survey.toml"
    cfg.write_text(text, encoding="utf-8")
    return cfg, lambda: load_config(cfg)


@pytest.mark.parametrize(
    ("text", "patterns"),
    [
        ('[corpus]\nenrich = "false"\n', ["corpus.enrich", "true or false", "string 'false'"]),
        ('[topics]\nn_topics = "eight"\n', ["topics.n_topics", "an integer", "'eight'"]),
        ("[topics]\nn_topic = 8\n", ["topics.n_topic", "did you mean 'n_topics'"]),
        ("[tables]\ntopic_columns = ['domain', 'domain']\n", ["tables.topic_columns", "distinct"]),
        ("[figures]\ntaxonomy = 'pie'\n", ["figures.taxonomy", '"sunburst" | "treemap"']),
        ("[figurs]\n", ["unknown section [figurs]", "did you mean 'figures'"]),
        ("[draft.backend]\nbase_ur = 'x'\n", ["draft.backend.base_ur", "did you mean 'base_url'"]),
        ("[attributes]\ndefualts = false\n", ["attributes.defualts", "did you mean 'defaults'"]),
        ("[corpus]\nsources = [{path = 'a.bib', fromat = 'csv'}]\n", ["sources[0].fromat", "'format'"]),
        ("[corpus]\nsources = ['a.bib', 3]\n", ["corpus.sources[1]", "a path or a table"]),
        ("[bib]\nstyle = 'apa'\n", ["bib.style", '"bibtex" | "biblatex"']),
    ],
)
def test_mistakes_name_file_key_and_what_is_valid(tmp_path, text, patterns):
    cfg, load = _load(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load()
    message = str(info.value)
    assert str(cfg.resolve()) in message
    for pattern in patterns:
        assert pattern in message


def test_every_mistake_is_reported_at_once(tmp_path):
    _, load = _load(tmp_path, '[corpus]\nenrich = "no"\ndedupe = 1\n[topics]\nconsensus = "true"\n')
    with pytest.raises(ConfigError) as info:
        load()
    assert len(info.value.errors) == 3


def test_valid_files_and_extensions_pass(tmp_path):
    assert validate({"attributes": {"my_flag": {"kind": "flag", "patterns": ["x"]}}}) == []
    assert validate({"topics": {"refit": True, "related_surveys": False},
                     "bib": {"style": "biblatex", "regenerate_keys": True}}) == []
    assert validate({"topics": {"lexical_weight": 1}}) == []  # an integer is a number
    _, load = _load(tmp_path, (ROOT / "survey.toml").read_text(encoding="utf-8"))
    load()


def test_declared_defaults_match_the_stages():
    from surveykit.draft.backend import BackendConfig
    from surveykit.draft.outline import DraftOptions
    from surveykit.figures.stage import figure_options
    from surveykit.tables.build import _options
    from surveykit.topics import TopicConfig

    topics = section_defaults("topics")
    for f in dataclasses.fields(TopicConfig):
        assert f.name in SCHEMA.tables["topics"].keys
        default = f.default_factory() if f.default is dataclasses.MISSING else f.default
        assert SCHEMA.tables["topics"].keys[f.name].default == default, f.name
    assert topics["min_topics"] == TopicConfig().min_topics
    draft = section_defaults("draft")
    for name, value in dataclasses.asdict(DraftOptions()).items():
        if name != "extra":
            assert draft[name] == value, name
    figures = figure_options(None)
    assert {k: (tuple(v) if isinstance(v, list) else v) for k, v in section_defaults("figures").items()} \
        == {k: figures[k] for k in section_defaults("figures")}
    tables = _options(None)
    for name, value in section_defaults("tables").items():
        assert tables[name] == (tuple(value) if isinstance(value, list) else value), name
    keys = SCHEMA.tables["draft"].tables["backend"].keys
    configured = BackendConfig.from_config({"base_url": "http://x"}, env={})
    assert configured.timeout == keys["timeout"].default
    assert configured.temperature == keys["temperature"].default
    assert configured.rewrite_topic_names == keys["rewrite_topic_names"].default


def test_declared_formats_match_the_stages():
    from surveykit.figures.export import FORMATS as figure_formats
    from surveykit.sources import FORMATS as source_formats
    from surveykit.tables.export import FORMATS as table_formats

    assert set(SOURCE_FORMATS) == set(source_formats)
    assert table_formats == TABLE_FORMATS
    assert figure_formats == FIGURE_FORMATS


def test_readme_reference_is_in_sync():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert with_reference(readme) == readme, "run: python scripts/config_reference.py"
    assert "`n_topics`" in reference_markdown()


def test_config_check_command(tmp_path, capsys):
    good = tmp_path / "good.toml"
    good.write_text("[topics]\nn_topics = 8\n", encoding="utf-8")
    assert cli.main(["config", "--check", str(good)]) == 0
    assert "OK" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text("[topics]\nn_topic = 8\n", encoding="utf-8")
    assert cli.main(["config", "--check", str(bad)]) == 1
    assert "did you mean 'n_topics'" in capsys.readouterr().out
    assert cli.main(["config", "--check", str(tmp_path / "missing.toml")]) == 1
    assert cli.main(["config", "--reference"]) == 0
    assert "### `[topics]`" in capsys.readouterr().out


def test_unreadable_config_is_a_clear_error(tmp_path):
    cfg = tmp_path / "survey.toml"
    cfg.write_bytes(b"\xff\xfe[\x00t\x00")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(cfg)


def test_config_check_also_checks_the_curation_file(tmp_path, capsys):
    cfg = tmp_path / "survey.toml"
    cfg.write_text("[topics]\ncuration = 'curation.toml'\n", encoding="utf-8")
    (tmp_path / "curation.toml").write_text("n_topic = 3\n", encoding="utf-8")
    assert cli.main(["config", "--check", str(cfg)]) == 1
    out = capsys.readouterr().out
    assert "curation.toml" in out and "n_topic" in out
    (tmp_path / "curation.toml").write_text("n_topics = 3\n", encoding="utf-8")
    assert cli.main(["config", "--check", str(cfg)]) == 0
