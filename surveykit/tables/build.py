"""The comparison tables of a survey as DataFrames, and the stage that writes them all.

Inputs shared by every table function:

- ``corpus``: the :class:`~surveykit.corpus.model.Corpus`;
- ``attributes``: the :class:`~surveykit.attributes.AttributeTable`;
- ``assignments``: index paper id; columns ``topic`` (int), ``topic_label``, ``section`` (int),
  ``section_label``, ``score`` (float);
- ``topics``: columns ``topic``, ``label``, ``section``, ``section_label``, ``size``,
  ``keywords`` (list of str), ``representatives`` (list of paper ids);
- ``keys``: paper id -> citation key.

Frames use ``✓`` for check marks and list their citation columns in ``df.attrs["cite_columns"]``
(see :mod:`surveykit.tables.export`).

``[tables]`` options in ``survey.toml`` (all optional)::

    [tables]
    formats = ["tex", "md", "csv", "html"]
    topic_columns = ["contribution", "agents", "training", "tools", "memory", "planning", "domain"]
    wide = "auto"              # auto | resize | landscape | none (LaTeX)
    min_topic_size = 1         # topics with fewer papers get no table of their own
    key_terms = 5              # key terms per topic in the overview
    representatives = 3        # citations per topic in the overview
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from surveykit import io
from surveykit.attributes.benchmarks import title_name
from surveykit.attributes.extract import BENCHMARK_ATTRIBUTE, JOIN, AttributeTable
from surveykit.bib.entries import short_label
from surveykit.bib.venues import citation_year
from surveykit.corpus.model import Corpus
from surveykit.tables.export import (
    CHECK,
    FORMATS,
    LATEX_PACKAGES,
    WIDE_MODES,
    capped_rows,
    styled,
    write_table,
)
from surveykit.textutil import year_span
from surveykit.topics.labels import OTHER_PAPERS

DEFAULT_TOPIC_COLUMNS = (
    "contribution",
    "agents",
    "training",
    "tools",
    "code_execution",
    "memory",
    "planning",
    "reflection",
    "domain",
    "modality",
    "code",
)
REF = "Ref"
OUTLIER_TOPIC = -1
RELATED_SURVEYS = "related_surveys"  # the table of the corpus's own surveys
THEME_TABLE = re.compile(r"topic_(\d+)")  # the name of the table of one theme's papers (topic_NN)


class TableError(ValueError):
    """Inputs the tables cannot use (missing columns, unknown attributes)."""


TITLE_HEAD_WORDS = 8  # a title's part before its colon names the paper up to this many words


def short_name(title: str, width: int | None = None) -> str:
    """A system name from the title prefix (``BLADE``), else the title's part before a colon when
    it is short ("Put Your Money Where Your Mouth Is"), else the whole title (it wraps in the
    table: never cut off); ``width`` shortens that at a word boundary."""
    name = title_name(title)
    if name:
        return name
    text = re.sub(r"\s+", " ", title or "").strip()
    head, colon, _ = text.partition(":")
    if colon and head.strip() and len(head.split()) <= TITLE_HEAD_WORDS:
        return head.strip()
    return text if width is None else textwrap.shorten(text, width=width, placeholder="\u2026")


def _check_frame(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise TableError(f"{what} lacks column(s) {', '.join(missing)}")


def _discriminative(attributes: AttributeTable, dropped: list[tuple[str, str]]) -> AttributeTable:
    """The table without the multi values that mark most of the corpus."""
    drop = {(a, v) for a, v in dropped if attributes.kind(a) == "multi"}
    if not drop:
        return attributes
    long = attributes.long
    mask = [(a, v) not in drop for a, v in zip(long["attribute"], long["value"], strict=True)]
    return AttributeTable(long[mask].reset_index(drop=True), attributes.paper_ids, attributes.attributes)


def _with_cites(frame: pd.DataFrame, columns: list[str], corpus: Corpus | None = None,
                keys: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Mark the citation columns; with the corpus, also the longest word a citation of theirs prints
    (``cite_word``): natbib cites a paper without authors by its (shortened) title, whose longest
    word the column must fit."""
    frame.attrs["cite_columns"] = columns
    if corpus is not None and keys:
        by_key = {key: pid for pid, key in keys.items()}
        longest = 0
        for column in columns:
            for cell in frame.get(column, ()):
                for key in str(cell or "").split(","):
                    pid = by_key.get(key.strip())
                    if pid in corpus and not corpus[pid].authors:
                        longest = max([longest, *(len(w) for w in short_label(corpus[pid].title).split())])
        if longest:
            frame.attrs["cite_word"] = longest
    return frame


def topic_attribute_table(
    corpus: Corpus,
    attributes: AttributeTable,
    assignments: pd.DataFrame,
    topics: pd.DataFrame | None,
    keys: Mapping[str, str],
    topic: int,
    columns: list[str] | tuple[str, ...] | None = None,
    merge_flags: bool | None = None,
    prepared: tuple[list[str], pd.DataFrame, dict[str, str]] | None = None,
) -> pd.DataFrame:
    """Papers of one topic x attributes: ``Paper``, ``Ref`` (cite key), ``Year``, one column per
    attribute (header: its label). Rows by year, then name. ``merge_flags`` (default: when the
    columns are the defaults) names the flags a paper has in one ``Components`` column.
    ``frame.attrs["priority"]`` lists the row positions from the most central paper (topic score)
    down, for a capped printed table. ``prepared``: :func:`_topic_table_inputs`, computed once for
    all topics (it reads the whole attribute table)."""
    if merge_flags is None:
        merge_flags = columns is None
    _check_frame(assignments, ["topic"], "assignments")
    default_columns = columns is None
    columns, wide, labels = prepared or _topic_table_inputs(attributes, columns)
    members = [pid for pid in assignments.index[assignments["topic"] == topic] if pid in corpus]
    # the topic's rows of the wide frame, read column by column (not one lookup per cell)
    known = [pid for pid in members if pid in wide.index]
    cells = {attribute: dict(zip(known, wide.loc[known, attribute].tolist(), strict=True))
             for attribute in columns}
    kinds = {attribute: attributes.kind(attribute) for attribute in columns}
    rows = []
    for paper_id in members:
        paper = corpus[paper_id]
        row = {
            "Paper": short_name(paper.title),
            REF: keys.get(paper_id, ""),
            "Year": cited_year(paper),
        }
        for attribute in columns:
            value = cells[attribute].get(paper_id, "")
            row[labels[attribute]] = "" if not value else CHECK if kinds[attribute] in ("flag", "url") \
                else value
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["Paper", REF, "Year"] + [labels[c] for c in columns])
    frame["_member"] = range(len(frame))
    frame = frame.sort_values(["Year", "Paper"], kind="stable").reset_index(drop=True)
    position = {m: i for i, m in enumerate(frame.pop("_member"))}
    if "score" in assignments.columns and members:
        scores = assignments.loc[members, "score"].astype(float).fillna(float("-inf")).tolist()
        ranked = sorted(range(len(members)), key=lambda m: (-scores[m], m))
    else:
        ranked = list(range(len(members)))
    if merge_flags:
        frame = _merge_flags(frame, [labels[c] for c in columns if attributes.kind(c) == "flag"])
    if default_columns:  # a column no paper of the topic fills says nothing and costs width
        empty = [c for c in frame.columns[2:] if not any(str(v).strip() for v in frame[c])]
        frame = frame.drop(columns=empty)
    frame = _with_cites(frame, [REF], corpus, keys)
    frame.attrs["priority"] = [position[m] for m in ranked]
    return frame


def _topic_table_inputs(
    attributes: AttributeTable, columns: list[str] | tuple[str, ...] | None
) -> tuple[list[str], pd.DataFrame, dict[str, str]]:
    """The columns, the wide attribute frame and the labels shared by every per-topic table."""
    dropped = attributes.non_discriminative()
    if columns is None:
        flags = {a for a, v in dropped if attributes.kind(a) == "flag"}
        columns = [c for c in DEFAULT_TOPIC_COLUMNS if c in attributes.names and c not in flags]
    columns = list(columns)
    unknown = [c for c in columns if c not in attributes.names]
    if unknown:
        raise TableError(
            f"unknown attribute column(s) {', '.join(unknown)}; known: {', '.join(attributes.names)}"
        )
    wide = _discriminative(attributes, dropped).wide(labels=True)
    wide = wide.rename(columns={v: k for k, v in attributes.labels().items()})
    return columns, wide, attributes.labels()


COMPONENTS = "Components"
# Rows of a printed (LaTeX/Markdown) table; the CSV and HTML keep every row. A long table would
# overflow a page (and TeX's memory: "TeX capacity exceeded" at ~750 rows). 0: no cap.
MAX_ROWS = 8
# A survey of at most this many papers prints its tables whole (a theme of a small survey is a page
# at most); above it, ``max_rows`` caps them.
CAPS_ABOVE = 200


def _merge_flags(frame: pd.DataFrame, flags: list[str]) -> pd.DataFrame:
    """One ``Components`` column naming the flags a paper has (``Tools, Memory``) instead of one
    check column per flag: the table stays narrow enough to print at a readable size."""
    if len(flags) < 2:
        return frame
    position = list(frame.columns).index(flags[0])
    merged = [", ".join(f for f, on in zip(flags, values, strict=True) if on)
              for values in zip(*(frame[f].tolist() for f in flags), strict=True)]
    frame = frame.drop(columns=flags)
    frame.insert(position, COMPONENTS, merged)
    return frame


def topic_attribute_tables(
    corpus: Corpus,
    attributes: AttributeTable,
    assignments: pd.DataFrame,
    topics: pd.DataFrame,
    keys: Mapping[str, str],
    columns: list[str] | tuple[str, ...] | None = None,
    min_size: int = 1,
) -> dict[int, pd.DataFrame]:
    """One :func:`topic_attribute_table` per topic of ``topics`` (outliers, topic -1, excluded)."""
    _check_frame(topics, ["topic"], "topics")
    tables = {}
    prepared = _topic_table_inputs(attributes, columns)
    merge_flags = columns is None
    for topic in sorted(int(t) for t in topics["topic"]):
        if topic == OUTLIER_TOPIC:
            continue
        frame = topic_attribute_table(corpus, attributes, assignments, topics, keys, topic, columns,
                                      merge_flags, prepared)
        if len(frame) >= min_size:
            tables[topic] = frame
    return tables


def overview_table(
    corpus: Corpus,
    attributes: AttributeTable | None,
    assignments: pd.DataFrame | None,
    topics: pd.DataFrame,
    keys: Mapping[str, str],
    n_terms: int = 5,
    n_cites: int = 3,
) -> pd.DataFrame:
    """One row per topic: ``Section`` (when sections group themes), ``Topic``, ``Papers``,
    ``Years`` (the span of its papers' years, when ``assignments`` place papers with a year),
    ``Key terms``, ``Representative`` (cite keys). Ordered by section, then topic."""
    _check_frame(topics, ["topic", "label", "size", "keywords", "representatives"], "topics")
    spans = _year_spans(corpus, assignments)
    has_sections = (
        "section_label" in topics.columns
        and topics["section_label"].fillna("").astype(str).str.len().gt(0).any()
        # a flat outline (each section one theme of the same name) has no Section column
        and not (topics["section_label"].astype(str) == topics["label"].astype(str)).all()
    )
    order = topics.assign(_section=topics["section"] if "section" in topics.columns else 0)
    order = order.sort_values(["_section", "topic"], kind="stable")
    rows = []
    for _, topic in order.iterrows():
        if int(topic["topic"]) == OUTLIER_TOPIC:
            continue
        reps = [keys[p] for p in list(topic["representatives"] or []) if p in keys][:n_cites]
        row = {}
        if has_sections:
            row["Section"] = str(topic.get("section_label") or "")
        row.update(
            {
                "Topic": str(topic["label"]),
                "Papers": str(int(topic["size"])),
                "Years": spans.get(int(topic["topic"]), ""),
                "Key terms": ", ".join(list(topic["keywords"] or [])[:n_terms]),
                "Representative": ",".join(reps),
            }
        )
        rows.append(row)
    columns = ((["Section"] if has_sections else []) + ["Topic", "Papers"] + (["Years"] if spans else [])
               + ["Key terms", "Representative"])
    return _with_cites(pd.DataFrame(rows, columns=columns), ["Representative"], corpus, keys)


def _year_spans(corpus: Corpus, assignments: pd.DataFrame | None) -> dict[int, str]:
    """topic -> "2023–2025" (or "2024"): the years its papers appeared; empty without years."""
    if assignments is None or "topic" not in assignments.columns:
        return {}
    years: dict[int, list[int]] = {}
    for paper_id, topic in zip(assignments.index, assignments["topic"], strict=True):
        if paper_id in corpus and corpus[paper_id].year:
            years.setdefault(int(topic), []).append(int(corpus[paper_id].year))
    return {topic: year_span(ys, "\u2013") for topic, ys in years.items()}


def cited_year(paper: Any) -> str:
    """The Year cell of a row that cites the paper: the year its reference gives
    (:func:`~surveykit.bib.venues.citation_year`: ``ICLR 2024`` for a paper on arXiv since 2023),
    so the row never reads "Wang et al. (2024) ... 2023"; empty when unknown."""
    year = citation_year(paper)
    return "" if year is None else str(year)


def related_surveys_table(corpus: Corpus, related: Sequence[str], keys: Mapping[str, str],
                          width: int | None = None) -> pd.DataFrame:
    """The "Related surveys" group: one row per survey or review (``Ref``, ``Survey``, ``Year``),
    newest first, then by title."""
    rows = []
    for paper_id in related:
        if paper_id not in corpus:
            continue
        paper = corpus[paper_id]
        title = " ".join((paper.title or "").split())
        if width is not None:
            title = textwrap.shorten(title, width=width, placeholder="\u2026")
        rows.append({REF: keys.get(paper_id, ""), "Survey": title, "Year": cited_year(paper)})
    frame = pd.DataFrame(rows, columns=[REF, "Survey", "Year"])
    frame = frame.sort_values(["Year", "Survey"], ascending=[False, True], kind="stable")
    if not any(frame["Year"]):  # no year known: the column says nothing
        frame = frame.drop(columns=["Year"])
    return _with_cites(frame.reset_index(drop=True), [REF], corpus, keys)


_KINDS = (
    ("Benchmark", r"\b(benchmark|suite)"),
    ("Dataset", r"\bdataset"),
    ("Environment", r"\b(environment|arena|simulat)"),
)


def _resource_kind(matched: str, evidence: str, role: str) -> str:
    """What the name is: the words of the matched phrase decide, else those of its sentence."""
    if role == "studied":
        return "Studied"
    for text in (matched.lower(), evidence.lower()):
        for kind, pattern in _KINDS:
            if re.search(pattern, text):
                return kind
    return "Benchmark"


def benchmark_table(
    corpus: Corpus,
    attributes: AttributeTable,
    assignments: pd.DataFrame | None = None,
    topics: pd.DataFrame | None = None,
    keys: Mapping[str, str] | None = None,
    size_attribute: str = "size",
    domain_attribute: str = "domain",
    code_attribute: str = "code",
    type_attribute: str = "contribution",
    benchmark_value: str = "benchmark",
) -> pd.DataFrame:
    """Benchmarks and datasets of the corpus: ``Name``, ``Ref``, ``Year``, ``Kind`` (Benchmark,
    Dataset, Environment, or Studied for an empirical study centred on a named benchmark), ``Size``
    (the numbers the abstract states), ``Domain``, ``Code`` (✓) and ``Code URL`` (not in LaTeX).

    Rows: every paper with a detected benchmark/dataset name, and every paper whose contribution
    type is ``benchmark`` even without one (named by its title). Ordered by year, then name.
    """
    keys = keys or {}
    long = attributes.long
    names = long[long["attribute"] == BENCHMARK_ATTRIBUTE].drop_duplicates("paper_id").set_index("paper_id")
    typed = set()
    if type_attribute in attributes.names:
        sub = long[(long["attribute"] == type_attribute) & (long["value"] == benchmark_value)]
        typed = set(sub["paper_id"])
    wide = attributes.wide(labels=True).rename(columns={v: k for k, v in attributes.labels().items()})
    raw = attributes.wide()
    named = names[["value", "matched", "evidence", "method"]].to_dict("index")
    column = {  # paper id -> cell, one dict per column read (not one frame lookup per cell)
        "code": raw[code_attribute].to_dict() if code_attribute in raw.columns else {},
        "size": raw[size_attribute].to_dict() if size_attribute in raw.columns else {},
        "domain": wide[domain_attribute].to_dict() if domain_attribute in wide.columns else {},
    }
    rows = []
    for paper_id in attributes.paper_ids:
        if paper_id not in corpus or (paper_id not in named and paper_id not in typed):
            continue
        paper = corpus[paper_id]
        if paper_id in named:
            found = named[paper_id]
            name = found["value"]
            kind = _resource_kind(found["matched"], found["evidence"], found["method"])
        else:
            name, kind = short_name(paper.title), "Benchmark"
        code = column["code"].get(paper_id, "")
        urls = [u for u in code.split(JOIN) if u.startswith("http")] if code else []
        rows.append(
            {
                "Name": name,
                REF: keys.get(paper_id, ""),
                "Year": cited_year(paper),
                "Kind": kind,
                "Size": column["size"].get(paper_id, ""),
                "Domain": column["domain"].get(paper_id, ""),
                "Code": CHECK if code else "",
                "Code URL": urls[0] if urls else "",
            }
        )
    frame = pd.DataFrame(rows, columns=["Name", REF, "Year", "Kind", "Size", "Domain", "Code", "Code URL"])
    frame = frame.sort_values(["Year", "Name"], kind="stable").reset_index(drop=True)
    return _with_cites(frame, [REF], corpus, keys)


# --- stage --------------------------------------------------------------------------------------


def _options(config: Any) -> dict[str, Any]:
    section = config.section("tables") if config is not None else {}
    where = f"{getattr(config, 'path', None) or '<config>'}: [tables]"
    formats = section.get("formats", list(FORMATS))
    if not isinstance(formats, list) or not set(formats) <= set(FORMATS):
        raise TableError(f"{where}: 'formats' must be a list from {', '.join(FORMATS)}")
    wide = section.get("wide", "auto")
    if wide not in WIDE_MODES:
        raise TableError(f"{where}: 'wide' must be one of {', '.join(WIDE_MODES)}")
    columns = section.get("topic_columns")
    if columns is not None and (
        not isinstance(columns, list) or not all(isinstance(c, str) for c in columns)
    ):
        raise TableError(f"{where}: 'topic_columns' must be a list of attribute names")
    ints = {}
    for key, default in (("min_topic_size", 1), ("key_terms", 5), ("representatives", 3),
                         ("max_rows", MAX_ROWS)):
        value = section.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise TableError(f"{where}: {key!r} must be a non-negative integer")
        ints[key] = value
    return {"formats": tuple(formats), "wide": wide, "topic_columns": columns, **ints}


def table_caption(name: str, topics: pd.DataFrame | None = None) -> str:
    if name == "overview":
        return "Overview of the topics: number of papers, key terms and representative work."
    if name == "benchmarks":
        return "Benchmarks and datasets, with the sizes their abstracts state."
    if name == RELATED_SURVEYS:
        return "Related surveys and reviews of the field."
    match = THEME_TABLE.fullmatch(name)
    if match and topics is not None:
        row = topics[topics["topic"] == int(match.group(1))]
        if len(row):
            label = row.iloc[0]["label"]
            return (f"{label} and their properties." if label == OTHER_PAPERS
                    else f"Papers on {label} and their properties.")
    return name.replace("_", " ").capitalize() + "."


def show_table(
    df: pd.DataFrame,
    name: str,
    config: Any = None,
    caption: str | None = None,
    folder: str | Path | None = None,
    topics: pd.DataFrame | None = None,
    n_papers: int | None = None,
):
    """Write ``df`` in every configured format under ``config.paths.tables`` (or ``folder``) and
    return a styled view for the notebook. ``n_papers``: the corpus size; above
    :data:`CAPS_ABOVE` the printed tables and the view keep ``[tables] max_rows`` rows, as
    :func:`build_tables` writes them (every row stays in the CSV)."""
    options = _options(config)
    folder = Path(folder) if folder is not None else Path(config.paths.tables)
    caption = caption if caption is not None else table_caption(name, topics)
    max_rows = (options["max_rows"] or None) if (n_papers or 0) > CAPS_ABOVE else None
    write_table(
        df,
        folder,
        name,
        caption=caption,
        formats=options["formats"],
        wide=options["wide"],
        latex_drop=("Code URL",),
        max_rows=max_rows,
    )
    return styled(capped_rows(df, max_rows)[0], caption=caption)


def build_tables(
    config: Any,
    corpus: Corpus,
    attributes: AttributeTable,
    assignments: pd.DataFrame,
    topics: pd.DataFrame,
    keys: Mapping[str, str],
    related: Sequence[str] = (),
) -> dict[str, pd.DataFrame]:
    """Stage function: compute every table and write each in every format under
    ``config.paths.tables``; also ``all_tables.tex`` that ``\\input``s the LaTeX fragments.
    ``related``: paper ids of the "Related surveys" group (``TopicResult.related``)."""
    options = _options(config)
    folder = Path(config.paths.tables)
    tables: dict[str, pd.DataFrame] = {
        "overview": overview_table(
            corpus, attributes, assignments, topics, keys, options["key_terms"], options["representatives"]
        ),
        "benchmarks": benchmark_table(corpus, attributes, assignments, topics, keys),
    }
    if related:
        tables[RELATED_SURVEYS] = related_surveys_table(corpus, related, keys)
    per_topic = topic_attribute_tables(
        corpus, attributes, assignments, topics, keys, options["topic_columns"], options["min_topic_size"]
    )
    for topic, frame in per_topic.items():
        tables[f"topic_{topic:02d}"] = frame
    inputs = []
    for name, frame in tables.items():
        write_table(
            frame,
            folder,
            name,
            caption=table_caption(name, topics),
            formats=options["formats"],
            wide=options["wide"],
            latex_drop=("Code URL",),
            max_rows=(options["max_rows"] or None) if len(corpus) > CAPS_ABOVE else None,
        )
        inputs.append(rf"\input{{\surveykittables {name}.tex}}")
    if "tex" in options["formats"]:
        header = (
            "% Generated by surveykit: every table. Needs \\usepackage{" + ",".join(LATEX_PACKAGES) + "}.\n"
            "% Define \\surveykittables as the path of this folder (default: tables/) before \\input.\n"
            "\\providecommand{\\surveykittables}{tables/}\n"
        )
        io.write_text(folder / "all_tables.tex", header + "\n".join(inputs) + "\n")
    return tables
