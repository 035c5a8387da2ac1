"""An article page's dates and ingress, found through a cascade of the usual places: JSON-LD, `article:*_time`,
`DC.Date`, `<time datetime>`, then visible "Publisert"/"Oppdatert"/"Sist endret" text. (htmldate was considered: it
checks meta tags before JSON-LD, gives one date per call without the time of day and offset, and does not read
Norwegian month names or labels, so the cascade the project needs is written out here.)"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ...normalize import clean_text, find_date, parse_date
from .tree import below, root_of, same, select

_PUBLISHED_WORDS = r"publisert|publiseringsdato|published|dato"


_UPDATED_WORDS = r"sist\s+oppdatert|oppdatert|sist\s+endret|endret|updated|last\s+modified"


PUBLISHED_TEXT = re.compile(rf"\b(?:{_PUBLISHED_WORDS})\b\s*:?\s*(.{{0,40}})", re.I)


UPDATED_TEXT = re.compile(rf"\b(?:{_UPDATED_WORDS})\b\s*:?\s*(.{{0,40}})", re.I)


_UPDATED_LABEL = re.compile(rf"\b(?:{_UPDATED_WORDS})\b\W*$", re.I)


def pinned_dates(tree: LexborHTMLParser, selector: str) -> tuple[datetime | None, datetime | None]:
    # The first match is the publication date; a second one, if any, the last change.
    values = [_node_date(n) for n in select(root_of(tree), selector, "date")]
    values = [v for v in values if v]
    return (values[0] if values else None), (values[1] if len(values) > 1 else None)


def _node_date(node: LexborNode) -> datetime | None:
    for attribute in ("datetime", "content"):
        if value := parse_date(node.attributes.get(attribute)):
            return value
    return find_date(node.text(separator=" "))


@dataclass
class Page:
    meta: dict[str, str]
    jsonld: list[dict]
    root: LexborNode


def jsonld(tree: LexborHTMLParser) -> list[dict]:
    """Every JSON-LD object of the page (nested ones and @graph members too), an Article's first."""
    objects = [o for script in tree.css('script[type="application/ld+json"]') for o in _jsonld_objects(script.text())]
    # An Article's dates before a WebPage's: the page may be a wrapper updated for other reasons.
    return sorted(objects, key=lambda o: 0 if "article" in str(o.get("@type", "")).lower() else 1)


def jsonld_dates(page: Page):
    for obj in page.jsonld:
        published, updated = parse_date(_str(obj.get("datePublished"))), parse_date(_str(obj.get("dateModified")))
        if published or updated:
            return published, updated
    return None, None


def _jsonld_objects(text: str) -> Iterator[dict]:
    try:
        data = json.loads(text)
    except ValueError:
        return  # broken JSON-LD is common; the other places still count
    stack = [data]
    while stack:
        value = stack.pop(0)
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            yield value
            stack.extend(v for v in value.values() if isinstance(v, (dict, list)))


def _str(value) -> str | None:
    return value if isinstance(value, str) else None


def article_meta_dates(page: Page):
    return parse_date(page.meta.get("article:published_time")), parse_date(page.meta.get("article:modified_time"))


def dc_dates(page: Page):
    meta = page.meta
    published = next((v for k in ("dc.date", "dc.date.issued", "dcterms.issued", "dcterms.date", "dc.date.created")
                      if (v := parse_date(meta.get(k)))), None)
    return published, parse_date(meta.get("dc.date.modified") or meta.get("dcterms.modified"))


def time_dates(page: Page):
    published = updated = None
    for node in below(page.root, "time[datetime]"):
        value = parse_date(node.attributes.get("datetime"))
        if value is None:
            continue
        if _UPDATED_LABEL.search(_text_before(node)):
            updated = updated or value
        else:
            published = published or value
    return published, updated


def _text_before(node: LexborNode) -> str:
    """The text of the node's parent up to the node: where "Oppdatert:" stands before a <time>."""
    if node.parent is None:
        return ""
    parts = []
    for part in node.parent.traverse(include_text=True):
        if same(part, node):
            break
        if part.is_text_node:
            parts.append(part.text_content or "")
    return clean_text(" ".join(parts))


def text_dates(page: Page):
    text = clean_text(page.root.text(separator=" "))
    return _labelled_date(PUBLISHED_TEXT, text), _labelled_date(UPDATED_TEXT, text)


def _labelled_date(pattern: re.Pattern, text: str) -> datetime | None:
    for match in pattern.finditer(text):
        if value := find_date(match.group(1)):
            return value
    return None


def ingress(root: LexborNode, h1: LexborNode | None) -> str:
    """The first paragraph of some length after the title that is not a date line."""
    passed_title = h1 is None
    for node in root.traverse():
        if same(node, h1):
            passed_title = True
        elif passed_title and node.tag == "p":
            text = clean_text(node.text(separator=" "))
            if len(text.split()) >= 8 and not PUBLISHED_TEXT.match(text) and not UPDATED_TEXT.match(text):
                return text
    return ""


def page_dates(page: Page) -> tuple[datetime | None, datetime | None]:
    """(published, updated) of an article page, from the first places of the cascade that give them."""
    published = updated = None
    for finder in (jsonld_dates, article_meta_dates, dc_dates, time_dates, text_dates):
        found_published, found_updated = finder(page)
        published, updated = published or found_published, updated or found_updated
        if published and updated:
            break
    return published, updated
