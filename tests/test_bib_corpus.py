"""End to end on the bundled 73-paper corpus: keys, round trip, loader round trip, compile."""

from __future__ import annotations

import json
import random
from importlib import resources

import pytest

from surveykit.bib import validate_bib, write_bib
from surveykit.bib.venues import citation_year
from surveykit.corpus.model import Paper
from surveykit.corpus.names import to_bibtex_name
from surveykit.sources.bibtex import load
from surveykit.textutil import normalize_title

AUTHORLESS = "Can Agents Fix Agent Issues?"


def bundled_papers() -> list[Paper]:
    """Papers from ``surveykit/data/llm-agents-metadata.json`` (no abstracts needed here)."""
    path = resources.files("surveykit") / "data" / "llm-agents-metadata.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    return [
        Paper(title=r["title"], authors=[to_bibtex_name(a) for a in r.get("authors") or []],
              year=r.get("year"), venue=r.get("venue"), arxiv_id=r.get("arxiv_id"),
              code_url=r.get("code_url") or None)
        for r in records
    ]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    papers = bundled_papers()
    path = tmp_path_factory.mktemp("bib") / "references.bib"
    return papers, path, write_bib(papers, path)


def test_73_entries_unique_keys_and_one_missing_author(written):
    papers, _, report = written
    assert len(papers) == report.n_generated == 73
    keys = [e.key for e in report.entries]
    assert len({k.lower() for k in keys}) == 73
    missing = report.warnings_of("missing-author")
    assert len(missing) == 1 and AUTHORLESS in missing[0].message
    assert {w.kind for w in report.warnings if w.severity == "warning"} == {"missing-author"}
    by_title = {p.title: report.keys[p.id] for p in papers}
    assert by_title["BLADE: Benchmarking Language Model Agents for Data-Driven Science"] == \
        "guBLADEBenchmarkingLanguage2024"
    assert by_title[AUTHORLESS] == "CanAgentsFix2025"


def test_keys_do_not_depend_on_input_order(written, tmp_path):
    papers, path, report = written
    shuffled = papers[:]
    random.Random(7).shuffle(shuffled)
    again = write_bib(shuffled, tmp_path / "again.bib")
    assert again.keys == report.keys
    assert (tmp_path / "again.bib").read_bytes() == path.read_bytes()


def test_entry_types_follow_venues(written):
    papers, _, report = written
    types = {e.paper_id: e.entry_type for e in report.entries}
    by_title = {p.title: types[p.id] for p in papers}
    assert by_title["Tree Search for Language Model Agents"] == "article"  # TMLR
    assert by_title["A Survey on Large Language Model based Autonomous Agents"] == "article"
    assert by_title["MLAgentBench: Evaluating Language Agents on Machine Learning "
                    "Experimentation"] == "inproceedings"
    assert by_title["Multi-Agent Collaboration Mechanisms: A Survey of LLMs"] == "misc"


def test_round_trip_through_bibtexparser(written):
    papers, path, report = written
    check = validate_bib(path, report, papers, compile=False)
    assert check.roundtrip.ok, check.roundtrip.problems[:5]
    assert check.roundtrip.n_entries == 73


def test_round_trip_through_the_project_loader(written):
    papers, path, _ = written
    loaded = {p.id: p for p in load(path).papers}
    assert len(loaded) == 73
    for paper in papers:
        back = loaded[paper.id]
        assert back.authors == paper.authors
        assert back.year == citation_year(paper)  # the venue's year for published papers
        assert back.title == paper.title
        assert normalize_title(back.title) == normalize_title(paper.title)
        if paper.code_url and "github.com" in paper.code_url:
            assert back.code_url == paper.code_url


@pytest.mark.tex
def test_compiles_with_zero_errors_and_only_the_authorless_warning(written, need_tex, tmp_path):
    papers, path, report = written
    check = validate_bib(path, report, papers, workdir=tmp_path / "tex")
    compiled = check.compiled
    assert compiled.errors == [], [str(e) for e in compiled.errors[:5]]
    assert compiled.undefined == [] and compiled.missing_glyphs == []
    key = report.keys[next(p.id for p in papers if p.title == AUTHORLESS)]
    assert [(w.key, w.field, w.expected) for w in compiled.warnings] == [(key, "author", True)]
    assert check.ok
    assert (tmp_path / "tex" / "check.pdf").exists()


@pytest.mark.tex
def test_real_titles_and_abstracts_compile(shared_datasets, need_tex, tmp_path):
    """828 EMNLP 2022 titles and abstracts (LaTeX leftovers, odd unicode) compile cleanly.

    The set has no authors: every entry is author-less, and bibtex's only complaint must be that.
    (One shared fake author would overflow plainnat's 2022a, 2022b, ... labels past 'z'.)
    """
    import csv

    path = shared_datasets / "emnlp22-nlp-taxonomy" / "emnlp22_papers_with_nlp_taxonomy_labels.csv"
    papers: dict[str, Paper] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            paper = Paper(title=row["title"], abstract=row["abstract"], year=2022,
                          venue="EMNLP 2022", urls=[row["url"]])
            papers.setdefault(paper.id, paper)
    out = tmp_path / "emnlp.bib"
    report = write_bib(papers.values(), out, include_abstract=True)
    check = validate_bib(out, report, papers.values(), workdir=tmp_path / "tex")
    assert check.roundtrip.ok, check.roundtrip.problems[:5]
    assert check.compiled.errors == [] and check.compiled.missing_glyphs == []
    assert len(check.compiled.warnings) == len(papers) == 828
    assert {(w.field, w.expected) for w in check.compiled.warnings} == {("author", True)}
    assert check.ok
