"""Metadata enrichment from arXiv, OpenAlex and Crossref, through a cached, polite HTTP layer."""

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

__all__ = [
    "ArxivClient", "CrossrefClient", "Enricher", "HttpClient", "HttpError", "OfflineMiss",
    "OpenAlexClient", "RateLimiter", "ResponseCache", "enrich_corpus", "fill_missing",
    "message_to_paper", "missing_fields", "title_similarity", "titles_agree",
]
