"""What kind of paper is it: survey, benchmark/dataset, position, empirical study, system/tool or method.

Readable cue rules, tried in a fixed priority; the first that fires decides, and its evidence (the
title or the sentence) and cue name are returned with the type.

1. **Title** cues: survey/review ("A Survey of", ": A Comprehensive Review", "Systematic Literature
   Review", "A Taxonomy"), position ("Position:", "... are the future of ..."), benchmark/dataset
   ("Benchmark", "Dataset", "XBench", "Arena"), empirical ("An Empirical Study", "A Systematic
   Study"), system/tool ("Toolkit", "Library", "Platform"). A survey of benchmarks is a survey.
2. **Abstract** cues, in sentences about this paper (``we``, ``this paper``; with roles, never
   background or prior-work sentences): position ("This position paper"), survey ("In this
   survey", "we present a comprehensive review"), system ("X is an
   open-source library"), then the paper's **contributions** ("we introduce/propose/present/
   construct X, a ..."): the contribution that names the title's system (``MM-Agent: ...``), else
   the first one, decides between benchmark/dataset ("X, a benchmark ..."), system ("X, a
   simulator/toolkit ...") and method. So a method paper that also releases a dataset stays a method.
   "We argue" makes a position paper only when nothing is proposed and no experiment is reported.
3. **Empirical** study: a question-like or analysis title ("Can ...?", "Investigating",
   "Revisiting", "On the limits of") with a study statement in the abstract, or a study statement
   ("we conduct a systematic study", "we investigate whether") in a paper that proposes nothing.
4. Default: **method**.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pandas as pd

from surveykit.attributes.sentences import split_sentences
from surveykit.corpus.model import Paper
from surveykit.roles.cues import SELF_REFERENCE, _lowercase_twin, is_prior_work, is_self_reference

PAPER_TYPES: tuple[str, ...] = ("survey", "benchmark", "position", "empirical", "system", "method")

_I = re.IGNORECASE

# --- title cues -----------------------------------------------------------------------------------
TITLE_SURVEY = re.compile(
    r"\b(?:a|an)\s+(?:[\w-]+\s+){0,3}?(?:survey|review|overview|tutorial|primer|meta-analysis|taxonomy)\b"
    r"|\b(?:survey|review|overview)\s+(?:of|on)\b|:\s*(?:survey|review)\b|^(?:survey|review)\b"
    r"|\b(?:systematic|scoping|literature|critical) (?:literature )?review\b|\bmapping study\b"
    r"|\bstate of the art and\b|\bsurvey$",
    _I,
)
TITLE_POSITION = re.compile(
    r"^position\s*:|\bposition paper\b|\b(?:is|are) the future of\b|\bshould\b|\ba call (?:for|to)\b"
    r"|\bmanifesto\b",
    _I,
)
TITLE_BENCHMARK = re.compile(
    r"\bbenchmark(?:s|ing)?\b|\b[\w-]*bench\b|\bdatasets?\b|\bdata set\b|\bcorpus\b|\btest ?beds?\b"
    r"|\bleaderboard\b|\barena\b|\bevaluation suite\b|\bchallenge set\b|\btreebank\b",
    _I,
)
TITLE_EMPIRICAL = re.compile(
    r"\b(?:an?\s+)?(?:empirical|systematic|comparative|large-scale|exploratory|controlled|case)\s+"
    r"(?:study|analysis|investigation|evaluation|comparison)\b|\ban analysis of\b|\ba study of\b"
    r"|\blessons learned\b|\ba closer look\b",
    _I,
)
TITLE_SYSTEM = re.compile(
    r"\b(?:toolkit|tool ?kit|library|python package|open-source (?:framework|platform|toolkit|system)"
    r"|platform|sdk|software)\b|\ba (?:tool|system) for\b",
    _I,
)
# Weaker: the title asks a question or announces an analysis; needs a study statement in the abstract.
TITLE_STUDY_LIKE = re.compile(
    r"\?|(?:^|[:!.]\s+)(?:investigating|revisiting|understanding|rethinking|analy[sz]ing|probing|examining"
    r"|evaluating|measuring|assessing|exploring|quantifying)\b|\bon the (?:limits?|role|effects?"
    r"|design and analysis|robustness|(?:in)?effectiveness|nature|reliability)\b"
    r"|\b(?:what|when|why|how) (?:makes|matters|do|does|can|well|much|good)\b|\btowards understanding\b",
    _I,
)

# --- abstract cues --------------------------------------------------------------------------------
ABSTRACT_SURVEY = re.compile(
    r"\bin this (?:survey|review|overview)\b|\bthis (?:survey|review)\b"
    r"|\b(?:we|this (?:paper|work|article|study))\s+(?:\w+\s+){0,2}?(?:present|provide|conduct|offer"
    r"|give|perform|presents|provides|conducts|offers|gives|performs)\s+(?:a|an)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:survey|review|overview)\b|\b(?:systematic|scoping) (?:literature )?review\b"
    r"|\b(?:we|this (?:paper|article))\s+(?:comprehensively |systematically |extensively )?"
    r"(?:survey|surveys)\b",
    _I,
)
# "we survey 40 developers", "a survey with practitioners", "an online survey": a questionnaire, not a
# survey of the literature (a method or empirical paper that asked people)
QUESTIONNAIRE = re.compile(
    r"\bsurvey(?:s|ed|ing)?\s+(?:(?:of|with|among|to)\s+)?(?:(?:\d[\d,]*|[\w-]+)\s+){0,3}?"
    r"(?:developers|participants|users|practitioners|respondents|engineers|programmers|students|experts"
    r"|people|professionals|annotators|researchers|clinicians|physicians|teachers|workers|employees"
    r"|subjects|crowdworkers|volunteers)\b"
    r"|\b(?:user|online|questionnaire|developer|practitioner|web-based) survey\b"
    r"|\bsurvey (?:responses|respondents)\b",
    _I,
)
ABSTRACT_POSITION_STRONG = re.compile(
    r"\bposi?tion paper\b|\b(?:we|this paper)\s+(?:lay out|lays out|take|takes|put forward|puts forward)"
    r"\s+(?:the|a|our)\s+position\b|\bour position\b",
    _I,
)
ABSTRACT_POSITION_WEAK = re.compile(
    r"\b(?:we|this (?:paper|work|essay))\s+(?:\w+\s+)?(?:argue|argues|advocate|advocates|contend"
    r"|contends|call for|calls for|posit|posits)\b",
    _I,
)
ABSTRACT_SYSTEM = re.compile(
    r"\b(?:is|as) an? (?:open[- ]source|publicly available|extensible|modular) (?:[\w-]+\s+){0,2}?"
    r"(?:project|library|toolkit|platform|package|software|tool|framework)\b"
    r"|\b(?:open[- ]source|python) (?:library|toolkit|package)\b",
    _I,
)
STUDY_STRONG = re.compile(
    r"\b(?:empirical|systematic|comprehensive|large-scale|thorough|extensive|formal|in-depth|"
    r"controlled|careful)\s+(?:empirical\s+)?(?:study|investigation|analysis|evaluation|comparison)\b"
    r"|\b(?:we|this (?:paper|work|study))\s+(?:\w+\s+)?(?:investigate|investigates|study|studies|"
    r"analy[sz]e|analy[sz]es|examine|examines|ask|asks|explore|explores|measure|measures)\s+"
    r"(?:whether|how|why|what|when|to what extent|the extent)\b|\bresearch questions?\b",
    _I,
)
# Any statement of a study; counts only with a study-like title.
STUDY_ANY = re.compile(
    STUDY_STRONG.pattern
    + r"|\b(?:our|this) study\b|\bwe (?:\w+ )?(?:investigate|analy[sz]e|examine|study)\b",
    _I,
)

CONTRIBUTION = re.compile(
    r"\b(?:introduce|introduces|introducing|propose|proposes|proposing|present|presents|presenting"
    r"|construct|constructs|constructing|build|builds|building|create|creates|creating|curate|curates"
    r"|curating|collect|collects|develop|develops|developing|design|designs|release|releases"
    r"|contribute|contributes|devise|devises|formulate|formulates)\b\s+",
    _I,
)
_OBJECT_CUT = re.compile(
    r"\s(?:that|which|who|to|for|with|using|based|where|whose|consisting|comprising|containing"
    r"|including|from|on|in|of|by|across|via|through|and then|while|featuring)\b|[;:(.]|\s--?\s|\s—\s",
    _I,
)
OBJECT_BENCHMARK = re.compile(
    r"\bbenchmark(?:s|ing)?\b|\b[\w-]*bench\b|\bdatasets?\b|\bdata set\b|\bcorpus\b|\btest ?bed\b"
    r"|\bleaderboard\b|\bsuite\b|\bevaluation (?:framework|environment|protocol|suite)\b"
    r"|\b(?:simulation|evaluation|interactive) environment\b|\barena\b|\bchallenge\b|\btreebank\b",
    _I,
)
OBJECT_SYSTEM = re.compile(
    r"\b(?:toolkit|tool ?kit|library|platform|simulator|package|software|infrastructure|sdk"
    r"|open[- ]source (?:framework|system|tool))\b",
    _I,
)
OBJECT_RELEASE = re.compile(
    r"^(?:all\s+)?(?:our|the|its)?\s*(?:source\s+)?(?:code|codes|implementation|models?|checkpoints?"
    r"|weights|demo|project page)\b",
    _I,
)
# Results language: a paper that reports experiments is not a position paper because it "argues".
EXPERIMENTAL = re.compile(
    r"\bexperiments?\b|\bexperimental\b|\bresults (?:show|demonstrate|indicate)\b|\boutperform"
    r"|\bstate-of-the-art\b|\baccuracy\b|\bF1\b|\bBLEU\b|\bAUC\b|\d(?:\.\d+)?\s?%|\bempirical(?:ly)?\b"
    r"|\b(?:we|they) (?:show|find|demonstrate)\b|\bperformance\b",
)
OBJECT_SURVEY = re.compile(r"\b(?:survey|review|overview)\b", _I)
OBJECT_STUDY = re.compile(r"\b(?:study|analysis|investigation|examination|evaluation|exploration)\b", _I)
_TWINS = {p: twin for p in (TITLE_SURVEY, TITLE_POSITION, TITLE_BENCHMARK, TITLE_EMPIRICAL, TITLE_SYSTEM,
                            TITLE_STUDY_LIKE, ABSTRACT_SURVEY, ABSTRACT_POSITION_STRONG,
                            ABSTRACT_POSITION_WEAK, ABSTRACT_SYSTEM, STUDY_STRONG, STUDY_ANY, CONTRIBUTION,
                            _OBJECT_CUT, OBJECT_BENCHMARK, OBJECT_SYSTEM, OBJECT_SURVEY, OBJECT_STUDY,
                            SELF_REFERENCE)
          if (twin := _lowercase_twin(p)) is not None}


@dataclass(frozen=True)
class _Found:
    """A match found in the lower-cased twin of an ASCII text, read back from the text itself."""

    text: str
    begin: int
    stop: int

    def group(self, _: int = 0) -> str:
        return self.text[self.begin:self.stop]

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.stop


def _search(pattern: re.Pattern[str], text: str) -> re.Match[str] | _Found | None:
    """``pattern.search(text)``, through its lower-case twin on ASCII text (same spans, ~2x faster;
    :func:`surveykit.roles.cues._lowercase_twin`); the matched text is the original's."""
    twin = _TWINS.get(pattern)
    if twin is None or not text.isascii():
        return pattern.search(text)
    found = twin.search(text.lower())
    return None if found is None else _Found(text, found.start(), found.end())


def _finditer(pattern: re.Pattern[str], text: str, pos: int) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, pos)`` (spans only: through the twin on ASCII text)."""
    twin = _TWINS.get(pattern)
    if twin is None or not text.isascii():
        return pattern.finditer(text, pos)
    return twin.finditer(text.lower(), pos)


@dataclass(frozen=True)
class PaperTypeResult:
    """The detected type of one paper, the evidence (title or sentence) and the cue that fired."""

    paper_id: str
    type: str
    evidence: str
    cue: str


def _title_name(title: str) -> str | None:
    """The system name a title leads with (``MM-Agent`` in ``MM-Agent: LLM as ...``), if any."""
    head, sep, _ = title.partition(":")
    head = head.strip()
    if not sep or not head or len(head.split()) > 2:
        return None
    return head


def _contribution(sentence: str) -> tuple[str, str] | None:
    """``(kind, object)`` of a "we introduce X, a ..." sentence: benchmark, system, survey or method.

    The verb must follow a self-reference ("we", "this paper") in the same sentence.
    """
    subject = _search(SELF_REFERENCE, sentence)
    if subject is None:
        return None
    for match in _finditer(CONTRIBUTION, sentence, subject.end()):
        rest = sentence[match.end() :]
        # keep an apposition ("X, a benchmark"): at most the first two comma-separated chunks
        chunks = rest.split(",")
        head = chunks[0] + ("," + chunks[1] if len(chunks) > 1 else "")
        cut = _search(_OBJECT_CUT, head)
        obj = (head[: cut.start()] if cut else head).strip()
        tail = rest[len(obj) : len(obj) + 60] if cut else ""
        if not obj or OBJECT_RELEASE.match(obj) or _search(OBJECT_STUDY, obj):
            continue  # a code release or a study is not what the paper contributes as an artefact
        if _search(OBJECT_SURVEY, obj):
            return "survey", obj
        if _search(OBJECT_BENCHMARK, obj) or (
            re.search(r"\b(?:environment|framework|platform)\b", obj, _I)
            and re.match(r"\s*(?:for|to)\s+(?:\w+\s+)?(?:evaluat|benchmark|assess|test|measur)", tail, _I)
        ):
            return "benchmark", obj
        if _search(OBJECT_SYSTEM, obj):
            return "system", obj
        return "method", obj
    return None


def _own_sentences(abstract: str, roles: Sequence | None) -> list[str]:
    """Sentences that may speak for this paper: not background (with roles) and not prior work."""
    if roles is not None:
        return [
            r.text
            for r in roles
            if not getattr(r, "prior_work", False)
            and (r.role != "background" or getattr(r, "self_reference", False))
        ]
    return [s.text for s in split_sentences(abstract) if not is_prior_work(s.text)]


def _is_survey_statement(match: re.Match[str], sentence: str, lead: str) -> bool:
    """Whether an abstract's survey cue makes the paper a survey: "in this survey" / "this review"
    anywhere; "we survey ..." / "we present a review" only in the paper's lead own sentence (a
    step of an analysis, "We survey existing fact-checking datasets and find ...", after the
    paper's own claims, is no survey of the field), never a questionnaire, nor a survey that
    supports an argument ("We argue that ... and present a quantitative survey")."""
    if _search(QUESTIONNAIRE, sentence):
        return False
    if re.match(r"(?:in )?this (?:survey|review|overview)\b", match.group(0).strip(), _I):
        return True
    return sentence == lead and not _search(ABSTRACT_POSITION_WEAK, sentence)


def detect_paper_type(paper: Paper | tuple[str, str, str], roles: Sequence | None = None) -> PaperTypeResult:
    """Type of one paper (a :class:`Paper` or ``(paper_id, title, abstract)``), with evidence.

    ``roles``: the paper's :class:`~surveykit.roles.annotate.RoleSentence` list, when available;
    background and prior-work sentences then never count as evidence.
    """
    if isinstance(paper, Paper):
        pid, title, abstract = paper.id, paper.title or "", paper.abstract or ""
    else:
        pid, title, abstract = paper
    title = " ".join((title or "").split())

    def result(kind: str, evidence: str, cue: str) -> PaperTypeResult:
        return PaperTypeResult(pid, kind, evidence, cue)

    for kind, pattern in (
        ("survey", TITLE_SURVEY),
        ("position", TITLE_POSITION),
        ("benchmark", TITLE_BENCHMARK),
        ("empirical", TITLE_EMPIRICAL),
        ("system", TITLE_SYSTEM),
    ):
        match = _search(pattern, title)
        if match:
            return result(kind, title, f"title: {match.group(0).strip()}")

    own = _own_sentences(abstract, roles)
    selfish = [s for s in own if is_self_reference(s)]
    lead = (selfish or own or [""])[0]
    for kind, pattern, pool in (
        ("position", ABSTRACT_POSITION_STRONG, own),
        ("survey", ABSTRACT_SURVEY, own),
        ("system", ABSTRACT_SYSTEM, own),
    ):
        for sentence in pool:
            match = _search(pattern, sentence)
            if match and not (kind == "survey" and not _is_survey_statement(match, sentence, lead)):
                return result(kind, sentence, f"abstract: {match.group(0).strip()}")

    contributions = [(s, c) for s in selfish if (c := _contribution(s)) is not None]
    name = _title_name(title)
    named = [pair for pair in contributions if name and name.lower() in pair[0].lower()]
    if contributions:
        sentence, (kind, obj) = (named or contributions)[0]
        argued = _search(ABSTRACT_POSITION_WEAK, sentence)
        if kind == "survey" and argued:  # "we argue that ... and present a survey to demonstrate this"
            return result("position", sentence, f"abstract: {argued.group(0).strip()}")
        if kind in ("benchmark", "system", "survey"):
            return result(kind, sentence, f"contribution: {obj}")
        if named:  # "ConReader: Exploring ..." proposes ConReader: a method, whatever the title asks
            return result("method", sentence, f"contribution: {obj}")

    study = next(((s, m) for s in own if (m := _search(STUDY_ANY, s))), None)
    strong = next(((s, m) for s in own if (m := _search(STUDY_STRONG, s))), None)
    title_study = _search(TITLE_STUDY_LIKE, title)
    if title_study and study:
        return result(
            "empirical", title, f"title: {title_study.group(0).strip()} + abstract: {study[1].group(0)}"
        )
    if not contributions and not EXPERIMENTAL.search(abstract):
        for sentence in selfish:
            match = _search(ABSTRACT_POSITION_WEAK, sentence)
            if match:
                return result("position", sentence, f"abstract: {match.group(0).strip()}")
    if not contributions and strong:
        return result("empirical", strong[0], f"abstract: {strong[1].group(0).strip()}")
    if contributions:
        sentence, (_, obj) = contributions[0]
        return result("method", sentence, f"contribution: {obj}")
    return result("method", title, "default")


def detect_paper_types(papers: Sequence[Paper], roles: Sequence[Sequence] | None = None,
                       workers: int | None = None) -> pd.DataFrame:
    """``paper_id, type, evidence, cue`` for each paper, in input order. Above
    :data:`~surveykit.roles.annotate.PARALLEL_ABOVE` papers the rules run in ``workers`` processes
    (default: the CPUs available, at most 4); the result does not depend on it."""
    from surveykit.roles.annotate import CHUNK_ABSTRACTS, PARALLEL_ABOVE, default_workers

    items = [(p.id, p.title or "", p.abstract or "") for p in papers]
    jobs = [(items[i:i + CHUNK_ABSTRACTS], list(roles[i:i + CHUNK_ABSTRACTS]) if roles is not None else None)
            for i in range(0, len(items), CHUNK_ABSTRACTS)]
    count = default_workers() if workers is None else max(1, workers)
    if count > 1 and len(jobs) > 1 and len(items) > PARALLEL_ABOVE:
        from concurrent.futures import ProcessPoolExecutor

        from surveykit.parallel import spawn_context

        with ProcessPoolExecutor(min(count, len(jobs)), mp_context=spawn_context()) as pool:
            rows = [row for part in pool.map(_detect_job, jobs) for row in part]
    else:
        rows = [row for job in jobs for row in _detect_job(job)]
    return pd.DataFrame(rows, columns=["paper_id", "type", "evidence", "cue"])


def _detect_job(job: tuple[list[tuple[str, str, str]], list | None]) -> list[dict]:
    items, roles = job
    return [detect_paper_type(item, roles[i] if roles is not None else None).__dict__
            for i, item in enumerate(items)]
