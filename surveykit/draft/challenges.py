"""Open challenges as a synthesis: the papers' limitation and future-work sentences grouped into a
few challenges, each stated in the survey's words with the papers that raise it, where in the
taxonomy it comes up, and one short quoted example.

A sentence counts when the role annotation flags it as a limitation or future-work statement, or
when the cue classifier of :mod:`surveykit.draft.sentences` calls it one. Challenges are a fixed,
field-independent list of research problems (evaluation, generalisation, efficiency...), each
recognised by cue words; a sentence joins the challenge whose cues it matches most. Deterministic:
no model, no randomness.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from surveykit.draft.model import DraftSentence, Paragraph, Ref, Segment
from surveykit.draft.sentences import SourceSentence, states_a_remedy


@dataclass(frozen=True)
class Challenge:
    """A research problem: its heading, what papers raising it point to, and its cue words."""

    name: str
    statement: str  # "<subject> <statement>": what the papers point to, in the survey's words
    cues: re.Pattern[str]


def _cues(pattern: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + pattern + r")", re.IGNORECASE)


# statements are deliberately modest: each paper raises *an aspect* of the challenge in a limitation
# or future-work sentence, which is all the citation can vouch for
CHALLENGES: tuple[Challenge, ...] = (
    Challenge("Evaluation", "evaluation (benchmarks, metrics and how realistic the test settings are)",
              _cues(r"evaluat|benchmark|metric|measur|assess|leaderboard|test set")),
    Challenge("Generalisation and robustness", "generalisation to unseen tasks, domains and inputs",
              _cues(r"generali[sz]|robust|unseen|out-of-distribution|transfer|domain shift|brittle|"
                    r"adapt\w* to new|diverse (?:tasks|environments|settings)")),
    Challenge("Reasoning and long-horizon tasks", "multi-step reasoning, planning and long-horizon decision "
              "making", _cues(r"long-horizon|long horizon|plan\w*|reason\w*|multi-step|multi-turn|"
                              r"complex tasks|decision[- ]making")),
    Challenge("Efficiency and cost", "the computational cost, latency and scale of current approaches",
              # not the words of a field's subject: "tokens" of code, "computer" programs, "large-scale"
              _cues(r"cost|efficien|latency|computational\w*|compute\b|expensive|(?<![\w-])scal(?:e|es|ing|"
                    r"able|ability)\b|token (?:cost|usage|consumption|budget)|inference time|"
                    r"(?:computational|memory) resources|resource[- ](?:intensive|consumption|constrain)")),
    Challenge("Safety, security and trust", "risks such as attacks, unsafe or biased behaviour and privacy",
              _cues(r"safe|safety|attack|secur|vulnerab|risk|harm|privacy|jailbreak|bias|fair|ethic|"
                    r"trust|malicious|misuse|toxic")),
    Challenge("Reliability and factuality", "errors, hallucinations and inconsistent outputs",
              _cues(r"hallucinat|error|reliab|mistake|factual|inconsisten|incorrect|faithful|unreliab")),
    Challenge("Data and supervision", "the scarcity and cost of training data, annotation and feedback",
              _cues(r"data scarcity|annotat|label(?:l)?ed data|training data|supervision|low-resource|"
                    r"data collection|human feedback|scarce|synthetic data")),
    Challenge("Interaction with humans", "alignment with people, explanations and working alongside users",
              _cues(r"human|user|align\w*|interpretab|explainab|explanation|"
                    r"collaborat\w* with (?:people|humans)")),
    Challenge("Coordination of multiple agents", "communication, division of work and consistency among "
              "several agents", _cues(r"multi-agent|coordinat|communicat|cooperat|collaborat")),
    Challenge("Memory and context", "limited context and memory", _cues(r"memory|context (?:length|window)|"
                                                                       r"long context|forget")),
)


MAX_CITED = 8  # papers cited by name for one challenge; a larger group is counted


@dataclass
class RaisedChallenge:
    """A challenge with the sentences (one per paper at most) that raise it, in corpus order."""

    challenge: Challenge
    sentences: list[SourceSentence]

    @property
    def papers(self) -> list[str]:
        return list(dict.fromkeys(s.paper_id for s in self.sentences))


def challenge_sentences(
    sentences: Mapping[str, Sequence[SourceSentence]],
    papers: Sequence[str],
    flags: Mapping[str, Mapping[int, bool]],
) -> list[SourceSentence]:
    """The limitation and future-work sentences of ``papers`` (role annotation flags or cue roles),
    never the paper's own remedy (a contribution, "To overcome these limitations, we ...")."""
    out = []
    for pid in papers:
        for s in sentences.get(pid, []):
            if s.role == "contribution" or states_a_remedy(s.text):
                continue
            if flags.get(pid, {}).get(s.index) or s.role in ("limitation", "future"):
                out.append(s)
    return out


def group_challenges(pool: Sequence[SourceSentence], low: int = 3, high: int = 6) -> list[RaisedChallenge]:
    """Each sentence to the challenge whose cues it matches most (ties: list order); the challenges
    raised by most papers, at least two papers each (fewer only to reach ``low``)."""
    raised = {c.name: RaisedChallenge(c, []) for c in CHALLENGES}
    for s in pool:
        scores = [(len(c.cues.findall(s.text)), -i, c) for i, c in enumerate(CHALLENGES)]
        best = max(scores, key=lambda t: (t[0], t[1]))
        if best[0] == 0:
            continue
        group = raised[best[2].name]
        if s.paper_id not in group.papers:
            group.sentences.append(s)
    ranked = sorted((r for r in raised.values() if r.sentences),
                    key=lambda r: (-len(r.papers), CHALLENGES.index(r.challenge)))
    chosen = [r for r in ranked if len(r.papers) >= 2][:high]
    if len(chosen) < low:
        chosen += [r for r in ranked if r not in chosen][: low - len(chosen)]
    return chosen


# words of a sentence that states a problem (not a result that happens to mention one)
_STATES_A_GAP = re.compile(
    r"\b(?:remains?|still|lack\w*|struggl\w*|fail\w*|under-?explored|open (?:problem|question)s?|far from|"
    r"bottleneck\w*|challeng\w*|limited|limitations?|future (?:work|research)|unclear|difficult)\b",
    re.IGNORECASE)


def challenge_example(raised: RaisedChallenge) -> SourceSentence | None:
    """A short, self-contained sentence of the group to quote (the one with most cue words); not one
    that opens with a connective (``Conversely, ...``) or leans on context."""
    pool = [s for s in raised.sentences
            if s.stands_alone and 8 <= s.n_words <= 35 and not re.match(r"^\w+,", s.text)]
    if not pool:
        return None
    return sorted(pool, key=lambda s: (not _STATES_A_GAP.search(s.text),
                                       -len(raised.challenge.cues.findall(s.text)), s.n_words, s.paper_id))[0]


def challenge_paragraph(
    raised: RaisedChallenge,
    themes: Sequence[tuple[str, str, set[str]]],
    quote: Callable[[SourceSentence, str], DraftSentence],
    subject: Callable[[Sequence[str]], list[Segment]],
) -> Paragraph:
    """``**Evaluation.** Five papers (A; B; ...) name how systems are evaluated ... among the
    limitations of current work or as future work. It comes up most in <theme> (Section 3.2, three
    papers) and <theme> (Section 4.1, two). For example, "..." (C).``

    ``themes``: (label, section label, paper ids) of each theme; ``quote`` makes the extracted
    example sentence; ``subject`` names a group of papers (textual citations or a count)."""
    papers = raised.papers
    verb = "points" if len(papers) == 1 else "point"
    if len(papers) > MAX_CITED:  # a large survey: the count, and the papers that state it most plainly
        ranked = sorted(raised.sentences, key=lambda s: (not _STATES_A_GAP.search(s.text),
                                                         -len(raised.challenge.cues.findall(s.text)),
                                                         papers.index(s.paper_id)))
        cited = [s.paper_id for s in ranked[:MAX_CITED]]
        parts: list[Segment] = [f"{len(papers)} papers point to {raised.challenge.statement} as a limitation "
                                "of current work or a direction for future work, among them ",
                                *subject(cited)[-1:], "."]
    else:
        cited = papers
        parts = [*subject(papers), f" {verb} to {raised.challenge.statement} as a limitation of "
                 "current work or a direction for future work."]
    sentences = [DraftSentence(parts, "summary", tuple(cited), tag="challenge")]
    where = sorted(((label, ref, len(ids & set(papers))) for label, ref, ids in themes if ids & set(papers)),
                   key=lambda t: (-t[2], t[0]))
    if where and len(papers) > 1:
        named: list[Segment] = ["It comes up most in " if len(where) > 2 else "It comes up in "]
        for i, (label, ref, n) in enumerate(where[:2]):
            if i:
                named.append(" and ")
            named += [f"{label} (", Ref(ref, "Section"), f", {_count(n, 'paper')})"]
        named.append(".")
        sentences.append(DraftSentence(named, "structural"))
    example = challenge_example(raised)
    if example is not None:
        sentences.append(quote(example, "For example, "))
    return Paragraph(sentences, lead=raised.challenge.name)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


__all__ = ["CHALLENGES", "Challenge", "RaisedChallenge", "challenge_example", "challenge_paragraph",
           "challenge_sentences", "group_challenges"]
