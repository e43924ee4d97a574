#!/usr/bin/env bash
# Quick start 1: set up (once) and run the whole survey on the configured corpus
# (the bundled LLM-agents corpus by default). Extra arguments go to `surveykit run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
exec .venv/bin/surveykit run "$@"
