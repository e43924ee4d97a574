"""The bibliography style of the draft: natbib's ``plainnat``, with "n.d." for a work without a year.

``plainnat`` prints an empty year for such a work ("Smith ()" in running text), and drops the year
of an entry cited by its ``key`` field. The style written next to ``survey.tex`` is the system's
``plainnat.bst`` with only that rule changed (a missing year reads "n.d.", as APA has it; a present
year is always printed), made at draft time from the installed file, so nothing of it is shipped.
Without TeX, or if the installed file does not have the expected rule, the draft uses ``plainnat``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from surveykit import io

STYLE = "surveykit-natbib"
FALLBACK = "plainnat"
# plainnat's calc.label: the year, or "" when it is empty or the label is the key field
_YEAR_RULE = re.compile(
    r"year\s+duplicate\$\s+empty\$\s+short\.list\s+key\s+field\.or\.null\s+=\s+or\s+"
    r"\{\s*pop\$\s+\"\"\s*\}\s+'skip\$\s+if\$"
)
_NEW_RULE = "year duplicate$ empty$\n     { pop$ \"n.d.\" }\n     'skip$\n  if$"


def system_plainnat() -> Path | None:
    """The installed ``plainnat.bst`` (``kpsewhich``), or None without TeX."""
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return None
    try:
        found = subprocess.run([kpsewhich, "plainnat.bst"], capture_output=True, text=True, timeout=30,
                               check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(found) if found and Path(found).is_file() else None


def patched_style(text: str) -> str | None:
    """``plainnat.bst`` with the year rule changed, or None when the rule is not found."""
    patched, count = _YEAR_RULE.subn(lambda _: _NEW_RULE, text, count=1)
    if count != 1:
        return None
    header = (f"%% {STYLE}.bst: written by surveykit from {FALLBACK}.bst (natbib); the only change:\n"
              "%% a work without a year is cited as \"n.d.\" (calc.label).\n")
    return header + patched


def write_style(folder: str | Path) -> str:
    """Write ``surveykit-natbib.bst`` into ``folder`` and return the style name for
    ``\\bibliographystyle``; ``plainnat`` when the patched style cannot be made."""
    source = system_plainnat()
    if source is None:
        return FALLBACK
    style = patched_style(source.read_text(encoding="latin-1"))
    if style is None:
        return FALLBACK
    io.write_bytes(Path(folder) / f"{STYLE}.bst", style.encode("latin-1"))
    return STYLE
