"""Figures: data frames, theme, forest tree, HTML-only export (no browser needed)."""

from __future__ import annotations

import shutil
import subprocess
import warnings

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from surveykit.corpus.model import Corpus, Paper
from surveykit.figures import (
    BrowserNotFoundWarning,
    SurveyFigures,
    attribute_topic_frame,
    export_figures,
    find_browser,
    forest_document,
    forest_tree,
    map_frame,
    palette,
    papers_per_year_frame,
    project_2d,
    taxonomy_frame,
    topic_colors,
    topic_similarity_frame,
    topic_sizes_frame,
)
from surveykit.figures.attribute_heatmap import ZERO_COLOR, plot_attribute_heatmap, scale_color, text_color_on
from surveykit.figures.export import figure_html, stable_pdf, stable_svg
from surveykit.figures.theme import (
    OKABE_ITO,
    OUTLIER_COLOR,
    TEXT_COLOR,
    column_width,
    inches,
    points,
    wrap_label,
)

LABELS = {0: "Tool use & APIs", 1: "Web agents", 2: "Planning 100% [core]", 3: "A topic of one paper"}


def make_inputs(n_per_topic=(8, 7, 6, 1), years=(2021, 2022, 2024), seed: int = 0):
    """A small fake survey: topics of given sizes (the last of one paper), one outlier, a year
    gap (2023 missing) and one paper without a year; clustered random embeddings."""
    rng = np.random.default_rng(seed)
    papers, topic_of = [], []
    for topic, count in enumerate(n_per_topic):
        for i in range(count):
            year = years[(topic + i) % len(years)]
            papers.append(Paper(title=f"Paper {topic}-{i} on {LABELS[topic]}", year=year,
                                authors=[f"Author{topic}{i}, A."]))
            topic_of.append(topic)
    papers.append(Paper(title="An outlier paper without a year", year=None))
    topic_of.append(-1)
    corpus = Corpus(papers, name="fake")
    ids = corpus.ids
    centres = rng.normal(size=(len(n_per_topic), 16)) * 3
    embeddings = np.stack([
        (centres[t] if t >= 0 else np.zeros(16)) + rng.normal(size=16) for t in topic_of
    ]).astype(np.float32)
    sections = {0: 0, 1: 0, 2: 1, 3: 1}
    section_labels = {0: "Capabilities", 1: "Applications & uses", -1: ""}
    assignments = pd.DataFrame({"topic": topic_of}, index=ids)
    assignments["topic_label"] = assignments["topic"].map(lambda t: LABELS.get(t, "Outliers"))
    assignments["section"] = assignments["topic"].map(lambda t: sections.get(t, -1))
    assignments["section_label"] = assignments["section"].map(section_labels)
    assignments["score"] = np.linspace(1, 0, len(ids))
    topics = pd.DataFrame([
        {"topic": t, "label": LABELS[t], "section": sections[t], "section_label": section_labels[sections[t]],
         "size": n, "keywords": ["a", "b"], "representatives": [ids[sum(n_per_topic[:t]) + n - 1]]}
        for t, n in enumerate(n_per_topic)
    ])
    rows = []
    for i, paper_id in enumerate(ids):
        rows.append((paper_id, "open source", i % 2 == 0))
        rows.append((paper_id, "evaluation", ["benchmark", "human study", ""][i % 3]))
        rows.append((paper_id, "modality", ["text", "vision"] if i % 4 == 0 else ["text"]))
    attributes = pd.DataFrame(rows, columns=["paper_id", "attribute", "value"])
    keys = {paper_id: f"key{i}" for i, paper_id in enumerate(ids)}
    return corpus, assignments, topics, embeddings, attributes, keys


@pytest.fixture(scope="module")
def inputs():
    return make_inputs()


# --- theme -------------------------------------------------------------------------------------


def test_topic_colors_are_stable_distinct_and_colour_blind_safe_first():
    colors = topic_colors([3, 1, 2, -1, 0])
    assert [colors[t] for t in (0, 1, 2, 3)] == list(OKABE_ITO[:4])
    assert colors[-1] == OUTLIER_COLOR
    assert topic_colors(pd.DataFrame({"topic": [0, 1, 2, 3]}))[2] == colors[2]
    many = topic_colors(range(60))
    assert len(set(many.values())) == 60
    assert len(set(palette(100))) == 100


def test_sizes_are_printed_sizes():
    assert column_width("single") == 336 and column_width("double") == 672
    assert inches(1) == 96 and points(72) == 96
    with pytest.raises(ValueError, match="single"):
        column_width("wide")
    assert wrap_label("one two three four", 9) == "one two<br>three<br>four"


# --- data ---------------------------------------------------------------------------------------


def test_papers_per_year_fills_missing_years_and_counts_papers_without_year(inputs):
    corpus, assignments, topics, *_ = inputs
    counts = papers_per_year_frame(corpus, assignments, topics)
    assert list(counts.index) == [2021, 2022, 2023, 2024]
    assert counts.loc[2023].sum() == 0
    assert counts.attrs["no_year"] == 1
    assert list(counts.columns) == [0, 1, 2, 3]
    assert counts.to_numpy().sum() == len(assignments) - 1


def test_topic_sizes_and_taxonomy(inputs):
    _, assignments, topics, *_ = inputs
    sizes = topic_sizes_frame(assignments, topics)
    assert list(sizes["size"]) == [8, 7, 6, 1]
    tree = taxonomy_frame(assignments, topics)
    assert tree.loc[tree["level"] == 0, "value"].item() == 22
    sections = tree[tree["level"] == 1]
    assert list(sections["value"]) == [15, 7]
    assert set(tree.loc[tree["level"] == 2, "parent"]) <= set(sections["id"])


def test_attribute_frame_handles_flags_strings_and_lists(inputs):
    _, assignments, topics, _, attributes, _ = inputs
    frame = attribute_topic_frame(attributes, assignments, topics)
    items = set(frame["item"])
    assert {"open source", "evaluation: benchmark", "Modality: text", "Modality: Vision"} <= items
    assert not any(item.endswith(": ") or item == "evaluation" for item in items)
    text = frame[frame["item"] == "Modality: text"]  # labels from the default schema when it knows them
    assert text.set_index("topic")["share"].eq(1.0).all()  # every paper of every topic has text
    assert len(frame) == len(items) * 4


def extracted_attributes(ids):
    """A long frame shaped like ``AttributeTable.long``: rows per paper in schema order (type,
    training, code execution, domain, size, code, benchmark), with labels and kinds."""
    rows = []
    for i, paper_id in enumerate(ids):
        rows.append((paper_id, "contribution", "Type", "category", ["method", "survey"][i % 2],
                     ["Method", "Survey"][i % 2]))
        if i % 3 == 0:
            rows.append((paper_id, "training", "Training", "multi", "prompting", "Prompting"))
            rows.append((paper_id, "training", "Training", "multi", "finetuning", "Fine-tuning"))
        if i % 2 == 0:
            rows.append((paper_id, "code_execution", "Code execution", "flag", "yes", "\u2713"))
        rows.append((paper_id, "domain", "Domain", "multi", "web", "Web"))
        rows.append((paper_id, "size", "Size", "number", f"{i + 3} tasks", f"{i + 3} tasks"))
        rows.append((paper_id, "code", "Code", "url", f"https://github.com/x/p{i}", f"https://github.com/x/p{i}"))
        rows.append((paper_id, "benchmark", "Benchmark", "name", f"Bench{i}", f"Bench{i}"))
    return pd.DataFrame(rows, columns=["paper_id", "attribute", "label", "kind", "value", "value_label"])


def test_attribute_frame_keeps_comparable_rows_with_labels_in_schema_order(inputs):
    _, assignments, topics, *_ = inputs
    attributes = extracted_attributes(list(assignments.index))
    frame = attribute_topic_frame(attributes, assignments, topics)
    rows = frame.drop_duplicates("item")
    assert list(rows["item"]) == ["Type: Survey", "Type: Method", "Training: Prompting",  # schema order
                                  "Training: Fine-tuning", "Code execution", "Domain: Web"]
    assert set(frame["kind"]) == {"category", "multi", "flag"}  # no numbers, URLs or benchmark names
    assert list(rows["group"]) == [0, 0, 1, 1, 2, 3]
    flag = frame[frame["item"] == "Code execution"]
    assert flag["count"].sum() == 11 and flag["total"].iloc[0] == 12  # papers 0, 2, ..., 22 (an outlier)
    assert frame.equals(attribute_topic_frame(attributes.copy(), assignments, topics))  # deterministic


def test_attribute_frame_order_follows_the_schema_not_the_alphabet(inputs):
    _, assignments, topics, *_ = inputs
    ids = list(assignments.index)
    rows = [(p, "zeta", "Zeta", "flag", "yes", "\u2713") for p in ids[:3]]
    rows += [(p, "alpha", "Alpha", "category", "b", "B") for p in ids[:3]]
    rows += [(ids[3], "zeta", "Zeta", "flag", "yes", "\u2713"),
             (ids[3], "alpha", "Alpha", "category", "a", "A")]
    frame = pd.DataFrame(rows, columns=["paper_id", "attribute", "label", "kind", "value", "value_label"])
    frame = frame.sort_values(["paper_id", "attribute"], ascending=[True, False], kind="stable")
    items = list(dict.fromkeys(attribute_topic_frame(frame, assignments, topics)["item"]))
    assert items == ["Zeta", "Alpha: B", "Alpha: A"]  # unknown values: most frequent first

    class Table:  # an AttributeTable: its attribute list is the order
        long = frame
        attributes = [("alpha", "Alpha", "category"), ("zeta", "Zeta", "flag")]

    assert list(dict.fromkeys(attribute_topic_frame(Table(), assignments, topics)["item"]))[0] == "Alpha: B"


def test_attribute_frame_without_kinds_leaves_out_urls_names_and_numbers(inputs):
    _, assignments, topics, *_ = inputs
    ids = list(assignments.index)
    rows = [(p, "homepage", f"https://example.org/{i}") for i, p in enumerate(ids)]
    rows += [(p, "system", f"System{i}") for i, p in enumerate(ids)]  # one name per paper
    rows += [(p, "size", f"{i} tasks") for i, p in enumerate(ids)]  # a number in the default schema
    rows += [(p, "training", "rl") for p in ids[:4]] + [(p, "memory", "yes") for p in ids[:2]]
    frame = attribute_topic_frame(pd.DataFrame(rows, columns=["paper_id", "attribute", "value"]),
                                  assignments, topics)
    assert list(dict.fromkeys(frame["item"])) == ["Training: RL", "Memory"]  # default schema labels
    empty = attribute_topic_frame(pd.DataFrame(rows[:22], columns=["paper_id", "attribute", "value"]),
                                  assignments, topics)
    assert empty.empty and "item" in empty.columns


def test_attribute_heatmap_labels_groups_and_contrast(inputs):
    _, assignments, topics, *_ = inputs
    frame = attribute_topic_frame(extracted_attributes(list(assignments.index)), assignments, topics)
    long_labels = {0: "Reinforcement learning for web agents", 1: "Retrieval of external knowledge bases"}
    frame["label"] = frame["topic"].map(long_labels).fillna(frame["label"])
    fig = plot_attribute_heatmap(frame, topic_colors(topics))
    heatmap, counts = fig.data
    assert list(fig.layout.yaxis.ticktext) == list(dict.fromkeys(frame["item"]))
    centres = list(fig.layout.yaxis.tickvals)
    steps = np.diff(centres)
    assert list(np.round(steps, 2)) == [1.0, 1.45, 1.0, 1.45, 1.45]  # a gap between attributes
    assert len(heatmap.z) == len(centres) + 3 and heatmap.z[1][0] is not None and heatmap.z[2][0] is None
    ticks = list(fig.layout.xaxis.ticktext)
    assert all(1 <= t.count("<br>") + 1 <= 4 for t in ticks) and "<br>" in ticks[0]
    assert fig.layout.xaxis.tickangle == 0
    lines = [line for t in ticks for line in t.split("<br>")]
    assert max(map(len, lines)) <= 24  # four topics: columns of ~1.3 in, about 23 characters at 7 pt
    assert len(fig.layout.shapes) == len(topics)  # one colour strip per topic
    colors = dict(zip(counts.text, counts.textfont.color, strict=True))
    assert colors["0"] == ZERO_COLOR
    assert text_color_on(scale_color(1.0)) == "#FFFFFF" and text_color_on(scale_color(0.1)) == TEXT_COLOR
    narrow = plot_attribute_heatmap(frame, topic_colors(topics), width="single")
    assert narrow.layout.xaxis.tickangle == -45
    assert all("\u2026" not in t or t.endswith("\u2026") for t in narrow.layout.xaxis.ticktext)


def test_projection_is_deterministic_and_handles_tiny_inputs(inputs):
    *_, embeddings = inputs[:4]
    first = project_2d(embeddings, "tsne", seed=0)
    assert first.shape == (len(embeddings), 2)
    np.testing.assert_array_equal(first, project_2d(embeddings, "tsne", seed=0))
    assert project_2d(embeddings[:1]).shape == (1, 2)
    assert project_2d(embeddings[:4]).shape == (4, 2)
    assert project_2d(embeddings, "pca").shape == (len(embeddings), 2)


def test_map_frame_and_similarity(inputs):
    corpus, assignments, topics, embeddings, *_ = inputs
    frame = map_frame(assignments, project_2d(embeddings, "pca"), ids=corpus.ids, corpus=corpus)
    assert (frame.loc[frame["topic"] == -1, "topic_label"] == "Unassigned").all()
    assert frame["title"].str.startswith(("Paper", "An outlier")).all()
    similarity = topic_similarity_frame(embeddings, assignments, topics, ids=corpus.ids)
    assert similarity.shape == (4, 4)
    np.testing.assert_allclose(np.diag(similarity), 1.0, atol=1e-6)
    np.testing.assert_allclose(similarity.to_numpy(), similarity.to_numpy().T)


def test_all_plots_build_for_sparse_data():
    corpus, assignments, topics, embeddings, attributes, keys = make_inputs((1, 1, 1, 1), years=(2020,))
    figures = SurveyFigures(None, corpus, assignments, topics, embeddings, attributes, keys,
                            out_dir="unused", write=False)
    for name in figures.available():
        fig = figures.show(name)
        assert isinstance(fig, go.Figure) and fig.data, name
        assert fig.layout.width and fig.layout.height, name


# --- forest tree --------------------------------------------------------------------------------


def test_forest_tree_structure_escaping_and_cap(inputs):
    _, assignments, topics, _, _, keys = inputs
    text = forest_tree(topics, assignments, keys, root="Survey of A & B", max_cites=3)
    assert text.count("\\begin{forest}") == 1 and text.rstrip().endswith("\\end{forest}")
    assert "{Survey of A \\& B}" in text and "{Tool use \\& APIs}" in text
    assert "Planning 100\\% [core]" in text
    assert "\\surveykitmore{5}" in text  # topic 0: 8 papers, 3 cited
    representative = keys[topics.loc[0, "representatives"][0]]
    assert f"\\cite{{{representative}," in text
    assert text.count("[") - text.count("]") == 0
    assert "\n\n" not in text  # a blank line inside forest is a TeX error


def test_forest_leaves_name_systems(inputs):
    _, assignments, topics, _, _, keys = inputs
    named = {keys[p]: "Agent_X & Co" for p in list(keys)[:1]}
    text = forest_tree(topics, assignments, keys, names=named)
    key = next(iter(named))
    assert f"Agent\\_X \\& Co~\\citep{{{key}}}" in text
    assert "\\citet{" in text  # the papers without a name: author (year)


def test_the_tree_cites_a_page_of_papers_in_all(inputs):
    """Many themes (a conference's 20) cite fewer papers each, at least one: the tree fits a page
    at a readable size instead of being shrunk to fit."""
    _, assignments, topics, _, _, keys = inputs
    n = len(topics)
    capped = forest_tree(topics, assignments, keys, max_cites=8, total_cites=n)  # one a theme
    assert "\\surveykitmore{7}" in capped  # topic 0: 8 papers, 1 cited
    assert forest_tree(topics, assignments, keys, max_cites=3, total_cites=1) == forest_tree(
        topics, assignments, keys, max_cites=1)  # never below one a theme
    assert forest_tree(topics, assignments, keys, max_cites=3) == forest_tree(
        topics, assignments, keys, max_cites=3, total_cites=1000)


def test_the_tree_root_is_the_drafts_title(inputs):
    """The shipped survey.toml's title over the user's own papers (`surveykit run --source`)
    would name the wrong field: the tree's root says what the draft's title says."""
    from types import SimpleNamespace

    from surveykit.corpus.bundled import BUNDLED_TITLE, NEUTRAL_TITLE

    corpus, assignments, topics, embeddings, attributes, keys = inputs
    config = SimpleNamespace(title=BUNDLED_TITLE)
    figures = SurveyFigures(None, corpus, assignments, topics, embeddings, attributes, keys,
                            out_dir="unused", write=False)
    figures.config = config
    assert f"[{{{NEUTRAL_TITLE}}}" in figures.taxonomy_tree()
    figures.config = SimpleNamespace(title="Tool-using agents: a survey")
    assert "[{Tool-using agents: a survey}" in figures.taxonomy_tree()


def flat_topics(topics):
    """The same topics as a flat outline: each its own section, named as the topic."""
    return topics.assign(section=range(len(topics)), section_label=topics["label"])


def mixed_topics(topics):
    """The same topics with the last one a section of its own, named as the topic."""
    mixed = topics.copy()
    alone = mixed["topic"] == mixed["topic"].max()
    mixed.loc[alone, "section"] = mixed["section"].max() + 1
    mixed.loc[alone, "section_label"] = mixed.loc[alone, "label"]
    return mixed


def test_a_flat_outline_has_no_section_level(inputs):
    """A section of one theme of the same name is drawn as the theme, straight from the root (a
    flat outline has no section nodes; a mixed one only for its sections of several themes), the
    themes and the papers each in one column (forest tiers)."""
    _, assignments, topics, _, _, keys = inputs
    text = forest_tree(flat_topics(topics), assignments, keys)
    assert ", sksection" not in text and text.count(", sktheme") == len(topics)
    assert text.count("{Tool use \\& APIs}") == 1 and text.count("[") == text.count("]")
    grouped = forest_tree(topics, assignments, keys)
    assert grouped.count(", sksection") == topics["section"].nunique()
    mixed = mixed_topics(topics)
    text = forest_tree(mixed, assignments, keys)
    assert text.count(", sksection") == mixed["section"].nunique() - 1
    label = str(mixed["label"].iloc[-1]).replace("&", "\\&")
    assert text.count("{" + label + "}") == 1
    assert "tier=theme" in text and "tier=papers" in text


@pytest.mark.tex
def test_forest_tree_compiles(inputs, tmp_path):
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    found = subprocess.run(["kpsewhich", "forest.sty"], capture_output=True, text=True)
    if not found.stdout.strip():
        pytest.skip("forest.sty is not installed (Debian/Ubuntu: texlive-pictures + texlive-latex-extra)")
    _, assignments, topics, _, _, keys = inputs
    for outline in (topics, mixed_topics(topics)):
        (tmp_path / "taxonomy_tree.tex").write_text(forest_tree(outline, assignments, keys), encoding="utf-8")
        (tmp_path / "doc.tex").write_text(forest_document(), encoding="utf-8")
        run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stdout[-2000:]
        assert (tmp_path / "doc.pdf").read_bytes().startswith(b"%PDF")


# --- export without a browser -------------------------------------------------------------------


def test_no_browser_writes_html_only_with_a_clear_message(inputs, tmp_path, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))
    assert find_browser() is None
    corpus, assignments, topics, embeddings, attributes, keys = inputs
    figures = SurveyFigures(None, corpus, assignments, topics, embeddings, attributes, keys,
                            out_dir=tmp_path / "figures", write=False)
    with pytest.warns(BrowserNotFoundWarning, match="BROWSER_PATH"):
        report = export_figures({"topic_sizes": figures.topic_sizes()}, tmp_path / "figures")
    assert report.html_only and not report.ok
    assert "HTML only" in report.message and "chromium" in report.message
    written = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert written == ["plotly.min.js", "topic_sizes.html"]
    html = (tmp_path / "figures" / "topic_sizes.html").read_text(encoding="utf-8")
    assert 'src="plotly.min.js"' in html and 'id="surveykit-topic_sizes"' in html


def test_build_all_without_browser_still_writes_html_and_tree(inputs, tmp_path, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))
    corpus, assignments, topics, embeddings, attributes, keys = inputs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BrowserNotFoundWarning)
        with SurveyFigures(None, corpus, assignments, topics, embeddings, attributes, keys,
                           out_dir=tmp_path) as figures:
            result = figures.build_all()
    assert set(result) == {"paper_map", "topic_sizes", "taxonomy", "papers_per_year", "attribute_heatmap",
                           "topic_similarity"}
    assert result.report.html_only
    for name in result:
        assert (tmp_path / f"{name}.html").is_file()
        assert not (tmp_path / f"{name}.pdf").exists()
    assert (tmp_path / "taxonomy_tree.tex").read_text(encoding="utf-8").startswith("% Taxonomy tree")


def test_html_is_deterministic(inputs):
    corpus, assignments, topics, embeddings, attributes, keys = inputs
    figures = SurveyFigures(None, corpus, assignments, topics, embeddings, attributes, keys,
                            out_dir="unused", write=False)
    assert figure_html(figures.paper_map(), "map") == figure_html(figures.paper_map(), "map")


def test_stabilisers_keep_lengths():
    pdf = b"%PDF-1.4\n<< /CreationDate (D:20250101120000+00'00') /ModDate (D:20250101120000+00'00') >>"
    assert len(stable_pdf(pdf)) == len(pdf) and b"2025" not in stable_pdf(pdf)
    svg = b'<svg><clipPath id="clip1a2b3cxyplot"/><g clip-path="url(#clip1a2b3cxyplot)"/></svg>'
    assert stable_svg(svg).count(b"clip000000xyplot") == 2


def test_export_rejects_unsafe_names_and_formats(tmp_path):
    with pytest.raises(ValueError, match="file name"):
        export_figures({"../evil": go.Figure()}, tmp_path, formats=("html",))
    with pytest.raises(ValueError, match="unknown figure format"):
        export_figures({"ok": go.Figure()}, tmp_path, formats=("gif",))



def test_stable_svg_fixes_plotly_random_ids_without_clip_paths():
    from surveykit.figures.export import stable_svg

    sunburst = b'<svg><defs id="defs-cd9dfd"><g/></defs><defs id="topdefs-cd9dfd"/></svg>'
    assert stable_svg(sunburst) == b'<svg><defs id="defs-000000"><g/></defs><defs id="topdefs-000000"/></svg>'
    clipped = (b'<svg><defs id="defs-a1b2c3"/><clipPath id="clipa1b2c3xyplot"/>'
               b'<g clip-path="url(#clipa1b2c3xy)"/></svg>')
    assert b"a1b2c3" not in stable_svg(clipped)


def test_static_files_leave_out_what_only_hovering_shows():
    import plotly.graph_objects as go

    from surveykit.figures.export import static_spec

    fig = go.Figure([go.Scatter(x=[1, 2], y=[3, 4], mode="markers", text=["a", "b"],
                                customdata=["p1", "p2"], hovertemplate="%{text}"),
                     go.Scatter(x=[1], y=[2], mode="text", text=["Topic label"])])
    spec = static_spec(fig)
    assert "text" not in spec["data"][0] and "customdata" not in spec["data"][0]
    assert spec["data"][1]["text"] == ("Topic label",) or list(spec["data"][1]["text"]) == ["Topic label"]
    assert fig.data[0].text == ("a", "b")  # the figure itself is untouched


def test_a_failed_render_restarts_the_browser_and_tries_again(tmp_path):
    import plotly.graph_objects as go

    from surveykit.figures.export import ExportReport, _render_all

    class FlakySession:
        def __init__(self):
            self.calls, self.closed = 0, 0

        def render(self, spec, fmt, width, height, scale):
            self.calls += 1
            if self.calls == 1:
                raise TimeoutError("a message reached the browser cut short")
            return b"%PDF-1.4 fake"

        def close(self):
            self.closed += 1

    session = FlakySession()
    report = ExportReport(out_dir=tmp_path, files={"map": []})
    _render_all(session, {"map": go.Figure()}, ["pdf"], {}, 300, tmp_path, report)
    assert not report.errors and session.closed == 1 and (tmp_path / "map.pdf").exists()


def test_tree_names_systems_of_papers_with_authors_only():
    """A paper without authors is cited by its title ("GENIE: ...", n.d.): naming it again in the
    tree would read "GENIE (GENIE, n.d.)"."""
    from surveykit.corpus.model import Corpus, Paper

    figures = SurveyFigures.__new__(SurveyFigures)
    figures.corpus = Corpus([Paper(title="AgentTuning: Enabling Agents", authors=["Zeng, Aohan"], id="a"),
                             Paper(title="GENIE: A Leaderboard for Generation", id="b")])
    figures._keys = {"a": "zeng2024", "b": "GENIELeaderboard"}
    assert figures.short_names() == {"zeng2024": "AgentTuning"}


def test_papers_per_year_shows_every_theme_and_no_zero_totals():
    """Fourteen themes over 44 years (a title-only .bib library): the legend holds all fourteen
    (plotly cuts a vertical legend at the plot's height, so the figure grows), and empty years get
    no "0" above them."""
    from surveykit.figures.papers_per_year import LEGEND_LINE_PX, LEGEND_MARGIN_PX, plot_papers_per_year

    years = list(range(1976, 2020))
    counts = pd.DataFrame({t: [(y + t) % 3 if y > 1990 else 0 for y in years] for t in range(14)},
                          index=years)
    counts.loc[1976, 0] = 1
    labels = {t: f"Theme number {t}" for t in range(14)}
    fig = plot_papers_per_year(counts, labels, topic_colors(range(14)))
    assert fig.layout.height >= 14 * LEGEND_LINE_PX + LEGEND_MARGIN_PX
    totals = next(t for t in fig.data if t.uid == "year_totals")
    assert "0" not in totals.text and totals.text[0] == "1"
    few = plot_papers_per_year(counts[[0, 1]], labels, topic_colors(range(2)))
    assert few.layout.height == inches(2.8)
