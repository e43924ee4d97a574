"""The bibliography out: ``references.bib`` a LaTeX user can trust.

- :func:`make_keys`: stable ``{family}{year}{word}`` citation keys, pins, collision suffixes.
- :func:`paper_to_entry`: one paper -> a BibTeX entry (type, escaped fields, protected title).
- :func:`write_bib` / :func:`render_bib`: the whole file, deterministic, atomic, optionally merged
  with the author's own .bib (:func:`merge_with_existing`), plus a :class:`BibReport`.
- :func:`validate_bib`, :func:`roundtrip_check`, :func:`compile_check`: parse it back and compile
  it with pdflatex + bibtex.
- :func:`escape_latex`, :func:`protect_title`, :func:`escape_url`: the LaTeX conversions.
- :mod:`surveykit.bib.fromsource`: papers read from ``.bib`` files written back with their keys and
  fields (field-level, order-independent merges; every change a :class:`FieldChange`).
- :mod:`surveykit.bib.problems`: ``build/bib_report.csv`` (:class:`BibProblem` rows), the author's
  ``.bib`` checked first, TeX errors traced to file, line and key.
- :mod:`surveykit.bib.biblatex` / :mod:`surveykit.bib.bibercheck`: ``[bib] style = "biblatex"``.
- :mod:`surveykit.bib.audit`: fidelity measures (keys kept, fields lost, names corrupted).
"""

from surveykit.bib.entries import GeneratedEntry, choose_type, paper_to_entry
from surveykit.bib.keys import BibKeyError, base_key, make_keys, validate_key
from surveykit.bib.latex import escape_latex, escape_url, latex_name, needs_t1, protect_title
from surveykit.bib.merge import MergePlan, merge_with_existing, read_existing
from surveykit.bib.problems import BibProblem, check_existing
from surveykit.bib.report import BibReport, BibWarning, FieldChange
from surveykit.bib.validate import (
    BibValidation,
    CompileResult,
    TexMessage,
    classify_warnings,
    compile_check,
    parse_tex_outputs,
    roundtrip_check,
    validate_bib,
)
from surveykit.bib.venues import classify_venue
from surveykit.bib.writer import render_bib, write_bib

__all__ = [
    "BibKeyError", "BibProblem", "BibReport", "BibValidation", "BibWarning", "CompileResult",
    "FieldChange", "GeneratedEntry", "check_existing",
    "MergePlan", "TexMessage", "base_key", "choose_type", "classify_venue", "classify_warnings",
    "compile_check", "escape_latex", "escape_url", "latex_name", "make_keys", "merge_with_existing",
    "needs_t1", "paper_to_entry", "parse_tex_outputs", "protect_title", "read_existing",
    "render_bib", "roundtrip_check", "validate_bib", "validate_key", "write_bib",
]
