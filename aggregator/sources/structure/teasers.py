"""Teasers found by structure, on any site whose markup is not known: headings (h2–h6) in the main content that lead
to one article on the same site, each widened to the largest block that holds no other teaser, and kept only where
such blocks repeat as siblings. A user can pin the extraction with CSS selectors when the site changes."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ...normalize import OSLO, canonical_url, clean_text, find_date, parse_date
from .tree import ancestors, below, first, root_of, same, within

HEADINGS = "h2, h3, h4, h5, h6"


# Links to more of the list ("Les flere artikler", "Se alle", "Vis flere"), not to one article.
# "Les mer" inside a card is the card's own link, so it is not here.
_MORE_LINK = re.compile(r"^(les|se|vis|last)\s+(flere|alle|inn)\b|^flere\s+(artikler|saker|nyheter)\b|^(neste|forrige|arkiv)\b", re.I)


# First path segments that are never articles: search, files, APIs.
_NOT_ARTICLES = {"sok", "search", "globalassets", "contentassets", "api", "link"}


_FILE = re.compile(r"\.(pdf|docx?|xlsx?|pptx?|odt|jpe?g|png|gif|svg|zip|ics)$", re.I)


# Short texts in a teaser that are not its label: "Les mer", bylines, reading time.
_NOT_LABEL = re.compile(r"^(les|se|vis)\b|^(av|by)\s|lesetid|\d", re.I)


LAYOUT_HINT = (
    "the page layout may have changed. Pin the extraction for this source in config.toml with CSS selectors: "
    '[sources.selectors] item = "…" (one per teaser), and optionally title, link, label, summary, and date (on the article page)'
)


def content_root(tree: LexborHTMLParser) -> LexborNode:
    """The main content, without navigation, site header/footer and side panels."""
    main = tree.css_first("main, [role=main]")
    if main is not None:
        junk = "nav, aside, [role=navigation], [role=complementary]"
    else:
        main = tree.body or root_of(tree)
        junk = "header, footer, nav, aside, [role=banner], [role=contentinfo], [role=navigation], [role=complementary]"
    for node in _outermost_junk(main, {n.mem_id for n in below(main, f"{junk}, script, style, noscript, template")}):
        node.decompose()
    return main


def _outermost_junk(main: LexborNode, junk: set[int]) -> list[LexborNode]:
    """The junk elements under `main` to remove: not those inside one removed already (removing a parent removes its
    children), and not a <header>/<footer> inside an article or section (that card's own, often holding its heading).
    One pass in document order, each element's facts from its parent's."""
    facts: dict[int, tuple[bool, bool]] = {main.mem_id: (False, False)}  # element -> (in a card, in removed junk)
    outermost = []
    for node in main.traverse():
        parent = node.parent
        if node.mem_id == main.mem_id or parent is None:
            continue
        in_card, in_junk = facts.get(parent.mem_id, (False, False))
        in_card = in_card or parent.tag in ("article", "section")
        removed = not in_junk and node.mem_id in junk and not (node.tag in ("header", "footer") and in_card)
        if removed:
            outermost.append(node)
        facts[node.mem_id] = (in_card, in_junk or removed)
    return outermost


def teaser_blocks(root: LexborNode, page_url: str) -> list[tuple[LexborNode, LexborNode, str]]:
    """(block, heading, article URL) of each teaser found by structure, in page order."""
    linked: dict[LexborNode, str] = {}
    targets = LinkTargets(root, page_url)
    for heading in below(root, HEADINGS):
        target = heading_link(heading, root, page_url, targets)
        if target and target not in targets.taken:
            linked[heading] = target
            targets.taken.add(target)
    # Widen each heading to the largest ancestor that holds no other teaser heading: the card.
    shared = _shared_ancestors(list(linked), root)
    candidates = []
    for heading, target in linked.items():
        block = heading
        for ancestor in ancestors(heading, root):
            if same(ancestor, root) or ancestor.mem_id in shared:
                break
            block = ancestor
        candidates.append((block, heading, target))
    # Teasers repeat: sibling blocks of one tag, with headings of one level, under one parent.
    # A lone block (a contact box, a heading over one link) is not a teaser.
    shape = lambda c: (c[0].parent.mem_id if c[0].parent else None, c[0].tag, c[1].tag)  # noqa: E731
    counts = Counter(shape(c) for c in candidates)
    return [c for c in candidates if counts[shape(c)] >= 2]


class LinkTargets:
    """The article links under each element of a page, found once: per element, the first article its subtree links
    to and whether it links to more than one. Each link marks its ancestors only until one already knows as much,
    so finding a heading's nearest linking block costs its depth, not the page's size."""

    def __init__(self, root: LexborNode, page_url: str):
        self.first: dict[int, str] = {}
        self.many: set[int] = set()
        self.taken: set[str] = set()  # targets already given to a teaser heading
        for a in below(root, "a[href]", self_too=True):
            target = link_target(a, page_url)
            if target is None:
                continue
            for node in (a, *ancestors(a, root)):
                known = self.first.get(node.mem_id)
                if node.mem_id in self.many or known == target:
                    break  # this element, and so each one above it, knows as much already
                if known is None:
                    self.first[node.mem_id] = target
                else:
                    self.many.add(node.mem_id)

    def of(self, node: LexborNode) -> tuple[str | None, bool]:
        """(the first article the element links to, whether it links to more than one)."""
        return self.first.get(node.mem_id), node.mem_id in self.many


def _shared_ancestors(headings: list[LexborNode], root: LexborNode) -> set[int]:
    """The elements that hold more than one of the headings. Each heading marks its ancestors up to the first one
    another heading marked (that one, and every one above it, holds both): each element is visited about once."""
    marked: dict[int, int] = {}
    shared: set[int] = set()
    for heading in headings:
        for ancestor in ancestors(heading, root):
            owner = marked.setdefault(ancestor.mem_id, heading.mem_id)
            if owner != heading.mem_id:
                shared.add(ancestor.mem_id)
                break
    return shared


def heading_link(heading: LexborNode, root: LexborNode, page_url: str, targets: LinkTargets | None = None) -> str | None:
    """The article a heading leads to: a link around it (a whole-card link), a link in it, or else
    the one article its nearest enclosing block links to (an image or "Les mer" link)."""
    for ancestor in ancestors(heading, root):
        if ancestor.tag == "a":
            return link_target(ancestor, page_url)
    for a in below(heading, "a[href]"):
        if target := link_target(a, page_url):
            return target
    targets = targets or LinkTargets(root, page_url)
    for ancestor in ancestors(heading, root):
        first_target, many = targets.of(ancestor)
        if first_target:
            return None if many else first_target
    return None


def link_target(a: LexborNode, page_url: str) -> str | None:
    text = clean_text(a.text(separator=" "))
    if len(text.split()) <= 5 and _MORE_LINK.match(text):  # short: a title may begin "Se alle …" too
        return None
    return article_url(a.attributes.get("href"), page_url)


def article_url(href: str | None, page_url: str) -> str | None:
    """The canonical URL of a link to an article on the page's own site, else None (other sites,
    the page itself, its sections and breadcrumbs, search, files)."""
    if not href or href.strip().startswith(("mailto:", "tel:", "javascript:")):
        return None
    try:
        url = canonical_url(href, page_url)
    except ValueError:  # not http(s), or no link a client could request: no article
        return None
    target, page = urlsplit(url), urlsplit(canonical_url(page_url))
    if target.scheme not in ("http", "https") or _site(target) != _site(page):
        return None
    segments = [s for s in target.path.split("/") if s]
    if len(segments) < 2 or segments[0].lower() in _NOT_ARTICLES or _FILE.search(target.path):
        return None
    if (page.path.rstrip("/") + "/").startswith(target.path.rstrip("/") + "/"):
        return None  # the listing itself (or another page of it), or a section above it
    return url


def _site(parts) -> tuple[str, int | None]:
    return (parts.hostname or "").removeprefix("www."), parts.port


def pinned_link(block: LexborNode, selector: str, page_url: str) -> str | None:
    node = first(block, selector, "link")
    if node is None:
        return None
    a = node if node.attributes.get("href") else (
        first(node, "a[href]") or next((x for x in ancestors(node, block) if x.tag == "a"), None))
    href = a.attributes.get("href") if a is not None else None
    return canonical_url(href, page_url) if href else None


def lead(block: LexborNode, title_node: LexborNode) -> LexborNode | None:
    """The teaser's lead: its first paragraph of some length; failing that, the innermost text block."""
    def usable(node):
        text = clean_text(node.text(separator=" "))
        return (len(text.split()) > 3 and not within(node, title_node, block) and not within(title_node, node, block)
                and not (find_date(text) and len(text.split()) <= 6))  # "Publisert 12. mars 2024"

    for p in below(block, "p", self_too=True):
        if usable(p):
            return p
    blocks = [n for n in below(block, "div, section, span") if usable(n)]
    # innermost: holding no other usable block (each block marks its ancestors: the block's size times its depth)
    holding = {a.mem_id for n in blocks for a in ancestors(n, block)}
    innermost = [n for n in blocks if n.mem_id not in holding]
    return innermost[0] if innermost else None


def find_label(block: LexborNode, title_node: LexborNode, lead: LexborNode | None) -> LexborNode | None:
    """A short text element of its own (HØRING, Kronikker, KOMMUNESPEILET), before or after the heading."""
    title_text = clean_text(title_node.text(separator=" "))
    for node in below(block, "*"):
        if within(title_node, node, block) or (lead is not None and (within(node, lead, block) or within(lead, node, block))):
            continue
        text = clean_text(node.text(separator=" ")).rstrip(":").strip()
        if text and text != title_text and _looks_like_label(text):
            return node
    return None


def _looks_like_label(text: str) -> bool:
    return len(text.split()) <= 3 and len(text) <= 40 and not _NOT_LABEL.search(text) and not text.endswith((".", "!", "?"))


def teaser_date(block: LexborNode, title_node: LexborNode, lead: LexborNode | None) -> datetime | None:
    """A date the teaser itself shows, if any: the fallback when its article page cannot be read."""
    for node in below(block, "time[datetime]"):
        if value := parse_date(node.attributes.get("datetime")):
            return value.astimezone(OSLO)
    for node in below(block, "*"):
        if within(node, title_node, block) or (lead is not None and within(node, lead, block)):
            continue
        text = clean_text(node.text(separator=" "))
        if len(text.split()) <= 6 and (value := find_date(text)):
            return value.astimezone(OSLO)
    return None
