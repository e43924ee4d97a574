"""RIS loader: Zotero, Scopus and IEEE exports, broken files, BOM/CRLF, encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveykit.sources import load_source
from surveykit.sources.ris import load, parse_ris_string, read_records


@pytest.fixture
def ris_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "ris"


def _by_title(result):
    return {p.title: p for p in result.papers}


def test_zotero_export(ris_dir: Path) -> None:
    result = load(ris_dir / "zotero.ris")
    assert result.issues == []
    react, reflexion, agents, survey = result.papers

    assert react.title == "ReAct: Synergizing Reasoning and Acting in Language Models"
    assert react.authors == ["Yao, Shunyu", "Zhao, Jeffrey", "Yu, Dian", "Du, Nan",
                             "Shafran, Izhak", "Narasimhan, Karthik", "Cao, Yuan"]
    assert (react.year, react.entry_type) == (2023, "inproceedings")  # DA 2023///
    assert react.venue == "The Eleventh International Conference on Learning Representations"
    assert react.urls == ["https://openreview.net/forum?id=WE_vluYUL-X"]
    assert react.abstract.startswith("While large language models")
    assert react.source == "ris:zotero.ris" and react.source_key is None
    assert react.extra["ris_type"] == "CONF" and react.extra["language"] == "en"

    assert (reflexion.arxiv_id, reflexion.venue) == ("2303.11366", "arXiv")
    assert reflexion.entry_type == "misc"
    assert reflexion.doi == "10.48550/arxiv.2303.11366"
    assert reflexion.code_url == "https://github.com/noahshinn/reflexion"  # URL in a note
    assert reflexion.extra["month"] == "oct" and reflexion.extra["shorttitle"] == "Reflexion"
    assert reflexion.extra["keywords"] == ("Computer Science - Artificial Intelligence; "
                                           "Computer Science - Computation and Language")

    # Zotero: T2 is the conference name, C3 the proceedings title (preferred as venue)
    assert agents.venue == ("Proceedings of the 36th Annual ACM Symposium on User Interface "
                            "Software and Technology")
    assert agents.extra["pages"] == "1--22" and agents.extra["isbn"] == "979-8-4007-0132-0"
    assert agents.extra["booktitle"] == agents.venue and agents.doi == "10.1145/3586183.3606763"

    assert survey.venue == "Frontiers of Computer Science"  # T2, not the J2 abbreviation
    assert [survey.extra[k] for k in ("volume", "number", "pages")] == ["18", "6", "186345"]
    assert survey.extra["issn"] == "2095-2236" and survey.extra["month"] == "mar"
    assert survey.authors[-1] == "Wen, Jirong"


def test_scopus_export_with_a_broken_record(ris_dir: Path) -> None:
    result = load(ris_dir / "scopus.ris")
    assert len(result.papers) == 3
    [error] = result.issues
    assert (error.line, error.severity) == (43, "error") and "no title" in error.reason
    papers = _by_title(result)
    attention = papers["Attention is all you need"]
    assert attention.authors[-3:] == ["Gomez, A.N.", "Kaiser, Ł.", "Polosukhin, I."]
    assert attention.venue == "Advances in Neural Information Processing Systems"
    assert attention.extra["pages"] == "5999--6009"
    assert attention.extra["type"] == "Conference Paper" and attention.extra["database"] == "Scopus"
    dqn = papers["Human-level control through deep reinforcement learning"]
    assert (dqn.entry_type, dqn.venue, dqn.year) == ("article", "Nature", 2015)
    assert dqn.doi == "10.1038/nature14236"
    assert dqn.extra["journal"] == "Nature" and dqn.extra["issn"] == "00280836"
    assert len(dqn.authors) == 19
    bert = papers["BERT: Pre-training of deep bidirectional transformers for language "
                  "understanding"]
    assert bert.authors[1] == "Chang, M.-W." and bert.doi == "10.18653/v1/n19-1423"


def test_ieee_export(ris_dir: Path) -> None:
    [paper] = load(ris_dir / "ieee.ris").papers
    assert paper.authors == ["He, K.", "Zhang, X.", "Ren, S.", "Sun, J."]  # "K. He" order
    assert paper.venue == "2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)"
    assert (paper.year, paper.doi) == (2016, "10.1109/cvpr.2016.90")
    assert paper.id == "doi:10.1109/cvpr.2016.90"
    assert paper.extra["month"] == "jun"  # Y1 - 27-30 June 2016
    assert paper.extra["pages"] == "770--778" and paper.extra["issn"] == "1063-6919"
    assert "volume" not in paper.extra and "number" not in paper.extra  # empty VL/IS


def test_broken_file_reports_every_problem_with_its_line(ris_dir: Path) -> None:
    result = load(ris_dir / "broken.ris")
    assert [p.title for p in result.papers] == [
        "Toolformer: Language Models Can Teach Themselves to Use Tools",  # continuation line
        "GPT-4 Technical Report",
        "Learning with Kernels: Support Vector Machines, Regularization, Optimization, and Beyond",
        "A record cut off by a truncated download",
    ]
    issues = [(i.line, i.severity) for i in result.issues]
    assert issues == [(1, "warning"), (14, "warning"), (16, "error"), (20, "warning"),
                      (25, "warning"), (32, "warning")]
    reasons = [i.reason for i in result.issues]
    assert "outside any record" in reasons[0] and reasons[1].startswith("2 lines")
    assert "no title" in reasons[2]
    assert "no ER before the next TY at line 25" in reasons[3]
    assert "A2/A3/ED" in reasons[4]
    assert "end of the file" in reasons[5]

    toolformer, gpt4, kernels, truncated = result.papers
    assert toolformer.source_key == "schick2023toolformer"
    assert toolformer.authors == ["Schick, Timo", "Dwivedi-Yu, Jane", "Dessì, Roberto"]
    assert (toolformer.arxiv_id, toolformer.venue, toolformer.year) == ("2302.04761", "arXiv", 2023)
    assert toolformer.abstract.endswith("a few examples or textual instructions, especially at "
                                        "scale.")
    assert (gpt4.arxiv_id, gpt4.entry_type) == ("2303.08774", "techreport")
    assert gpt4.authors == ["OpenAI"]
    assert (kernels.venue, kernels.authors) == ("MIT Press", ["Schölkopf, Bernhard"])
    assert (truncated.year, truncated.extra["month"]) == (2022, "may")
    assert truncated.entry_type == "unpublished"


def test_bom_and_crlf_give_the_same_records(ris_dir: Path, tmp_path: Path) -> None:
    text = (ris_dir / "broken.ris").read_text(encoding="utf-8")
    path = tmp_path / "windows.ris"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    original, converted = load(ris_dir / "broken.ris"), load(path)
    assert [p.to_dict() | {"source": ""} for p in converted.papers] == [
        p.to_dict() | {"source": ""} for p in original.papers]
    assert [(i.line, i.reason) for i in converted.issues] == [
        (i.line, i.reason) for i in original.issues]


def test_latin1_fallback(tmp_path: Path) -> None:
    path = tmp_path / "old.ris"
    path.write_bytes("TY  - BOOK\nTI  - Kernels\nAU  - Schölkopf, B.\nPY  - 2002\nER  - \n"
                     .encode("latin-1"))
    result = load(path)
    assert [(i.line, i.severity) for i in result.issues] == [(3, "warning")]
    assert result.papers[0].authors == ["Schölkopf, B."]


def test_not_ris_at_all() -> None:
    wos = "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Vaswani, A\nTI Attention\nER\n"
    result = parse_ris_string(wos, "savedrecs.txt")
    assert result.papers == [] and "Web of Science" in result.errors[0].reason
    assert parse_ris_string("", "empty.ris").issues == []


def test_read_records_keeps_repeated_tags_in_order() -> None:
    records, issues = read_records("TY  - JOUR\nKW  - b\nKW  - a\nTI  - T\nER  -\n")
    assert issues == [] and records[0].values["KW"] == ["b", "a"] and records[0].closed


def test_load_source_dispatches_ris(ris_dir: Path) -> None:
    assert len(load_source(ris_dir / "zotero.ris").papers) == 4
