"""What a ks.no article page adds to its teaser: dates, title, ingress, and (an answer to a hearing) what it says
of the hearing it answers. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from ...normalize import (
    OSLO,
    REGJERINGEN_HOSTS,
    canonical_url,
    clean_text,
    hearing_reference,
    regjeringen_doc_id,
    stortinget_ids,
)
from .. import meta_tags
from ..html import parse_page
from ..structure.dates import Page, ingress, jsonld, page_dates, pinned_dates
from ..structure.teasers import content_root
from ..structure.tree import first


@dataclass
class ArticleFacts:
    """What an article page adds to its teaser. Fields the page does not give are empty."""

    published: datetime | None = None
    updated: datetime | None = None
    ingress: str = ""
    title: str = ""
    hearing_ref: str | None = None  # the first reference the page cites ("NOU 2022: 18")
    # links to the hearing it answers: the regjeringen.no hearing ("Se høringsnotatet …"), stortinget.no's
    # hearing (`?h=`) or case (`?p=`)
    hearing_links: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_article(url: str, html: str, selectors: dict | None = None) -> ArticleFacts:
    """Dates, ingress, title and hearing reference of a ks.no article page. Never raises for a page
    without them: what is missing stays empty (and a pinned date selector that matches nothing is a warning)."""
    selectors = selectors or {}
    tree = parse_page(url, html)
    facts = ArticleFacts()
    if selectors.get("date"):
        facts.published, facts.updated = pinned_dates(tree, selectors["date"])
        if facts.published is None:
            facts.warnings.append(f"{url}: the pinned selector date = {selectors['date']!r} gave no date; used the page's metadata instead")
    # Head and scripts first: finding the content root drops the scripts (JSON-LD may be in <body>).
    page = Page(meta_tags(tree), jsonld(tree), content_root(tree))
    meta, root = page.meta, page.root
    published, updated = page_dates(page)
    published, updated = facts.published or published, facts.updated or updated
    facts.published = published.astimezone(OSLO) if published else None
    facts.updated = updated.astimezone(OSLO) if updated else None
    h1 = first(root, "h1")
    facts.title = clean_text(h1.text(separator=" ")) if h1 is not None else clean_text(meta.get("og:title"))
    facts.ingress = ingress(root, h1) or clean_text(meta.get("og:description") or meta.get("description"))
    facts.hearing_ref = (hearing_reference(facts.title) or hearing_reference(facts.ingress)
                         or hearing_reference(root.text(separator=" ")))
    facts.hearing_links = hearing_links(root, url)
    return facts


def hearing_links(root: LexborNode, page_url: str) -> list[str]:
    """The hearings a page links to: the first regjeringen.no document page (one whose link text speaks of the
    hearing first: "Se høringsnotatet på regjeringen.no"), and every stortinget.no hearing (`?h=`) or case (`?p=`)."""
    government: list[tuple[int, int, str]] = []
    parliament: list[str] = []
    for anchor in root.css("a[href]"):
        try:
            href = canonical_url(anchor.attributes.get("href") or "", page_url)
        except ValueError:  # mailto:, tel:, javascript: — no page of any site
            continue
        if urlsplit(href).hostname in REGJERINGEN_HOSTS and regjeringen_doc_id(href):
            text = clean_text(anchor.text(separator=" ")).casefold()
            government.append((0 if re.search(r"h[øo]y?ring", text) else 1, len(government), href))
        elif any(stortinget_ids(href)):
            parliament.append(href)
    return ([min(government)[2]] if government else []) + list(dict.fromkeys(parliament))
