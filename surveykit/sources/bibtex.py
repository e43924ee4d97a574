"""Load BibTeX / biblatex files (Zotero, Better BibTeX, DBLP, IEEE, hand-written) into papers.

The work is split by job; this module is the public face of all three:

- :mod:`surveykit.sources.bibtex_read`: the file split into entries as written, with recovery and
  line-numbered issues (:func:`read_entries` / :func:`read_bibtex_string`, :class:`BibFile`).
- :mod:`surveykit.sources.bibtex_map`: entries -> papers (:func:`load`,
  :func:`parse_bibtex_string`, :func:`entry_to_paper`).
- :mod:`surveykit.sources.fields`: helpers shared with the RIS/WoS/tabular loaders.
"""

from __future__ import annotations

from surveykit.sources.bibtex_map import entry_to_paper, load, parse_bibtex_string
from surveykit.sources.bibtex_read import BibEntry, BibFile, read_bibtex_string, read_entries
from surveykit.sources.fields import (
    MONTHS,
    extract_year,
    find_code_url,
    find_urls,
    is_arxiv_venue,
    load_text,
    normalize_month,
    read_text_lenient,
)

__all__ = [
    "MONTHS", "BibEntry", "BibFile", "entry_to_paper", "extract_year", "find_code_url", "find_urls",
    "is_arxiv_venue", "load", "load_text", "normalize_month", "parse_bibtex_string",
    "read_bibtex_string", "read_entries", "read_text_lenient",
]
