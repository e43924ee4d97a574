"""Person lists and accents in BibTeX values, read without losing a letter.

- :func:`split_persons`: ``A and B and {C and D}`` -> persons, split on `` and `` at brace depth 0.
  bibtexparser 2.1's ``split_multiple_persons_names`` drops a control sequence right after
  `` and `` (``\\v{C}ertick\\'{y}`` -> ``Certick...``, ``\\L{}ukasz`` -> ``ukasz``); this one keeps
  every character.
- :func:`repair_accents`: a backslash followed by a combining or spacing accent mark
  (``Fern\\ \u0301{a}ndez``, ``Rapha\\\u00a8{e}l``) -> the accent macro (``Fern{\\'a}ndez``), and
  ``{\\'{\\i}}`` -> ``{\\'i}`` (biber turns the dotless form into U+0131 + U+0301, which pdflatex
  rejects; ``{\\'i}`` works with bibtex and biber).
- :func:`person_problems`: suspicious persons (a missing ``and``, a stray comma, an empty name).
"""

from __future__ import annotations

import re

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)

# Accent marks (combining and spacing forms) -> the LaTeX accent command.
_MARKS: dict[str, str] = {
    "\u0301": "'", "\u00b4": "'", "\u02ca": "'", "\u0300": "`", "\u02cb": "`", "`": "`",
    "\u0308": '"', "\u00a8": '"', "\u0303": "~", "\u02dc": "~", "\u0302": "^", "\u02c6": "^",
    "\u0304": "=", "\u00af": "=", "\u02c9": "=", "\u0307": ".", "\u02d9": ".", "\u0327": "c",
    "\u00b8": "c", "\u030c": "v", "\u02c7": "v", "\u0306": "u", "\u02d8": "u", "\u030a": "r",
    "\u02da": "r", "\u030b": "H", "\u02dd": "H", "\u0328": "k", "\u02db": "k",
}
_MARK_CLASS = "".join(sorted(c for c in _MARKS if c != "`"))
# \ [space] mark [space] ({x} | x)   -- the mark may also sit on the space after the backslash
_BROKEN = re.compile(r"\\[ \t]?([" + _MARK_CLASS + r"])[ \t]?(?:\{\s*([A-Za-z]|\\[ij])\s*\}|([A-Za-z]))")
# {\'{\i}}, \'{\i}, \'\i  (any accent command on a dotless i/j)
_DOTLESS = re.compile(r"\\(['`^\"~=.])\s*(?:\{\\([ij])\}|\\([ij])(?![A-Za-z]))")


_GLUED_CARON = re.compile(r"\\v([A-Za-z]{2,})")
_V_MACROS = {"vec", "vert", "vspace", "verb", "varepsilon", "varphi", "vartheta", "varrho", "vdots",
             "vee", "vskip", "vbox", "vfill", "vphantom", "varpi", "varsigma", "vline", "value"}


def split_persons(value: str) -> list[str]:
    """The persons in an ``author``/``editor`` value, each exactly as written (stripped)."""
    persons: list[str] = []
    depth, start, index = 0, 0, 0
    text = f" {value or ''} "  # so that a leading or trailing "and" separates an empty person
    while index < len(text):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and char.isspace():
            match = _AND.match(text, index)
            if match:
                persons.append(text[start:index].strip())
                start = index = match.end()
                continue
        index += 1
    persons.append(text[start:].strip())
    if len(persons) == 1 and not persons[0]:
        return []
    return persons


def _macro(mark: str, letter: str) -> str:
    command = _MARKS[mark]
    if letter in {"\\i", "\\j"}:
        letter = letter[1]
    if command.isalpha():
        return f"{{\\{command}{{{letter}}}}}"
    return f"{{\\{command}{letter}}}"


def repair_accents(value: str) -> str:
    """``value`` with broken accent sequences (backslash + accent mark) as proper macros, and a
    caron glued to its letter (``S\\vasa``, an undefined control sequence) braced: ``S\\v{a}sa``."""
    if "\\" not in (value or ""):
        return value
    value = _BROKEN.sub(lambda m: _macro(m.group(1), m.group(2) or m.group(3)), value)
    return _GLUED_CARON.sub(lambda m: m.group(0) if "v" + m.group(1) in _V_MACROS else
                            f"{{\\v{{{m.group(1)[0]}}}}}{m.group(1)[1:]}", value)


def plain_dotless(value: str) -> str:
    """``\\'{\\i}`` -> ``\\'i``: the form both bibtex and biber (pdflatex) accept."""
    if "\\" not in (value or ""):
        return value
    return _DOTLESS.sub(lambda m: f"\\{m.group(1)}{m.group(2) or m.group(3)}", value)


_CAPITALISED = re.compile(r"^[{\\]*[A-Z\u00c0-\u00de]")


def person_problems(value: str) -> list[str]:
    """Why an ``author`` value looks wrong (empty name, stray comma, missing ``and``), if it does."""
    problems: list[str] = []
    persons = split_persons(value)
    for index, person in enumerate(persons, 1):
        if not person:
            problems.append(f"person {index} is empty (a stray 'and' at the start or end?)")
            continue
        if person.startswith("{") and person.endswith("}"):
            continue
        parts = _top_level_commas(person)
        if len(parts) > 3:
            problems.append(f"{person!r} has {len(parts) - 1} commas (a missing 'and'?)")
        elif any(not p.strip() for p in parts):
            problems.append(f"{person!r} has an empty name part (a trailing comma?)")
        words = [w for p in (parts[1:] if len(parts) > 1 else parts) for w in p.split()]
        capitalised = [w for w in words if _CAPITALISED.match(w) and not w.rstrip(".").isupper()]
        if len(capitalised) >= (3 if len(parts) > 1 else 4):
            problems.append(f"{person!r} has {len(capitalised)} capitalised given/full names "
                            "(two persons without 'and' between them?)")
    return problems


def _top_level_commas(person: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(person):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            parts.append(person[start:index])
            start = index + 1
    parts.append(person[start:])
    return parts


__all__ = ["person_problems", "plain_dotless", "repair_accents", "split_persons"]
