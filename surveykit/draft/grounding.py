"""Grounding: every sentence of the draft is traceable, checked on the data and on the .tex.

The rule (see :mod:`surveykit.draft.model` for the sentence kinds):

1. Every *prose* sentence (``extract``, ``summary``, ``rewritten``) carries at least one citation,
   and every cited key is in ``references.bib`` and belongs to a corpus paper.
2. An ``extract`` sentence cites its source paper, and its provenance holds: the recorded source
   sentence is exactly ``abstract[start:end]`` of that paper.
3. A ``structural`` sentence (about the document: roadmap, "Table 2 compares ...") carries a
   cross-reference to a label defined in the document and no claim about a paper.
4. On the written ``survey.tex``: every sentence of the body (from the first ``\\section`` to the
   bibliography, floats, headings and comments removed) contains ``\\cite...`` or ``\\ref``, and
   every key of every ``\\cite`` command is in ``references.bib``.

The provenance file (``provenance.jsonl``) has one JSON object per sentence, in document order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from surveykit import io
from surveykit.attributes.sentences import split_sentences
from surveykit.corpus.model import Corpus
from surveykit.draft.compare import numbers_in
from surveykit.draft.model import SurveyDocument

PROSE = ("extract", "summary", "rewritten")
_BIB_KEY = re.compile(r"^\s*@\s*(\w+)\s*[{(]\s*([^,\s]+)\s*,", re.MULTILINE)
_CITE = re.compile(
    r"\\(?:cite|citet|citep|citealt|citealp|citeauthor|citeyear|nocite)\*?"
    r"(?:\[[^\]]*\]){0,2}\{([^}]*)\}"
)
_FLOAT = re.compile(r"\\begin\{(figure\*?|table\*?|longtable|landscape)\}.*?\\end\{\1\}", re.DOTALL)
_HEADING = re.compile(r"\\(?:sub)*section\*?\{[^}]*\}|\\paragraph\{[^}]*\}|\\label\{[^}]*\}")
_COMMENT = re.compile(r"(?<!\\)%.*$", re.MULTILINE)
_ENV_LINE = re.compile(r"\\(?:begin|end)\{(?:itemize|enumerate|description)\}")


def bib_keys(path: str | Path) -> set[str]:
    """The entry keys of a .bib file (``@string``/``@preamble``/``@comment`` ignored)."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    return {
        key for kind, key in _BIB_KEY.findall(text) if kind.lower() not in {"string", "preamble", "comment"}
    }


def tex_cite_keys(tex: str) -> list[str]:
    """Every key of every citation command in a LaTeX text, in order, comments ignored."""
    tex = _COMMENT.sub("", tex)
    keys: list[str] = []
    for group in _CITE.findall(tex):
        keys += [k.strip() for k in group.split(",") if k.strip()]
    return keys


@dataclass
class Problem:
    where: str
    sentence: str
    message: str


@dataclass
class GroundingReport:
    """Counts and problems of the grounding check; ``ok`` when there is no problem."""

    prose: int = 0
    prose_cited: int = 0
    extracts: int = 0
    structural: int = 0
    tex_sentences: int = 0
    tex_grounded: int = 0
    cited_keys: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    rewrites: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def cited_share(self) -> float:
        return self.prose_cited / self.prose if self.prose else 1.0

    def _repr_html_(self) -> str:
        from surveykit.display import grounding_html

        return grounding_html(self)

    def summary(self) -> str:
        text = (
            f"grounding: {self.prose_cited}/{self.prose} prose sentences cite a corpus paper "
            f"({100 * self.cited_share:.1f}%; {self.extracts} extracted from abstracts), "
            f"{self.structural} structural; .tex: {self.tex_grounded}/{self.tex_sentences} sentences "
            f"cite or refer; {len(self.cited_keys)} keys cited; {len(self.problems)} problem(s)"
        )
        for problem in self.problems[:10]:
            text += f"\n  - {problem.where}: {problem.message}: {problem.sentence[:100]!r}"
        if len(self.problems) > 10:
            text += f"\n  ... and {len(self.problems) - 10} more"
        return text


def check_document(
    document: SurveyDocument, corpus: Corpus, keys: Mapping[str, str], bib: Iterable[str]
) -> GroundingReport:
    """Rules 1-3 on the document's sentences; ``keys`` is paper id -> key, ``bib`` the .bib keys."""
    report = GroundingReport()
    bib = set(bib)
    key_to_paper = {key: pid for pid, key in keys.items() if pid in corpus}
    labels = document.labels()
    for section, sentence in document.sentences():
        where = section.label
        text = sentence.plain()
        if sentence.kind in PROSE:
            report.prose += 1
            sentence_keys = sentence.keys
            bad = [k for k in sentence_keys if k not in bib or k not in key_to_paper]
            if not sentence_keys:
                report.problems.append(Problem(where, text, "prose sentence without a citation"))
            elif bad:
                report.problems.append(Problem(where, text, f"unknown citation key(s) {', '.join(bad)}"))
            else:
                report.prose_cited += 1
                report.cited_keys |= set(sentence_keys)
            if sentence.kind == "extract":
                report.extracts += 1
                _check_extract(sentence, corpus, keys, where, report)
            else:
                _check_numbers(sentence, corpus, key_to_paper, where, report)
        else:
            report.structural += 1
            refs = sentence.refs
            missing = [r.label for r in refs if r.label not in labels]
            if not refs:
                report.problems.append(Problem(where, text, "structural sentence without a cross-reference"))
            elif missing:
                report.problems.append(
                    Problem(where, text, f"reference to undefined label(s) {', '.join(missing)}")
                )
            if sentence.cites:
                bad = [k for k in sentence.keys if k not in bib]
                if bad:
                    report.problems.append(Problem(where, text, f"unknown citation key(s) {', '.join(bad)}"))
                report.cited_keys |= set(sentence.keys)
    for block_float in document.floats():
        for row in block_float.rows or []:
            for cell in row:
                for seg in cell:
                    for key in getattr(seg, "keys", ()):
                        if key not in bib:
                            report.problems.append(Problem(block_float.label, key, "unknown key in a table"))
                        report.cited_keys.add(key)
    return report


def _check_numbers(
    sentence, corpus: Corpus, key_to_paper: Mapping[str, str], where: str, report: GroundingReport
) -> None:
    """A sentence in the survey's words may state a measured number (``42.4%``, ``3.5x``) only when
    the abstract of a paper it cites has it."""
    text = "".join(s for s in sentence.segments if isinstance(s, str))
    numbers = numbers_in(text)
    if not numbers:
        return
    abstracts = " ".join(corpus[key_to_paper[k]].abstract or "" for k in sentence.keys if k in key_to_paper)
    stated = set(numbers_in(abstracts))
    missing = [n for n in numbers if n not in stated]
    if missing:
        report.problems.append(Problem(where, sentence.plain(),
                                       f"number(s) {', '.join(missing)} not in a cited abstract"))


def _check_extract(
    sentence, corpus: Corpus, keys: Mapping[str, str], where: str, report: GroundingReport
) -> None:
    prov = sentence.provenance
    text = sentence.plain()
    if prov is None or len(sentence.paper_ids) != 1 or prov.paper_id != sentence.paper_ids[0]:
        report.problems.append(Problem(where, text, "extracted sentence without provenance"))
        return
    if prov.paper_id not in corpus:
        report.problems.append(Problem(where, text, f"source paper {prov.paper_id} is not in the corpus"))
        return
    if keys.get(prov.paper_id) not in sentence.keys:
        report.problems.append(Problem(where, text, f"does not cite its source paper {prov.paper_id}"))
    abstract = corpus[prov.paper_id].abstract or ""
    if abstract[prov.start : prov.end] != prov.text:
        report.problems.append(
            Problem(where, text, f"provenance offsets {prov.start}:{prov.end} do not match")
        )


_INPUT_LINE = re.compile(r"^[ \t]*\\input\{[^}]*\}[ \t]*$", re.MULTILINE)


def tex_body(tex: str) -> str:
    """The prose of a .tex body: first ``\\section`` to the bibliography, without floats and headings."""
    start = tex.find("\\section")
    end = tex.find("\\bibliographystyle")
    body = tex[start if start >= 0 else 0 : end if end >= 0 else len(tex)]
    body = _COMMENT.sub("", body)
    body = _FLOAT.sub("\n\n", body)
    body = _HEADING.sub(" ", body)
    body = _ENV_LINE.sub("\n\n", body)
    body = _INPUT_LINE.sub("\n\n", body)  # an included table or figure is not a sentence
    return body.replace("\\item", "\n\n")


def tex_sentences(tex: str) -> list[str]:
    """The sentences of the body (paragraph by paragraph)."""
    out = []
    for paragraph in re.split(r"\n\s*\n", tex_body(tex)):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        parts: list[str] = []
        for piece in (s.text for s in split_sentences(paragraph)):
            # a "sentence" that opens lower-case or with "(" continues the previous one (a quoted
            # ``...?'' inside a sentence is no boundary)
            if parts and re.match(r"[a-z(]", piece):
                parts[-1] += " " + piece
            else:
                parts.append(piece)
        out += parts
    return out


def check_tex(tex: str, bib: Iterable[str], report: GroundingReport | None = None) -> GroundingReport:
    """Rule 4 on the written LaTeX."""
    report = report if report is not None else GroundingReport()
    bib = set(bib)
    for sentence in tex_sentences(tex):
        report.tex_sentences += 1
        if "\\cite" in sentence or "\\ref{" in sentence:
            report.tex_grounded += 1
        else:
            report.problems.append(Problem("survey.tex", sentence, "sentence without \\cite or \\ref"))
    unknown = sorted(set(tex_cite_keys(tex)) - bib)
    for key in unknown:
        report.problems.append(Problem("survey.tex", key, "\\cite key not in references.bib"))
    return report


def provenance_rows(document: SurveyDocument, corpus: Corpus, keys: Mapping[str, str]) -> list[dict]:
    """One row per sentence: section, kind, text as written, papers, keys, source and offsets."""
    rows = []
    for n, (section, sentence) in enumerate(document.sentences()):
        prov = sentence.provenance
        rows.append(
            {
                "n": n,
                "section": section.label,
                "section_title": section.title,
                "kind": sentence.kind,
                "text": sentence.plain(),
                "paper_ids": list(sentence.paper_ids),
                "keys": sentence.keys,
                "source_paper_id": prov.paper_id if prov else None,
                "source_key": keys.get(prov.paper_id) if prov else None,
                "source_start": prov.start if prov else None,
                "source_end": prov.end if prov else None,
                "source_sentence": prov.text if prov else None,
            }
        )
    return rows


def write_provenance(path: str | Path, rows: list[dict]) -> Path:
    text = "".join(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n" for row in rows)
    return io.write_text(path, text)
