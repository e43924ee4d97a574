"""Compact, escaped Jupyter displays of the stage results: small tables instead of raw reprs.

``setup_notebook()`` (called once at the top of each notebook) makes DataFrames wrap long text
instead of cutting it at 50 characters (each cell at most a few lines high, scrollable), and
registers HTML displays for the report objects of the stages. The functions below build the same
displays for plain values (the topic provenance dict, the curation report list, file lists).
"""

from __future__ import annotations

import html
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

#: rows a table shows before it is cut (with a note saying how many and where the rest is)
MAX_ROWS = 20
#: a cell taller than this scrolls (the full value stays reachable)
CELL_HEIGHT = "7.5em"
#: a table taller than this scrolls inside its output (CSS)
TABLE_HEIGHT = "900px"
#: key lists longer than this are summarised
MAX_ITEMS = 8

_STYLE = (
    "<style>"
    ".sk-table table{border-collapse:collapse;font-size:12px;table-layout:auto;max-width:100%}"
    ".sk-table th,.sk-table td{text-align:left!important;vertical-align:top!important;padding:2px 8px;"
    "white-space:normal!important;overflow-wrap:break-word;max-width:40em}"
    f".sk-table td>div{{max-height:{CELL_HEIGHT};overflow:auto}}"
    f".sk-scroll{{max-height:{TABLE_HEIGHT};overflow:auto}}"
    ".sk-table .sk-caption{font-weight:600;margin:2px 0 4px}"
    ".sk-table .sk-note{color:#666;font-size:11px;margin-top:2px}"
    ".sk-ok{color:#1a7f37}.sk-bad{color:#b42318}"
    "</style>"
)


def _cell(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        value = summarise(sorted(map(str, value)) if isinstance(value, (set, frozenset)) else list(value))
    elif isinstance(value, Mapping):
        value = ", ".join(f"{k}: {v}" for k, v in list(value.items())[:MAX_ITEMS]) + (
            f", … (+{len(value) - MAX_ITEMS})" if len(value) > MAX_ITEMS else "")
    elif value is None or (isinstance(value, float) and value != value):
        value = ""
    elif isinstance(value, float):
        value = f"{value:.3g}"
    return f"<div>{html.escape(str(value))}</div>"


def summarise(items: Sequence[Any], limit: int = MAX_ITEMS) -> str:
    """``a, b, c, … (+70 more)``: a long list in one short line.

    Parameters
    ----------
    items : sequence
        The values (shown with ``str``).
    limit : int
        How many to show before the count.
    """
    items = [str(i) for i in items]
    if not items:
        return "none"
    more = f", … (+{len(items) - limit} more)" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def html_table(rows: Sequence[Mapping[str, Any]] | pd.DataFrame, title: str = "",
               note: str = "", max_rows: int = MAX_ROWS, index: bool = False) -> str:
    """A compact, escaped HTML table with a title line and a row count.

    Parameters
    ----------
    rows : sequence of mappings or DataFrame
        The rows (lists in cells are summarised, long text wraps).
    title : str
        Shown above the table.
    note : str
        Shown below it (e.g. where the full data is).
    max_rows : int
        Rows shown; the rest are counted in the note.
    index : bool
        Show the DataFrame's index as the first column.
    """
    frame = rows.reset_index() if index and isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    total = len(frame)
    head = frame.head(max_rows)
    parts = ['<div class="sk-table">', _STYLE]
    if title:
        parts.append(f'<div class="sk-caption">{html.escape(title)}</div>')
    if total:
        cols = [str(c) for c in head.columns]
        header = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
        parts.append(f'<div class="sk-scroll"><table><thead><tr>{header}</tr></thead><tbody>')
        for row in head.itertuples(index=False):
            parts.append("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>")
        parts.append("</tbody></table></div>")
    else:
        parts.append('<div class="sk-note">(none)</div>')
    notes = []
    if total > max_rows:
        notes.append(f"showing {max_rows} of {total} rows")
    if note:
        notes.append(note)
    if notes:
        parts.append(f'<div class="sk-note">{html.escape("; ".join(notes))}</div>')
    parts.append("</div>")
    return "".join(parts)


def markdown_table(rows: Sequence[Mapping[str, Any]], max_rows: int = MAX_ROWS) -> str:
    """The same table as GitHub Markdown (for ``_repr_markdown_``)."""
    frame = pd.DataFrame(rows).head(max_rows)
    if frame.empty:
        return "(none)"
    cols = [str(c) for c in frame.columns]

    def esc(value: Any) -> str:
        text = summarise(value) if isinstance(value, (list, tuple)) else str(value)
        return html.escape(text).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(esc(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def collapse(rows: Iterable[Mapping[str, Any]], by: Sequence[str]) -> list[dict[str, Any]]:
    """Rows with the same values in ``by`` merged into one, with a ``count`` column (first-seen order).

    Parameters
    ----------
    rows : iterable of mappings
    by : column names
        The columns that make two rows "the same".
    """
    counts: Counter[tuple] = Counter()
    first: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        key = tuple(str(row.get(c)) for c in by)
        counts[key] += 1
        first.setdefault(key, {c: row.get(c) for c in by})
    return [{**first[k], "count": counts[k]} for k in first]


class HTMLView:
    """An HTML fragment that Jupyter renders (and that prints as plain text elsewhere)."""

    def __init__(self, html_text: str, text: str = "") -> None:
        self.html = html_text
        self.text = text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text or "<HTML view; open in Jupyter>"


# --- views of plain values ------------------------------------------------------------------


def provenance(result: Any) -> HTMLView:
    """How the topics were made (``TopicResult.provenance``) as a two-column table.

    Parameters
    ----------
    result : TopicResult or dict
    """
    data = getattr(result, "provenance", result) or {}
    rows = [{"setting": key, "value": value} for key, value in data.items()]
    text = "\n".join(f"{r['setting']}: {_short(r['value'])}" for r in rows)
    return HTMLView(html_table(rows, title=f"Topic provenance ({len(rows)} entries)", max_rows=60), text)


def curation(result: Any) -> HTMLView:
    """The curation report (``TopicResult.curation_report``): one row per instruction.

    Parameters
    ----------
    result : TopicResult or list of dicts
    """
    rows = list(getattr(result, "curation_report", result) or [])
    applied = sum(1 for r in rows if r.get("status") == "applied")
    title = (f"Curation: {applied} of {len(rows)} instruction(s) applied" if rows
             else "Curation: no instructions in curation.toml")
    text = title + "".join(f"\n  {r.get('op')} {r.get('target')}: {r.get('status')} ({r.get('detail')})"
                           for r in rows)
    return HTMLView(html_table(rows, title=title), text)


def _short(value: Any) -> str:
    return summarise(value) if isinstance(value, (list, tuple)) else str(value)


class FileList(list):
    """Files in a folder: a list of paths that shows as a table of name, size and type."""

    def __init__(self, folder: str | os.PathLike[str], pattern: str = "*") -> None:
        self.folder = Path(folder)
        super().__init__(sorted(p for p in self.folder.glob(pattern) if p.is_file()))

    def __repr__(self) -> str:
        return f"FileList({self.folder}: {len(self)} files)"

    def _rows(self) -> list[dict[str, Any]]:
        by_stem: dict[str, list[Path]] = {}
        for path in self:
            by_stem.setdefault(path.stem, []).append(path)
        return [{"name": stem, "formats": " ".join(sorted(p.suffix.lstrip(".") for p in paths)),
                 "size": _size(sum(p.stat().st_size for p in paths))} for stem, paths in by_stem.items()]

    def _repr_html_(self) -> str:
        return html_table(self._rows(), title=f"{len(self)} files in {self.folder}", max_rows=60)

    def _repr_markdown_(self) -> str:
        return f"**{len(self)} files in `{self.folder}`**\n\n" + markdown_table(self._rows(), max_rows=60)


def fit_styler(styler: Any, header_width: str = "8em", cell_width: str = "26em") -> Any:
    """A pandas Styler that fits the notebook: header and cell text wraps (headers at most
    ``header_width`` wide, cells ``cell_width``) instead of widening the table past the page, and a
    table taller than :data:`TABLE_HEIGHT` scrolls.

    Parameters
    ----------
    styler : pandas Styler
        E.g. from :func:`surveykit.tables.show_table`.
    header_width, cell_width : str
        CSS widths.
    """
    return styler.set_table_styles([
        {"selector": "", "props": [("display", "block"), ("max-height", TABLE_HEIGHT), ("overflow", "auto")]},
        {"selector": "th", "props": [("white-space", "normal"), ("max-width", header_width),
                                     ("vertical-align", "bottom"), ("overflow-wrap", "break-word")]},
        {"selector": "td", "props": [("white-space", "normal"), ("max-width", cell_width),
                                     ("overflow-wrap", "break-word")]},
    ], overwrite=False)


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} B"


def snippet(text: str, path: str | os.PathLike[str] | None = None, lines: int = 12) -> HTMLView:
    """The first ``lines`` lines of a long text (LaTeX, say) and where the rest is.

    Parameters
    ----------
    text : str
    path : path, optional
        The file holding the full text.
    lines : int
        Lines shown.
    """
    all_lines = text.splitlines()
    head = "\n".join(all_lines[:lines])
    where = f" (full text: {path})" if path else ""
    note = (f"showing {lines} of {len(all_lines)} lines{where}" if len(all_lines) > lines
            else f"{len(all_lines)} lines{where}")
    body = (f'<div class="sk-table">{_STYLE}<pre style="max-height:16em;overflow:auto;font-size:11px">'
            f'{html.escape(head)}</pre><div class="sk-note">{html.escape(note)}</div></div>')
    return HTMLView(body, head + "\n" + note)


def strip_front_matter(text: str) -> str:
    """Markdown without a leading YAML front matter block (``---`` ... ``---``)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return text
    for n, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "".join(lines[n + 1:]).lstrip("\n")
    return text


def markdown(path: str | os.PathLike[str], height: str = "40em") -> HTMLView:
    """A Markdown file rendered in the notebook without its YAML front matter, in a scrolling box
    (raw HTML in the file is escaped).

    Parameters
    ----------
    path : path
        The Markdown file (e.g. ``draft/survey.md``).
    height : str
        The box's maximum height (CSS).
    """
    import mistune

    text = strip_front_matter(Path(path).read_text(encoding="utf-8"))
    render = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
    body = (f'<div class="sk-markdown" style="max-height:{height};overflow:auto;border:1px solid #ddd;'
            f'padding:4px 12px">{render(text)}</div>'
            f'<div class="sk-note" style="color:#666;font-size:11px">{html.escape(str(path))}</div>')
    return HTMLView(body, text)

# --- reports of the stages (registered as Jupyter formatters by setup_notebook) -------------


def grounding_html(report: Any) -> str:
    """A GroundingReport: counts, then the problems (none expected)."""
    keys_cited = f"{len(report.cited_keys)}: {summarise(sorted(report.cited_keys))}"
    rows = [{"check": "prose sentences citing a corpus paper",
             "value": f"{report.prose_cited}/{report.prose}"},
            {"check": "extracted from abstracts", "value": report.extracts},
            {"check": "structural sentences", "value": report.structural},
            {"check": ".tex sentences that cite or refer",
             "value": f"{report.tex_grounded}/{report.tex_sentences}"},
            {"check": "keys cited", "value": keys_cited},
            {"check": "problems", "value": len(report.problems)}]
    status = "ok" if report.ok else f"{len(report.problems)} problem(s)"
    out = html_table(rows, title=f"Grounding: {status}")
    if report.problems:
        problems = [{"where": p.where, "problem": p.message, "sentence": p.sentence} for p in report.problems]
        out += html_table(problems, title="Problems")
    return out


def compile_html(report: Any) -> str:
    """A CompileReport: status, pages, counts; the first messages of each kind."""
    if report.status == "skipped":
        return html_table([], title=f"Compile: skipped ({report.message})")
    rows = [{"item": "status", "value": f"{report.status} in {report.seconds:.1f} s, {report.pages} pages"},
            {"item": "PDF", "value": str(report.pdf or "")}]
    for label, items in (("LaTeX errors", report.errors), ("undefined citations", report.undefined_citations),
                         ("undefined references", report.undefined_references),
                         ("BibTeX errors", report.bibtex_errors), ("BibTeX warnings", report.bibtex_warnings),
                         ("keys cited", report.cited_keys), ("unused bib entries", report.unused_entries),
                         ("missing bib entries", report.missing_entries)):
        rows.append({"item": label, "value": f"{len(items)}" + (f": {summarise(items, 5)}" if items else "")})
    rows.append({"item": "overfull boxes", "value": report.overfull_boxes})
    if report.message:
        rows.append({"item": "note", "value": report.message})
    return html_table(rows, title=f"Compile: {report.status}", max_rows=40)


def draft_html(draft: Any) -> str:
    """A DraftResult: the files written, then the grounding and compile reports."""
    files = [{"file": str(path)} for path in (draft.markdown, draft.tex, draft.provenance, draft.pdf) if path]
    out = html_table(files, title="Draft " + ("ok" if draft.ok else "with problems"))
    return out + grounding_html(draft.grounding) + compile_html(draft.compile)


def corpus_html(corpus: Any) -> str:
    """A Corpus: size, years, then the first papers (id, title, first author, year, venue)."""
    years = sorted(p.year for p in corpus.papers if p.year)
    span = f"{years[0]}-{years[-1]}" if years else "no years"
    rows = [{"id": p.id, "title": p.title, "first author": p.authors[0] if p.authors else "",
             "year": p.year or "", "venue": p.venue or ""} for p in corpus.papers]
    return html_table(rows, title=f"Corpus {corpus.name!r}: {len(corpus)} papers, {span}", max_rows=10,
                      note="all of them: corpus.to_frame()")


def topics_html(result: Any) -> str:
    """A TopicResult: one row per topic in taxonomy order (section, label, size, keywords)."""
    frame = result.to_frame()
    keep = [c for c in ("section", "topic_id", "topic", "size", "keywords") if c in frame.columns]
    return html_table(frame[keep], title=f"{len(frame)} topics in {len(result.sections)} sections",
                      max_rows=40, note="as a DataFrame: result.to_frame(); as text: result.text_tree()")


def references_html(refs: Any) -> str:
    """A written bibliography: summary, warnings collapsed with counts, LaTeX's findings."""
    out = html_table([{"file": str(refs.path), "entries": len(refs.keys),
                       "validation": refs.validation.summary() if refs.validation else "not run"}],
                     title="Bibliography " + ("ok" if refs.ok else "with problems"))
    return out + bib_warnings(refs).html + bib_validation(refs).html


def bib_warnings(refs: Any) -> HTMLView:
    """Warnings about entries, the same warning for the same entry once with a count; ``info``
    rows summarised per kind.

    Parameters
    ----------
    refs : References
        From ``Survey.bibliography()``.
    """
    frame = refs.warnings_frame()
    warn = frame[frame["severity"] != "info"]
    info = frame[frame["severity"] == "info"]
    rows = collapse(warn.to_dict("records"), ["severity", "kind", "key", "message"])
    info_rows = [{"kind": kind, "entries": len(group), "keys": summarise(group["key"].tolist(), 6),
                  "example": group["message"].iloc[0]} for kind, group in info.groupby("kind", sort=True)]
    title = f"{len(warn)} warning(s) ({len(rows)} distinct), {len(info)} info"
    out = html_table(rows, title=title)
    if info_rows:
        out += html_table(info_rows, title="Info, by kind (full list: references.warnings_frame())")
    return HTMLView(out, title)


def bib_validation(refs: Any) -> HTMLView:
    """What LaTeX said about the bibliography, repeated messages collapsed with a count.

    Parameters
    ----------
    refs : References
    """
    frame = refs.validation_frame()
    rows = collapse(frame.to_dict("records"), ["source", "kind", "key", "field", "expected", "message"])
    title = ("LaTeX: no errors or warnings" if not rows
             else f"LaTeX: {len(frame)} message(s), {len(rows)} distinct")
    return HTMLView(html_table(rows, title=title), title)


def keys(mapping: Mapping[str, str]) -> HTMLView:
    """Paper id -> citation key as a table (first rows, with the count).

    Parameters
    ----------
    mapping : dict
        Paper id -> key (``References.keys`` or ``Survey.keys``).
    """
    rows = [{"paper id": pid, "key": key} for pid, key in mapping.items()]
    return HTMLView(html_table(rows, title=f"{len(rows)} citation keys", max_rows=10,
                               note="all of them: dict(references.keys)"), f"{len(rows)} citation keys")


def frame_html(frame: pd.DataFrame) -> str:
    """A DataFrame with wrapped (not cut) text, each cell at most a few lines high, the first
    :data:`MAX_ROWS` rows and a note of the total."""
    if isinstance(frame.index, pd.MultiIndex) or isinstance(frame.columns, pd.MultiIndex):
        return frame.to_html(max_rows=MAX_ROWS, escape=True)
    shown = frame.head(MAX_ROWS).copy()
    for col in shown.columns:
        if not pd.api.types.is_numeric_dtype(shown[col]):
            shown[col] = shown[col].astype(object).map(_cell)
    shown.index = pd.Index([html.escape(str(i)) for i in shown.index],
                           name=None if frame.index.name is None else html.escape(str(frame.index.name)))
    shown.columns = [html.escape(str(c)) for c in shown.columns]
    table = shown.to_html(escape=False, na_rep="", border=0)
    note = (f'<div class="sk-note">showing {MAX_ROWS} of {len(frame)} rows × {len(frame.columns)} columns'
            f' (all rows: <code>frame.to_csv()</code> or <code>frame.iloc[{MAX_ROWS}:]</code>)</div>'
            if len(frame) > MAX_ROWS else
            f'<div class="sk-note">{len(frame)} rows × {len(frame.columns)} columns</div>')
    return f'<div class="sk-table">{_STYLE}<div class="sk-scroll">{table}</div>{note}</div>'


_FORMATTERS = {
    ("surveykit.draft.grounding", "GroundingReport"): grounding_html,
    ("surveykit.draft.compile", "CompileReport"): compile_html,
    ("surveykit.bib.stage", "References"): references_html,
    ("surveykit.topics.taxonomy", "TopicResult"): topics_html,
}


def setup_notebook(wrap_frames: bool = True) -> None:
    """Make a notebook show surveykit's results compactly; call once at the top.

    Keeps jsonschema from building a grammar nobody here uses (2-7 s at the first figure shown),
    registers HTML displays for the stage reports and (``wrap_frames``) a DataFrame display that
    wraps long text instead of cutting it. Does nothing outside IPython.

    Parameters
    ----------
    wrap_frames : bool
        Replace pandas' HTML display of DataFrames by :func:`frame_html`.
    """
    from surveykit.kernel import skip_slow_imports

    skip_slow_imports()  # plotly's notebook renderer imports nbformat -> jsonschema's IRI grammar
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", MAX_ROWS)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        return
    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["text/html"]
    for (module, name), func in _FORMATTERS.items():
        formatter.for_type_by_name(module, name, func)
    if wrap_frames:
        formatter.for_type(pd.DataFrame, frame_html)


__all__ = [
    "CELL_HEIGHT",
    "FileList",
    "HTMLView",
    "MAX_ROWS",
    "bib_validation",
    "bib_warnings",
    "collapse",
    "compile_html",
    "corpus_html",
    "curation",
    "draft_html",
    "fit_styler",
    "frame_html",
    "grounding_html",
    "html_table",
    "keys",
    "markdown",
    "markdown_table",
    "provenance",
    "references_html",
    "setup_notebook",
    "snippet",
    "strip_front_matter",
    "summarise",
    "topics_html",
]
