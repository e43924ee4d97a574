"""Unicode text -> LaTeX that BibTeX and pdflatex both accept.

Choices (tested by compiling with pdflatex + bibtex, OT1 and T1 font encodings):

- The output is **pure ASCII**: accented letters become BibTeX "special characters" such as
  ``{\\"o}`` and ``{\\v{c}}`` (so bibtex sorts, abbreviates and case-changes them correctly and no
  ``inputenc``/8-bit setup is needed); dashes and quotes become ``--``, ``---``, `````` and ``''``.
- Every macro that contains letters is wrapped in braces (``{\\textless}``), so BibTeX's case
  changing never lowercases a control sequence. Only macros defined by the LaTeX kernel in both
  OT1 and T1 are used, except the few glyphs that exist only in T1 (ogonek, đ, ð, þ, ŋ; see
  :func:`needs_t1`), which the writer reports.
- ``{`` and ``}`` become ``{\\textbraceleft}``/``{\\textbraceright}``: BibTeX counts a ``\\{`` as
  an opening brace, so the usual ``\\{`` would unbalance the entry.
- A character with no safe LaTeX form is approximated by its compatibility/ASCII folding
  (``ﬁ`` -> ``fi``, ``²`` -> ``2``) or replaced by ``?``; callers pass a ``lost`` list to hear
  about it. Invisible format characters (zero-width joiners, direction marks) are dropped.
- Under :func:`keep_scripts` (set by the bib, tables, figures and draft stages when LuaLaTeX and
  a fallback font are installed, see :mod:`surveykit.texengine`), letters of non-Latin scripts and
  Greek words are written as they are (UTF-8) instead of transliterated; Latin text is unchanged.
- URLs are kept raw for ``\\url``/``url =`` (``%`` and ``#`` work there with url.sty and hyperref
  in plain/plainnat bibliographies); only characters that break BibTeX or are not legal in a URL
  (braces, backslash, spaces, non-ASCII) are percent-encoded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from urllib.parse import quote

from surveykit.textutil import fold_ascii

# ASCII characters that are special to TeX (or to BibTeX's brace counting).
ASCII_ESCAPES: dict[str, str] = {
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
    "\\": r"{\textbackslash}",
    "<": r"{\textless}",
    ">": r"{\textgreater}",
    "|": r"{\textbar}",
}

# Letters that do not decompose into base + accent.
UNICODE_LETTERS: dict[str, str] = {
    "ß": r"{\ss}", "æ": r"{\ae}", "Æ": r"{\AE}", "œ": r"{\oe}", "Œ": r"{\OE}",
    "ø": r"{\o}", "Ø": r"{\O}", "ł": r"{\l}", "Ł": r"{\L}", "ı": r"{\i}", "ȷ": r"{\j}",
    "å": r"{\aa}", "Å": r"{\AA}", "ẞ": r"{\SS}",
    # T1-only glyphs (see needs_t1)
    "đ": r"{\dj}", "Đ": r"{\DJ}", "ð": r"{\dh}", "Ð": r"{\DH}", "þ": r"{\th}", "Þ": r"{\TH}",
    "ŋ": r"{\ng}", "Ŋ": r"{\NG}",
}

# Punctuation, spaces and common symbols.
UNICODE_SYMBOLS: dict[str, str] = {
    "\u2013": "--", "\u2014": "---", "\u2015": "---", "\u2010": "-", "\u2011": "-",
    "\u2012": "-", "\u2212": r"{\ensuremath{-}}", "\u2018": "`", "\u2019": "'", "\u201a": ",",
    "\u201b": "`", "\u201c": "``", "\u201d": "''", "\u201e": ",,", "\u2032": "'",
    "\u2033": "''", "\u00ab": r"{\ensuremath{\ll}}", "\u00bb": r"{\ensuremath{\gg}}",
    "\u2039": r"{\ensuremath{<}}", "\u203a": r"{\ensuremath{>}}",
    "\u2026": r"{\ldots}", "\u00a0": "~", "\u202f": "~", "\u2009": r"{\,}", "\u200a": r"{\,}",
    "\u2002": " ", "\u2003": " ", "\u2007": " ", "\u2008": " ", "\u3000": " ",
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
    "\u00a1": r"{\textexclamdown}", "\u00bf": r"{\textquestiondown}",
    "\u00a7": r"{\S}", "\u00b6": r"{\P}", "\u00a9": r"{\copyright}", "\u00a3": r"{\pounds}",
    "\u2020": r"{\dag}", "\u2021": r"{\ddag}", "\u2022": r"{\textbullet}",
    "\u00b7": r"{\textperiodcentered}", "\u00d7": r"{\ensuremath{\times}}",
    "\u00f7": r"{\ensuremath{\div}}", "\u00b1": r"{\ensuremath{\pm}}",
    "\u00b0": r"{\ensuremath{^\circ}}", "\u00b5": r"{\ensuremath{\mu}}",
    "\u2122": r"{\texttrademark}", "\u00ae": r"{\textregistered}",
    "\u20ac": "EUR", "\u00a5": "JPY",
    "\u2190": r"{\ensuremath{\leftarrow}}", "\u2192": r"{\ensuremath{\rightarrow}}",
    "\u2194": r"{\ensuremath{\leftrightarrow}}", "\u21d2": r"{\ensuremath{\Rightarrow}}",
    "\u2264": r"{\ensuremath{\leq}}", "\u2265": r"{\ensuremath{\geq}}",
    "\u2260": r"{\ensuremath{\neq}}", "\u2248": r"{\ensuremath{\approx}}",
    "\u221e": r"{\ensuremath{\infty}}", "\u2208": r"{\ensuremath{\in}}",
    "\u2211": r"{\ensuremath{\sum}}", "\u220f": r"{\ensuremath{\prod}}",
    "\u221a": r"{\ensuremath{\surd}}", "\u2217": r"{\ensuremath{\ast}}",
    "\u22c6": r"{\ensuremath{\star}}", "\u2605": r"{\ensuremath{\star}}",
    "\u2113": r"{\ensuremath{\ell}}", "\u2202": r"{\ensuremath{\partial}}",
    "\u2207": r"{\ensuremath{\nabla}}", "\u2200": r"{\ensuremath{\forall}}",
    "\u2203": r"{\ensuremath{\exists}}", "\u2205": r"{\ensuremath{\emptyset}}",
    "\u2229": r"{\ensuremath{\cap}}", "\u222a": r"{\ensuremath{\cup}}",
    "\u2286": r"{\ensuremath{\subseteq}}", "\u2282": r"{\ensuremath{\subset}}",
    "\u2227": r"{\ensuremath{\wedge}}", "\u2228": r"{\ensuremath{\vee}}",
    "\u00ac": r"{\ensuremath{\neg}}", "\u2223": r"{\ensuremath{\mid}}",
    "\u2261": r"{\ensuremath{\equiv}}", "\u223c": r"{\ensuremath{\sim}}",
    "\u2243": r"{\ensuremath{\simeq}}", "\u221d": r"{\ensuremath{\propto}}",
    "\u22c5": r"{\ensuremath{\cdot}}", "\u2218": r"{\ensuremath{\circ}}",
    "\u27e8": r"{\ensuremath{\langle}}", "\u27e9": r"{\ensuremath{\rangle}}",
    "\u2016": r"{\ensuremath{\|}}", "\u226a": r"{\ensuremath{\ll}}",
    "\u226b": r"{\ensuremath{\gg}}", "\u21d4": r"{\ensuremath{\Leftrightarrow}}",
    "\u21d0": r"{\ensuremath{\Leftarrow}}", "\u2191": r"{\ensuremath{\uparrow}}",
    "\u2193": r"{\ensuremath{\downarrow}}", "\u2713": r"{\ensuremath{\surd}}",
}

_GREEK_LOWER = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi o pi rho "
    "varsigma sigma tau upsilon phi chi psi omega"
)
_GREEK_UPPER = "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
for _offset, _name in enumerate(_GREEK_LOWER.split()):
    if _name != "o":
        UNICODE_SYMBOLS[chr(0x3B1 + _offset)] = rf"{{\ensuremath{{\{_name}}}}}"
for _char, _name in zip("ΓΔΘΛΞΠΣΥΦΨΩ", _GREEK_UPPER.split(), strict=True):
    UNICODE_SYMBOLS[_char] = rf"{{\ensuremath{{\{_name}}}}}"
UNICODE_SYMBOLS.update({
    "\u03bf": "o", "\u03b5": r"{\ensuremath{\varepsilon}}", "\u03f5": r"{\ensuremath{\epsilon}}",
    "\u03c6": r"{\ensuremath{\varphi}}", "\u03d5": r"{\ensuremath{\phi}}",
    "\u03d1": r"{\ensuremath{\vartheta}}",
})

# Combining marks -> accent macros defined by the kernel in OT1 and T1.
_ACCENTS: dict[str, str] = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
    "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0327": "c",
    "\u0328": "k", "\u0323": "d", "\u0331": "b", "\u0326": "textcommabelow", "\u0361": "t",
}
_DOTLESS = {"i": r"\i", "j": r"\j"}
_BELOW = {"c", "k", "d", "b", "textcommabelow"}  # accents under the letter keep the dot of i/j

_DASHES = {c for c, latex in UNICODE_SYMBOLS.items() if latex.startswith("-")}
_SPACE = re.compile(r"[ \t\n\r\f\v\x85\u2028\u2029]+")  # not NBSP: it becomes ~
_CLUSTER = re.compile(r".[\u0300-\u036f]*", re.DOTALL)


_KEEP_SCRIPTS: ContextVar[bool] = ContextVar("surveykit_keep_scripts", default=False)
_GREEK_WORD = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff](?:[\u0370-\u03ff\u1f00-\u1fff]|[\u0300-\u036f])+")


@contextmanager
def keep_scripts(enabled: bool = True) -> Iterator[None]:
    """Inside: letters of non-Latin scripts (Chinese, Cyrillic, Greek words, ...) are written
    as they are (UTF-8) instead of transliterated, for a LuaLaTeX compile (see
    :mod:`surveykit.texengine`). Latin text is written exactly as outside."""
    token = _KEEP_SCRIPTS.set(enabled)
    try:
        yield
    finally:
        _KEEP_SCRIPTS.reset(token)


@lru_cache(maxsize=4096)
def _kept(cluster: str) -> bool:
    """A cluster written as it is under :func:`keep_scripts`: a letter of a non-Latin script
    that pdflatex would lose (transliterate, drop its accent)."""
    from surveykit.texengine import script_of

    return script_of(cluster[0]) is not None and not _convert_cluster(cluster)[1]


def escape_latex(text: str, lost: list[str] | None = None) -> str:
    """Unicode text -> ASCII LaTeX safe inside a BibTeX field (``11.88%`` -> ``11.88\\%``).

    White space is collapsed. Characters with no LaTeX form are approximated or replaced by ``?``
    and appended to ``lost`` when given; under :func:`keep_scripts`, letters of non-Latin scripts
    and Greek words are kept as they are (the output is then UTF-8, not ASCII).
    """
    # strip(" "), not strip(): a no-break space at an end is text (it becomes ~)
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip(" ")
    if text.isascii():  # one translate instead of a loop over characters (same output)
        return _ASCII_LIGATURE.sub("{}", text.translate(_ASCII_TABLE))
    keep = _KEEP_SCRIPTS.get()
    words = [(m.start(), m.end()) for m in _GREEK_WORD.finditer(text)] if keep else []
    out: list[str] = []
    previous = ""
    position = 0
    for cluster in _CLUSTER.findall(text):
        start, position = position, position + len(cluster)
        if keep and (_kept(cluster) or any(a <= start < b for a, b in words)):
            latex, ok = cluster, True
        else:
            latex, ok = _convert_cluster(cluster)
        if not ok and lost is not None:
            lost.append(cluster)
        # a unicode dash next to a hyphen must not merge into a longer TeX dash ligature, and
        # typed characters TeX would join into another (-- ---, '' ``, ,, ?` !`) print as typed
        dash = out and latex.startswith("-") and out[-1].endswith("-") and (
            cluster in _DASHES or previous in _DASHES)
        if dash or (previous, cluster) in _LIGATURE_PAIRS and out and out[-1] == previous:
            out.append("{}")
        # transliterated CJK syllables (Ji Yu ...) read as words, not one run
        elif not keep and _wide_letter(previous) and _wide_letter(cluster) and \
                not _convert_cluster(previous)[1]:
            out.append(" ")
        out.append(latex)
        previous = cluster
    return "".join(out)


# symbols written as something else (EUR for €, \\ll for «): reported, like transliterations;
# quotes, dashes and spaces written the TeX way print the same and are not
_SUBSTITUTED = set("\u2212«»‹›°µ€¥★¬∣⋅‖✓ο")
_LIGATURE_PAIRS = {("-", "-"), ("'", "'"), ("`", "`"), (",", ","), ("?", "`"), ("!", "`")}
# ASCII text: the same escapes and ligature breaks as the loop of escape_latex, all at once
_ASCII_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=')(?=')|(?<=`)(?=`)|(?<=,)(?=,)|(?<=[?!])(?=`)")
_ASCII_TABLE = {code: ASCII_ESCAPES.get(chr(code), chr(code) if chr(code).isprintable() else " ")
                for code in range(128)}


def _wide_letter(cluster: str) -> bool:
    return bool(cluster) and unicodedata.category(cluster[0]).startswith("L") and \
        unicodedata.east_asian_width(cluster[0]) in ("W", "F")


@lru_cache(maxsize=4096)
def _convert_cluster(cluster: str) -> tuple[str, bool]:
    """One base character plus its combining marks -> (LaTeX, exact?)."""
    base, marks = cluster[0], cluster[1:]
    if not marks:
        if base in ASCII_ESCAPES:
            return ASCII_ESCAPES[base], True
        if base.isascii():
            return (base if base.isprintable() else " "), True
        if base in UNICODE_SYMBOLS:
            return UNICODE_SYMBOLS[base], base not in _SUBSTITUTED
        if base in UNICODE_LETTERS:
            return UNICODE_LETTERS[base], True
        category = unicodedata.category(base)
        if category in {"Cf", "Cc"}:  # invisible: direction marks, joiners, controls
            return "", True
        if category == "Mn":  # a combining mark with nothing to sit on
            return "", False
        decomposed = unicodedata.normalize("NFD", base)
        if len(decomposed) > 1:
            return _convert_cluster(decomposed)
        return _approximate(base)
    if base in UNICODE_SYMBOLS or base in UNICODE_LETTERS:  # e.g. Greek with tonos: keep the letter
        return _convert_cluster(base)[0], False
    if not base.isascii() or not base.isalpha() or any(m not in _ACCENTS for m in marks):
        return _approximate(cluster)
    inner = base
    for index, mark in enumerate(marks):
        macro = _ACCENTS[mark]
        if index == 0 and base in _DOTLESS and macro not in _BELOW:
            inner = _DOTLESS[base]
        if macro.isalpha() or inner.startswith("\\") or len(marks) > 1:
            inner = f"\\{macro}{{{inner}}}"
        else:
            inner = f"\\{macro}{inner}"
    return "{" + inner + "}", True


def _approximate(text: str) -> tuple[str, bool]:
    """Compatibility folding (``ﬁ`` -> ``fi``, ``²`` -> ``2``), letters of other scripts
    transliterated (``基`` -> ``Ji``, ``агент`` -> ``agent``), else ``?``; never exact."""
    folded = fold_ascii(unicodedata.normalize("NFKC", text)).strip()  # ¨ is a space + a mark
    if not folded and unicodedata.category(text[0]).startswith("L"):
        from anyascii import anyascii

        folded = anyascii(text)
    folded = "".join(ASCII_ESCAPES.get(c, c) for c in folded if c.isprintable())
    return (folded or "?"), False


def escape_url(url: str) -> str:
    """A URL for ``url = {...}`` or ``\\url{...}``: percent-encode only what breaks BibTeX/TeX.

    Braces, backslashes, spaces, quotes, ``^`` and non-ASCII characters are percent-encoded; a
    ``%`` that does not start an escape becomes ``%25``. Everything else (``%20``, ``#``, ``_``,
    ``~``, ``&``) is kept, since ``\\url`` reads it verbatim.
    """
    url = (url or "").strip()
    url = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", url)
    return quote(url, safe="-._~:/?#[]@!$&'()*+,;=%")


_CAP_WORD_SKIP = {"A"}  # a lone capital "A" is the article, lower-cased in sentence case

# Proper nouns that sentence-casing styles must not lower-case (extend per corpus if needed).
_PROPER_NOUNS_TEXT = """Bayes Bayesian Gauss Gaussian Markov Markovian Monte Carlo Nash Turing
    Boolean Euclidean Hamiltonian Lagrangian Hessian Jacobian Newton Laplace Laplacian Fourier Kalman Bellman
    Wasserstein Shapley Pareto Hebbian Hopfield Boltzmann Bernoulli Poisson Dirichlet Wikipedia
    English Chinese French German Spanish Japanese Korean Arabic Hindi Russian Italian
    Portuguese African European American Asian Indian Python Java Linux Android Twitter
    Reddit Minecraft Atari"""
PROPER_NOUNS: frozenset[str] = frozenset(_PROPER_NOUNS_TEXT.split())

_WORD_CORE = re.compile(r"^([^\w]*)(.*?)([^\w*+]*)$", re.DOTALL)
_HYPHEN_SPLIT = re.compile(r"([-/\u2010\u2011\u2013])")


def protect_title(title: str, lost: list[str] | None = None,
                  proper_nouns: frozenset[str] | set[str] = PROPER_NOUNS) -> str:
    """Escape a title and brace-protect the words a sentence-casing style must not lower-case.

    A word (each part of a hyphenated word separately) is protected when it has a capital letter
    after its first character (``BLADE``, ``LLMs``, ``MLAgentBench``, ``iPhone``), mixes a capital
    with digits (``3D``), is a single capital letter other than the article ``A`` (``Q``, ``A*``)
    or is a listed proper noun (``Bayesian``). Parts without letters next to a protected part join
    it (``{GPT-4}``). Plain capitalised words (``Benchmarking``) are left for the style to case.
    """
    title = _SPACE.sub(" ", unicodedata.normalize("NFC", title or "")).strip()
    nouns = frozenset(proper_nouns)
    keep = _KEEP_SCRIPTS.get()
    words = []
    for word in title.split(" "):
        text, missed = _protect_word_cached(word, nouns, keep)
        words.append(text)
        if lost is not None:
            lost.extend(missed)
    return " ".join(words)


@lru_cache(maxsize=65536)
def _protect_word_cached(word: str, proper_nouns: frozenset[str], keep: bool) -> tuple[str, tuple[str, ...]]:
    """:func:`_protect_word` once per distinct word (titles share most of their words)."""
    lost: list[str] = []
    with keep_scripts(keep):
        return _protect_word(word, lost, proper_nouns), tuple(lost)


def _protect_word(word: str, lost: list[str] | None, proper_nouns) -> str:
    lead, core, trail = _WORD_CORE.match(word).groups()
    if not core:
        return escape_latex(word, lost)
    parts = _HYPHEN_SPLIT.split(core)
    flags = [_needs_protection(p, proper_nouns) if i % 2 == 0 else None for i, p in enumerate(parts)]
    # letterless parts and separators between protected parts join the protected run
    for index, part in enumerate(parts):
        if index % 2 == 0 and not flags[index] and not any(c.isalpha() for c in part):
            neighbours = [flags[j] for j in (index - 2, index + 2) if 0 <= j < len(parts)]
            flags[index] = any(neighbours)
    for index in range(1, len(parts), 2):
        flags[index] = bool(flags[index - 1] and flags[index + 1])
    out, run = [], []
    for part, flag in zip(parts, flags, strict=True):
        if flag:
            run.append(part)
            continue
        if run:
            out.append("{" + escape_latex("".join(run), lost) + "}")
            run = []
        out.append(escape_latex(part, lost))
    if run:
        out.append("{" + escape_latex("".join(run), lost) + "}")
    return escape_latex(lead, lost) + "".join(out) + escape_latex(trail, lost)


def _needs_protection(part: str, proper_nouns) -> bool:
    letters = [c for c in part if c.isalpha()]
    if not letters:
        return False
    if any(c.isupper() for c in letters[1:]):
        return True
    if not letters[0].isupper():
        return False
    if len(letters) == 1:
        return part not in _CAP_WORD_SKIP
    if any(c.isdigit() for c in part):
        return True
    return part.strip("*+") in proper_nouns


def latex_name(name: str, lost: list[str] | None = None) -> str:
    """One stored author name (``"Family, Given"`` or ``"{Group}"``) escaped for ``author =``.

    A braced group name stays one braced unit; a name part containing the word ``and`` is braced
    so BibTeX does not split the name there.
    """
    name = _SPACE.sub(" ", name or "").strip()
    if len(name) > 1 and name.startswith("{") and name.endswith("}"):
        return "{" + escape_latex(name[1:-1], lost) + "}"
    parts = [p.strip() for p in name.split(",")]
    escaped = []
    for part in parts:
        text = escape_latex(part, lost)
        if re.search(r"(?i)(^|\s)and(\s|$)", part):
            text = "{" + text + "}"
        escaped.append(text)
    return ", ".join(p for p in escaped if p)


_T1_ONLY = re.compile(r"\\(k|dj|DJ|dh|DH|th|TH|ng|NG)(?![A-Za-z])")


def needs_t1(latex: str) -> bool:
    """True when ``latex`` uses a glyph that exists only with ``\\usepackage[T1]{fontenc}``.

    The ogonek (``{\\k{a}}``) and the letters đ, ð, þ, ŋ have no OT1 form; pdflatex stops with
    "Command ... unavailable in encoding OT1" without T1.
    """
    return bool(_T1_ONLY.search(latex))


def brace_balance_ok(text: str) -> bool:
    """True when ``text`` has balanced braces as BibTeX counts them (backslashes do not escape)."""
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
