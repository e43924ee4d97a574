"""Process pools that also start from a Jupyter kernel."""

from __future__ import annotations

import os
import sys
from typing import Any


def usable_cpus(limit: int) -> int:
    """The CPUs this process may use (its affinity on Linux), at least 1 and at most ``limit``."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    return max(1, min(limit, count))


def spawn_context() -> Any:
    """The ``spawn`` multiprocessing context, usable from any ``__main__``.

    A spawned worker is told how to re-import the parent's ``__main__`` from its ``__spec__``;
    a Jupyter kernel's ``__main__`` (and some embedded interpreters') has no such attribute, and
    ``multiprocessing`` then fails with ``AttributeError: module '__main__' has no attribute
    '__spec__'``. ``None`` is what a ``__main__`` without a module to import states.
    """
    from multiprocessing import get_context

    main = sys.modules.get("__main__")
    if main is not None and not hasattr(main, "__spec__"):
        main.__spec__ = None
    return get_context("spawn")
