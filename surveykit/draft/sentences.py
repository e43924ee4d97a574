"""Candidate sentences from abstracts: split with offsets, cleaned, classified, attributed.

Splitting reuses :func:`surveykit.attributes.sentences.split_sentences` (it keeps ``e.g.``,
``et al.``, decimals and ``v1.0`` inside a sentence). A sentence is *skipped* when it cannot be
quoted cleanly: TeX leftovers (``\\projectname``, ``$boldsymbol{...}``), URLs and code-release
notes, questions, fragments and very long sentences.

First-person framing is rewritten by **attribution**, keeping the original wording otherwise:
``To address these challenges, we present BLADE, ...`` becomes ``<Gu et al. (2024)> present
BLADE, ...`` where ``<...>`` is a textual citation of the source paper; later ``we``/``our``/``us``
become ``they``/``their``/``them``. Sentences are classified by role (``contribution``,
``finding``, ``limitation``, ``future``, ``background``) from cue phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from surveykit.attributes.sentences import split_sentences
from surveykit.corpus.model import Paper
from surveykit.textutil import collapse_ws

AUTHOR = "\x00AUTHOR\x00"  # placeholder for the textual citation of the source paper

MIN_WORDS = 7
MAX_WORDS = 55

_TEX_LEFTOVER = re.compile(r"\\[A-Za-z]+|\$[A-Za-z\\{]|[{}]|\^\{|_\{")
_URL = re.compile(r"https?://|www\.|github\.com|huggingface\.co|\.github\.io|\b[\w-]+\.(?:com|org|io)\b")
_RELEASE = re.compile(
    r"\b(code|data|dataset|benchmark|models?|resources?|implementation)s?\b[^.]{0,60}\b"
    r"(is|are|will be|has been|have been)\s+(publicly\s+)?(available|released|open-sourced)"
    r"|\b(we|will)\s+(open-source|release)\b|\bpublicly available\b|\bavailable at\b",
    re.IGNORECASE,
)
_INTRO_CLAUSE = re.compile(
    r"^(?:(?:In|Within) (?:this|the present|our) (?:paper|work|study|article|survey),?\s+"
    r"|Here,?\s+|In response,?\s+|To this end,?\s+|Therefore,?\s+|Thus,?\s+|Hence,?\s+"
    r"|Specifically,?\s+|Concretely,?\s+|Finally,?\s+|Moreover,?\s+|Furthermore,?\s+"
    r"|Additionally,?\s+|In addition,?\s+|First,?\s+|Then,?\s+|Next,?\s+"
    r"|Subsequently,?\s+|More specifically,?\s+|Second(?:ly)?,?\s+|Third(?:ly)?,?\s+|Lastly,?\s+"
    r"|Accordingly,?\s+|Afterwards,?\s+|As an? (?:remedy|solution|first step|step forward),?\s+"
    r"|(?:In light of|Motivated by|Inspired by|Building on|Based on) (?:this|these|that|those|such)"
    r"\b[^,]{0,50},\s+"
    r"|Towards? (?:addressing|tackling|solving) (?:this|these|that|such)\b[^,]{0,40},\s+"
    r"|To (?:address|tackle|overcome|bridge|fill|mitigate|solve|close|remedy|resolve|meet|answer)"
    r" (?:these|this|the|such|that|those|both|above)\b[^,]{0,60},\s+)(?=[Ww]e\b)"
)
_LEADING_CONNECTIVE = re.compile(
    r"^(?:However|Moreover|Furthermore|Additionally|In addition|Also|Besides|Notably|Importantly|Overall"
    r"|Finally|Lastly|Specifically|Concretely|Consequently|As a result|Meanwhile|Then|Thus|Hence"
    r"|Therefore|In particular|To this end|In summary|In conclusion|Crucially|Subsequently"
    r"|More specifically|Accordingly|Afterwards|Second(?:ly)?|Third(?:ly)?),\s+"
)
_ANAPHORIC_START = re.compile(
    r"^(?:This|These|That|Those|It|Its|They|Their|Such|Both|Each|The latter|The former|Here|"
    r"Unlike|Compared|However|But|And|Yet|Nevertheless|Nonetheless|Instead|Similarly|Likewise)\b"
)
_PRONOUN_START = re.compile(
    r"^(?:This|These|That|Those|It|Its|They|Their|Such)\b(?! (?:paper|work|study|article)\b)")
_DANGLING = re.compile(
    r"^[^,]{0,80}\b(?:this|these|that|those|such)\b[^,]{0,40},|"
    r"\b(?:these|those|such|this|the above) (?:challenges?|issues?|problems?|limitations?|gaps?|"
    r"shortcomings?|difficult(?:y|ies)|questions?|drawbacks?)\b"
)
# the words that open a subordinate clause ("Although X ..., it": the pronoun may point inside)
_SUBORDINATORS = ("Although|Though|While|Whereas|When|Whenever|If|Since|As|Because|Once|Unless|Despite"
                  "|Given")
# In the abstract's own words: a pronoun subject after a fronted phrase ("By incorporating A*
# search, it prunes ...": "it" is the method named in the sentence before; not after a subordinate
# clause, nor "To this end, it is necessary"), or the authors going on ("We then translate ...")
_FRONTED_PRONOUN = re.compile(
    rf"^(?!(?:{_SUBORDINATORS})\b)[^,]{{0,150}},\s+(?:it|they|its|their|this|these)\b"
    r"(?!\s+(?:is|was|becomes|became|remains|seems|appears|paper|work|study|article)\b)")
_CONTINUES = re.compile(
    r"^(?:We|They|It)\s+(?:then|further|next|subsequently|finally|additionally|also|again|thereby"
    r"|thus|therefore)\b")
# "this task", "this approach", "address this": once "this paper/work" is attributed, a "this" left
# in the sentence points to an earlier one of the abstract
_THIS = re.compile(r"\b[Tt]his\b(?!\s+(?:paper|work|study|article)\b)")
_FIRST_STEP = re.compile(r"^(?:We|They)\s+first\b")
# "these attacks", "such models": a demonstrative whose noun the sentence has not named before it
_DEMONSTRATIVE = re.compile(
    r"\b(?:[Tt]hese|[Tt]hose|[Ss]uch)\s+(?!(?:as|that|a|an|who|which|of|in)\b)([a-z][\w-]*)")
# a pronoun opening a subordinate clause: "While their capabilities are promising, they ..."
_SUBORDINATE_PRONOUN = re.compile(rf"^(?:{_SUBORDINATORS})\s+(?:their|its|they|it|these|those|this)\b")


def _leans_on_the_abstract(stripped: str, wording: str) -> bool:
    """Whether the sentence reads well only next to others of its abstract: the authors going on
    ("We then ..."), or starting a sequence the sentence does not finish ("We first ..." without
    "then"), a "this" left once "this paper" is attributed, a pronoun opening a subordinate
    clause, or "these X" / "such X" with no X before it in the sentence ("these agents" after
    "tools and agents" has one)."""
    if _CONTINUES.match(stripped) or _THIS.search(wording) or _SUBORDINATE_PRONOUN.match(stripped):
        return True
    if _FIRST_STEP.match(stripped) and not re.search(r"\b(?:then|second|next|finally)\b", stripped):
        return True  # "We first provide an example ...": the first step of several, told alone
    for match in _DEMONSTRATIVE.finditer(stripped):
        noun = match.group(1).lower()
        stem = noun[:-1] if noun.endswith("s") and len(noun) > 3 else noun
        if not re.search(rf"\b{re.escape(stem)}", stripped[:match.start()], re.IGNORECASE):
            return True
    return False


_SELF_INTRO = re.compile(r"^(?:In|Within|Through) (?:this|the present|our) (?:paper|work|study|article),?\s+")
_SELF_REFERENCE = re.compile(r"\b(?:[Tt]his|[Oo]ur|[Tt]he present) (?:paper|work|study|article)\b")
_FIRST_PERSON = re.compile(r"\b(?:[Ww]e|[Oo]urs?|[Uu]s|[Oo]urselves)\b")  # not "US", "WE"

_CONTRIBUTION = re.compile(
    r"\b(?:we|this (?:paper|work|study))\s+(?:\w+ly\s+)?(?:propose|present|introduce|develop|design|"
    r"build|construct|create|curate|release|formulate|offer|describe|contribute|establish|devise|"
    r"proposes|presents|introduces|develops|designs|builds|constructs|creates|curates|releases|"
    r"formulates|offers|describes|contributes|establishes|devises|provide|provides|conduct|conducts|"
    r"review|reviews|investigate|investigates|explore|explores|examine|examines)\b",
    re.IGNORECASE,
)
_FINDING = re.compile(
    r"\b(?:results?|experiments?|evaluations?|analys[ie]s|findings?|studies)\s+(?:\w+\s+){0,3}"
    r"(?:show|shows|demonstrate|demonstrates|reveal|reveals|indicate|indicates|suggest|suggests"
    r"|confirm|confirms)\b|\bwe (?:find|found|show|observe|demonstrate|reveal)\b|\boutperform"
    r"|\bachiev(?:e|es|ing)\b|\bimprov(?:e|es|ing) (?:\w+ ){0,3}by\b|\d+(?:\.\d+)?\s?%",
    re.IGNORECASE,
)
_LIMITATION = re.compile(
    r"\b(?:remains?|remained|challeng(?:e|es|ing)|limitations?|limited|struggles?|struggling|fails?|"
    r"failures?|lacks?|lacking|gaps?|far from|non-optimal|suboptimal|bottlenecks?|open (?:problem|"
    r"question|issue)s?|under-?explored|unexplored|difficult|difficulty|hallucinat\w*|insufficient|"
    r"unreliable|brittle|vulnerable to|costly|expensive|unclear|poorly|still)\b"
    # a vulnerability raised, not a task ("vulnerability detection" names a field of ML for code)
    r"|\b(?:introduc|pos|expos|rais|creat|open|leav|lead)\w* (?:\w+ ){0,3}?vulnerabilit(?:y|ies)\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\bfuture (?:work|research|directions?|studies|agents|systems|efforts)\b|\bpave[sd]? the way\b|"
    r"\bcalls? for\b|\b(?:underscor|highlight|emphasiz|emphasis|stress)\w* the (?:need|importance)\b|"
    r"\bthere is (?:a|an urgent) need\b|\bopens? (?:up )?(?:new|promising)\b|"
    r"\bpromising (?:direction|avenue)s?\b|\bremains? (?:an )?open\b|\bopen (?:problem|question)s?\b",
    re.IGNORECASE,
)

_THIRD_PERSON = {"have": "has", "are": "is", "were": "was"}  # the others by rule (_third_person)


@dataclass(frozen=True)
class SourceSentence:
    """One quotable abstract sentence, its offsets in ``paper.abstract`` and its survey wording.

    ``text`` is the sentence exactly as in the abstract (``abstract[start:end]``); ``wording`` is
    what the survey writes, possibly containing :data:`AUTHOR` once (the textual citation).
    """

    paper_id: str
    index: int
    start: int
    end: int
    text: str
    wording: str
    role: str
    attributed: bool = False
    anaphoric: bool = False
    tags: frozenset[str] = field(default_factory=frozenset)

    @property
    def stands_alone(self) -> bool:
        """Readable away from its abstract: neither anaphoric nor tagged ``continues`` (it may
        follow the paper's own sentence, but opens no paper's part and is quoted alone nowhere)."""
        return not self.anaphoric and "continues" not in self.tags

    @property
    def n_words(self) -> int:
        return len(self.text.split())


def skip_reason(text: str) -> str | None:
    """Why a sentence cannot be quoted in a survey, or ``None`` when it can."""
    words = text.split()
    if len(words) < MIN_WORDS:
        return "too short"
    if len(words) > MAX_WORDS:
        return "too long"
    if _TEX_LEFTOVER.search(text):
        return "TeX leftovers"
    if _URL.search(text):
        return "URL"
    if _RELEASE.search(text):
        return "code or data release note"
    if text.rstrip().endswith("?"):
        return "question"
    if not text[0].isupper() and not text[0].isdigit():
        return "starts mid-sentence"
    if text.count("(") != text.count(")") or text.count('"') % 2 or text.count("[") != text.count("]"):
        return "unbalanced brackets or quotes"
    if not text.rstrip().endswith((".", "!", '."', ".)")):
        return "no final full stop"
    return None


def cited_as_plural(paper: Paper) -> bool:
    """Whether the paper's textual citation is a plural subject: "Chen et al." and "Chen and Li"
    are; one author's name, or the title of a paper without authors, is not."""
    return len(paper.authors) >= 2


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


_COORDINATED_VERBS = frozenset({
    "find", "show", "demonstrate", "evaluate", "conduct", "analyze", "analyse", "observe", "argue",
    "provide", "describe", "identify", "investigate", "explore", "propose", "present", "introduce",
    "develop", "construct", "create", "curate", "build", "reveal", "utilize", "apply", "compare",
    "examine", "extend", "highlight", "discuss", "offer", "obtain", "achieve", "outperform",
    "suggest", "verify", "validate", "quantify", "formalize", "define", "collect", "annotate"})


# words between the subject and its verb ("we then propose"), and words after "we" that are no
# verb taking an -s: modals, past tenses
_ADVERBS = frozenset(" ".join([
    "then also further first next now thus therefore additionally finally subsequently again",
    "instead still only both all each here mainly almost never always often even already rather",
    "just not"]).split())
_UNCHANGED = frozenset(" ".join([
    "can could will would may might must shall should did had was were found built made took gave",
    "wrote ran began saw led brought chose drew held kept left met put set sought spent taught",
    "thought won got became came released"]).split())


_VERB_AFTER_SUBJECT = re.compile(
    r"(\s+)((?:(?:\w+ly|" + "|".join(sorted(_ADVERBS)) + r")\s+)*)([A-Za-z]+)\b")


def _third_person(verb: str) -> str:
    """``propose`` -> ``proposes``, ``study`` -> ``studies``, ``focus`` -> ``focuses``; modals and
    past tenses unchanged."""
    low = verb.lower()
    if low in _THIRD_PERSON:
        return _THIRD_PERSON[low]
    if low in _UNCHANGED or low.endswith("ed") or not low.isalpha():
        return verb
    if re.search(r"(?:s|sh|ch|x|z|o)$", low):
        return verb + "es"
    if re.search(r"[^aeiou]y$", low):
        return verb[:-1] + "ies"
    return verb + "s"


def _single_author_verbs(text: str) -> str:
    """Third-person singular for the verb of the author placeholder standing for "we" (one-author
    papers, and papers without authors, cited by their title)."""
    head, _, tail = text.partition(AUTHOR)
    match = _VERB_AFTER_SUBJECT.match(tail)
    if not match:
        return text
    conjugated = _third_person(match.group(3))
    adverb = match.group(2)
    rest = tail[match.end():]
    # and a verb it is coordinated with ("investigates this phenomenon and finds that ..."), the
    # first in the clause; only verbs that are no nouns as well ("and benchmark", "and design")
    clause = rest.split(";")[0].split(":")[0]
    verb = next((m for m in re.finditer(r"\band\s+(\w+)\b", clause) if m.group(1) in _COORDINATED_VERBS),
                None)  # "presents the advantages and weaknesses of ... and provides insight"
    if verb is not None:
        rest = rest[:verb.start(1)] + _third_person(verb.group(1)) + rest[verb.end(1):]
    return f"{head}{AUTHOR}{match.group(1)}{adverb}{conjugated}{rest}"


def attribute(text: str, single_author: bool = False) -> tuple[str, bool]:
    """Rewrite first-person framing by attribution; returns (wording, attributed?).

    The first ``we`` (at the start, or after an introductory clause) becomes :data:`AUTHOR`;
    ``our X`` at the start becomes ``In AUTHOR, the X``; without those, the first "this/our
    work" becomes "the work of AUTHOR", else the first ``us`` becomes AUTHOR; other
    ``we/our/us`` become ``they/their/them``. A sentence without first person is returned
    unchanged.
    """
    wording = text
    attributed = False
    intro = _INTRO_CLAUSE.match(wording)
    if intro:
        wording = wording[intro.end() :]
    self_intro = _SELF_INTRO.match(wording)
    if self_intro:
        wording = _capitalise(wording[self_intro.end() :])
    first_we = re.search(r"\b[Ww]e\b", wording)
    if first_we:
        wording = wording[: first_we.start()] + AUTHOR + wording[first_we.end() :]
        attributed = True
    elif re.match(r"Our\s", wording):
        wording = f"In {AUTHOR}, the " + wording[4:]
        attributed = True
    elif m := re.match(r"(?:This|The present) (?:paper|work|study|article)\b", wording):
        wording = f"The work of {AUTHOR}" + wording[m.end() :]
        attributed = True
    elif m := _SELF_REFERENCE.search(wording):  # "Motivated by AutoML, our work introduces ..."
        wording = wording[: m.start()] + f"the work of {AUTHOR}" + wording[m.end() :]
        attributed = True
    elif m := re.search(r"\bus\b", wording):  # "... led us to classify them" (not "they ... them")
        wording = wording[: m.start()] + AUTHOR + wording[m.end() :]
        attributed = True
    if _FIRST_PERSON.search(wording):
        wording = _replace_first_person(wording)
    wording = _SELF_REFERENCE.sub("their work", wording)
    if first_we and single_author:  # "we propose": the verb agrees with the one cited
        wording = _single_author_verbs(wording)
    return wording, attributed


def _replace_first_person(text: str) -> str:
    table = {"we": "they", "our": "their", "ours": "theirs", "us": "them", "ourselves": "themselves"}

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        new = table[word.lower()]
        return _capitalise(new) if word[0].isupper() else new

    return _FIRST_PERSON.sub(swap, text)


_SOLVES = re.compile(
    r"\b(?:overc[oa]me|overcoming|address(?:es|ed|ing)?|alleviat\w*|mitigat\w*|tackl\w*|solv\w*|resolv\w*|"
    r"remed\w*|eliminat\w*|reduc\w*)\b[^.]{0,40}\b(?:limitation|difficult|challenge|issue|problem|gap|risk)",
    re.IGNORECASE,
)


def states_a_remedy(text: str) -> bool:
    """Whether the sentence states what overcomes a limitation ("To overcome these limitations, we
    ..."), not a limitation that remains."""
    return bool(_SOLVES.search(text))


def _cues(text: str) -> dict[str, bool]:
    """Which cue families a sentence holds (each pattern searched once)."""
    return {"limitation": bool(_LIMITATION.search(text)), "future": bool(_FUTURE.search(text)),
            "finding": bool(_FINDING.search(text)),
            "contribution": bool(_CONTRIBUTION.search(text))}


def _role(cues: dict[str, bool], text: str) -> str:
    if cues["future"] and not cues["contribution"]:
        return "future"
    if cues["contribution"]:
        return "contribution"
    if cues["limitation"] and not _SOLVES.search(text):
        return "limitation"
    if cues["finding"]:
        return "finding"
    return "background"


def classify(text: str) -> str:
    """The role of a sentence in an abstract, from cue phrases."""
    return _role(_cues(text), text)


_SPACE_BEFORE_MARK = re.compile(r"(?<=\w) ([,;])(?=\s)")


def paper_sentences(paper: Paper) -> list[SourceSentence]:
    """The quotable sentences of one abstract, in order, with offsets into ``paper.abstract``."""
    abstract = paper.abstract or ""
    out: list[SourceSentence] = []
    single = not cited_as_plural(paper)
    for sentence in split_sentences(abstract):
        text = sentence.text
        text_clean = collapse_ws(text) if "\n" in text or "  " in text else text
        text_clean = _SPACE_BEFORE_MARK.sub(r"\1", text_clean)  # "StarCraft II , however"
        if skip_reason(text_clean):
            continue
        cues = _cues(text_clean)
        role = _role(cues, text_clean)
        stripped = _LEADING_CONNECTIVE.sub("", text_clean)
        if stripped != text_clean and not _INTRO_CLAUSE.match(text_clean):
            stripped = _capitalise(stripped)
        else:
            stripped = text_clean
        wording, attributed = attribute(stripped, single_author=single)
        wording = _capitalise(wording) if not wording.startswith(AUTHOR) else wording
        # attributed: "Unlike prior work, AUTHOR ..." stands alone; "This caused ... which AUTHOR
        # addressed" still leans on the sentence before it
        anaphoric = (bool(_ANAPHORIC_START.match(wording))
                     and (not attributed or bool(_PRONOUN_START.match(wording)))) or bool(
            _DANGLING.search(wording.replace(AUTHOR, "they")) or _FRONTED_PRONOUN.match(stripped)
        )
        tags = frozenset(tag for tag in ("limitation", "future", "finding", "contribution") if cues[tag])
        if _leans_on_the_abstract(stripped, wording):  # reads well after the paper's own sentence
            tags |= {"continues"}
        out.append(
            SourceSentence(
                paper.id,
                sentence.index,
                sentence.start,
                sentence.end,
                sentence.text,
                wording,
                role,
                attributed,
                anaphoric,
                tags,
            )
        )
    return out
