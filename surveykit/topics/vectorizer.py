"""c-TF-IDF's term counts from the papers' count rows, not from a second analysis of their text.

BERTopic computes its c-TF-IDF by joining each topic's papers into one long document (with
spaces) and handing those documents to its vectorizer, which would analyse every paper again
(~50 s at 100,000 abstracts). :class:`KnownTextsVectorizer` recognises a document made of the
papers' texts and sums their precomputed rows instead: the same counts, except that no n-gram
spans two papers (a topic document is its papers, not one text). Any other document is analysed
as a plain ``CountVectorizer`` would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import CountVectorizer

KEY = 16  # texts are looked up by their first KEY characters


def _clean(text: str) -> str:
    """A text as BERTopic hands it to the vectorizer (new lines and tabs as spaces)."""
    return text.replace("\n", " ").replace("\t", " ")


class KnownTextsVectorizer(CountVectorizer):
    """A ``CountVectorizer`` with a fixed ``vocabulary`` and ``analyzer`` that knows ``texts``
    and their count rows ``counts`` (CSR, one row per text, columns = ``vocabulary``): a document
    that is known texts joined by single spaces gets the sum of their rows."""

    def __init__(self, analyzer: Any = "word", vocabulary: Sequence[str] | None = None,
                 texts: Sequence[str] | None = None, counts: csr_matrix | None = None) -> None:
        super().__init__(analyzer=analyzer, vocabulary=vocabulary)
        self.texts = texts
        self.counts = counts

    def fit(self, raw_documents: Iterable[str], y: Any = None) -> KnownTextsVectorizer:
        self._validate_vocabulary()
        return self

    def fit_transform(self, raw_documents: Iterable[str], y: Any = None) -> csr_matrix:
        self._validate_vocabulary()
        return self.transform(raw_documents)

    def transform(self, raw_documents: Iterable[str]) -> csr_matrix:
        if not hasattr(self, "vocabulary_"):
            self._validate_vocabulary()
        documents = list(raw_documents)
        if self.texts is None or self.counts is None:
            return super().transform(documents)
        rows, cols = [], []
        unknown: list[int] = []
        for index, document in enumerate(documents):
            parts = self._split(document)
            if parts is None:
                unknown.append(index)
            else:
                rows.extend([index] * len(parts))
                cols.extend(parts)
        picks = csr_matrix((np.ones(len(rows), dtype=self.counts.dtype), (rows, cols)),
                           shape=(len(documents), self.counts.shape[0]))
        result = picks @ self.counts
        if unknown:  # analysed as CountVectorizer would, placed in their (empty) rows
            counted = super().transform([documents[i] for i in unknown])
            place = csr_matrix((np.ones(len(unknown), dtype=counted.dtype),
                                (unknown, np.arange(len(unknown)))), shape=(len(documents), len(unknown)))
            result = result + place @ counted
        result = result.tocsr()
        result.sort_indices()
        return result

    def _split(self, document: str) -> list[int] | None:
        """The rows of the known texts that make ``document`` (joined by single spaces), or None."""
        index = self.__dict__.get("_index")
        if index is None:  # built at the first document (the texts as BERTopic hands them over)
            self._cleaned = [_clean(t) for t in self.texts or ()]
            index = self._index = {}
            for row, text in enumerate(self._cleaned):
                index.setdefault(text[:KEY], []).append(row)
            self._short = sorted({len(t) for t in self._cleaned if len(t) < KEY})
        found: list[int] = []
        position = 0
        while position < len(document):
            candidates = list(index.get(document[position:position + KEY], []))
            for length in self._short:
                candidates += index.get(document[position:position + length], [])
            match = next((row for row in sorted(candidates, key=lambda r: -len(self._cleaned[r]))
                          if document.startswith(self._cleaned[row], position)
                          and _ends_at(document, position + len(self._cleaned[row]))), None)
            if match is None:
                return None
            found.append(match)
            position += len(self._cleaned[match]) + 1
        return found


def _ends_at(document: str, end: int) -> bool:
    """A text ending at ``end`` ends there or is followed by the joining space."""
    return end == len(document) or document[end] == " "
