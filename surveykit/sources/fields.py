"""Field helpers shared by every loader (BibTeX, RIS, WoS, tabular): months, years, URLs,
code links, arXiv-ish venues, and lenient text reading."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from surveykit.sources.report import LoadIssue, LoadResult, SourceError

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = {
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
    if len(text) >= 3 and text[:3] in MONTHS and MONTH_NAMES[text[:3]].lower().startswith(text):
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
    for match in _URL.finditer(unescape_url_text(text)):
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


def unescape_url_text(text: str) -> str:
    """Undo the LaTeX escaping people put into URLs and DOIs; leave everything else."""
    text = re.sub(r"\\(?:url|path)\s*\{([^{}]*)\}", r" \1 ", text)
    text = re.sub(r"\\href\s*\{([^{}]*)\}\s*\{[^{}]*\}", r" \1 ", text)
    for escaped, plain in (("\\_", "_"), ("\\%", "%"), ("\\&", "&"), ("\\#", "#"),
                           ("{\\textasciitilde}", "~"), ("\\textasciitilde{}", "~"),
                           ("\\textasciitilde", "~"), ("\\~{}", "~"), ("{\\~}", "~"),
                           ("\\$", "$")):
        text = text.replace(escaped, plain)
    return text



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


__all__ = [
    "MONTHS", "MONTH_NAMES", "extract_year", "find_code_url", "find_urls", "is_arxiv_venue", "load_text",
    "normalize_month", "read_text_lenient", "unescape_url_text",
]
