"""Render a :class:`SurveyDocument` to LaTeX and Markdown with the Jinja2 templates.

The templates (``surveykit/templates/survey.tex.j2`` and ``survey.md.j2``) hold the document
structure; this module turns sentences into text:

- LaTeX: text from abstracts is escaped with :func:`surveykit.bib.latex.escape_latex` (pure ASCII);
  citations are natbib ``\\citet{}`` / ``\\citep{}``; references ``Table~\\ref{}``.
- Markdown: citations are author-year, linked to the reference list at the end of the file
  (``[Gu et al. (2024)](#ref-gu2024blade)`` and ``([Gu et al., 2024](#ref-gu2024blade))``), the
  same form as the PDF, readable on any Markdown viewer. Cross-references are numbered links.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import jinja2

from surveykit.bib.entries import short_label
from surveykit.bib.latex import escape_latex
from surveykit.bib.venues import citation_year  # the year references.bib cites
from surveykit.corpus.model import Paper
from surveykit.corpus.names import family_name, to_bibtex_name
from surveykit.draft.model import (
    Cite,
    DraftSentence,
    Float,
    ItemList,
    Paragraph,
    Ref,
    Section,
    Segment,
    SurveyDocument,
)
from surveykit.textutil import fold_ascii, latex_to_unicode, markdown_escape, markdown_url

TEX_TEMPLATE = "survey.tex.j2"
MD_TEMPLATE = "survey.md.j2"


# --- LaTeX ---------------------------------------------------------------------------------------


def tex_text(text: str) -> str:
    """Escape plain text for LaTeX, keeping a leading/trailing space (escape_latex trims)."""
    if not text:
        return ""
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() else ""
    body = escape_latex(text)
    return f"{lead}{body}{trail}" if body else (" " if lead or trail else "")


def tex_segments(segments: Sequence[Segment]) -> str:
    out = ""
    for seg in segments:
        if isinstance(seg, Cite):
            keys = ",".join(seg.keys)
            if seg.textual:
                out += f"\\citet{{{keys}}}"
            else:
                out += ("" if not out or out[-1] in " ~(" else "~") + f"\\citep{{{keys}}}"
        elif isinstance(seg, Ref):
            out += f"{seg.name}~\\ref{{{seg.label}}}"
        else:
            out += tex_text(seg)
    return out.strip()


def texpath(path: str) -> str:
    """A path of an input, graphic or bibliography relative to the draft folder, for LaTeX: one
    leading ``../`` becomes ``\\surveykitup`` (``../`` by default; the compile makes it empty and
    searches the output folder instead, so TeX runs with ``openin_any=p``)."""
    rest = path[3:] if path.startswith("../") else None
    if rest is None or ".." in rest.split("/") or rest.startswith("/"):
        return path
    return f"\\surveykitup {rest}"


def tex_sentences(sentences: Sequence[DraftSentence]) -> str:
    return " ".join(tex_segments(s.segments) for s in sentences)


def tex_table_rows(table: Float) -> list[str]:
    return [" & ".join(tex_segments(cell) for cell in row) + r" \\" for row in table.rows or []]


# --- Markdown ------------------------------------------------------------------------------------

def yaml_str(text: str) -> str:
    """A YAML double-quoted scalar on one line (JSON string syntax), with ``<``, ``>`` and ``&``
    as escapes so a renderer that shows the front matter shows no live HTML."""
    quoted = json.dumps(str(text), ensure_ascii=False)
    return quoted.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def md_text(text: str) -> str:
    """Plain text for Markdown: HTML inert (entities) and Markdown syntax escaped."""
    return markdown_escape(text)


@dataclass(frozen=True)
class CiteLabel:
    """Author-year label of one key for Markdown (``Gu et al.``, ``2024a``) and its reference."""

    authors: str
    year: str
    reference: str


def author_label(paper: Paper) -> str:
    families = [latex_to_unicode(family_name(a)) for a in paper.authors if a.strip()]
    if not families:  # as the .bib's key field: the PDF and the Markdown cite it alike
        return latex_to_unicode(short_label(paper.title))
    if len(families) == 1:
        return families[0]
    if len(families) == 2:
        return f"{families[0]} and {families[1]}"
    return f"{families[0]} et al."


def reference_text(paper: Paper) -> str:
    names = []
    for author in paper.authors[:10]:
        family, _, given = latex_to_unicode(author).partition(",")
        initials = " ".join(f"{p[0]}." for p in given.replace("-", " ").split() if p)
        names.append(f"{family.strip()}, {initials}".strip(", "))
    if len(paper.authors) > 10:
        names.append("et al.")
    authors = "; ".join(names) or "Anonymous"
    parts = [f"{authors} ({citation_year(paper) or 'n.d.'}). {latex_to_unicode(paper.title).rstrip('.')}."]
    if paper.venue:
        parts.append(f"*{md_text(paper.venue)}*.")
    link = (
        f"https://arxiv.org/abs/{paper.arxiv_id}"
        if paper.arxiv_id
        else f"https://doi.org/{paper.doi}"
        if paper.doi
        else (paper.urls[0] if paper.urls else "")
    )
    link = markdown_url(link) if link else None
    if link:
        parts.append(f"<{link}>")
    return " ".join(md_text(p) if i == 0 else p for i, p in enumerate(parts))


def _sortified(text: str) -> str:
    """BibTeX's ``purify$`` + lower case: letters, digits and spaces (accents folded)."""
    plain = fold_ascii(latex_to_unicode(text)).replace("-", " ").replace("~", " ")
    return re.sub(r"[^0-9a-z ]", "", plain.lower())


def bibliography_order(paper: Paper, key: str) -> tuple[str, str]:
    """Where the PDF's bibliography style sorts a paper among those with its label
    (``surveykit-natbib.bst``: each author as "family given", the year before the second author of
    three or more, then the cite key), so the Markdown's "2024a"/"2024b" are the PDF's."""
    authors = [to_bibtex_name(a) for a in paper.authors if a.strip()]
    names = []
    for index, author in enumerate(authors):
        family, _, given = author.partition(",")
        if index == 1 and len(authors) > 2:
            names.append("zz" + str(citation_year(paper) or ""))
        names.append(_sortified(f"{family} {given}".strip()))
    return "   ".join(names), key


def cite_labels(papers: Mapping[str, Paper]) -> dict[str, CiteLabel]:
    """key -> label, with ``a``/``b`` suffixes where author label and year collide, given in the
    order of the PDF's bibliography (:func:`bibliography_order`), as natbib gives them."""
    base = {key: (author_label(p), str(citation_year(p) or "n.d.")) for key, p in papers.items()}
    groups: dict[tuple[str, str], list[str]] = {}
    for key in sorted(base, key=lambda k: bibliography_order(papers[k], k)):
        groups.setdefault(base[key], []).append(key)
    out = {}
    for (authors, year), keys in groups.items():
        for i, key in enumerate(keys):
            suffix = "abcdefghijklmnopqrstuvwxyz"[i % 26] if len(keys) > 1 else ""
            out[key] = CiteLabel(authors, year + suffix, reference_text(papers[key]))
    return out


class MarkdownRenderer:
    """Markdown text of sentences; needs cite labels and the numbering of labels."""

    def __init__(self, labels: Mapping[str, CiteLabel], numbers: Mapping[str, str]) -> None:
        self.labels = labels
        self.numbers = numbers

    def cite(self, cite: Cite) -> str:
        parts = []
        for key in cite.keys:
            label = self.labels.get(key)
            target = quote(key, safe=":_.-+/")
            if label is None:
                parts.append(f"[@{md_text(key)}]")
            elif cite.textual:
                parts.append(f"[{md_text(label.authors)} ({md_text(label.year)})](#ref-{target})")
            else:
                parts.append(f"[{md_text(label.authors)}, {md_text(label.year)}](#ref-{target})")
        if cite.textual:
            return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return "(" + "; ".join(parts) + ")"

    def segments(self, segments: Sequence[Segment]) -> str:
        out = ""
        for seg in segments:
            if isinstance(seg, Cite):
                text = self.cite(seg)
                out += text if seg.textual or not out or out[-1] in " (" else " " + text
            elif isinstance(seg, Ref):
                out += f"[{seg.name} {self.numbers.get(seg.label, '?')}](#{anchor(seg.label)})"
            else:
                out += md_text(seg)
        return out.strip()

    def sentences(self, sentences: Sequence[DraftSentence]) -> str:
        return " ".join(self.segments(s.segments) for s in sentences)

    def table_markdown(self, text: str) -> str:
        """A tables-stage Markdown table with its citation cells (``key1, key2``) rendered as the
        prose cites them: linked author-year labels."""
        lines = text.splitlines()
        for i, cells, keys in table_cite_cells(text, self.labels):
            lines[i] = "| " + " | ".join(
                ", ".join(self.cite(Cite((key,), textual=True)) for key in k) if k else c.strip()
                for c, k in zip(cells, keys, strict=True)) + " |"
        return "\n".join(lines)

    def table(self, table: Float) -> str:
        header = "| " + " | ".join(md_text(c) for c in table.columns or []) + " |"
        rule = "|" + "|".join(" --- " for _ in table.columns or []) + "|"
        rows = ["| " + " | ".join(self.segments(cell) for cell in row) + " |" for row in table.rows or []]
        return "\n".join([header, rule, *rows])


_MD_CELL = re.compile(r"(?<!\\)\|")  # a cell boundary of a Markdown table row (not an escaped \|)


def cite_cell_keys(cell: str, known: Collection[str]) -> list[str]:
    """The citation keys of a Markdown table cell that holds only keys (``k1, k2``), else []."""
    keys = [k.strip() for k in re.sub(r"\\([^A-Za-z0-9\s])", r"\1", cell).split(",")]
    return keys if keys and all(k in known for k in keys) else []


def table_cite_cells(text: str, known: Collection[str]) -> Iterator[tuple[int, list[str], list[list[str]]]]:
    """For each body row of a Markdown table that cites: its line number, its cells and each
    cell's keys (:func:`cite_cell_keys`; [] for a cell of text)."""
    for i, line in enumerate(text.splitlines()):
        if i < 2 or not line.startswith("|"):  # the header and the rule
            continue
        cells = _MD_CELL.split(line.strip().strip("|"))
        keys = [cite_cell_keys(cell, known) for cell in cells]
        if any(keys):
            yield i, cells, keys


def anchor(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-").lower()


def numbering(document: SurveyDocument) -> dict[str, str]:
    """label -> number as LaTeX would print it (sections 1, 1.1; tables and figures in order)."""
    numbers: dict[str, str] = {}
    counts = {"table": 0, "figure": 0}
    for i, section in enumerate(document.sections, start=1):
        numbers[section.label] = str(i)
        for j, sub in enumerate(section.subsections, start=1):
            numbers[sub.label] = f"{i}.{j}"
    for _, block in document.blocks():
        if isinstance(block, Float) and block.label:
            counts[block.kind] += 1
            numbers[block.label] = str(counts[block.kind])
    return numbers


# --- templates -----------------------------------------------------------------------------------


def block_kind(block: Any) -> str:
    if isinstance(block, Paragraph):
        return "paragraph"
    if isinstance(block, ItemList):
        return "list"
    if isinstance(block, Float):
        return block.kind
    if isinstance(block, Section):
        return "section"
    raise TypeError(f"not a draft block: {block!r}")


@lru_cache(maxsize=2)
def _environment(latex: bool) -> jinja2.Environment:
    loader = jinja2.PackageLoader("surveykit", "templates")
    if latex:
        env = jinja2.Environment(
            loader=loader,
            block_start_string="((*",
            block_end_string="*))",
            variable_start_string="(((",
            variable_end_string=")))",
            comment_start_string="((=",
            comment_end_string="=))",
            line_comment_prefix="%#",
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )
        env.filters.update(
            tex=tex_text, segments=tex_segments, sentences=tex_sentences, table_rows=tex_table_rows,
            texpath=texpath,
        )
    else:
        env = jinja2.Environment(
            loader=loader,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )
        env.filters.update(md=md_text, anchor=anchor, yaml_str=yaml_str)
    env.globals.update(kind=block_kind)
    return env


def render_latex(document: SurveyDocument, preamble: Mapping[str, Any] | None = None) -> str:
    """The ``survey.tex`` text."""
    options = {
        "forest": any(f.kind == "figure" and f.tex_input for f in document.floats()),
        "date": "\\today",
        "bibstyle": "plainnat",
        "unicode_fonts": (),  # fallback fonts: the LuaLaTeX branch (see surveykit.texengine)
        **dict(preamble or {}),
    }
    template = _environment(True).get_template(TEX_TEMPLATE)
    return template.render(doc=document, options=options)


def render_markdown(document: SurveyDocument, papers: Mapping[str, Paper]) -> str:
    """The ``survey.md`` text; ``papers`` maps every cited key to its paper (for the references)."""
    cited = sorted(
        {k for _, s in document.sentences() for k in s.keys}
        | {
            k
            for f in document.floats()
            for row in f.rows or []
            for cell in row
            for seg in cell
            if isinstance(seg, Cite)
            for k in seg.keys
        }
    )
    tables = [f.markdown for f in document.floats() if f.kind == "table" and f.rows is None and f.markdown]
    cited = sorted(set(cited) | {k for text in tables for _, _, keys in table_cite_cells(text, papers)
                                 for cell in keys for k in cell})
    labels = cite_labels({k: papers[k] for k in cited if k in papers})
    renderer = MarkdownRenderer(labels, numbering(document))
    references = sorted(labels.items(), key=lambda kv: (kv[1].authors.lower(), kv[1].year, kv[0]))
    template = _environment(False).get_template(MD_TEMPLATE)
    return template.render(
        doc=document, md_render=renderer, numbers=numbering(document), references=references
    )
