"""Author names: stored BibTeX-style as ``"Family, Given"``; helpers to parse and display them."""

from __future__ import annotations

from surveykit.textutil import collapse_ws

# Lower-case particles that belong to the family name ("van der Berg", "de la Cruz").
_PARTICLES = {
    "van",
    "von",
    "der",
    "den",
    "de",
    "del",
    "della",
    "di",
    "da",
    "dos",
    "du",
    "la",
    "le",
    "ter",
    "ten",
    "zu",
    "bin",
    "al",
}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


def to_bibtex_name(name: str) -> str:
    """Normalise one author name to ``"Family, Given"``.

    Accepts ``"Family, Given"`` (kept), ``"Given Family"`` (split at the last word, particles
    joined to the family name) and a single word or a braced group name (kept as is).
    """
    name = collapse_ws(name.strip().strip(","))
    if not name:
        return ""
    if name.startswith("{") and name.endswith("}"):
        return name
    if "," in name:
        family, _, given = name.partition(",")
        return f"{collapse_ws(family)}, {collapse_ws(given)}".rstrip(", ")
    words = name.split(" ")
    if len(words) == 1:
        return name
    suffix = ""
    if words[-1].lower() in _SUFFIXES and len(words) > 2:
        suffix = words.pop()
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    family = " ".join(words[start:])
    given = " ".join(words[:start])
    if suffix:
        return f"{family}, {suffix}, {given}"
    return f"{family}, {given}"


def family_name(name: str) -> str:
    """The family name of a stored author (``"Gu, Ken"`` -> ``"Gu"``)."""
    name = to_bibtex_name(name)
    return name.strip("{}").split(",")[0].strip() if "," in name else name.strip("{}")


def display_name(name: str) -> str:
    """Human order: ``"Gu, Ken"`` -> ``"Ken Gu"``."""
    parts = [p.strip() for p in to_bibtex_name(name).split(",")]
    if len(parts) == 1:
        return parts[0].strip("{}")
    if len(parts) == 3:  # Family, Jr, Given
        return f"{parts[2]} {parts[0]} {parts[1]}"
    return f"{parts[1]} {parts[0]}".strip()
