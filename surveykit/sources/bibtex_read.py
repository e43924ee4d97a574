"""Read a ``.bib`` file as written: split it into entries (exact text, line, key, raw and
macro-expanded fields) and recover from what real libraries get wrong, reporting each problem
with its line and key.

bibtexparser 2 only *splits* the file here (its own middlewares are not used): this module expands
``@string`` and month macros and ``#`` concatenations itself, so it can report undefined macros,
duplicate keys and broken entries with their line, and keep every entry's original text.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ImplicitComment,
    ParsingFailedBlock,
    Preamble,
    String,
)

from surveykit.sources.fields import MONTH_NAMES, read_text_lenient
from surveykit.sources.report import LoadIssue
from surveykit.textutil import collapse_ws

# issue(reason, line, key=None, severity="error"): how the readers below report a problem.
_Report = Callable[..., None]

@dataclass
class BibEntry:
    """One entry as written in the file.

    ``fields`` maps lower-cased field names to values with ``@string``/month macros and ``#``
    expanded and the outer braces/quotes removed (LaTeX is kept). ``raw_fields`` has the values
    exactly as written (enclosing included). When a field appears twice the first one counts,
    as in BibTeX. ``raw`` is the entry's exact original text from ``@`` to its closing brace.
    """

    key: str
    entry_type: str
    line: int
    end_line: int
    raw: str
    fields: dict[str, str]
    raw_fields: dict[str, str]
    # line of the earlier entry with the same key (keys compare case-insensitively)
    duplicate_of: int | None = None
    block: Entry | None = field(default=None, repr=False)  # the bibtexparser block, unmodified


@dataclass
class BibFile:
    """A BibTeX file split into entries, with everything odd met while reading it."""

    filename: str
    text: str
    entries: list[BibEntry]
    macros: dict[str, str]
    issues: list[LoadIssue]
    library: Library = field(repr=False)  # bibtexparser's split result (no middleware applied)
    preambles: list[str] = field(default_factory=list)  # @preamble blocks, exactly as written

    def find(self, key: str) -> BibEntry | None:
        """The entry BibTeX would use for ``key`` (keys compare case-insensitively; first wins)."""
        wanted = key.strip().lower()
        for entry in self.entries:
            if entry.key.lower() == wanted and entry.duplicate_of is None:
                return entry
        return None

    @property
    def keys(self) -> list[str]:
        """The citation keys in file order, as written, without repeats."""
        return [e.key for e in self.entries if e.duplicate_of is None]


def read_entries(path: str | os.PathLike[str], encoding: str = "utf-8") -> BibFile:
    """Split a ``.bib`` file into :class:`BibEntry` records without changing anything in them."""
    path = Path(path)
    text, issues = read_text_lenient(path, encoding)
    bibfile = read_bibtex_string(text, filename=str(path))
    bibfile.issues[:0] = issues
    return bibfile


def read_bibtex_string(text: str, filename: str = "<string>") -> BibFile:
    """Like :func:`read_entries`, for BibTeX text already in memory."""
    prepared, moved = _join_type_and_brace(text)
    with _quiet_bibtexparser():
        library = bibtexparser.parse_string(prepared, parse_stack=[])
    macros: dict[str, str] = {}
    entries: list[BibEntry] = []
    preambles: list[str] = []
    issues: list[LoadIssue] = []
    first_line_of_key: dict[str, int] = {}
    cursor = 0

    def issue(reason: str, line: int | None, key: str | None = None, severity: str = "error"):
        issues.append(LoadIssue(filename, reason, line, key, severity))

    blocks = library.blocks
    for index, block in enumerate(blocks):
        line = (block.start_line or 0) + 1
        if isinstance(block, (DuplicateBlockKeyBlock, DuplicateFieldKeyBlock)):
            inner = block.ignore_error_block
            if isinstance(inner, DuplicateBlockKeyBlock):
                inner = inner.ignore_error_block
            block = inner if inner is not None else block
        if isinstance(block, String):
            _define_macro(block, macros, issue)
        elif isinstance(block, Preamble):
            preambles.append((block.raw or "").strip())
        elif isinstance(block, Entry):
            entry = _read_entry(block, macros, issue)
            if moved:  # give back the exact original text of entries whose brace was moved
                start = prepared.find(entry.raw, cursor)
                if start >= 0:
                    entry.raw = text[start:start + len(entry.raw)]
                    cursor = start + len(entry.raw)
            previous = first_line_of_key.get(entry.key.lower()) if entry.key else None
            if previous is not None:
                entry.duplicate_of = previous
                issue(f"duplicate key {entry.key!r}: an entry with this key starts at line "
                      f"{previous}; BibTeX uses the first one, this one is skipped "
                      "(rename one of the keys if they are different works)", entry.line,
                      entry.key)
            elif entry.key:
                first_line_of_key[entry.key.lower()] = entry.line
            entries.append(entry)
        elif isinstance(block, ParsingFailedBlock):
            following = blocks[index + 1].start_line if index + 1 < len(blocks) else None
            issue(_failure_reason(block, following), line, _key_from_raw(block.raw or ""))
        elif isinstance(block, ImplicitComment) and not (index and _is_failure(blocks[index - 1])):
            # (text right after a broken entry is its remainder, already reported)
            _check_stray_text(block, entries[-1].key if entries else None, issue)
    return BibFile(filename, text, entries, macros, issues, library, [p for p in preambles if p])


def _is_failure(block: object) -> bool:
    """A block bibtexparser could not read (duplicates are readable, we handle them ourselves)."""
    return isinstance(block, ParsingFailedBlock) and not isinstance(
        block, (DuplicateBlockKeyBlock, DuplicateFieldKeyBlock))


_TYPE_THEN_NEWLINE = re.compile(r"^([ \t]*@[A-Za-z]\w*)([ \t]*\r?\n\s*)([{(])", re.MULTILINE)


def _join_type_and_brace(text: str) -> tuple[str, int]:
    """``@article\\n{key,`` is valid BibTeX, but bibtexparser needs the brace on the type's line:
    swap the white space and the brace (same length, same line numbers)."""
    count = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return match.group(1) + match.group(3) + match.group(2)

    return _TYPE_THEN_NEWLINE.sub(swap, text), count


@contextmanager
def _quiet_bibtexparser() -> Iterator[None]:
    """bibtexparser logs every failed block; we report them as issues instead."""
    logger = logging.getLogger("bibtexparser")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(previous)



def _define_macro(block: String, macros: dict[str, str], issue: _Report) -> None:
    line = (block.start_line or 0) + 1
    value, undefined = _evaluate(block.value, macros)
    for name in undefined:
        issue(f"@string {block.key!r} uses undefined macro {name!r}; kept as the literal text",
              line, block.key, "warning")
    name = block.key.strip().lower()
    if name in macros and macros[name] != value:
        issue(f"@string {block.key!r} is defined again; the later definition is used", line,
              block.key, "warning")
    macros[name] = value


def _read_entry(block: Entry, macros: dict[str, str], issue: _Report) -> BibEntry:
    line = (block.start_line or 0) + 1
    key = block.key.strip()
    fields: dict[str, str] = {}
    raw_fields: dict[str, str] = {}
    for name_as_written, raw_value, field_line in _recover_fields(block, line, issue):
        name = name_as_written.strip().lower()
        if not _FIELD_NAME.fullmatch(name):
            issue(f"{collapse_ws(name_as_written)!r} is not a field name (a line commented out "
                  "with '%'? BibTeX has no comments inside entries); ignored", field_line,
                  key or None, "warning")
            continue
        value, undefined = _evaluate(raw_value, macros)
        for macro in undefined:
            issue(f"field {name_as_written!r} uses undefined macro {macro!r}; kept as the literal "
                  "text", field_line, key or None, "warning")
        if name in raw_fields:
            issue(f"field {name_as_written!r} appears twice; the first value is used (as BibTeX "
                  "does)", field_line, key or None, "warning")
            continue
        raw_fields[name] = raw_value
        fields[name] = value
    raw = block.raw or ""
    return BibEntry(key=key, entry_type=block.entry_type.strip().lower(), line=line,
                    end_line=line + raw.count("\n"), raw=raw, fields=fields,
                    raw_fields=raw_fields, block=block)


_FIELD_NAME = re.compile(r"[^\s\"#%'(),={}]+")
_NEXT_FIELD = re.compile(r"\s*([A-Za-z][\w:.+-]*)\s*=\s*", re.DOTALL)


def _recover_fields(block: Entry, line: int, issue: _Report) -> list[tuple[str, str, int]]:
    """The entry's (name, raw value, line) triples; a forgotten comma between two fields is
    repaired (the splitter reads ``title = {A} author = {B}`` as one value) with a warning."""
    triples = []
    for fld in block.fields:
        name, raw_value = fld.key, str(fld.value).strip()
        field_line = (fld.start_line + 1) if fld.start_line is not None else line
        while True:
            end = _value_end(raw_value)
            rest = raw_value[end:] if end is not None else ""
            if end is None:
                issue(f"value of field {name!r} is malformed; kept as written", field_line,
                      block.key.strip() or None, "warning")
            elif rest.strip():
                following = _NEXT_FIELD.match(rest)
                if following:
                    issue(f"missing ',' after field {name!r}; the next field "
                          f"{following.group(1)!r} was read anyway", field_line,
                          block.key.strip() or None, "warning")
                    triples.append((name, raw_value[:end], field_line))
                    field_line += raw_value[: end + following.start(1)].count("\n")
                    name, raw_value = following.group(1), rest[following.end():].strip()
                    continue
                issue(f"unexpected text after the value of field {name!r}: "
                      f"{collapse_ws(rest)[:40]!r}; ignored", field_line,
                      block.key.strip() or None, "warning")
                raw_value = raw_value[:end]
            triples.append((name, raw_value, field_line))
            break
    return triples


_BARE_WORD = re.compile(r"[^\s{}\"#,=]+")


def _value_end(text: str) -> int | None:
    """End of the value expression (``{..}``, ``".."``, number or macro, joined by ``#``) at the
    start of ``text``; None when ``text`` does not start with one."""
    index, size = 0, len(text)
    while True:
        while index < size and text[index].isspace():
            index += 1
        if index >= size:
            return None
        char = text[index]
        if char == "{":
            index = _group_end(text, index)
        elif char == '"':
            index = _quoted_end(text, index)
        else:
            match = _BARE_WORD.match(text, index)
            index = match.end() if match else None
        if index is None:
            return None
        after = index
        while after < size and text[after].isspace():
            after += 1
        if after < size and text[after] == "#":
            index = after + 1
            continue
        return index


# The scanners below visit only the characters that matter (braces, quotes), found by a regex:
# the same decisions as a character-by-character walk, without a Python step per character.
_BRACES = re.compile(r"[{}]")
_BRACES_QUOTE = re.compile(r'[{}"]')


def _group_end(text: str, start: int) -> int | None:
    depth = 0
    for match in _BRACES.finditer(text, start):
        index = match.start()
        if text[index - 1:index] == "\\":
            continue
        if match.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return index + 1
    return None


def _quoted_end(text: str, start: int) -> int | None:
    depth = 0
    for match in _BRACES_QUOTE.finditer(text, start + 1):
        index, char = match.start(), match.group()
        if char == "{" and text[index - 1] != "\\":
            depth += 1
        elif char == "}" and text[index - 1] != "\\":
            depth -= 1
        elif char == '"' and depth == 0:
            return index + 1
    return None


def _split_concatenation(value: str) -> list[str]:
    """Split ``a # {b} # "c"`` at the ``#`` signs outside braces and quotes."""
    if "#" not in value:  # (the common case: nothing to split)
        return [value]
    parts, depth, in_quotes, start = [], 0, False, 0
    for index, char in enumerate(value):
        if char == "\\":
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == '"' and depth == 0 and (index == 0 or value[index - 1] != "\\"):
            in_quotes = not in_quotes
        elif char == "#" and depth == 0 and not in_quotes:
            parts.append(value[start:index])
            start = index + 1
    parts.append(value[start:])
    return parts


def _one_group(text: str, opening: str, closing: str) -> bool:
    """True when ``text`` is a single ``{...}`` group (its first brace closes at the end)."""
    if len(text) < 2 or text[0] != opening or text[-1] != closing:
        return False
    if opening == '"':
        return True
    depth, last = 0, len(text) - 1
    for match in _BRACES.finditer(text):
        index = match.start()
        if index and text[index - 1] == "\\":
            continue
        if match.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0 and index != last:
                return False
    return True


def _evaluate(value: str, macros: dict[str, str]) -> tuple[str, list[str]]:
    """A field value as BibTeX sees it: enclosing removed, macros expanded, ``#`` joined."""
    pieces, undefined = [], []
    for part in _split_concatenation(value):
        part = part.strip()
        if not part:
            continue
        if _one_group(part, "{", "}") or _one_group(part, '"', '"'):
            pieces.append(part[1:-1])
        elif part.isdigit():
            pieces.append(part)
        elif re.fullmatch(r"[^\s{}\"#%',=()]+", part):
            name = part.lower()
            if name in macros:
                pieces.append(macros[name])
            elif name in MONTH_NAMES:
                pieces.append(MONTH_NAMES[name])
            else:
                undefined.append(part)
                pieces.append(part)
        else:  # unbalanced or unusual text: keep it as written
            pieces.append(part)
    return "".join(pieces), undefined


_KEY_IN_RAW = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s{}()=]+)\s*,")


def _key_from_raw(raw: str) -> str | None:
    match = _KEY_IN_RAW.match(raw.lstrip())
    return match.group(1) if match else None


def _failure_reason(block: ParsingFailedBlock, next_block_line: int | None) -> str:
    """Why bibtexparser gave up on a block, in a survey author's words."""
    error = block.error
    reason = collapse_ws(getattr(error, "abort_reason", None) or str(error))
    raw = block.raw or ""
    what = "entry" if raw.lstrip().startswith("@") else "block"
    problem_line = (block.start_line or 0) + 1 + raw.count("\n")
    if "Unexpected block start" in reason and next_block_line is not None:
        reason = (f"not closed before the next entry at line {next_block_line + 1} "
                  "(unbalanced braces or quotes?)")
    elif "end of file" in reason:
        reason = "not closed before the end of the file (unbalanced braces or quotes?)"
    elif reason.startswith("Expected comma after entry key"):
        reason = "no citation key: '@type{' must be followed by the key and a comma"
    elif reason.startswith("Expected a `=` after entry key"):
        dangling = collapse_ws(raw[raw.rfind(",") + 1:]).rstrip("})").strip()[:40]
        reason = (f"{dangling!r} at line {problem_line} is not a 'field = value' pair "
                  "(a line commented out with '%'? a missing '='?)")
    else:
        reason = f"{reason.rstrip('.')} (line {problem_line})"
    return f"broken {what}, skipped: {reason}"


_FIELD_LIKE = re.compile(r"^\s*[A-Za-z][\w-]*\s*=\s*[{\"\d]", re.MULTILINE)
_ENTRY_LIKE = re.compile(r"^\s*@\s*([A-Za-z]+)\b", re.MULTILINE)


def _check_stray_text(block: ImplicitComment, previous_key: str | None,
                      issue: _Report) -> None:
    """Text between entries is a comment to BibTeX; report only text that looks like lost data."""
    text = block.comment or ""
    start = (block.start_line or 0) + 1
    match = _ENTRY_LIKE.search(text)
    rest_of_line = text[match.end():].split("\n", 1)[0] if match else ""
    if match and match.group(1).lower() not in {"comment", "string", "preamble"} and \
            not re.search(r"@\w*\s*[{(]", rest_of_line):  # (else that block was read)
        line = start + text[: text.index("@", match.start())].count("\n")
        key = re.match(r"([^,\s{}()]+)", text[match.end():].lstrip(" \t\n{("))
        issue(f"@{match.group(1)} entry not recognised (no '{{' or '(' right after the type?); "
              "skipped", line, key.group(1) if key else None)
        return
    match = _FIELD_LIKE.search(text)
    if match:
        line = start + text[: match.end()].count("\n")
        above = f"[{previous_key}]" if previous_key else "the entry above"
        issue(f"field text outside any entry (did an extra '}}' close {above} early?); "
              "those fields were not read", line, previous_key, "warning")


__all__ = ["BibEntry", "BibFile", "read_bibtex_string", "read_entries"]
