"""surveykit: from a pile of papers to a compiled, citable survey."""

from surveykit.corpus.model import Corpus, Paper

__all__ = ["Corpus", "Paper", "__version__"]
__version__ = "0.1.0"
