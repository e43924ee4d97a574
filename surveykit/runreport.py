"""Run-level outcomes: what a stage promised and could not deliver, or a declared degraded mode.

A stage calls :func:`report_failure` (no PDF though TeX is installed, a LaTeX error, a figure
format not written...) or :func:`report_degraded` (no Chromium, no TeX: a mode the README
declares). Both log a warning; inside ``surveykit run`` they are also recorded in the file named
by ``$SURVEYKIT_RUN_REPORT`` (one JSON object a line), which the run reads after every notebook to
print the stage, the file and the first errors, and to choose its exit code: non-zero for any
failure, 0 when only degraded.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ENV = "SURVEYKIT_RUN_REPORT"
FAILURE, DEGRADED = "failure", "degraded"
MAX_ERRORS = 5

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """One reported outcome: ``kind`` is ``"failure"`` or ``"degraded"``."""

    stage: str
    kind: str
    message: str
    file: str | None = None
    errors: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """``stage: file: message`` and the first errors, one per indented line."""
        head = f"{self.stage}: " + (f"{self.file}: " if self.file else "") + self.message
        return "\n".join([head, *(f"  {e}" for e in self.errors[:MAX_ERRORS])])


def _record(outcome: Outcome) -> Outcome:
    target = os.environ.get(ENV)
    if target:
        line = json.dumps(asdict(outcome), ensure_ascii=False) + "\n"
        # one short append per outcome: O_APPEND writes of a line are not interleaved
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(line)
    return outcome


def report_failure(stage: str, message: str, file: str | os.PathLike[str] | None = None,
                   errors: Iterable[str] = ()) -> Outcome:
    """Record that ``stage`` did not produce what it promises; ``surveykit run`` will exit 1."""
    outcome = Outcome(stage, FAILURE, message, str(file) if file else None,
                      [str(e) for e in list(errors)[:MAX_ERRORS]])
    logger.warning("%s", outcome.describe())
    return _record(outcome)


def report_degraded(stage: str, message: str) -> Outcome:
    """Record a declared degraded mode (e.g. no TeX: no PDF); ``surveykit run`` says so and exits 0."""
    outcome = Outcome(stage, DEGRADED, message)
    logger.warning("%s: %s", stage, message)
    return _record(outcome)


def read_outcomes(path: str | os.PathLike[str]) -> list[Outcome]:
    """The outcomes recorded in ``path`` (none when it does not exist), duplicates dropped."""
    path = Path(path)
    if not path.exists():
        return []
    outcomes: list[Outcome] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
            outcome = Outcome(**data)
        except (ValueError, TypeError):
            continue  # a torn line from a killed kernel
        if outcome not in outcomes:
            outcomes.append(outcome)
    return outcomes
