"""The survey config (``survey.toml``): which sources make the corpus, where outputs land, and the
settings of each stage. Read-only for the tool: it never rewrites the author's files.

Relative source, curation and existing-bib paths are read from the config file's folder; outputs
go below ``output_dir`` (default: the config file's folder).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from surveykit.config_schema import validate

CONFIG_NAME = "survey.toml"


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and the key.

    ``errors`` holds every problem found (one line each); the message joins them.
    """

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors if errors is not None else [message]


@dataclass
class OutputPaths:
    """Where each stage writes, all below one output folder."""

    root: Path
    build: Path
    cache: Path
    bib: Path
    figures: Path
    tables: Path
    draft: Path

    @property
    def corpus(self) -> Path:
        return self.build / "corpus.parquet"

    @property
    def references(self) -> Path:
        return self.bib / "references.bib"

    def ensure(self) -> OutputPaths:
        for path in (self.build, self.cache, self.bib, self.figures, self.tables, self.draft):
            path.mkdir(parents=True, exist_ok=True)
        return self


@dataclass
class SurveyConfig:
    """Everything the stages read; ``raw`` keeps the whole TOML for stage-specific options."""

    path: Path | None
    root: Path
    title: str = "A Survey"
    author: str = "surveykit"
    sources: list[dict[str, Any]] = field(default_factory=list)
    enrich: bool = False
    dedupe: bool = True
    existing_bib: list[Path] = field(default_factory=list)
    pinned_keys: dict[str, str] = field(default_factory=dict)
    curation: Path | None = None
    paths: OutputPaths | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> dict[str, Any]:
        """The raw options of one stage (``[topics]``, ``[figures]``...), empty if absent."""
        return dict(self.raw.get(name, {}))

    @property
    def uses_bundled_corpus(self) -> bool:
        return not self.sources


def _expect(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(f"{where}: expected {names}, got {type(value).__name__} {value!r}")
    return value


def _sources(entries: list[Any], root: Path, where: str) -> list[dict[str, Any]]:
    sources = []
    for index, entry in enumerate(entries):
        here = f"{where}[{index}]"
        if isinstance(entry, str):
            entry = {"path": entry}
        _expect(entry, dict, here)
        if "path" not in entry:
            raise ConfigError(f"{here}: a source needs a 'path'")
        spec = dict(entry)
        path = Path(spec["path"]).expanduser()
        spec["path"] = path if path.is_absolute() else root / path
        sources.append(spec)
    return sources


def parse_config(
    data: dict[str, Any], path: Path | None = None, output_dir: str | os.PathLike[str] | None = None
) -> SurveyConfig:
    """Build a :class:`SurveyConfig` from parsed TOML (``path`` names the file in errors)."""
    name = str(path) if path else "<config>"
    root = path.parent.resolve() if path else Path.cwd()
    errors = validate(data, name)
    if errors:
        raise ConfigError("\n".join(errors), errors)
    survey = _expect(data.get("survey", {}), dict, f"{name}: [survey]")
    corpus = _expect(data.get("corpus", {}), dict, f"{name}: [corpus]")
    bib = _expect(data.get("bib", {}), dict, f"{name}: [bib]")
    topics = _expect(data.get("topics", {}), dict, f"{name}: [topics]")
    paths = _expect(data.get("paths", {}), dict, f"{name}: [paths]")

    out = Path(output_dir).expanduser().resolve() if output_dir else root
    out = out if out.is_absolute() else root / out

    def _out(key: str, default: str) -> Path:
        value = Path(_expect(paths.get(key, default), str, f"{name}: paths.{key}"))
        return value if value.is_absolute() else out / value

    def _in(value: str) -> Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() else root / p

    curation = topics.get("curation", "curation.toml")
    return SurveyConfig(
        path=path,
        root=root,
        title=str(survey.get("title", "A Survey")),
        author=str(survey.get("author", "surveykit")),
        sources=_sources(
            _expect(corpus.get("sources", []), list, f"{name}: corpus.sources"),
            root,
            f"{name}: corpus.sources",
        ),
        enrich=bool(corpus.get("enrich", False)),
        dedupe=bool(corpus.get("dedupe", True)),
        existing_bib=[
            _in(_expect(p, str, f"{name}: bib.existing"))
            for p in _expect(bib.get("existing", []), list, f"{name}: bib.existing")
        ],
        pinned_keys={
            str(k): str(v)
            for k, v in _expect(bib.get("pinned_keys", {}), dict, f"{name}: bib.pinned_keys").items()
        },
        curation=_in(curation) if curation else None,
        paths=OutputPaths(
            root=out,
            build=_out("build", "build"),
            cache=_out("cache", ".cache/surveykit"),
            bib=_out("bib", "bib"),
            figures=_out("figures", "figures"),
            tables=_out("tables", "tables"),
            draft=_out("draft", "draft"),
        ),
        raw=data,
    )


def load_config(
    path: str | os.PathLike[str] | None = CONFIG_NAME,
    output_dir: str | os.PathLike[str] | None = None,
    sources: list[str | os.PathLike[str]] | None = None,
) -> SurveyConfig:
    """Read ``survey.toml``; a missing default file means defaults (the bundled corpus).

    ``sources`` (paths, relative to the working folder) replace the config's ``[corpus] sources``.
    """
    config = _load_config(path, output_dir)
    if sources:
        resolved = [str(Path(s).expanduser().resolve()) for s in sources]
        config.sources = _sources(resolved, Path.cwd(), "sources")
    return config


def _load_config(
    path: str | os.PathLike[str] | None, output_dir: str | os.PathLike[str] | None
) -> SurveyConfig:
    if path is None:
        return parse_config({}, None, output_dir)
    config_path = Path(path).expanduser()
    if not config_path.exists():
        if str(path) == CONFIG_NAME:
            return parse_config({}, None, output_dir)
        raise ConfigError(f"{config_path}: config file not found")
    try:
        data = tomllib.loads(config_path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{config_path}: not UTF-8 text ({exc.reason} at byte {exc.start}); "
                          "save it as UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config_path}: not valid TOML ({exc})") from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"{config_path}: a folder, not a config file") from exc
    return parse_config(data, config_path.resolve(), output_dir)
