"""bibtexparser middlewares with surveykit's person splitting and accent repair, for code that reads
BibTeX through bibtexparser's own stack (``parse_string(text, append_middleware=[...])``).

- :class:`SeparatePersons`: ``SeparateCoAuthors`` without the bibtexparser 2.1 bug that drops a
  control sequence right after `` and `` (``\\L{}ukasz`` -> ``ukasz``).
- :class:`RepairAccents`: broken accent sequences (backslash + accent mark) as macros.
"""

from __future__ import annotations

from bibtexparser.library import Library
from bibtexparser.middlewares.middleware import BlockMiddleware
from bibtexparser.middlewares.names import SeparateCoAuthors
from bibtexparser.model import Block, Entry

from surveykit.sources.bibtex_names import repair_accents, split_persons


def _unenclosed(value: str) -> str:
    value = value.strip()
    if len(value) > 1 and value[0] == "{" and value[-1] == "}":
        return value[1:-1]
    if len(value) > 1 and value[0] == '"' and value[-1] == '"':
        return value[1:-1]
    return value


class SeparatePersons(SeparateCoAuthors):
    """Split ``author``/``editor``/``translator`` into a list of persons, every letter kept."""

    @classmethod
    def metadata_key(cls) -> str:
        return "surveykit_separate_persons"

    def _transform_field_value(self, name: str) -> list[str]:
        return split_persons(_unenclosed(name))


class RepairAccents(BlockMiddleware):
    """Every string field value with broken accent sequences written as accent macros."""

    def __init__(self, allow_inplace_modification: bool = True) -> None:
        super().__init__(allow_inplace_modification=allow_inplace_modification,
                         allow_parallel_execution=True)

    @classmethod
    def metadata_key(cls) -> str:
        return "surveykit_repair_accents"

    def transform_entry(self, entry: Entry, library: Library) -> Block:
        for fld in entry.fields:
            if isinstance(fld.value, str):
                enclosing = getattr(fld, "enclosing", None)
                fld.value = repair_accents(fld.value)
                if enclosing is not None:
                    fld.enclosing = enclosing
        return entry


__all__ = ["RepairAccents", "SeparatePersons"]
