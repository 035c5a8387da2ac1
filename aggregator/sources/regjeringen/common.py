"""What regjeringen.no's listings, feeds and pages share: their text, hearing lines, identities and languages."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ...hearings import Hearing
from ...normalize import clean_text, item_id_for_url, ministry_name, parse_date, regjeringen_doc_id, regjeringen_item_id
from ..html import fragment_text

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

# Language sections of the site's paths and the language their items are in until a page says more
# precisely (/no/ holds both bokmål and nynorsk; the article page's DC.Language tells which).
SECTION_LANGUAGES = {"no": "nb", "en": "en", "se": "se"}
HEARING = "consultation"  # the vocabulary's term of the site's hearings (one of hearings.HEARING_TYPES)

# "Høringsfrist: 14.08.2026" (bokmål), "Høyringsfrist: …" (nynorsk); English pages may say "Deadline …: DD/MM/YYYY".
_DEADLINE_LABEL = r"(?:H[øo]y?ringsfrist|(?:consultation |comment )?deadline)"
_DEADLINE = re.compile(_DEADLINE_LABEL + r"[^:\d]{0,30}:?\s*(\d{1,2}[./]\d{1,2}[./]\d{4}|\d{4}-\d{2}-\d{2})", re.I)
_STATUS = re.compile(r"Status\s*:\s*(.+?)\s*(?=" + _DEADLINE_LABEL + r"|$)", re.I)


def node_text(node: LexborNode | None) -> str:
    """An element's text, entities decoded and white space folded; the "|" separators of
    `.article-info` ("Høyring |", "| Finansdepartementet") are not part of a value."""
    return clean_text(node.text(separator=" ")).strip(" |") if node is not None else ""


def html_text(value: str) -> str:
    return clean_text(fragment_text(value))


def hearing_in_text(text: str) -> Hearing | None:
    """A hearing's deadline and status from "Høyringsfrist: 14.08.2026 Status: På høyring"; None when the text
    gives neither."""
    deadline = _DEADLINE.search(text or "")
    day = parse_date(deadline.group(1)) if deadline else None
    status = _STATUS.search(text or "")
    words = status.group(1).strip() if status else ""
    if day is None and not words:
        return None
    return Hearing(deadline=day.date() if day else None, status=words or None)


def item_id(link: str) -> str:
    doc_id = regjeringen_doc_id(link)
    return regjeringen_item_id(doc_id, link) if doc_id else item_id_for_url(link)


def section_language(url: str) -> str | None:
    section = urlsplit(url).path.strip("/").split("/", 1)[0]
    return SECTION_LANGUAGES.get(section)


def authors(abbrs: list[str], language: str | None, unknown: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Ministry names in the item's language, then names the vocabulary does not know (kept, not lost)."""
    names = [ministry_name(abbr, language) for abbr in abbrs]
    return list(dict.fromkeys([*names, *unknown]))
