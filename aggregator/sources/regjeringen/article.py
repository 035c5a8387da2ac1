"""regjeringen.no's article pages: what a page says of its document (dates, type, ministries, ingress, topics) and,
on a hearing's page, its facts (hearing_page.py). Pure."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from ...hearings import Hearing, put
from ...normalize import (
    canonical_url,
    clean_text,
    document_type,
    find_date,
    item_id_for_url,
    language_code,
    ministries,
    ministry_abbr,
    parse_date,
    regjeringen_doc_id,
    regjeringen_item_id,
    slugify,
    split_ministries,
    unknown_ministry_names,
)
from ...records import Record
from .. import meta_tags
from ..html import parse_page
from .common import HEARING, authors, hearing_in_text, node_text, section_language
from .hearing_page import hearing_facts
from .listing import strip_web_tv

_DEP_LINK = re.compile(r"/dep/([a-z]+)/id\d+")


def parse_article(url: str, html: str) -> Record:
    """What an article page says of its document: dates, type, ministries, full ingress, topics,
    hearing status and deadline. Fields the page does not give are left empty."""
    doc = parse_page(url, html)
    meta = meta_tags(doc)
    link = canonical_url(url)
    language = language_code(meta.get("dc.language") or _html_lang(doc)) or section_language(link)
    info = doc.css_first(".article-info")
    abbrs, unknown = _article_ministries(doc, meta)
    type_label = node_text(info.css_first(".type")) if info else ""
    kind = document_type(type_label)
    if kind in (None, "other") and meta.get("dc.type"):
        kind = document_type(meta["dc.type"])
    topic_titles = _article_topics(doc, meta)
    doc_id = regjeringen_doc_id(link) or regjeringen_doc_id(meta.get("dc.identifier.url", ""))
    title = node_text(doc.css_first(".article-header h1") or doc.css_first("h1")) or clean_text(meta.get("dc.title"))
    extra: dict = {}
    put(extra, _hearing(doc, link, kind))
    return Record(
        id=regjeringen_item_id(doc_id, link) if doc_id else item_id_for_url(link),
        link=link,
        title=strip_web_tv(title)[0],
        summary=node_text(doc.css_first(".article-ingress")) or clean_text(meta.get("dc.description")),
        language=language,
        published=parse_date(meta.get("dc.date")) or find_date(node_text(info.css_first(".date")) if info else ""),
        updated=parse_date(meta.get("last-modified") or meta.get("revised")),
        document_type=kind,
        ministries=abbrs,
        authors=authors(abbrs, language, unknown),
        topics=list(topic_titles),
        topic_titles=topic_titles,
        extra=extra,
    )


def _hearing(doc: LexborHTMLParser, link: str, kind: str | None) -> Hearing | None:
    """A hearing page's facts: its status and deadline (`.horing-meta`), and its factboxes (hearing_page.py)."""
    box = doc.css_first(".horing-meta")
    if box is None and kind != HEARING and doc.css_first("#horingsbrev") is None:
        return None
    facts = hearing_facts(link, doc)
    listed = hearing_in_text(node_text(box)) if box is not None else None
    return replace(facts, deadline=listed.deadline, status=listed.status) if listed else facts


def _html_lang(doc: LexborHTMLParser) -> str | None:
    root = doc.css_first("html")
    return root.attributes.get("lang") if root else None


def _article_ministries(doc: LexborHTMLParser, meta: dict[str, str]) -> tuple[list[str], list[str]]:
    """Ministries of an article: the owner links of `.article-info` (all of them, in the page's
    order), then the meta tags naming the main owner. Returns (abbreviations, unknown names)."""
    found: list[str] = []
    unknown: list[str] = []
    for anchor in doc.css(".article-info .owner a"):
        match = _DEP_LINK.search(anchor.attributes.get("href") or "")
        abbr = match.group(1) if match and match.group(1) in ministries() else ministry_abbr(anchor.text())
        if abbr:
            found.append(abbr)
        elif node_text(anchor):
            unknown.append(node_text(anchor))
    shortnames = [s.strip() for s in (meta.get("authorshortname") or "").split(",")]
    found += [s for s in shortnames if s in ministries()]
    found += [abbr for abbr in [ministry_abbr(meta.get("ownerid"))] if abbr]
    found += split_ministries(meta.get("dc.creator"))
    unknown += [name for name in unknown_ministry_names(meta.get("dc.creator")) if name not in unknown]
    return list(dict.fromkeys(found)), unknown


def _article_topics(doc: LexborHTMLParser, meta: dict[str, str]) -> dict[str, str]:
    """Topic id -> title from the topic links (`.content-intro-topics`); the id is the slug of the
    link's path (`/no/tema/…/skatter-og-avgifter/id1359/` -> `skatter-og-avgifter`)."""
    topics: dict[str, str] = {}
    for anchor in doc.css(".content-intro-topics a[href]"):
        title = node_text(anchor)
        segments = [s for s in urlsplit(anchor.attributes.get("href") or "").path.split("/") if s]
        slug = segments[-2] if len(segments) >= 2 and re.fullmatch(r"id\d+", segments[-1]) else ""
        topic_id = slugify(slug) or slugify(title)
        if topic_id:
            topics.setdefault(topic_id, title or topic_id)
    if not topics and meta.get("dc.subject"):
        title = clean_text(meta["dc.subject"])
        topics[slugify(title)] = title
    return topics
