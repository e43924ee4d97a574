"""Citation keys: ``{family}{year}{word}`` (``gu2024blade``), stable under input order.

Pattern (in the spirit of Better BibTeX / Google Scholar):

- ``family``: the first author's family name, ASCII-folded, lower case, letters only, particles
  joined (``van der Berg`` -> ``vanderberg``); a group author (``{OpenAI}``) counts as a family.
- ``year``: the paper's year; left out when unknown.
- ``word``: the first significant title word (stop words such as *a, the, on, of, towards*
  skipped), ASCII-folded, lower case, letters and digits only (``MAG-V`` -> ``magv``).
- No usable author (none, or a name with no ASCII letters): the first two significant title
  words then the year (``canagents2025``). Nothing usable at all: ``paper{year}``.

Collisions: when several papers share a base key, or the base key is already taken (pinned, or
used by the author's own .bib), **all** of them get a suffix ``a``, ``b``, ... (then ``aa``...)
in order of paper id, so the result does not depend on input order, and a key that was once bare
never silently moves to another paper (it disappears, and LaTeX reports the stale citation).

Keys are compared case-insensitively, as BibTeX does. Pinned keys are checked against
:data:`KEY_CHARS`, reserved first and never suffixed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from surveykit.bib.venues import citation_year
from surveykit.corpus.model import Paper
from surveykit.corpus.names import family_name
from surveykit.textutil import fold_ascii, latex_to_unicode

# Letters, digits and - _ : . + / ; starts with a letter or digit. Safe in BibTeX, \cite and URLs.
KEY_CHARS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.+/-]*$")

_STOP_WORDS_TEXT = """a ab about above across after against al along amid among an and anti around as at
    before behind below beneath beside besides between beyond but by d da das de del dell della
    dem den der des despite die do down du during ein eine einem einen einer eines el en et
    except for from gli i il in inside into is its l la las le les like lo los near nor of off on
    onto or over past per plus round since so sur than that the their through to toward towards
    un una unas under underneath une unlike uno unos until up upon versus via von vs while with
    within without yet zu zum"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS_TEXT.split())

_NON_LETTER = re.compile(r"[^a-z]+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


class BibKeyError(ValueError):
    """A pinned key that is not BibTeX-safe, or two pins that claim the same key."""


def validate_key(key: str, what: str = "key") -> str:
    """Return ``key`` stripped if it is BibTeX/``\\cite``-safe, else raise :class:`BibKeyError`."""
    stripped = (key or "").strip()
    if not KEY_CHARS.match(stripped):
        raise BibKeyError(
            f"{what} {key!r} is not a usable citation key: use letters, digits and - _ : . + / "
            "(no spaces, commas, braces, %, # or accents), starting with a letter or digit"
        )
    return stripped


def title_words(title: str) -> list[str]:
    """Significant title words for keys: folded, lower case, alphanumeric, stop words removed."""
    words = []
    for raw in latex_to_unicode(title or "").split():
        word = _NON_ALNUM.sub("", fold_ascii(raw).lower())
        if word and not word.isdigit() and word not in STOP_WORDS:
            words.append(word)
    return words


def author_part(paper: Paper) -> str:
    """The first author's family name as a key part (``""`` when there is none usable)."""
    if not paper.authors:
        return ""
    family = family_name(paper.authors[0])
    return _NON_LETTER.sub("", fold_ascii(latex_to_unicode(family)).lower())


def base_key(paper: Paper) -> str:
    """The key before collision suffixes: ``gu2024blade``, ``canagents2025``, ``paper2024``."""
    year = citation_year(paper)
    year = str(year) if year is not None else ""
    words = title_words(paper.title)
    family = author_part(paper)
    if family:
        return f"{family}{year}{words[0] if words else ''}"
    if words:
        return "".join(words[:2]) + year
    return f"paper{year}"


def suffix(index: int) -> str:
    """0 -> ``a``, 25 -> ``z``, 26 -> ``aa``, ... (bijective base 26)."""
    letters = ""
    index += 1
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def make_keys(
    papers: Iterable[Paper],
    pinned: Mapping[str, str] | None = None,
    taken: Iterable[str] = (),
) -> dict[str, str]:
    """Citation key per paper id.

    ``pinned`` maps paper ids to keys chosen by the author (validated, reserved first, never
    suffixed; pins for ids not among ``papers`` are ignored). ``taken`` are keys already used
    elsewhere (the author's own .bib) that generated keys must avoid.
    """
    papers = list(papers)
    ids = [p.id for p in papers]
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"duplicate paper ids: {', '.join(dupes)}")
    keys: dict[str, str] = {}
    used = {k.strip().lower() for k in taken}
    claimed: dict[str, str] = {}  # lower key -> paper id that pinned it
    for paper_id in sorted(set(pinned or {}) & set(ids)):
        key = validate_key(pinned[paper_id], f"pinned key for {paper_id}")
        lower = key.lower()
        if lower in claimed:
            raise BibKeyError(
                f"pinned key {key!r} is given to two papers: {claimed[lower]} and {paper_id}"
            )
        if lower in used:
            raise BibKeyError(
                f"pinned key {key!r} for {paper_id} is already used by another entry "
                "(in the existing .bib)"
            )
        claimed[lower] = paper_id
        keys[paper_id] = key
    used |= set(claimed)

    groups: dict[str, list[str]] = {}
    for paper in papers:
        if paper.id not in keys:
            groups.setdefault(base_key(paper), []).append(paper.id)
    # bare keys first (unique and free), so a suffixed key never takes another paper's bare key
    bare = {b for b, members in groups.items() if len(members) == 1 and b not in used}
    for base in sorted(bare):
        keys[groups[base][0]] = base
    used |= bare
    for base in sorted(set(groups) - bare):
        index = 0
        for paper_id in sorted(groups[base]):
            while (base + suffix(index)) in used:
                index += 1
            keys[paper_id] = base + suffix(index)
            used.add(keys[paper_id])
            index += 1
    return keys
