"""Metadata enrichment from arXiv, OpenAlex, Crossref and Semantic Scholar (cached, polite HTTP)."""

from surveykit.enrich.arxiv import ArxivClient
from surveykit.enrich.crossref import CrossrefClient, message_to_paper
from surveykit.enrich.enricher import (
    Enricher,
    enrich_corpus,
    fill_missing,
    missing_fields,
    title_similarity,
    titles_agree,
)
from surveykit.enrich.http import HttpClient, HttpError, OfflineMiss, RateLimiter, ResponseCache
from surveykit.enrich.openalex import OpenAlexClient
from surveykit.enrich.semanticscholar import SemanticScholarClient

__all__ = [
    "ArxivClient", "CrossrefClient", "Enricher", "HttpClient", "HttpError", "OfflineMiss",
    "OpenAlexClient", "RateLimiter", "ResponseCache", "SemanticScholarClient", "enrich_corpus",
    "fill_missing",
    "message_to_paper", "missing_fields", "title_similarity", "titles_agree",
]
