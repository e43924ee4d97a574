"""Tables that describe a corpus: papers by year, by venue, and which fields are missing."""

from __future__ import annotations

import pandas as pd

from surveykit.corpus.model import Corpus

CHECKED_FIELDS = ("abstract", "authors", "year", "venue", "arxiv_id", "doi", "code_url")


def papers_by_year(corpus: Corpus) -> pd.DataFrame:
    """Number of papers per year (``unknown`` for papers without one), oldest first."""
    years = pd.Series([p.year for p in corpus], dtype="Int64")
    counts = years.value_counts(dropna=False).sort_index()
    labels = ["unknown" if pd.isna(y) else str(int(y)) for y in counts.index]
    return pd.DataFrame({"year": labels, "papers": counts.to_numpy()})


def venue_family(venue: str | None) -> str:
    """``NeurIPS 2024`` -> ``NeurIPS``; ``EMNLP 2025 Findings`` -> ``EMNLP Findings``; none -> arXiv."""
    if not venue:
        return "arXiv / preprint"
    words = [w for w in venue.replace("(", " ").replace(")", " ").split() if not w.isdigit()]
    return " ".join(words) or venue


def papers_by_venue(corpus: Corpus) -> pd.DataFrame:
    """Number of papers per venue family, most frequent first (ties by name)."""
    families = pd.Series([venue_family(p.venue) for p in corpus], dtype="string")
    counts = families.value_counts().rename_axis("venue").reset_index(name="papers")
    return counts.sort_values(["papers", "venue"], ascending=[False, True], ignore_index=True)


def missing_fields(corpus: Corpus) -> pd.DataFrame:
    """For each metadata field: how many papers lack it, and their share."""
    n = max(len(corpus), 1)
    rows = []
    for name in CHECKED_FIELDS:
        missing = sum(1 for p in corpus if not getattr(p, name))
        rows.append({"field": name, "missing": missing, "share": round(missing / n, 3)})
    return pd.DataFrame(rows)


def overview(corpus: Corpus) -> pd.DataFrame:
    """A one-table summary: size, year span, venues, coverage of the main fields."""
    years = [p.year for p in corpus if p.year]
    rows = [
        ("papers", len(corpus)),
        ("years", f"{min(years)}–{max(years)}" if years else "unknown"),
        ("published at a venue", sum(1 for p in corpus if p.venue)),
        ("with arXiv id", sum(1 for p in corpus if p.arxiv_id)),
        ("with DOI", sum(1 for p in corpus if p.doi)),
        ("with code link", sum(1 for p in corpus if p.code_url)),
        ("with abstract", sum(1 for p in corpus if p.abstract)),
        ("with authors", sum(1 for p in corpus if p.authors)),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"]).astype({"value": "string"})
