"""The attribute schema: which properties are extracted and how. The schema is data (TOML).

Defaults live in ``surveykit/data/attributes.toml``; a survey changes them in the ``[attributes]``
section of ``survey.toml``. Both use the same format, one table per attribute, in table-column order::

    [memory]                          # attribute name: lower case, digits, underscores
    label = "Memory"                  # column header in the tables (default: the name)
    description = "Memory module..."  # free text, shown in documentation and reports
    kind = "flag"                     # category | multi | flag | number | url
    patterns = ['memory', 'memori[sz]\\w*']   # flag / url: what sets it
    negative = ['memory (footprint|usage)']   # cancels any positive match it overlaps
    title = true                      # also read the title (default true)
    field = "agent"                   # only for a corpus about this noun (see below)

    [domain]
    kind = "multi"                    # category: one value; multi: every value that matches
    [domain.values.web]               # one table per value, in priority order (first = highest)
    label = "Web"
    patterns = ['web', 'browser']
    negative = ['web[- ]scale']
    title_patterns = []               # matched against the title only
    zero_shot = "A web agent that browses websites."   # text for the zero-shot match
    unless = ["gui"]                  # multi: drop this value when one of these is found

Kind-specific keys:

- ``category``: one value per paper. Values matched in the title win; among those (or, failing
  that, among values matched in the abstract) the highest ``priority`` wins (default: earlier in
  the file is higher). ``zero_shot_mode = "fallback"`` decides papers that no pattern decides by
  embedding similarity (see below).
  ``paper_type = { system = "method" }`` makes the attribute the paper's type from
  :mod:`surveykit.roles.paper_type` (the detector behind the "Related surveys" group, with its
  evidence; method ``paper-type``): each detected type names the value of the same name, or the
  value this table maps it to; a type with no value falls back to the patterns.
- ``multi``: every matching value. ``flag``: the single value ``yes``; its ``patterns``,
  ``negative``, ``title_patterns`` and ``zero_shot`` sit on the attribute itself.
- ``number``: numbers stated with a unit (``"13 tasks"``, ``"nine proprietary LMM APIs"`` ->
  ``"9 proprietary LMM APIs"``). ``units`` lists regexes for the unit nouns, ``max_modifiers``
  (default 4) how many words may sit between number and unit; ``negative`` drops phrases.
- ``url``: links. ``fields`` names metadata fields read first (``code_url``; evidence
  ``metadata:code_url``), then every URL in the abstract whose sentence matches ``patterns``
  (default: any URL); a sentence matching ``statement_patterns`` without a URL (``we will
  open-source our code``) gives the value ``stated``.

``field``: the noun of the field the attribute describes (the default schema's agent components,
organisation and tool use: ``"agent"``). It is extracted only for a corpus about that field: at
least :data:`FIELD_SHARE` of the papers use the noun (any form: "agent", "agents", "multi-agent")
in their title or abstract; otherwise it is left out and the attribute table says so
(``AttributeTable.left_out``), so a conference's NLP papers are not counted by "memory module"
or "multi-agent organisation". ``field = ""`` in ``survey.toml`` keeps an attribute everywhere.

Pattern rules: Python regular expressions, matched per sentence. A pattern matches whole words
(it is wrapped in ``(?<!\\w)...(?!\\w)``; write ``plan\\w*`` for a prefix). Case is ignored unless
the pattern has no lower-case letter (an acronym such as ``RL``, ``SFT``, ``GUI`` is matched
exactly); ``(?-i:...)`` makes any part case-sensitive. A negative pattern removes each positive
match it overlaps in the same sentence, so ``without fine-tuning`` cancels ``fine-tuning`` there
but not a later ``we fine-tune`` in the same sentence.

Zero-shot (``zero_shot_mode`` = ``off`` (default) | ``fallback`` | ``always``,
``zero_shot_threshold`` default 0.3): each value's ``zero_shot`` text and each sentence of the
paper are embedded (the embedding model of the topic stage); a value's score is its best cosine
similarity over the paper's sentences, and the evidence is that sentence. ``fallback`` is used
only when the patterns give nothing; ``always`` adds values whose score reaches the threshold.
A category attribute takes the best-scoring value; its evidence records method ``zero-shot`` and
the score, so the author sees it is a similarity judgement.

``[attributes]`` in ``survey.toml`` (keys other than these name attributes)::

    [attributes]
    defaults = true          # false: start from an empty schema instead of the defaults
    file = "attrs.toml"      # optional: more attributes in the format above (relative to config)
    remove = ["modality"]    # drop attributes by name
    benchmark_triggers = ["contribution=benchmark", "new_benchmark"]  # papers named in the
                             # benchmark table (see surveykit.attributes.benchmarks)
    [attributes.memory]      # an existing attribute: the keys given replace the default's;
    negative = ['GPU memory']          # ``more_patterns``/``more_negative`` extend the lists
    [attributes.memory.values.yes]     # a value table updates that value (same keys)
    [attributes.robotics]    # a new attribute
    kind = "flag"
    patterns = ['robot\\w*']

A value can be dropped with ``remove_values = ["finance"]`` inside the attribute's table.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

KINDS = ("category", "multi", "flag", "number", "url")
ZERO_SHOT_MODES = ("off", "fallback", "always")
FLAG_VALUE = "yes"
STATED_VALUE = "stated"
DEFAULT_FILE = "attributes.toml"
DEFAULT_BENCHMARK_TRIGGERS = ("contribution=benchmark", "new_benchmark")
FIELD_SHARE = 0.5  # a corpus is about a field when this share of its papers use the field's noun

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CONFIG_KEYS = {"defaults", "file", "remove", "benchmark_triggers"}
_ATTRIBUTE_KEYS = {
    "label",
    "description",
    "kind",
    "values",
    "patterns",
    "negative",
    "title_patterns",
    "zero_shot",
    "zero_shot_mode",
    "zero_shot_threshold",
    "title",
    "units",
    "max_modifiers",
    "fields",
    "statement_patterns",
    "paper_type",
    "field",
    "more_patterns",
    "more_negative",
    "remove_values",
}
_VALUE_KEYS = {
    "label",
    "description",
    "patterns",
    "negative",
    "title_patterns",
    "zero_shot",
    "priority",
    "more_patterns",
    "more_negative",
    "unless",
}
# Regex escapes whose letters are not literal text (for the acronym rule).
_ESCAPES = re.compile(r"\\[a-zA-Z]|\(\?[a-zA-Z-]+[:)]|\[\^?|\{\d*,?\d*\}|\(\?<?[=!]")


class SchemaError(ValueError):
    """An attribute schema that cannot be used; the message names the file and the attribute."""


def compile_pattern(pattern: str, where: str) -> re.Pattern[str]:
    """Compile one schema pattern with whole-word boundaries and the acronym case rule."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise SchemaError(f"{where}: a pattern must be a non-empty string, got {pattern!r}")
    letters = _ESCAPES.sub("", pattern)
    case_sensitive = not any(c.islower() for c in letters) and any(c.isupper() for c in letters)
    flags = 0 if case_sensitive else re.IGNORECASE
    try:
        return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", flags)
    except re.error as exc:
        raise SchemaError(f"{where}: pattern {pattern!r} is not a valid regex ({exc})") from exc


@dataclass
class ValueSpec:
    """One value of an attribute with the patterns that set it."""

    name: str
    label: str
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    negative: list[re.Pattern[str]] = field(default_factory=list)
    title_patterns: list[re.Pattern[str]] = field(default_factory=list)
    zero_shot: str | None = None
    priority: int = 0
    description: str = ""
    unless: list[str] = field(default_factory=list)


@dataclass
class AttributeSpec:
    """One attribute (a table column): its kind, values and matching options."""

    name: str
    label: str
    kind: str
    description: str = ""
    values: list[ValueSpec] = field(default_factory=list)
    negative: list[re.Pattern[str]] = field(default_factory=list)
    title: bool = True
    zero_shot_mode: str = "off"
    zero_shot_threshold: float = 0.3
    units: list[str] = field(default_factory=list)
    max_modifiers: int = 4
    fields: list[str] = field(default_factory=list)
    statement_patterns: list[re.Pattern[str]] = field(default_factory=list)
    paper_type: dict[str, str] | None = None  # detected paper type -> value (see module docstring)
    field_noun: str | None = None  # ``field``: extracted only for a corpus about this noun

    def value(self, name: str) -> ValueSpec:
        for value in self.values:
            if value.name == name:
                return value
        raise KeyError(f"attribute {self.name!r} has no value {name!r}")

    def value_label(self, name: str) -> str:
        """Display label of a value (the value itself for numbers and URLs, ``✓`` for flags)."""
        if self.kind in ("category", "multi", "flag"):
            for value in self.values:
                if value.name == name:
                    return value.label
        return name


@dataclass
class Schema:
    """An ordered set of attributes plus which papers count as benchmark/dataset papers."""

    attributes: list[AttributeSpec]
    benchmark_triggers: tuple[str, ...] = DEFAULT_BENCHMARK_TRIGGERS
    source: str = "<schema>"

    def __iter__(self):
        return iter(self.attributes)

    def __len__(self) -> int:
        return len(self.attributes)

    def __contains__(self, name: object) -> bool:
        return any(a.name == name for a in self.attributes)

    def __getitem__(self, name: str) -> AttributeSpec:
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        raise KeyError(f"no attribute {name!r} in the schema ({self.source})")

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.attributes]

    def for_texts(self, texts: Sequence[str]) -> tuple[Schema, list[tuple[str, str]]]:
        """The attributes that apply to a corpus of these texts (title + abstract per paper) and
        the ones left out, each with the reason: an attribute with a ``field`` applies when at
        least :data:`FIELD_SHARE` of the texts use the field's noun (module docstring)."""
        shares: dict[str, float] = {}
        kept, left_out = [], []
        for spec in self.attributes:
            noun = spec.field_noun
            if noun is None:
                kept.append(spec)
                continue
            if noun not in shares:
                shares[noun] = field_share(texts, noun)
            if shares[noun] >= FIELD_SHARE:
                kept.append(spec)
            else:
                left_out.append((spec.name, f"describes {noun} papers; {shares[noun]:.0%} of the "
                                            f"corpus's papers use the word (needs {FIELD_SHARE:.0%})"))
        return Schema(kept, self.benchmark_triggers, self.source), left_out


def field_share(texts: Sequence[str], noun: str) -> float:
    """Share of the texts that use ``noun`` in any form: the word, its plural, or a hyphenated
    word ending in it ("multi-agent"); 0 for no texts."""
    if not texts:
        return 0.0
    word = re.compile(rf"(?<![\w-])(?:[a-z]+-)?{re.escape(noun.lower())}(?:s|es)?(?!\w)", re.IGNORECASE)
    return sum(1 for text in texts if word.search(text)) / len(texts)


# --- raw TOML -> specs ------------------------------------------------------------------------


def _list_of_str(raw: dict[str, Any], key: str, where: str) -> list[str]:
    value = raw.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SchemaError(f"{where}: {key!r} must be a list of strings, got {value!r}")
    return list(value)


def _patterns(raw: dict[str, Any], key: str, where: str) -> list[re.Pattern[str]]:
    return [compile_pattern(p, f"{where}, {key}") for p in _list_of_str(raw, key, where)]


def _check_keys(raw: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise SchemaError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(allowed))}"
        )


def _value_spec(name: str, raw: Any, rank: int, count: int, where: str) -> ValueSpec:
    here = f"{where}, value {name!r}"
    if not isinstance(raw, dict):
        raise SchemaError(f"{here}: expected a table, got {type(raw).__name__}")
    _check_keys(raw, _VALUE_KEYS, here)
    zero_shot = raw.get("zero_shot")
    if zero_shot is not None and not isinstance(zero_shot, str):
        raise SchemaError(f"{here}: 'zero_shot' must be a string")
    priority = raw.get("priority", count - rank)
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise SchemaError(f"{here}: 'priority' must be an integer, got {priority!r}")
    return ValueSpec(
        name=name,
        label=str(raw.get("label", name)),
        patterns=_patterns(raw, "patterns", here),
        negative=_patterns(raw, "negative", here),
        title_patterns=_patterns(raw, "title_patterns", here),
        zero_shot=zero_shot,
        priority=priority,
        description=str(raw.get("description", "")),
        unless=_list_of_str(raw, "unless", here),
    )


def attribute_from_dict(name: str, raw: Any, source: str = "<schema>") -> AttributeSpec:
    """Validate one attribute table and compile its patterns."""
    where = f"{source}: attribute {name!r}"
    if not _NAME.match(name):
        raise SchemaError(f"{where}: names are lower case letters, digits and underscores")
    if not isinstance(raw, dict):
        raise SchemaError(f"{where}: expected a table, got {type(raw).__name__}")
    raw = _apply_extensions(dict(raw))
    _check_keys(raw, _ATTRIBUTE_KEYS - {"more_patterns", "more_negative", "remove_values"}, where)
    kind = raw.get("kind")
    if kind not in KINDS:
        raise SchemaError(f"{where}: 'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
    mode = raw.get("zero_shot_mode", "off")
    if mode not in ZERO_SHOT_MODES:
        raise SchemaError(f"{where}: 'zero_shot_mode' must be one of {', '.join(ZERO_SHOT_MODES)}")
    threshold = raw.get("zero_shot_threshold", 0.3)
    if not isinstance(threshold, int | float) or isinstance(threshold, bool) or not -1 <= threshold <= 1:
        raise SchemaError(f"{where}: 'zero_shot_threshold' must be a number in [-1, 1]")
    max_modifiers = raw.get("max_modifiers", 4)
    if not isinstance(max_modifiers, int) or not 0 <= max_modifiers <= 8:
        raise SchemaError(f"{where}: 'max_modifiers' must be an integer from 0 to 8")
    spec = AttributeSpec(
        name=name,
        label=str(raw.get("label", name)),
        kind=kind,
        description=str(raw.get("description", "")),
        title=bool(raw.get("title", True)),
        zero_shot_mode=mode,
        zero_shot_threshold=float(threshold),
        max_modifiers=max_modifiers,
    )
    values = raw.get("values", {})
    if not isinstance(values, dict):
        raise SchemaError(f"{where}: 'values' must be a table of value tables")
    if kind in ("category", "multi"):
        if not values:
            raise SchemaError(f"{where}: a {kind} attribute needs at least one value table")
        if "patterns" in raw or "title_patterns" in raw or "zero_shot" in raw:
            raise SchemaError(f"{where}: a {kind} attribute keeps its patterns in its value tables")
        spec.values = [_value_spec(v, r, i, len(values), where) for i, (v, r) in enumerate(values.items())]
        spec.negative = _patterns(raw, "negative", where)
        names = {v.name for v in spec.values}
        for value in spec.values:
            unknown = sorted(set(value.unless) - names)
            if unknown:
                raise SchemaError(f"{where}, value {value.name!r}: 'unless' names unknown value(s) {unknown}")
    elif values:
        raise SchemaError(f"{where}: only category and multi attributes have value tables")
    if "paper_type" in raw:
        spec.paper_type = _paper_type_map(raw["paper_type"], spec, where)
    if "field" in raw:
        noun = raw["field"]
        if not isinstance(noun, str) or not re.fullmatch(r"[A-Za-z][A-Za-z-]*|", noun):
            raise SchemaError(f"{where}: 'field' must be one word (the field's noun) or \"\", got {noun!r}")
        spec.field_noun = noun.lower() or None
    if kind == "flag":
        flag_raw = {k: raw[k] for k in ("patterns", "negative", "title_patterns", "zero_shot") if k in raw}
        spec.values = [_value_spec(FLAG_VALUE, flag_raw, 0, 1, where)]
        spec.values[0].label = "\u2713"
        if not spec.values[0].patterns and not spec.values[0].title_patterns and mode == "off":
            raise SchemaError(f"{where}: a flag needs 'patterns' (or a zero-shot mode)")
    if kind == "number":
        spec.units = _list_of_str(raw, "units", where)
        if not spec.units:
            raise SchemaError(f"{where}: a number attribute needs 'units' (regexes of unit nouns)")
        for unit in spec.units:
            compile_pattern(unit, f"{where}, units")
        spec.negative = _patterns(raw, "negative", where)
    if kind == "url":
        spec.fields = _list_of_str(raw, "fields", where)
        spec.values = [
            _value_spec("url", {k: raw[k] for k in ("patterns", "negative") if k in raw}, 0, 1, where)
        ]
        spec.statement_patterns = _patterns(raw, "statement_patterns", where)
    if kind in ("number", "url") and mode != "off":
        raise SchemaError(f"{where}: zero-shot works for category, multi and flag attributes")
    if mode != "off":
        missing = [v.name for v in spec.values if not v.zero_shot]
        if missing:
            raise SchemaError(f"{where}: zero_shot_mode {mode!r} needs a 'zero_shot' text for {missing}")
    return spec


def _paper_type_map(raw: Any, spec: AttributeSpec, where: str) -> dict[str, str]:
    """``paper_type``: a table of detected type -> value name, every value one of ``spec``'s;
    types not named map to the value of the same name (when there is one)."""
    from surveykit.roles.paper_type import PAPER_TYPES

    if spec.kind != "category":
        raise SchemaError(f"{where}: 'paper_type' works for category attributes")
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise SchemaError(f"{where}: 'paper_type' must be a table of type = value name")
    names = {v.name for v in spec.values}
    unknown_types = sorted(set(raw) - set(PAPER_TYPES))
    if unknown_types:
        raise SchemaError(f"{where}: 'paper_type' names unknown type(s) {unknown_types} "
                          f"(types: {', '.join(PAPER_TYPES)})")
    unknown_values = sorted(set(raw.values()) - names)
    if unknown_values:
        raise SchemaError(f"{where}: 'paper_type' maps to unknown value(s) {unknown_values}")
    mapping = {t: t for t in PAPER_TYPES if t in names}
    mapping.update(raw)
    return mapping


def _apply_extensions(raw: dict[str, Any]) -> dict[str, Any]:
    """Fold ``more_patterns``/``more_negative``/``remove_values`` into the plain keys."""
    for more, key in (("more_patterns", "patterns"), ("more_negative", "negative")):
        if more in raw:
            extra = raw.pop(more)
            extra = [extra] if isinstance(extra, str) else list(extra)
            base = raw.get(key, [])
            raw[key] = ([base] if isinstance(base, str) else list(base)) + extra
    if "remove_values" in raw:
        drop = set(raw.pop("remove_values"))
        raw["values"] = {k: v for k, v in dict(raw.get("values", {})).items() if k not in drop}
    if isinstance(raw.get("values"), dict):
        values = {}
        for name, value in raw["values"].items():
            values[name] = _apply_extensions(dict(value)) if isinstance(value, dict) else value
        raw["values"] = values
    return raw


def schema_from_dict(data: dict[str, Any], source: str = "<schema>") -> Schema:
    """A schema from a parsed attributes file (one table per attribute)."""
    if not isinstance(data, dict):
        raise SchemaError(f"{source}: expected a table of attribute tables")
    attributes = [attribute_from_dict(name, raw, source) for name, raw in data.items()]
    return Schema(attributes, source=source)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SchemaError(f"{path}: attribute file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError(f"{path}: not valid TOML ({exc})") from exc


def default_schema_path() -> Path:
    return Path(str(resources.files("surveykit") / "data" / DEFAULT_FILE))


def default_schema_data() -> dict[str, Any]:
    """The raw default attribute tables (a fresh copy)."""
    return _read_toml(default_schema_path())


def load_schema(path: str | Path | None = None) -> Schema:
    """The schema in ``path`` (default: the bundled defaults for LLM-agent surveys)."""
    path = Path(path) if path else default_schema_path()
    return schema_from_dict(_read_toml(path), str(path))


def _merge_attribute(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in update.items():
        if key == "values" and isinstance(value, dict):
            values = dict(merged.get("values", {}))
            for vname, vraw in value.items():
                if isinstance(vraw, dict) and isinstance(values.get(vname), dict):
                    values[vname] = {**values[vname], **vraw}
                else:
                    values[vname] = vraw
            merged["values"] = values
        else:
            merged[key] = value
    return merged


def schema_from_config(config: Any = None, section: dict[str, Any] | None = None) -> Schema:
    """The defaults changed by ``[attributes]`` of a :class:`~surveykit.config.SurveyConfig`.

    ``section`` may be given directly instead (tests, notebooks).
    """
    if section is None:
        section = config.section("attributes") if config is not None else {}
    cfg_name = str(getattr(config, "path", None) or "<config>")
    where = f"{cfg_name}: [attributes]"
    if not isinstance(section, dict):
        raise SchemaError(f"{where}: expected a table")
    use_defaults = section.get("defaults", True)
    if not isinstance(use_defaults, bool):
        raise SchemaError(f"{where}: 'defaults' must be true or false")
    tables: dict[str, Any] = default_schema_data() if use_defaults else {}
    sources = [str(default_schema_path())] if use_defaults else []
    extra_file = section.get("file")
    if extra_file is not None:
        if not isinstance(extra_file, str):
            raise SchemaError(f"{where}: 'file' must be a path string")
        path = Path(extra_file).expanduser()
        root = getattr(config, "root", None)
        if not path.is_absolute() and root is not None:
            path = Path(root) / path
        for name, raw in _read_toml(path).items():
            tables[name] = _merge_attribute(tables[name], raw) if name in tables else raw
        sources.append(str(path))
    for name, raw in section.items():
        if name in _CONFIG_KEYS:
            continue
        if not isinstance(raw, dict):
            raise SchemaError(f"{where}: attribute {name!r} must be a table ([attributes.{name}])")
        tables[name] = _merge_attribute(tables[name], raw) if name in tables else raw
    remove = section.get("remove", [])
    if not isinstance(remove, list) or not all(isinstance(r, str) for r in remove):
        raise SchemaError(f"{where}: 'remove' must be a list of attribute names")
    unknown = sorted(set(remove) - set(tables))
    if unknown:
        raise SchemaError(f"{where}: 'remove' names unknown attribute(s) {', '.join(unknown)}")
    for name in remove:
        tables.pop(name)
    source = " + ".join(sources + [where]) if section else (sources[0] if sources else where)
    schema = schema_from_dict(tables, source)
    triggers = section.get("benchmark_triggers", list(DEFAULT_BENCHMARK_TRIGGERS))
    if not isinstance(triggers, list) or not all(isinstance(t, str) for t in triggers):
        raise SchemaError(f"{where}: 'benchmark_triggers' must be a list of strings")
    schema.benchmark_triggers = tuple(t for t in triggers if _trigger_ok(t, schema, where))
    return schema


def _trigger_ok(trigger: str, schema: Schema, where: str) -> bool:
    """``name`` (a flag) or ``name=value``; triggers naming absent attributes are ignored."""
    name, _, value = trigger.partition("=")
    if name not in schema:
        return False
    spec = schema[name]
    if value and value not in {v.name for v in spec.values}:
        raise SchemaError(f"{where}: benchmark trigger {trigger!r}: {name!r} has no value {value!r}")
    return True
