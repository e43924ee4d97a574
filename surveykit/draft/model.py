"""The draft as data: sections of blocks of sentences of segments, rendered by the templates.

A :class:`DraftSentence` is a list of segments: plain unicode text, :class:`Cite` (keys, textual
or parenthetical) and :class:`Ref` (a cross-reference to a label in the document). Renderers escape
the text and format the citations; the grounding check reads the same objects.

Sentence kinds (the grounding rule, checked by :mod:`surveykit.draft.grounding`):

- ``extract``: a sentence taken from one paper's abstract (possibly attributed); it cites that
  paper and records where it came from (:class:`Provenance`).
- ``summary``: a sentence the drafter writes about papers (counts, lists of work); it cites every
  paper it summarises.
- ``rewritten``: a sentence from the optional text-generation backend; it must cite.
- ``structural``: a sentence about the document itself (roadmap, "Table 2 compares ..."); it makes
  no claim about a paper and carries a :class:`Ref` instead of a citation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("extract", "summary", "rewritten", "structural")
WRITTEN_KINDS = ("summary", "structural")  # the drafter's own wording (extracts stay verbatim)

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "  # noqa: SIM905
          "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()  # noqa: SIM905
_LEADING_COUNT = re.compile(r"^(\d{1,2}) (?=[a-z])")


def number_words(n: int) -> str:
    """0-99 in words ("nine", "twenty-one")."""
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    return _TENS[tens - 2] + (f"-{_UNITS[unit]}" if unit else "")


def spelled_start(text: str) -> str:
    """A sentence that opens with a count below 100 opens with it in words ("9 earlier
    surveys ..." -> "Nine earlier surveys ..."), as style guides ask."""
    match = _LEADING_COUNT.match(text)
    if not match:
        return text
    word = number_words(int(match.group(1)))
    return word[:1].upper() + word[1:] + text[match.end(1):]


@dataclass(frozen=True)
class Cite:
    """A citation of one or more keys; ``textual`` is ``\\citet`` (Gu et al. (2024)), else ``\\citep``."""

    keys: tuple[str, ...]
    textual: bool = False


@dataclass(frozen=True)
class Ref:
    """A cross-reference (``Table~\\ref{tab:x}``); ``name`` is the word before the number."""

    label: str
    name: str


Segment = str | Cite | Ref


@dataclass(frozen=True)
class Provenance:
    """Where an extracted sentence came from: paper, sentence offsets in its abstract, text."""

    paper_id: str
    start: int
    end: int
    text: str


@dataclass
class DraftSentence:
    segments: list[Segment]
    kind: str
    paper_ids: tuple[str, ...] = ()
    provenance: Provenance | None = None
    # what the sentence does in a synthesis (for the metrics): "comparison" (papers by facet value),
    # "group" (a group's shared approach), "results" (reported numbers side by side)
    tag: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown sentence kind {self.kind!r}; known: {', '.join(KINDS)}")
        if self.kind in WRITTEN_KINDS and self.segments and isinstance(self.segments[0], str):
            self.segments = [spelled_start(self.segments[0]), *self.segments[1:]]

    @property
    def cites(self) -> list[Cite]:
        return [s for s in self.segments if isinstance(s, Cite)]

    @property
    def refs(self) -> list[Ref]:
        return [s for s in self.segments if isinstance(s, Ref)]

    @property
    def keys(self) -> list[str]:
        out: list[str] = []
        for cite in self.cites:
            out += [k for k in cite.keys if k not in out]
        return out

    def plain(self) -> str:
        """The sentence with citations as ``[@key]`` markers (provenance and backend format)."""
        parts = []
        for seg in self.segments:
            if isinstance(seg, Cite):
                space = "" if seg.textual or not parts or parts[-1].endswith((" ", "(")) else " "
                marker = "[" + "; ".join(f"@{k}" for k in seg.keys) + "]"
                parts.append(space + ("@" if seg.textual else "") + marker)
            elif isinstance(seg, Ref):
                parts.append(f"{seg.name} [#{seg.label}]")
            else:
                parts.append(seg)
        return "".join(parts)


@dataclass
class Paragraph:
    sentences: list[DraftSentence]
    lead: str | None = None  # a run-in heading (``\paragraph{}``), structural
    rewrite_status: str | None = None  # set by the backend: accepted / rejected: reason


@dataclass
class Item:
    """One entry of a list: a short bold label (structural) and its sentence(s)."""

    label: str | None
    sentences: list[DraftSentence]


@dataclass
class ItemList:
    items: list[Item]
    lead: str | None = None


@dataclass
class Float:
    """A figure or table: LaTeX fragment to ``\\input`` or a graphic to include, plus Markdown."""

    kind: str  # "figure" or "table"
    label: str
    caption: str
    tex_input: str | None = None  # path relative to the .tex file, for \input
    graphic: str | None = None  # path relative to the .tex file, for \includegraphics
    markdown: str | None = None  # Markdown body (a table) or image path relative to the .md file
    wide: bool = False
    has_own_float: bool = False  # the fragment is a complete table/figure environment
    columns: list[str] | None = None  # a table the drafter builds itself: header,
    column_spec: str = ""  # LaTeX column spec,
    rows: list[list[list[Segment]]] | None = None  # and cells made of segments
    outline: str | None = None  # Markdown stand-in for a figure with no image (the taxonomy)


Block = Paragraph | ItemList | Float


@dataclass
class Section:
    title: str
    label: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)

    def walk(self) -> Iterator[tuple[Section, Block]]:
        for block in self.blocks:
            yield self, block
        for sub in self.subsections:
            yield from sub.walk()


@dataclass
class SurveyDocument:
    title: str
    author: str
    abstract: str
    sections: list[Section]
    bibliography: str  # path of the .bib without extension, relative to the .tex file
    packages_note: str = ""
    papers: dict[str, dict] = field(default_factory=dict)  # key -> reference data for Markdown

    def blocks(self) -> Iterator[tuple[Section, Block]]:
        for section in self.sections:
            yield from section.walk()

    def sentences(self) -> Iterator[tuple[Section, DraftSentence]]:
        for section, block in self.blocks():
            if isinstance(block, Paragraph):
                for sentence in block.sentences:
                    yield section, sentence
            elif isinstance(block, ItemList):
                for item in block.items:
                    for sentence in item.sentences:
                        yield section, sentence

    def floats(self) -> list[Float]:
        return [b for _, b in self.blocks() if isinstance(b, Float)]

    def labels(self) -> set[str]:
        out: set[str] = set()
        for section in self.sections:
            out.add(section.label)
            out |= {s.label for s in section.subsections}
        return out | {f.label for f in self.floats()}


def relpath(path: Path, start: Path) -> str:
    """``path`` relative to ``start`` with forward slashes (for ``\\input`` and Markdown)."""
    import os

    return Path(os.path.relpath(path, start)).as_posix()
