"""Paper -> BibTeX entry: types, fields, identifiers, missing data."""

from __future__ import annotations

import pytest

from surveykit.bib import choose_type, classify_venue, paper_to_entry
from surveykit.corpus.model import Paper


def paper(**kw) -> Paper:
    base = dict(title="BLADE: Benchmarking Agents", authors=["Gu, Ken", "Shang, Ruoxi"], year=2024)
    base.update(kw)
    return Paper(**base)


@pytest.mark.parametrize(
    ("venue", "kind"),
    [
        ("EMNLP 2024", "conference"), ("ICML 2024", "conference"), ("ICLR 2025", "conference"),
        ("ACL 2025 Findings", "conference"), ("NAACL 2024 Findings", "conference"),
        ("COLM 2025", "conference"), ("AAAI 2026", "conference"), ("KDD 2025", "conference"),
        ("AAMAS 2025", "conference"), ("CVPR 2023", "conference"),
        ("NeurIPS 2025 Workshop (SEA)", "conference"),
        ("Advances in Neural Information Processing Systems 36", "conference"),
        ("Proceedings of the 2023 Conference on Empirical Methods", "conference"),
        ("International Symposium on Foo", "conference"),
        ("TMLR 2025", "journal"), ("Journal of Artificial Intelligence Research (JAIR)", "journal"),
        ("Frontiers of Computer Science 2024", "journal"), ("IEEE Transactions on Foo", "journal"),
        ("Pattern Recognition Letters", "journal"), ("Proceedings of the IEEE", "journal"),
        ("ACM Computing Surveys", "journal"),
        ("arXiv", "preprint"), ("CoRR", "preprint"), ("arXiv preprint arXiv:2401.00001", "preprint"),
        ("Some Blog", None), (None, None), ("", None),
    ],
)
def test_classify_venue(venue, kind):
    assert classify_venue(venue) == kind


def test_conference_paper_is_inproceedings_with_booktitle_and_arxiv_fields():
    entry = paper_to_entry(paper(venue="EMNLP 2024", arxiv_id="2408.09667",
                                 code_url="https://github.com/behavioral-data/BLADE",
                                 extra={"primary_class": "cs.CL"}), "gu2024blade")
    assert entry.entry_type == "inproceedings"
    assert entry.fields == {
        "author": "Gu, Ken and Shang, Ruoxi",
        "title": "{BLADE}: Benchmarking Agents",
        "booktitle": "EMNLP 2024",
        "year": "2024",
        "eprint": "2408.09667",
        "archivePrefix": "arXiv",
        "primaryClass": "cs.CL",
        "url": "https://arxiv.org/abs/2408.09667",
        "note": r"Code: \url{https://github.com/behavioral-data/BLADE}",
    }
    assert entry.warnings == []


def test_journal_paper_is_article_without_year_in_journal_name():
    entry = paper_to_entry(paper(venue="Frontiers of Computer Science 2024", year=2023), "k")
    assert entry.entry_type == "article"
    assert entry.fields["journal"] == "Frontiers of Computer Science"
    assert [w.kind for w in entry.warnings] == ["venue-year-mismatch"]
    assert entry.warnings[0].severity == "info"


def test_arxiv_only_paper_is_misc_with_howpublished():
    entry = paper_to_entry(paper(arxiv_id="2503.12434"), "k")
    assert entry.entry_type == "misc"
    assert entry.fields["howpublished"] == "arXiv preprint arXiv:2503.12434"
    assert entry.fields["archivePrefix"] == "arXiv"
    assert "primaryClass" not in entry.fields


def test_web_only_paper_is_misc_with_url():
    entry = paper_to_entry(paper(venue="Some Blog", urls=["https://blog.example/post?id=1&x=%20"]),
                           "k")
    assert entry.entry_type == "misc"
    assert entry.fields["howpublished"] == "Some Blog"
    assert entry.fields["url"] == "https://blog.example/post?id=1&x=%20"


def test_doi_is_preferred_for_the_url_and_kept_raw():
    entry = paper_to_entry(paper(doi="10.1145/3600_006", arxiv_id="2401.00001", venue="KDD 2024"),
                           "k")
    assert entry.fields["doi"] == "10.1145/3600_006"
    assert entry.fields["url"] == "https://doi.org/10.1145/3600_006"
    assert entry.fields["eprint"] == "2401.00001"  # arXiv id also kept on published papers


def test_bibtex_type_and_extra_fields_are_kept():
    source = paper(entry_type="article", venue="Journal of Tests",
                   extra={"journal": "J. Tests", "volume": "9", "number": "3", "pages": "1-7",
                          "publisher": "ACM & Co", "month": "oct", "editor": "Doe, Jane and others",
                          "note": "Extended version", "keywords": "ignored"})
    entry = paper_to_entry(source, "k")
    assert entry.entry_type == "article"
    assert entry.fields["journal"] == "J. Tests"
    assert entry.fields["pages"] == "1--7"
    assert entry.fields["publisher"] == r"ACM \& Co"
    assert entry.fields["month"] == "oct" and "month" in entry.bare
    assert entry.fields["editor"] == "Doe, Jane and others"
    assert "keywords" not in entry.fields
    rendered = entry.render()
    assert "  month     = oct,\n" in rendered


def test_nonstandard_type_falls_back_to_venue_rules():
    assert choose_type(paper(entry_type="online", venue="ICLR 2024")) == "inproceedings"
    assert choose_type(paper(entry_type="phdthesis", venue="MIT")) == "phdthesis"


def test_code_link_is_appended_to_an_existing_note():
    entry = paper_to_entry(paper(extra={"note": "Oral"}, code_url="https://git.example/x#readme"),
                           "k")
    assert entry.fields["note"] == r"Oral. Code: \url{https://git.example/x#readme}"


def test_truncated_author_list_gets_and_others():
    entry = paper_to_entry(paper(extra={"authors_truncated": "true"}), "k")
    assert entry.fields["author"].endswith(" and others")


def test_missing_authors_warn_and_use_key_field():
    entry = paper_to_entry(paper(authors=[], title="Can Agents Fix Agent Issues?",
                                 venue="NeurIPS 2025", year=2025), "canagents2025")
    assert "author" not in entry.fields
    assert entry.fields["key"] == "Can Agents Fix Agent Issues?"
    assert [w.kind for w in entry.warnings] == ["missing-author"]
    assert entry.warnings[0].key == "canagents2025"


def test_missing_year_warns():
    entry = paper_to_entry(paper(year=None), "k")
    assert "year" not in entry.fields
    assert [w.kind for w in entry.warnings] == ["missing-year"]


def test_lost_characters_and_t1_needs_are_reported():
    entry = paper_to_entry(paper(title="Agents 中文", authors=["Łęski, Ąna"]), "k")
    kinds = {w.kind for w in entry.warnings}
    assert kinds == {"unicode-approximated", "needs-t1"}


def test_abstract_only_on_request_and_escaped():
    p = paper(abstract="Gains of 11.88% for $0.88 & more_")
    assert "abstract" not in paper_to_entry(p, "k").fields
    assert paper_to_entry(p, "k", include_abstract=True).fields["abstract"] == (
        r"Gains of 11.88\% for \$0.88 \& more\_")


def test_render_format():
    text = paper_to_entry(paper(), "gu2024blade").render()
    assert text == (
        "@misc{gu2024blade,\n"
        "  author = {Gu, Ken and Shang, Ruoxi},\n"
        "  title  = {{BLADE}: Benchmarking Agents},\n"
        "  year   = {2024}\n"
        "}"
    )


def test_arxiv_venue_without_id_is_kept_as_howpublished():
    entry = paper_to_entry(paper(venue="arXiv"), "k")
    assert entry.entry_type == "misc" and entry.fields["howpublished"] == "arXiv"


def test_every_letter_the_writer_escapes_reads_back():
    """The writer spells "ẞ" {\\SS} and "Đ" {\\DJ}; the loader reads them back (a property test found
    a title "ẞ" written and then skipped as untitled)."""
    from surveykit.bib.latex import UNICODE_LETTERS
    from surveykit.textutil import latex_to_unicode

    assert {c: latex_to_unicode(latex) for c, latex in UNICODE_LETTERS.items()} == {
        c: c for c in UNICODE_LETTERS}
