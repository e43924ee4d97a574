"""Citation keys: pattern, stability under reordering, collisions, pins, taken keys."""

from __future__ import annotations

import random

import pytest

from surveykit.bib import BibKeyError, base_key, make_keys, validate_key
from surveykit.bib.keys import suffix, title_words
from surveykit.corpus.model import Paper


def paper(title: str, authors=("Gu, Ken",), year=2024, **kw) -> Paper:
    return Paper(title=title, authors=list(authors), year=year, **kw)


@pytest.mark.parametrize(
    ("title", "authors", "year", "expected"),
    [  # Better BibTeX's default: auth.lower + shorttitle(3,3) + year
        ("BLADE: Benchmarking Language Model Agents", ["Gu, Ken"], 2024,
         "guBLADEBenchmarkingLanguage2024"),
        ("A Survey on Large Language Model based Agents", ["Wang, Lei"], 2023,
         "wangSurveyLargeLanguage2023"),
        ("On the limits of agency", ["Chopra, Ayush"], 2024, "chopraLimitsAgency2024"),
        ("Case-Based Planning and Execution", ["Onta{\\~n}{\\'o}n, Santiago"], 2007,
         "ontanonCaseBasedPlanning2007"),
        ("MAG-V: A Multi-Agent Framework", ["Sengupta, Saptarshi"], 2024,
         "senguptaMAGVMulti2024"),
        ("Graph Things", ["van der Berg, Jan"], 2020, "vanderbergGraphThings2020"),
        ("Graph Things", ["Öztürk, Jörg"], 2020, "ozturkGraphThings2020"),
        ("Graph Things", ["O'Brien, Pat"], 2020, "obrienGraphThings2020"),
        ("Graph Things", ["{OpenAI}"], 2023, "openaiGraphThings2023"),
        ("Graph Things", ["Gu, Ken"], None, "guGraphThings"),
        ("Can Agents Fix Agent Issues?", [], 2025, "CanAgentsFix2025"),
        ("Graph Things", ["王, 小明"], 2021, "GraphThings2021"),  # no ASCII letters in the name
        ("The Of A", [], 2021, "paper2021"),
    ],
)
def test_base_key_pattern(title, authors, year, expected):
    assert base_key(paper(title, authors, year)) == expected


def test_title_words_skip_stop_words_and_fold():
    assert title_words("Towards the Über-Agent: on LLMs") == ["uberagent", "llms"]


def test_keys_are_stable_under_shuffling():
    papers = [paper(f"Agent Study {i}", [f"Li, {n}"], 2024 + i % 2, arxiv_id=f"2401.{i:05d}")
              for i, n in enumerate("ABCDEFGHIJ")]
    papers += [paper("Agents Everywhere", ["Li, Z"], 2024, arxiv_id="2402.00001"),
               paper("Agents Again", ["Li, Y"], 2024, arxiv_id="2402.00002")]
    expected = make_keys(papers)
    for seed in range(5):
        shuffled = papers[:]
        random.Random(seed).shuffle(shuffled)
        assert make_keys(shuffled) == expected
    assert len(set(expected.values())) == len(papers)


def test_collisions_newcomer_gets_the_suffix_in_paper_id_order():
    a = paper("Agent Benchmarks Now", arxiv_id="2401.00002")
    b = paper("Agent Benchmarks Now!", arxiv_id="2401.00001")
    c = paper("Unique Title", arxiv_id="2401.00003")
    keys = make_keys([a, b, c])
    assert keys[b.id] == "guAgentBenchmarksNow2024"  # smaller id first
    assert keys[a.id] == "guAgentBenchmarksNow2024a"
    assert keys[c.id] == "guUniqueTitle2024"


def test_taken_key_forces_a_suffix_even_without_collision():
    p = paper("BLADE: Benchmarking Language")
    assert make_keys([p], taken=["guBLADEBenchmarkingLanguage2024"]) == {
        p.id: "guBLADEBenchmarkingLanguage2024a"}


def test_pinned_keys_reserved_and_never_suffixed():
    pinned_paper = paper("Other Work", arxiv_id="2401.00001")
    generated = paper("BLADE: Benchmarking Language", arxiv_id="2401.00002")
    keys = make_keys([pinned_paper, generated],
                     pinned={pinned_paper.id: "guBLADEBenchmarkingLanguage2024"})
    assert keys[pinned_paper.id] == "guBLADEBenchmarkingLanguage2024"
    assert keys[generated.id] == "guBLADEBenchmarkingLanguage2024a"


def test_pins_for_unknown_ids_are_ignored():
    p = paper("BLADE")
    assert make_keys([p], pinned={"arxiv:9999.99999": "x"}) == {p.id: "guBLADE2024"}


def test_source_keys_are_kept_and_a_clash_suffixes_the_newcomer():
    a = paper("One Thing", arxiv_id="2401.00001")
    b = paper("Another Thing", arxiv_id="2401.00002")
    keys = make_keys([a, b], preferred={a.id: "Ontanon07", b.id: "ontanon07"})
    assert keys == {a.id: "Ontanon07", b.id: "ontanon07a"}
    # with the previous run saying b owned it, b keeps it and a is the newcomer
    keys = make_keys([a, b], preferred={a.id: "Ontanon07", b.id: "ontanon07"},
                     previous={b.id: "ontanon07"})
    assert keys == {a.id: "Ontanon07a", b.id: "ontanon07"}


def test_adding_papers_never_renames_an_old_key():
    old = [paper(f"Agent Study {i}", [f"Li, {n}"], 2024, arxiv_id=f"2401.{i + 10:05d}")
           for i, n in enumerate("ABCDEF")]
    old += [paper("Same Title Here", ["Li, Q"], 2024, arxiv_id="2401.00050")]
    first = make_keys(old)
    added = [paper("Same Title Here", ["Li, Q"], 2024, arxiv_id="2401.00001"),  # smaller id
             paper("Agent Study 0", ["Li, A"], 2024, arxiv_id="2301.00001")]
    second = make_keys(old + added, previous=first)
    assert {pid: second[pid] for pid in first} == first
    assert second[added[0].id] == "liSameTitleHere2024a"
    assert len(set(second.values())) == len(second)


def test_two_pins_with_the_same_key_is_an_error_naming_both():
    a, b = paper("One", arxiv_id="2401.00001"), paper("Two", arxiv_id="2401.00002")
    with pytest.raises(BibKeyError) as err:
        make_keys([a, b], pinned={a.id: "Same", b.id: "same"})
    assert a.id in str(err.value) and b.id in str(err.value)


def test_pin_on_a_key_of_the_author_bib_is_an_error():
    a = paper("One")
    with pytest.raises(BibKeyError, match="already used"):
        make_keys([a], pinned={a.id: "mykey"}, taken={"MyKey"})


@pytest.mark.parametrize("bad", ["has space", "comma,key", "br{ace}", "per%cent", "hash#", "jörg",
                                 "", "-leading", "back\\slash", "tilde~"])
def test_invalid_pins_are_rejected(bad):
    with pytest.raises(BibKeyError):
        validate_key(bad)


@pytest.mark.parametrize("good", ["gu2024blade", "Gu_BLADE_2024", "enwiki:1181088602", "a.b-c+d/e"])
def test_valid_keys(good):
    assert validate_key(f" {good} ") == good


def test_duplicate_paper_ids_are_refused():
    p = paper("Same")
    with pytest.raises(ValueError, match="duplicate paper ids"):
        make_keys([p, paper("Same")])


def test_suffix_sequence():
    assert [suffix(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "a", "b", "z", "aa", "ab", "zz", "aaa"]
