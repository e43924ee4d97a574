"""Paper attributes with evidence: a schema (data, see :mod:`surveykit.attributes.schema`), a
pattern matcher with optional zero-shot fallback, and the resulting :class:`AttributeTable`."""

from surveykit.attributes.extract import (
    BENCHMARK_ATTRIBUTE,
    LONG_COLUMNS,
    AttributeTable,
    attributes_path,
    build_attributes,
    default_embedder,
    extract_attributes,
)
from surveykit.attributes.schema import (
    AttributeSpec,
    Schema,
    SchemaError,
    ValueSpec,
    load_schema,
    schema_from_config,
    schema_from_dict,
)
from surveykit.attributes.sentences import Sentence, split_sentences

__all__ = [
    "BENCHMARK_ATTRIBUTE",
    "LONG_COLUMNS",
    "AttributeSpec",
    "AttributeTable",
    "Schema",
    "SchemaError",
    "Sentence",
    "ValueSpec",
    "attributes_path",
    "build_attributes",
    "default_embedder",
    "extract_attributes",
    "load_schema",
    "schema_from_config",
    "schema_from_dict",
    "split_sentences",
]
