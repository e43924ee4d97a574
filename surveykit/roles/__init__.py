"""Sentence roles of abstracts (background, objective, method, result, other), cue flags, paper types.

One module shared by the topic stage (:func:`contribution_text`) and the draft/attributes stages
(:func:`annotate_sentences`). The role model is trained on CSAbstruct (Cohan et al., EMNLP 2019).
"""

from surveykit.roles.annotate import (
    CONTENT_ROLES,
    RoleSentence,
    annotate_sentences,
    contribution_text,
    contribution_texts,
    roles_frame,
)
from surveykit.roles.classifier import ROLES, RoleModel, load_role_model
from surveykit.roles.cues import Cues, sentence_cues
from surveykit.roles.paper_type import PAPER_TYPES, PaperTypeResult, detect_paper_type, detect_paper_types

__all__ = [
    "CONTENT_ROLES",
    "PAPER_TYPES",
    "ROLES",
    "Cues",
    "PaperTypeResult",
    "RoleModel",
    "RoleSentence",
    "annotate_sentences",
    "contribution_text",
    "contribution_texts",
    "detect_paper_type",
    "detect_paper_types",
    "load_role_model",
    "roles_frame",
    "sentence_cues",
]
