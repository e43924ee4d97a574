"""One run per output folder: a lock file naming its holder (pid, host, start time).

A second ``surveykit run`` on the same folder is refused with a message naming the holder; a lock
whose process is gone (same host, pid not running) is stale and taken over, with a note.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

LOCK_NAME = ".surveykit.lock"

logger = logging.getLogger(__name__)


class RunLocked(RuntimeError):
    """Another run holds the output folder."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return False
    return True


def read_holder(lock: Path) -> dict[str, Any] | None:
    """The holder recorded in ``lock`` (``None`` if unreadable or torn)."""
    try:
        data = json.loads(lock.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_stale(holder: dict[str, Any] | None, lock: Path, grace: float = 10.0) -> bool:
    """A lock is stale when its process on this host is gone; an unreadable lock older than
    ``grace`` seconds (a holder killed while writing it) too."""
    if holder is None:
        try:
            return time.time() - lock.stat().st_mtime > grace
        except OSError:
            return True
    if holder.get("host") != socket.gethostname():
        return False  # cannot tell for another machine (shared folder): never steal it
    pid = holder.get("pid")
    return not isinstance(pid, int) or not _pid_alive(pid)


def _describe(holder: dict[str, Any] | None) -> str:
    if holder is None:
        return "a run whose lock is being written"
    return (f"pid {holder.get('pid')} on {holder.get('host')}, started {holder.get('started')}"
            + (f": {holder['command']}" if holder.get("command") else ""))


def acquire(folder: str | os.PathLike[str], command: str = "") -> Path:
    """Create ``folder/.surveykit.lock`` for this process or raise :class:`RunLocked`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / LOCK_NAME
    record = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "command": command,
    }
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = read_holder(lock)
            if not is_stale(holder, lock):
                raise RunLocked(
                    f"{folder}: another surveykit run is using this output folder ({_describe(holder)}); "
                    f"wait for it to finish or choose another --output-dir (if no run is going on, "
                    f"delete {lock})"
                ) from None
            logger.warning("%s: taking over a stale lock (%s)", lock, _describe(holder))
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle)
        return lock
    raise RunLocked(f"{folder}: could not take the lock {lock}")


def release(lock: Path) -> None:
    """Remove ``lock`` if this process still holds it."""
    holder = read_holder(lock)
    if holder is not None and holder.get("pid") == os.getpid() and holder.get("host") == socket.gethostname():
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()


@contextlib.contextmanager
def run_lock(folder: str | os.PathLike[str], command: str = "") -> Iterator[Path]:
    """Hold the output folder's lock for the duration of the block."""
    lock = acquire(folder, command)
    try:
        yield lock
    finally:
        release(lock)
