"""Every key of ``survey.toml``, declared once: its type, default and a one-line doc.

:func:`validate` checks a parsed file against :data:`SCHEMA` (unknown keys with a "did you mean",
wrong types naming the key, the file and what would be valid; strings are never read as booleans);
:func:`reference_markdown` renders the README's config reference from it.

Adding a key is one line in its section, e.g. in ``"topics"``::

    "refit": Key(BOOL, False, "fit the topics from scratch instead of placing new papers in the saved ones"),

The stage that reads the key keeps reading it with ``config.section("topics")``; the test
``tests/test_config_schema.py`` checks the declared defaults against the stages' own.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Kept here (not imported) so loading a config stays cheap; tests check them against the stages.
SOURCE_FORMATS = ("arxiv", "arxiv-ids", "bibtex", "csv", "json", "jsonl", "listing", "openalex", "ris",
                  "semanticscholar", "tsv", "wos")
TABLE_FORMATS = ("tex", "md", "csv", "html")
FIGURE_FORMATS = ("pdf", "svg", "png", "html")


@dataclass(frozen=True)
class Kind:
    """A value type: its name in messages and the reference ("true or false"), and its check."""

    name: str
    check: Callable[[Any], bool]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


BOOL = Kind("true or false", lambda v: isinstance(v, bool))
INT = Kind("an integer", _is_int)
COUNT = Kind("an integer >= 0", lambda v: _is_int(v) and v >= 0)
POSITIVE = Kind("an integer >= 1", lambda v: _is_int(v) and v >= 1)
NUMBER = Kind("a number", _is_number)
FRACTION = Kind("a number from 0 to 1", lambda v: _is_number(v) and 0 <= v <= 1)
STR = Kind("a string", lambda v: isinstance(v, str))
STRS = Kind("a list of strings", _strings)
UNIQUE_STRS = Kind("a list of distinct strings", lambda v: _strings(v) and len(set(v)) == len(v))
STR_TABLE = Kind("a table of strings", lambda v: isinstance(v, dict) and all(
    isinstance(x, str) for x in v.values()))
TABLE = Kind("a table", lambda v: isinstance(v, dict))


def one_of(*values: str) -> Kind:
    """One of the given strings."""
    return Kind(" | ".join(f'"{v}"' for v in values), lambda v: isinstance(v, str) and v in values)


def list_from(*values: str) -> Kind:
    """A list of distinct strings, each one of ``values``."""
    names = ", ".join(f'"{v}"' for v in values)
    return Kind(f"a list from {names}", lambda v: UNIQUE_STRS.check(v) and set(v) <= set(values))


@dataclass(frozen=True)
class Key:
    """One key: its type, its default (``None``: unset, the stage decides) and a one-line doc.

    ``entries``: for a list of tables (``[corpus] sources``), the schema of each table; ``required``:
    the key must be present (in such an entry).
    """

    kind: Kind
    default: Any
    doc: str
    entries: Section | None = None
    required: bool = False


@dataclass(frozen=True)
class Section:
    """A TOML table: its keys, its sub-tables and what an undeclared key may hold (``extra``;
    ``None``: undeclared keys are an error)."""

    doc: str
    keys: dict[str, Key] = field(default_factory=dict)
    tables: dict[str, Section] = field(default_factory=dict)
    extra: Kind | None = None
    extra_doc: str = ""


SOURCE = Section(
    "one source file: a string (its path) or a table",
    {
        "path": Key(STR, None, "the file, relative to survey.toml's folder", required=True),
        "format": Key(one_of(*SOURCE_FORMATS), None, "the format (default: from the suffix)"),
        "columns": Key(STR_TABLE, None, "csv/tsv/json: field = column name, e.g. { title = \"Title\" }"),
        "delimiter": Key(STR, None, "csv/tsv: the field delimiter (default: sniffed)"),
        "encoding": Key(STR, "utf-8", "the text encoding (a BOM wins)"),
        "metadata": Key(STR, None, "listing: a JSON file of metadata next to the listing"),
        "offline": Key(BOOL, None, "arxiv-ids: only cached API answers (default: SURVEYKIT_OFFLINE)"),
        "cache_dir": Key(STR, None, "arxiv-ids: the HTTP cache folder"),
    },
)

SOURCES = Kind("a list of sources (paths, or tables with a path)", lambda v: isinstance(v, list))

BACKEND = Section(
    "an OpenAI-compatible endpoint that polishes the draft (off unless base_url is set)",
    {
        "enabled": Key(BOOL, True, "false: never use the endpoint, even if SURVEYKIT_LLM_BASE_URL is set"),
        "base_url": Key(STR, None, "the endpoint, e.g. \"http://127.0.0.1:8000/v1\" "
                        "(default: SURVEYKIT_LLM_BASE_URL)"),
        "model": Key(STR, None, "the model name (default: SURVEYKIT_LLM_MODEL, else \"default\")"),
        "api_key_env": Key(STR, "SURVEYKIT_LLM_API_KEY", "the variable holding the API key "
                           "(never the key itself)"),
        "timeout": Key(NUMBER, 60.0, "seconds per request"),
        "temperature": Key(NUMBER, 0.2, "sampling temperature"),
        "rewrite_topic_names": Key(BOOL, False, "also name topics and sections (the curation file wins)"),
    },
)

SCHEMA = Section(
    "survey.toml",
    tables={
        "survey": Section("the survey itself", {
            "title": Key(STR, "A Survey", "the title of the draft"),
            "author": Key(STR, "surveykit", "the author line of the draft"),
        }),
        "corpus": Section("which papers make the corpus", {
            "sources": Key(SOURCES, [], "the source files (none: the bundled corpus)", entries=SOURCE),
            "enrich": Key(BOOL, False, "fill missing abstracts/DOIs/venues from arXiv, OpenAlex, Crossref, "
                          "S2 (network; cached)"),
            "dedupe": Key(BOOL, True, "merge records of the same work"),
        }),
        "bib": Section("the bibliography, bib/references.bib", {
            "existing": Key(STRS, [], "your own .bib files, copied verbatim, never altered"),
            "pinned_keys": Key(STR_TABLE, {}, "paper id = citation key, e.g. \"arxiv:2408.09667\" = "
                               "\"gu2024blade\""),
            "style": Key(one_of("bibtex", "biblatex"), "bibtex", "the bibliography backend the .bib is "
                         "written for (biblatex: date, journaltitle, eprinttype, eprintclass added)"),
            "regenerate_keys": Key(BOOL, False, "Better BibTeX keys for every paper instead of the "
                                   "keys its .bib source gave it"),
        }),
        "topics": Section("the topic model and the 2-level taxonomy", {
            "curation": Key(STR, "curation.toml", "your edits to the taxonomy, applied after every fit "
                            "(\"\": none)"),
            "embedding_model": Key(STR, None, "older name of [embed] model (read when that is unset)"),
            "n_topics": Key(POSITIVE, None, "fix the number of topics (default: chosen automatically)"),
            "min_topics": Key(POSITIVE, 5, "the smallest number of topics searched"),
            "max_topics": Key(POSITIVE, None, "the largest number of topics searched (default: 2*sqrt(n/2))"),
            "n_sections": Key(POSITIVE, None, "fix the number of top-level sections (default: automatic)"),
            "consensus": Key(BOOL, True, "choose k by the consensus of several views (false: one Ward tree)"),
            "lexical_weight": Key(NUMBER, 0.25, "weight of the TF-IDF features next to the embeddings"),
            "lexical_dims": Key(POSITIVE, 100, "dimension of the TF-IDF (LSA) features"),
            "top_n_words": Key(POSITIVE, 10, "keywords kept per topic"),
            "n_representative": Key(POSITIVE, 3, "papers shown per topic"),
            "stop_words": Key(STRS, [], "extra words never used in labels or keywords"),
            "large_corpus": Key(POSITIVE, 10000, "above this many papers, fit on a deterministic sample"),
            "random_state": Key(INT, 42, "seed of every randomised step"),
            "refit": Key(BOOL, False, "fit the topics from scratch instead of placing new papers in the "
                         "saved ones (or surveykit run --refit)"),
            "related_surveys": Key(BOOL, True, "surveys and reviews in the corpus form a \"Related surveys\" "
                                   "group of their own, not subject topics"),
        }),
        "embed": Section("the sentence embeddings of the papers (cached by model and text)", {
            "model": Key(STR, "auto", "\"minilm\" (all-MiniLM-L6-v2), \"static\" (a model2vec model "
                         "distilled from it once, much faster), \"auto\" (static above static_above "
                         "papers) or a local model folder"),
            "static_above": Key(COUNT, 10000, "with model = \"auto\": corpora larger than this use "
                                "the static model; sentence roles of corpora larger than this read "
                                "no embedding"),
            "batch_size": Key(POSITIVE, 32, "texts per model call (MiniLM)"),
            "chunk_size": Key(POSITIVE, 4096, "texts embedded and written to the cache at a time (bounds "
                              "memory)"),
        }),
        "compute": Section("where embedding runs", {
            "scheduler": Key(STR, "local", "\"local\" (this process), \"dask:local\" (a local Dask "
                             "cluster of workers processes) or a Dask scheduler address \"tcp://host:8786\""),
            "workers": Key(POSITIVE, 2, "workers of a \"dask:local\" cluster"),
        }),
        "attributes": Section(
            "attributes extracted from the abstracts (defaults: surveykit/data/attributes.toml)",
            {
                "defaults": Key(BOOL, True, "start from the default attribute schema"),
                "file": Key(STR, None, "a TOML file of attributes added to (or overriding) the defaults"),
                "remove": Key(STRS, [], "attributes of the defaults to drop"),
                "benchmark_triggers": Key(STRS, ["contribution=benchmark", "new_benchmark"],
                                          "attribute values that put a paper in the benchmark table"),
            },
            extra=TABLE,
            extra_doc=("[attributes.NAME]: add or override one attribute (label, kind, values, patterns...). "
                       "The defaults describe LLM-based agents: their agent components and organisation "
                       "(agents, tools, code execution, memory, planning, reflection, safety; "
                       "field = \"agent\" in the schema) are extracted only when at least half of the "
                       "papers use the word \"agent\" (any form), else left out (attributes.counts() "
                       "says so) and the draft compares training, domain and contribution type without "
                       "speaking of agents; field = \"\" keeps an attribute everywhere"),
        ),
        "tables": Section("the comparison tables, tables/", {
            "formats": Key(list_from(*TABLE_FORMATS), list(TABLE_FORMATS), "formats written"),
            "wide": Key(one_of("auto", "resize", "landscape", "none"), "auto",
                        "LaTeX tables wider than the text"),
            "topic_columns": Key(UNIQUE_STRS, None, "attributes shown in the per-topic tables "
                                 "(default: chosen per topic)"),
            "min_topic_size": Key(COUNT, 1, "topics with fewer papers get no table"),
            "key_terms": Key(COUNT, 5, "key terms per topic in the overview"),
            "representatives": Key(COUNT, 3, "representative papers per topic in the overview"),
            "max_rows": Key(COUNT, 8, "rows of a printed table of a survey of over 200 papers "
                            "(LaTeX, Markdown: the most central papers; the CSV and HTML keep all "
                            "rows); 0: no cap"),
        }),
        "figures": Section("the figures, figures/", {
            "formats": Key(list_from(*FIGURE_FORMATS), list(FIGURE_FORMATS), "formats written"),
            "png_dpi": Key(NUMBER, 300, "resolution of the PNG files"),
            "projection": Key(one_of("auto", "tsne", "pca"), "auto",
                              "paper map layout (auto: t-SNE up to 3,000 papers, then PCA)"),
            "seed": Key(INT, 0, "seed of the paper map layout"),
            "taxonomy": Key(one_of("sunburst", "treemap"), "sunburst", "the taxonomy figure"),
            "max_cites": Key(COUNT, 8, "papers cited per subtopic in taxonomy_tree.tex"),
            "plotlyjs": Key(one_of("shared", "inline"), "shared",
                            "HTML figures share plotly.min.js or embed it"),
            "point_budget": Key(COUNT, 5000, "papers drawn in the static paper map (a deterministic "
                                "sample per topic; the HTML map shows all, WebGL above it); 0: all"),
        }),
        "draft": Section(
            "the drafted survey, draft/",
            {
                "overview_sentences": Key(COUNT, 5, "sentences in the overview"),
                "section_sentences": Key(COUNT, 3, "sentences introducing each section"),
                "intro_sentences": Key(COUNT, 3, "sentences in the introduction"),
                "comparisons_per_theme": Key(COUNT, 3, "comparative sentences per theme (facet synthesis)"),
                "representatives": Key(COUNT, 4, "papers described per topic"),
                "challenges": Key(COUNT, 6, "open challenges stated at most (limitation and future-work "
                                  "statements grouped)"),
                "mmr_lambda": Key(FRACTION, 0.7, "relevance vs novelty when picking sentences"),
                "max_similarity": Key(FRACTION, 0.5, "sentences more similar than this are not repeated"),
                "discussed_per_theme": Key(COUNT, 6, "papers described per theme of a big survey: its "
                                           "most central ones (the rest: tables/topic_NN.csv); "
                                           "0: all"),
                "max_cited": Key(COUNT, 2, "papers cited for a group of a big survey (\"12 papers, "
                                 "among them ...\"): its most central ones (at least 8 up to "
                                 "caps_above papers); 0: all"),
                "max_discussed": Key(COUNT, 180, "papers described in all themes of a big survey together "
                                     "(each theme gets an equal share, at least 2, at most "
                                     "discussed_per_theme); 0: no total"),
                "caps_above": Key(COUNT, 200, "discussed_per_theme, max_cited and max_topic_tables apply to "
                                  "surveys of more papers than this (a smaller one discusses every "
                                  "paper)"),
                "max_topic_tables": Key(COUNT, 6, "per-theme tables printed in the draft (those of "
                                        "the largest themes; all stay in tables/); 0: all"),
                "method": Key(STR, "papers were grouped into themes and sections by topic modelling over "
                              "their titles and abstracts", "how the survey was made, as one clause"),
            },
            tables={"backend": BACKEND},
        ),
        "paths": Section("output folders, relative to the output folder", {
            "build": Key(STR, "build", "the corpus, topics and executed notebooks"),
            "cache": Key(STR, ".cache/surveykit", "embedding and HTTP caches"),
            "bib": Key(STR, "bib", "references.bib"),
            "figures": Key(STR, "figures", "the figures"),
            "tables": Key(STR, "tables", "the tables"),
            "draft": Key(STR, "draft", "survey.md, survey.tex, survey.pdf"),
        }),
    },
)


# --- validation ---------------------------------------------------------------------------------


def _describe(value: Any) -> str:
    kinds = {bool: "boolean", int: "integer", float: "number", str: "string", list: "list", dict: "table"}
    kind = next((name for t, name in kinds.items() if type(value) is t), type(value).__name__)
    shown = repr(value) if not isinstance(value, dict | list) or len(repr(value)) < 60 else "..."
    return f"{kind} {shown}"


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _check_value(value: Any, key: Key, where: str, errors: list[str]) -> None:
    if not key.kind.check(value):
        hint = ' (write true or false without quotes)' if key.kind is BOOL and isinstance(value, str) else ""
        errors.append(f"{where}: expected {key.kind.name}, got {_describe(value)}{hint}")
        return
    if key.entries is not None:
        for index, entry in enumerate(value):
            if isinstance(entry, dict):
                _check_table(entry, key.entries, f"{where}[{index}]", errors)
            elif not isinstance(entry, str):
                errors.append(f"{where}[{index}]: expected a path or a table, got {_describe(entry)}")


def _check_table(data: Mapping[str, Any], section: Section, where: str, errors: list[str]) -> None:
    for name, key in section.keys.items():
        if key.required and name not in data:
            errors.append(f"{where}: needs {name!r} ({key.doc})")
    known = sorted([*section.keys, *section.tables])
    for name, value in data.items():
        here = _join(where, name)
        if name in section.keys:
            _check_value(value, section.keys[name], here, errors)
        elif name in section.tables:
            if isinstance(value, dict):
                _check_table(value, section.tables[name], here, errors)
            else:
                errors.append(f"{here}: expected a table ([{here}]), got {_describe(value)}")
        elif section.extra is not None:
            if not section.extra.check(value):
                errors.append(f"{here}: unknown key{_suggest(name, known)} (an extra key here must be "
                              f"{section.extra.name}: {section.extra_doc})")
        elif not where:
            errors.append(f"unknown section [{name}]{_suggest(name, known)} (known: {', '.join(known)})")
        else:
            errors.append(f"{here}: unknown key{_suggest(name, known)} (known in [{where}]: "
                          f"{', '.join(known)})")


def validate(data: Mapping[str, Any], file: str = "<config>") -> list[str]:
    """Every problem of a parsed ``survey.toml``, each as ``"<file>: <key>: <what is wrong>"``."""
    errors: list[str] = []
    _check_table(data, SCHEMA, "", errors)
    return [f"{file}: {error}" for error in errors]


def section_defaults(name: str) -> dict[str, Any]:
    """The declared defaults of one section (keys whose default is ``None`` left out)."""
    return {k: key.default for k, key in SCHEMA.tables[name].keys.items() if key.default is not None}


# --- reference ----------------------------------------------------------------------------------


def _toml(value: Any) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{}" if not value else "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _section_markdown(title: str, section: Section, lines: list[str]) -> None:
    lines += [f"### `[{title}]`", "", section.doc[0].upper() + section.doc[1:] + ".", ""]
    if section.keys:
        lines += ["| key | type | default | what |", "| --- | --- | --- | --- |"]
        for name, key in section.keys.items():
            default = "(required)" if key.required else _toml(key.default)
            lines.append(f"| `{name}` | {_cell(key.kind.name)} | `{_cell(default)}` | {_cell(key.doc)} |")
        lines.append("")
    if section.extra_doc:
        lines += [section.extra_doc.replace("[", "`[", 1).replace("]", "]`", 1) + ".", ""]
    for name, key in section.keys.items():
        if key.entries is not None:
            _section_markdown(f"[{title}.{name}]", key.entries, lines)
    for name, sub in section.tables.items():
        _section_markdown(f"{title}.{name}", sub, lines)


def reference_markdown() -> str:
    """The config reference (Markdown), one table per section, generated from :data:`SCHEMA`."""
    lines: list[str] = []
    for name, section in SCHEMA.tables.items():
        _section_markdown(name, section, lines)
    return "\n".join(lines).rstrip() + "\n"


REFERENCE_START = "<!-- config-reference: generated from surveykit/config_schema.py; do not edit -->"
REFERENCE_END = "<!-- end config-reference -->"


def with_reference(readme: str) -> str:
    """``readme`` with the text between the reference markers replaced by :func:`reference_markdown`."""
    start, end = readme.find(REFERENCE_START), readme.find(REFERENCE_END)
    if start < 0 or end < start:
        raise ValueError(f"the README has no {REFERENCE_START!r} ... {REFERENCE_END!r} block")
    head = readme[: start + len(REFERENCE_START)]
    return head + "\n\n" + reference_markdown() + "\n" + readme[end:]
