"""Table exporters: LaTeX (booktabs fragment), Markdown, CSV, HTML, and a styled notebook view.

Cell conventions of the table frames (:mod:`surveykit.tables.build`): ``✓`` is a check mark
(``\\checkmark`` in LaTeX); the columns named in ``df.attrs["cite_columns"]`` hold citation keys
(comma-separated), rendered ``\\cite{k1,k2}`` in LaTeX and as plain keys elsewhere. Every other
cell is text and is escaped for the target format.

A LaTeX fragment is meant to be ``\\input`` by a document whose preamble has::

    \\usepackage{booktabs}   % \\toprule, \\midrule, \\bottomrule
    \\usepackage{amssymb}    % \\checkmark
    \\usepackage{graphicx}   % \\resizebox for wide tables
    \\usepackage{pdflscape}  % only for wide="landscape"
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pandas as pd

from surveykit import io
from surveykit.bib.latex import escape_latex
from surveykit.textutil import markdown_escape

CHECK = "\u2713"
LATEX_PACKAGES = ("booktabs", "amssymb", "graphicx", "pdflscape")
WIDE_MODES = ("auto", "resize", "landscape", "none")
_SAFE_KEY = re.compile(r"[^\s{}\\%#~,]+")
_WIDE_CHARS = 95  # estimated characters per line beyond which "auto" resizes to \textwidth
_WRAP_CHARS = 30  # a text column with longer cells wraps in a p{} column


def cite_columns(df: pd.DataFrame, given: list[str] | tuple[str, ...] | None = None) -> list[str]:
    columns = given if given is not None else df.attrs.get("cite_columns", [])
    return [c for c in columns if c in df.columns]


def _keys(cell: object) -> list[str]:
    return [k.strip() for k in str(cell or "").split(",") if k.strip()]


def _text(cell: object) -> str:
    if cell is None or (isinstance(cell, float) and pd.isna(cell)) or cell is pd.NA:
        return ""
    return str(cell)


# --- LaTeX -------------------------------------------------------------------------------------


def latex_cell(cell: object, cite: bool = False) -> str:
    """One cell as LaTeX: ``\\cite{...}`` for citation cells, ``\\checkmark`` for ``✓``, else escaped."""
    text = _text(cell).strip()
    if cite:
        keys = _keys(text)
        if keys and all(_SAFE_KEY.fullmatch(k) for k in keys):
            return rf"\cite{{{','.join(keys)}}}"
        return escape_latex(text)
    if text == CHECK:
        return r"\checkmark"
    parts = []
    for part in text.split(CHECK):
        lead = " " if part[:1].isspace() else ""
        trail = " " if part[-1:].isspace() else ""
        parts.append(lead + escape_latex(part) + trail if part.strip() else part)
    return r"\checkmark{}".join(parts)


def _is_check_column(values: list[str]) -> bool:
    present = [v for v in values if v]
    return bool(present) and all(v == CHECK for v in present)


def _is_number_column(values: list[str]) -> bool:
    present = [v for v in values if v]
    return bool(present) and all(re.fullmatch(r"-?\d+(?:\.\d+)?", v) for v in present)


def column_spec(df: pd.DataFrame) -> tuple[str, list[int]]:
    """A tabular column spec (``c`` checks, ``r`` numbers, ``l`` short text, ``p{}`` long text)
    and the estimated width of each column in characters."""
    specs, widths = [], []
    for column in df.columns:
        values = [_text(v) for v in df[column].tolist()]
        longest = max([len(str(column))] + [len(v) for v in values])
        if _is_check_column(values):
            specs.append("c")
            widths.append(max(2, len(str(column))))
        elif _is_number_column(values):
            specs.append("r")
            widths.append(longest)
        elif longest > _WRAP_CHARS:
            width_chars = min(longest, 40)
            specs.append(f"p{{{width_chars * 0.15:.1f}cm}}")
            widths.append(width_chars)
        else:
            specs.append("l")
            widths.append(longest)
    return "".join(specs), widths


def to_latex(
    df: pd.DataFrame,
    path: str | os.PathLike[str] | None = None,
    caption: str = "",
    label: str = "",
    wide: str = "auto",
    cite: list[str] | tuple[str, ...] | None = None,
    drop: list[str] | tuple[str, ...] = (),
    placement: str = "htbp",
    note: str = "",
) -> str:
    """The table as a LaTeX fragment (a ``table`` float with a booktabs ``tabular``); written
    atomically to ``path`` when given. ``wide``: ``auto`` (resize to ``\\textwidth`` when wider
    than a page), ``resize``, ``landscape`` (a page of its own, pdflscape) or ``none``."""
    if wide not in WIDE_MODES:
        raise ValueError(f"wide must be one of {', '.join(WIDE_MODES)}, got {wide!r}")
    frame = df.drop(columns=[c for c in drop if c in df.columns])
    cites = set(cite_columns(df, cite))
    spec, widths = column_spec(frame)
    resize = wide == "resize" or (wide == "auto" and sum(widths) + 3 * len(widths) > _WIDE_CHARS)
    header = " & ".join(escape_latex(str(c)) for c in frame.columns) + r" \\"
    body = []
    for _, row in frame.iterrows():
        cells = [latex_cell(row[c], cite=c in cites) for c in frame.columns]
        body.append(" & ".join(cells) + r" \\")
    tabular = [
        rf"\begin{{tabular}}{{{spec}}}",
        r"\toprule",
        header,
        r"\midrule",
        *body,
        r"\bottomrule",
        r"\end{tabular}",
    ]
    if resize:
        tabular = [r"\resizebox{\textwidth}{!}{%", *tabular[:-1], tabular[-1] + "%", "}"]
    needs = (
        ["booktabs", "amssymb"]
        + (["graphicx"] if resize else [])
        + (["pdflscape"] if wide == "landscape" else [])
    )
    lines = [
        f"% Generated by surveykit. Needs \\usepackage{{{','.join(needs)}}}.",
        rf"\begin{{table}}[{placement}]",
        r"\centering",
    ]
    if caption:
        lines.append(rf"\caption{{{escape_latex(caption)}}}")
    if label:
        lines.append(rf"\label{{{label}}}")
    lines += tabular
    if note:
        lines.append(rf"\par\smallskip{{\footnotesize {escape_latex(note)}}}")
    lines.append(r"\end{table}")
    if wide == "landscape":
        lines = [lines[0], r"\begin{landscape}", *lines[1:], r"\end{landscape}"]
    text = "\n".join(lines) + "\n"
    if path is not None:
        io.write_text(path, text)
    return text


# --- Markdown, CSV, HTML ---------------------------------------------------------------------------


def _plain(df: pd.DataFrame, cite: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """Text cells; citation cells as ``key1, key2``."""
    cites = set(cite_columns(df, cite))
    frame = df.copy()
    for column in frame.columns:
        if column in cites:
            frame[column] = [", ".join(_keys(v)) for v in frame[column]]
        else:
            frame[column] = [_text(v) for v in frame[column]]
    return frame


def markdown_cell(cell: object) -> str:
    """One cell of a Markdown table: one line, HTML and Markdown syntax inert (``<script>`` shows as
    text), ``|`` escaped."""
    return markdown_escape(re.sub(r"\s+", " ", _text(cell)).strip())


def to_markdown(
    df: pd.DataFrame, path: str | os.PathLike[str] | None = None, cite: list[str] | None = None
) -> str:
    """A GitHub-flavoured Markdown table (check columns centred)."""
    frame = _plain(df, cite)
    align = []
    for column in frame.columns:
        values = frame[column].tolist()
        align.append(":---:" if _is_check_column(values) else "---:" if _is_number_column(values) else "---")
    lines = [
        "| " + " | ".join(markdown_cell(c) for c in frame.columns) + " |",
        "| " + " | ".join(align) + " |",
    ]
    for _, row in frame.iterrows():
        lines.append("| " + " | ".join(markdown_cell(v) for v in row.tolist()) + " |")
    text = "\n".join(lines) + "\n"
    if path is not None:
        io.write_text(path, text)
    return text


def to_csv(
    df: pd.DataFrame, path: str | os.PathLike[str] | None = None, cite: list[str] | None = None
) -> str:
    text = _plain(df, cite).to_csv(index=False, lineterminator="\n")
    if path is not None:
        io.write_text(path, text)
    return text


def to_html(
    df: pd.DataFrame,
    path: str | os.PathLike[str] | None = None,
    caption: str = "",
    cite: list[str] | None = None,
) -> str:
    """A standalone HTML ``<table>`` (cells escaped, deterministic)."""
    frame = _plain(df, cite)
    checks = {c for c in frame.columns if _is_check_column(frame[c].tolist())}
    lines = ['<table class="surveykit-table">']
    if caption:
        lines.append(f"  <caption>{html.escape(caption)}</caption>")
    lines.append(
        "  <thead><tr>" + "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns) + "</tr></thead>"
    )
    lines.append("  <tbody>")
    for _, row in frame.iterrows():
        cells = []
        for column in frame.columns:
            style = ' style="text-align:center"' if column in checks else ""
            cells.append(f"<td{style}>{html.escape(row[column])}</td>")
        lines.append("    <tr>" + "".join(cells) + "</tr>")
    lines += ["  </tbody>", "</table>"]
    text = "\n".join(lines) + "\n"
    if path is not None:
        io.write_text(path, text)
    return text


def styled(df: pd.DataFrame, caption: str = "", cite: list[str] | None = None):
    """A pandas Styler for notebooks: no index, check columns centred, text left-aligned."""
    frame = _plain(df, cite)
    checks = [c for c in frame.columns if _is_check_column(frame[c].tolist())]
    styler = (
        frame.style.format(escape="html")
        .hide(axis="index")
        .set_properties(**{"text-align": "left", "vertical-align": "top"})
    )
    if checks:
        styler = styler.set_properties(subset=checks, **{"text-align": "center"})
    styler = styler.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
    if caption:
        styler = styler.set_caption(caption)
    return styler


FORMATS = ("tex", "md", "csv", "html")


def write_table(
    df: pd.DataFrame,
    folder: str | os.PathLike[str],
    name: str,
    caption: str = "",
    label: str | None = None,
    formats: tuple[str, ...] | list[str] = FORMATS,
    latex_drop: tuple[str, ...] | list[str] = (),
    wide: str = "auto",
) -> dict[str, Path]:
    """Write ``<folder>/<name>.<ext>`` for each format; returns the paths by format."""
    folder = Path(folder)
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown table format(s) {', '.join(unknown)}; known: {', '.join(FORMATS)}")
    paths: dict[str, Path] = {}
    for fmt in formats:
        path = folder / f"{name}.{fmt}"
        if fmt == "tex":
            to_latex(
                df,
                path,
                caption=caption,
                label=label if label is not None else f"tab:{name}",
                drop=latex_drop,
                wide=wide,
            )
        elif fmt == "md":
            to_markdown(df, path)
        elif fmt == "csv":
            to_csv(df, path)
        else:
            to_html(df, path, caption=caption)
        paths[fmt] = path
    return paths
