"""Regenerate the config reference in README.md from surveykit/config_schema.py.

    python scripts/config_reference.py          # rewrite README.md's reference block
    python scripts/config_reference.py --check  # exit 1 when README.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from surveykit import io  # noqa: E402
from surveykit.config_schema import with_reference  # noqa: E402

README = Path(__file__).resolve().parents[1] / "README.md"


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    updated = with_reference(text)
    if "--check" in argv:
        if updated != text:
            print(f"{README}: config reference out of date; run python scripts/config_reference.py")
            return 1
        print(f"{README}: config reference up to date")
        return 0
    if updated != text:
        io.write_text(README, updated)
        print(f"{README}: config reference updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
