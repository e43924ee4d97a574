#!/usr/bin/env bash
# Set up surveykit on this machine: system tools (Chromium for figure export, TeX for the PDF) when
# missing and apt is usable, then a virtual environment in .venv with the package and its pinned
# dependencies (torch 2.13.0, the CPU build). Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${SURVEYKIT_VENV:-.venv}
APT_PACKAGES=(chromium texlive-latex-base texlive-latex-recommended texlive-fonts-recommended texlive-pictures texlive-latex-extra latexmk biber texlive-bibtex-extra texlive-luatex fonts-wqy-microhei)

say() { printf '[setup] %s\n' "$*"; }

missing_tools() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
  for tool in pdflatex bibtex latexmk biber; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  # LuaLaTeX for non-Latin text: luaotfload (texlive-luatex) and a small CJK font (fonts-wqy-microhei, 1.6 MB)
  if command -v kpsewhich >/dev/null 2>&1; then kpsewhich luaotfload-main.lua >/dev/null || missing+=(luaotfload); fi
  if command -v fc-list >/dev/null 2>&1; then fc-list : family | grep -q "WenQuanYi Micro Hei\|Noto Sans CJK" || missing+=(cjk-font); fi
  # TeX packages the outputs use (booktabs, natbib, url: texlive-latex-recommended; forest: texlive-pictures + texlive-latex-extra)
  if command -v kpsewhich >/dev/null 2>&1; then
    for sty in booktabs.sty natbib.sty url.sty forest.sty biblatex.sty; do kpsewhich "$sty" >/dev/null || missing+=("$sty"); done
  fi
  echo "${missing[@]:-}"
}

install_system_tools() {
  local missing
  missing=$(missing_tools)
  [ -z "$missing" ] && { say "system tools present (chromium, pdflatex, bibtex, latexmk, biber)"; return; }
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; fi
  fi
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; }; then
    say "installing from Debian packages: ${APT_PACKAGES[*]} (missing: $missing)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
    missing=$(missing_tools)
  fi
  if [ -n "$missing" ]; then
    say "WARNING: still missing: $missing"
    case "$missing" in *chromium*) say "  -> figures are written as interactive HTML only (no PDF/SVG/PNG)";; esac
    case "$missing" in *latex*|*bibtex*|*.sty*) say "  -> survey.tex and references.bib are written, but not compiled to PDF; TeX tests are skipped";; esac
    case "$missing" in *luaotfload*|*cjk-font*) say "  -> non-Latin text (Chinese, Cyrillic...) is transliterated for pdflatex instead of compiled with LuaLaTeX";; esac
    say "  install them with: apt-get install ${APT_PACKAGES[*]}"
  fi
}

install_python_env() {
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating virtual environment $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  local stamp="$VENV/.surveykit-setup" want
  want=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    say "python environment up to date ($VENV)"
    return
  fi
  say "installing python packages into $VENV (first time: a few minutes)"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  # torch first, pinned: 2.13.0 is the CPU build; an unpinned torch pulls a multi-GB CUDA build.
  "$VENV/bin/python" -m pip install -q "torch==2.13.0"
  "$VENV/bin/python" -m pip install -q -e ".[dev]"
  echo "$want" > "$stamp"
}

configure_notebooks() {
  # outputs never reach a commit: nbstripout as this repository's git filter (a dev dependency)
  if [ -d .git ] || [ -f .git ]; then
    if "$VENV/bin/python" -m nbstripout --is-installed >/dev/null 2>&1; then
      say "nbstripout already set up for this repository"
    elif "$VENV/bin/python" -m nbstripout --install >/dev/null 2>&1; then
      say "nbstripout set up: notebook outputs are stripped on commit"
    else
      say "nbstripout not available: notebook outputs are not stripped on commit (tests/test_notebook_hygiene.py still checks)"
    fi
  fi
  # JupyterLab saves widget state in the notebook, so a reopened notebook shows no widget errors
  "$VENV/bin/python" -m surveykit.lab --configure >/dev/null 2>&1 || true
}

install_system_tools
install_python_env
configure_notebooks
say "done: activate with 'source $VENV/bin/activate'"
