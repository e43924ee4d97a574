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
    [
        ("BLADE: Benchmarking Language Model Agents", ["Gu, Ken"], 2024, "gu2024blade"),
        ("A Survey on Large Language Model based Agents", ["Wang, Lei"], 2023, "wang2023survey"),
        ("On the limits of agency", ["Chopra, Ayush"], 2024, "chopra2024limits"),
        ("Towards Robust Reasoning", ["Liu, Xiangyan"], 2023, "liu2023robust"),
        ("MAG-V: A Multi-Agent Framework", ["Sengupta, Saptarshi"], 2024, "sengupta2024magv"),
        ("Graph Things", ["van der Berg, Jan"], 2020, "vanderberg2020graph"),
        ("Graph Things", ["Öztürk, Jörg"], 2020, "ozturk2020graph"),
        ("Graph Things", ["O'Brien, Pat"], 2020, "obrien2020graph"),
        ("Graph Things", ["{OpenAI}"], 2023, "openai2023graph"),
        ("Graph Things", ["Gu, Ken"], None, "gugraph"),
        ("Can Agents Fix Agent Issues?", [], 2025, "canagents2025"),
        ("Can Agents Fix Agent Issues?", [], None, "canagents"),
        ("Graph Things", ["王, 小明"], 2021, "graphthings2021"),  # no ASCII letters in the name
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


def test_collisions_all_get_suffixes_in_paper_id_order():
    a = paper("Agent Benchmarks", arxiv_id="2401.00002")
    b = paper("Agent Worlds", arxiv_id="2401.00001")
    c = paper("Unique Title", arxiv_id="2401.00003")
    keys = make_keys([a, b, c])
    assert keys[b.id] == "gu2024agenta"  # smaller id first
    assert keys[a.id] == "gu2024agentb"
    assert keys[c.id] == "gu2024unique"


def test_suffixes_skip_keys_taken_by_bare_keys_and_author_bib():
    group = [paper("Agent One", arxiv_id=f"2401.0000{i}") for i in range(3)]
    loner = paper("Agentb Thing", arxiv_id="2401.00009")  # bare key gu2024agentb
    keys = make_keys(group + [loner], taken={"GU2024AGENTA"})
    assert keys[loner.id] == "gu2024agentb"
    assert sorted(keys[p.id] for p in group) == ["gu2024agentc", "gu2024agentd", "gu2024agente"]


def test_taken_key_forces_a_suffix_even_without_collision():
    p = paper("BLADE: Benchmarking")
    assert make_keys([p], taken=["gu2024blade"]) == {p.id: "gu2024bladea"}


def test_pinned_keys_reserved_and_never_suffixed():
    pinned_paper = paper("Other Work", arxiv_id="2401.00001")
    generated = paper("BLADE: Benchmarking", arxiv_id="2401.00002")
    keys = make_keys([pinned_paper, generated], pinned={pinned_paper.id: "gu2024blade"})
    assert keys[pinned_paper.id] == "gu2024blade"
    assert keys[generated.id] == "gu2024bladea"


def test_pins_for_unknown_ids_are_ignored():
    p = paper("BLADE")
    assert make_keys([p], pinned={"arxiv:9999.99999": "gu2024blade"}) == {p.id: "gu2024blade"}


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
