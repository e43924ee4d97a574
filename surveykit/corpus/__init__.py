"""The corpus stage: the data model, the bundled corpus, loading, dedupe and overview tables."""

from surveykit.corpus.model import Corpus, Paper, normalize_arxiv_id, normalize_doi

__all__ = ["Corpus", "Paper", "normalize_arxiv_id", "normalize_doi"]
