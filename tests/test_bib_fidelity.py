"""Bibliography fidelity (issue 11): names, accents, keys, fields, merges, biblatex, loud failures."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import bibtexparser
import pytest

from surveykit import cli
from surveykit.bib.audit import audit, render_sources
from surveykit.bib.biblatex import to_biblatex
from surveykit.bib.problems import check_existing
from surveykit.sources.bibtex import load, parse_bibtex_string
from surveykit.sources.bibtex_names import person_problems, plain_dotless, repair_accents, split_persons

FIXTURES = Path(__file__).parent / "fixtures" / "bib"
NAMES = FIXTURES / "names.bib"
PREPRINT = FIXTURES / "merge_preprint.bib"
PUBLISHED = FIXTURES / "merge_published.bib"


def entries(text: str) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(text, parse_stack=[])
    return {e.key: {"ENTRYTYPE": e.entry_type, **{f.key.lower(): str(f.value)[1:-1]
                                                   if str(f.value).startswith("{") else str(f.value)
                                                   for f in e.fields}}
            for e in library.entries}


# --- names --------------------------------------------------------------------------------------

def test_persons_after_and_keep_their_accent_commands():
    persons = split_persons(r"\v{C}ertick\'{y}, Martin and \v{C}ertick\'{y}, Michal and "
                            r"\L{}ukasz Kaiser and \c{C}elik, Mehmet and {Foo and Bar}")
    assert persons == [r"\v{C}ertick\'{y}, Martin", r"\v{C}ertick\'{y}, Michal",
                       r"\L{}ukasz Kaiser", r"\c{C}elik, Mehmet", "{Foo and Bar}"]


def test_loaded_names_lose_no_letter():
    papers = {p.source_key: p for p in load(NAMES).papers}
    assert papers["Certicky13"].authors == ["Čertický, Martin", "Čertický, Michal"]
    assert papers["Kaiser17"].authors[1:3] == ["Kaiser, Łukasz", "Çelik, Mehmet"]
    assert papers["Kaiser17"].authors[3] == "García, María"
    assert papers["FernandezAres12"].authors[:2] == ["Fernández-Ares, Antonio J.", "Raphaël, Jean"]


def test_broken_accents_are_repaired_with_a_report_line():
    assert repair_accents("Fern\\ \u0301{a}ndez-Ares") == "Fern{\\'a}ndez-Ares"
    assert repair_accents("Rapha\\\u00a8{e}l") == 'Rapha{\\"e}l'
    assert repair_accents(r"S\vasa and \vec{x}") == r"S{\v{a}}sa and \vec{x}"
    assert plain_dotless(r"Garc{\'{\i}}a Mar\'\i a") == r"Garc{\'i}a Mar\'i a"
    issues = [i.reason for i in load(NAMES).issues if i.key == "FernandezAres12"]
    assert any("broken accent repaired" in r for r in issues)
    assert any("capitalised" in r for r in issues)  # Hoang, Tom Dietterich Thao-Trang


def test_suspicious_author_lists_are_flagged():
    assert person_problems("Smith, John and Doe, Jane") == []
    assert person_problems("Fernández-Ares, Antonio J. and García, María") == []
    assert person_problems("Hoang, Tom Dietterich Thao-Trang")
    assert "empty name part" in person_problems("Hoang, Thao and Smith, John,")[0]
    assert "empty" in person_problems("Hoang, Thao and ")[0]
    assert "commas" in person_problems("Smith, John, Doe, Jane")[0]


# --- fields ---------------------------------------------------------------------------------------

def test_every_field_written_unchanged_or_reported():
    text, report = render_sources([NAMES])
    out = entries(text)
    fer = out["FernandezAres12"]
    assert fer["ENTRYTYPE"] == "inproceedings"  # @conference
    assert fer["author"].startswith("Fern{\\'a}ndez-Ares, Antonio J. and Rapha{\\\"e}l, Jean")
    for name in ("ee", "keywords", "type", "articleno", "numpages", "affiliation", "location"):
        assert name in fer
    assert "pages" not in fer and "key" not in fer  # 000 and the title again: dropped, reported
    assert out["Certicky13"]["pages"] == "103--108"
    assert out["Kaiser17"]["pages"] == "314--320"
    assert out["Kaiser17"]["booktitle"] == "Proceedings of the Workshop on {S}pecial {T}actics in Starcraft"
    assert "Garc{\\'i}a" in out["Kaiser17"]["author"]
    how = out["Howpub15"]
    assert how["doi"] == "10.1000/ABC.Def" and how["url"] == "https://example.org/Original_URL"
    assert how["howpublished"] == "\\url{https://example.org/thesis.pdf}"
    changed = {(c.key, c.field) for c in report.changes}
    assert {("FernandezAres12", "pages"), ("FernandezAres12", "key"), ("Certicky13", "pages"),
            ("FernandezAres12", "ENTRYTYPE"), ("FernandezAres12", "author")} <= changed
    result = audit([NAMES], text, report)
    assert result.fields_lost == [] and result.names_corrupted == [] and result.missing_keys == []
    assert result.keys_kept == result.source_keys == 4


def test_ee_with_an_arxiv_url_gives_the_arxiv_id():
    paper = parse_bibtex_string("@misc{k, title={T}, author={A, B}, year={2020}, "
                                "ee={https://arxiv.org/abs/2001.01234}}").papers[0]
    assert paper.arxiv_id == "2001.01234"


# --- merges and keys ------------------------------------------------------------------------------

def test_merge_is_field_level_published_wins_and_aliases_are_listed():
    text, report = render_sources([PREPRINT, PUBLISHED])
    out = entries(text)
    ont = out["Ontanon07"]
    assert ont["ENTRYTYPE"] == "inproceedings" and "journal" not in ont
    assert ont["booktitle"].startswith("Case-Based Reasoning") and ont["pages"] == "164--178"
    assert ont["doi"] == "10.1007/978-3-540-74141-1_12"
    assert ont["keywords"] == "case-based reasoning, RTS" and ont["eprint"] == "0704.0001"
    assert ont["ids"] == "OntanonCBR"
    assert report.aliases == {"Ontanon07": ["OntanonCBR"]}
    assert any(c.key == "OntanonCBR" and c.field == "journal" and c.after is None
               for c in report.changes)
    assert {"Synnaeve11", "Synnaeve11b"} <= set(out)


def test_swapping_sources_gives_byte_identical_output():
    first, _ = render_sources([PREPRINT, PUBLISHED, NAMES])
    second, _ = render_sources([NAMES, PUBLISHED, PREPRINT])
    assert first == second


def test_regenerate_keys_option_uses_better_bibtex_keys():
    text, report = render_sources([PUBLISHED], regenerate_keys=True)
    assert "ontanonCaseBasedPlanning2007" in entries(text)
    assert any(c.field == "key" and c.before == "Ontanon07" for c in report.changes)


# --- biblatex -------------------------------------------------------------------------------------

def test_biblatex_style_writes_date_journaltitle_eprinttype():
    text, report = render_sources([PREPRINT, NAMES], style="biblatex")
    out = entries(text)
    assert out["Certicky13"]["journaltitle"] == "Acta Electrotechnica et Informatica"
    assert out["Certicky13"]["date"] == "2013" and out["Certicky13"]["year"] == "2013"
    assert out["OntanonCBR"]["eprinttype"] == "arXiv"
    assert any(c.reason.startswith("biblatex") for c in report.changes)


def test_to_biblatex_adds_biber_fields_and_keeps_bibtex_ones():
    from surveykit.bib.entries import GeneratedEntry

    entry = GeneratedEntry("k", "article", {"journal": "J", "month": "oct", "year": "2007",
                                            "primaryClass": "cs.AI"}, frozenset({"month"}))
    to_biblatex(entry)
    assert entry.fields == {"journal": "J", "journaltitle": "J", "month": "oct", "year": "2007",
                            "date": "2007-10", "primaryClass": "cs.AI", "eprintclass": "cs.AI"}
    assert entry.bare == frozenset({"month"})


# --- loud failures --------------------------------------------------------------------------------

def test_existing_bib_problems_name_file_line_and_key():
    problems = check_existing([FIXTURES / "broken_user.bib"])
    errors = [str(p) for p in problems if p.severity == "error"]
    assert any("Diard03" in e and "lines 2 and 16" in e for e in errors)
    assert any("Trailing12" in e and "trailing comma" in e for e in errors)


def _project(tmp_path: Path, user_bib: Path) -> Path:
    shutil.copy(user_bib, tmp_path / "mine.bib")
    shutil.copy(NAMES, tmp_path / "src.bib")
    cfg = tmp_path / "survey.toml"
    cfg.write_text('[corpus]\nsources = ["src.bib"]\n[bib]\nexisting = ["mine.bib"]\n')
    return cfg


def test_cli_bib_fails_loudly_on_a_broken_user_bib(tmp_path, capsys, need_tex):
    cfg = _project(tmp_path, FIXTURES / "broken_user.bib")
    before = (tmp_path / "mine.bib").read_bytes()
    assert cli.main(["corpus", "--config", str(cfg)]) == 0
    assert cli.main(["bib", "--config", str(cfg)]) == 1
    err = capsys.readouterr().err
    assert "mine.bib:16 [Diard03]" in err and "lines 2 and 16" in err and "Trailing12" in err
    assert (tmp_path / "mine.bib").read_bytes() == before  # never rewritten
    with open(tmp_path / "build" / "bib_report.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {"Diard03", "Trailing12"} <= {r["key"] for r in rows if r["severity"] == "error"}


def test_cli_bib_passes_on_a_clean_user_bib(tmp_path, need_tex):
    cfg = _project(tmp_path, FIXTURES / "clean_user.bib")
    assert cli.main(["corpus", "--config", str(cfg)]) == 0
    assert cli.main(["bib", "--config", str(cfg)]) == 0


def test_cli_run_exits_non_zero_when_the_bibliography_failed(tmp_path, capsys, monkeypatch):
    import surveykit.pipeline as pipeline
    from surveykit import runreport
    from surveykit.bib.stage import write_references
    from surveykit.config import load_config
    from surveykit.corpus.model import Corpus

    cfg = _project(tmp_path, FIXTURES / "broken_user.bib")
    record = tmp_path / "run_report.jsonl"
    monkeypatch.setenv(runreport.ENV, str(record))
    write_references(load_config(cfg), Corpus(load(NAMES).papers), validate=False)
    outcomes = runreport.read_outcomes(record)
    assert [o.stage for o in outcomes] == ["05 bibliography"]
    monkeypatch.setattr(pipeline, "run_notebooks",
                        lambda *a, **k: pipeline.NotebookRuns([], outcomes))
    assert cli.main(["run", "--config", str(cfg)]) == 1
    err = capsys.readouterr().err
    assert "mine.bib:16 [Diard03]" in err and "lines 2 and 16" in err


# --- the shared real libraries --------------------------------------------------------------------

@pytest.mark.parametrize("names", [("bib-assurvey/survey.bib", "bib-mllm-short-survey/custom.bib")])
def test_real_libraries_keep_keys_fields_names_and_order(shared_datasets, names):
    paths = [shared_datasets / n for n in names]
    for path in paths:
        if not path.exists():
            pytest.skip(f"{path} not available")
    text, report = render_sources(paths)
    result = audit(paths, text, report)
    assert result.fields_lost == [] and result.names_corrupted == []
    assert result.keys_kept == result.source_keys
    assert render_sources(paths[::-1])[0] == text


def test_different_publications_of_one_work_keep_their_own_entries(tmp_path):
    conference = tmp_path / "a.bib"
    conference.write_text(
        "@inproceedings{gagliolo_2010,\n author={Gagliolo, Matteo and Schmidhuber, J{\\\"u}rgen},\n"
        " title={Algorithm Selection as a Bandit Problem with Unbounded Losses},\n"
        " booktitle={Learning and Intelligent Optimization}, pages={82--96}, year={2010}}\n")
    journal = tmp_path / "b.bib"
    journal.write_text(
        "@article{gagliolo_2011,\n author={Gagliolo, Matteo and Schmidhuber, J{\\\"u}rgen},\n"
        " title={Algorithm Selection as a Bandit Problem with Unbounded Losses},\n"
        " journal={Annals of Mathematics and Artificial Intelligence}, volume={61},\n"
        " pages={49--86}, year={2011}}\n")
    text, report = render_sources([conference, journal])
    out = entries(text)
    assert set(out) == {"gagliolo_2010", "gagliolo_2011"} and report.aliases == {}
    assert out["gagliolo_2011"]["ENTRYTYPE"] == "article"
    assert out["gagliolo_2010"]["booktitle"] == "Learning and Intelligent Optimization"
    assert render_sources([journal, conference])[0] == text


def test_a_published_venue_from_another_source_beats_the_preprint(tmp_path):
    from surveykit.bib.writer import render_bib
    from surveykit.corpus.dedupe import dedupe
    from surveykit.corpus.model import Paper

    bib = load(PREPRINT).papers
    ris = Paper(title="Case-Based Planning and Execution for Real-Time Strategy Games",
                authors=["Ontañón, Santiago"], year=2007, arxiv_id="0704.0001",
                venue="Journal of Game AI", extra={"volume": "3", "pages": "1-20"}, source="ris:x.ris")
    papers = dedupe(bib + [ris]).papers
    text, report = render_bib(papers)
    ont = entries(text)["OntanonCBR"]
    assert ont["ENTRYTYPE"] == "article" and ont["journal"] == "Journal of Game AI"
    assert ont["pages"] == "1--20" and ont["keywords"] == "case-based reasoning, RTS"
    assert any(c.field == "journal" and c.after is None for c in report.changes)
    assert render_bib(dedupe([ris] + bib).papers)[0] == text


def test_keys_stay_when_papers_are_added_across_runs(tmp_path):
    from surveykit.bib.stage import write_references
    from surveykit.config import load_config
    from surveykit.corpus.bundled import load_bundled_corpus
    from surveykit.corpus.model import Corpus

    config = load_config(None, output_dir=tmp_path)
    papers = list(load_bundled_corpus())
    # two look-alike papers: the first run's one owns the bare key
    twin = papers[5].__class__(title=papers[5].title + "!", authors=list(papers[5].authors),
                               year=papers[5].year, arxiv_id="0001.00001")
    first = write_references(config, Corpus(papers[40:] + [twin]), validate=False).keys
    second = write_references(config, Corpus(papers), validate=False).keys
    third = write_references(config, Corpus(papers + [twin]), validate=False).keys
    assert all(second[pid] == key for pid, key in first.items() if pid in second)
    assert all(third[pid] == key for pid, key in {**first, **second}.items())
    assert third[papers[5].id] == third[twin.id] + "a"  # the newcomer got the suffix


def test_middlewares_split_persons_and_repair_accents_inside_bibtexparser():
    from surveykit.sources.bibtex_middleware import RepairAccents, SeparatePersons

    text = "@article{k, author = {Gomez, Aidan and \\L{}ukasz Kaiser and Fern\\\u00b4{a}ndez, A}}"
    library = bibtexparser.parse_string(text, append_middleware=[RepairAccents(), SeparatePersons()])
    assert library.entries[0]["author"] == ["Gomez, Aidan", "\\L{}ukasz Kaiser", "Fern{\\'a}ndez, A"]


@pytest.mark.parametrize("style", ["bibtex", "biblatex"])
def test_written_fixtures_compile_with_biber(tmp_path, style):
    from surveykit.bib.bibercheck import biber_available, biber_check

    reason = biber_available()
    if reason:
        pytest.skip(reason)
    text, _ = render_sources([PREPRINT, PUBLISHED, NAMES], style=style)
    bib = tmp_path / "refs.bib"
    bib.write_text(text, encoding="utf-8")
    result = biber_check(bib, tmp_path)
    assert result.errors == [], [str(e) for e in result.errors]


def test_special_characters_macros_and_a_trailing_and(tmp_path, need_tex):
    from surveykit.bib.texcheck import compile_check

    text, report = render_sources([FIXTURES / "specials.bib"])
    snake = entries(text)["Snake20"]
    assert snake["author"] == "Smith, Jane and Doe, John"
    assert snake["title"] == "Learning snake\\_case Names \\& R\\&D for 100\\% of C\\# Programs"
    assert snake["booktitle"].endswith("Digital Entertainment (AIIDE)")
    assert snake["url"] == "https://example.org/a_b%20c#x"
    assert {c.field for c in report.changes} == {"author", "title"}
    bib = tmp_path / "refs.bib"
    bib.write_text(text, encoding="utf-8")
    compiled = compile_check(bib, ["Snake20"])
    assert compiled.errors == [] and compiled.undefined == []


def test_a_source_key_replaced_by_the_users_own_key_is_reported(tmp_path):
    from surveykit.bib.writer import render_bib

    papers = load(PREPRINT).papers
    _, report = render_bib(papers, existing=[FIXTURES / "clean_user.bib"])
    ontanon = [p for p in papers if p.source_key == "OntanonCBR"][0]
    assert report.keys[ontanon.id] == "Ontanon07"
    assert any(w.kind == "key-of-your-bib" and "OntanonCBR" in w.message for w in report.warnings)


def test_a_missing_pdf_is_traced_to_the_users_entry(tmp_path, need_tex):
    from surveykit.bib.problems import draft_problems
    from surveykit.draft.compile import tex_missing

    if tex_missing():
        pytest.skip(tex_missing())
    mine = tmp_path / "mine.bib"
    shutil.copy(FIXTURES / "broken_user.bib", mine)
    refs = tmp_path / "references.bib"
    refs.write_text("% header\n" + mine.read_text(encoding="utf-8"), encoding="utf-8")
    draft = tmp_path / "draft"
    (draft / "_build").mkdir(parents=True)
    (draft / "survey.tex").write_text("\\documentclass{article}")
    (draft / "_build" / "survey.blg").write_text(
        "Repeated entry---line 17 of file references.bib\n : @conference{Diard03\n")
    (draft / "_build" / "survey.log").write_text("! Emergency stop.\n")
    rows = draft_problems(draft, refs, [mine])
    assert [(r.kind, r.file, r.line, r.key) for r in rows[:1]] == [
        ("bibtex-error", str(mine), 16, "Diard03")]
    assert {r.kind for r in rows} == {"bibtex-error", "latex-error", "no-pdf"}


def test_generated_entry_type_follows_the_venue():
    from surveykit.bib.entries import choose_type
    from surveykit.corpus.model import Paper

    assert choose_type(Paper(title="T", entry_type="article", venue="AIIDE Conference")) == "inproceedings"
    assert choose_type(Paper(title="T", entry_type="inproceedings", venue="Journal of X")) == "article"
    assert choose_type(Paper(title="T", entry_type="conference", venue="Somewhere")) == "inproceedings"


def test_preambles_of_the_sources_are_written(tmp_path, need_tex):
    from surveykit.bib.texcheck import compile_check

    source = tmp_path / "pre.bib"
    source.write_text('@preamble{"\\newcommand{\\noopsort}[1]{}"}\n'
                      "@book{Knuth84, author={Knuth, Donald}, title={{\\noopsort{a}}The {\\TeX}book},"
                      " publisher={Addison-Wesley}, year={1984}}\n")
    text, _ = render_sources([source])
    assert '@preamble{"\\newcommand{\\noopsort}[1]{}"}' in text
    bib = tmp_path / "refs.bib"
    bib.write_text(text, encoding="utf-8")
    assert compile_check(bib, ["Knuth84"]).errors == []
    assert render_sources([source, source])[0] == text
