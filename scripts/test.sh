#!/usr/bin/env bash
# Quick start 2: set up (once), lint, and run the tests. Extra arguments go to pytest.
# The tests include the real-browser test of the notebooks (marker `browser`; skipped without Chromium
# or Playwright, which is a dev dependency; never downloads a browser). `-m "not browser"` leaves it out.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
.venv/bin/ruff check surveykit tests benchmarks
exec .venv/bin/python -m pytest -q -ra "$@"
