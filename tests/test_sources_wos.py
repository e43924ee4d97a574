"""Web of Science plain-text exports (field-tagged "savedrecs.txt")."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveykit.sources import detect_format, load_source
from surveykit.sources.wos import looks_like_wos, parse_wos_string, venue_case

FIXTURE = Path(__file__).parent / "fixtures" / "wos" / "savedrecs.txt"


@pytest.fixture(scope="module")
def result():
    return load_source(FIXTURE)


def test_txt_export_is_detected_as_wos(tmp_path):
    assert detect_format(FIXTURE) == "wos"
    listing = tmp_path / "page.txt"
    listing.write_text("Daily Papers\n\nReAct: Synergizing Reasoning and Acting\n\nAbstract text.\n")
    assert detect_format(listing) == "listing"
    tab = tmp_path / "tab.txt"
    tab.write_text("PT\tAU\tTI\nJ\tWang, L\tA survey\n", encoding="utf-16")
    assert detect_format(tab) == "tsv"
    assert not looks_like_wos("PT\tAU\tTI\n")


def test_good_records_load_with_their_fields(result):
    survey, react, park = result.papers
    assert survey.title == "A survey on large language model based autonomous agents"
    assert survey.authors == ["Wang, Lei", "Ma, Chen", "Feng, Xueyang"]  # AF, one per line
    assert survey.year == 2024 and survey.doi == "10.1007/s11704-024-40231-1"
    assert survey.venue == "Frontiers of Computer Science"
    assert survey.abstract.startswith("Autonomous agents have long been") and "  " not in survey.abstract
    assert survey.abstract.endswith("isolated environments.")
    assert survey.entry_type == "article" and survey.source_key == "WOS:001170813200001"
    assert survey.extra["volume"] == "18" and survey.extra["number"] == "6"
    assert survey.extra["month"] == "mar" and survey.extra["keywords"].startswith("Autonomous")
    assert survey.extra["publisher"] == "Higher Education Press"
    assert react.entry_type == "inproceedings" and react.extra["pages"] == "1--33"
    assert react.venue == "International Conference on Learning Representations (ICLR)"
    assert park.year == 2023  # from the early-access date
    assert park.venue.startswith("Proceedings of the 36TH Annual ACM Symposium")


def test_bad_records_are_reported_with_line_and_key(result):
    errors = result.errors
    assert len(errors) == 1 and "no title" in errors[0].reason
    assert errors[0].line == 48 and errors[0].key == "WOS:000111111100001"
    assert any("not closed by ER" in i.reason and i.line == 55 for i in result.issues)


def test_stray_and_empty_input():
    stray = parse_wos_string("AU Lost, A\nPT J\nTI Kept\nER\n", "x.txt")
    assert [p.title for p in stray.papers] == ["Kept"]
    assert "outside any record" in stray.issues[0].reason and stray.issues[0].line == 1
    assert "no Web of Science records" in parse_wos_string("hello\n", "y.txt").errors[0].reason


@pytest.mark.parametrize(("raw", "shown"), [
    ("JOURNAL OF MACHINE LEARNING RESEARCH", "Journal of Machine Learning Research"),
    ("IEEE TRANSACTIONS ON PATTERN ANALYSIS AND MACHINE INTELLIGENCE",
     "IEEE Transactions on Pattern Analysis and Machine Intelligence"),
    ("PROCEEDINGS OF THE ACM ON HUMAN-COMPUTER INTERACTION",
     "Proceedings of the ACM on Human-Computer Interaction"),
    ("Nature Machine Intelligence", "Nature Machine Intelligence"),
])
def test_venue_case(raw, shown):
    assert venue_case(raw) == shown
