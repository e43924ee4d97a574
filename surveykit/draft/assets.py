"""Tables and figures the other stages wrote, found on disk, as :class:`Float` blocks.

Only what exists is used, so the draft works with or without the tables and figures stages:

- ``tables/<name>.tex``: a LaTeX fragment. When it is a whole float (``\\begin{table}``,
  ``longtable``, ``landscape``...) it is ``\\input`` as is and its own ``\\label`` is referenced;
  otherwise (a bare ``tabular``) it is wrapped in a ``table`` with a caption. ``<name>.md`` next to
  it is the Markdown version. A caption comes from ``<name>.caption.txt``, else from the name.
- ``figures/taxonomy_tree.tex``: the ``forest`` taxonomy tree, input in a ``figure*``.
- ``figures/<name>.pdf``: included with ``\\includegraphics``; Markdown shows ``<name>.png`` (or
  ``.svg``) when present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from surveykit.tables.build import THEME_TABLE

TREE_FILE = "taxonomy_tree.tex"
TREE_LABEL = "fig:taxonomy-tree"

FIGURE_CAPTIONS = {
    "taxonomy": "The taxonomy of the surveyed papers: sections and their themes, sized by paper count.",
    "paper_map": "Map of the corpus: each point is a paper, placed by the similarity of its title and "
    "abstract and coloured by theme.",
    "topic_sizes": "Number of papers per theme.",
    "papers_per_year": "Papers per year of publication, by theme.",
    "attribute_heatmap": "Attribute values across themes.",
    "topic_similarity": "Similarity between themes.",
}
# Which part of the survey shows a figure (default: the taxonomy overview).
# Where a figure goes. "omit": its numbers are already shown elsewhere (the per-theme counts of
# topic_sizes and of the taxonomy sunburst are in the overview table and the taxonomy tree).
FIGURE_PLACES = {
    "attribute_heatmap": "comparison",
    "papers_per_year": "introduction",
    "topic_sizes": "omit",
    "taxonomy": "omit",
}
# Figures of publication years: nothing to show when no paper has a year (a CSV without one)
DATED_FIGURES = frozenset({"papers_per_year"})
_OWN_FLOAT = re.compile(r"\\begin\{(?:table\*?|longtable|landscape|sidewaystable|figure\*?|xltabular)\}")
_LABEL = re.compile(r"\\label\{([^}]+)\}")
_CAPTION_FILE_SUFFIX = ".caption.txt"


@dataclass(frozen=True)
class Asset:
    """A table or figure file found on disk."""

    kind: str  # "table", "figure" or "tree"
    name: str
    path: Path
    caption: str
    label: str  # empty: a complete float without a \\label (shown, not referenced)
    own_float: bool = False
    markdown: Path | None = None  # .md table or .png/.svg image

    @property
    def place(self) -> str:
        if self.kind == "table":
            return "comparison"
        return FIGURE_PLACES.get(self.name, "taxonomy")


def theme_of(asset: Asset) -> int | None:
    """The theme (topic id) of one theme's table of papers (``tables/topic_NN``); None for a
    table of the whole corpus or a figure."""
    match = THEME_TABLE.fullmatch(asset.name) if asset.kind == "table" else None
    return int(match.group(1)) if match else None


def is_theme_table(asset: Asset) -> bool:
    """One theme's table of papers (``tables/topic_NN``), not a table of the whole corpus."""
    return theme_of(asset) is not None


def _humanise(name: str) -> str:
    text = re.sub(r"[_\-]+", " ", name).strip()
    return text[:1].upper() + text[1:] + "."


_TEX_CAPTION = re.compile(r"\\caption\{((?:[^{}]|\{[^{}]*\})*)\}")
_TEX_ESCAPE = re.compile(r"\\([&%$#_{}])")


def _caption(path: Path, default: str) -> str:
    """The sidecar caption, else the fragment's own ``\\caption{...}`` (unescaped), else ``default``."""
    sidecar = path.with_name(path.stem + _CAPTION_FILE_SUFFIX)
    if sidecar.exists():
        text = sidecar.read_text(encoding="utf-8").strip()
        if text:
            return text
    if path.suffix == ".tex" and path.exists():
        match = _TEX_CAPTION.search(path.read_text(encoding="utf-8", errors="replace"))
        if match:
            return _TEX_ESCAPE.sub(r"\1", match.group(1)).replace("{\\ldots}", "\u2026").strip()
    return default


def _label(prefix: str, name: str) -> str:
    return f"{prefix}:{re.sub(r'[^A-Za-z0-9]+', '-', name).strip('-').lower()}"


def _only_inputs(text: str) -> bool:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("%")]
    return all(ln.startswith(("\\input", "\\providecommand")) for ln in lines)


def find_tables(folder: Path | None) -> list[Asset]:
    """``*.tex`` table fragments in ``folder`` (sorted by name)."""
    if folder is None or not Path(folder).is_dir():
        return []
    out = []
    for path in sorted(Path(folder).glob("*.tex")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if not text.strip() or _only_inputs(text):
            continue  # empty, or an index that inputs the others (tables/all_tables.tex)
        own = bool(_OWN_FLOAT.search(text))
        labels = _LABEL.findall(text)
        label = (labels[0] if labels else "") if own else _label("tab", path.stem)
        md = path.with_suffix(".md")
        out.append(
            Asset(
                "table",
                path.stem,
                path,
                _caption(path, _humanise(path.stem)),
                label,
                own,
                md if md.exists() else None,
            )
        )
    return out


def find_figures(folder: Path | None) -> list[Asset]:
    """The taxonomy tree fragment and the ``*.pdf`` figures in ``folder`` (sorted by name)."""
    if folder is None or not Path(folder).is_dir():
        return []
    folder = Path(folder)
    out = []
    tree = folder / TREE_FILE
    if tree.exists() and tree.read_text(encoding="utf-8", errors="replace").strip():
        # no image: Markdown shows the tree as a nested list (the sunburst has its own figure)
        out.append(Asset("tree", "taxonomy_tree", tree, "", TREE_LABEL))
    for path in sorted(folder.glob("*.pdf")):
        image = next((p for p in (path.with_suffix(".png"), path.with_suffix(".svg")) if p.exists()), None)
        default = FIGURE_CAPTIONS.get(path.stem, _humanise(path.stem))
        out.append(
            Asset(
                "figure", path.stem, path, _caption(path, default), _label("fig", path.stem), markdown=image
            )
        )
    return out
