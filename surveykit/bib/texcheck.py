"""pdflatex + bibtex check of a bibliography: compile a test document, parse what TeX said.

:func:`compile_check` cites every key in a tiny document, runs ``pdflatex``, ``bibtex``,
``pdflatex`` x2 in a scratch directory and returns errors (log ``!`` lines, bibtex error lines),
bibtex warnings mapped to key and field, undefined citations and missing glyphs.
:func:`classify_warnings` marks a bibtex warning *expected* when the paper really lacks the field.
"""

from __future__ import annotations

import bisect
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from surveykit.corpus.model import Paper
from surveykit.texengine import choose_engine

PathLike = str | os.PathLike[str]


@dataclass
class TexMessage:
    """One error or warning from pdflatex or bibtex, tied to a citation key when possible."""

    source: str  # "latex" | "bibtex"
    message: str
    key: str | None = None
    field: str | None = None
    line: int | None = None  # line in the .bib (bibtex) or .bbl (latex)
    expected: bool | None = None  # set by classify_warnings

    def __str__(self) -> str:
        where = f"[{self.key}] " if self.key else ""
        return f"{self.source}: {where}{self.message}"


@dataclass
class CompileResult:
    """What compiling a test document against the bibliography showed."""

    skipped: str | None = None
    errors: list[TexMessage] = field(default_factory=list)
    warnings: list[TexMessage] = field(default_factory=list)
    undefined: list[str] = field(default_factory=list)
    missing_glyphs: list[str] = field(default_factory=list)
    style: str = ""
    seconds: float = 0.0
    workdir: Path | None = None

    @property
    def ok(self) -> bool:
        """Ran, no errors, every key defined (warnings allowed)."""
        return self.skipped is None and not self.errors and not self.undefined

    @property
    def unexpected_warnings(self) -> list[TexMessage]:
        return [w for w in self.warnings if w.expected is not True]

    def summary(self) -> str:
        if self.skipped:
            return f"skipped: {self.skipped}"
        return (f"{self.style}: {len(self.errors)} errors, {len(self.warnings)} bibtex warnings "
                f"({len(self.unexpected_warnings)} unexpected), {len(self.undefined)} undefined "
                f"citations, {len(self.missing_glyphs)} missing glyphs ({self.seconds:.1f}s)")


def tex_available() -> str | None:
    """None when pdflatex and bibtex are on PATH, else the reason to skip."""
    for tool in ("pdflatex", "bibtex"):
        if shutil.which(tool) is None:
            return f"{tool} not found"
    return None


def check_document(keys: Iterable[str], style: str = "plainnat", fontenc: str | None = "T1",
                  packages: Iterable[str] = ("url",), bib_name: str = "refs",
                  fonts: Sequence[str] = ()) -> str:
    """A minimal LaTeX document that cites every key (natbib is loaded for ``*nat`` styles);
    with ``fonts``, a LuaLaTeX document (fontspec, those fallback fonts) instead of ``fontenc``."""
    lines = [r"\documentclass{article}"]
    if fonts:  # LuaLaTeX: Latin Modern plus fallback fonts for other scripts
        chain = ", ".join(f'"{font}:mode=node;"' for font in fonts)
        lines += [r"\usepackage{fontspec}",
                  rf'\directlua{{luaotfload.add_fallback("check", {{{chain}}})}}',
                  r"\setmainfont{Latin Modern Roman}[RawFeature={fallback=check}]"]
    elif fontenc:
        lines.append(rf"\usepackage[{fontenc}]{{fontenc}}")
    lines += [rf"\usepackage{{{p}}}" for p in packages]
    if style.endswith("nat"):
        lines.append(r"\usepackage{natbib}")
    lines += [r"\begin{document}", r"\section*{Citations}"]
    lines += [rf"\cite{{{key}}}" for key in keys]
    lines += [rf"\bibliographystyle{{{style}}}", rf"\bibliography{{{bib_name}}}", r"\end{document}"]
    return "\n".join(lines) + "\n"


def compile_check(
    bib_path: PathLike,
    keys: Iterable[str],
    workdir: PathLike | None = None,
    style: str = "plainnat",
    fontenc: str | None = "T1",
    packages: Iterable[str] = ("url",),
    timeout: float = 120.0,
) -> CompileResult:
    """Cite every key in a test document and run pdflatex, bibtex, pdflatex, pdflatex.

    Runs in ``workdir`` (kept, for inspection) or in a temporary directory (removed). Returns
    ``skipped: pdflatex not found`` when TeX is not installed.
    """
    keys = list(keys)
    reason = tex_available()
    if reason:
        return CompileResult(skipped=reason, style=style)
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="surveykit-bibcheck-") as tmp:
            result = _compile(Path(bib_path), keys, Path(tmp), style, fontenc, packages, timeout)
            result.workdir = None
            return result
    Path(workdir).mkdir(parents=True, exist_ok=True)
    return _compile(Path(bib_path), keys, Path(workdir), style, fontenc, packages, timeout)


def _compile(bib: Path, keys: list[str], work: Path, style: str, fontenc: str | None,
             packages: Iterable[str], timeout: float) -> CompileResult:
    started = time.monotonic()
    result = CompileResult(style=style, workdir=work)
    shutil.copyfile(bib, work / "refs.bib")
    for stale in ("check.aux", "check.bbl", "check.blg", "check.log"):
        (work / stale).unlink(missing_ok=True)
    # letters of non-Latin scripts kept as UTF-8 (surveykit.texengine): checked with LuaLaTeX
    engine = choose_engine(bib.read_text(encoding="utf-8", errors="replace"))
    fonts = engine.fonts if engine.name == "lualatex" else ()
    document = check_document(keys, style, fontenc, packages, fonts=fonts)
    (work / "check.tex").write_text(document, "utf-8")
    env = dict(os.environ, max_print_line="100000", error_line="254", half_error_line="238")
    latex = [engine.name, "-no-shell-escape", "-interaction=nonstopmode", "check.tex"]
    if len(keys) > TYPESET_ALL_UP_TO:
        return _compile_large(keys, work, style, fontenc, packages, fonts, latex, env, timeout,
                              started, result)
    for command in (latex, ["bibtex", "check"], latex, latex):
        if not _run_step(command, work, env, timeout, started, result):
            break
    parse_tex_outputs(work, result)
    result.seconds = time.monotonic() - started
    return result


# Above this many keys the check is the large-bibliography one (:func:`_compile_large`).
TYPESET_ALL_UP_TO = 2000
# Keys per bibtex run in a large check (bibtex stops at 200,000 strings in its hash).
BIBTEX_CHUNK = 20000
# Items typeset anyway in a large check, although plain: a guard on the plain-item rule.
PLAIN_SAMPLE = 200
# What bibtex's plainnat/plain write around the fields, and the kernel's escapes of ASCII specials.
_PLAIN_MACROS = re.compile(r"\\(?:bibitem|newblock|natexlab|emph|em|[&%$#_ ])(?![A-Za-z])")
_PLAIN_TEXT = re.compile(r"[A-Za-z0-9 \n.,;:!?'`()\[\]/+*=@\"~{}-]*")
_BBL_END = "\\end{thebibliography}"


def plain_item(item: str) -> bool:
    """True when a ``.bbl`` item is ASCII letters, digits, spaces and ordinary punctuation in
    plainnat's own markup (``\\bibitem``, ``\\newblock``, ``\\natexlab``, ``\\emph``) and the
    kernel's escapes of ``& % $ # _``: text every font encoding sets, no math, no accent, no URL,
    no macro of a source .bib. Such an item cannot raise a TeX error or miss a glyph."""
    return _PLAIN_TEXT.fullmatch(_PLAIN_MACROS.sub("", item)) is not None


def _join_bbls(bbls: list[str]) -> str:
    """The ``.bbl`` files of the key chunks as one: the first one's preamble and end around every
    chunk's items (each chunk sorted on its own; the check needs no global order)."""
    parts = [split_bbl(bbl) for bbl in bbls if bbl]
    if not parts:
        return ""
    return parts[0][0] + "".join(item for _, items, _ in parts for item in items) + parts[0][2]


def split_bbl(bbl: str) -> tuple[str, list[str], str]:
    """A ``.bbl`` as (everything before the first ``\\bibitem``, the items, the end)."""
    starts = [m.start() for m in re.finditer(r"\\bibitem(?![A-Za-z])", bbl)]
    if not starts:
        return bbl, [], ""
    end = bbl.rfind(_BBL_END)
    end = end if end > starts[-1] else len(bbl)
    bounds = starts + [end]
    return bbl[:starts[0]], [bbl[a:b] for a, b in zip(bounds, bounds[1:], strict=False)], bbl[end:]


def _run_step(command: list[str], work: Path, env: dict[str, str], timeout: float, started: float,
              result: CompileResult) -> bool:
    """Run one LaTeX or bibtex step within what is left of ``timeout``; False (and an error in
    ``result``) when it timed out."""
    remaining = timeout - (time.monotonic() - started)
    try:
        subprocess.run(command, cwd=work, env=env, capture_output=True,
                       timeout=max(remaining, 1.0), check=False)
    except subprocess.TimeoutExpired:
        source = "bibtex" if command[0] == "bibtex" else "latex"
        result.errors.append(TexMessage(source, f"{command[0]} timed out after {timeout:.0f}s"))
        return False
    return True


def _sample_bbl(work: Path, keys: list[str], full: str) -> list[str]:
    """Keep the joined ``.bbl`` as ``check-full.bbl`` and write as ``check.bbl`` its items that are
    not :func:`plain_item` plus the first :data:`PLAIN_SAMPLE` plain ones; the keys bibtex wrote
    no item for (undefined citations)."""
    (work / "check-full.bbl").write_text(full, "utf-8")
    head, items, tail = split_bbl(full)
    written = {found.group(1) for item in items
               for found in [_BIBITEM.match(item[:2000].replace("\n", " "))] if found}
    plain = 0
    kept = []
    for item in items:
        if plain_item(item):
            plain += 1
            if plain > PLAIN_SAMPLE:
                continue
        kept.append(item)
    if full:
        (work / "check.bbl").write_text(head + "".join(kept) + tail, "utf-8")
    return [key for key in dict.fromkeys(keys) if key not in written]


def _compile_large(keys: list[str], work: Path, style: str, fontenc: str | None,
                   packages: Iterable[str], fonts: Sequence[str], latex: list[str],
                   env: dict[str, str], timeout: float, started: float,
                   result: CompileResult) -> CompileResult:
    """The check of a large bibliography, in one bibtex and one LaTeX run instead of three LaTeX
    runs around bibtex (a run typesets every entry: ~1 s per 1,000 entries).

    - The ``.aux`` a first LaTeX run would write (a ``\\citation`` per key, the style and the
      database) is written directly; bibtex reads every entry of the file, as before.
    - Undefined citations are the keys bibtex wrote no ``\\bibitem`` for (what the last LaTeX run
      would have reported), read from the ``.bbl``.
    - LaTeX typesets (draft mode, no PDF) the items that are not :func:`plain_item` plus the first
      :data:`PLAIN_SAMPLE` plain ones; the complete ``.bbl`` stays as ``check-full.bbl``.
    """
    (work / "check.tex").write_text(check_document([], style, fontenc, packages, fonts=fonts),
                                    "utf-8")
    logs, bbls = [], []
    for first in range(0, len(keys), BIBTEX_CHUNK):  # bibtex's hash holds 200,000 strings
        aux = ["\\relax"] + [f"\\citation{{{key}}}" for key in keys[first:first + BIBTEX_CHUNK]]
        aux += [f"\\bibstyle{{{style}}}", "\\bibdata{refs}"]
        (work / "check.aux").write_text("\n".join(aux) + "\n", "utf-8")
        for made in ("check.bbl", "check.blg"):
            (work / made).unlink(missing_ok=True)
        if not _run_step(["bibtex", "check"], work, env, timeout, started, result):
            break
        for made, texts in (("check.blg", logs), ("check.bbl", bbls)):
            path = work / made
            texts.append(path.read_text("utf-8", errors="replace") if path.exists() else "")
    else:
        (work / "check.blg").write_text("".join(logs), "utf-8")  # every chunk's messages
        result.undefined = _sample_bbl(work, keys, _join_bbls(bbls))
        _run_step([*latex[:-1], "-draftmode", latex[-1]], work, env, timeout, started, result)
    undefined = result.undefined
    parse_tex_outputs(work, result)
    result.undefined = undefined  # the log has no citations to report: the document cites none
    result.seconds = time.monotonic() - started
    return result


def parse_tex_outputs(workdir: PathLike, result: CompileResult | None = None) -> CompileResult:
    """Read ``check.blg``/``check.log``/``check.bbl`` and ``refs.bib`` left in ``workdir``."""
    work = Path(workdir)
    result = result if result is not None else CompileResult(workdir=work)
    bib = work / "refs.bib"
    bib_starts = _entry_lines(bib.read_text("utf-8", errors="replace")) if bib.exists() else []
    blg = work / "check.blg"
    if blg.exists():
        _parse_blg(blg.read_text("utf-8", errors="replace"), bib_starts, result)
    log = work / "check.log"
    if log.exists():
        bbl = work / "check.bbl"
        bbl_text = bbl.read_text("utf-8", errors="replace") if bbl.exists() else ""
        _parse_log(log.read_text("utf-8", errors="replace"), bbl_text, result)
    elif not result.errors:
        result.errors.append(TexMessage("latex", "pdflatex wrote no log"))
    return result


_ENTRY_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]\s*([^,\s{}()]+)\s*,", re.MULTILINE)


class _LineCounter:
    """1-based line numbers of increasing offsets in one text, counting each newline once (the
    offsets of a whole file cost one pass over it, not one pass per offset)."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def at(self, offset: int) -> int:
        if offset < self.offset:
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def _entry_lines(text: str) -> list[tuple[int, str]]:
    """(1-based line, key) of every entry start in a .bib, in order."""
    starts = []
    lines = _LineCounter(text)
    for match in _ENTRY_START.finditer(text):
        if match.group(1).lower() not in {"string", "comment", "preamble"}:
            starts.append((lines.at(match.start()), match.group(2)))
    return starts


def _key_at(starts: list[tuple[int, str]], line: int) -> str | None:
    """The key of the last entry starting at or before ``line`` (``starts`` is in line order)."""
    index = bisect.bisect_right(starts, line, key=lambda start: start[0])
    return starts[index - 1][1] if index else None


_BLG_WARNINGS = [
    (re.compile(r"^empty (\w+) in (\S+)$"), ("field", "key")),
    (re.compile(r"^I'm ignoring (\S+)'s extra \"(\w+)\" field$"), ("key", "field")),
    (re.compile(r"^I didn't find a database entry for \"(.+)\"$"), ("key",)),
    (re.compile(r"^can't use both (\w+) and \w+ fields in (\S+)$"), ("field", "key")),
    (re.compile(r"^to sort, need (\w+) or key in (\S+)$"), ("field", "key")),
    (re.compile(r"^.* in (\S+)$"), ("key",)),
]
_BLG_LINE = re.compile(r"^--line (\d+) of file (.+)$")
_BLG_ERROR_AT = re.compile(r"^(.*)---line (\d+) of file (.+)$")
_BLG_FATAL = re.compile(r"^(I couldn't open .*|I found no .*|Sorry---.*|Illegal.*|.*---this can't happen.*)$")
_BLG_FOR_ENTRY = re.compile(r"\bfor entry (\S+)")
_BLG_COUNT = re.compile(r"^\(There (?:was|were) (\d+) error messages?\)$")


def _parse_blg(text: str, starts: list[tuple[int, str]], result: CompileResult) -> None:
    counted, found = 0, 0
    last: TexMessage | None = None
    previous = ""
    for raw in text.splitlines():
        line, before, previous = raw.rstrip(), previous, raw.rstrip()
        if line.startswith("Warning--"):
            last = _blg_warning(line[len("Warning--"):])
            result.warnings.append(last)
            continue
        at = _BLG_LINE.match(line)
        if at and last is not None:
            last.line = int(at.group(1))
            last.key = last.key or _key_at(starts, last.line)
            continue
        last = None
        error = _BLG_ERROR_AT.match(line)
        if error and error.group(3).endswith(".bst"):
            # a style-file error: the message and the entry are on the line before
            entry = _BLG_FOR_ENTRY.search(before)
            result.errors.append(TexMessage("bibtex", f"{before.strip()} ({line.strip()})",
                                            entry.group(1) if entry else None))
            found += 1
        elif error:
            number = int(error.group(2))
            result.errors.append(TexMessage("bibtex", error.group(1).strip() or line,
                                            _key_at(starts, number), None, number))
            found += 1
        elif _BLG_FATAL.match(line):
            result.errors.append(TexMessage("bibtex", line))
            found += 1
        count = _BLG_COUNT.match(line)
        if count:  # summed: a large check's .blg holds one run per chunk of keys
            counted += int(count.group(1))
    if counted > found:
        result.errors.append(TexMessage("bibtex", f"{counted - found} more bibtex error(s); "
                                                  "see the .blg"))


def _blg_warning(message: str) -> TexMessage:
    for pattern, names in _BLG_WARNINGS:
        match = pattern.match(message)
        if match:
            values = dict(zip(names, match.groups(), strict=True))
            return TexMessage("bibtex", message, values.get("key"), values.get("field"))
    return TexMessage("bibtex", message)


_UNDEFINED = re.compile(r"Citation [`'](.+?)' (?:on page \S+ )?undefined")
_GLYPH = re.compile(r"^Missing character: There is no (.+) in font (.+)!$")
_CONTEXT_LINE = re.compile(r"^l\.(\d+) ")


def _parse_log(log: str, bbl: str, result: CompileResult) -> None:
    lines = log.splitlines()
    bbl_opened = _first_line_index(lines, "check.bbl")
    bbl_starts = _bibitem_lines(bbl)
    seen_undefined: set[str] = set()
    for index, line in enumerate(lines):
        if line.startswith("! "):
            number = None
            for follow in lines[index + 1: index + 12]:
                context = _CONTEXT_LINE.match(follow)
                if context:
                    number = int(context.group(1))
                    break
            key = None
            if number is not None and bbl_opened is not None and index > bbl_opened:
                key = _key_at(bbl_starts, number)
            result.errors.append(TexMessage("latex", line[2:].strip(), key, None, number))
            continue
        for match in _UNDEFINED.finditer(line):
            if match.group(1) not in seen_undefined:
                seen_undefined.add(match.group(1))
                result.undefined.append(match.group(1))
        glyph = _GLYPH.match(line)
        if glyph and line not in result.missing_glyphs:
            result.missing_glyphs.append(line)


def _first_line_index(lines: list[str], name: str) -> int | None:
    for index, line in enumerate(lines):
        if f"(./{name}" in line:
            return index
    return None


_BIBITEM = re.compile(r"\\bibitem(?:\[[^\n]*?\])?\{([^}]+)\}")


def _bibitem_lines(bbl: str) -> list[tuple[int, str]]:
    """(1-based line, key) of every ``\\bibitem`` in a .bbl (natbib labels may span lines)."""
    starts = []
    lines = _LineCounter(bbl)
    for match in re.finditer(r"\\bibitem", bbl):
        tail = bbl[match.start(): match.start() + 2000]
        key = _BIBITEM.match(tail.replace("\n", " "))
        if key:
            starts.append((lines.at(match.start()), key.group(1)))
    return starts


# --- classification --------------------------------------------------------------------------

# bibtex field -> does the paper have data for it?
_HAS = {
    "author": lambda p: bool(p.authors),
    "title": lambda p: bool(p.title.strip()),
    "year": lambda p: p.year is not None,
    "journal": lambda p: bool(p.venue) or "journal" in _extra(p),
    "booktitle": lambda p: bool(p.venue) or "booktitle" in _extra(p),
    "school": lambda p: bool(p.venue) or "school" in _extra(p),
    "institution": lambda p: bool(p.venue) or "institution" in _extra(p),
    "publisher": lambda p: "publisher" in _extra(p),
    "editor": lambda p: "editor" in _extra(p),
    "pages": lambda p: "pages" in _extra(p),
    "volume": lambda p: "volume" in _extra(p),
    "number": lambda p: "number" in _extra(p) or "issue" in _extra(p),
    "chapter": lambda p: "chapter" in _extra(p),
}


def _extra(paper: Paper) -> set[str]:
    return {str(k).lower() for k, v in paper.extra.items() if str(v).strip()}


def classify_warnings(result: CompileResult, papers_by_key: Mapping[str, Paper]) -> CompileResult:
    """Set ``expected`` on each bibtex warning: True when the paper really lacks the field.

    Warnings about keys that are not generated papers (the author's own entries) stay None.
    """
    lowered = {k.lower(): p for k, p in papers_by_key.items()}
    for warning in result.warnings:
        paper = lowered.get((warning.key or "").lower())
        if paper is None:
            warning.expected = None
            continue
        check = _HAS.get(warning.field or "")
        warning.expected = bool(check is not None and not check(paper))
    return result
