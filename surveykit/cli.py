"""The ``surveykit`` command: ``run`` executes the notebook sequence headless; the other
subcommands run one stage each, the same calls the notebooks make."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from surveykit.config import CONFIG_NAME, ConfigError, SurveyConfig, load_config

# errors raised in a notebook that mean a mistake in the user's files, not a bug: exit 2
BAD_INPUT = ("SourceError:", "ConfigError:", "SchemaError:", "CurationError:")


def _config(args: argparse.Namespace) -> SurveyConfig:
    return load_config(args.config, args.output_dir, getattr(args, "source", None))


def cmd_run(args: argparse.Namespace) -> int:
    from surveykit.pipeline import run_notebooks

    existing = _config(args).existing_bib
    if existing:
        from surveykit.bib.problems import check_existing

        early = [p for p in check_existing(existing) if p.severity == "error"]
    else:
        early = []
    for problem in early:  # the author's own .bib first: they can fix it while the run goes on
        print(f"surveykit run: your bib: {problem}", file=sys.stderr)
    runs = run_notebooks(args.config, args.output_dir, args.notebooks, only=args.only,
                         sources=args.source, refit=args.refit, force=args.force)
    for status in runs.statuses:
        print(status.line())
    config = _config(args)
    if runs.statuses and not runs:
        print("nothing changed: no notebook re-executed (--force runs them all)")
    print(f"outputs in {config.paths.root} (executed notebooks in {config.paths.build / 'notebooks'})")
    for message in dict.fromkeys(f"{o.stage}: {o.message}" for o in runs.degraded):
        print(f"degraded (declared): {message}")
    status = report_failures(runs.failures)
    if status:  # which of the author's entries to fix, when the PDF failed on the bibliography
        from surveykit.bib.problems import draft_problems

        traced = [p for p in draft_problems(config.paths.draft, config.paths.references,
                                            config.existing_bib) if p.key]
        for problem in traced[:10]:
            print(f"surveykit run: bibliography entry to fix: {problem}", file=sys.stderr)
    return status


def report_failures(failures: Sequence[Any], command: str = "run") -> int:
    """Print each failed promise (stage, file, first errors) to stderr; 1 if any, else 0."""
    for outcome in failures:
        print(f"surveykit {command}: failed: {outcome.describe()}", file=sys.stderr)
    return 1 if failures else 0


def cmd_corpus(args: argparse.Namespace) -> int:
    from surveykit.corpus.build import build_corpus

    config = _config(args)
    build = build_corpus(config)
    print(build.summary())
    for issue in build.load.issues:
        print(f"  {issue}")
    print(f"saved {config.paths.corpus}")
    return 0


def cmd_bib(args: argparse.Namespace) -> int:
    from surveykit.bib.stage import write_references

    config = _config(args)
    from surveykit.bib.problems import format_errors

    report = write_references(config, validate=not args.no_validate)
    print(report.summary())
    if report.errors:
        print(f"surveykit bib: errors to fix:\n{format_errors(report.errors, report.report_path)}",
              file=sys.stderr)
    elif not report.ok:
        unexpected = [p for p in report.problems if p.kind == "bibtex-warning"]
        print(f"surveykit bib: bibtex warnings the data does not explain:\n"
              f"{format_errors(unexpected, report.report_path)}", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_config(args: argparse.Namespace) -> int:
    from surveykit.config_schema import reference_markdown

    if args.reference:
        print(reference_markdown(), end="")
        return 0
    path = args.path or args.config
    if not Path(path).is_file():
        print(f"{path}: config file not found")
        return 1
    try:
        config = load_config(path)
    except ConfigError as exc:
        for error in exc.errors:
            print(error)
        return 1
    print(f"{path}: OK")
    if config.curation is not None and config.curation.exists():
        from surveykit.topics.curation import CurationError, load_curation

        try:
            load_curation(config.curation)
        except (CurationError, UnicodeDecodeError) as exc:
            print(f"{config.curation}: {exc}" if isinstance(exc, UnicodeDecodeError) else exc)
            return 1
        print(f"{config.curation}: OK")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from surveykit.evaluate import evaluate_command, markdown_table

    table = evaluate_command(args.corpus, args.labels, topics_path=args.topics, output=args.output)
    print(markdown_table(table.reset_index(names="corpus")))
    return 0


def cmd_lab(args: argparse.Namespace) -> int:
    from surveykit.lab import run_lab
    from surveykit.pipeline import find_notebooks_dir

    config_root = Path(args.config).resolve().parent
    folder = Path(args.notebooks) if args.notebooks else find_notebooks_dir(config_root)
    return run_lab(folder, port=args.port, no_browser=args.no_browser, extra=args.lab_args)


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], str]] = {
    "run": (cmd_run, "run the whole notebook sequence headless (the main job)"),
    "corpus": (cmd_corpus, "load, dedupe and save the corpus (notebook 01)"),
    "bib": (cmd_bib, "write and validate bib/references.bib"),
    "evaluate": (cmd_evaluate, "score topics against human labels"),
    "config": (cmd_config, "check survey.toml (--check) or print every key it takes (--reference)"),
    "lab": (cmd_lab, "start JupyterLab on the notebooks (--allow-root added only when root)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="surveykit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (_, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == "evaluate":
            p.add_argument("corpus", help="a saved corpus (.parquet/.jsonl) or a source file")
            p.add_argument("labels", help="labels file: CSV/TSV/JSON with a paper column and label(s)")
            p.add_argument("--topics", help="saved topics (default: fit the automatic model)")
            p.add_argument("--output", help="also save the scores as CSV here")
            continue
        if name == "lab":
            p.add_argument("--config", default=CONFIG_NAME, help=f"survey config (default: {CONFIG_NAME})")
            p.add_argument("--notebooks", default=None, help="notebook folder (default: ./notebooks)")
            p.add_argument("--port", type=int, default=None, help="port (default: JupyterLab's)")
            p.add_argument("--no-browser", action="store_true", help="do not open a browser")
            continue
        if name == "config":
            p.add_argument("path", nargs="?", help=f"the config to check (default: {CONFIG_NAME})")
            p.add_argument("--config", default=CONFIG_NAME, help=argparse.SUPPRESS)
            p.add_argument("--check", action="store_true", help="check the file (the default action)")
            p.add_argument("--reference", action="store_true", help="print the config reference (Markdown)")
            continue
        p.add_argument("--config", default=CONFIG_NAME, help=f"survey config (default: {CONFIG_NAME})")
        p.add_argument("--output-dir", default=None, help="where outputs land (default: config folder)")
        if name in {"run", "corpus"}:
            p.add_argument("--source", action="append", metavar="PATH",
                           help="a source file (repeat for several); replaces [corpus] sources")
        if name == "run":
            p.add_argument("--notebooks", default=None, help="notebook folder (default: ./notebooks)")
            p.add_argument("--only", nargs="*", help="run only these notebooks (numbers or names)")
            p.add_argument("--refit", action="store_true",
                           help="fit the topics from scratch (default: papers added since the last "
                                "run are placed in the saved topics)")
            p.add_argument("--force", action="store_true",
                           help="run every notebook (default: only those whose inputs changed since "
                                "their last run; see build/stages.json)")
        if name == "bib":
            p.add_argument("--no-validate", action="store_true", help="skip the LaTeX compile check")
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line; ``surveykit lab`` passes options it does not know on to ``jupyter lab``."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    args.lab_args = unknown
    return args


def main(argv: Sequence[str] | None = None) -> int:
    from surveykit.runlock import RunLocked

    args = parse_args(argv)
    handler = COMMANDS[args.command][0]
    try:
        return handler(args)
    except KeyboardInterrupt:
        print(f"surveykit {args.command}: interrupted; previous outputs kept", file=sys.stderr)
        return 130
    except (ConfigError, FileNotFoundError, RunLocked) as exc:
        print(f"surveykit {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # imported here: the sources (and pandas) only when needed
        from surveykit.pipeline import NotebookError
        from surveykit.sources.report import SourceError

        if isinstance(exc, SourceError):
            print(f"surveykit {args.command}: error: {exc}", file=sys.stderr)
            return 2
        if isinstance(exc, NotebookError):
            if exc.error.startswith(BAD_INPUT):  # a mistake in the user's files
                print(f"surveykit run: error in {exc.notebook.name}: {exc.error}", file=sys.stderr)
                return 2
            print(f"surveykit run: notebook failed: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
