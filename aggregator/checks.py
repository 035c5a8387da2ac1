"""Checks of configuration values, shared by the generic keys (config/) and the options kinds declare (kinds.py):
each returns the value or raises ValueError with the reason a user reads after the file and key."""

from __future__ import annotations

import math
import re
from typing import Any

EVENTS = ("new", "updated", "reminder")


def string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {type(value).__name__}")
    return value


def nonempty_str(value: Any) -> str:
    if not string(value).strip():
        raise ValueError("must not be empty")
    return value


def str_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of strings")
    return list(value)


def whole(lowest: int, highest: int):
    """A whole number from `lowest` to `highest`: every number the code uses has a range, so that none overflows
    (SQLite's LIMIT, a sleep) or means nothing ("100000000000000000000 entries")."""
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
            raise ValueError(f"must be a whole number of at least {lowest} and at most {highest}, got {value!r}")
        return value

    return check


def number(lowest: float, highest: float, above_lowest: bool = False):
    """A number (whole or not) from `lowest` to `highest` (`above_lowest`: more than `lowest`); never NaN or ∞."""
    def check(value: Any) -> float:
        if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
                or not lowest <= value <= highest or (above_lowest and value == lowest)):
            low = f"more than {lowest:g}" if above_lowest else f"of at least {lowest:g}"
            raise ValueError(f"must be a number {low} and at most {highest:g}, got {value!r}")
        return float(value)

    return check


positive_int = whole(1, 1_000_000)
non_negative_int = whole(0, 1_000_000)
non_negative_number = number(0, 1e6)
positive_number = number(0, 1e6, above_lowest=True)


def one_line(value: Any) -> str:
    """A non-empty text without line breaks or other control characters: it goes into HTTP and mail headers, where
    a CR/LF would start a header of its own."""
    text = nonempty_str(value)
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise ValueError(f"must be one line without control characters (CR, LF, NUL, …), got {value!r}")
    return text


def http_url(value: Any) -> str:
    if not re.match(r"^https?://[^/\s]+", string(value)):
        raise ValueError(f"must be an http(s) URL, got {value!r}")
    return value


MAX_ID_LENGTH = 100  # ids become file names; most file systems stop at 255 bytes


def ident(value: Any) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)*", string(value)):
        raise ValueError(f"must be lower-case letters, digits, '-', '_' or '.' (not at the start, not '..'), "
                         f"got {value!r} (it is used in file names)")
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(f"must be at most {MAX_ID_LENGTH} characters (it is used in file names), got {len(value)}")
    return value


def ident_list(value: Any) -> list[str]:
    items = str_list(value)
    for item in items:
        try:
            ident(item)
        except ValueError as error:
            raise ValueError(f"topic id {item!r}: {error}") from None
    return items


def one_of(*choices: str):
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, got {value!r}")
        return value

    return check


def events(value: Any) -> list[str]:
    given = str_list(value)
    unknown = [e for e in given if e not in EVENTS]
    if unknown:
        raise ValueError(f"unknown event {unknown[0]!r}; known: {', '.join(EVENTS)}")
    if not given:
        raise ValueError(f"must name at least one of {', '.join(EVENTS)}")
    return list(dict.fromkeys(given))


def names(value: Any) -> list[str]:
    given = str_list(value)
    if any(not name.strip() for name in given):
        raise ValueError(f"must be names of bodies, as \"Bergen kommune\" or \"KS\"; got an empty one in {value!r}")
    return given


def day_counts(value: Any) -> list[int]:
    if not isinstance(value, list) or not value or not all(type(v) is int and 0 <= v <= 365 for v in value):
        raise ValueError(f"must be a list of whole numbers of days from 0 to 365, as [14, 3]; got {value!r}")
    return sorted(set(value), reverse=True)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def weekday(value: Any) -> str:
    """A day of the week by its English name, any case ("monday")."""
    if not isinstance(value, str) or value.strip().lower() not in WEEKDAYS:
        raise ValueError(f"must be a day of the week ({', '.join(WEEKDAYS)}), got {value!r}")
    return value.strip().lower()


def unsubscribe(value: Any) -> list[str]:
    """How readers leave a subscription: a mailto: address and/or an https: URL (one string, or a list of them)."""
    given = [value] if isinstance(value, str) else str_list(value)
    for url in given:
        if not re.match(r"^(mailto:[^@\s]+@[^@\s]+|https://[^/\s]+)", url):
            raise ValueError(f'must be a mailto: address or an https:// URL (or a list of them), got {url!r}')
        if any(ord(c) < 32 or ord(c) == 127 or c in "<>" for c in url):
            raise ValueError(f"must be one line without control characters or <>, got {url!r}")
    return list(given)


def clock(value: Any) -> str:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", string(value)):
        raise ValueError(f"must be a time of day as HH:MM, got {value!r}")
    return value


def keywords(value: Any) -> list[str]:
    """A list of keywords, each one that can pick something out (keywords.keyword_problem)."""
    from .keywords import keyword_problem

    given = str_list(value)
    for keyword in given:
        if problem := keyword_problem(keyword):
            raise ValueError(problem)
    return given
