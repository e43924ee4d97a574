"""Import BERTopic without paying for the parts the topic stage does not use.

``import bertopic`` costs ~8 s on this machine: ``bertopic.plotting`` imports UMAP (numba, ~2 s)
at module level, and ``bertopic.representation``'s ``__init__`` imports its LLM representations
(``TextGeneration``, ``ZeroShotClassification``), which pull ``transformers.pipelines`` and torch
(~4 s). The topic stage uses neither: it passes its own reduction and clustering models and reads
the c-TF-IDF matrix.

So before BERTopic is imported, two of its subpackages are registered with deferred
initialisation, using their real module specs (same files, same ``__path__``):

* ``bertopic.plotting`` through :class:`importlib.util.LazyLoader`: its code runs on the first
  attribute access (the first ``visualize_*`` call), unchanged.
* ``bertopic.representation``: its light classes (``BaseRepresentation``, ``KeyBERTInspired``,
  ``MaximalMarginalRelevance``) come from their own submodules; any other name (or ``__all__``)
  runs the package's real ``__init__`` first, so ``from bertopic.representation import
  TextGeneration`` still works as documented.

Nothing in BERTopic is patched or replaced. If the layout of a future BERTopic differs, this falls
back to a plain ``import bertopic``.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

_LIGHT_REPRESENTATIONS = {
    "BaseRepresentation": "bertopic.representation._base",
    "KeyBERTInspired": "bertopic.representation._keybert",
    "MaximalMarginalRelevance": "bertopic.representation._mmr",
}
_DEFERRED: dict[str, dict[str, str]] = {
    "bertopic.plotting": {},
    "bertopic.representation": _LIGHT_REPRESENTATIONS,
    "bertopic._save_utils": {},
}
_lock = threading.Lock()


def _defer(name: str, search_dirs: list[str], light: dict[str, str] | None = None) -> None:
    """Register module ``name`` from its real spec; its code runs on the first attribute access.

    ``light`` maps attribute names to submodules that provide them without running the module's
    own code. The hook is a PEP 562 module ``__getattr__`` (dunder attributes such as
    ``__spec__`` and ``__path__`` are set from the spec, so the import system never triggers it).
    """
    spec = importlib.machinery.PathFinder.find_spec(name, search_dirs)
    if spec is None or spec.loader is None:
        raise ImportError(f"{name} not found")
    module = importlib.util.module_from_spec(spec)
    light = light or {}
    state = {"initialised": False}

    def __getattr__(attr: str) -> Any:
        if attr in light and not state["initialised"]:
            value = getattr(importlib.import_module(light[attr]), attr)
            setattr(module, attr, value)
            return value
        if attr.startswith("__") and attr != "__all__":
            raise AttributeError(attr)
        if not state["initialised"]:
            state["initialised"] = True
            del module.__dict__["__getattr__"]
            spec.loader.exec_module(module)  # the module's own code, unchanged
        try:
            return module.__dict__[attr]
        except KeyError:
            raise AttributeError(f"module {name!r} has no attribute {attr!r}") from None

    module.__getattr__ = __getattr__  # type: ignore[attr-defined]
    sys.modules[name] = module


def bertopic_class() -> type:
    """The ``bertopic.BERTopic`` class, imported without UMAP, transformers or torch."""
    if "bertopic" in sys.modules:
        return sys.modules["bertopic"].BERTopic
    with _lock:
        if "bertopic" in sys.modules:
            return sys.modules["bertopic"].BERTopic
        top = importlib.util.find_spec("bertopic")
        if top is None or not top.submodule_search_locations:
            raise ImportError("bertopic is not installed (pip install bertopic)")
        dirs = list(top.submodule_search_locations)
        registered: list[str] = []
        try:
            for name, light in _DEFERRED.items():
                _defer(name, dirs, light)
                registered.append(name)
            module = importlib.import_module("bertopic")
        except Exception:
            for name in [n for n in sys.modules if n == "bertopic" or n.startswith("bertopic.")]:
                del sys.modules[name]
            module = importlib.import_module("bertopic")
        for name in registered:
            sub = sys.modules.get(name)
            parent: ModuleType = sys.modules["bertopic"]
            if sub is not None and not hasattr(parent, name.rsplit(".", 1)[1]):
                setattr(parent, name.rsplit(".", 1)[1], sub)
        return module.BERTopic
