"""The taxonomy as a LaTeX ``forest`` tree: sections -> subtopics -> cited papers.

The figure readers know from survey papers: a horizontal tree, the survey at the root, the
sections, their subtopics boxed in the topic's colour, and a leaf per subtopic with the
``\\cite{}`` of its papers (representatives first, capped with "and N more").

The output is a fragment: ``\\definecolor`` lines and one ``forest`` environment. Put it in a
``figure*`` of a two-column paper::

    \\usepackage{forest}  % TeX Live: texlive-pictures (Debian/Ubuntu package of the same name)
    ...
    \\begin{figure*}\\centering\\input{figures/taxonomy_tree.tex}\\caption{...}\\end{figure*}

Only ``forest`` is needed (it loads TikZ and xcolor); no forest library is used.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from surveykit.bib.latex import escape_latex
from surveykit.figures.data import cited_papers, topic_table
from surveykit.figures.theme import topic_colors

FOREST_STY_PACKAGE = "texlive-pictures"
TOTAL_CITES = 60  # papers cited in the whole tree: about a page of leaves at \scriptsize

_STYLE = r"""\begin{forest}
  for tree={
    grow'=0, parent anchor=east, child anchor=west, anchor=west,
    font=\footnotesize, rounded corners=1.5pt, draw=black!55, line width=0.4pt,
    inner xsep=2.5pt, inner ysep=1.8pt, l sep=7pt, s sep=2.5pt,
    edge={draw=black!45, line width=0.4pt},
    edge path={\noexpand\path[\forestoption{edge}]
      (!u.parent anchor) -- +(3.5pt,0) |- (.child anchor)\forestoption{edge label};},
  },
  where level=0{rotate=90, anchor=center, child anchor=north, parent anchor=south,
                font=\footnotesize\bfseries, fill=black!6}{},
%(styles)s"""
# node styles by role, not by depth: a section without subtopics is its theme, drawn in the themes'
# column (tier) straight from the root, its papers in the papers' column
_STYLES = r"""  sksection/.style={text width=%(section)s, font=\footnotesize\bfseries\skwrap, fill=black!4},
  sktheme/.style={tier=theme, text width=%(topic)s, font=\footnotesize\skwrap},
  skpapers/.style={tier=papers, text width=%(leaf)s, font=\scriptsize\skwrap, draw=black!25},"""


def _leaf(keys: list[str], names: Mapping[str, str]) -> str:
    """A leaf's papers: ``Name~\\citep{key}`` for a paper with a short name, ``\\citet{key}`` else;
    without any name, one ``\\cite{...}`` of them all (as before)."""
    if not any(k in names for k in keys):
        return f"\\cite{{{','.join(keys)}}}"
    return ", ".join(f"{escape_latex(names[k])}~\\citep{{{k}}}" if k in names else f"\\citet{{{k}}}"
                     for k in keys)


def _colour_name(topic: int) -> str:
    return f"skTopic{'M' if topic < 0 else ''}{abs(topic)}"


def forest_tree(
    topics: pd.DataFrame,
    assignments: pd.DataFrame,
    keys: Mapping[str, str],
    root: str = "Taxonomy",
    max_cites: int = 8,
    total_cites: int = TOTAL_CITES,
    section_width: str = "6.2em",
    topic_width: str = "10em",
    leaf_width: str = "25em",
    colors: Mapping[int, str] | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """The ``forest`` fragment (see the module docstring); labels are LaTeX-escaped.

    Sections and topics follow the figure order (section id, then topic id); empty topics and the
    outlier topic are left out. ``names``: cite key -> the paper's short (system) name; a named
    paper's leaf entry reads "AgentTuning (Zeng et al., 2024)", an unnamed one "Zeng et al. (2024)".
    A section of one theme of the same name (every section, in a flat outline) is drawn as that
    theme, in the themes' column, straight from the root. A subtopic cites at most ``max_cites``
    papers, and at most ``total_cites`` are cited in all (at least one per subtopic), so that the
    tree of a conference's 20 themes fits a page at a readable size instead of being shrunk to fit.
    """
    if max_cites < 1:
        raise ValueError(f"max_cites must be at least 1, got {max_cites}")
    table = topic_table(topics, assignments)
    table = table[table["size"] > 0]
    max_cites = max(1, min(max_cites, total_cites // max(len(table), 1)))
    colors = dict(colors) if colors is not None else topic_colors(topics)
    lines = ["% Taxonomy tree written by surveykit (sections -> subtopics -> papers).",
             f"% Needs \\usepackage{{forest}} (TeX Live package forest; Debian: {FOREST_STY_PACKAGE}).",
             "\\providecommand{\\surveykitmore}[1]{, and #1~more}",
             "% ragged-right, unhyphenated node text (forest's own align=left would stop line breaks)",
             "\\providecommand{\\skwrap}{\\raggedright\\hyphenpenalty=10000\\relax}"]
    for topic in table["topic"]:
        hex_color = colors.get(int(topic), "#A0A0A0").lstrip("#").upper()
        lines.append(f"\\definecolor{{{_colour_name(int(topic))}}}{{HTML}}{{{hex_color}}}")
    groups = [group for _, group in table.groupby("section", sort=True)]
    styles = _STYLES % {"section": section_width, "topic": topic_width, "leaf": leaf_width}
    body = [(_STYLE % {"styles": styles + "\n"}).rstrip("\n")]
    body.append(f"  [{{{escape_latex(root)}}}")
    for group in groups:
        # a section of one theme of the same name is that theme: root -> theme -> papers
        alone = len(group) == 1 and str(group["section_label"].iloc[0]) == str(group["label"].iloc[0])
        if not alone:
            body.append(f"    [{{{escape_latex(str(group['section_label'].iloc[0]))}}}, sksection")
        for row in group.itertuples(index=False):
            colour = _colour_name(int(row.topic))
            style = f"sktheme, draw={colour}!80!black, fill={colour}!12, line width=0.6pt"
            cites = cited_papers(assignments, topics, int(row.topic), keys)
            label = escape_latex(str(row.label))
            if not cites:
                body.append(f"      [{{{label}}}, {style}]")
                continue
            shown, rest = cites[:max_cites], len(cites) - max_cites
            leaf = _leaf(shown, names or {}) + (f"\\surveykitmore{{{rest}}}" if rest > 0 else "")
            body.append(f"      [{{{label}}}, {style}")
            body.append(f"        [{{{leaf}}}, skpapers, draw={colour}!80!black!55]")
            body.append("      ]")
        if not alone:
            body.append("    ]")
    body.append("  ]")
    body.append("\\end{forest}")
    return "\n".join(lines + body) + "\n"


def forest_document(fragment_name: str = "taxonomy_tree.tex") -> str:
    """A minimal standalone document that inputs the fragment (to check that it compiles)."""
    return (
        "\\documentclass{article}\n\\usepackage[margin=1.5cm]{geometry}\n\\usepackage{forest}\n"
        "\\begin{document}\n\\begin{figure*}\\centering\n"
        f"\\input{{{fragment_name}}}\n\\end{{figure*}}\n\\end{{document}}\n"
    )
