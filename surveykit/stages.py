"""Incremental runs: what each notebook stage reads and writes, and whether it must run again.

Each stage (01..06) records, when it has run, the digest of every input it read and of every output
it wrote in ``build/stages.json``:

- its config section(s) of ``survey.toml`` (and the curation file for 02), the external files it
  reads (sources, your own ``.bib`` files, an attribute file),
- the content of the upstream artefacts it reads (``build/corpus.parquet``, ``build/topics.json``...),
- surveykit itself (version and a digest of the package files), the notebook's code cells and the
  parameters it was given, and the tools it uses (Chromium, TeX).

``surveykit run`` skips a stage whose inputs all have the digests recorded and whose outputs are all
still there, unchanged (and whose executed notebook is in ``build/notebooks/``); otherwise it runs the
stage and says why. A stage that reruns and rewrites an artefact with new content makes every stage
that reads it run too; an artefact rewritten byte for byte changes nothing downstream.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import surveykit
from surveykit import io

STATE_FILE = "stages.json"
STATE_VERSION = 1

Files = Callable[[Any], list[Path]]  # config -> files (or folders: their direct files)


def _build(*names: str) -> Files:
    return lambda config: [config.paths.build / n for n in names]


def _folder(name: str) -> Files:
    return lambda config: [getattr(config.paths, name)]


def _corpus_files(config: Any) -> list[Path]:
    files = []
    for spec in config.sources:
        for key in ("path", "metadata"):
            if spec.get(key):
                path = Path(spec[key])
                files.append(path if path.is_absolute() else config.root / path)
    return files


def _existing_bib(config: Any) -> list[Path]:
    return list(config.existing_bib)


def _attribute_file(config: Any) -> list[Path]:
    name = config.section("attributes").get("file")
    return [config.root / name] if name else []


def _no_files(config: Any) -> list[Path]:
    return []


def tex_missing() -> str | None:
    """None when latexmk, pdflatex and bibtex are on PATH, else what is missing (the same test
    as :func:`surveykit.draft.compile.tex_missing`, without importing the draft package)."""
    for tool in ("latexmk", "pdflatex", "bibtex"):
        if shutil.which(tool) is None:
            return f"{tool} not found"
    return None


def _tex_tools() -> str:
    return tex_missing() or "tex"


def _browser() -> str:
    """Whether figures get a static export: ``$BROWSER_PATH`` or a Chromium on PATH (the rule of
    :func:`surveykit.figures.export.find_browser`, without importing plotly)."""
    env = os.environ.get("BROWSER_PATH", "").strip()
    if env:
        path = shutil.which(env) or env
        return "chromium" if os.path.isfile(path) and os.access(path, os.X_OK) else "none"
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
    return "chromium" if any(shutil.which(n) for n in names) else "none"


CORPUS = _build("corpus.parquet")
TOPICS = _build("topics.json", "topic_assignments.parquet")
ROLES = _build("sentence_roles.parquet")
ATTRIBUTES = _build("attributes.parquet")


def _join(*parts: Files) -> Files:
    return lambda config: [path for part in parts for path in part(config)]


@dataclass(frozen=True)
class Stage:
    """One notebook's inputs and outputs (paths come from the config: ``[paths]`` may move them)."""

    number: str
    sections: tuple[str, ...]
    reads: Files  # artefacts of earlier stages
    writes: Files
    external: Files = _no_files  # the author's own files
    curation: bool = False
    tools: tuple[Callable[[], str], ...] = ()


STAGES: dict[str, Stage] = {
    "01": Stage("01", ("corpus",), _no_files,
                _build("corpus.parquet", "load_report.csv", "dedupe_report.csv"),
                external=_corpus_files),
    "02": Stage("02", ("topics", "embed", "draft.backend"), CORPUS,
                _build("topics.json", "topic_assignments.parquet", "topic_changes.md",
                       "topic_changes.csv", "paper_types.csv", "paper_types.key.json",
                       "sentence_roles.parquet"),
                curation=True),
    "03": Stage("03", ("attributes", "tables", "bib", "embed"), _join(CORPUS, TOPICS, ROLES),
                _join(_build("attributes.parquet", "attributes.csv"), _folder("tables")),
                external=_join(_attribute_file, _existing_bib)),
    "04": Stage("04", ("figures", "topics", "bib"), _join(CORPUS, TOPICS, ATTRIBUTES),
                _folder("figures"), external=_existing_bib, tools=(_browser,)),
    "05": Stage("05", ("bib",), CORPUS,
                lambda config: [config.paths.references, config.paths.build / "bib_keys.json",
                                config.paths.build / "bib_report.csv"],
                external=_existing_bib, tools=(_tex_tools,)),
    "06": Stage("06", ("survey", "draft", "bib", "tables", "figures"),
                _join(CORPUS, TOPICS, ATTRIBUTES, lambda c: [c.paths.references],
                      _folder("tables"), _folder("figures")),
                _folder("draft"), external=_existing_bib, tools=(_tex_tools,)),
}


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes; a folder: of its direct, non-hidden files (names and contents);
    ``"missing"`` when absent."""
    if path.is_dir():
        inner = hashlib.sha256()
        for child in sorted(path.iterdir()):
            if child.is_file() and not child.name.startswith("."):
                inner.update(f"{child.name}\0{file_digest(child)}\0".encode())
        return inner.hexdigest()
    if not path.is_file():
        return "missing"
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _text_digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


_PACKAGE_DIGEST: str | None = None


def package_digest() -> str:
    """surveykit's version and the digest of its files (code, data, templates): a changed package
    makes every stage run again."""
    global _PACKAGE_DIGEST
    if _PACKAGE_DIGEST is None:
        root = Path(surveykit.__file__).resolve().parent
        digest = hashlib.sha256(surveykit.__version__.encode())
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(f"{path.relative_to(root)}\0{file_digest(path)}\0".encode())
        _PACKAGE_DIGEST = f"{surveykit.__version__}:{digest.hexdigest()[:16]}"
    return _PACKAGE_DIGEST


def notebook_digest(path: Path) -> str:
    """The digest of a notebook's code cells (outputs, metadata and markdown do not count)."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    code = ["".join(c.get("source", "")) for c in cells if c.get("cell_type") == "code"]
    return _text_digest(code)


def _section(config: Any, name: str) -> Any:
    head, _, tail = name.partition(".")
    value = config.section(head)
    return value.get(tail) if tail else value


def _rel(config: Any, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(config.paths.root.resolve()))
    except ValueError:
        return str(path)


def stage_inputs(stage: Stage, config: Any, notebook: Path, parameters: dict[str, Any]) -> dict[str, str]:
    """Every input of ``stage`` as ``name -> digest``; the names say what changed."""
    inputs = {"surveykit": package_digest(), "notebook": notebook_digest(notebook),
              "parameters": _text_digest(parameters)}
    for name in stage.sections:
        value = _section(config, name)
        if value is not None:
            inputs[f"config [{name}]"] = _text_digest(value)
    if stage.curation:
        curation = config.curation
        inputs["curation"] = file_digest(curation) if curation is not None else "none"
    for path in stage.external(config):
        inputs[f"file {path}"] = file_digest(path)
    for path in stage.reads(config):
        inputs[_rel(config, path)] = file_digest(path)
    for tool in stage.tools:
        inputs[f"tool {tool.__name__.strip('_')}"] = tool()
    return inputs


def stage_outputs(stage: Stage, config: Any) -> dict[str, str]:
    return {_rel(config, path): file_digest(path) for path in stage.writes(config)}


@dataclass
class Decision:
    """Whether a stage runs, and why (one short reason)."""

    number: str
    run: bool
    reason: str
    inputs: dict[str, str] = field(default_factory=dict)


def _changed(old: dict[str, str], new: dict[str, str]) -> list[str]:
    return [k for k in new if old.get(k) != new[k]] + [k for k in old if k not in new]


def _describe(names: Iterable[str], what: str) -> str:
    names = list(names)
    more = f" (+{len(names) - 2} more)" if len(names) > 2 else ""
    return f"{what}: " + ", ".join(names[:2]) + more


class StageState:
    """``build/stages.json``: per stage, the input and output digests of its last successful run."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self.path = config.paths.build / STATE_FILE
        self.records: dict[str, dict[str, Any]] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") == STATE_VERSION:
                self.records = dict(data.get("stages", {}))
        except (OSError, ValueError, AttributeError):
            self.records = {}

    def decide(self, notebook: Path, parameters: dict[str, Any], executed: Path,
               force: bool = False) -> Decision:
        """Run or skip ``notebook`` (its number picks the stage; unknown stages always run)."""
        number = notebook.name[:2]
        stage = STAGES.get(number)
        if stage is None:
            return Decision(number, True, "not a known stage: always runs")
        inputs = stage_inputs(stage, self.config, notebook, parameters)
        if force:
            return Decision(number, True, "--force", inputs)
        record = self.records.get(number)
        if record is None:
            return Decision(number, True, "no record of an earlier run", inputs)
        if record.get("notebook_file") != notebook.name or not executed.exists():
            return Decision(number, True, "executed notebook missing", inputs)
        changed = _changed(record.get("inputs", {}), inputs)
        if changed:
            return Decision(number, True, _describe(changed, "changed"), inputs)
        outputs = stage_outputs(stage, self.config)
        altered = _changed(record.get("outputs", {}), outputs)
        if altered:
            gone = [k for k in altered if outputs.get(k) == "missing"]
            return Decision(number, True, _describe(gone, "missing output") if gone
                            else _describe(altered, "output changed since"), inputs)
        return Decision(number, False, "nothing changed", inputs)

    def outcomes(self, number: str) -> list[dict[str, Any]]:
        """What the stage reported (failures, degraded modes) when it last ran."""
        return list(self.records.get(number, {}).get("outcomes", []))

    def forget(self, number: str) -> None:
        """Drop a stage's record before it runs: an interrupted or failed run leaves it to rerun."""
        if self.records.pop(number, None) is not None:
            self.save()

    def record(self, decision: Decision, notebook: Path, seconds: float,
               outcomes: list[dict[str, Any]]) -> None:
        stage = STAGES.get(decision.number)
        if stage is None:
            return
        self.records[decision.number] = {
            "notebook_file": notebook.name,
            "inputs": decision.inputs,
            "outputs": stage_outputs(stage, self.config),
            "seconds": round(seconds, 2),
            "outcomes": outcomes,
        }
        self.save()

    def save(self) -> None:
        data = {"version": STATE_VERSION, "stages": dict(sorted(self.records.items()))}
        io.write_text(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")


def clear_state(config: Any) -> None:
    """Forget every stage's record (the next run runs everything)."""
    path = config.paths.build / STATE_FILE
    if path.exists():
        path.unlink()


__all__ = ["STAGES", "Decision", "Stage", "StageState", "clear_state", "file_digest"]
