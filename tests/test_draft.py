"""The draft stage: sentences, selection, grounding, rendering (no TeX needed)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveykit.bib.stage import citation_keys
from surveykit.config import parse_config
from surveykit.corpus.model import Corpus, Paper
from surveykit.draft.grounding import check_document, check_tex, tex_cite_keys
from surveykit.draft.model import Cite, DraftSentence, Paragraph, Provenance, Ref, Section, SurveyDocument
from surveykit.draft.outline import Drafter, extract_sentence
from surveykit.draft.render import render_latex, render_markdown, tex_segments
from surveykit.draft.sentences import AUTHOR, attribute, classify, paper_sentences, skip_reason
from surveykit.draft.stage import write_draft
from surveykit.draft.summarize import lexrank, mmr_select, similarity_matrix

# --- shared inputs (imported by the other test_draft_* files) -----------------------------------
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "draft"

# paper id -> (topic, section)
TAXONOMY = {
    "arxiv:2408.09667": (0, 0),  # BLADE
    "arxiv:2310.03302": (0, 0),  # MLAgentBench
    "arxiv:2307.13854": (1, 0),  # WebArena
    "arxiv:2407.01476": (1, 0),  # Tree search
    "arxiv:2309.15817": (2, 1),  # ToolEmu
    "arxiv:2407.12784": (2, 1),  # AgentPoison
}
TOPIC_LABELS = {0: "Scientific Agents", 1: "Web Agents & Search", 2: "Agent Safety"}
SECTION_LABELS = {0: "Agents for Tasks", 1: "Risks of Agents"}


def fixture_corpus() -> Corpus:
    data = json.loads((FIXTURES / "papers.json").read_text(encoding="utf-8"))
    return Corpus([Paper(**d) for d in data], name="draft-fixture")


def fake_taxonomy(corpus: Corpus) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for rank, pid in enumerate(corpus.ids):
        topic, section = TAXONOMY[pid]
        rows.append(
            {
                "paper_id": pid,
                "topic": topic,
                "topic_label": TOPIC_LABELS[topic],
                "section": section,
                "section_label": SECTION_LABELS[section],
                "score": 1.0 - rank / 10,
            }
        )
    assignments = pd.DataFrame(rows).set_index("paper_id")
    topics = pd.DataFrame(
        [
            {
                "topic": t,
                "label": TOPIC_LABELS[t],
                "section": s,
                "section_label": SECTION_LABELS[s],
                "size": int((assignments["topic"] == t).sum()),
                "keywords": ["agents", "benchmark", f"kw{t}"],
                "representatives": [p for p in corpus.ids if TAXONOMY[p][0] == t][:1],
            }
            for t, s in ((0, 0), (1, 0), (2, 1))
        ]
    )
    return assignments, topics


def fixture_config(out: Path, **draft):
    data = {"survey": {"title": "Agents & Tools: A 100% Test Survey", "author": "Test_Author"}}
    if draft:
        data["draft"] = draft
    return parse_config(data, None, out)


# --- sentences -------------------------------------------------------------------------------------


def test_paper_sentences_keep_abbreviations_decimals_and_offsets():
    corpus = fixture_corpus()
    paper = corpus["arxiv:2408.09667"]
    sentences = paper_sentences(paper)
    first = sentences[0]
    assert first.text.endswith("which variables to consider.")  # "e.g.," did not split it
    for s in sentences:
        assert paper.abstract[s.start : s.end] == s.text
    mla = paper_sentences(corpus["arxiv:2310.03302"])
    assert any("Claude v1.0" in s.text and "37.5%" in s.text for s in mla)


def test_a_quote_loses_the_space_before_a_comma():
    from surveykit.corpus.model import Paper

    paper = Paper(title="T", id="p", abstract=(
        "Previous works achieve impressive performance on StarCraft II , however, they still exhibit "
        "deficiencies in long term strategic planning and interpretability."))
    (sentence,) = paper_sentences(paper)
    assert "StarCraft II, however," in sentence.wording
    assert paper.abstract[sentence.start:sentence.end] == sentence.text  # the source as it is


def test_an_attributed_sentence_that_opens_with_a_pronoun_still_leans_back():
    from surveykit.corpus.model import Paper

    paper = Paper(title="T", id="p", abstract=(
        "LLM agents are popular in many areas of research today. This caused terminological "
        "ambiguities between researchers which we addressed by proposing a unified framework. "
        "Unlike prior work, we build a modular agent framework for many tasks."))
    leaning, standing = paper_sentences(paper)[1:]
    assert leaning.attributed and leaning.anaphoric
    assert standing.attributed and not standing.anaphoric


def test_a_pronoun_after_a_fronted_phrase_and_the_authors_going_on_lean_back():
    from surveykit.corpus.model import Paper
    from surveykit.draft.synthesis import contribution_sentence

    paper = Paper(title="T", id="p", abstract=(
        "Agents need to navigate large action spaces of many tools. "
        "By incorporating the A* search algorithm, it prunes branches with incorrect actions. "
        "Although search methods have improved planning, they are slow on long tasks. "
        "In practice, it is necessary to plan before acting in the environment. "
        "We then translate the learned policy back into natural language dialogues. "
        "Experiments on five benchmarks show that the planner halves the number of calls."))
    _, fronted, although, expletive, then, result = paper_sentences(paper)
    assert fronted.anaphoric  # "it" is the method of the sentence before
    assert not although.anaphoric and not expletive.anaphoric  # "they" points inside; "it is"
    assert not then.anaphoric and "continues" in then.tags  # fine right after the paper's own
    (phenomenon,) = paper_sentences(Paper(title="T", id="q", abstract=(
        "We investigate this phenomenon and find that corpora mix languages.")))
    assert "continues" in phenomenon.tags  # "this phenomenon" was named before
    alone, sequence = paper_sentences(Paper(title="T", id="r", abstract=(
        "We first provide an example of deep learning in software engineering. "
        "We first formulate a framework of backdoor attacks, then we analyse their forms.")))
    assert "continues" in alone.tags and "continues" not in sequence.tags  # a step told alone
    chosen = contribution_sentence([fronted, then, result], {}, None, set())
    assert chosen is result  # the one that stands alone opens the paper's part

def test_unquotable_sentences_are_skipped():
    corpus = fixture_corpus()
    texts = [s.text for p in corpus for s in paper_sentences(p)]
    assert not any("https://" in t for t in texts)  # URL / code release
    assert not any("projectname" in t for t in texts)  # TeX macro leftover
    assert not any("boldsymbol" in t for t in texts)  # math leftover
    assert not any(t.endswith("?") for t in texts)  # question
    assert skip_reason("Too short.") == "too short"
    assert skip_reason("The code is publicly available for all of the researchers in the field.") is not None


def test_attribution_rewrites_first_person():
    wording, attributed = attribute("To address these challenges, we present BLADE, a benchmark for agents.")
    assert attributed and wording == f"{AUTHOR} present BLADE, a benchmark for agents."
    wording, _ = attribute("In this paper, we build an environment and we test our agents on it.")
    assert wording == f"{AUTHOR} build an environment and they test their agents on it."
    wording, _ = attribute("Our evaluation shows that models are limited.")
    assert wording == f"In {AUTHOR}, the evaluation shows that models are limited."
    wording, _ = attribute("We introduce ToolEmu, a framework.", single_author=True)
    assert wording == f"{AUTHOR} introduces ToolEmu, a framework."
    wording, _ = attribute("We investigate this and find that corpora mix languages.", single_author=True)
    assert wording == f"{AUTHOR} investigates this and finds that corpora mix languages."
    wording, _ = attribute("We propose a dataset and benchmark for QA.", single_author=True)
    assert wording == f"{AUTHOR} proposes a dataset and benchmark for QA."  # a noun, not a verb
    for sentence, verb in (("We then focus on X.", "then focuses"),
                           ("We naturally extend X.", "naturally extends"),
                           ("We found that X.", "found"), ("We can do X.", "can"),
                           ("To this end, we further study X.", "further studies"),
                           ("We almost fully retain X.", "almost fully retains"),
                           ("We do not use X.", "does not")):
        assert f"{AUTHOR} {verb} " in attribute(sentence, single_author=True)[0]
    wording, _ = attribute("We present the advantages and weaknesses of each and provide insight.",
                           single_author=True)
    assert wording == f"{AUTHOR} presents the advantages and weaknesses of each and provides insight."
    assert attribute("This work introduces X.", single_author=True)[0] == (
        f"The work of {AUTHOR} introduces X.")
    plain = "Agents are useful for many tasks today."
    assert attribute(plain) == (plain, False)
    for lead in ("Subsequently, ", "More specifically, ", "Secondly, ", "Accordingly, ", "As a remedy, ",
                 "Motivated by these findings, ", "Based on this observation, "):
        wording, _ = attribute(lead + "we explore the applications of agents in three settings.")
        assert wording == f"{AUTHOR} explore the applications of agents in three settings."
    wording, _ = attribute("Based on GPT-4, we explore agents.")  # not a reference to the context
    assert wording == f"Based on GPT-4, {AUTHOR} explore agents."
    wording, attributed = attribute("Motivated by AutoML, our work introduces a framework.")
    assert attributed and wording == f"Motivated by AutoML, the work of {AUTHOR} introduces a framework."
    wording, attributed = attribute("Differences in the agents led us to classify them.")
    assert attributed and wording == f"Differences in the agents led {AUTHOR} to classify them."
    assert attribute("The US market grows.") == ("The US market grows.", False)


def test_classify_roles():
    assert classify("We propose a new planner for agents.") == "contribution"
    assert classify("Agents still struggle with long-horizon tasks.") == "limitation"
    assert classify("Future work should explore memory.") == "future"
    assert classify("Our method mitigates the limitations of prior agents.") != "limitation"


# --- selection -------------------------------------------------------------------------------------


def test_lexrank_prefers_central_sentence():
    texts = [
        "agents plan with tools and memory",
        "agents plan with tools",
        "agents use memory and tools",
        "the weather is sunny today",
    ]
    scores = lexrank(similarity_matrix(texts))
    assert scores.sum() == pytest.approx(1.0)
    assert scores.argmin() == 3


def test_mmr_does_not_pick_two_redundant_sentences():
    texts = [
        "language agents plan web navigation with tree search",
        "language agents plan web navigation with tree search methods",
        "memory poisoning attacks threaten retrieval augmented agents",
    ]
    sim = similarity_matrix(texts)
    chosen = mmr_select([1.0, 0.99, 0.5], sim, k=2, lam=0.7)
    assert chosen == [0, 2]
    # a hard cap on similarity: never both near-duplicates even when k allows it
    assert sorted(mmr_select([1.0, 0.99, 0.5], sim, k=3)) == [0, 2]


def test_mmr_groups_limit_sentences_per_paper():
    sim = np.eye(3)
    assert mmr_select([3, 2, 1], sim, k=3, groups=["a", "a", "b"], max_per_group=1) == [0, 2]


# --- grounding -------------------------------------------------------------------------------------


def _doc(sentences):
    section = Section("Intro", "sec:intro", [Paragraph(sentences)])
    return SurveyDocument("T", "A", "abstract", [section], "refs")


def test_grounding_catches_uncited_sentence_and_unknown_key():
    corpus = fixture_corpus()
    keys = {"arxiv:2408.09667": "gu2024blade"}
    bib = {"gu2024blade"}
    paper = corpus["arxiv:2408.09667"]
    source = paper_sentences(paper)[0]
    good = extract_sentence(source, "gu2024blade")
    uncited = DraftSentence(["Agents are everywhere."], "summary")
    unknown = DraftSentence(["Agents plan", Cite(("nobody2024x",)), "."], "summary", ("x",))
    report = check_document(_doc([good, uncited, unknown]), corpus, keys, bib)
    messages = [p.message for p in report.problems]
    assert report.prose == 3 and report.prose_cited == 1
    assert "prose sentence without a citation" in messages
    assert any("unknown citation key(s) nobody2024x" in m for m in messages)


def test_grounding_checks_provenance_offsets_and_structural_refs():
    corpus = fixture_corpus()
    keys = {"arxiv:2408.09667": "gu2024blade"}
    wrong = DraftSentence(
        ["Made up", Cite(("gu2024blade",)), "."],
        "extract",
        ("arxiv:2408.09667",),
        Provenance("arxiv:2408.09667", 0, 10, "not the abstract"),
    )
    dangling = DraftSentence(["See ", Ref("tab:missing", "Table"), "."], "structural")
    bare = DraftSentence(["This section is nice."], "structural")
    report = check_document(_doc([wrong, dangling, bare]), corpus, keys, {"gu2024blade"})
    messages = " | ".join(p.message for p in report.problems)
    assert "provenance offsets 0:10 do not match" in messages
    assert "undefined label(s) tab:missing" in messages
    assert "structural sentence without a cross-reference" in messages


def test_tex_check_finds_uncited_sentence_and_unknown_key():
    tex = (
        "\\section{A}\\label{sec:a}\nAgents plan~\\citep{gu2024blade}. Agents are great.\n\n"
        "\\begin{table}\\caption{No cite here.}\\end{table}\nSee Table~\\ref{tab:x}. "
        "\\citet{ghost2020} say so.\n\\bibliographystyle{plainnat}"
    )
    report = check_tex(tex, {"gu2024blade"})
    assert report.tex_sentences == 4 and report.tex_grounded == 3
    assert [p.sentence for p in report.problems][:1] == ["Agents are great."]
    assert any(p.sentence == "ghost2020" for p in report.problems)
    assert tex_cite_keys("% \\cite{hidden}\n\\citep[see][p. 2]{a, b}") == ["a", "b"]


# --- rendering -------------------------------------------------------------------------------------


def test_latex_rendering_escapes_special_characters():
    sentence = DraftSentence(
        [
            "Success of 50% & more on data_sets {x} with $5 #1 ~ ^ \\ \u2014 M\u00fcller",
            Cite(("k1", "k2")),
            ".",
        ],
        "summary",
        ("p",),
    )
    tex = tex_segments(sentence.segments)
    for raw in (
        "50\\%",
        "\\&",
        "data\\_sets",
        "{\\textbraceleft}x{\\textbraceright}",
        "\\$5",
        "\\#1",
        "{\\textasciitilde}",
        "{\\textasciicircum}",
        "{\\textbackslash}",
        "---",
        'M{\\"u}ller',
    ):
        assert raw in tex
    assert tex.endswith("~\\citep{k1,k2}.")
    attributed = tex_segments([Cite(("k",), textual=True), " present BLADE."])
    assert attributed == "\\citet{k} present BLADE."


def test_write_draft_without_compile(tmp_path):
    corpus = fixture_corpus()
    assignments, topics = fake_taxonomy(corpus)
    config = fixture_config(tmp_path)
    keys = citation_keys(config, corpus)
    result = write_draft(config, corpus, assignments, topics, keys, compile=False)
    assert result.grounding.ok, result.grounding.summary()
    assert result.grounding.prose_cited == result.grounding.prose > 0
    assert result.grounding.tex_sentences == result.grounding.tex_grounded
    assert result.compile.status == "skipped"
    tex = result.tex.read_text(encoding="utf-8")
    assert "Agents \\& Tools: A 100\\% Test Survey" in tex and "Test\\_Author" in tex
    assert "\\section{Agents for Tasks}" in tex and "\\subsection{Web Agents \\& Search}" in tex
    assert "\\section{Open Challenges and Future Directions}" in tex
    assert "\\input{../tables" not in tex  # no tables stage output: the drafter's own table instead
    assert "\\label{tab:representatives}" in tex
    # every corpus paper is cited somewhere
    assert set(keys.values()) <= set(tex_cite_keys(tex))
    md = result.markdown.read_text(encoding="utf-8")
    assert "## References" in md and f"(#ref-{keys['arxiv:2408.09667']})" in md and "\\cite" not in md
    assert "Müller" in md
    rows = [json.loads(line) for line in result.provenance.read_text(encoding="utf-8").splitlines()]
    extracts = [r for r in rows if r["kind"] == "extract"]
    assert extracts and len(rows) == result.grounding.prose + result.grounding.structural
    for row in extracts:
        abstract = corpus[row["source_paper_id"]].abstract
        assert abstract[row["source_start"] : row["source_end"]] == row["source_sentence"]
        assert row["source_key"] in row["keys"]


def test_tables_and_figures_are_discovered(tmp_path, fixtures_dir):
    corpus = fixture_corpus()
    assignments, topics = fake_taxonomy(corpus)
    config = fixture_config(tmp_path)
    config.paths.ensure()
    for name in ("comparison.tex", "comparison.md", "comparison.caption.txt"):
        (config.paths.tables / name).write_text((fixtures_dir / "draft" / name).read_text())
    (config.paths.figures / "papers_per_year.pdf").write_bytes(b"%PDF-1.4\n")
    keys = citation_keys(config, corpus)
    result = write_draft(config, corpus, assignments, topics, keys, compile=False)
    tex = result.tex.read_text(encoding="utf-8")
    assert "\\input{\\surveykitup tables/comparison.tex}" in tex and "\\label{tab:comparison}" in tex
    assert "Comparison of the benchmarks" in tex and "tab:representatives" not in tex
    assert "\\includegraphics" in tex and "{\\surveykitup figures/papers_per_year.pdf}" in tex
    assert "Figure~\\ref{fig:papers-per-year}" in tex
    md = result.markdown.read_text(encoding="utf-8")
    assert "| Gu et al. (2024) | yes | yes |" in md
    assert result.grounding.ok, result.grounding.summary()
    for paper in corpus.papers:  # no paper has a year: an empty per-year chart is left out
        paper.year = None
    undated = write_draft(config, corpus, assignments, topics, keys, compile=False)
    tex = undated.tex.read_text(encoding="utf-8")
    assert "papers_per_year" not in tex and "fig:papers-per-year" not in tex


def test_drafter_rejects_frames_without_contract_columns():
    corpus = fixture_corpus()
    assignments, topics = fake_taxonomy(corpus)
    with pytest.raises(ValueError, match="assignments: missing column"):
        Drafter(corpus, assignments.drop(columns=["section"]), topics, {})


def test_markdown_and_latex_render_the_same_document():
    corpus = fixture_corpus()
    paper = corpus["arxiv:2408.09667"]
    sentence = extract_sentence(paper_sentences(paper)[2], "gu2024blade")
    doc = _doc([sentence])
    tex = render_latex(doc)
    md = render_markdown(doc, {"gu2024blade": paper})
    assert "\\citet{gu2024blade} present BLADE" in tex
    assert "[Gu et al. (2024)](#ref-gu2024blade) present BLADE" in md


def test_markdown_citations_use_the_year_the_bibliography_cites():
    from surveykit.corpus.model import Paper
    from surveykit.draft.render import cite_labels

    published = Paper(title="MLAgentBench", authors=["Huang, Qian"], year=2023, venue="ICML 2024")
    preprint = Paper(title="Some preprint", authors=["Doe, Jane"], year=2023)
    labels = cite_labels({"huang2024mlagentbench": published, "doe2023some": preprint})
    assert labels["huang2024mlagentbench"].year == "2024"  # as in references.bib (venue year)
    assert labels["doe2023some"].year == "2023"


def test_bundled_title_is_not_put_on_another_corpus(tmp_path):
    from surveykit.config import parse_config
    from surveykit.corpus.bundled import BUNDLED_TITLE, load_bundled_corpus
    from surveykit.corpus.model import Corpus, Paper
    from surveykit.draft.stage import NEUTRAL_TITLE, survey_title

    shipped = parse_config({"survey": {"title": BUNDLED_TITLE}}, None, tmp_path)
    other = Corpus([Paper(title="Algorithm selection", abstract="x", source="bibtex:mine.bib")])
    assert survey_title(shipped, load_bundled_corpus()) == BUNDLED_TITLE
    assert survey_title(shipped, other) == NEUTRAL_TITLE  # `surveykit run --source mine.bib`
    own = parse_config({"survey": {"title": "Mine"}}, None, tmp_path)
    assert survey_title(own, other) == "Mine"


def test_own_sources_under_the_shipped_title_are_framed_as_theirs(tmp_path):
    """`surveykit run --source mine.bib` with the shipped survey.toml: the draft names no field
    (the shipped title's would be wrong), names the .bib as the source (the later notebooks open
    the saved corpus, not the --source list) and says which papers had only a title."""
    from dataclasses import replace

    from surveykit.corpus.bundled import BUNDLED_TITLE

    corpus = fixture_corpus()
    papers = [replace(p, source="bibtex:mine.bib", abstract=p.abstract if i else "")
              for i, p in enumerate(corpus.papers)]
    corpus = Corpus(papers, name="mine")
    assignments, topics = fake_taxonomy(corpus)
    config = parse_config({"survey": {"title": BUNDLED_TITLE}}, None, tmp_path)
    result = write_draft(config, corpus, assignments, topics, citation_keys(config, corpus),
                         compile=False)
    md = result.markdown.read_text(encoding="utf-8")
    assert "Large Language Model Based Agents" not in md
    assert f"This survey reviews {len(papers)} papers published" in md
    assert "assembled from the source file mine.bib" in md and "bundled corpus" not in md
    assert "(titles alone for the 1 paper without one)" in md
    # no attribute table: the abstract names no grouping facet the draft does not have
    assert "the survey states each paper's contribution" in md and "agent organisation" not in md
    # a term shared by papers without an abstract was read in their titles
    from surveykit.draft.stage import draft_document

    _, drafter = draft_document(config, corpus, assignments, topics, citation_keys(config, corpus))
    bare, full = papers[0].id, papers[1].id
    assert drafter._read_in([bare]) == "the titles"
    assert drafter._read_in([bare, full]) == "the abstracts"


def test_the_tables_stage_overview_is_the_only_overview_table(tmp_path):
    from surveykit.tables.export import to_latex

    corpus = fixture_corpus()
    assignments, topics = fake_taxonomy(corpus)
    config = fixture_config(tmp_path)
    config.paths.ensure()
    frame = pd.DataFrame({"Topic": ["Web Agents & Search"], "Papers": ["2"]})
    to_latex(frame, config.paths.tables / "overview.tex", caption="Overview of the topics.",
             label="tab:overview")
    (config.paths.figures / "topic_sizes.pdf").write_bytes(b"%PDF-1.4\n")
    keys = citation_keys(config, corpus)
    result = write_draft(config, corpus, assignments, topics, keys, compile=False)
    labels = [f.label for f in result.document.floats()]
    assert labels.count("tab:overview") == 1 and len(labels) == len(set(labels))
    tex = result.tex.read_text(encoding="utf-8")
    assert "tables/overview.tex" in tex and "topic_sizes" not in tex  # counts shown once
    assert result.grounding.ok, result.grounding.summary()


def test_papers_without_abstracts_are_presented_by_their_titles(tmp_path):
    """A .bib library without abstracts: each central paper is presented by its title, not by a
    "proposes a method or framework" that its theme's sentence already said of all of them."""
    from dataclasses import replace

    corpus = fixture_corpus()
    papers = [replace(p, abstract="") for p in corpus.papers]
    corpus = Corpus(papers, name="titles")
    assignments, topics = fake_taxonomy(corpus)
    config = parse_config({}, None, tmp_path)
    result = write_draft(config, corpus, assignments, topics, citation_keys(config, corpus), compile=False)
    md = result.markdown.read_text(encoding="utf-8")
    assert "proposes a method or framework." not in md
    titled = [p for p in papers if f"\u201c{' '.join(p.title.split()).rstrip('.')}\u201d" in md]
    assert titled, "no paper presented by its title"
    abstract = md.split("**Abstract.**", 1)[1].split("\n", 1)[0]
    assert "the sources give no abstracts" in abstract and "quotes the abstract" not in abstract


def test_related_surveys_table_sits_with_their_paragraph_and_theme_tables_come_first(tmp_path):
    """The related surveys' table is placed (and referenced) in the introduction where they are
    discussed; in the comparison the themes' tables precede the corpus-wide ones, so a float never
    waits behind a theme's longtable and prints out of its number's order."""
    from surveykit.tables.build import related_surveys_table
    from surveykit.tables.export import to_latex

    corpus = fixture_corpus()
    survey = Paper(id="survey", title="A Survey of Agents", abstract="We survey agents. We review 90 papers.",
                   year=2024)
    corpus = Corpus([*corpus.papers, survey], name=corpus.name)
    assignments, topics = fake_taxonomy(Corpus([p for p in corpus.papers if p.id != "survey"]))
    config = fixture_config(tmp_path)
    config.paths.ensure()
    keys = citation_keys(config, corpus)
    tables = config.paths.tables
    to_latex(related_surveys_table(corpus, ["survey"], keys), tables / "related_surveys.tex",
             caption="Related surveys.", label="tab:related_surveys")
    frame = pd.DataFrame({"Name": ["WebArena"], "Kind": ["Benchmark"]})
    to_latex(frame, tables / "benchmarks.tex", caption="Benchmarks.", label="tab:benchmarks")
    for topic in (0, 1, 2):
        to_latex(pd.DataFrame({"Paper": [f"P{topic}"]}), tables / f"topic_{topic:02d}.tex",
                 caption=f"Theme {topic}.", label=f"tab:topic_{topic:02d}")
    result = write_draft(config, corpus, assignments, topics, keys, compile=False, related=["survey"])
    intro, *_, comparison = [s for s in result.document.sections if s.label in
                             ("sec:introduction", "sec:comparison")]
    intro_floats = [b.label for b in intro.blocks if getattr(b, "kind", None) == "table"]
    assert intro_floats == ["tab:related_surveys"]
    assert [b.label for b in comparison.blocks if getattr(b, "kind", None) == "table"] == [
        "tab:topic_00", "tab:topic_01", "tab:topic_02", "tab:benchmarks"]
    tex = result.tex.read_text(encoding="utf-8")
    intro_tex = tex[tex.index("\\section{Introduction}"):tex.index("\\section{Taxonomy}")]
    assert "Table~\\ref{tab:related_surveys} lists the one with its title and year." in intro_tex
    assert "tables/related_surveys.tex" in intro_tex and "tab:related_surveys" not in tex[
        tex.index("\\section{Comparison}"):]
    assert result.grounding.ok, result.grounding.summary()


def test_markdown_tables_cite_as_the_prose_does():
    """A tables-stage Markdown table lists cite keys; survey.md shows them as linked author-year
    labels (and lists those papers in its references), leaving other cells as they are."""
    from surveykit.draft.model import Float

    papers = {"smith_2024": Paper(id="a", title="A", authors=["Ann Smith", "Bo Jones"], year=2024),
              "lee2023": Paper(id="b", title="B", authors=["Cy Lee", "Di Ng", "Ed Wu"], year=2023)}
    table = Float("table", "tab:t", "T.", markdown="| Paper | Ref |\n| --- | --- |\n"
                  "| Agents, tools | smith\\_2024, lee2023 |\n| lee2023 | x |")
    document = SurveyDocument("T", "A", "", [Section("S", "sec:s", [table])], "refs")
    md = render_markdown(document, papers)
    assert ("| Agents, tools | [Smith and Jones (2024)](#ref-smith_2024), [Lee et al. (2023)](#ref-lee2023) |"
            in md)
    assert "| [Lee et al. (2023)](#ref-lee2023) | x |" in md  # a title equal to a key is not at risk here
    assert md.count('<a id="ref-smith_2024"></a>') == 1  # cited only in the table, still referenced
