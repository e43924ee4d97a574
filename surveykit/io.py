"""Atomic file output: a reader never sees a half-written file.

Fault injection (tests and ``benchmarks/fault_injection.py`` only): with ``SURVEYKIT_FAULT_LOG``
naming a file, every atomic write appends its target there; with ``SURVEYKIT_FAULT_KILL_AT=N``
too, the N-th write (counted across all processes of a run; with ``SURVEYKIT_FAULT_ROOT``
only writes below that folder) SIGKILLs the run, after the temporary file is written and before
it is renamed into place -- the worst moment.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

FAULT_LOG_ENV = "SURVEYKIT_FAULT_LOG"
FAULT_KILL_ENV = "SURVEYKIT_FAULT_KILL_AT"
FAULT_ROOT_ENV = "SURVEYKIT_FAULT_ROOT"  # only writes below this folder are logged and counted
TMP_SUFFIX = ".tmp"
_RECORDERS: list[set[Path]] = []  # open :func:`recording` blocks; each collects the files written


@contextlib.contextmanager
def recording() -> Iterator[set[Path]]:
    """Collect (resolved) every path written atomically in this process inside the block."""
    written: set[Path] = set()
    _RECORDERS.append(written)
    try:
        yield written
    finally:
        _RECORDERS.remove(written)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it into place only if the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TMP_SUFFIX, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get normal permissions
        if os.environ.get(FAULT_LOG_ENV):
            _fault_point(target)
        os.replace(tmp_path, target)
        for written in _RECORDERS:
            written.add(target.resolve())
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def claim(path: str | os.PathLike[str]) -> None:
    """Count ``path`` as written in the open :func:`recording` blocks: a file a stage makes but
    leaves alone when it already has the right bytes (so a re-run's manifest is the same)."""
    for written in _RECORDERS:
        written.add(Path(path).resolve())


def is_leftover_tmp(path: Path) -> bool:
    """A temporary file :func:`atomic_path` left behind when its process was killed."""
    return path.name.startswith(".") and path.name.endswith(TMP_SUFFIX) and path.name.count(".") >= 3


def remove_leftover_tmp(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files killed writers left under ``folder``; call it only while
    holding the folder's run lock (no other writer can be mid-write then)."""
    root = Path(folder)
    if not root.is_dir():
        return []
    removed = []
    for path in sorted(root.rglob(f".*{TMP_SUFFIX}")):
        if path.is_file() and is_leftover_tmp(path):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _fault_point(target: Path) -> None:
    """Log this write; SIGKILL the run (the kernel's parent, then this process) at the N-th."""
    root = os.environ.get(FAULT_ROOT_ENV)
    if root and not str(target.resolve()).startswith(str(Path(root).resolve()) + os.sep):
        return
    log = Path(os.environ[FAULT_LOG_ENV])
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(f"{target}\n")
    kill_at = int(os.environ.get(FAULT_KILL_ENV) or 0)
    if kill_at <= 0:
        return
    with open(log, encoding="utf-8") as handle:
        count = sum(1 for _ in handle)
    if count != kill_at:
        return
    parent = os.environ.get("JPY_PARENT_PID")  # set by jupyter_client in each kernel
    if parent and int(parent) != os.getpid():
        with contextlib.suppress(OSError):
            os.kill(int(parent), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` (with ``\\n`` line endings) to ``path`` atomically."""
    return write_bytes(path, text.encode("utf-8"))
