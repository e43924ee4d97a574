"""write_bib: deterministic bytes, sorted entries, atomic write, report."""

from __future__ import annotations

import random

import bibtexparser
import pytest

from surveykit.bib import BibKeyError, render_bib, write_bib
from surveykit.corpus.model import Paper


def papers() -> list[Paper]:
    return [
        Paper(title="BLADE: Benchmarking Language Model Agents", authors=["Gu, Ken"], year=2024,
              venue="EMNLP 2024", arxiv_id="2408.09667"),
        Paper(title="Agent Worlds", authors=["Gu, Ken"], year=2024, arxiv_id="2401.00002"),
        Paper(title="Agent Tales", authors=["Gu, Ken"], year=2024, arxiv_id="2401.00001"),
        Paper(title="Can Agents Fix Agent Issues?", year=2025, venue="NeurIPS 2025",
              arxiv_id="2505.20749"),
        Paper(title="Über Agents for 11.88% of $0.88", authors=["Öztürk, Jörg", "Dupont, François"],
              year=None, doi="10.1000/x_y"),
    ]


def test_same_input_any_order_gives_identical_bytes(tmp_path):
    first = write_bib(papers(), tmp_path / "a.bib")
    shuffled = papers()
    random.Random(3).shuffle(shuffled)
    second = write_bib(shuffled, tmp_path / "b.bib")
    assert (tmp_path / "a.bib").read_bytes() == (tmp_path / "b.bib").read_bytes()
    assert first.keys == second.keys
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bib", "b.bib"]  # no temp files left


def test_entries_sorted_by_key_with_header(tmp_path):
    report = write_bib(papers(), tmp_path / "references.bib")
    text = (tmp_path / "references.bib").read_text()
    assert text.startswith("% references.bib -- written by surveykit")
    assert text.isascii()
    keys = [e.key for e in bibtexparser.parse_string(text).entries]
    assert keys == sorted(keys, key=str.lower) == [e.key for e in report.entries]
    assert keys == ["CanAgentsFix2025", "guAgentTales2024", "guAgentWorlds2024",
                    "guBLADEBenchmarkingLanguage2024", "ozturkUberAgents"]
    assert "@" not in "".join(line for line in text.splitlines() if line.startswith("%"))


def test_report_lists_keys_warnings_and_counts(tmp_path):
    report = write_bib(papers(), tmp_path / "references.bib")
    assert report.path == tmp_path / "references.bib"
    assert report.n_papers == report.n_generated == 5
    assert set(report.keys.values()) == set(report.all_keys)
    kinds = sorted(w.kind for w in report.warnings if w.severity == "warning")
    assert kinds == ["missing-author", "missing-year"]
    assert "1 missing-author" in report.summary()


def test_missing_author_is_logged(tmp_path, caplog):
    with caplog.at_level("WARNING", logger="surveykit.bib.writer"):
        write_bib(papers(), tmp_path / "references.bib")
    assert any("missing-author" in r.getMessage() for r in caplog.records)


def test_pinned_key_is_used(tmp_path):
    items = papers()
    report = write_bib(items, tmp_path / "r.bib", pinned={items[0].id: "Gu:BLADE"})
    assert report.keys[items[0].id] == "Gu:BLADE"
    assert "@inproceedings{Gu:BLADE," in (tmp_path / "r.bib").read_text()


def test_bad_pin_raises_before_writing(tmp_path):
    items = papers()
    with pytest.raises(BibKeyError):
        write_bib(items, tmp_path / "r.bib", pinned={items[0].id: "bad key"})
    assert not (tmp_path / "r.bib").exists()


def test_pin_for_unknown_paper_is_reported():
    _, report = render_bib(papers(), pinned={"arxiv:0000.00000": "ghost"})
    assert [w.kind for w in report.warnings_of("pin-ignored")] == ["pin-ignored"]


def test_empty_corpus_writes_only_the_header():
    text, report = render_bib([])
    assert report.n_generated == 0
    assert all(line.startswith("%") for line in text.splitlines())
