"""Kill-and-rerun fault injection: SIGKILL a real ``surveykit run`` at seeded points, re-run, and
compare every output with an uninterrupted run byte for byte.

The reference run goes notebook by notebook (``--only NN``) on the bundled corpus, keeping a copy
of the output folder after each. A kill point is either the N-th atomic write of one notebook
(``SURVEYKIT_FAULT_KILL_AT``, see :mod:`surveykit.io`: killed after the temporary file is written,
before it is renamed) or a seeded delay after which the whole process tree (``surveykit run``,
the kernel, latexmk, Chromium) is SIGKILLed. Each point starts from the reference state before
its notebook, is killed, and checks that every file is whole (its content from before the run or
from the finished run, never a mix); then the notebook is run again and the output folder must be
byte-identical to the reference after that notebook (bib/, tables/, figures/ svg+pdf+png+html,
draft/ tex+md+pdf, build/). Later notebooks read only these files, so equal state means equal
downstream outputs.

    python benchmarks/fault_injection.py               # 20 points, seed 0 (about 20-40 min)
    python benchmarks/fault_injection.py --points 3 --only 01   # a quick look
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from surveykit import io  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "fault_injection.md"
NOTEBOOKS = ("01", "02", "03", "04", "05", "06")
# not outputs: executed notebook copies (timings), the latexmk work folders of the draft and of the
# bibliography check (logs with the time of day), the run lock, the incremental-run record
# (build/stages.json: input digests and each stage's duration)
VOLATILE = ("build/notebooks/", "draft/_build/", "build/bibcheck/", ".surveykit.lock",
            "build/stages.json")
MANIFEST = "build/manifest.json"


@dataclass
class Point:
    notebook: str
    kind: str  # "write" or "delay"
    at: float  # the write number (1-based) or the delay in seconds
    target: str = ""  # the file being written at a write point

    def describe(self) -> str:
        if self.kind == "write":
            return f"{self.notebook}: write {int(self.at)} ({self.target})"
        return f"{self.notebook}: after {self.at:.1f} s"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYKIT_FAULT_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env.update(extra)
    return env


def _command(config: Path, out: Path, notebook: str) -> list[str]:
    return [sys.executable, "-m", "surveykit.cli", "run", "--config", str(config), "--output-dir", str(out),
            "--only", notebook]


def _config(work: Path) -> Path:
    """The repository's survey.toml with the embedding cache outside the output folders."""
    shutil.copy(ROOT / "curation.toml", work / "curation.toml")
    cache = work / "cache"
    shared = os.environ.get("SURVEYKIT_EMBED_CACHE")
    if shared and Path(shared).is_dir() and not (cache / "embeddings").exists():
        shutil.copytree(shared, cache / "embeddings")
    text = (ROOT / "survey.toml").read_text(encoding="utf-8")
    config = work / "survey.toml"
    config.write_text(text + f'\n[paths]\ncache = "{cache}"\n', encoding="utf-8")
    return config


def snapshot(folder: Path) -> dict[str, bytes]:
    """Relative path -> content hash of every file below ``folder`` but the volatile ones."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not any(rel == v or rel.startswith(v) for v in VOLATILE):
            out[rel] = hashlib.sha256(path.read_bytes()).digest()
    return out


def differences(got: dict[str, bytes], want: dict[str, bytes]) -> list[str]:
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    changed = sorted(k for k in set(got) & set(want) if got[k] != want[k])
    return ([f"missing {p}" for p in missing] + [f"extra {p}" for p in extra]
            + [f"differs {p}" for p in changed])


def torn_files(folder: Path, got: dict[str, bytes], before: dict[str, bytes],
               after: dict[str, bytes]) -> list[str]:
    """Files after a kill whose content is neither the previous nor the finished version (the
    manifest, rewritten after each stage of a notebook, must be whole JSON)."""
    torn = []
    for rel, digest in got.items():
        if io.is_leftover_tmp(Path(rel)):
            continue  # a killed writer's temporary file; the next run removes it
        if rel == MANIFEST:
            try:
                json.loads((folder / rel).read_text(encoding="utf-8"))
                continue
            except ValueError:
                pass
        if digest not in (before.get(rel), after.get(rel)):
            torn.append(rel)
    return torn


def reference(work: Path, config: Path, timeout: float,
              notebooks: tuple[str, ...] = NOTEBOOKS) -> tuple[dict, dict, dict]:
    """Run notebook by notebook; the snapshot before each, its writes and its duration."""
    out = work / "run"  # the folder every kill point runs in: paths in reports are the same
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    states: dict[str, dict[str, bytes]] = {"00": snapshot(out)}
    writes: dict[str, list[str]] = {}
    seconds: dict[str, float] = {}
    for number in notebooks:
        log = work / f"ref-{number}.log"
        start = time.perf_counter()
        proc = subprocess.run(_command(config, out, number), env=_env(
            SURVEYKIT_FAULT_LOG=str(log), SURVEYKIT_FAULT_ROOT=str(out)),
            capture_output=True, text=True, timeout=timeout, check=False)
        seconds[number] = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"reference run of {number} failed:\n{proc.stderr[-2000:]}")
        writes[number] = [str(Path(p).relative_to(out)) for p in log.read_text().split("\n") if p]
        states[number] = snapshot(out)
        shutil.copytree(out, work / f"ref-{number}", symlinks=True)
    return states, writes, seconds


def choose_points(writes: dict[str, list[str]], seconds: dict[str, float], n: int, seed: int,
                  notebooks: list[str]) -> list[Point]:
    """One write point per notebook, then write points across all writes; every fifth a delay."""
    rng = random.Random(seed)
    delays = n // 5
    points = [Point(nb, "write", w, writes[nb][w - 1]) for nb in notebooks if writes[nb]
              for w in [rng.randint(1, len(writes[nb]))]][: n - delays]
    pool = [(nb, i + 1) for nb in notebooks for i in range(len(writes[nb]))]
    taken = {(p.notebook, int(p.at)) for p in points}
    rng.shuffle(pool)
    for nb, w in pool:
        if len(points) >= n - delays:
            break
        if (nb, w) not in taken:
            points.append(Point(nb, "write", w, writes[nb][w - 1]))
            taken.add((nb, w))
    for _ in range(n - len(points)):
        nb = rng.choice(notebooks)
        points.append(Point(nb, "delay", round(rng.uniform(0.2, 0.9) * seconds[nb], 1)))
    return sorted(points, key=lambda p: (p.notebook, p.kind, p.at))


def _kill_tree(pid: int) -> None:
    import psutil

    try:
        parent = psutil.Process(pid)
        family = parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return
    for proc in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.send_signal(signal.SIGKILL)
    psutil.wait_procs(family, timeout=10)


def inject(point: Point, work: Path, config: Path, states: dict, timeout: float) -> dict[str, str]:
    """Kill the notebook at ``point``, check nothing is torn, re-run it, compare with the reference."""
    previous = f"{int(point.notebook) - 1:02d}"
    out = work / "run"
    shutil.rmtree(out, ignore_errors=True)
    if previous == "00":
        out.mkdir()
    else:
        shutil.copytree(work / f"ref-{previous}", out, symlinks=True)
    log = work / "fault.log"
    log.unlink(missing_ok=True)
    env = _env(SURVEYKIT_FAULT_LOG=str(log), SURVEYKIT_FAULT_ROOT=str(out))
    if point.kind == "write":
        env["SURVEYKIT_FAULT_KILL_AT"] = str(int(point.at))
    start = time.perf_counter()
    proc = subprocess.Popen(_command(config, out, point.notebook), env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        if point.kind == "delay":
            try:
                proc.wait(timeout=point.at)
            except subprocess.TimeoutExpired:
                _kill_tree(proc.pid)
        code = proc.wait(timeout=timeout)
    finally:
        _kill_tree(proc.pid)  # whatever the kill left running (a kernel, Chromium, latexmk)
    killed_after = time.perf_counter() - start
    logged = len(log.read_text().splitlines()) if log.exists() else 0
    killed = code == -signal.SIGKILL or (point.kind == "write" and logged >= point.at and code != 0)
    after_kill = snapshot(out)
    leftovers = sorted(p for p in after_kill if io.is_leftover_tmp(Path(p)))
    torn = torn_files(out, after_kill, states[previous], states[point.notebook])
    rerun = subprocess.run(_command(config, out, point.notebook), env=_env(), capture_output=True,
                           text=True, timeout=timeout, check=False)
    diff = differences(snapshot(out), states[point.notebook])
    left = sorted(str(p.relative_to(out)) for p in out.rglob("*") if io.is_leftover_tmp(p))
    return {
        "point": point.describe(),
        "killed": f"yes ({killed_after:.1f} s, exit {code})" if killed else f"no (finished, exit {code})",
        "torn": ", ".join(torn) or "none",
        "tmp left by kill": str(len(leftovers)),
        "rerun exit": str(rerun.returncode),
        "identical": ("yes" if not diff and not left and rerun.returncode == 0
                      else _mismatch(diff, left, rerun)),
    }


def _mismatch(diff: list[str], left: list[str], rerun: subprocess.CompletedProcess) -> str:
    text = "NO: " + "; ".join((diff + [f"tmp left {p}" for p in left])[:4])
    return text + (f" {rerun.stderr[-300:]}" if rerun.returncode else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", nargs="*", default=list(NOTEBOOKS), help="notebooks to inject into")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    parser.add_argument("--no-results", action="store_true", help="do not write benchmarks/results/")
    parser.add_argument("--at", nargs="*", help="explicit points, not seeded: NOTEBOOK:N (the N-th "
                        "write), NOTEBOOK:FILE (its first write), NOTEBOOK:@SECONDS (a delay)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="surveykit-faults-"))
    work.mkdir(parents=True, exist_ok=True)
    config = _config(work)
    started = time.perf_counter()
    last = max(args.only) if args.at else NOTEBOOKS[-1]  # explicit points: no need to go further
    states, writes, seconds = reference(work, config, args.timeout, tuple(n for n in NOTEBOOKS if n <= last))
    points = choose_points(writes, seconds, args.points, args.seed, [n for n in NOTEBOOKS if n in args.only])
    if args.at:  # explicit write points: 02:7, or 02:build/topics.json (its first write in 02)
        points = []
        for nb, where in (item.split(":", 1) for item in args.at):
            if where.startswith("@"):  # 06:@53.8, a delay in seconds
                points.append(Point(nb, "delay", float(where[1:])))
                continue
            number = int(where) if where.isdigit() else writes[nb].index(where) + 1
            points.append(Point(nb, "write", number, writes[nb][number - 1]))
    rows = []
    for point in points:
        row = inject(point, work, config, states, args.timeout)
        print(" | ".join(row.values()), flush=True)
        rows.append(row)
    bad = [r for r in rows if r["identical"] != "yes" or r["torn"] != "none"]
    header = list(rows[0]) if rows else []
    table = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    table += ["| " + " | ".join(v.replace("|", "\\|") for v in r.values()) + " |" for r in rows]
    files = len(states[max(states)])
    summary = (f"{len(rows)} kill points (seed {args.seed}), {len(rows) - len(bad)} recovered "
               f"byte-identically, {len(bad)} not; outputs compared: {files} files; reference run "
               + ", ".join(f"{n} {s:.0f} s" for n, s in seconds.items())
               + "; writes per notebook: " + ", ".join(f"{n} {len(w)}" for n, w in writes.items())
               + f"; total {time.perf_counter() - started:.0f} s on {os.cpu_count()} cores.")
    text = "\n".join(table) + "\n\n" + summary + "\n"
    print(text)
    if not args.no_results:
        command = f"python benchmarks/fault_injection.py --points {args.points} --seed {args.seed}"
        io.write_text(RESULTS, f"# Kill-and-rerun fault injection\n\nGenerated by `{command}`. "
                      f"{__doc__.split(chr(10))[0]}\n\n" + text)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
