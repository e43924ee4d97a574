"""Load BibTeX / biblatex files (Zotero, Better BibTeX, DBLP, IEEE, hand-written) into papers.

bibtexparser 2 only *splits* the file here (its own middlewares are not used): this module expands
``@string`` and month macros and ``#`` concatenations itself, so it can report undefined macros,
duplicate keys and broken entries with their line, and keep every entry's original text.

Public API:

- :func:`load` / :func:`parse_bibtex_string`: a file / a string -> :class:`LoadResult` of papers.
- :func:`read_entries` / :func:`read_bibtex_string`: the entries as written (:class:`BibFile` of
  :class:`BibEntry`: key, type, 1-based line, exact original text, fields as written and with
  macros expanded), for code that must merge into an author's ``.bib`` without altering it.
- Small helpers shared with the RIS loader: :func:`read_text_lenient`, :func:`normalize_month`,
  :func:`extract_year`, :func:`is_arxiv_venue`, :func:`find_urls`, :func:`find_code_url`.
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
from bibtexparser.middlewares.names import split_multiple_persons_names
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ImplicitComment,
    ParsingFailedBlock,
    String,
)

from surveykit.corpus.model import Paper, normalize_arxiv_id, normalize_doi
from surveykit.corpus.names import to_bibtex_name
from surveykit.sources.report import LoadIssue, LoadResult, SourceError
from surveykit.textutil import collapse_ws, latex_to_unicode

# --- shared field helpers (also used by the RIS loader) ---------------------------------------

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_FULL = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
    "nov": "November", "dec": "December",
}
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|21\d\d)(?!\d)")
_URL = re.compile(r"https?://[^\s{}\"<>\\]+", re.IGNORECASE)
_CODE_HOSTS = re.compile(r"^https?://(www\.)?(github\.com|gitlab\.com|bitbucket\.org)/[^/\s]+/[^/\s]+",
                         re.IGNORECASE)
_ARXIV_VENUE = re.compile(
    r"^\s*(corr|arxiv(\.org)?|computing research repository)\b|arxiv\s+preprint|arxiv\s+e-?prints",
    re.IGNORECASE,
)


def normalize_month(value: str | None) -> str | None:
    """``oct`` / ``October`` / ``10`` / ``Oct.`` -> ``"oct"``; None unless it names one month."""
    if not value:
        return None
    text = value.strip().strip("{}").strip().rstrip(".").lower()
    if text.isdigit():
        number = int(text)
        return MONTHS[number - 1] if 1 <= number <= 12 else None
    if len(text) >= 3 and text[:3] in MONTHS and _MONTH_FULL[text[:3]].lower().startswith(text):
        return text[:3]
    return None


def extract_year(value: str | None) -> int | None:
    """The first plausible four-digit year in ``value`` (``2023///``, ``2023-05-01``, ``May 2021``).
    """
    if not value:
        return None
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None


def is_arxiv_venue(venue: str | None) -> bool:
    """True for venue strings that only say "arXiv" (``CoRR``, ``arXiv preprint arXiv:...``)."""
    return bool(venue) and bool(_ARXIV_VENUE.search(venue))


def find_urls(text: str | None) -> list[str]:
    """Every http(s) URL in a field value, LaTeX escapes (``\\_``, ``\\url{}``) undone."""
    if not text:
        return []
    urls = []
    for match in _URL.finditer(_unescape_url_text(text)):
        url = match.group(0).rstrip(".,;'")
        while url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        if url not in urls:
            urls.append(url)
    return urls


def find_code_url(urls: list[str]) -> str | None:
    """The first GitHub / GitLab / Bitbucket repository URL among ``urls``."""
    for url in urls:
        if _CODE_HOSTS.match(url):
            return url
    return None


def _unescape_url_text(text: str) -> str:
    """Undo the LaTeX escaping people put into URLs and DOIs; leave everything else."""
    text = re.sub(r"\\(?:url|path)\s*\{([^{}]*)\}", r" \1 ", text)
    text = re.sub(r"\\href\s*\{([^{}]*)\}\s*\{[^{}]*\}", r" \1 ", text)
    for escaped, plain in (("\\_", "_"), ("\\%", "%"), ("\\&", "&"), ("\\#", "#"),
                           ("{\\textasciitilde}", "~"), ("\\textasciitilde{}", "~"),
                           ("\\textasciitilde", "~"), ("\\~{}", "~"), ("{\\~}", "~"),
                           ("\\$", "$")):
        text = text.replace(escaped, plain)
    return text


# --- reading entries as written ---------------------------------------------------------------

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
    return BibFile(filename, text, entries, macros, issues, library)


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


def read_text_lenient(path: str | os.PathLike[str],
                      encoding: str = "utf-8") -> tuple[str, list[LoadIssue]]:
    """The file's text (a UTF-8 BOM dropped); text that is not valid in ``encoding`` is read as
    latin-1 with a warning naming the first bad line, instead of failing."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: source file not found")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding
    try:
        return data.decode(codec), []
    except LookupError as exc:
        raise SourceError(f"{path}: unknown encoding {encoding!r}") from exc
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        reason = (f"not valid {encoding} (byte 0x{data[exc.start]:02x} at line {line}); "
                  "read as latin-1, check accented characters")
        return data.decode("latin-1"), [LoadIssue(str(path), reason, line, None, "warning")]


def load_text(path: str | os.PathLike[str], encoding: str,
              parse: Callable[[str, str], LoadResult]) -> LoadResult:
    """``parse(text, filename)`` on the file's text (:func:`read_text_lenient`), the reading
    issues first: the ``load`` of every line-based loader."""
    text, issues = read_text_lenient(path, encoding)
    result = parse(text, str(path))
    result.issues[:0] = issues
    return result


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


def _group_end(text: str, start: int) -> int | None:
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{" and text[index - 1:index] != "\\":
            depth += 1
        elif text[index] == "}" and text[index - 1:index] != "\\":
            depth -= 1
            if depth == 0:
                return index + 1
    return None


def _quoted_end(text: str, start: int) -> int | None:
    depth = 0
    for index in range(start + 1, len(text)):
        char = text[index]
        if char == "{" and text[index - 1] != "\\":
            depth += 1
        elif char == "}" and text[index - 1] != "\\":
            depth -= 1
        elif char == '"' and depth == 0:
            return index + 1
    return None


def _split_concatenation(value: str) -> list[str]:
    """Split ``a # {b} # "c"`` at the ``#`` signs outside braces and quotes."""
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
    depth = 0
    for index, char in enumerate(text):
        if char == "{" and (index == 0 or text[index - 1] != "\\"):
            depth += 1
        elif char == "}" and (index == 0 or text[index - 1] != "\\"):
            depth -= 1
            if depth == 0 and index != len(text) - 1:
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
            elif name in _MONTH_FULL:
                pieces.append(_MONTH_FULL[name])
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


# --- entries -> papers ------------------------------------------------------------------------

# Fields copied to ``extra`` without LaTeX decoding (identifiers, numbers, dates).
_VERBATIM = {
    "pages", "volume", "number", "issue", "isbn", "issn", "eprint", "archiveprefix", "eprinttype",
    "eprintclass", "primaryclass", "date", "urldate", "numpages", "articleno", "pmid", "pmcid",
    "mrnumber", "zbl", "biburl", "acmid", "issue_date", "crossref",
}
# Fields mapped to Paper attributes, or noise that reference managers add.
_NOT_EXTRA = {
    "title", "author", "year", "abstract", "doi", "url", "code", "github", "codeurl", "code_url",
    "repository", "software", "file", "timestamp", "bibsource", "owner", "date-added",
    "date-modified", "creationdate", "modificationdate", "groups", "ranking", "readstatus",
    "printed", "qualityassured", "priority", "mendeley-groups", "mendeley-tags", "bdsk-file-1",
    "langid",
}
_CODE_FIELDS = ("code", "github", "codeurl", "code_url", "repository", "software")
_URL_FIELDS = ("url", "howpublished", "pdf", "link", "eprint", "note")
_VENUE_BY_TYPE = {
    "phdthesis": ("school", "institution"), "mastersthesis": ("school", "institution"),
    "thesis": ("school", "institution"), "techreport": ("institution", "publisher"),
    "report": ("institution", "publisher"),
}
_VENUE_FALLBACK = ("publisher", "organization", "institution", "howpublished")
# Types that only hold shared fields for their crossref children (DBLP "with crossref" exports).
_CONTAINER_TYPES = {"proceedings", "mvproceedings"}
_INHERITED = ("booktitle", "editor", "publisher", "year", "date", "series", "volume", "address",
              "location", "month", "organization", "isbn", "issn", "journal", "journaltitle")


def load(path: str | os.PathLike[str], encoding: str = "utf-8") -> LoadResult:
    """Load a ``.bib`` file: every entry is either a paper or an issue (file, line, key, reason)."""
    bibfile = read_entries(path, encoding=encoding)
    return _to_result(bibfile, Path(path).name)


def parse_bibtex_string(text: str, filename: str = "<string>") -> LoadResult:
    """Load BibTeX text already in memory; issues name ``filename``."""
    return _to_result(read_bibtex_string(text, filename=filename), Path(filename).name)


def _to_result(bibfile: BibFile, name: str) -> LoadResult:
    result = LoadResult(issues=list(bibfile.issues))
    by_key = {e.key.lower(): e for e in bibfile.entries if e.key and e.duplicate_of is None}
    children: dict[str, int] = {}
    for entry in bibfile.entries:
        parent = entry.fields.get("crossref", "").strip().lower()
        if parent:
            children[parent] = children.get(parent, 0) + 1
    seen_ids: dict[str, BibEntry] = {}
    for entry in bibfile.entries:
        if entry.duplicate_of is not None:
            continue  # already reported while reading
        if entry.entry_type in _CONTAINER_TYPES and entry.key.lower() in children:
            result.issues.append(LoadIssue(
                bibfile.filename,
                f"@{entry.entry_type} volume used as crossref by {children[entry.key.lower()]} "
                "entries; its fields were passed on to them, it is not loaded as a paper",
                entry.line, entry.key, "error"))
            continue
        paper = entry_to_paper(entry, name, result.issues, bibfile.filename, by_key)
        if paper is None:
            continue
        if paper.id in seen_ids:
            first = seen_ids[paper.id]
            result.issues.append(LoadIssue(
                bibfile.filename,
                f"same paper as [{first.key}] at line {first.line} ({paper.id}); both are loaded, "
                "the corpus will keep one", entry.line, entry.key, "warning"))
        else:
            seen_ids[paper.id] = entry
        result.papers.append(paper)
    result.issues.sort(key=lambda i: i.line or 0)
    return result


def entry_to_paper(entry: BibEntry, source_name: str, issues: list[LoadIssue] | None = None,
                   filename: str | None = None,
                   entries_by_key: dict[str, BibEntry] | None = None) -> Paper | None:
    """Map one entry to a :class:`Paper`; None (with an error issue) when it has no title.

    ``entries_by_key`` (lower-cased keys) lets ``crossref`` children inherit missing fields.
    """
    issues = issues if issues is not None else []
    filename = filename or source_name

    def issue(reason: str, severity: str = "warning") -> None:
        issues.append(LoadIssue(filename, reason, entry.line, entry.key or None, severity))

    values = _with_crossref(entry, entries_by_key or {}, issue)
    title = _text(values.get("title")) or _text(values.get("shorttitle"))
    if not title:
        issue(f"@{entry.entry_type} entry has no title; skipped", "error")
        return None
    if not entry.key:
        issue("entry has no citation key; loaded, but it cannot be cited as is")

    authors, truncated = _authors(values.get("author", ""))
    if not authors:
        issue("no author; loaded without authors")

    year = extract_year(values.get("year")) or extract_year(values.get("date"))
    if year is None:
        shown = values.get("year") or values.get("date")
        issue(f"year {shown!r} has no four-digit year; loaded without a year" if shown
              else "no year; loaded without a year")

    urls: list[str] = []
    for name in _URL_FIELDS:
        for url in find_urls(values.get(name)):
            if url not in urls:
                urls.append(url)
    code_url = None
    for name in _CODE_FIELDS:
        found = find_urls(values.get(name)) or _bare_repo_url(values.get(name))
        if found:
            code_url = found[0]
            break
    code_url = code_url or find_code_url(urls)

    arxiv_id = _arxiv_id(values, urls)
    venue = _venue(entry.entry_type, values, arxiv_id)
    doi = normalize_doi(_unescape_url_text(values.get("doi", ""))) or next(
        (normalize_doi(u) for u in urls if "doi.org/" in u.lower()), None)

    extra = _extra(values, truncated)
    return Paper(
        title=title,
        abstract=_text(values.get("abstract")),
        authors=authors,
        year=year,
        venue=venue,
        arxiv_id=arxiv_id,
        doi=doi,
        urls=urls,
        code_url=code_url,
        source=f"bibtex:{source_name}",
        source_key=entry.key or None,
        entry_type=entry.entry_type,
        extra=extra,
    )


def _with_crossref(entry: BibEntry, entries_by_key: dict[str, BibEntry],
                   issue: Callable[[str], None]) -> dict[str, str]:
    values = dict(entry.fields)
    target = values.get("crossref", "").strip()
    if not target:
        return values
    parent = entries_by_key.get(target.lower())
    if parent is None:
        issue(f"crossref {target!r} is not in this file; loaded without the inherited fields")
        return values
    for name in _INHERITED:
        if name in parent.fields and not values.get(name):
            values[name] = parent.fields[name]
    if not values.get("booktitle") and parent.fields.get("title") and \
            entry.entry_type in {"inproceedings", "incollection", "conference", "inbook"}:
        values["booktitle"] = parent.fields["title"]
    return values


def _text(value: str | None) -> str:
    """A field value as plain unicode text (``\\url{x}`` becomes ``x``, not ``<x>``)."""
    if not value:
        return ""
    return collapse_ws(_ANGLED_URL.sub(r"\1", latex_to_unicode(value)))


_ANGLED_URL = re.compile(r"<(https?://[^<>\s]+)>")


def _verbatim(value: str) -> str:
    """Identifier-like values: braces dropped, URL escapes undone, no LaTeX decoding."""
    return collapse_ws(_unescape_url_text(value).replace("{", "").replace("}", ""))


def _authors(value: str) -> tuple[list[str], bool]:
    """``A and B and {Org}`` -> ``["Family, Given", ..., "{Org}"]``; True when ``and others``."""
    names, truncated = [], False
    for name in split_multiple_persons_names(collapse_ws(value)) if value.strip() else []:
        name = name.strip()
        if name.lower() in {"others", "et al.", "et al"}:
            truncated = True
            continue
        if _one_group(name, "{", "}") and not name[1:].lstrip().startswith("\\"):
            inner = collapse_ws(latex_to_unicode(name[1:-1]))
            if inner:
                names.append("{" + inner + "}")
            continue
        normalised = to_bibtex_name(latex_to_unicode(name))
        if normalised:
            names.append(normalised)
    return names, truncated


def _bare_repo_url(value: str | None) -> list[str]:
    """``github.com/org/repo`` written without a scheme."""
    if not value:
        return []
    match = re.search(r"\b((?:github\.com|gitlab\.com|bitbucket\.org)/[\w.-]+/[\w.-]+)", value)
    return [f"https://{match.group(1)}"] if match else []


def _arxiv_id(values: dict[str, str], urls: list[str]) -> str | None:
    """arXiv id from eprint (+archivePrefix/eprinttype), arXiv-ish venues, CoRR volumes, URLs and
    arXiv DOIs."""
    prefix = (values.get("archiveprefix") or values.get("eprinttype") or "").strip().lower()
    eprint = values.get("eprint", "")
    if eprint and prefix in {"arxiv", ""}:
        found = normalize_arxiv_id(eprint)
        if found:
            return found
    journal = values.get("journal") or values.get("journaltitle") or ""
    if is_arxiv_venue(journal):
        for name in ("volume", "number", "pages"):
            found = normalize_arxiv_id(values.get(name))
            if found:
                return found
    for name in ("journal", "journaltitle", "booktitle", "howpublished", "number", "volume",
                 "note", "publisher", "series"):
        value = values.get(name, "")
        if "arxiv" in value.lower():
            found = normalize_arxiv_id(value)
            if found:
                return found
    for url in urls:
        if "arxiv.org/" in url.lower():
            found = normalize_arxiv_id(url)
            if found:
                return found
    doi = values.get("doi", "")
    if "arxiv." in doi.lower():
        return normalize_arxiv_id(doi)
    return None


def _venue(entry_type: str, values: dict[str, str], arxiv_id: str | None) -> str | None:
    """Journal / proceedings / publisher-ish venue; ``"arXiv"`` for CoRR and for arXiv preprints
    that name no other venue."""
    candidates = ["journal", "journaltitle", "booktitle", "eventtitle"]
    candidates += list(_VENUE_BY_TYPE.get(entry_type, ()))
    candidates += list(_VENUE_FALLBACK)
    for name in candidates:
        raw = values.get(name, "")
        if name == "howpublished" and find_urls(raw):
            continue
        text = _text(raw)
        if not text:
            continue
        if is_arxiv_venue(text):
            return "arXiv"
        return text
    return "arXiv" if arxiv_id else None


def _extra(values: dict[str, str], authors_truncated: bool) -> dict[str, str]:
    extra: dict[str, str] = {}
    for name, value in values.items():
        if name in _NOT_EXTRA or name.startswith(("bdsk-", "mendeley-", "zotero-")):
            continue
        if name == "month":
            text = normalize_month(_verbatim(value)) or _text(value)
        elif name in {"editor", "translator"}:
            names, more = _authors(value)
            text = " and ".join(names + (["others"] if more else []))
        elif name in _VERBATIM:
            text = _verbatim(value)
        elif name == "howpublished" and find_urls(value):
            continue
        else:
            text = _text(value)
        if text:
            extra[name] = text
    if "month" not in extra and values.get("date"):
        match = re.match(r"\s*\d{4}-(\d{1,2})", values["date"])
        month = normalize_month(match.group(1)) if match else None
        if month:
            extra["month"] = month
    if authors_truncated:
        extra["authors_truncated"] = "true"
    return extra


__all__ = [
    "BibEntry", "BibFile", "entry_to_paper", "extract_year", "find_code_url", "find_urls",
    "is_arxiv_venue", "load", "normalize_month", "parse_bibtex_string",
    "read_bibtex_string", "read_entries", "read_text_lenient",
]
