"""Keywords: which items a topic or a subscription's words pick out of titles and summaries.

A keyword matches at the start of a word, in any letter case ("integrering" matches "Integreringsloven", not
"reintegrering"); `*` stands for any letters ("*bosetting" matches "flyktningbosetting"). A keyword in capitals is
an abbreviation and matches only as a whole word, in any case ("KS" matches "KS-styret", not "boks"; "NAV" matches
"Nav", not "navn"; "NAV*" matches "NAVs").

Matching runs in linear time whatever the keyword and the text: the patterns are compiled with RE2 (google-re2),
which never backtracks, where Python's `re` took minutes on `*****x` against 200 letters. RE2 has no look-around,
so a word's edge is matched as the start or end of the text or a character that is no letter, digit or "_".
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from .normalize import clean_text
from .records import Item

_LETTER = r"[\pL\pN_]"  # what Python's \w is: letters, digits, "_"
_START = r"(?:^|[^\pL\pN_])"
_END = r"(?:$|[^\pL\pN_])"


def keyword_problem(keyword: str) -> str | None:
    """Why a keyword cannot mean anything useful (so the configuration refuses it), or None."""
    word = clean_text(keyword)
    letters = [c for c in word if c.isalnum()]
    if not letters:
        return f"keyword {keyword!r} has no letters or digits, so it would match everything (or nothing)"
    if "**" in word:
        return f"keyword {keyword!r} has two * in a row; one * already stands for any letters"
    if len(letters) < 2:
        return f"keyword {keyword!r} has a single letter, which picks out nearly every item"
    return None


def keyword_source(keyword: str) -> str:
    """A keyword as an RE2 pattern (see the module docstring)."""
    word = clean_text(keyword)
    start = "" if word.startswith("*") else _START
    end = _END if word.replace("*", "").isupper() and not word.endswith("*") else ""  # an abbreviation: a whole word
    # a * at either end adds nothing to a search: "*bosetting" is found wherever "bosetting" is
    body = f"{_LETTER}*".join(re.escape(part) for part in word.strip("*").split("*"))
    return start + body + end


@cache
def compiled(sources: tuple[str, ...]) -> Any:
    """One RE2 pattern for several keywords' patterns (any of them), case-insensitive."""
    import re2  # google-re2: linear-time matching, never backtracking

    return re2.compile("(?i)" + "|".join(f"(?:{s})" for s in sources))


def matcher(keywords: list[str]):
    """A test of a text for any of the keywords; None when there are no usable keywords."""
    sources = tuple(keyword_source(k) for k in keywords if clean_text(k).strip("*"))
    if not sources:
        return None
    pattern = compiled(sources)
    return lambda text: pattern.search(text) is not None


def matches_keyword(text: str, keywords: list[str]) -> bool:
    """Whether any of the keywords occurs in the text."""
    test = matcher(keywords)
    return bool(test and test(text))


def has_any_word(item: Item, keywords: list[str]) -> bool:
    """Whether any keyword occurs in the item's title or summary."""
    return matches_keyword(f"{item['title']} {item['summary'] or ''}", keywords)
