"""Which TeX engine a document needs: pdflatex for Latin text, LuaLaTeX for other scripts.

surveykit writes Latin text as pure-ASCII LaTeX (``{\\"o}``) that pdflatex typesets. Letters of
other scripts (Chinese, Cyrillic, Greek words, Arabic, Devanagari, ...) have no pdflatex form with
the template's fonts; when LuaLaTeX, luaotfload and a font covering them are installed, they are
written as they are (UTF-8, in ``references.bib`` and ``survey.tex``) and the draft is compiled
with ``latexmk -lualatex``, the fonts chosen here given to the template's fontspec branch.
Without them, such letters are transliterated as before (``Ji Yu`` for 基于) with a warning.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

# Fallback fonts for letters Latin Modern lacks, in order of preference (Debian packages:
# fonts-wqy-microhei, fonts-noto-cjk, fonts-dejavu-core). Latin text keeps Latin Modern.
FALLBACK_FONTS = (
    "WenQuanYi Micro Hei", "Noto Serif CJK SC", "Noto Sans CJK SC", "DejaVu Serif", "DejaVu Sans",
)
_CJK_FONTS = {"WenQuanYi Micro Hei", "Noto Serif CJK SC", "Noto Sans CJK SC"}


@dataclass(frozen=True)
class Engine:
    """The engine chosen for a document and why (``reason`` is empty for pdflatex)."""

    name: str  # "pdflatex" or "lualatex"
    scripts: tuple[str, ...] = ()  # the non-Latin scripts the text holds, most frequent first
    fonts: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        if self.name != "lualatex":
            return ""
        return f"compiled with LuaLaTeX: the draft holds {', '.join(self.scripts)} text"


@lru_cache(maxsize=1)
def unicode_fonts() -> tuple[str, ...]:
    """The installed fallback fonts when LuaLaTeX can use them, else ``()``.

    Needs ``lualatex`` and ``latexmk`` on PATH, luaotfload (``kpsewhich luaotfload-main.lua``),
    and at least one CJK font from :data:`FALLBACK_FONTS` (``fc-list``)."""
    if not all(shutil.which(tool) for tool in ("lualatex", "latexmk", "kpsewhich", "fc-list")):
        return ()
    try:
        found = subprocess.run(["kpsewhich", "luaotfload-main.lua"], capture_output=True, text=True,
                               timeout=30, check=False).stdout.strip()
        listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True,
                                timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    families = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    fonts = tuple(font for font in FALLBACK_FONTS if font in families)
    if not found or not _CJK_FONTS & set(fonts):
        return ()
    return fonts


def unicode_available() -> bool:
    """True when non-Latin text can be typeset as it is (LuaLaTeX and fonts, see above)."""
    return bool(unicode_fonts())


def script_of(char: str) -> str | None:
    """The script of a letter pdflatex cannot set from surveykit's ASCII LaTeX, else None.

    Latin letters (and everything else: digits, symbols) are None; ``'基'`` -> ``'Chinese'``."""
    if char.isascii() or not unicodedata.category(char).startswith(("L", "M")):
        return None
    name = unicodedata.name(char, "")
    first = name.split(" ")[0]
    if first == "LATIN" or not first:
        return None
    if first == "CJK":
        return "Chinese"
    if first in {"HIRAGANA", "KATAKANA"}:
        return "Japanese"
    if first == "HANGUL":
        return "Korean"
    if first == "COMBINING":
        return None
    return first.capitalize()


def scripts_in(text: str) -> tuple[str, ...]:
    """The non-Latin scripts of ``text``'s non-ASCII letters, most frequent first."""
    counts = Counter(s for c in text if not c.isascii() for s in [script_of(c)] if s)
    return tuple(name for name, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def choose_engine(text: str) -> Engine:
    """LuaLaTeX when ``text`` (a .tex and the .bib entries it cites) holds letters of a
    non-Latin script and LuaLaTeX can set them (:func:`unicode_fonts`), else pdflatex."""
    scripts = scripts_in(text)
    fonts = unicode_fonts() if scripts else ()
    if scripts and fonts:
        return Engine("lualatex", scripts, fonts)
    return Engine("pdflatex", scripts)
