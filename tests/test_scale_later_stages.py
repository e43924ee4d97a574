"""Issue 14, the later stages at scale: the faster code paths give what the plain ones gave."""

from __future__ import annotations

import random
import re
import string

import pandas as pd
import pytest

from surveykit.attributes import extract, match
from surveykit.attributes.numbers import _phrase_regex, find_numbers
from surveykit.attributes.schema import compile_pattern, schema_from_config
from surveykit.attributes.sentences import ABBREVIATIONS, split_sentences
from surveykit.bib import latex, texcheck
from surveykit.bib.latex import escape_latex, keep_scripts, protect_title
from surveykit.bib.writer import citation_keys_of, render_bib, write_bib
from surveykit.corpus.model import Paper
from surveykit.tables.export import _records


@pytest.fixture(scope="module")
def bundled_papers():
    from surveykit.corpus.bundled import load_bundled_corpus

    return list(load_bundled_corpus())


# --- attributes -----------------------------------------------------------------------------------


def test_literal_screen_spans_equal_the_plain_scan():
    patterns = [compile_pattern(p, "test") for p in
                ("agents?", "LLM", "tool[- ]use", r"\w*Bench", "(?:memory|retrieval)", "GPT-4",
                 "bench", "benchmark(?:s)?", r"\w+")]
    screen = match.LiteralScreen(patterns)
    rng = random.Random(3)
    vocab = ["agent", "Agents", "llm", "LLM", "tool-use", "tool use", "WebBench", "bench", "memory",
             "Retrieval", "gpt-4", "GPT-4o", "benchmarks", "the", "of", "ſtate", "K", "\u212a", "ß"]
    for _ in range(800):
        text = " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 12)))
        plain = [m.span() for p in patterns for m in p.finditer(text) if m.end() > m.start()]
        assert match._spans(patterns, text, screen) == plain, text
    # literals inside other literals (bench in benchmarks) are all reported
    assert {"bench", "benchmark"} <= screen.present("New Benchmarks")


def test_screened_extraction_equals_the_unscreened_one_on_the_bundled_corpus(bundled_papers, monkeypatch):
    schema = schema_from_config(None)
    fast = extract.extract_attributes(bundled_papers, schema, embeddings=False)
    monkeypatch.setattr(extract, "schema_screen", lambda specs: None)
    plain = extract.extract_attributes(bundled_papers, schema, embeddings=False)
    assert len(fast.long) > 100
    pd.testing.assert_frame_equal(fast.long, plain.long)


def _wide_by_groupby(table: extract.AttributeTable, labels: bool) -> pd.DataFrame:
    """The wide view as it was computed before (a groupby per paper and attribute)."""
    column = "value_label" if labels else "value"
    frame = pd.DataFrame("", index=pd.Index(table.paper_ids, name="paper_id"), columns=table.names,
                         dtype=object)
    joined = table.long.groupby(["paper_id", "attribute"], sort=False)[column].agg(extract.JOIN.join)
    filled = joined.unstack("attribute").reindex(index=frame.index, columns=frame.columns)
    frame = filled.where(filled.notna(), "").astype(object)
    frame.columns.name = None
    if labels:
        frame = frame.rename(columns=table.labels())
    return frame


def test_wide_view_equals_the_groupby_one(bundled_papers):
    table = extract.extract_attributes(bundled_papers, embeddings=False)
    for labels in (False, True):
        pd.testing.assert_frame_equal(table.wide(labels=labels), _wide_by_groupby(table, labels))


def _old_split(text: str) -> list[tuple[int, int]]:
    """The splitter before it stopped copying the text around each full stop."""
    boundary = re.compile(r"[.!?]+[\"')\]]*(?=\s+|$)|(?<=[a-z]{2})\.(?=[A-Z][a-z])")
    spans, begin = [], 0
    for found in boundary.finditer(text):
        stop, end = found.start(), found.end()
        rest = text[end:]
        ok = True
        if rest.strip() and text[stop] not in "!?" and not (end < len(text) and not text[end].isspace()):
            token = re.search(r"(\S+)$", text[:stop])
            bare = (token.group(1) if token else "").lstrip("(\"'[").lower()
            ok = bare not in ABBREVIATIONS and not (bare.isdigit() and len(bare) <= 2) and \
                bool(re.match(r"\s*[\"'(\[]?[A-Z0-9$\\]", rest))
        if ok:
            spans.append((begin, end))
            begin = end
    spans.append((begin, len(text)))
    out = []
    for a, b in spans:
        chunk = text[a:b]
        if chunk.strip():
            start = a + len(chunk) - len(chunk.lstrip())
            out.append((start, start + len(chunk.strip())))
    return out


def test_sentence_splitter_unchanged():
    rng = random.Random(5)
    words = ["We", "propose", "e.g.", "et al.", "1.", "Results", "37.5%", "v1.0", "game.To", "(Fig.",
             "3).", "Done!", "Why?", "x", "U.S.", "\u00a0", "end.", "\n", "ok.\"", "It"]
    for _ in range(1500):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 25)))
        assert [(s.start, s.end) for s in split_sentences(text)] == _old_split(text), text


def test_number_prefilter_changes_no_phrase():
    units = ["benchmarks?", "datasets?", "tasks?", "models?"]
    regex = _phrase_regex(tuple(units), 4)
    rng = random.Random(7)
    vocab = ["We", "release", "12", "three", "Three", "new", "large", "benchmarks", "datasets", "over",
             "1,000", "2.5k", "tasks", "and", "the", "models", "ONE", "many", "\u0663", "more than",
             "about  ", "nearly\n", "done", "GPT-4", "v2", "$5", "approximately", "one-shot", "7B"]
    for _ in range(6000):
        sentence = " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 10)))
        plain, position = [], 0
        while (found := regex.search(sentence, position)) is not None:
            plain.append(found.end())
            position = found.end()
        assert [p.end for p in find_numbers(sentence, units)] == plain, sentence


# --- bibliography ---------------------------------------------------------------------------------


def _escape_by_loop(text: str) -> str:
    import unicodedata

    text = latex._SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip(" ")
    out, previous = [], ""
    for cluster in latex._CLUSTER.findall(text):
        code, _ = latex._convert_cluster(cluster)
        if out and (previous, cluster) in latex._LIGATURE_PAIRS and out[-1] == previous:
            out.append("{}")
        out.append(code)
        previous = cluster
    return "".join(out)


def test_ascii_escape_equals_the_character_loop():
    rng = random.Random(0)
    alphabet = string.printable + "\x00\x01\x7f" + "--''``,,?`!`"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert escape_latex(text) == _escape_by_loop(text), text
        with keep_scripts(True):
            assert escape_latex(text) == _escape_by_loop(text), text


def test_title_protection_reports_lost_characters_every_time():
    for _ in range(2):  # the second call comes from the per-word cache
        lost: list[str] = []
        assert protect_title("GPT-4 基于 Agents", lost) == protect_title("GPT-4 基于 Agents")
        assert lost and all(c in "基于" for c in lost)


def test_citation_keys_without_rendering_equal_the_written_ones(bundled_papers):
    _, report = render_bib(bundled_papers, previous={"gone": "oldKey2020"})
    assert citation_keys_of(bundled_papers, previous={"gone": "oldKey2020"}) == dict(report.keys)


def test_entry_and_bibitem_lines_in_one_pass():
    text = "% header\n\n@misc{a1,\n title={x}}\n\n@string{s = {y}}\n@article{B2,\n  t={z}\n}\n@misc{c3,}\n"
    naive = [(text.count("\n", 0, m.start()) + 1, m.group(2)) for m in texcheck._ENTRY_START.finditer(text)
             if m.group(1).lower() != "string"]
    starts = texcheck._entry_lines(text)
    assert starts == naive and [k for _, k in starts] == ["a1", "B2", "c3"]
    for line in range(0, 14):
        before = [k for start, k in starts if start <= line]
        assert texcheck._key_at(starts, line) == (before[-1] if before else None)
    bbl = ("\\begin{thebibliography}{2}\n\n\\bibitem[A(2020)]{a1}\nA.\n\n"
           "\\bibitem[B et~al.(2021)B, C, and\n  D]{B2}\nB.\n")
    assert texcheck._bibitem_lines(bbl) == [(3, "a1"), (6, "B2")]


def test_plain_bbl_items():
    assert texcheck.plain_item("\\bibitem[Abbeel et~al.(2024{\\natexlab{b}})Abbeel, Fox, and\n  Vig]{k}\n"
                               "Saikat Abbeel.\n\\newblock {NaturalCC}: Entity-centered \\& 50\\% more.\n"
                               "\\newblock arXiv, 2024{\\natexlab{b}}.\n\n")
    for special in ("{\\\"o}", "\\url{https://x.org}", "$x$", "\\ensuremath{\\alpha}", "é", "a_b"):
        assert not texcheck.plain_item(f"\\bibitem{{k}}\nA {special} b.\n")


@pytest.mark.tex
@pytest.mark.parametrize("chunk", [texcheck.BIBTEX_CHUNK, 700])  # 700: bibtex runs on 4 key chunks
def test_large_bibliography_check_finds_what_the_full_compile_finds(need_tex, tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(texcheck, "BIBTEX_CHUNK", chunk)
    n = texcheck.TYPESET_ALL_UP_TO + 50
    papers = [Paper(title=f"Plain Study Number {i} of Agents", authors=[f"Author{i:05d}, Ann"],
                    year=2000 + i % 25) for i in range(n)]
    papers.append(Paper(title="Jörg’s “Öztürk” Study – 11.88% of $0.88 基于", authors=["Öztürk, Jörg"],
                        year=2024, code_url="https://x.org/a_b"))
    bib = tmp_path / "refs.bib"
    report = write_bib(papers, bib)
    keys = report.all_keys + ["missingKey"]
    result = texcheck.compile_check(bib, keys, workdir=tmp_path / "work")
    assert result.errors == [] and result.missing_glyphs == [], [str(e) for e in result.errors]
    assert result.undefined == ["missingKey"]
    full = (tmp_path / "work" / "check-full.bbl").read_text()
    typeset = (tmp_path / "work" / "check.bbl").read_text()
    assert full.count("\\bibitem") == n + 1
    assert typeset.count("\\bibitem") == texcheck.PLAIN_SAMPLE + 1  # the special entry + the sample
    assert "Jörg" in result.workdir.joinpath("refs.bib").read_text() or "{\\\"o}" in typeset


@pytest.mark.tex
def test_large_check_reports_a_latex_error_with_its_key(need_tex, tmp_path):
    entries = [f"@misc{{k{i:05d},\n  author = {{A{i}, B}},\n  title = {{T {i}}},\n  year = {{2020}}\n}}"
               for i in range(texcheck.TYPESET_ALL_UP_TO + 10)]
    entries.append("@misc{broken,\n  author = {Z, B},\n  title = {T \\undefinedmacro{} x},\n"
                   "  year = {2020}\n}")
    bib = tmp_path / "refs.bib"
    bib.write_text("\n\n".join(entries) + "\n")
    keys = [f"k{i:05d}" for i in range(texcheck.TYPESET_ALL_UP_TO + 10)] + ["broken"]
    result = texcheck.compile_check(bib, keys)
    assert {e.key for e in result.errors} == {"broken"}, [str(e) for e in result.errors]
    assert result.undefined == []


# --- tables ---------------------------------------------------------------------------------------


def test_records_keep_the_values_of_tolist():
    frame = pd.DataFrame({"Paper": ["a", "b"], "Year": [2020, 2021], "Score": [0.5, 0.25]})
    frame.attrs["priority"] = [1, 0]
    rows = _records(frame)
    assert rows == [{"Paper": "a", "Year": 2020, "Score": 0.5}, {"Paper": "b", "Year": 2021, "Score": 0.25}]
    assert type(rows[0]["Year"]) is int


# --- figures --------------------------------------------------------------------------------------


def test_a_big_paper_map_keeps_its_html_next_to_the_static_sample(tmp_path):
    from surveykit.config import parse_config
    from surveykit.figures import SurveyFigures
    from surveykit.figures.export import find_browser
    from tests.test_figures import make_inputs

    if find_browser() is None:
        pytest.skip("no Chromium: the static sample is not written")
    corpus, assignments, topics, embeddings, attributes, keys = make_inputs((8, 7, 6, 1))
    config = parse_config({"survey": {"title": "T"}, "figures": {"point_budget": 10,
                                                                 "formats": ["html", "svg"]}},
                          None, tmp_path)
    with SurveyFigures(config, corpus, assignments, topics, embeddings, attributes, keys,
                       out_dir=config.paths.figures) as figures:
        figures.paper_map()
    names = {p.name for p in config.paths.figures.iterdir()}
    assert {"paper_map.html", "paper_map.svg"} <= names, names


# --- draft ----------------------------------------------------------------------------------------


def test_the_discussed_total_is_shared_out_among_the_themes():
    from surveykit.draft.outline import Drafter, DraftOptions
    from tests.test_draft import fake_taxonomy, fixture_corpus

    corpus = fixture_corpus()
    assignments, topics = fake_taxonomy(corpus)  # 3 themes of 2 papers
    keys = {p.id: f"k{i}" for i, p in enumerate(corpus.papers)}

    def discussed(**options):
        drafter = Drafter(corpus, assignments, topics, keys, DraftOptions(caps_above=0, **options))
        return [len(drafter.discussed(t)) for t in (0, 1, 2)]

    assert discussed(discussed_per_theme=6, max_discussed=3) == [2, 2, 2]  # at least 2 each
    assert discussed(discussed_per_theme=1, max_discussed=180) == [1, 1, 1]
    assert discussed(discussed_per_theme=6, max_discussed=0) == [2, 2, 2]
    drafter = Drafter(corpus, assignments, topics, keys, DraftOptions(discussed_per_theme=1, max_discussed=3))
    assert [len(drafter.discussed(t)) for t in (0, 1, 2)] == [2, 2, 2]  # a small survey: all
