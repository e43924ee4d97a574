"""Score an attribute table against hand-checked gold cells (paper, attribute, value, present/absent)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from surveykit.attributes.extract import AttributeTable


@dataclass(frozen=True)
class GoldCell:
    """One hand-checked cell: is ``value`` of ``attribute`` right for ``paper_id``?"""

    paper_id: str
    attribute: str
    value: str
    present: bool
    reasoning: str = ""


@dataclass(frozen=True)
class GoldScore:
    """Precision over the cells the table fills, recall over the cells the gold says are present."""

    cells: int
    predicted: int
    correct: int
    expected: int
    found: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


def load_gold(path: str | Path) -> list[GoldCell]:
    """Read ``paper_id,attribute,value,expected,reasoning`` (``expected``: present or absent)."""
    cells = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            expected = row["expected"].strip().lower()
            if expected not in ("present", "absent"):
                raise ValueError(f"{path}: expected must be present or absent, got {expected!r}")
            present = expected == "present"
            cells.append(GoldCell(row["paper_id"], row["attribute"], row["value"], present, row["reasoning"]))
    return cells


def score(table: AttributeTable, gold: list[GoldCell]) -> GoldScore:
    """Compare ``table`` with the gold cells."""
    predicted = correct = expected = found = 0
    for cell in gold:
        has = table.has(cell.paper_id, cell.attribute, cell.value)
        predicted += has
        correct += has and cell.present
        expected += cell.present
        found += has and cell.present
    return GoldScore(len(gold), predicted, correct, expected, found)


def errors(table: AttributeTable, gold: list[GoldCell]) -> list[tuple[GoldCell, bool]]:
    """The gold cells the table gets wrong, with what the table says."""
    out = []
    for cell in gold:
        has = table.has(cell.paper_id, cell.attribute, cell.value)
        if has != cell.present:
            out.append((cell, has))
    return out


__all__ = ["GoldCell", "GoldScore", "errors", "load_gold", "score"]
