"""Loaders of saved API responses: arXiv Atom, OpenAlex works, Semantic Scholar papers."""

from __future__ import annotations

import json

import pytest

from surveykit.sources import SourceError, arxiv_atom, load_source, openalex, semanticscholar


@pytest.fixture
def apis(fixtures_dir):
    return fixtures_dir / "apis"


# --- arXiv -----------------------------------------------------------------------------------


def test_arxiv_feed(apis):
    result = load_source(apis / "arxiv_id_list.atom")
    assert not result.issues
    mlab, blade = result.papers
    assert blade.arxiv_id == "2408.09667" and blade.id == "arxiv:2408.09667"
    assert blade.source_key == "2408.09667v3"
    assert blade.title == "BLADE: Benchmarking Language Model Agents for Data-Driven Science"
    assert blade.abstract.startswith("Data-driven scientific discovery requires")
    assert "\n" not in blade.abstract and "  " not in blade.abstract
    assert blade.authors[0] == "Gu, Ken" and blade.authors[11] == "Zhang, Tianmai M."
    assert len(blade.authors) == 16
    assert blade.year == 2024
    assert blade.venue == "Findings of EMNLP 2024"  # arxiv:journal_ref
    assert blade.urls == ["https://arxiv.org/abs/2408.09667v3", "https://arxiv.org/pdf/2408.09667v3"]
    assert blade.code_url == "https://github.com/behavioral-data/BLADE"  # from the comment
    assert blade.extra["primary_class"] == "cs.CL"
    assert blade.extra["categories"] == "cs.CL cs.AI"
    assert blade.source == "arxiv:arxiv_id_list.atom"
    assert mlab.code_url == "https://github.com/snap-stanford/MLAgentBench"  # from the abstract
    assert mlab.venue is None and mlab.year == 2023


def test_arxiv_error_entry_is_reported(apis):
    result = load_source(apis / "arxiv_error.atom")
    assert result.papers == []
    (issue,) = result.errors
    assert issue.reason == "arXiv API error: incorrect id format for 2408.9999999"
    assert issue.line == 10


def test_arxiv_doi_and_old_style_id():
    feed = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <entry>
    <id>http://arxiv.org/abs/cond-mat/0102536v1</id>
    <published>2001-02-28T20:12:09Z</published>
    <title>Impact of Electron-Electron Cusp
      on Configuration Interaction Energies</title>
    <summary>  The effect of the electron-electron cusp ...
    </summary>
    <author><name>David Prendergast</name></author>
    <arxiv:doi>10.1063/1.1383585</arxiv:doi>
    <link title="doi" href="http://dx.doi.org/10.1063/1.1383585" rel="related"/>
    <arxiv:journal_ref>J. Chem. Phys. 115, 1626 (2001)</arxiv:journal_ref>
    <link href="http://arxiv.org/abs/cond-mat/0102536v1" rel="alternate" type="text/html"/>
  </entry>
  <entry><id>http://arxiv.org/abs/2401.00001v1</id><title></title></entry>
</feed>"""
    result = arxiv_atom.parse_feed(feed, "feed.xml")
    (paper,) = result.papers
    assert paper.arxiv_id == "cond-mat/0102536"
    assert paper.title == "Impact of Electron-Electron Cusp on Configuration Interaction Energies"
    assert paper.doi == "10.1063/1.1383585"
    assert paper.urls == ["http://arxiv.org/abs/cond-mat/0102536v1"]
    assert paper.authors == ["Prendergast, David"]
    (issue,) = result.issues
    assert issue.line == 16 and "no title" in issue.reason


def test_arxiv_throttle_body_is_not_a_feed(tmp_path):
    path = tmp_path / "throttled.atom"
    path.write_text("Rate exceeded.")
    with pytest.raises(SourceError, match="not an Atom feed.*Rate exceeded"):
        load_source(path)


def test_find_code_url():
    assert arxiv_atom.find_code_url("code at https://github.com/a/b.git.") == "https://github.com/a/b"
    assert arxiv_atom.find_code_url(None, "see https://gitlab.com/x/y-z") == "https://gitlab.com/x/y-z"
    assert arxiv_atom.find_code_url("12 pages") is None


# --- OpenAlex --------------------------------------------------------------------------------


def test_openalex_single_work(apis):
    result = openalex.load(apis / "openalex_work_blade.json")
    (paper,) = result.papers
    assert paper.title.startswith("BLADE")
    assert paper.abstract.startswith("Data-driven scientific discovery requires the iterative")
    assert paper.abstract.endswith("deeper insights into agents' analysis approaches.")
    assert paper.authors[:2] == ["Gu, Ken", "Shang, Ruoxi"]
    assert paper.year == 2024
    assert paper.venue == "Findings of the Association for Computational Linguistics: EMNLP 2024"
    assert paper.doi == "10.18653/v1/2024.findings-emnlp.815"
    assert paper.arxiv_id == "2408.09667"  # from the arXiv location
    assert paper.entry_type == "inproceedings"  # an "article" in a conference source
    assert paper.source_key == "W4403578641"
    assert paper.extra["venue_type"] == "conference"


def test_openalex_results_page(apis):
    result = load_source(apis / "openalex_works_search.json", format="openalex")
    (paper,) = result.papers
    assert paper.arxiv_id == "2310.03302"
    assert paper.doi == "10.48550/arxiv.2310.03302"
    assert paper.venue == "arXiv (Cornell University)"
    assert paper.extra["venue_type"] == "repository"
    assert paper.entry_type == "misc"


def test_openalex_rebuild_abstract_and_markup():
    assert openalex.rebuild_abstract({"world": [1], "Hello": [0], "again": [3], "hello": [2]}) == \
        "Hello world hello again"
    assert openalex.rebuild_abstract(None) == ""
    paper = openalex.work_to_paper({"id": "https://openalex.org/W1",
                                    "display_name": "The <i>E. coli</i> &amp; friends"})
    assert paper.title == "The E. coli & friends"
    with pytest.raises(ValueError, match="W2 has no title"):
        openalex.work_to_paper({"id": "https://openalex.org/W2", "display_name": None})


def test_openalex_error_response(tmp_path):
    path = tmp_path / "err.json"
    path.write_text(json.dumps({"error": "Invalid query parameters error.", "message": "bad"}))
    with pytest.raises(SourceError, match="OpenAlex error response"):
        openalex.load(path)


# --- Semantic Scholar ------------------------------------------------------------------------


def test_s2_search_response(apis):
    result = semanticscholar.load(apis / "s2_search.json")
    blade, mlab = result.papers
    assert blade.venue == "Conference on Empirical Methods in Natural Language Processing"
    assert blade.arxiv_id == "2408.09667" and blade.doi == "10.48550/arxiv.2408.09667"
    assert blade.entry_type == "inproceedings"
    assert blade.urls[1] == "https://arxiv.org/pdf/2408.09667"
    assert blade.authors[-1] == "Althoff, Tim"
    assert mlab.doi is None and mlab.extra["tldr"].startswith("MLAgentBench is a suite")
    assert mlab.source_key == mlab.extra["s2_paper_id"]


def test_s2_batch_with_null(apis):
    result = load_source(apis / "s2_batch.json", format="semanticscholar")
    assert [p.arxiv_id for p in result.papers] == ["2310.03302"]
    (issue,) = result.errors
    assert issue.key == "[1]" and "null record" in issue.reason
    lines = (apis / "s2_batch.json").read_text().splitlines()
    assert lines[issue.line - 1].strip() == "null"


def test_s2_record_without_title():
    with pytest.raises(ValueError, match="abc has no title"):
        semanticscholar.record_to_paper({"paperId": "abc", "title": None})
