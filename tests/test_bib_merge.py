"""Merging with an author's own .bib: verbatim copy, key reuse, no clashes, file never written."""

from __future__ import annotations

import shutil

import pytest

from surveykit.bib import merge_with_existing, roundtrip_check, write_bib
from surveykit.corpus.model import Paper
from surveykit.sources.bibtex import read_entries


@pytest.fixture
def author_bib(tmp_path, fixtures_dir):
    path = tmp_path / "mine.bib"
    shutil.copyfile(fixtures_dir / "bib" / "author.bib", path)
    return path


def corpus() -> list[Paper]:
    return [
        Paper(title="BLADE: Benchmarking Language Model Agents for Data-Driven Science",
              authors=["Gu, Ken"], year=2024, venue="EMNLP 2024", arxiv_id="2408.09667"),
        Paper(title="Found by DOI, with another title", authors=["Smith, Anna"], year=2021,
              doi="10.1234/abc_def"),
        Paper(title="Tree Search for Language Model Agents", authors=["Koh, Jing Yu"], year=2024,
              venue="TMLR 2025"),
        Paper(title="MLAgentBench: Evaluating Language Agents on Machine Learning Experimentation",
              authors=["Huang, Qian"], year=2023, arxiv_id="2310.03302"),  # preprint: cited as 2023
        Paper(title="Sentiment Analysis", authors=["Other, Person"], year=2015),  # too far apart
    ]


def test_matches_by_arxiv_doi_and_title(author_bib):
    plan = merge_with_existing(corpus(), author_bib)
    items = corpus()
    assert plan.matches == {
        items[0].id: "Gu_BLADE_2024",
        items[1].id: "smith_doi_2021",
        items[2].id: "koh:treesearch",
    }
    assert "huang2023mlagentbench" in plan.taken and "9361559" in plan.taken


def test_merged_file_keeps_author_entries_byte_for_byte(author_bib, tmp_path):
    before = author_bib.read_bytes()
    mtime = author_bib.stat().st_mtime_ns
    out = tmp_path / "references.bib"
    report = write_bib(corpus(), out, existing=author_bib)
    assert author_bib.read_bytes() == before and author_bib.stat().st_mtime_ns == mtime
    text = out.read_text(encoding="utf-8")
    assert before.decode("utf-8") in text  # the whole file, including @string and comments
    for entry in read_entries(author_bib).entries:
        assert entry.raw in text
    assert roundtrip_check(out, report).ok


def test_matched_papers_cite_the_author_key_and_new_keys_avoid_theirs(author_bib, tmp_path):
    items = corpus()
    report = write_bib(items, tmp_path / "references.bib", existing=author_bib)
    assert report.keys[items[0].id] == "Gu_BLADE_2024"
    assert report.reused == {items[0].id: "Gu_BLADE_2024", items[1].id: "smith_doi_2021",
                             items[2].id: "koh:treesearch"}
    # (the author's huang2023mlagentbench is another paper; generated keys avoid their keys)
    assert report.keys[items[3].id] == "huangMLAgentBenchEvaluatingLanguage2023"
    assert [e.key for e in report.entries] == ["huangMLAgentBenchEvaluatingLanguage2023",
                                               "otherSentimentAnalysis2015"]
    assert report.existing_keys == ["Gu_BLADE_2024", "smith_doi_2021", "koh:treesearch",
                                    "huang2023mlagentbench", "9361559"]


def test_crlf_author_file_is_copied_unchanged(author_bib, tmp_path):
    crlf = tmp_path / "crlf.bib"
    crlf.write_bytes(author_bib.read_bytes().replace(b"\n", b"\r\n"))
    out = tmp_path / "references.bib"
    write_bib(corpus(), out, existing=crlf)
    assert crlf.read_bytes() in out.read_bytes()


def test_pin_for_a_paper_the_author_already_has_is_ignored_with_warning(author_bib):
    items = corpus()
    plan = merge_with_existing(items, author_bib, pinned={items[0].id: "mypin"})
    assert plan.matches[items[0].id] == "Gu_BLADE_2024"
    assert [w.kind for w in plan.warnings if w.kind == "pin-ignored"] == ["pin-ignored"]


def test_pinned_key_for_a_new_paper_works_with_merge(author_bib, tmp_path):
    items = corpus()
    report = write_bib(items, tmp_path / "r.bib", existing=author_bib,
                       pinned={items[3].id: "huang2024mlab"})
    assert report.keys[items[3].id] == "huang2024mlab"


def test_refuses_to_overwrite_the_author_file(author_bib):
    before = author_bib.read_bytes()
    with pytest.raises(ValueError, match="refusing to overwrite"):
        write_bib(corpus(), author_bib, existing=author_bib)
    assert author_bib.read_bytes() == before


def test_problems_in_the_author_file_are_reported_not_fixed(tmp_path):
    broken = tmp_path / "broken.bib"
    broken.write_text("@misc{dup, title={A}}\n@misc{dup, title={B}}\n", encoding="utf-8")
    out = tmp_path / "references.bib"
    report = write_bib(corpus(), out, existing=broken)
    assert report.warnings_of("existing-bib")
    assert broken.read_text() in out.read_text()


@pytest.mark.parametrize("name", ["bib-assurvey/survey.bib", "bib-mllm-short-survey/custom.bib"])
def test_real_author_bibs_merge_and_round_trip(shared_datasets, tmp_path, name):
    source = shared_datasets / name
    out = tmp_path / "references.bib"
    report = write_bib(corpus(), out, existing=source)
    check = roundtrip_check(out, report)
    assert check.ok, check.problems[:5]
    assert source.read_text(encoding="utf-8") in out.read_text(encoding="utf-8")
    assert len(report.existing_keys) == len(read_entries(source).keys)
