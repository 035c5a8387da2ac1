"""The vocabularies (aggregator/data/*.toml, read once): ministries and document types. Lookups only."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from .text import clean_text

# The package's data files, read from beside this module (importlib.resources would load tempfile, shutil and
# lzma for nothing: the package is never run from a zip)
_DATA = Path(__file__).resolve().parent.parent / "data"

# --------------------------------------------------------------------------------------------- ministries


@cache
def ministries() -> dict[str, dict]:
    """The ministries by abbreviation, as in data/ministries.toml."""
    return tomllib.loads(_DATA.joinpath("ministries.toml").read_text("utf-8"))


@cache
def _ministry_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for abbr, m in ministries().items():
        for name in (m["nb"], m["nn"], m["en"], *m["former"], abbr, str(m["ownerid"])):
            names[name.casefold()] = abbr
    return names


def ministry_abbr(name: str | None) -> str | None:
    """The abbreviation (`aid`) for a ministry name in any language, a former name, an ownerid or an abbreviation."""
    return _ministry_names().get(clean_text(name).casefold()) if name else None


def ministry_name(abbr: str, language: str | None = "nb") -> str:
    """A ministry's name in the language of an item (nb, nn or en; other languages get bokmål)."""
    m = ministries()[abbr]
    lang = (language or "nb").split("-")[0].lower()
    return str(m.get(lang if lang in ("nn", "en") else "nb"))


def split_ministries(text: str | None) -> list[str]:
    """Split a comma-separated ministry list into abbreviations.

    Some names contain a comma themselves ("Ministry of Trade, Industry and Fisheries"), so the
    longest run of pieces that forms a known name wins. Unknown names are kept out (and logged
    by the caller if it wants); the order of the page is kept, duplicates dropped.
    """
    cached = _SPLIT_MINISTRIES.get(text)
    if cached is not None:
        return list(cached)
    pieces = [p.strip() for p in clean_text(text).split(",") if p.strip()]
    names = _ministry_names()
    found: list[str] = []
    i = 0
    while i < len(pieces):
        # no ministry's name holds more than two commas: try the longest run of up to three pieces
        for j in range(min(len(pieces), i + 3), i, -1):
            abbr = names.get(", ".join(pieces[i:j]).casefold())
            if abbr:
                if abbr not in found:
                    found.append(abbr)
                i = j
                break
        else:
            i += 1
    if len(_SPLIT_MINISTRIES) < _MINISTRY_LISTS_KEPT:
        _SPLIT_MINISTRIES[text] = tuple(found)
    return found


# Listings print the same few ministry lists on every page, and splitting one costs more than looking it up: the
# answers (pure functions of the text and the vocabulary) are kept, for a bounded number of lists.
_MINISTRY_LISTS_KEPT = 4096
_SPLIT_MINISTRIES: dict[str | None, tuple[str, ...]] = {}
_UNKNOWN_MINISTRIES: dict[str | None, tuple[str, ...]] = {}


def unknown_ministry_names(text: str | None) -> list[str]:
    """The pieces of a ministry list that are no known ministry (to warn about a new or renamed one)."""
    cached = _UNKNOWN_MINISTRIES.get(text)
    if cached is not None:
        return list(cached)
    pieces = [p.strip() for p in clean_text(text).split(",") if p.strip()]
    known = {ministry_name(a, lang) for a in split_ministries(text) for lang in ("nb", "nn", "en")}
    joined = ", ".join(pieces)
    for name in sorted(known, key=len, reverse=True):
        joined = joined.replace(name, "")
    unknown = [p.strip() for p in joined.split(",") if p.strip() and not ministry_abbr(p)]
    if len(_UNKNOWN_MINISTRIES) < _MINISTRY_LISTS_KEPT:
        _UNKNOWN_MINISTRIES[text] = tuple(unknown)
    return unknown


# --------------------------------------------------------------------------------------------- document types


@cache
def document_types() -> dict[str, dict]:
    """The project's document-type vocabulary, as in data/document_types.toml."""
    return tomllib.loads(_DATA.joinpath("document_types.toml").read_text("utf-8"))


@cache
def _type_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for term, spec in document_types().items():
        labels[term.casefold()] = term
        for label in spec["labels"]:
            labels[label.casefold()] = term
    return labels


def document_type(label: str | None) -> str | None:
    """The vocabulary term for a site's type label or code ("Høyring", "Horing", "Press release");
    "other" for a label not in the vocabulary, None when there is no label at all."""
    text = clean_text(label).strip(" |:")
    if not text:
        return None
    return _type_labels().get(text.casefold(), "other")
