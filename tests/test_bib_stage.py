"""The bibliography stage driven by survey.toml: bundled corpus, the author's .bib, pinned keys."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from surveykit.bib.stage import citation_keys, write_references
from surveykit.config import load_config
from surveykit.corpus.bundled import load_bundled_corpus

AUTHOR_BIB = Path(__file__).parent / "fixtures" / "bib" / "author.bib"


def test_bundled_corpus_gives_73_unique_keys(tmp_path, need_tex):
    config = load_config(None, output_dir=tmp_path)
    refs = write_references(config, load_bundled_corpus())
    assert refs.path == tmp_path / "bib" / "references.bib"
    keys = refs.keys
    assert len(keys) == 73 and len(set(keys.values())) == 73
    assert refs.path.read_text().count("\n@") == 73
    assert refs.ok, refs.summary()
    compiled = refs.validation.compiled
    assert compiled.errors == [] and compiled.undefined == []
    # bibtex warns only about what the corpus lacks: the one paper without authors
    assert [(w.key, w.expected) for w in compiled.warnings] == [(keys["arxiv:2505.20749"], True)]


def test_author_bib_is_kept_and_pins_apply(tmp_path):
    mine = tmp_path / "mine.bib"
    shutil.copy(AUTHOR_BIB, mine)
    before = mine.read_bytes()
    cfg = tmp_path / "survey.toml"
    cfg.write_text('[bib]\nexisting = ["mine.bib"]\n[bib.pinned_keys]\n"arxiv:2310.03302" = "mlagentbench"\n')
    config = load_config(cfg)
    corpus = load_bundled_corpus()
    refs = write_references(config, corpus, validate=False)
    assert mine.read_bytes() == before
    text = refs.path.read_text()
    assert before.decode() in text
    assert refs.keys["arxiv:2310.03302"] == "mlagentbench"
    assert refs.keys["arxiv:2408.09667"] == "Gu_BLADE_2024"  # the author's own entry for BLADE
    assert citation_keys(config, corpus) == refs.keys


def test_missing_existing_bib_is_a_clear_error(tmp_path):
    cfg = tmp_path / "survey.toml"
    cfg.write_text('[bib]\nexisting = ["gone.bib"]\n')
    with pytest.raises(FileNotFoundError, match="gone.bib"):
        write_references(load_config(cfg), load_bundled_corpus(), validate=False)
