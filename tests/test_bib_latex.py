"""Escaping unicode text for BibTeX/LaTeX, URL handling and title brace protection."""

from __future__ import annotations

import pytest

from surveykit.bib import escape_latex, escape_url, latex_name, needs_t1, protect_title
from surveykit.bib.latex import ASCII_ESCAPES, brace_balance_ok


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("R&D", r"R\&D"),
        ("11.88%", r"11.88\%"),
        ("$0.88", r"\$0.88"),
        ("#1", r"\#1"),
        ("snake_case", r"snake\_case"),
        ("{x}", r"{\textbraceleft}x{\textbraceright}"),
        ("a~b", r"a{\textasciitilde}b"),
        ("x^2", r"x{\textasciicircum}2"),
        ("a\\b", r"a{\textbackslash}b"),
        ("a<b>c", r"a{\textless}b{\textgreater}c"),
        ("a|b", r"a{\textbar}b"),
        ("Jörg", r"J{\"o}rg"),
        ("Öztürk", r"{\"O}zt{\"u}rk"),
        ("François", r"Fran{\c{c}}ois"),
        ("Łukasz Dvořák", r"{\L}ukasz Dvo{\v{r}}{\'a}k"),
        ("Erdős", r"Erd{\H{o}}s"),
        ("naïve", r"na{\"{\i}}ve"),
        ("Ștefan", r"{\textcommabelow{S}}tefan"),
        ("Straße", r"Stra{\ss}e"),
        ("2019–2021", "2019--2021"),
        ("a — b", "a --- b"),
        ("‘single’ “double”", "`single' ``double''"),
        ("wait…", r"wait{\ldots}"),
        ("α-test ≤ 3", r"{\ensuremath{\alpha}}-test {\ensuremath{\leq}} 3"),
        ("5 × 3", r"5 {\ensuremath{\times}} 3"),
        ("a\u00a0b", "a~b"),
        ("soft\u00adhyphen", "softhyphen"),
        ("  many \n spaces\t", "many spaces"),
        ("x\u0306", r"{\u{x}}"),  # combining mark without a precomposed letter
        ("ǘ", r"{\'{\"{u}}}"),  # two accents
    ],
)
def test_escape_latex_table(text, latex):
    assert escape_latex(text) == latex


def test_every_ascii_special_is_escaped_and_braces_stay_balanced():
    text = "".join(ASCII_ESCAPES)
    latex = escape_latex(text)
    assert brace_balance_ok(latex)
    for char in "&%$#_":
        assert latex.count("\\" + char) == 1
    stripped = latex
    for escaped in ASCII_ESCAPES.values():
        stripped = stripped.replace(escaped, "")
    assert stripped == ""


def test_unicode_dash_next_to_hyphen_does_not_merge_into_a_longer_dash():
    assert escape_latex("a-\u2013b") == "a-{}--b"
    assert escape_latex("a\u2013b") == "a--b"  # a real en dash is TeX's --


def test_typed_characters_are_protected_from_tex_ligatures():
    # literal text prints as typed: -- is not an en dash, '' not a quote, ?` not an inverted ?
    cases = {"a--b": "a-{}-b", "a---b": "a-{}-{}-b", "''x''": "'{}'x'{}'", "``q": "`{}`q",
             ",,x": ",{},x", "?`x": "?{}`x", "!`x": "!{}`x"}
    for text, latex in cases.items():
        assert escape_latex(text) == latex


def test_non_latin_letters_are_transliterated_and_reported():
    lost: list[str] = []
    assert escape_latex("基于大模型 agents", lost) == "Ji Yu Da Mo Xing agents"
    assert escape_latex("Агенты") == "Agenty"
    assert len(lost) == 5


def test_unrepresentable_characters_are_reported():
    lost: list[str] = []
    assert escape_latex("Agent 中文 😀 ﬁx", lost) == "Agent Zhong Wen ? fix"
    assert lost == ["中", "文", "😀", "ﬁ"]


def test_output_is_ascii():
    latex = escape_latex("Ĳssel Ångström Çelik Ørsted Šibenik Ýmir ÿ ĳ ŉ ǅ ẞ ‰ € ™ ®")
    assert latex.isascii()
    assert brace_balance_ok(latex)


def test_t1_only_glyphs_are_flagged():
    assert needs_t1(escape_latex("Łęski"))  # ogonek
    assert needs_t1(escape_latex("Đorđević"))
    assert not needs_t1(escape_latex("Jörg Öztürk François Łukasz"))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.org/a%20b#frag", "https://x.org/a%20b#frag"),
        ("https://x.org/a_b~c&d=1", "https://x.org/a_b~c&d=1"),
        ("https://x.org/{id}", "https://x.org/%7Bid%7D"),
        ("https://x.org/a b", "https://x.org/a%20b"),
        ("https://x.org/100%", "https://x.org/100%25"),
        ("https://x.org/a\\b^c", "https://x.org/a%5Cb%5Ec"),
        ("https://x.org/ö", "https://x.org/%C3%B6"),
    ],
)
def test_escape_url_keeps_urls_usable(url, expected):
    assert escape_url(url) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("BLADE: Benchmarking Language Model Agents",
         "{BLADE}: Benchmarking Language Model Agents"),
        ("MLAgentBench: Evaluating Language Agents", "{MLAgentBench}: Evaluating Language Agents"),
        ("Small LLMs Are Weak Tool Learners", "Small {LLMs} Are Weak Tool Learners"),
        ("Beyond GPT-4 and LLM-based Agents", "Beyond {GPT-4} and {LLM}-based Agents"),
        ("ToolChain*: Efficient Search with A* Search",
         "{ToolChain*}: Efficient Search with {A*} Search"),
        ("Learning to Be A Doctor", "Learning to Be A Doctor"),  # the article A is not protected
        ("What I Learned in 3D", "What {I} Learned in {3D}"),
        ("StarCraft II and Q-learning", "{StarCraft} {II} and {Q}-learning"),
        ("Agent-Environment Alignment", "Agent-Environment Alignment"),
        ("Bayesian Agents for iPhone", "{Bayesian} Agents for {iPhone}"),
        ("diff History for Agents", "diff History for Agents"),
        ("(LLMs) & 11.88% Gains", r"({LLMs}) \& 11.88\% Gains"),
        ("Jörg's ÖZTÜRK Method", r"J{\"o}rg's {{\"O}ZT{\"U}RK} Method"),
        ("Llama2 and Qwen2.5", "{Llama2} and {Qwen2.5}"),
    ],
)
def test_protect_title(title, expected):
    assert protect_title(title) == expected


def test_protect_title_custom_proper_nouns():
    assert protect_title("Werewolf Games", proper_nouns={"Werewolf"}) == "{Werewolf} Games"


@pytest.mark.parametrize(
    ("name", "latex"),
    [
        ("Öztürk, Jörg", r"{\"O}zt{\"u}rk, J{\"o}rg"),
        ("{OpenAI}", "{OpenAI}"),
        ("{Barnes and Noble}", "{Barnes and Noble}"),
        ("van der Berg, Jan", "van der Berg, Jan"),
        ("Team and Co, The", "{Team and Co}, The"),
        ("Smith, Jr, John", "Smith, Jr, John"),
    ],
)
def test_latex_name(name, latex):
    assert latex_name(name) == latex
