"""CSV/TSV and JSON/JSONL loaders: header detection, exports, line numbers, warnings."""

from __future__ import annotations

import json

import pytest

from surveykit.sources import SourceError, jsonfile, load_source, tabular
from surveykit.sources.tabular import parse_year, split_authors


@pytest.fixture
def tab_dir(fixtures_dir):
    return fixtures_dir / "tabular"


# --- author names and years ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("Ibrahim Abdelaziz, Julian Dolby, James P. McCusker",
         ["Abdelaziz, Ibrahim", "Dolby, Julian", "McCusker, James P."]),
        ("Gu K.; Shang R.; Van der Berg J.-P.", ["Gu, K.", "Shang, R.", "Van der Berg, J.-P."]),
        ("Gu K., Shang R.", ["Gu, K.", "Shang, R."]),
        ("Gu, Ken; Shang, Ruoxi", ["Gu, Ken", "Shang, Ruoxi"]),
        ("Gu, Ken (57212345678); Shang, Ruoxi (57212345679)", ["Gu, Ken", "Shang, Ruoxi"]),
        ("Gu, Ken", ["Gu, Ken"]),
        ("Huang, Qian, Vora, Jian", ["Huang, Qian", "Vora, Jian"]),
        ("Ken Gu and Ruoxi Shang", ["Gu, Ken", "Shang, Ruoxi"]),
        ("Ken Gu, Ruoxi Shang, and Tim Althoff", ["Gu, Ken", "Shang, Ruoxi", "Althoff, Tim"]),
        ("Gu, Ken and Shang, Ruoxi", ["Gu, Ken", "Shang, Ruoxi"]),
        ("Gu, Ken; et al.", ["Gu, Ken"]),
        ("OpenAI", ["OpenAI"]),
        ("", []),
        ([{"given": "Ken", "family": "Gu"}, {"name": "Ruoxi Shang"}, "Tim Althoff"],
         ["Gu, Ken", "Shang, Ruoxi", "Althoff, Tim"]),
    ],
)
def test_split_authors(cell, names):
    assert split_authors(cell) == names


@pytest.mark.parametrize(
    ("value", "year", "bad"),
    [(2024, 2024, False), ("2024", 2024, False), ("2024-08-19", 2024, False),
     ("2024.0", 2024, False), (2024.0, 2024, False), ("", None, False), (None, None, False),
     ("n.d.", None, True), ("in press", None, True), (12, None, True), (float("nan"), None, True)],
)
def test_parse_year(value, year, bad):
    got, problem = parse_year(value)
    assert got == year
    assert (problem is not None) is bad


# --- CSV / TSV -------------------------------------------------------------------------------


def test_scopus_export_with_bom_and_multiline_cells(tab_dir):
    result = load_source(tab_dir / "scopus_export.csv")
    assert [p.title for p in result.papers] == [
        "BLADE: Benchmarking Language Model Agents for Data-Driven Science",
        "MLAgentBench: Evaluating Language Agents on Machine Learning Experimentation",
    ]
    blade, mlab = result.papers
    assert blade.authors[:2] == ["Gu, Ken", "Shang, Ruoxi"]  # "Author full names" beats "Authors"
    assert blade.year == 2024
    assert blade.venue == "Findings of the Association for Computational Linguistics: EMNLP 2024"
    assert blade.doi == "10.18653/v1/2024.findings-emnlp.815"
    assert blade.entry_type == "inproceedings"
    assert blade.source == "csv:scopus_export.csv"
    assert blade.source_key == "2-s2.0-85217812345"
    assert "\n" not in blade.abstract and blade.abstract.startswith("Data-driven scientific")
    assert blade.extra["Source"] == "Scopus"  # the database, not the venue
    assert blade.extra["Page start"] == "13936"
    # the title-less row starts on line 5: the BLADE row spans lines 2-4
    (error,) = result.errors
    assert (error.line, error.key) == (5, "2-s2.0-85200000001")
    assert "no title" in error.reason
    (warning,) = result.warnings
    assert warning.line == 6 and "in press" in warning.reason
    assert mlab.year is None


def test_wos_tab_delimited(tab_dir):
    result = tabular.load(tab_dir / "wos_savedrecs.txt", format="tsv")
    assert not result.issues
    survey, toolemu = result.papers
    assert survey.authors[:2] == ["Wang, Lei", "Ma, Chen"]  # AF, not AU ("Wang, L")
    assert survey.venue == "FRONTIERS OF COMPUTER SCIENCE"
    assert survey.doi == "10.1007/s11704-024-40231-1"
    assert survey.entry_type == "article"
    assert survey.source_key == "WOS:001234567800001"
    assert survey.extra["ID"] == "FRAMEWORK"  # Keywords Plus stays data, not a key
    assert toolemu.entry_type == "inproceedings"
    assert toolemu.extra["document_type"] == "Proceedings Paper"


def test_wos_utf16_export(tab_dir, tmp_path):
    text = (tab_dir / "wos_savedrecs.txt").read_text(encoding="utf-8-sig")
    path = tmp_path / "savedrecs.tsv"
    path.write_bytes(text.encode("utf-16"))  # with BOM, as "Tab-delimited (Win)" writes it
    result = load_source(path)
    assert len(result.papers) == 2 and result.papers[1].authors[0] == "Ruan, Yangjun"


def test_hand_made_sheet(tab_dir):
    result = load_source(tab_dir / "sheet.csv")
    mlab, diff, formal = result.papers
    assert mlab.arxiv_id == "2310.03302" and mlab.id == "arxiv:2310.03302"
    assert mlab.code_url == "https://github.com/snap-stanford/MLAgentBench"
    assert mlab.extra == {"Notes": "benchmark"}
    assert diff.year == 2023  # "2023.0" from a spreadsheet
    assert diff.arxiv_id == "2312.07540"  # from an abs URL in the arXiv column
    assert diff.extra["Notes"] == "uses the Unix\ndiff command"
    assert formal.authors == ["Crouse, Maxwell", "Abdelaziz, Ibrahim"]
    assert [(i.line, i.severity) for i in result.issues] == [(5, "error"), (6, "warning")]
    assert "n.d." in result.issues[1].reason


def test_explicit_column_mapping(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("Paper;Who;When;Where;Remarks\n"
                    "Some Title;Ken Gu and Tim Althoff;2024;EMNLP;ok\n", encoding="utf-8")
    result = tabular.load(path, columns={"title": "paper", "authors": "Who", "year": "When",
                                         "venue": "Where"})
    (paper,) = result.papers
    assert (paper.title, paper.authors, paper.year, paper.venue) == (
        "Some Title", ["Gu, Ken", "Althoff, Tim"], 2024, "EMNLP")
    assert paper.extra == {"Remarks": "ok"}
    with pytest.raises(SourceError, match="'Nope'"):
        tabular.load(path, columns={"title": "Nope"})
    with pytest.raises(SourceError, match="unknown field"):
        tabular.load(path, columns={"colour": "Paper"})


def test_no_title_column_is_a_clear_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"x\.csv:1: no title column"):
        tabular.load(path)


def test_bad_encoding_names_file_and_line(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("Title\nok\nJ\xf6rg's paper\n".encode("latin-1"))
    with pytest.raises(SourceError, match=r"latin\.csv:3: not valid utf-8"):
        tabular.load(path)
    assert tabular.load(path, encoding="latin-1").papers[1].title == "Jörg's paper"


def test_emnlp_dataset(shared_datasets):
    path = shared_datasets / "emnlp22-nlp-taxonomy" / "emnlp22_papers_with_nlp_taxonomy_labels.csv"
    result = load_source(path)
    assert len(result.papers) == 828 and not result.issues
    first = result.papers[0]
    assert first.urls == ["https://aclanthology.org/2022.emnlp-main.1"]
    assert first.extra["labels"].startswith("Knowledge Representation")


# --- JSON / JSONL ----------------------------------------------------------------------------


def test_json_wrapper_with_line_numbers(tmp_path):
    data = {"query": "agents", "papers": [
        {"Title": "BLADE: Benchmarking Language Model Agents for Data-Driven Science",
         "authors": ["Ken Gu", "Tim Althoff"], "year": "2024", "venue": {"name": "EMNLP 2024"},
         "arxiv": "2408.09667", "tags": ["benchmark", "data science"]},
        {"abstract": "no title here"},
        {"title": "MLAgentBench", "year": "soon", "doi": "https://doi.org/10.1000/XYZ"},
    ]}
    path = tmp_path / "papers.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = load_source(path)
    blade, mlab = result.papers
    assert blade.authors == ["Gu, Ken", "Althoff, Tim"] and blade.venue == "EMNLP 2024"
    assert blade.arxiv_id == "2408.09667" and blade.extra == {"tags": "benchmark; data science"}
    assert blade.source == "json:papers.json"
    assert mlab.doi == "10.1000/xyz"
    text = path.read_text().splitlines()
    error, warning = result.issues
    assert error.key == "papers[1]" and text[error.line - 1].strip() == "{"
    assert '"abstract": "no title here"' in text[error.line]
    assert warning.severity == "warning" and "soon" in warning.reason
    assert '"title": "MLAgentBench"' in text[warning.line]


def test_jsonl_reports_bad_lines(tmp_path):
    path = tmp_path / "papers.jsonl"
    path.write_text('{"title": "A"}\n\n{"title": "B",\n[1, 2]\n{"title": "C", "key": "c1"}\n',
                    encoding="utf-8")
    result = load_source(path)
    assert [p.title for p in result.papers] == ["A", "C"]
    assert result.papers[1].source_key == "c1"
    assert [(i.line, i.severity) for i in result.issues] == [(3, "error"), (4, "error")]
    assert "invalid JSON" in result.issues[0].reason
    assert "not an object" in result.issues[1].reason


def test_json_suffix_holding_json_lines(tmp_path):
    path = tmp_path / "lines.json"
    path.write_text('{"title": "A"}\n{"title": "B"}\n', encoding="utf-8")
    assert [p.title for p in load_source(path).papers] == ["A", "B"]


def test_invalid_json_names_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[\n {"title": "A"},\n {"title": }\n]\n', encoding="utf-8")
    with pytest.raises(SourceError, match=r"broken\.json:3:\d+: invalid JSON"):
        load_source(path)


def test_json_delegates_api_records(fixtures_dir, tmp_path):
    apis = fixtures_dir / "apis"
    work = json.loads((apis / "openalex_work_blade.json").read_text())
    s2 = json.loads((apis / "s2_search.json").read_text())["data"][1]
    crossref = json.loads((apis / "crossref_work_blade.json").read_text())["message"]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps({"results": [work, s2, crossref, {"title": "Plain"}]}))
    result = jsonfile.load(path)
    sources = [p.source.split(":")[0] for p in result.papers]
    assert sources == ["openalex", "semanticscholar", "crossref", "json"]
    assert result.papers[0].abstract.startswith("Data-driven scientific discovery")
    assert result.papers[1].arxiv_id == "2310.03302"


def test_ml4code_dataset(shared_datasets):
    result = load_source(shared_datasets / "ml4code" / "ml4code_publications.jsonl")
    assert len(result.papers) == 517 and not result.issues
    first = result.papers[0]
    assert first.source_key == "abdelaziz2020graph4code"
    assert first.authors[2] == "McCusker, James P."
    assert first.arxiv_id == "2002.09440"
    assert sum(1 for p in result.papers if p.code_url) > 50


def test_json_columns_and_single_record(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"name": "A Paper", "people": "Ken Gu; Tim Althoff", "id": 7}))
    result = load_source(path, columns={"title": "name", "authors": "People"})
    (paper,) = result.papers
    assert paper.title == "A Paper" and paper.authors == ["Gu, Ken", "Althoff, Tim"]
    assert paper.extra == {"id": "7"}
    assert paper.source_key == "record"


def test_unreadable_csv_row_is_reported(tmp_path):
    import csv as _csv

    path = tmp_path / "big.csv"
    limit = _csv.field_size_limit()
    path.write_text("Title,Abstract\nok,fine\nbig,\"" + "x" * (limit + 10) + "\"\n",
                    encoding="utf-8")
    result = load_source(path)
    assert [p.title for p in result.papers] == ["ok"]
    (issue,) = result.issues
    assert issue.line == 3 and "unreadable row" in issue.reason
