"""Dates as the sites write them (ISO, RFC 822, DD.MM.YYYY, DD/MM/YYYY, Norwegian and English month names), made
aware in Europe/Oslo."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from .text import clean_text

OSLO = ZoneInfo("Europe/Oslo")

MONTHS = {
    # bokmål and nynorsk, full and abbreviated; English too, since /en/ pages are in the same markup
    "januar": 1, "jan": 1, "january": 1,
    "februar": 2, "feb": 2, "february": 2,
    "mars": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "october": 10, "oct": 10,
    "november": 11, "nov": 11,
    "desember": 12, "des": 12, "december": 12, "dec": 12,
}

_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b(?:[ ,kl.]*(\d{1,2})[:.](\d{2}))?")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?")
_MONTH_NAME_DATE = re.compile(
    r"\b(\d{1,2})\.?\s+(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?,?\s+(\d{4})"
    r"(?:[ ,kl.]*(\d{1,2})[:.](\d{2}))?",
    re.I,
)
_BARE_NUMERIC_DATE = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")
_RFC_822 = re.compile(r"[A-Za-z]{3},?\s+\d")  # "Fri, 03 Jul 2026 …"


def oslo_datetime(day: date, at: time | None = None) -> datetime:
    """A local date (and time) on the sites, made aware in Europe/Oslo; a bare date is that day's midnight in Oslo."""
    return datetime.combine(day, at or time(0, 0), tzinfo=OSLO)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=OSLO)


def _iso_match(m: re.Match) -> datetime:
    year, month, day, hour, minute, second, offset = m.groups()
    if hour is None:
        return oslo_datetime(date(int(year), int(month), int(day)))
    value = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    if offset:
        offset = "+00:00" if offset == "Z" else offset
        if ":" not in offset:
            offset = offset[:3] + ":" + offset[3:]
        return datetime.fromisoformat(value.isoformat() + offset)
    return value.replace(tzinfo=OSLO)


def _numeric_match(m: re.Match) -> datetime:
    day, month, year, hour, minute = m.groups()
    at = time(int(hour), int(minute)) if hour is not None else None
    return oslo_datetime(date(int(year), int(month), int(day)), at)


def _month_name_match(m: re.Match) -> datetime:
    day, month, year, hour, minute = m.groups()
    at = time(int(hour), int(minute)) if hour is not None else None
    return oslo_datetime(date(int(year), MONTHS[month.lower()], int(day)), at)


def parse_date(value: str | None) -> datetime | None:
    """Parse one date as the sites write it; aware, in Europe/Oslo unless the text carries an offset.

    Understands ISO 8601 (`2026-07-03`, `2026-07-03T10:00:00+02:00`), RFC 822/1123
    (`Fri, 03 Jul 2026 14:35:59 GMT`), `DD.MM.YYYY`, `DD/MM/YYYY` and Norwegian or English month
    names (`12. mars 2024`). Returns None when nothing in the text is a valid date.
    """
    text = clean_text(value)
    if not text:
        return None
    if bare := _BARE_NUMERIC_DATE.fullmatch(text):  # a listing's "20/12/2024": the common case, and quick
        day, month, year = map(int, bare.groups())
        try:
            return _plausible(oslo_datetime(date(year, month, day)))
        except ValueError:
            return None
    if _RFC_822.match(text):
        try:
            return _plausible(_aware(parsedate_to_datetime(text)))
        except (TypeError, ValueError, OverflowError):
            pass
    return _first_date(text)


# Dates outside these years are no publication dates of these sites (a year 9999 would also break time
# arithmetic in Oslo's zone): they are treated as no date at all.
PLAUSIBLE_YEARS = range(1814, 2200)


def _plausible(value: datetime | None) -> datetime | None:
    return value if value is not None and value.year in PLAUSIBLE_YEARS else None


def find_date(text: str | None) -> datetime | None:
    """The first date found anywhere in a piece of text, in any of the forms parse_date knows."""
    return _first_date(clean_text(text))


def _first_date(text: str) -> datetime | None:
    found = []
    for pattern, build in ((_ISO_DATE, _iso_match), (_NUMERIC_DATE, _numeric_match), (_MONTH_NAME_DATE, _month_name_match)):
        for m in pattern.finditer(text):
            try:
                value = _plausible(build(m))
            except (ValueError, OverflowError):  # 31.02.2024 and the like: not a date, look further
                continue
            if value is not None:
                found.append((m.start(), value))
                break
    return min(found, key=lambda pair: pair[0])[1] if found else None


def oslo_day(moment: datetime) -> date:
    """The day a moment falls on in Oslo."""
    return moment.astimezone(OSLO).date()
