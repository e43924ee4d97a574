"""Kill-and-rerun: a SIGKILL at the worst moment of an atomic write leaves the previous file whole,
the next run removes the half-written temporary file, and a killed notebook re-run gives the same
bytes as an uninterrupted one (the full 20-point version: benchmarks/fault_injection.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from surveykit import io

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

WRITER = """
import sys
from surveykit import io
for name in ("a.txt", "b.txt", "c.txt"):
    io.write_text(sys.argv[1] + "/" + name, "new " + name)
"""


def test_a_kill_between_write_and_rename_keeps_the_previous_file(tmp_path):
    (tmp_path / "b.txt").write_text("old b", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), SURVEYKIT_FAULT_LOG=str(tmp_path / "log"),
               SURVEYKIT_FAULT_KILL_AT="2")
    proc = subprocess.run([sys.executable, "-c", WRITER, str(tmp_path)], env=env, check=False)
    assert proc.returncode == -signal.SIGKILL
    assert (tmp_path / "a.txt").read_text() == "new a.txt"
    assert (tmp_path / "b.txt").read_text() == "old b"  # whole, the previous version
    assert not (tmp_path / "c.txt").exists()
    leftovers = [p for p in tmp_path.iterdir() if io.is_leftover_tmp(p)]
    assert len(leftovers) == 1 and leftovers[0].name.startswith(".b.txt.")
    assert io.remove_leftover_tmp(tmp_path) == leftovers
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt", "log"]


def test_the_hook_counts_only_writes_below_its_root(tmp_path):
    inside = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT), SURVEYKIT_FAULT_LOG=str(tmp_path / "log"),
               SURVEYKIT_FAULT_ROOT=str(inside), SURVEYKIT_FAULT_KILL_AT="1")
    code = "import sys; from surveykit import io; io.write_text(sys.argv[1] + '/x', 'x')"
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], env=env, check=False)
    assert proc.returncode == 0 and not (tmp_path / "log").exists()


@pytest.mark.slow
def test_notebook_01_killed_at_two_seeded_writes_recovers_byte_identically(tmp_path):
    fault_injection = pytest.importorskip("fault_injection")
    config = fault_injection._config(tmp_path)
    states, writes, seconds = fault_injection.reference(tmp_path, config, 600, notebooks=("01",))
    points = fault_injection.choose_points(writes, seconds, 2, 0, ["01"])
    assert [p.kind for p in points] == ["write", "write"]
    for point in points:
        row = fault_injection.inject(point, tmp_path, config, states, 600)
        assert row["killed"].startswith("yes"), row
        assert row["torn"] == "none" and row["identical"] == "yes", row
