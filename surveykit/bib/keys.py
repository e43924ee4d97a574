"""Citation keys: the author's own, else Better BibTeX's default formula; stable across runs.

Generated keys follow Better BibTeX's default ``auth.lower + shorttitle(3,3) + year``
(``guBLADEBenchmarkingLanguage2024``):

- ``auth.lower``: the first author's family name, ASCII-folded, lower case, letters only, particles
  joined (``van der Berg`` -> ``vanderberg``); a group author (``{OpenAI}``) counts as a family.
- ``shorttitle(3,3)``: the first three title words that are not function words (*a, the, on, of,
  towards*...), ASCII-folded, letters and digits only, each with a capital first letter.
- ``year``: the paper's year; left out when unknown. Nothing usable at all: ``paper{year}``.

Order of claims (keys compare case-insensitively, as BibTeX does): pinned keys, then keys the
paper arrived with in a ``.bib`` source (``preferred``), then the key it had in the previous run
(``previous``), then generated keys. A key that is already taken is never moved: the newcomer
gets a suffix ``a``, ``b``, ... (then ``aa``...), claims in the same class are settled in order of
paper id (so input order does not matter), and with ``previous`` an added paper never renames an
existing key, and the key of a paper left out of this run is not given to another one.
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


def short_title(title: str, count: int = 3) -> str:
    """Better BibTeX ``shorttitle(3,3)``: the first ``count`` significant words, capitalised."""
    words = []
    for raw in re.split(r"[^\w]+", fold_ascii(latex_to_unicode(title or ""))):
        word = re.sub(r"[^A-Za-z0-9]+", "", raw)
        if word and not word.isdigit() and word.lower() not in STOP_WORDS:
            words.append(word[0].upper() + word[1:])
        if len(words) == count:
            break
    return "".join(words)


def base_key(paper: Paper) -> str:
    """The key before collision suffixes: ``guBLADEBenchmarkingLanguage2024``, ``paper2024``."""
    year = citation_year(paper)
    year = str(year) if year is not None else ""
    key = author_part(paper) + short_title(paper.title) + year
    return key if key and not key.isdigit() else f"paper{year}"


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
    preferred: Mapping[str, str] | None = None,
    previous: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Citation key per paper id.

    ``pinned`` maps paper ids to keys chosen by the author (validated, reserved first, never
    suffixed; pins for ids not among ``papers`` are ignored). ``taken`` are keys already used
    elsewhere (the author's own .bib) that no paper here may take. ``preferred`` maps paper ids
    to the key they arrived with (a ``.bib`` source); ``previous`` to their key in the last run.
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
    previous = {k: v for k, v in (previous or {}).items() if KEY_CHARS.match(v or "")}
    # a key that once named a paper absent now is not given to another (a stale \cite fails)
    present = set(ids)
    used |= {key.lower() for pid, key in previous.items() if pid not in present}
    wanted: dict[str, str] = {}  # paper id -> the key it asks for (source key, else generated)
    for paper in papers:
        if paper.id in keys:
            continue
        own = (preferred or {}).get(paper.id, "").strip()
        wanted[paper.id] = own if KEY_CHARS.match(own) else base_key(paper)
    # 1. a key the paper already had (last run) or arrived with, when free: older claims first
    for paper_id in sorted(wanted, key=lambda i: (previous.get(i, "").lower() != wanted[i].lower(), i)):
        if wanted[paper_id].lower() not in used:
            keys[paper_id] = wanted[paper_id]
            used.add(wanted[paper_id].lower())
    # 2. the key of the previous run (suffixed or not), when free
    for paper_id in sorted(set(wanted) - set(keys)):
        old = previous.get(paper_id)
        if old and old.lower() not in used and old.lower().startswith(wanted[paper_id].lower()):
            keys[paper_id] = old
            used.add(old.lower())
    # 3. newcomers whose key is taken get the first free suffix
    for paper_id in sorted(set(wanted) - set(keys)):
        index = 0
        while (wanted[paper_id] + suffix(index)).lower() in used:
            index += 1
        keys[paper_id] = wanted[paper_id] + suffix(index)
        used.add(keys[paper_id].lower())
    return keys
