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

import json
import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from ..config import SourceConfig, check_selectors
from ..http import FetchError
from ..kinds import Option, SourceKind
from ..normalize import (
    OSLO,
    REGJERINGEN_HOSTS,
    canonical_url,
    clean_text,
    document_type,
    find_date,
    hearing_reference,
    item_id_for_url,
    language_code,
    parse_date,
    regjeringen_doc_id,
)
from ..records import FetchResult, Record, SourceError
from . import SourceContext, meta_tags, read_article

AUTHOR = "KS"
HEADINGS = "h2, h3, h4, h5, h6"

# Links to more of the list ("Les flere artikler", "Se alle", "Vis flere"), not to one article.
# "Les mer" inside a card is the card's own link, so it is not here.
_MORE_LINK = re.compile(r"^(les|se|vis|last)\s+(flere|alle|inn)\b|^flere\s+(artikler|saker|nyheter)\b|^(neste|forrige|arkiv)\b", re.I)
# First path segments that are never articles: search, files, APIs.
_NOT_ARTICLES = {"sok", "search", "globalassets", "contentassets", "api", "link"}
_FILE = re.compile(r"\.(pdf|docx?|xlsx?|pptx?|odt|jpe?g|png|gif|svg|zip|ics)$", re.I)
# Short texts in a teaser that are not its label: "Les mer", bylines, reading time.
_NOT_LABEL = re.compile(r"^(les|se|vis)\b|^(av|by)\s|lesetid|\d", re.I)
_PUBLISHED_WORDS = r"publisert|publiseringsdato|published|dato"
_UPDATED_WORDS = r"sist\s+oppdatert|oppdatert|sist\s+endret|endret|updated|last\s+modified"
_PUBLISHED_TEXT = re.compile(rf"\b(?:{_PUBLISHED_WORDS})\b\s*:?\s*(.{{0,40}})", re.I)
_UPDATED_TEXT = re.compile(rf"\b(?:{_UPDATED_WORDS})\b\s*:?\s*(.{{0,40}})", re.I)
_UPDATED_LABEL = re.compile(rf"\b(?:{_UPDATED_WORDS})\b\W*$", re.I)
_NOU_SLUG = re.compile(r"\bnou-(\d{4})-(\d{1,3})(?:-|/|$)", re.I)

LAYOUT_HINT = (
    "the page layout may have changed. Pin the extraction for this source in config.toml with CSS selectors: "
    '[sources.selectors] item = "…" (one per teaser), and optionally title, link, label, summary, and date (on the article page)'
)


@dataclass
class ArticleFacts:
    """What an article page adds to its teaser. Fields the page does not give are empty."""

    published: datetime | None = None
    updated: datetime | None = None
    ingress: str = ""
    title: str = ""
    hearing_ref: str | None = None
    hearing_link: str | None = None  # the regjeringen.no page of the hearing it answers ("Se høringsnotatet …")
    warnings: list[str] = field(default_factory=list)


# ============================================================================================ fetch


def fetch(source: SourceConfig, ctx: SourceContext) -> FetchResult:
    """Read the configured topic page (only that page: what "Les flere artikler" loads is not known)
    and the article pages of the items that need them (new ones, and ones whose teaser moved)."""
    # Not a conditional GET: a 304 would hide a layout change that the last run already reported.
    try:
        response = ctx.http.get(source.url)
    except FetchError as error:
        raise SourceError(f"ks.no page {source.url}: {error.reason}") from None
    result = FetchResult()
    result.records = parse_listing(response.url, response.text, source.selectors, result.warnings)
    for record in result.records:
        if not ctx.needs_article(record):
            continue
        parse = lambda url, html, teaser=record: _article_record(teaser, url, html, source, result.warnings)  # noqa: E731
        if read_article(record, ctx, result, parse) is None and record.published is None and not ctx.seen(record.id):
            result.warnings[-1] += "; for now without a publication date"
    return result


KIND = SourceKind(
    name="ks", fetch=fetch, publisher=AUTHOR, doc=__doc__ or "",
    options=(Option("selectors", check_selectors, {},
                    "CSS selectors that pin the extraction when the page changes: item (one per teaser), and "
                    "optionally title, link, label, summary, and date (on the article page)", "table"),),
)


def _article_record(teaser: Record, url: str, html: str, source: SourceConfig, warnings: list[str]) -> Record:
    """What an article page adds to its teaser, as the article page's observation (merge.py combines them).

    The teaser's title stands unless it is cut off; the ingress replaces the teaser's lead when it is
    longer; dates come from the article only (teasers rarely carry them).
    """
    facts = parse_article(url, html, source.selectors)
    extra = {}
    if teaser.document_type == "consultation-response" and "hearing_ref" not in teaser.extra and facts.hearing_ref:
        extra["hearing_ref"] = facts.hearing_ref
    if teaser.document_type == "consultation-response" and facts.hearing_link:
        extra["answers_hearing"] = facts.hearing_link
    updated = facts.updated if facts.updated and (facts.published is None or facts.updated > facts.published) else None
    cut_title = teaser.title.endswith(("…", "...")) and facts.title.startswith(teaser.title.rstrip(" .…"))
    if facts.published is None and teaser.published is None:
        facts.warnings.append(f"{teaser.link}: no publication date found on the article page, so the item has none "
                              "(if the page shows one, pin it with a date selector in [sources.selectors])")
    warnings.extend(facts.warnings)
    return Record(
        id=teaser.id, link=teaser.link,
        title=facts.title if cut_title else "",
        summary=facts.ingress if len(facts.ingress) > len(teaser.summary) else "",
        language=teaser.language, published=facts.published, updated=updated, extra=extra,
    )


# ============================================================================================ listing


def parse_listing(url: str, html: str, selectors: dict | None = None, warnings: list[str] | None = None) -> list[Record]:
    """The article teasers of a ks.no topic page, as Records (no dates: those are on the articles).

    Raises SourceError when no teaser is found, since that means the layout changed, not "no news".
    """
    selectors = selectors or {}
    tree = LexborHTMLParser(html)
    language = _language(tree)
    blocks: list[tuple[LexborNode, LexborNode | None, str | None]]
    if selectors.get("item"):
        blocks = [(block, None, None) for block in _select(_root(tree), selectors["item"], "item")]
        if not blocks:
            raise SourceError(f"ks.no page {url}: the pinned selector item = {selectors['item']!r} matched nothing; {LAYOUT_HINT}")
    else:
        blocks = list(_teaser_blocks(_content_root(tree), url))
    records: dict[str, Record] = {}
    for block, heading, link in blocks:
        try:
            record = _teaser_record(block, heading, link, url, selectors, language)
        except Exception as error:  # one teaser we cannot read (a broken link) must not cost the others
            if warnings is not None:
                warnings.append(f"skipped a teaser on {url} ({link or clean_text(block.text())[:80]!r}): "
                                f"{error.__class__.__name__}: {error}")
            continue
        if record and record.id not in records:  # the same article teased twice is one item
            records[record.id] = record
    if not records:
        raise SourceError(f"ks.no page {url}: no article teasers found; {LAYOUT_HINT}")
    return list(records.values())


def _root(tree: LexborHTMLParser) -> LexborNode:
    """The document's root element (lexbor always makes one, even of an empty page)."""
    root = tree.root
    if root is None:
        raise SourceError("the page has no document element at all")
    return root


def _content_root(tree: LexborHTMLParser) -> LexborNode:
    """The main content, without navigation, site header/footer and side panels."""
    main = tree.css_first("main, [role=main]")
    if main is not None:
        junk = "nav, aside, [role=navigation], [role=complementary]"
    else:
        main = tree.body or _root(tree)
        junk = "header, footer, nav, aside, [role=banner], [role=contentinfo], [role=navigation], [role=complementary]"
    found = [n for n in _below(main, f"{junk}, script, style, noscript, template")
             # a <header>/<footer> inside an article or section is that card's own, often holding its heading
             if not (n.tag in ("header", "footer") and _has_ancestor(n, main, ("article", "section")))]
    junk_nodes = {n.mem_id for n in found}
    for node in found:
        if not any(a.mem_id in junk_nodes for a in _ancestors(node, main)):  # removing a parent removes its children
            node.decompose()
    return main


def _teaser_blocks(root: LexborNode, page_url: str) -> list[tuple[LexborNode, LexborNode, str]]:
    """(block, heading, article URL) of each teaser found by structure, in page order."""
    linked: dict[LexborNode, str] = {}
    for heading in _below(root, HEADINGS):
        target = _heading_link(heading, root, page_url)
        if target and target not in linked.values():
            linked[heading] = target
    # Widen each heading to the largest ancestor that holds no other teaser heading: the card.
    teasers_in = Counter(a.mem_id for heading in linked for a in _ancestors(heading, root))
    candidates = []
    for heading, target in linked.items():
        block = heading
        for ancestor in _ancestors(heading, root):
            if _same(ancestor, root) or teasers_in[ancestor.mem_id] > 1:
                break
            block = ancestor
        candidates.append((block, heading, target))
    # Teasers repeat: sibling blocks of one tag, with headings of one level, under one parent.
    # A lone block (a contact box, a heading over one link) is not a teaser.
    shape = lambda c: (c[0].parent.mem_id if c[0].parent else None, c[0].tag, c[1].tag)  # noqa: E731
    counts = Counter(shape(c) for c in candidates)
    return [c for c in candidates if counts[shape(c)] >= 2]


def _heading_link(heading: LexborNode, root: LexborNode, page_url: str) -> str | None:
    """The article a heading leads to: a link around it (a whole-card link), a link in it, or else
    the one article its nearest enclosing block links to (an image or "Les mer" link)."""
    for ancestor in _ancestors(heading, root):
        if ancestor.tag == "a":
            return _link_target(ancestor, page_url)
    for a in _below(heading, "a[href]"):
        if target := _link_target(a, page_url):
            return target
    for ancestor in _ancestors(heading, root):
        targets = {t for a in _below(ancestor, "a[href]") if (t := _link_target(a, page_url))}
        if targets:
            return targets.pop() if len(targets) == 1 else None
    return None


def _link_target(a: LexborNode, page_url: str) -> str | None:
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


def _teaser_record(block, heading, link, page_url, selectors, language) -> Record | None:
    """One teaser's Record; pinned selectors win over what the structure says."""
    if selectors.get("title"):
        title_node = _first(block, selectors["title"], "title")
    else:
        title_node = heading if heading is not None else _first(block, HEADINGS)
        title_node = title_node if title_node is not None else _first(block, "a[href]")
    if selectors.get("link"):
        link = _pinned_link(block, selectors["link"], page_url)
    elif link is None and title_node is not None:
        link = _heading_link(title_node, block, page_url)
    if link is None:
        link = next((t for a in _below(block, "a[href]", self_too=True) if (t := _link_target(a, page_url))), None)
    if title_node is None or link is None:
        return None

    summary_node = _first(block, selectors["summary"], "summary") if selectors.get("summary") else _lead(block, title_node)
    if selectors.get("label"):
        label_node = _first(block, selectors["label"], "label")
    else:
        label_node = _label(block, title_node, summary_node)
    label = clean_text(label_node.text(separator=" ")).rstrip(":").strip() if label_node is not None else ""
    # A label is its own element, never part of the title, even where it sits inside the heading.
    title = clean_text(_text_without(title_node, label_node))
    if not title:
        return None
    summary = clean_text(summary_node.text(separator=" ")) if summary_node is not None else ""

    kind = ks_document_type(label, link)
    extra = {"label": label} if label else {}
    if kind == "consultation-response":
        reference = hearing_reference(title) or hearing_reference(summary) or _slug_reference(link)
        if reference:
            extra["hearing_ref"] = reference
    return Record(
        id=item_id_for_url(link),
        link=link,
        title=title,
        summary=summary,
        language=language,
        published=_teaser_date(block, title_node, summary_node),
        document_type=kind,
        authors=[AUTHOR],
        extra=extra,
    )


def _pinned_link(block: LexborNode, selector: str, page_url: str) -> str | None:
    node = _first(block, selector, "link")
    if node is None:
        return None
    a = node if node.attributes.get("href") else (
        _first(node, "a[href]") or next((x for x in _ancestors(node, block) if x.tag == "a"), None))
    href = a.attributes.get("href") if a is not None else None
    return canonical_url(href, page_url) if href else None


def _lead(block: LexborNode, title_node: LexborNode) -> LexborNode | None:
    """The teaser's lead: its first paragraph of some length; failing that, the innermost text block."""
    def usable(node):
        text = clean_text(node.text(separator=" "))
        return (len(text.split()) > 3 and not _within(node, title_node) and not _within(title_node, node)
                and not (find_date(text) and len(text.split()) <= 6))  # "Publisert 12. mars 2024"

    for p in _below(block, "p", self_too=True):
        if usable(p):
            return p
    blocks = [n for n in _below(block, "div, section, span") if usable(n)]
    innermost = [n for n in blocks if not any(not _same(other, n) and _within(other, n) for other in blocks)]
    return innermost[0] if innermost else None


def _label(block: LexborNode, title_node: LexborNode, lead: LexborNode | None) -> LexborNode | None:
    """A short text element of its own (HØRING, Kronikker, KOMMUNESPEILET), before or after the heading."""
    title_text = clean_text(title_node.text(separator=" "))
    for node in _below(block, "*"):
        if _within(title_node, node) or (lead is not None and (_within(node, lead) or _within(lead, node))):
            continue
        text = clean_text(node.text(separator=" ")).rstrip(":").strip()
        if text and text != title_text and _looks_like_label(text):
            return node
    return None


def _looks_like_label(text: str) -> bool:
    return len(text.split()) <= 3 and len(text) <= 40 and not _NOT_LABEL.search(text) and not text.endswith((".", "!", "?"))


def _teaser_date(block: LexborNode, title_node: LexborNode, lead: LexborNode | None) -> datetime | None:
    """A date the teaser itself shows, if any: the fallback when its article page cannot be read."""
    for node in _below(block, "time[datetime]"):
        if value := parse_date(node.attributes.get("datetime")):
            return value.astimezone(OSLO)
    for node in _below(block, "*"):
        if _within(node, title_node) or (lead is not None and _within(node, lead)):
            continue
        text = clean_text(node.text(separator=" "))
        if len(text.split()) <= 6 and (value := find_date(text)):
            return value.astimezone(OSLO)
    return None


def ks_document_type(label: str | None, url: str) -> str:
    """The vocabulary term of a KS item: its URL section or label as KS uses them, else the shared
    vocabulary's reading of the label, else "article"."""
    spec = _ks_labels()
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if segments and segments[0].lower() in spec["sections"]:
        return spec["sections"][segments[0].lower()]
    key = clean_text(label).casefold()
    if key in spec["labels"]:
        return spec["labels"][key]
    shared = document_type(label)
    return shared if shared not in (None, "other") else "article"


@cache
def _ks_labels() -> dict:
    spec = tomllib.loads(resources.files("aggregator.data").joinpath("ks_labels.toml").read_text("utf-8"))
    return {"labels": {k.casefold(): v for k, v in spec["labels"].items()}, "sections": spec["sections"]}


def _slug_reference(url: str) -> str | None:
    match = _NOU_SLUG.search(urlsplit(url).path)
    return f"NOU {match.group(1)}: {int(match.group(2))}" if match else None


def _language(tree: LexborHTMLParser) -> str:
    return language_code(tree.root.attributes.get("lang") if tree.root is not None else None) or "nb"


# ============================================================================================ article


def parse_article(url: str, html: str, selectors: dict | None = None) -> ArticleFacts:
    """Dates, ingress, title and hearing reference of a ks.no article page. Never raises for a page
    without them: what is missing stays empty (and a pinned date selector that matches nothing is a warning)."""
    selectors = selectors or {}
    tree = LexborHTMLParser(html)
    facts = ArticleFacts()
    if selectors.get("date"):
        facts.published, facts.updated = _pinned_dates(tree, selectors["date"])
        if facts.published is None:
            facts.warnings.append(f"{url}: the pinned selector date = {selectors['date']!r} gave no date; used the page's metadata instead")
    # Head and scripts first: finding the content root drops the scripts (JSON-LD may be in <body>).
    page = _Page(meta_tags(tree), _jsonld(tree), _content_root(tree))
    meta, root = page.meta, page.root
    for finder in (_jsonld_dates, _article_meta_dates, _dc_dates, _time_dates, _text_dates):
        published, updated = finder(page)
        facts.published = facts.published or published
        facts.updated = facts.updated or updated
        if facts.published and facts.updated:
            break
    facts.published = facts.published and facts.published.astimezone(OSLO)
    facts.updated = facts.updated and facts.updated.astimezone(OSLO)
    h1 = _first(root, "h1")
    facts.title = clean_text(h1.text(separator=" ")) if h1 is not None else clean_text(meta.get("og:title"))
    facts.ingress = _ingress(root, h1) or clean_text(meta.get("og:description") or meta.get("description"))
    facts.hearing_ref = (hearing_reference(facts.title) or hearing_reference(facts.ingress)
                         or hearing_reference(root.text(separator=" ")))
    facts.hearing_link = _hearing_link(root, url)
    return facts


def _hearing_link(root: LexborNode, page_url: str) -> str | None:
    """The regjeringen.no document a page links to ("Se høringsnotatet på regjeringen.no"): the first link to a
    regjeringen.no document page, one whose text speaks of the hearing first."""
    links: list[tuple[int, int, str]] = []
    for anchor in root.css("a[href]"):
        try:
            href = canonical_url(anchor.attributes.get("href") or "", page_url)
        except ValueError:  # mailto:, tel:, javascript: — no page of any site
            continue
        if urlsplit(href).hostname in REGJERINGEN_HOSTS and regjeringen_doc_id(href):
            text = clean_text(anchor.text(separator=" ")).casefold()
            links.append((0 if re.search(r"h[øo]y?ring", text) else 1, len(links), href))
    return min(links)[2] if links else None


def _pinned_dates(tree: LexborHTMLParser, selector: str) -> tuple[datetime | None, datetime | None]:
    # The first match is the publication date; a second one, if any, the last change.
    values = [_node_date(n) for n in _select(_root(tree), selector, "date")]
    values = [v for v in values if v]
    return (values[0] if values else None), (values[1] if len(values) > 1 else None)


def _node_date(node: LexborNode) -> datetime | None:
    for attribute in ("datetime", "content"):
        if value := parse_date(node.attributes.get(attribute)):
            return value
    return find_date(node.text(separator=" "))


@dataclass
class _Page:
    meta: dict[str, str]
    jsonld: list[dict]
    root: LexborNode


def _jsonld(tree: LexborHTMLParser) -> list[dict]:
    """Every JSON-LD object of the page (nested ones and @graph members too), an Article's first."""
    objects = [o for script in tree.css('script[type="application/ld+json"]') for o in _jsonld_objects(script.text())]
    # An Article's dates before a WebPage's: the page may be a wrapper updated for other reasons.
    return sorted(objects, key=lambda o: 0 if "article" in str(o.get("@type", "")).lower() else 1)


def _jsonld_dates(page: _Page):
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


def _article_meta_dates(page: _Page):
    return parse_date(page.meta.get("article:published_time")), parse_date(page.meta.get("article:modified_time"))


def _dc_dates(page: _Page):
    meta = page.meta
    published = next((v for k in ("dc.date", "dc.date.issued", "dcterms.issued", "dcterms.date", "dc.date.created")
                      if (v := parse_date(meta.get(k)))), None)
    return published, parse_date(meta.get("dc.date.modified") or meta.get("dcterms.modified"))


def _time_dates(page: _Page):
    published = updated = None
    for node in _below(page.root, "time[datetime]"):
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
        if _same(part, node):
            break
        if part.is_text_node:
            parts.append(part.text_content or "")
    return clean_text(" ".join(parts))


def _text_dates(page: _Page):
    text = clean_text(page.root.text(separator=" "))
    return _labelled_date(_PUBLISHED_TEXT, text), _labelled_date(_UPDATED_TEXT, text)


def _labelled_date(pattern: re.Pattern, text: str) -> datetime | None:
    for match in pattern.finditer(text):
        if value := find_date(match.group(1)):
            return value
    return None


def _ingress(root: LexborNode, h1: LexborNode | None) -> str:
    """The first paragraph of some length after the title that is not a date line."""
    passed_title = h1 is None
    for node in root.traverse():
        if _same(node, h1):
            passed_title = True
        elif passed_title and node.tag == "p":
            text = clean_text(node.text(separator=" "))
            if len(text.split()) >= 8 and not _PUBLISHED_TEXT.match(text) and not _UPDATED_TEXT.match(text):
                return text
    return ""


# ============================================================================================ tree helpers
# Nodes are told apart by their identity (mem_id): selectolax's == compares the nodes' HTML, which is slow (it
# serializes both) and wrong for two siblings that read the same. Dicts and sets of nodes are keyed by mem_id too.


def _same(a: LexborNode | None, b: LexborNode | None) -> bool:
    return a is not None and b is not None and a.mem_id == b.mem_id


def _select(node: LexborNode, selector: str, key: str) -> list[LexborNode]:
    try:
        return node.css(selector)
    except SelectolaxError as error:
        raise SourceError(f"selector {key} = {selector!r} in [sources.selectors] is not valid CSS ({error})") from None


def _first(node: LexborNode, selector: str, key: str = "") -> LexborNode | None:
    found = _select(node, selector, key) if key else node.css(selector)
    return next((n for n in found if not _same(n, node)), None)


def _below(node: LexborNode, selector: str, self_too: bool = False) -> list[LexborNode]:
    """Elements under a node matching a selector (selectolax's css() may include the node itself)."""
    return [n for n in node.css(selector) if self_too or not _same(n, node)]


def _ancestors(node: LexborNode, stop: LexborNode) -> Iterator[LexborNode]:
    """The node's ancestors from its parent up to `stop` (included)."""
    current = node.parent
    while current is not None:
        yield current
        if _same(current, stop):
            return
        current = current.parent


def _within(node: LexborNode, ancestor: LexborNode) -> bool:
    """Whether `node` is `ancestor` or lies inside it."""
    current: LexborNode | None = node
    while current is not None:
        if _same(current, ancestor):
            return True
        current = current.parent
    return False


def _has_ancestor(node: LexborNode, stop: LexborNode, tags: tuple[str, ...]) -> bool:
    return any(a.tag in tags for a in _ancestors(node, stop))


def _text_without(node: LexborNode, skip: LexborNode | None) -> str:
    if skip is None or not _within(skip, node) or _same(skip, node):
        return node.text(separator=" ")
    return " ".join(t.text_content or "" for t in node.traverse(include_text=True) if t.is_text_node and not _within(t, skip))
