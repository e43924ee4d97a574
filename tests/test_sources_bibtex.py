"""BibTeX loader: realistic exports, the two messy shared .bib files, broken input, raw entries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from surveykit.sources import SourceError, load_source
from surveykit.sources.bibtex import (
    extract_year,
    find_urls,
    load,
    normalize_month,
    parse_bibtex_string,
    read_bibtex_string,
    read_entries,
)

SHARED_BIBS = ["bib-assurvey/survey.bib", "bib-mllm-short-survey/custom.bib"]
_ENTRY_START = re.compile(r"^\s*@\s*(?!string\b|comment\b|preamble\b)\w+\s*[{(]",
                          re.MULTILINE | re.IGNORECASE)


def _count_entry_starts(path: Path) -> int:
    return len(_ENTRY_START.findall(path.read_text(encoding="utf-8")))


def _by_key(result):
    return {p.source_key: p for p in result.papers}


@pytest.fixture
def bib_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "bibtex"


# --- realistic exports ------------------------------------------------------------------------

def test_zotero_and_better_bibtex_export(bib_dir: Path) -> None:
    result = load(bib_dir / "zotero.bib")
    assert result.issues == []
    papers = _by_key(result)
    assert list(papers) == ["yaoReActSynergizingReasoning2023", "schick_toolformer_2023",
                            "park_generative_2023", "shinnReflexionLanguageAgents2023"]

    react = papers["yaoReActSynergizingReasoning2023"]
    assert react.title == "ReAct: Synergizing Reasoning and Acting in Language Models"
    assert react.authors[0] == "Yao, Shunyu" and len(react.authors) == 7
    assert (react.year, react.arxiv_id) == (2023, "2210.03629")
    assert react.doi == "10.48550/arxiv.2210.03629"
    assert react.venue == "arXiv"  # publisher = {arXiv}
    assert react.id == "arxiv:2210.03629"
    assert react.abstract.startswith("While large language models (LLMs)")
    assert react.extra["month"] == "mar"
    assert react.extra["shorttitle"] == "ReAct"
    assert "file" not in react.extra and "abstract" not in react.extra
    assert react.source == "bibtex:zotero.bib" and react.entry_type == "misc"

    toolformer = papers["schick_toolformer_2023"]
    assert "Dessì, Roberto" in toolformer.authors
    assert toolformer.venue == "Advances in Neural Information Processing Systems"
    assert toolformer.arxiv_id == "2302.04761"  # from the arxiv.org url

    agents = papers["park_generative_2023"]
    assert "O'Brien, Joseph" in agents.authors
    assert agents.doi == "10.1145/3586183.3606763"
    assert agents.extra["pages"] == "1--22" and agents.extra["isbn"] == "979-8-4007-0132-0"
    assert agents.extra["series"] == "UIST '23" and agents.extra["month"] == "oct"

    reflexion = papers["shinnReflexionLanguageAgents2023"]  # Better BibLaTeX: @online + date
    assert (reflexion.entry_type, reflexion.year) == ("online", 2023)
    assert reflexion.extra["month"] == "oct"
    assert reflexion.arxiv_id == "2303.11366" and reflexion.venue == "arXiv"
    assert reflexion.code_url == "https://github.com/noahshinn/reflexion"
    assert reflexion.extra["note"] == "Code: https://github.com/noahshinn/reflexion"


def test_dblp_export_with_crossref(bib_dir: Path) -> None:
    result = load(bib_dir / "dblp.bib")
    papers = _by_key(result)
    assert len(papers) == 3
    [skipped] = result.errors
    assert (skipped.key, skipped.line) == ("DBLP:conf/iclr/2023", 18)
    assert "crossref" in skipped.reason

    react = papers["DBLP:conf/iclr/YaoZYDSN023"]
    assert react.venue.startswith(
        "The Eleventh International Conference on Learning Representations, ICLR 2023")
    assert react.extra["publisher"] == "OpenReview.net"  # inherited from the @proceedings parent
    assert react.urls == ["https://openreview.net/forum?id=WE_vluYUL-X"]
    assert "Narasimhan, Karthik R." in react.authors

    toolformer = papers["DBLP:conf/nips/SchickDDRLHZCS23"]
    assert toolformer.authors[:3] == ["Schick, Timo", "Dwivedi-Yu, Jane", "Dessì, Roberto"]
    assert toolformer.extra["editor"].startswith("Oh, Alice and Naumann, Tristan")
    assert "  " not in toolformer.venue and "NeurIPS 2023" in toolformer.venue

    survey = papers["DBLP:journals/corr/abs-2308-11432"]
    assert (survey.venue, survey.arxiv_id) == ("arXiv", "2308.11432")
    assert survey.authors[-1] == "Wen, Ji-Rong"
    assert survey.extra["journal"] == "CoRR" and survey.extra["volume"] == "abs/2308.11432"
    assert "timestamp" not in survey.extra and "bibsource" not in survey.extra


def test_hand_written_bib_with_macros_accents_and_ieee(bib_dir: Path) -> None:
    result = load(bib_dir / "handwritten.bib")
    assert result.issues == []
    papers = _by_key(result)

    # capitalised field names, @string # "...", month macro, bare year
    bart = papers["lewis2020bart"]
    assert bart.title.startswith("BART: Denoising Sequence-to-Sequence")
    assert bart.venue == ("Proceedings of the 58th Annual Meeting of the Association for "
                          "Computational Linguistics (ACL 2020)")
    assert (bart.year, bart.extra["month"], bart.extra["pages"]) == (2020, "jul", "7871--7880")

    assert papers["scholkopf2002learning"].authors[0] == "Schölkopf, Bernhard"
    assert papers["scholkopf2002learning"].venue == "MIT Press"  # a book's publisher
    assert papers["tiedemann2012parallel"].authors == ["Tiedemann, Jörg"]

    llama = papers["touvron2023llama"]
    assert (llama.arxiv_id, llama.venue) == ("2302.13971", "arXiv")
    assert llama.extra["authors_truncated"] == "true" and "others" not in " ".join(llama.authors)
    assert "Lacroix, Timothée" in llama.authors and "Rozière, Baptiste" in llama.authors

    langchain = papers["chase2022langchain"]
    assert langchain.code_url == "https://github.com/langchain-ai/langchain"
    assert langchain.urls == ["https://github.com/langchain-ai/langchain"]
    assert "howpublished" not in langchain.extra

    survey = papers["wang2024survey"]  # biblatex journaltitle + date
    assert (survey.year, survey.extra["month"]) == (2024, "mar")
    assert survey.venue == "Frontiers of Computer Science"
    assert survey.doi == "10.1007/s11704-024-40231-1"

    assert papers["yao2023react"].code_url == "https://github.com/ysymyth/ReAct"

    resnet = papers["7780459"]  # IEEE Xplore: @INPROCEEDINGS, numeric key, empty fields, `}}`
    assert resnet.entry_type == "inproceedings"
    assert resnet.doi == "10.1109/cvpr.2016.90" and resnet.year == 2016
    assert "volume" not in resnet.extra and "number" not in resnet.extra
    assert resnet.extra["keywords"].startswith("Training;Degradation")

    gpt4 = papers["openai2023gpt4"]
    assert gpt4.authors == ["{OpenAI}"]  # a group name stays one braced name
    assert (gpt4.arxiv_id, gpt4.venue) == ("2303.08774", "OpenAI")


# --- the shared real-world files --------------------------------------------------------------

@pytest.mark.parametrize("relative", SHARED_BIBS)
def test_every_entry_of_shared_bibs_is_loaded_or_reported(shared_datasets: Path,
                                                          relative: str) -> None:
    path = shared_datasets / relative
    result = load(path)
    expected = _count_entry_starts(path)
    assert expected in (367, 37)
    assert len(result.papers) + len(result.errors) == expected
    for issue in result.issues:
        assert issue.file == str(path) and issue.line and issue.line > 0
    assert all(p.title and p.source_key for p in result.papers)


def test_assurvey_spot_checks(shared_datasets: Path) -> None:
    result = load(shared_datasets / "bib-assurvey/survey.bib")
    papers = _by_key(result)
    assert "Hoffmann, Jörg" in papers["fawcett_improved_2014"].authors  # raw unicode
    assert papers["lobjois_branch_1998"].authors[1] == "Lemaître, Michel"  # LaTeX accent
    assert "Marques-Silva, João" in papers["malitsky_portfolio_2014"].authors
    assert "O’Sullivan, Barry" in papers["hurley_adaptation_2012"].authors  # `{O’Sullivan}`
    assert "Alcobaça, Edesio" in papers["alcobaca_dimensionality_2018"].authors
    entropy = papers["shahriari_entropy_2014"]  # number = {arXiv:1406.4625}
    assert entropy.arxiv_id == "1406.4625" and entropy.extra["number"] == "arXiv:1406.4625"
    assert papers["kadioglu_isac_2010"].title == "ISAC – Instance-Specific Algorithm Configuration"
    assert papers["mehta_lazy_2013"].extra["month"] == "nov"  # bare month macro
    assert {p.extra.get("month") for p in result.papers} <= {None, *[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]}
    # the workshop and conference versions share a title: both kept, flagged
    [near] = [i for i in result.warnings if i.key == "elsayed_synthesis_2011"]
    assert "elsayed_synthesis_2010" in near.reason


def test_mllm_survey_spot_checks(shared_datasets: Path) -> None:
    path = shared_datasets / "bib-mllm-short-survey/custom.bib"
    papers = _by_key(load(path))
    wiki = papers["enwiki:1181088602"]  # `@misc{ enwiki:...,` key with a colon and a space
    assert wiki.title == "Large language model — Wikipedia, The Free Encyclopedia"
    assert wiki.authors == ["{Wikipedia contributors}"]
    assert wiki.urls == ["https://en.wikipedia.org/w/index.php?title=Large_language_model"
                         "&oldid=1181088602"]
    ieee = papers["9361559"]  # `@ARTICLE{9361559,`, empty number, `}}` on the last line
    assert (ieee.entry_type, ieee.venue, ieee.year) == ("article", "IEEE Access", 2021)
    assert ieee.doi == "10.1109/access.2021.3061756" and "D’ulizia, Arianna" in ieee.authors
    assert "number" not in ieee.extra
    resnet = papers["DBLP:journals/corr/HeZRS15"]  # CoRR + abs/ volume + eprinttype
    assert (resnet.venue, resnet.arxiv_id) == ("arXiv", "1512.03385")
    assert papers["fu2023mme"].arxiv_id == "2306.13394"  # journal = {arXiv preprint arXiv:...}
    assert papers["rasooli-tetrault-2015"].arxiv_id == "1503.06733"
    assert papers["zhihu2023"].entry_type == "online" and papers["zhihu2023"].venue == "Zhihu"
    ando = papers["Ando2005"]  # BibDesk-style `Title =`, `Month = dec`
    assert ando.title.startswith("A Framework for Learning Predictive Structures")
    assert ando.extra["month"] == "dec" and ando.extra["issn"] == "1532-4435"
    assert papers["APA:83"].authors == ["{American Psychological Association}"]
    assert papers["DBLP:journals/corr/abs-2112-11446"].title == (
        "Scaling Language Models: Methods, Analysis & Insights from Training Gopher")


# --- broken input -----------------------------------------------------------------------------

def test_broken_file_reports_every_problem_with_its_line(bib_dir: Path) -> None:
    path = bib_dir / "broken.bib"
    result = load(path)
    assert [p.source_key for p in result.papers] == [
        "yao2023react", "schick2023toolformer", "missingcomma2022", "noauthors2020",
        "typeonitsownline2019", "closedearly2018", "shinn2023reflexion", "commentedout2017"]
    assert len(result.papers) + len(result.errors) == _count_entry_starts(path) == 12

    errors = {(i.line, i.key): i.reason for i in result.errors}
    assert set(errors) == {(11, "unclosed2023"), (30, "notitle2021"), (36, "yao2023react"),
                           (77, "notefield2016")}
    assert "not closed before the next entry at line 17" in errors[(11, "unclosed2023")]
    assert "no title" in errors[(30, "notitle2021")]
    assert "'% check the page numbers' at line 79" in errors[(77, "notefield2016")]
    duplicate = errors[(36, "yao2023react")]
    assert "duplicate key" in duplicate and "line 4" in duplicate

    warnings = [(i.line, i.key, i.reason) for i in result.warnings]
    expected = [
        (20, "schick2023toolformer", "undefined macro 'neurips'"),
        (25, "missingcomma2022", "missing ','"),
        (43, "noauthors2020", "no author"),
        (47, "noauthors2020", "appears twice"),
        (57, "closedearly2018", "no author"),
        (57, "closedearly2018", "no year"),
        (59, "closedearly2018", "outside any entry"),
        (72, "commentedout2017", "'% author' is not a field name"),
    ]
    assert len(warnings) == len(expected)
    for (line, key, reason), (want_line, want_key, text) in zip(warnings, expected, strict=True):
        assert (line, key) == (want_line, want_key) and text in reason

    papers = _by_key(result)
    assert papers["yao2023react"].venue == "International Conference on Learning Representations"
    assert papers["missingcomma2022"].title == "Fields without a comma between them"
    assert papers["missingcomma2022"].authors == ["Roe, Richard"]
    assert papers["noauthors2020"].year == 2020  # the first `year` wins, as in BibTeX
    assert papers["typeonitsownline2019"].authors == ["Lee, Ann"]  # `@article\n{key,` is valid
    assert papers["commentedout2017"].authors == ["Visible, Person"]
    assert str(result.errors[0]).startswith(f"{path}:11 [unclosed2023]: error:")


def test_unclosed_entry_at_end_of_file_and_missing_key() -> None:
    text = ("@article{good, title={Good}, author={A, B}, year=2020}\n"
            "@article{title = {No key}, year = 2021}\n"
            "@article{last,\n  title = {Never closed\n")
    result = parse_bibtex_string(text, "mine.bib")
    assert [p.source_key for p in result.papers] == ["good"]
    assert [(i.line, i.key) for i in result.errors] == [(2, None), (3, "last")]
    assert "no citation key" in result.errors[0].reason
    assert "end of the file" in result.errors[1].reason
    assert all(i.file == "mine.bib" for i in result.issues)
    assert result.papers[0].source == "bibtex:mine.bib"


def test_string_macros_concatenation_and_case() -> None:
    text = ('@STRING{conf = "Proc. of "}\n@string{Year23 = {2023}}\n'
            '@string{full = conf # "ACL"}\n'
            '@inproceedings{k, TITLE = "T", author = "Doe, J.", booktitle = full # { 2023},'
            ' year = year23, month = "May"}\n')
    [paper] = parse_bibtex_string(text).papers
    assert paper.venue == "Proc. of ACL 2023"
    assert paper.year == 2023 and paper.extra["month"] == "may"


def test_decode_errors_fall_back_to_latin1(tmp_path: Path) -> None:
    path = tmp_path / "latin1.bib"
    path.write_bytes("% old file\n@book{k,\n title={Kernels},\n author={Schölkopf, B.},\n"
                     " year=2002}\n".encode("latin-1"))
    result = load(path)
    [warning] = result.warnings
    assert warning.line == 4 and "latin-1" in warning.reason
    assert result.papers[0].authors == ["Schölkopf, B."]


def test_bom_and_crlf(bib_dir: Path, tmp_path: Path) -> None:
    text = (bib_dir / "broken.bib").read_text(encoding="utf-8")
    path = tmp_path / "windows.bib"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    original = load(bib_dir / "broken.bib")
    converted = load(path)
    assert [p.title for p in converted.papers] == [p.title for p in original.papers]
    assert [(i.line, i.key) for i in converted.issues] == [(i.line, i.key) for i in original.issues]


def test_missing_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not found"):
        load(tmp_path / "nope.bib")


def test_load_source_dispatches_bib(bib_dir: Path) -> None:
    assert len(load_source(bib_dir / "zotero.bib").papers) == 4


# --- raw entries for the bibliography writer --------------------------------------------------

def test_read_entries_keeps_the_original_text(bib_dir: Path) -> None:
    path = bib_dir / "handwritten.bib"
    text = path.read_text(encoding="utf-8")
    bibfile = read_entries(path)
    lines = text.splitlines()
    assert len(bibfile.entries) == 9
    for entry in bibfile.entries:
        assert entry.raw in text and entry.raw.endswith("}")
        assert lines[entry.line - 1].lstrip().startswith("@")
        assert lines[entry.end_line - 1].rstrip().endswith("}")
    bart = bibfile.find("LEWIS2020BART")  # keys compare case-insensitively
    assert bart is not None and bart.raw.startswith("@inproceedings{lewis2020bart,")
    assert bart.raw_fields["booktitle"] == 'ACL # " (ACL 2020)"'
    assert bart.fields["booktitle"].endswith("Linguistics (ACL 2020)")
    assert bart.raw_fields["month"] == "jul" and bart.fields["month"] == "July"
    assert bibfile.find("7780459").entry_type == "inproceedings"
    assert bibfile.macros["acl"].startswith("Proceedings of the 58th")
    assert bibfile.keys[0] == "lewis2020bart"
    assert len(bibfile.library.entries) == 9  # bibtexparser's own blocks are available too


def test_read_entries_flags_duplicates_and_restores_moved_braces(bib_dir: Path) -> None:
    bibfile = read_entries(bib_dir / "broken.bib")
    duplicates = [e for e in bibfile.entries if e.duplicate_of]
    assert [(e.key, e.line, e.duplicate_of) for e in duplicates] == [("yao2023react", 36, 4)]
    assert bibfile.find("yao2023react").line == 4
    assert bibfile.keys.count("yao2023react") == 1
    moved = bibfile.find("typeonitsownline2019")
    assert moved.raw.startswith("@article\n{typeonitsownline2019,")  # exactly as written


def test_read_bibtex_string_reports_undefined_string_macros() -> None:
    bibfile = read_bibtex_string('@string{a = b # "x"}\n@misc{k, title = a}\n', "s.bib")
    assert bibfile.entries[0].fields["title"] == "bx"
    assert [(i.line, i.severity) for i in bibfile.issues] == [(1, "warning")]


# --- small helpers ----------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "month"), [
    ("oct", "oct"), ("October", "oct"), ("10", "oct"), ("Sept.", "sep"), ("{Dec}", "dec"),
    ("13", None), ("Spring", None), ("", None),
])
def test_normalize_month(value: str, month: str | None) -> None:
    assert normalize_month(value) == month


def test_extract_year_and_find_urls() -> None:
    assert extract_year("2023///") == 2023 and extract_year("May 2021") == 2021
    assert extract_year("n.d.") is None
    assert find_urls(r"\url{https://x.org/a\_b}. See http://y.org/p(1)).") == [
        "https://x.org/a_b", "http://y.org/p(1)"]
