"""Small text helpers shared by every stage: ASCII folding, title normalisation, LaTeX to unicode."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

# Letters NFKD does not decompose into ASCII.
_ASCII_EXTRA = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
    }
)


def collapse_ws(text: str) -> str:
    """Collapse runs of white space to one space and strip the ends (``str.split`` and ``\\s``
    know the same white space; the split is ~4x faster than a regular expression)."""
    return " ".join(text.split())


def fold_ascii(text: str) -> str:
    """Fold accents and ligatures to plain ASCII (``Jörg`` -> ``Jorg``); drops what cannot fold."""
    text = unicodedata.normalize("NFKD", text.translate(_ASCII_EXTRA))
    return text.encode("ascii", "ignore").decode("ascii")


def normalize_title(title: str) -> str:
    """Title reduced for matching: lower case, words separated by single spaces; Latin letters
    folded to ASCII (``Über`` -> ``uber``), letters and digits of other scripts kept as they are
    (a Chinese or Greek title is not reduced to nothing, so two of them never look alike)."""
    text = latex_to_unicode(title)
    if not text.isascii():
        text = "".join(_fold_char(ch) for ch in unicodedata.normalize("NFC", text))
    return collapse_ws(_NON_WORD.sub(" ", text.lower()))


_NON_WORD = re.compile(r"[\W_]+")


def _fold_char(ch: str) -> str:
    folded = fold_ascii(ch)
    if folded or unicodedata.category(ch) == "Mn":  # a stray combining mark folds to nothing
        return folded
    return ch.casefold() if ch.isalnum() else " "


@lru_cache(maxsize=1)
def _latex_decoder():
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    from surveykit.bib.latex import ASCII_ESCAPES, UNICODE_LETTERS, UNICODE_SYMBOLS

    # every text macro the .bib writer emits reads back as its character (pylatexenc knows no
    # \pounds, \S, \P, \copyright, \ddag, \SS, \DJ...): a written-then-read title loses nothing
    db = get_default_latex_context_db()
    written = {}
    for char, latex in [*ASCII_ESCAPES.items(), *UNICODE_LETTERS.items(), *UNICODE_SYMBOLS.items()]:
        match = re.fullmatch(r"\{\\([A-Za-z]+)\}", latex)
        if match:
            written[match.group(1)] = char
    db.add_context_category("surveykit-writer", prepend=True,
                            macros=[MacroTextSpec(name, char) for name, char in sorted(written.items())])
    return LatexNodes2Text(latex_context=db, math_mode="verbatim", strict_latex_spaces=True)


_HAS_LATEX = re.compile(r"[\\{}$~]")


@lru_cache(maxsize=1)
def _latex_context():
    """pylatexenc's default macro database, built once (it builds a new one for every walker)."""
    from pylatexenc.latexwalker import get_default_latex_context_db

    return get_default_latex_context_db()


def latex_to_unicode(text: str) -> str:
    """Turn LaTeX markup in a field value into unicode text (``{\\"o}`` -> ``ö``, ``\\&`` -> ``&``)."""
    if not text or not _HAS_LATEX.search(text):
        return text
    if len(text) <= 300:  # names, venues and titles repeat across a library: decode each once
        return _latex_to_unicode_cached(text)
    return _decode_latex(text)


@lru_cache(maxsize=1)
def _math_forms() -> dict[str, str]:
    """The writer's math-mode symbols (``{\\ensuremath{\\neg}}`` -> ``¬``): read back as written."""
    from surveykit.bib.latex import _SUBSTITUTED, UNICODE_SYMBOLS

    forms = {latex: char for char, latex in UNICODE_SYMBOLS.items()
             if latex.startswith("{\\ensuremath") and char not in _SUBSTITUTED}
    for char, latex in UNICODE_SYMBOLS.items():  # ✓ is written as √: it reads back as √
        if latex.startswith("{\\ensuremath"):
            forms.setdefault(latex, char)
    return forms


def _decode_latex(text: str) -> str:
    if "\\ensuremath" in text:
        for latex, char in _math_forms().items():
            text = text.replace(latex, char)
    try:
        decoded = _latex_decoder().latex_to_text(text, latex_context=_latex_context())
    except Exception:  # pylatexenc is lenient, but a broken value must never stop a load
        decoded = text.replace("{", "").replace("}", "")
    return collapse_ws(unicodedata.normalize("NFC", decoded))


_latex_to_unicode_cached = lru_cache(maxsize=65536)(_decode_latex)


_HTML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MD_ACTIVE = re.compile(r"([\\`*_\[\]|])")
_MD_HTML = re.compile(r"[&<>]")


def markdown_escape(text: str) -> str:
    """Plain text made inert in Markdown: ``&``, ``<``, ``>`` as HTML entities (no tag, comment or
    entity of the text is ever live, in any renderer) and the Markdown-active characters
    ``\\ ` * _ [ ] |`` backslash-escaped (no emphasis, link, code span or table cell break)."""
    return _MD_ACTIVE.sub(r"\\\1", _MD_HTML.sub(lambda m: _HTML_ENTITIES[m.group()], text))


_URL_UNSAFE = re.compile(r"[\x00-\x20<>\"`\\^{|}\x7f]")


def markdown_url(url: str) -> str | None:
    """``url`` for a Markdown link/autolink when it is http(s) (unsafe characters percent-encoded),
    else ``None`` (``javascript:`` and other schemes are never linked)."""
    url = url.strip()
    if not re.match(r"https?://", url, re.IGNORECASE):
        return None
    return _URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", url)


def system_name(title: str) -> str | None:
    """``BLADE: Benchmarking ...`` -> ``BLADE``: the system name a title leads with (before a
    colon, at most 4 words and 40 characters), if any."""
    head, sep, _ = (title or "").partition(":")
    head = head.strip()
    if sep and head and len(head.split()) <= 4 and len(head) <= 40:
        return head
    return None


def year_span(years: Sequence[int], dash: str = " to ") -> str:
    """The span of ``years`` in a sentence ("from 2023 to 2025", "in 2024") or, with another
    ``dash``, in a cell ("2023\u20132025", "2024"); "" without years."""
    if not years:
        return ""
    lo, hi = min(years), max(years)
    if lo == hi:
        return f"in {lo}" if dash == " to " else str(lo)
    return f"from {lo} to {hi}" if dash == " to " else f"{lo}{dash}{hi}"
