"""The data model, the bundled corpus, the listing-page loader and corpus overview tables."""

from __future__ import annotations

import pytest

from surveykit.corpus import overview
from surveykit.corpus.bundled import load_bundled, load_bundled_corpus
from surveykit.corpus.model import Corpus, Paper, normalize_arxiv_id, normalize_doi
from surveykit.corpus.names import display_name, family_name, to_bibtex_name
from surveykit.sources.listing import parse_listing

ABSTRACT = ("We study agents that plan. " * 12).strip()


def test_bundled_corpus_has_73_papers_joined_with_metadata():
    corpus = load_bundled_corpus()
    assert len(corpus) == 73
    assert len(set(corpus.ids)) == 73
    assert sum(bool(p.arxiv_id) for p in corpus) == 73
    assert sum(bool(p.authors) for p in corpus) == 72
    assert sum(bool(p.venue) for p in corpus) == 36
    assert sum(bool(p.code_url) for p in corpus) == 38
    assert all(len(p.abstract) > 500 for p in corpus)
    first, last = corpus.papers[0], corpus.papers[-1]
    assert first.title.startswith("BLADE:") and first.arxiv_id == "2408.09667"
    assert first.authors[0] == "Gu, Ken"
    assert last.title.startswith("MM-Agent:")
    assert "11.88% improvement" in last.abstract  # \% left over from LaTeX is unescaped


def test_bundled_load_reports_nothing():
    result = load_bundled()
    assert result.issues == []


def test_listing_skips_page_chrome_and_reports_orphan_paragraphs():
    text = "\n".join(
        [
            "new",
            "",
            "Get trending papers in your email inbox!",
            "",
            "Subscribe",
            "",
            "Aug 5",
            "",
            "First Paper: A Title",
            "",
            ABSTRACT,
            "",
            ABSTRACT.replace("plan", "act"),
            "",
            "Second Paper",
            "",
            "  " + ABSTRACT + "  ",
            "",
            "Footer link",
        ]
    )
    result = parse_listing(text, filename="page.txt")
    assert [p.title for p in result.papers] == ["First Paper: A Title", "Second Paper"]
    assert result.papers[0].source_key == "line 9"
    assert len(result.issues) == 1
    issue = result.issues[0]
    assert issue.file == "page.txt" and issue.line == 13 and issue.severity == "warning"


def test_identifiers_are_normalised():
    assert normalize_arxiv_id("arXiv:2408.09667v3") == "2408.09667"
    assert normalize_arxiv_id("https://arxiv.org/abs/2310.03302") == "2310.03302"
    assert normalize_arxiv_id("cs/0112017v1") == "cs/0112017"
    assert normalize_arxiv_id("not an id") is None
    assert normalize_doi("https://doi.org/10.1145/3212695.") == "10.1145/3212695"
    assert normalize_doi("DOI: 10.18653/V1/2022.EMNLP-MAIN.1") == "10.18653/v1/2022.emnlp-main.1"


def test_paper_ids_prefer_arxiv_then_doi_then_title():
    assert Paper(title="X", arxiv_id="2408.09667", doi="10.1000/x").id == "arxiv:2408.09667"
    assert Paper(title="X", doi="10.1000/X").id == "doi:10.1000/x"
    a = Paper(title="Tree Search for Language Model Agents")
    b = Paper(title="tree search for language-model agents!")
    assert a.id == b.id and a.id.startswith("title:")


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_corpus_round_trips(tmp_path, suffix):
    corpus = load_bundled_corpus()
    corpus.papers[0].extra["pages"] = "1--10"
    path = corpus.save(tmp_path / f"corpus{suffix}")
    again = Corpus.load(path)
    assert [p.to_dict() for p in again] == [p.to_dict() for p in corpus]


def test_corpus_frame_and_lookup():
    corpus = load_bundled_corpus()
    frame = corpus.to_frame()
    assert frame.shape[0] == 73 and frame.index.name == "id"
    assert frame.loc["arxiv:2408.09667", "authors"].startswith("Gu, Ken; Shang, Ruoxi")
    assert "arxiv:2408.09667" in corpus and corpus["arxiv:2408.09667"].year == 2024
    with pytest.raises(ValueError, match="duplicate paper id"):
        corpus.add(Paper(title="again", arxiv_id="2408.09667"))


@pytest.mark.parametrize(
    ("name", "bibtex", "family", "display"),
    [
        ("Ken Gu", "Gu, Ken", "Gu", "Ken Gu"),
        ("Mike A. Merrill", "Merrill, Mike A.", "Merrill", "Mike A. Merrill"),
        ("Jan van der Berg", "van der Berg, Jan", "van der Berg", "Jan van der Berg"),
        ("Lovelace, Ada", "Lovelace, Ada", "Lovelace", "Ada Lovelace"),
        ("Plato", "Plato", "Plato", "Plato"),
        ("{OpenAI Team}", "{OpenAI Team}", "OpenAI Team", "OpenAI Team"),
    ],
)
def test_author_names(name, bibtex, family, display):
    assert to_bibtex_name(name) == bibtex
    assert family_name(name) == family
    assert display_name(name) == display


def test_overview_tables():
    corpus = load_bundled_corpus()
    years = overview.papers_by_year(corpus)
    assert years["papers"].sum() == 73 and list(years["year"]) == sorted(years["year"])
    venues = overview.papers_by_venue(corpus)
    assert venues.iloc[0].to_dict() == {"venue": "arXiv / preprint", "papers": 37}
    missing = overview.missing_fields(corpus).set_index("field")["missing"]
    assert missing["authors"] == 1 and missing["venue"] == 37 and missing["abstract"] == 0
    assert overview.venue_family("EMNLP 2025 Findings") == "EMNLP Findings"


def test_atomic_writes_get_normal_permissions(tmp_path):
    import os

    from surveykit import io

    path = io.write_text(tmp_path / "out.txt", "x")
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temp file left behind
