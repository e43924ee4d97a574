"""The draft reads as a survey and prints readably: tables never below 8 pt (measured in the PDF),
author-less citations wrap, reported numbers are restated only as the abstract states them,
open challenges are grouped statements, no connective repeats within a paragraph."""

from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest

from surveykit.corpus.model import Corpus, Paper
from surveykit.draft.challenges import challenge_sentences, group_challenges
from surveykit.draft.compare import numbers_in, result_fact, shared_terms
from surveykit.draft.grounding import check_document
from surveykit.draft.model import Cite, DraftSentence, Paragraph, Section, SurveyDocument
from surveykit.draft.pdffonts import page_font_sizes
from surveykit.draft.sentences import paper_sentences
from surveykit.tables.export import LATEX_PACKAGES, table_layout, to_latex

needs_tex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")

_WORDS = ("hierarchical planning with tool calls memory retrieval reflection and verification of "  # noqa: SIM905
          "multi-agent debate for web navigation tasks").split()


def _wide_frame(rows: int) -> pd.DataFrame:
    """A topic table as the tables stage writes it: ten columns, long titles, a citation column."""
    records = []
    for i in range(rows):
        title = " ".join(_WORDS[(i + j) % len(_WORDS)] for j in range(12)).capitalize()
        records.append({"Paper": title, "Ref": f"key{i}", "Year": str(2020 + i % 5), "Type": "Benchmark",
                        "Agents": "Multi", "Training": "Fine-tuning; RL",
                        "Components": "Code execution, Memory",
                        "Domain": "Games; Finance & economics; Social simulation", "Modality": "Vision",
                        "Code": "\u2713"})
    frame = pd.DataFrame(records)
    frame.attrs["cite_columns"] = ["Ref"]
    return frame


def _compile(tmp_path, body: str, bibitems: str) -> str:
    document = "\n".join([
        r"\documentclass[11pt]{article}",
        r"\usepackage[margin=1in]{geometry}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{microtype}",  # as the draft: its font expansion must not shrink table text
        r"\usepackage[round]{natbib}",
        rf"\usepackage{{{','.join(LATEX_PACKAGES)}}}",
        r"\begin{document}",
        body,
        r"\begin{thebibliography}{99}",
        bibitems,
        r"\end{thebibliography}",
        r"\end{document}",
    ])
    (tmp_path / "doc.tex").write_text(document, encoding="utf-8")
    for _ in range(2):
        result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                                cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout[-2000:]
    return (tmp_path / "doc.log").read_text(errors="replace")


def _overfull(log: str) -> list[float]:
    import re

    return [float(m) for m in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]


def test_wide_tables_wrap_in_small_type_instead_of_shrinking():
    long = to_latex(_wide_frame(40), caption="A long wide table.", label="tab:long")
    short = to_latex(_wide_frame(7), caption="A short wide table.", label="tab:short")
    for text in (long, short):
        assert r"\resizebox" not in text and r"\tiny" not in text
        assert r"\raggedright\arraybackslash\hspace{0pt}}p{" in text  # wrapping columns
    assert r"\begin{longtable}" in long  # taller than a page: it breaks across pages
    assert r"\begin{landscape}" not in short  # a 7-row table does not take a landscape page
    layout = table_layout(_wide_frame(7), {"Ref"})
    assert layout is not None and layout.points >= 8.0


@needs_tex
def test_compiled_tables_are_at_least_8pt_and_do_not_overflow(tmp_path):
    long = to_latex(_wide_frame(40), caption="A long wide table.", label="tab:long")
    short = to_latex(_wide_frame(7), caption="A short wide table.", label="tab:short")
    bibitems = "\n".join(rf"\bibitem[Author et al.(2024)]{{key{i}}} Paper {i}." for i in range(40))
    log = _compile(tmp_path, "Text.\n\n" + short + "\n" + long, bibitems)
    sizes = [s for values in page_font_sizes(tmp_path / "doc.pdf").values() for s in values]
    assert sizes and min(sizes) >= 7.95, f"smallest text {min(sizes):.2f} pt"  # 8 pt = 7.97 bp
    assert all(width <= 10 for width in _overfull(log)), _overfull(log)


@needs_tex
def test_an_author_less_citation_wraps_in_its_table_cell(tmp_path):
    """plainnat cites a paper without authors by its title: the Ref column must wrap it."""
    from surveykit.tables.build import related_surveys_table

    corpus = Corpus([Paper(id=f"p{i}", title=f"A Survey of Topic {i} for Natural Language Processing "
                           "and Its Many Long-Winded Applications", abstract="x") for i in range(3)])
    keys = {f"p{i}": f"survey{i}" for i in range(3)}
    frame = related_surveys_table(corpus, list(keys), keys)
    assert not any("\u2026" in t for t in frame["Survey"])  # titles are not cut
    table = to_latex(frame, caption="Related surveys.", label="tab:related")
    title = "A Survey of Topic {} for Natural Language Processing and Its Many Long-Winded Applications"
    bibitems = "\n".join(rf"\bibitem[{title.format(i)}()]{{survey{i}}} {title.format(i)}." for i in range(3))
    log = _compile(tmp_path, table, bibitems)
    assert all(width <= 10 for width in _overfull(log)), _overfull(log)


def test_result_facts_keep_what_the_number_measures():
    fact = result_fact("On WebArena, search also yields a 28.0% relative improvement over a baseline agent.")
    assert fact is not None and fact.phrase() == "a 28.0% relative improvement on WebArena"
    fact = result_fact("It yields up to 29% higher accuracy on HumanEval relative to static schedules.")
    assert fact is not None and fact.phrase() == "a 29% higher accuracy on HumanEval"
    fact = result_fact("The agent achieves an accuracy of 80% on WebShop.")
    assert fact is not None and fact.phrase() == "80% accuracy on WebShop"
    # ambiguous or unanchored numbers are quoted, never restated
    assert result_fact("It achieves 13.0% and 13.3% improvement on MATH and HumanEval, respectively.") is None
    assert result_fact("On ALFWorld, it exceeds the baseline by 12% in success rate.") is None
    assert result_fact("The representation offers a 25% improvement in efficiency.") is None
    assert numbers_in("from 4.8% to 42.4%, a 3.5x speed-up in 2024") == ["4.8%", "42.4%", "3.5x"]


def test_shared_terms_cite_the_papers_that_use_them():
    texts = {"a": "Reinforcement learning for web agents.",
             "b": "Web agents trained by reinforcement learning.",
             "c": "A benchmark for tool use.", "d": "Tool use with reinforcement learning."}
    terms = dict(shared_terms(texts, ["a", "b"], ["a", "b", "c", "d"]))
    assert terms.get("web") == ("a", "b") or terms.get("reinforcement learning") == ("a", "b")


def test_a_number_not_in_the_cited_abstract_is_a_grounding_problem():
    corpus = Corpus([Paper(id="p", title="P", abstract="We reach 42.4% success on WebArena.")])
    good = DraftSentence([Cite(("k",), textual=True), " report a 42.4% success rate on WebArena."],
                         "summary", ("p",))
    bad = DraftSentence([Cite(("k",), textual=True), " report a 52.4% success rate on WebArena."],
                        "summary", ("p",))
    document = SurveyDocument("T", "A", "", [Section("S", "sec:s", [Paragraph([good, bad])])], "refs")
    report = check_document(document, corpus, {"p": "k"}, {"k"})
    assert [p.message for p in report.problems] == ["number(s) 52.4% not in a cited abstract"]


def _challenge_pool(abstracts: dict[str, str]) -> list:
    """The challenge sentences of papers made from ``abstracts`` (id -> abstract), no annotation."""
    corpus = Corpus([Paper(id=p, title=p.upper(), abstract=a) for p, a in abstracts.items()])
    sentences = {p.id: paper_sentences(p) for p in corpus}
    return challenge_sentences(sentences, list(abstracts), {})


def test_challenges_are_grouped_statements_citing_the_papers_that_raise_them():
    abstracts = {
        "a": "We propose X. However, evaluation on realistic benchmarks remains limited.",
        "b": "We propose Y. Future work should build better benchmarks and metrics for evaluation.",
        "c": "We propose Z. The approach still suffers from high computational cost.",
        "d": "We propose W. Inference cost and latency remain a bottleneck for deployment.",
        "e": "We propose V. Agents still fail to generalize to unseen environments.",
    }
    pool = _challenge_pool(abstracts)
    raised = group_challenges(pool)
    names = [r.challenge.name for r in raised]
    assert 3 <= len(raised) <= 6
    assert names[:2] == ["Evaluation", "Efficiency and cost"]
    assert raised[0].papers == ["a", "b"] and raised[1].papers == ["c", "d"]
    assert group_challenges(pool) == raised  # deterministic


def test_a_field_s_tasks_and_remedies_are_no_open_challenges():
    """Security tasks ("vulnerability detection"), code "tokens", "large-scale" systems and the
    paper's own remedy are no limitation or challenge (ML4Code's "Safety" challenge gathered 42
    papers naming security tasks, its "Efficiency" one code tokens); a vulnerability raised, a
    model vulnerable to attacks and an expensive process are."""
    abstracts = {
        "task": "We propose X. Fuzzing is the standard technique for finding software vulnerabilities.",
        "tokens": "We propose Y. Large-scale code models still struggle with identifiers split into tokens.",
        "remedy": "We study Z. To overcome these limitations, we propose a cheaper planner.",
        "raised": "We propose W. Such agents introduce novel vulnerabilities that demand attention.",
        "attack": "We propose V. We show that code models are vulnerable to poisoning attacks.",
        "cost": "We propose U. Annotating programs by hand remains an expensive process.",
    }
    pool = _challenge_pool(abstracts)
    assert sorted({s.paper_id for s in pool}) == ["attack", "cost", "raised", "tokens"]
    raised = {r.challenge.name: r.papers for r in group_challenges(pool)}
    assert "tokens" not in {p for papers in raised.values() for p in papers}  # a limitation, no challenge
    assert raised["Safety, security and trust"] == ["raised", "attack"]
    assert raised["Efficiency and cost"] == ["cost"]


def test_fixture_draft_compares_groups_without_connective_chains(tmp_path):
    from tests.test_draft_synthesis import fixture_draft

    document, drafter, metrics = fixture_draft(tmp_path)
    assert metrics["paragraphs_repeating_a_connective"] == 0
    assert not {"Similarly", "Likewise", "Along the same lines"} & set(metrics["connectives"])
    challenges = next(s for s in document.sections if s.label == "sec:challenges")
    statements = [b for b in challenges.blocks if isinstance(b, Paragraph) and b.lead]
    assert 1 <= len(statements) <= 6
    for block in statements:
        assert block.sentences[0].tag == "challenge" and block.sentences[0].paper_ids
    quoted = sum(any(s.plain().startswith("For example") for s in b.sentences) for b in statements)
    intro = challenges.blocks[0].sentences[0].plain()
    if quoted == len(statements):
        assert "and one quoted example:" in intro
    else:  # the section says how many it quotes
        from surveykit.draft.model import number_words

        assert f"for {number_words(quoted)} of them, one quoted example" in intro or not quoted


def test_an_author_less_paper_cites_by_a_short_label():
    from surveykit.bib.entries import short_label

    assert short_label("Can Agents Fix Agent Issues?") == "Can Agents Fix Agent Issues?"
    assert short_label("IM2: an Interpretable and Multi-category Integrated Metric Framework") == "IM2"
    assert short_label("A Comprehensive Comparison of Neural Networks as Cognitive Models of Inflection") == \
        "A Comprehensive Comparison of Neural\u2026"


def test_a_sentence_the_drafter_writes_never_opens_with_a_digit():
    """Counts that open the drafter's sentences are spelled out; quoted abstract text is kept."""
    written = DraftSentence(["9 earlier surveys of the field are part of the corpus."], "structural")
    assert written.segments[0] == "Nine earlier surveys of the field are part of the corpus."
    assert DraftSentence(["21 papers build agents."], "summary").segments[0].startswith("Twenty-one papers")
    for kept in ("120 papers build agents.", "2024 saw 31 papers.", "3D scenes are hard."):
        assert DraftSentence([kept], "summary").segments[0] == kept
    quoted = DraftSentence(["9 tasks are solved.", Cite(("k",))], "extract", paper_ids=("p",))
    assert quoted.segments[0] == "9 tasks are solved."


def test_a_challenge_is_quoted_only_by_a_sentence_that_stands_alone():
    from surveykit.draft.challenges import challenge_example

    abstracts = {
        "these": "We propose X. The experiments reveal that these attacks remain hard to detect for agents.",
        "while": ("We propose Y. While their capabilities are promising, they introduce novel "
                  "vulnerabilities and attacks that demand care."),
        "inside": ("We propose Z. As tools and agents become complex, testing these agents against "
                   "attacks and vulnerabilities remains hard."),
    }
    pool = _challenge_pool(abstracts)
    leaning = {s.paper_id for s in pool if "continues" in s.tags}
    assert leaning == {"these", "while"}  # "these agents" has its noun before it in the sentence
    from surveykit.draft.sentences import _leans_on_the_abstract

    for plain in ("We train it such that the loss falls.", "Scores exceed those of the baseline."):
        assert not _leans_on_the_abstract(plain, plain)  # no demonstrative pointing back
    safety = next(r for r in group_challenges(pool) if r.challenge.name.startswith("Safety"))
    assert challenge_example(safety).paper_id == "inside"


def test_such_as_is_no_reference_back():
    from surveykit.draft.synthesis import DANGLING

    assert not DANGLING.search("Routing applies to other components, such as embedding strategies.")
    assert DANGLING.search("Such models fail on long inputs.")
    assert DANGLING.search("The first one incorporates the structure of the forms.")  # of a list before
