"""`kind = "ks"`: ks.no topic pages ("fagområder"). ks.no publishes no RSS, so its pages are read.

The real markup of ks.no is not known to this project, so nothing here depends on class names.
Teasers are found by structure: headings (h2–h6) in the main content that lead to one article on
the same site, each widened to the largest block that holds no other teaser, and kept only where
such blocks repeat as siblings. A user can pin the extraction with CSS selectors in config.toml
(`[sources.selectors]`: item, title, link, label, summary, date) when the site changes.

Listings carry no dates, so each new or changed item's article page is read for them, through a
cascade of the usual places: JSON-LD, `article:*_time`, `DC.Date`, `<time datetime>`, then visible
"Publisert"/"Oppdatert"/"Sist endret" text. (htmldate was considered: it checks meta tags before
JSON-LD, gives one date per call without the time of day and offset, and does not read Norwegian
month names or labels, so the cascade the project needs is written out here.)
"""

from __future__ import annotations

from typing import Any

from ...kinds import Option, SourceKind

AUTHOR = "KS"
KS_HOSTS = ("ks.no", "www.ks.no")
SELECTOR_KEYS = ("item", "title", "link", "label", "summary", "date")


def check_selectors(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError("must be a table of CSS selectors")
    unknown = sorted(set(value) - set(SELECTOR_KEYS))
    if unknown:
        raise ValueError(f"unknown selector {unknown[0]!r}; known: {', '.join(SELECTOR_KEYS)}")
    for key, selector in value.items():
        if not isinstance(selector, str) or not selector.strip():
            raise ValueError(f"selector {key!r} must be a non-empty CSS selector string")
    return dict(value)


KIND = SourceKind(
    name="ks", fetch=f"{__name__}.fetching:fetch", publisher=AUTHOR, doc=__doc__ or "", hosts=KS_HOSTS,
    options=(Option("selectors", check_selectors, {},
                    "CSS selectors that pin the extraction when the page changes: item (one per teaser), and "
                    "optionally title, link, label, summary, and date (on the article page)", "table"),),
)
