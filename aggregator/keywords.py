"""Keywords: which items a topic or a subscription's words pick out of titles and summaries."""

from __future__ import annotations

import re
from functools import cache

from .normalize import clean_text
from .records import Item


@cache
def keyword_pattern(keyword: str) -> re.Pattern:
    """A keyword as a pattern. It matches at the start of a word, in any letter case ("integrering" matches
    "Integreringsloven", not "reintegrering"); `*` stands for any letters ("*bosetting" matches
    "flyktningbosetting"). A keyword in capitals is an abbreviation and matches only as a whole word, in
    any case ("KS" matches "KS-styret", not "boks"; "NAV" matches "Nav", not "navn"; "NAV*" matches "NAVs")."""
    word = clean_text(keyword)
    parts = [re.escape(part) for part in word.split("*")]
    body = r"\w*".join(parts)
    start = "" if word.startswith("*") else r"(?<!\w)"
    letters = word.replace("*", "")
    end = r"(?!\w)" if letters.isupper() and not word.endswith("*") else ""  # an abbreviation: a whole word
    return re.compile(start + body + end, re.IGNORECASE)


def matches_keyword(text: str, keywords: list[str]) -> bool:
    """Whether any of the keywords occurs in the text (see keyword_pattern)."""
    return any(keyword_pattern(k).search(text) for k in keywords if k.strip(" *"))


def has_any_word(item: Item, keywords: list[str]) -> bool:
    """Whether any keyword occurs in the item's title or summary (keyword_pattern's rules: at the start of a word,
    any case; capitals are a whole abbreviation; `*` is any letters)."""
    return matches_keyword(f"{item['title']} {item['summary'] or ''}", keywords)
