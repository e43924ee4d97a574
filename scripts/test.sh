#!/usr/bin/env bash
# Quick start 2: set up (once) and run the tests. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
exec .venv/bin/python -m pytest -q -ra "$@"
