"""Table exporters: LaTeX (booktabs fragment), Markdown, CSV, HTML, and a styled notebook view.

Cell conventions of the table frames (:mod:`surveykit.tables.build`): ``✓`` is a check mark
(``\\checkmark`` in LaTeX); the columns named in ``df.attrs["cite_columns"]`` hold citation keys
(comma-separated), rendered ``\\cite{k1,k2}`` in LaTeX and as plain keys elsewhere. Every other
cell is text and is escaped for the target format.

A LaTeX fragment is meant to be ``\\input`` by a document whose preamble has::

    \\usepackage{booktabs}   % \\toprule, \\midrule, \\bottomrule
    \\usepackage{amssymb}    % \\checkmark
    \\usepackage{array}      % ragged-right wrapping p{} columns
    \\usepackage{longtable}  % a table taller than a page
    \\usepackage{graphicx}   % \\resizebox, only for wide="resize"
    \\usepackage{pdflscape}  % a table set on a landscape page
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from surveykit import io
from surveykit.bib.latex import escape_latex, keep_scripts
from surveykit.texengine import unicode_available
from surveykit.textutil import markdown_escape

CHECK = "\u2713"
LATEX_PACKAGES = ("booktabs", "amssymb", "array", "longtable", "graphicx", "pdflscape")
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


_TEXT_WIDTH_CM = 16.0  # a conservative \textwidth of the draft (letter paper, 1in margins: 16.5 cm)
_TEXT_HEIGHT_CM = 20.5  # ... and its \textheight: the width of a landscape page
_CHAR_CM_PER_PT = 0.0185  # average character width (cm) per point of font size, generous
_COLUMN_SEP_CM = 0.21  # 2\tabcolsep at 3pt (set with the small font)
_MIN_WRAP_CM = 1.2
_WRAP_SHORT = 10  # when fitting, text columns wider than this (characters) may wrap
_CITE_CHARS, _CITE_WORD = 20, 11  # a rendered citation: "Huang et al. (2024)"
# (size command, point size) in an 11 pt document: never below 8 pt
FONT_SIZES = (("", 11.0), ("footnotesize", 9.0), ("scriptsize", 8.0))
_SMALL_CHAR_CM = 9.0 * _CHAR_CM_PER_PT
_RAGGED = r">{\raggedright\arraybackslash\hspace{0pt}}"  # \hspace: the first word may hyphenate


@dataclass(frozen=True)
class TableLayout:
    """How a table is set: column spec, font size command ("" = body size), landscape page,
    ``longtable`` (breaks across pages)."""

    spec: str
    size: str = ""
    landscape: bool = False
    long: bool = False

    @property
    def points(self) -> float:
        return dict(FONT_SIZES)[self.size]


_PREFIX = r"(?:>\{(?:[^{}]|\{[^{}]*\})*\})"  # a >{...} column prefix (one level of braces inside)


def _spec_parts(spec: str) -> list[str]:
    """The columns of a spec: ``l``, ``c``, ``r`` or ``p{..}`` (with its ``>{..}`` prefix)."""
    return re.findall(_PREFIX + r"?p\{[^}]*\}|[lcr]", spec)


def fit_columns(
    spec: str, widths: list[int], words: list[int] | None = None, width_cm: float = _TEXT_WIDTH_CM,
    char_cm: float = _SMALL_CHAR_CM,
) -> str | None:
    """The spec with its text columns as wrapping ``p{}`` columns narrowed so the table fits
    ``width_cm`` at characters of ``char_cm``, or ``None`` when even the narrowest wrap (the
    longest word of each column) does not fit."""
    parts = [re.sub("^" + _PREFIX, "", part) for part in _spec_parts(spec)]
    if len(parts) != len(widths):
        return None
    parts = ["p{}" if p == "l" and w > _WRAP_SHORT else p for p, w in zip(parts, widths, strict=True)]
    fixed = sum(w * char_cm for p, w in zip(parts, widths, strict=True) if not p.startswith("p"))
    budget = width_cm - fixed - _COLUMN_SEP_CM * len(parts)
    wrapped = [w for p, w in zip(parts, widths, strict=True) if p.startswith("p")]
    if not wrapped or budget < _MIN_WRAP_CM * len(wrapped):
        return None
    words = words or [0] * len(parts)
    floors = [max(_MIN_WRAP_CM, words[i] * char_cm + 0.1) for i, p in enumerate(parts)]
    if sum(f for f, p in zip(floors, parts, strict=True) if p.startswith("p")) > budget:
        return None
    wrap = [i for i, p in enumerate(parts) if p.startswith("p")]
    sizes = _allocate(budget, {i: widths[i] * char_cm for i in wrap}, {i: floors[i] for i in wrap})
    out = [f"{_RAGGED}p{{{sizes[i]:.1f}cm}}" if i in sizes else part for i, part in enumerate(parts)]
    return "".join(out)


def _allocate(budget: float, wanted: dict[int, float], floors: dict[int, float]) -> dict[int, float]:
    """Widths within ``budget``: each column its wanted width when all fit, else shares in
    proportion to what it wants, never below its floor (floors are fixed first)."""
    if sum(wanted.values()) <= budget:
        return {i: max(w, floors[i]) for i, w in wanted.items()}
    fixed: dict[int, float] = {}
    while True:
        free = {i: w for i, w in wanted.items() if i not in fixed}
        left = budget - sum(fixed.values())
        total = sum(free.values()) or 1.0
        share = {i: left * w / total for i, w in free.items()}
        low = {i: floors[i] for i, s in share.items() if s < floors[i]}
        if not low:
            return {**fixed, **{i: min(s, wanted[i]) for i, s in share.items()}}
        fixed.update(low)


def column_spec(df: pd.DataFrame, cites: set[str] | frozenset[str] = frozenset()) -> tuple[str, list[int]]:
    """A tabular column spec (``c`` checks, ``r`` numbers, ``l`` short text, ``p{}`` long text)
    and the estimated width of each column in characters (a citation column: its rendered width)."""
    specs, widths = [], []
    for column in df.columns:
        values = [_text(v) for v in df[column].tolist()]
        longest = max([len(str(column))] + [len(v) for v in values])
        if column in cites:
            longest = max(len(str(column)), _CITE_CHARS * max([len(_keys(v)) for v in values] + [1]))
        if column in cites:  # wraps: an author-less paper's citation is its title
            specs.append(f"{_RAGGED}p{{{longest * 0.19:.1f}cm}}")
            widths.append(longest)
        elif _is_check_column(values):
            specs.append("c")
            widths.append(max(2, len(str(column))))
        elif _is_number_column(values):
            specs.append("r")
            widths.append(longest)
        elif longest > _WRAP_CHARS:  # a column of long texts (titles) wants more room when squeezed
            specs.append(f"p{{{min(longest, 40) * 0.15:.1f}cm}}")
            widths.append(min(longest, 80))
        else:
            specs.append("l")
            widths.append(longest)
    return "".join(specs), widths


def _longest_words(frame: pd.DataFrame, cites: set[str]) -> list[int]:
    out = []
    for column in frame.columns:
        if column in cites:  # "cite_word": the longest word of a title-like citation label
            out.append(max(_CITE_WORD, len(str(column)), int(frame.attrs.get("cite_word", 0))))
            continue
        words = [len(w) for v in frame[column].tolist() for w in _text(v).split()]
        out.append(max(words + [len(w) for w in str(column).split()]))
    return out


def _header_row(columns: Sequence[Any], spec: str) -> str:
    """The header row; in a wrapping (``p{}``) column a one-word header is never hyphenated
    ("Compo-nents"): the column is as wide as its longest word by estimate, and a word a point
    wider than that reaches into the column gap, whole, on the header's line."""
    parts = _spec_parts(spec)
    cells = []
    for i, column in enumerate(columns):
        text = escape_latex(str(column))
        if i < len(parts) and "p{" in parts[i] and " " not in text and len(text) > 4:
            text = rf"\makebox[\linewidth][l]{{{text}}}"
        cells.append(text)
    return " & ".join(cells) + r" \\"


def _cell_chars(frame: pd.DataFrame, cites: set[str]) -> list[list[int]]:
    """Characters of each cell (rows first; the header row included), citations at rendered width."""
    rows = [[len(str(c)) for c in frame.columns]]
    for row in _records(frame):
        rows.append([_CITE_CHARS * len(_keys(row[c])) if c in cites else len(_text(row[c]))
                     for c in frame.columns])
    return rows


def _height_cm(spec: str, chars: list[list[int]], points: float) -> float:
    """Estimated height of the table: wrapped lines per row at ``points`` (plus caption and rules)."""
    widths = [float(m.group(1)) if m else None
              for m in (re.search(r"p\{([\d.]+)cm\}", part) for part in _spec_parts(spec))]
    char_cm = points * _CHAR_CM_PER_PT
    lines = 0
    for row in chars:
        lines += max([1] + [math.ceil(n * char_cm * 1.15 / w) for n, w in zip(row, widths, strict=False)
                            if w])
    baseline_cm = points * 1.2 * 0.03515
    return lines * baseline_cm + 2.0  # caption, rules and separation


def table_layout(frame: pd.DataFrame, cites: set[str] | frozenset[str] = frozenset(),
                 wide: str = "auto") -> TableLayout | None:
    """The first setting that fits: body size on the page; then smaller type (9 pt, then 8 pt, never
    less) with wrapping ``p{}`` columns, upright; then on a landscape page. A table taller than the
    page becomes a ``longtable``. ``None``: nothing fits (the caller shrinks it, ``wide="resize"``)."""
    spec, widths = column_spec(frame, cites)
    chars = _cell_chars(frame, cites)
    if wide == "none" or (wide == "auto" and sum(widths) + 3 * len(widths) <= _WIDE_CHARS):
        return TableLayout(spec, long=_height_cm(spec, chars, 11.0) > _TEXT_HEIGHT_CM)
    words = _longest_words(frame, cites)
    tries = [(False, size) for size in FONT_SIZES[1:]] + [(True, size) for size in FONT_SIZES[1:]]
    if wide == "landscape":
        tries = [t for t in tries if t[0]]
    for landscape, (size, points) in tries:
        width = _TEXT_HEIGHT_CM if landscape else _TEXT_WIDTH_CM
        fitted = fit_columns(spec, widths, words, width, points * _CHAR_CM_PER_PT)
        if fitted is None:
            continue
        height = _TEXT_WIDTH_CM if landscape else _TEXT_HEIGHT_CM
        return TableLayout(fitted, size, landscape, _height_cm(fitted, chars, points) > height)
    return None


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
    """The table as a LaTeX fragment (a ``table`` float with a booktabs ``tabular``, or a
    ``longtable`` when taller than a page); written atomically to ``path`` when given.

    ``wide``: ``auto`` (a table wider than the page is set in 9 or 8 pt with wrapping columns,
    upright when it fits, else on a landscape page; never shrunk below 8 pt), ``resize`` (scaled to
    ``\\textwidth``), ``landscape`` (a landscape page) or ``none``."""
    if wide not in WIDE_MODES:
        raise ValueError(f"wide must be one of {', '.join(WIDE_MODES)}, got {wide!r}")
    frame = df.drop(columns=[c for c in drop if c in df.columns])
    cites = set(cite_columns(df, cite))
    layout = None if wide == "resize" else table_layout(frame, cites, wide)
    resize = layout is None
    if layout is None:
        layout = TableLayout(column_spec(frame, cites)[0], landscape=wide == "landscape")
    header = _header_row(frame.columns, layout.spec)
    body = []
    for row in _records(frame):
        cells = [latex_cell(row[c], cite=c in cites) for c in frame.columns]
        body.append(" & ".join(cells) + r" \\")
    needs = (["booktabs", "amssymb", "array"] + (["graphicx"] if resize else [])
             + (["longtable"] if layout.long else []) + (["pdflscape"] if layout.landscape else []))
    lines = [f"% Generated by surveykit. Needs \\usepackage{{{','.join(needs)}}}."]
    # small type, tighter columns; microtype's font expansion off (it would set 8 pt text at 7.8 pt)
    size = [rf"\{layout.size}", r"\setlength{\tabcolsep}{3pt}",
            r"\ifdefined\microtypesetup\microtypesetup{expansion=false}\fi"] if layout.size else []
    if layout.long:
        lines += [r"\begingroup", *size, rf"\begin{{longtable}}{{{layout.spec}}}"]
        if caption or label:
            lines.append((rf"\caption{{{escape_latex(caption)}}}" if caption else "")
                         + (rf"\label{{{label}}}" if label else "") + r"\\")
        n = len(frame.columns)
        lines += [r"\toprule", header, r"\midrule", r"\endfirsthead",
                  rf"\multicolumn{{{n}}}{{l}}{{\emph{{Table~\thetable{{}} (continued)}}}}\\",
                  r"\toprule", header, r"\midrule", r"\endhead",
                  r"\midrule", rf"\multicolumn{{{n}}}{{r}}{{\emph{{continued on the next page}}}}\\",
                  r"\endfoot", r"\bottomrule", r"\endlastfoot", *body, r"\end{longtable}"]
        if note:
            lines.append(rf"{{\footnotesize {escape_latex(note)}\par}}")
        lines.append(r"\endgroup")
    else:
        tabular = [rf"\begin{{tabular}}{{{layout.spec}}}", r"\toprule", header, r"\midrule", *body,
                   r"\bottomrule", r"\end{tabular}"]
        if resize:
            tabular = [r"\resizebox{\textwidth}{!}{%", *tabular[:-1], tabular[-1] + "%", "}"]
        lines += [rf"\begin{{table}}[{'p' if layout.landscape else placement}]", r"\centering", *size]
        if caption:
            lines.append(rf"\caption{{{escape_latex(caption)}}}")
        if label:
            lines.append(rf"\label{{{label}}}")
        lines += tabular
        if note:
            lines.append(rf"\par\smallskip{{\footnotesize {escape_latex(note)}}}")
        lines.append(r"\end{table}")
    if layout.landscape:
        lines = [lines[0], r"\begin{landscape}", *lines[1:], r"\end{landscape}"]
    text = "\n".join(lines) + "\n"
    if path is not None:
        io.write_text(path, text)
    return text


# --- Markdown, CSV, HTML ---------------------------------------------------------------------------


def _records(frame: pd.DataFrame) -> list[dict]:
    """The rows as ``{column: value}`` (the values of ``frame[column].tolist()``): no pandas row
    objects, which copy the frame's ``attrs`` (every row's priority list) one row at a time."""
    columns = list(frame.columns)
    if frame.columns.has_duplicates:
        raise ValueError(f"table columns repeat: {columns}")
    return [dict(zip(columns, values, strict=True))
            for values in zip(*(frame[c].tolist() for c in columns), strict=True)] if columns else \
        [{} for _ in range(len(frame))]


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
    for row in _records(frame):
        lines.append("| " + " | ".join(markdown_cell(v) for v in row.values()) + " |")
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
    for row in _records(frame):
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


def capped_rows(df: pd.DataFrame, max_rows: int | None, full: str | None = None) -> tuple[pd.DataFrame, str]:
    """``df`` cut to ``max_rows`` rows (the first of ``df.attrs["priority"]``, kept in table order)
    and the note that says so (empty when nothing was cut); ``full``: the file with every row."""
    if max_rows is None or len(df) <= max_rows:
        return df, ""
    priority = [int(i) for i in df.attrs.get("priority", range(len(df)))]
    rows = sorted(dict.fromkeys(priority[:max_rows]))
    printed = df.iloc[rows]
    printed.attrs = {k: v for k, v in df.attrs.items() if k != "priority"}
    where = f"; every row is in {full}" if full else ""
    return printed, f"{len(rows)} of {len(df)} rows shown (the most central papers){where}."


def write_table(
    df: pd.DataFrame,
    folder: str | os.PathLike[str],
    name: str,
    caption: str = "",
    label: str | None = None,
    formats: tuple[str, ...] | list[str] = FORMATS,
    latex_drop: tuple[str, ...] | list[str] = (),
    wide: str = "auto",
    max_rows: int | None = None,
) -> dict[str, Path]:
    """Write ``<folder>/<name>.<ext>`` for each format; returns the paths by format.

    ``max_rows``: the LaTeX and Markdown tables (the ones the draft prints) keep at most that many
    rows, the first of ``df.attrs["priority"]`` (row positions, most important first; default the
    first rows) in table order, with a note naming the CSV that holds every row."""
    folder = Path(folder)
    printed, note = capped_rows(df, max_rows, f"{name}.csv" if "csv" in formats else None)
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown table format(s) {', '.join(unknown)}; known: {', '.join(FORMATS)}")
    paths: dict[str, Path] = {}
    for fmt in formats:
        path = folder / f"{name}.{fmt}"
        if fmt == "tex":
            with keep_scripts(unicode_available()):  # non-Latin text as it is, for LuaLaTeX
                to_latex(
                    printed,
                    path,
                    caption=caption,
                    label=label if label is not None else f"tab:{name}",
                    drop=latex_drop,
                    wide=wide,
                    note=note,
                )
        elif fmt == "md":
            io.write_text(path, to_markdown(printed) + (f"\n{note}\n" if note else ""))
        elif fmt == "csv":
            to_csv(df, path)
        else:
            to_html(df, path, caption=caption)
        paths[fmt] = path
    return paths
