"""``surveykit lab``: JupyterLab on the notebooks in one command.

Adds ``--allow-root`` only when running as root (containers), and turns on saving widget state
in notebooks (so a reopened notebook shows its progress bars instead of "model not found").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

#: JupyterLab setting that stores widget state in the notebook's metadata when it is saved
WIDGET_SETTINGS = {"@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": True}}


def is_root() -> bool:
    """True when the process runs as root (uid 0)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(notebooks: str | os.PathLike[str], port: int | None = None, no_browser: bool = False,
                extra: Sequence[str] = (), root: bool | None = None) -> list[str]:
    """The ``jupyter lab`` command line.

    Parameters
    ----------
    notebooks : path
        The folder JupyterLab opens.
    port : int, optional
        The port (JupyterLab's default when None).
    no_browser : bool
        Do not open a browser.
    extra : strings
        More ``jupyter lab`` options, passed on as given.
    root : bool, optional
        Whether to add ``--allow-root``; by default when running as root.
    """
    command = [sys.executable, "-m", "jupyterlab", str(notebooks)]
    if port is not None:
        command.append(f"--port={port}")
    if no_browser:
        command.append("--no-browser")
    if (is_root() if root is None else root) and "--allow-root" not in extra:
        command.append("--allow-root")
    return command + list(extra)


def configure_widgets(prefix: str | os.PathLike[str] | None = None) -> Path | None:
    """Turn on widget-state saving in ``<prefix>/share/jupyter/lab/settings/overrides.json``
    (merged with what is there); None when the folder is not writable.

    Parameters
    ----------
    prefix : path, optional
        The environment (default: this Python's ``sys.prefix``).
    """
    path = Path(prefix or sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    try:
        current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        merged = {**current}
        for plugin, values in WIDGET_SETTINGS.items():
            merged[plugin] = {**current.get(plugin, {}), **values}
        if merged != current:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
    except (OSError, ValueError):
        return None
    return path


def run_lab(notebooks: str | os.PathLike[str], port: int | None = None, no_browser: bool = False,
            extra: Sequence[str] = ()) -> int:
    """Start JupyterLab on ``notebooks`` and wait for it; its exit code.

    Parameters
    ----------
    notebooks : path
    port : int, optional
    no_browser : bool
    extra : strings
        See :func:`lab_command`.
    """
    configure_widgets()
    command = lab_command(notebooks, port, no_browser, extra)
    print("starting:", " ".join(command[2:]), flush=True)
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # scripts/setup.sh: python -m surveykit.lab --configure
    if sys.argv[1:] == ["--configure"]:
        print(configure_widgets() or "widget settings not writable; skipped")
