"""Put the parts together: the :class:`SurveyDocument` in survey order, with floats placed.

Order: Introduction, Taxonomy (tree, overview table, figures), the topical sections, Comparison
(tables of the tables stage, or a table of representative papers when there is none), Open
Challenges and Future Directions, Conclusion.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from surveykit import io
from surveykit.draft.assets import DATED_FIGURES, TREE_FILE, TREE_LABEL, Asset, is_theme_table
from surveykit.draft.model import DraftSentence, Float, Paragraph, Ref, Segment, SurveyDocument, relpath
from surveykit.draft.outline import OVERVIEW_TABLE_LABEL, Drafter, _caption_phrase
from surveykit.tables.build import RELATED_SURVEYS
from surveykit.textutil import markdown_escape

ABSTRACT = (
    "This survey was drafted by surveykit from {n} papers. Its text is extractive: each sentence of "
    "the body is taken from the abstract of the paper it cites, or summarises the cited papers, or "
    "points to a table, figure or section; the file provenance.jsonl beside it maps every sentence to "
    "its source."
)


@lru_cache(maxsize=32)
def tex_package_available(name: str) -> bool:
    """Is ``<name>.sty`` installed (``kpsewhich``)? False without TeX."""
    tool = shutil.which("kpsewhich")
    if tool is None:
        return False
    try:
        done = subprocess.run([tool, f"{name}.sty"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(done.stdout.strip())


def taxonomy_outline(drafter: Drafter) -> str:
    """The taxonomy as a nested Markdown list (Markdown stand-in for the tree figure)."""
    lines = []
    for section in drafter.section_ids():
        rows = drafter.section_topics(section)
        if rows.empty:
            continue
        label = markdown_escape(str(drafter.section_label(section)))
        if len(rows) == 1:  # a theme that is a section of its own: no subtopic repeating it
            count = len(drafter.members(int(rows["topic"].iloc[0])))
            lines.append(f"- **{label}** ({count} papers)")
            continue
        lines.append(f"- **{label}**")
        for row in rows.itertuples(index=False):
            count = len(drafter.members(int(row.topic)))
            lines.append(f"  - {markdown_escape(str(row.label))} ({count} papers)")
    return "\n".join(lines)


def taxonomy_tree_float(
    drafter: Drafter, figures: list[Asset], draft_dir: Path, use_forest: bool = True
) -> Float:
    """The taxonomy figure: the figures stage's forest tree, else one drawn here, else a list."""
    flat = all(len(drafter.section_topics(s)) <= 1 for s in drafter.section_ids())
    caption = ("Taxonomy of the surveyed papers: the themes of this survey and the papers of each "
               "theme." if flat else "Taxonomy of the surveyed papers: the sections of this survey, "
               "their themes and the papers of each theme.")
    tree = next((f for f in figures if f.kind == "tree"), None)
    outline = taxonomy_outline(drafter)
    if use_forest and tree is not None:
        md = relpath(tree.markdown, draft_dir) if tree.markdown else None
        return Float(
            "figure",
            TREE_LABEL,
            caption,
            tex_input=relpath(tree.path, draft_dir),
            markdown=md,
            outline=outline,
            wide=True,
        )
    if use_forest:
        from surveykit.figures.forest_tree import forest_tree

        tree_path = draft_dir / TREE_FILE
        io.write_text(
            tree_path,
            forest_tree(drafter.topics, drafter.assignments, drafter.keys, root="Survey", max_cites=6),
        )
        return Float("figure", TREE_LABEL, caption, tex_input=TREE_FILE, outline=outline, wide=True)
    rows = [
        [
            [drafter.section_label(s)],
            [", ".join(str(r.label) for r in drafter.section_topics(s).itertuples())],
        ]
        for s in drafter.section_ids()
        if not drafter.section_topics(s).empty
    ]
    return Float(
        "table",
        TREE_LABEL,
        caption,
        columns=["Section", "Themes"],
        column_spec="p{0.3\\linewidth}p{0.6\\linewidth}",
        rows=rows,
        outline=outline,
    )


def _figure_float(asset: Asset, draft_dir: Path) -> Float:
    md = relpath(asset.markdown, draft_dir) if asset.markdown else None
    return Float("figure", asset.label, asset.caption, graphic=relpath(asset.path, draft_dir), markdown=md)


def _table_float(asset: Asset, draft_dir: Path) -> Float:
    md = asset.markdown.read_text(encoding="utf-8").strip() if asset.markdown else None
    return Float(
        "table",
        asset.label,
        asset.caption,
        tex_input=relpath(asset.path, draft_dir),
        markdown=md,
        has_own_float=asset.own_float,
    )


def build_document(
    drafter: Drafter,
    tables: list[Asset],
    figures: list[Asset],
    draft_dir: Path,
    bib_path: Path,
    title: str,
    author: str,
) -> SurveyDocument:
    """The whole survey as data (no file written except a fallback taxonomy tree fragment)."""
    use_forest = tex_package_available("forest") or shutil.which("kpsewhich") is None
    topical = drafter.topical_sections()
    tree = taxonomy_tree_float(drafter, figures, draft_dir, use_forest)
    dated = bool(drafter.years(list(drafter.assignments.index)))
    placed_figures = [f for f in figures if f.kind == "figure" and (dated or f.name not in DATED_FIGURES)]
    taxonomy, taxonomy_figures = drafter.taxonomy_section(placed_figures, topical)
    taxonomy.blocks.insert(1, tree)
    # one overview table: the tables stage's when it wrote one (same label), else the drafter's
    shared = [t for t in tables if t.label == OVERVIEW_TABLE_LABEL]
    tables = [t for t in tables if t.label != OVERVIEW_TABLE_LABEL]
    taxonomy.blocks.append(_table_float(shared[0], draft_dir) if shared else drafter.overview_table())
    taxonomy.blocks += [_figure_float(f, draft_dir) for f in taxonomy_figures]

    # the related surveys' table goes with their paragraph in the introduction
    related = [t for t in tables if t.name == RELATED_SURVEYS and drafter.related]
    tables = [t for t in tables if t not in related]
    comparison_figures = [f for f in placed_figures if f.place == "comparison"]
    tables = comparison_order(tables)
    comparison = drafter.comparison_section(tables, comparison_figures)
    table_floats = [_table_float(t, draft_dir) for t in tables]
    if not table_floats:
        table_floats = [drafter.representative_table()]
        comparison.blocks.insert(0, _representatives_paragraph(table_floats[0]))
    comparison.blocks += table_floats + [_figure_float(f, draft_dir) for f in comparison_figures]

    intro_figures = [f for f in placed_figures if f.place == "introduction"]
    introduction = drafter.introduction(
        topical, has_comparison=True, related_table=_table_float(related[0], draft_dir) if related else None,
        years_figure=next((f.label for f in intro_figures if f.name in DATED_FIGURES and f.label), None))
    for fig in intro_figures:
        sentence = DraftSentence(
            [Ref(fig.label, "Figure"), f" shows the {_caption_phrase(fig.caption)}."], "structural")
        introduction.blocks.insert(1, Paragraph([sentence]))
        introduction.blocks.insert(2, _figure_float(fig, draft_dir))
    challenges = drafter.challenges_section(topical)
    conclusion = drafter.conclusion(topical)
    sections = [introduction, taxonomy, *topical, comparison, challenges, conclusion]
    if tree.kind == "table":  # no forest: the taxonomy is a table, referenced as such
        for section in sections:
            for _, block in section.walk():
                for sentence in getattr(block, "sentences", []):
                    sentence.segments = [_retarget(s) for s in sentence.segments]
    n = len(drafter.assignments)
    bib = relpath(bib_path.with_suffix(""), draft_dir)
    abstract = drafter.abstract_text(topical) if n else ABSTRACT.format(n=n)
    return SurveyDocument(title, author, abstract, sections, bib)


def comparison_order(tables: list[Asset]) -> list[Asset]:
    """The themes' tables first, in the order of the sections, then the corpus-wide ones: a theme's
    table that is long runs on from the text (a longtable), and a float set before it would wait
    for the pages after it, printed out of its number's order."""
    return [t for t in tables if is_theme_table(t)] + [t for t in tables if not is_theme_table(t)]


def _retarget(segment: Segment) -> Segment:
    if isinstance(segment, Ref) and segment.label == TREE_LABEL:
        return Ref(TREE_LABEL, "Table")
    return segment


def _representatives_paragraph(table: Float) -> Paragraph:
    return Paragraph(
        [
            DraftSentence(
                [
                    Ref(table.label, "Table"),
                    " compares representative papers of each theme by year and venue.",
                ],
                "structural",
            )
        ]
    )
