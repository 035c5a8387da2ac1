"""References to the documents a hearing is about, as Norwegian texts cite them."""

from __future__ import annotations

import re

from .text import clean_text

# The documents a hearing is about, as Norwegian texts cite them: "NOU 2022: 18",
# "Prop. 90 L (2022–2023)", "Meld. St. 17 (2023–2024)". Years are joined by an en dash, as the
# government writes them, so the same reference from KS and from regjeringen.no compares equal.
_HEARING_REFS = (
    (re.compile(r"\bNOU\s+(\d{4})\s*:\s*(\d{1,3})\b"), "NOU {0}: {1}"),
    (re.compile(r"\bProp\.\s*(\d{1,4})\s*([A-Z]{1,2})\s*\(\s*(\d{4})\s*[–—-]\s*(\d{4})\s*\)"), "Prop. {0} {1} ({2}–{3})"),
    (re.compile(r"\bMeld\.\s*St\.\s*(\d{1,4})\s*\(\s*(\d{4})\s*[–—-]\s*(\d{4})\s*\)"), "Meld. St. {0} ({1}–{2})"),
    (re.compile(r"\bInnst\.\s*(\d{1,4})\s*([A-Z]{1,2})\s*\(\s*(\d{4})\s*[–—-]\s*(\d{4})\s*\)"), "Innst. {0} {1} ({2}–{3})"),
)


def hearing_reference(text: str | None) -> str | None:
    """The first NOU, Prop. or Meld. St. reference in a text, in its canonical form ("NOU 2022: 18")."""
    text = clean_text(text)
    found = [(m.start(), form.format(*m.groups())) for pattern, form in _HEARING_REFS if (m := pattern.search(text))]
    return min(found)[1] if found else None


def hearing_references(text: str | None) -> list[str]:
    """Every NOU, Prop., Meld. St. and Innst. reference in a text, canonical, in the order they stand."""
    text = clean_text(text)
    found = sorted((m.start(), form.format(*m.groups())) for pattern, form in _HEARING_REFS for m in pattern.finditer(text))
    return list(dict.fromkeys(ref for _, ref in found))
