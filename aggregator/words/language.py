"""The language rule, stated once: see the package docstring."""

from __future__ import annotations

from collections import Counter

from ..normalize import language_code

LANGUAGES = ("nb", "nn", "en")


def reader_language(tag: str | None) -> str:
    """The language readers get an item's words in: nb, nn or en (see the module docstring)."""
    code = language_code(tag)
    if code is None:
        return "nb"
    return code if code in LANGUAGES else "en"


def common_language(tags: list[str | None]) -> str:
    """The language most of these items speak (bokmål when there are none)."""
    counted = Counter(reader_language(tag) for tag in tags)
    return max(counted, key=lambda lang: (counted[lang], -LANGUAGES.index(lang))) if counted else "nb"
