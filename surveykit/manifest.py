"""Owned outputs: ``build/manifest.json`` records, per stage, each file the stage wrote and its
SHA-256. When a stage runs again, the files it wrote last time but not this time (a table for a
topic that no longer exists, a format no longer asked for) are removed -- only when their content
is still what surveykit wrote, never a file the author edited, made or owns (survey.toml, the
curation file, their own .bib), and never outside the output folders.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from surveykit import io

logger = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
VERSION = 1


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load(path: Path) -> dict[str, dict[str, str]]:
    """Stage -> {path relative to the output root: sha256}; empty when absent or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    stages = data.get("stages") if isinstance(data, dict) else None
    if not isinstance(stages, dict):
        return {}
    return {str(s): {str(k): str(v) for k, v in files.items()} for s, files in stages.items()
            if isinstance(files, dict)}


def _output_folders(config: Any) -> list[Path]:
    paths = config.paths
    return [Path(p).resolve() for p in (paths.build, paths.bib, paths.figures, paths.tables, paths.draft)]


def _protected(config: Any) -> set[Path]:
    """The author's files: never recorded, never removed."""
    files = [getattr(config, "path", None), getattr(config, "curation", None),
             *getattr(config, "existing_bib", [])]
    files += [Path(s["path"]) for s in getattr(config, "sources", []) if isinstance(s, dict) and "path" in s]
    return {Path(f).resolve() for f in files if f}


def commit(config: Any, stage: str, written: set[Path]) -> list[Path]:
    """Record what ``stage`` wrote; remove what it wrote last time and no longer makes."""
    root = Path(config.paths.root).resolve()
    manifest_path = Path(config.paths.build) / MANIFEST_NAME
    folders, protected = _output_folders(config), _protected(config)
    owned = {}
    for path in sorted(written):
        if path in protected or path == manifest_path.resolve() or not path.is_file():
            continue
        if any(path.is_relative_to(folder) for folder in folders) and path.is_relative_to(root):
            owned[path.relative_to(root).as_posix()] = _sha256(path)
    stages = load(manifest_path)
    previous = stages.get(stage, {})
    claimed = {rel for name, files in stages.items() if name != stage for rel in files} | set(owned)
    removed = []
    for rel, digest in sorted(previous.items()):
        path = (root / rel).resolve()
        if rel in claimed or path in protected or not path.is_relative_to(root):
            continue
        if not any(path.is_relative_to(folder) for folder in folders) or not path.is_file():
            continue
        if _sha256(path) != digest:
            logger.warning("%s: no longer made by the %s stage, but changed since surveykit wrote it; "
                           "kept", path, stage)
            continue
        path.unlink()
        removed.append(path)
        logger.info("%s: removed (the %s stage no longer makes it)", path, stage)
    stages[stage] = owned
    io.write_text(manifest_path, json.dumps({"version": VERSION, "stages": dict(sorted(stages.items()))},
                                            indent=1, sort_keys=True) + "\n")
    return removed


@contextlib.contextmanager
def owned_outputs(config: Any, stage: str) -> Iterator[set[Path]]:
    """Record the files written inside the block as ``stage``'s; on success, remove its stale ones
    (a failed or interrupted stage changes nothing in the manifest)."""
    with io.recording() as written:
        yield written
    commit(config, stage, written)
