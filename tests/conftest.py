"""Shared fixtures: the development datasets in ../shared are optional; tests using them skip."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _shared_dir() -> Path | None:
    env = os.environ.get("SURVEYKIT_SHARED")
    candidate = Path(env) if env else ROOT.parent / "shared"
    return candidate if (candidate / "datasets").is_dir() else None


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    """``../shared/datasets`` (or ``$SURVEYKIT_SHARED/datasets``); skips the test when absent."""
    shared = _shared_dir()
    if shared is None:
        pytest.skip("../shared/datasets is not present")
    return shared / "datasets"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")


@pytest.fixture
def need_tex() -> None:
    """Skip unless pdflatex and bibtex are on PATH (CI installs them; a test says so when skipped)."""
    for tool in ("pdflatex", "bibtex"):
        _need(tool)


@pytest.fixture(scope="module")
def bundled(fixtures_dir):
    """The bundled corpus and its recorded all-MiniLM-L6-v2 embeddings (no model needed)."""
    import json

    import numpy as np

    from surveykit.corpus.bundled import load_bundled_corpus

    corpus = load_bundled_corpus()
    ids = json.loads((fixtures_dir / "topics" / "bundled_ids.json").read_text())
    assert ids == corpus.ids, "recorded embeddings no longer match the bundled corpus"
    return corpus, np.load(fixtures_dir / "topics" / "bundled_minilm.npy")
