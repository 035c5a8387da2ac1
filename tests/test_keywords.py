"""Keywords match in linear time whatever the keyword and the text (RE2, no backtracking), with the documented
rules unchanged; a keyword that cannot pick anything out is a configuration error naming it."""

from __future__ import annotations

import re
import time

import pytest
from helpers import ROOT

from aggregator.config import ConfigError, load_config
from aggregator.keywords import keyword_problem, matches_keyword


@pytest.mark.parametrize(("keyword", "text"), [
    ("*bosetting", "a" * 97_000),  # docs/configuration.md's own example against one 97 KB word: 54 s with backtracking
    ("*a*a*a*a*x", "a" * 200),  # stars that backtrack exponentially in Python's re
    ("a*a*a*a*a*b", ("a" * 5000 + " ") * 20),
    ("KS", "k" * 100_000),
])
def test_no_keyword_holds_a_run_on_a_long_word(keyword, text):
    started = time.monotonic()
    matches_keyword(text, [keyword])
    assert time.monotonic() - started < 2.0  # measured by the run's own clock; microseconds in practice


@pytest.mark.parametrize(("keyword", "text", "hit"), [
    ("*bosetting", "Ny flyktningbosetting i år", True),
    ("integrering", "Integreringsloven endres", True),
    ("integrering", "reintegrering av veteraner", False),
    ("KS", "KS-styret møtes", True),
    ("KS", "en boks med ting", False),
    ("NAV", "Nav kontor", True),
    ("NAV", "navnet på saken", False),
    ("NAV*", "NAVs nye regler", True),
    ("barne- og familie*", "Barne- og familiedepartementet", True),
    ("høring", "HØRING OM SKATT", True),
    ("skole*struktur", "skolestrukturen i Bergen", True),
    ("skole*struktur", "skole og struktur", False),  # * stands for letters, not a space
])
def test_the_documented_rules_hold(keyword, text, hit):
    assert matches_keyword(text, [keyword]) is hit


@pytest.mark.parametrize(("keyword", "reason"), [
    ("*****x", "two \\* in a row"),
    ("*", "no letters or digits"),
    ("* *", "no letters or digits"),
    ("x*", "a single letter"),
])
def test_a_keyword_that_means_nothing_useful_is_refused(keyword, reason):
    assert re.search(reason, keyword_problem(keyword) or "")


@pytest.mark.parametrize("table", ["topics", "subscriptions"])
def test_the_configuration_names_the_useless_keyword(tmp_path, table):
    entry = ('[[topics]]\nid = "t"\nkeywords = ["bosetting", "*****x"]\n' if table == "topics" else
             '[[subscriptions]]\nid = "s"\nurls = ["json://127.0.0.1:9/hook"]\nkeywords = ["**"]\n')
    path = tmp_path / "config.toml"
    path.write_text(f'[[sources]]\nid = "a"\nkind = "feed"\nurl = "https://example.org/rss"\n{entry}', "utf-8")
    name = "t" if table == "topics" else "s"
    with pytest.raises(ConfigError, match=rf"{table} \"{name}\"\.keywords: keyword '\*+x?'"):
        load_config(path)
    load_config(ROOT / "config.toml")  # the project's own config stays valid
