"""Is a venue string a conference, a journal or an arXiv preprint? (drives the BibTeX entry type)."""

from __future__ import annotations

import re

CONFERENCE = "conference"
JOURNAL = "journal"
PREPRINT = "preprint"

# Journals whose names look like conferences ("Proceedings of the IEEE", PNAS, PVLDB, PACM).
_JOURNAL_FIRST = re.compile(
    r"proceedings of the (ieee|national academy|royal society|acm on)|\bpnas\b|\bpvldb\b|"
    r"proc\.? vldb endow|\bpacm[a-z]*\b",
    re.IGNORECASE,
)
_CONFERENCE_ACRONYMS_TEXT = (
    "NeurIPS NIPS ICML ICLR ACL EMNLP NAACL EACL AACL COLING COLM CoNLL SemEval LREC IJCNLP "
    "AAAI IJCAI ECAI AAMAS KDD SIGKDD WSDM CIKM SIGIR RecSys WWW ICWSM CVPR ICCV ECCV WACV BMVC "
    "ICRA IROS CoRL RSS UAI AISTATS COLT ALT ICDM SDM PAKDD ECML ICDE SIGMOD VLDB CHI UIST CSCW "
    "IUI ICSE FSE ASE ISSTA PLDI POPL OOPSLA MLSys OSDI SOSP NSDI USENIX CCS NDSS ICASSP "
    "INTERSPEECH L4DC AutoML"
)
_CONFERENCE_ACRONYMS = _CONFERENCE_ACRONYMS_TEXT.split()
_CONFERENCE_ACRONYM = re.compile(r"\b(" + "|".join(_CONFERENCE_ACRONYMS) + r")\b")
_CONFERENCE_WORD = re.compile(
    r"\b(findings|workshops?|conference|conf\.|proceedings|proc\.|symposium|meeting|congress|"
    r"colloquium|summit|forum|advances in neural information processing)(?!\w)",
    re.IGNORECASE,
)
_JOURNAL_ACRONYM = re.compile(r"\b(TMLR|JMLR|JAIR|TACL|TPAMI|PAMI|IJCV|TKDE|TNNLS|TOSEM|CSUR)\b")
_JOURNAL_WORD = re.compile(
    r"\b(journal|transactions|trans\.|letters|frontiers|review|reviews|magazine|surveys|"
    r"nature|science|cell|plos|communications|bulletin|annals|quarterly|access|"
    r"artificial intelligence|machine learning|neurocomputing|patterns|pattern recognition)(?!\w)",
    re.IGNORECASE,
)
_PREPRINT = re.compile(r"^\s*(arxiv|corr|preprint|biorxiv|medrxiv|ssrn)\b", re.IGNORECASE)
_TRAILING_YEAR = re.compile(r"[\s,(]*\b(19|20)\d\d\)?\s*$")


def classify_venue(venue: str | None) -> str | None:
    """``"conference"``, ``"journal"``, ``"preprint"`` or None (unknown / empty).

    Acronyms are matched case-sensitively (``ACL`` but not *acl* inside a word), keywords
    (*Workshop*, *Journal*, *Transactions*...) case-insensitively; conference words win over
    journal words except for journals named like proceedings (*Proceedings of the IEEE*).
    """
    if not venue or not venue.strip():
        return None
    if _PREPRINT.search(venue):
        return PREPRINT
    if _JOURNAL_FIRST.search(venue):
        return JOURNAL
    if _CONFERENCE_ACRONYM.search(venue) or _CONFERENCE_WORD.search(venue):
        return CONFERENCE
    if _JOURNAL_ACRONYM.search(venue) or _JOURNAL_WORD.search(venue):
        return JOURNAL
    return None


def journal_name(venue: str) -> str:
    """A journal name without a trailing year (``Frontiers of Computer Science 2024``)."""
    cleaned = _TRAILING_YEAR.sub("", venue).strip()
    return cleaned or venue.strip()


YEAR_IN_VENUE = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")


def citation_year(paper) -> int | None:
    """The year to cite: the year the venue names (``ICML 2024``) when the paper was published
    there, else the paper's own year (for preprints, the first version's)."""
    if paper.venue:
        match = YEAR_IN_VENUE.search(paper.venue)
        if match and classify_venue(paper.venue) != PREPRINT:
            return int(match.group(1))
    return paper.year
