"""regjeringen.no's listing pages (`ul#searchResultsListing > li.listItem`): items and the next page. Pure."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ...hearings import put
from ...normalize import canonical_url, clean_text, document_type, parse_date, split_ministries, unknown_ministry_names
from ...records import Record, SourceError
from .. import each_item
from ..html import parse_page
from .common import authors, hearing_in_text, item_id, node_text, section_language

# The marker the site puts on items with a video recording, in English and Norwegian.
WEB_TV_LABELS = {"web tv", "web-tv", "webtv", "nett-tv", "nett-tv:", "nett tv", "web tv:"}


_WEB_TV_PREFIX = re.compile(r"^(?:web[ -]?tv|nett[ -]?tv)\s*[:|–—-]?\s+", re.I)
# An element whose own text may be the marker, looked for once in the page's HTML: on a page without one (most),
# no item's elements need to be looked at one by one.
_WEB_TV_LABEL_IN_HTML = re.compile(r">\s*(?:web|nett)(?:[\s-]|&nbsp;|&#160;)?tv\s*:?\s*<", re.I)


def parse_listing(url: str, html: str, warnings: list[str] | None = None) -> tuple[list[Record], str | None]:
    """The items of a listing page (`ul#searchResultsListing > li.listItem`) and the URL of its next
    page, if any. Raises SourceError when the page has no listing at all (the layout changed); an item
    that cannot be read is skipped with a warning in `warnings`."""
    doc = parse_page(url, html)
    items = doc.css("#searchResultsListing > li.listItem") or doc.css("li.listItem")
    if not items and doc.css_first("#searchResultsListing") is None:
        raise SourceError(
            f"{url}: no result list (ul#searchResultsListing) on the page; the site's layout may have changed"
        )
    fields = _Fields(doc, items, labels=_WEB_TV_LABEL_IN_HTML.search(html) is not None)
    records = each_item(items, lambda li: _listing_item(li, url, fields), warnings if warnings is not None else [],
                        lambda li: f"listing item {_describe(li)} on {url}")
    return records, _next_page_url(doc, url)


# Each field of an item, by the selectors that find it (the first that finds one wins for an item).
_FIELD_SELECTORS = {
    "anchor": ("h2.title a[href]", "h2 a[href], h3 a[href]"),
    "department": (".info .department", ".department"),
    "hearing": (".event-details",),
    "type": (".info .type", ".type"),
    "summary": (".excerpts",),
    "date": (".info .date", ".date"),
}


class _Fields:
    """Every item's fields, found with one query per selector for the whole page (not a query per item and field):
    each element found is given to the item it lies in."""

    def __init__(self, doc: LexborHTMLParser, items: list[LexborNode], labels: bool):
        self._items = {li.mem_id for li in items}
        self.tv_labels = labels  # the page may have a web TV marker as an element's own text
        self._found: dict[tuple[str, int], LexborNode] = {}
        # items with an element whose class names the web TV marker ("web-tv", "webTV", "nett-tv")
        self.tv_classes = {item for node in doc.css('li.listItem [class*="tv" i]')
                           if _tv_class(node) and (item := self._item_of(node)) is not None}
        for name, selectors in _FIELD_SELECTORS.items():
            for selector in selectors:
                for node in doc.css(", ".join(f"li.listItem {part.strip()}" for part in selector.split(","))):
                    item = self._item_of(node)
                    if item is not None:
                        self._found.setdefault((name, item), node)
                if all((name, item) in self._found for item in self._items):
                    break

    def _item_of(self, node: LexborNode) -> int | None:
        current = node.parent
        while current is not None:
            if current.mem_id in self._items:
                return current.mem_id
            current = current.parent
        return None

    def get(self, li: LexborNode, name: str) -> LexborNode | None:
        return self._found.get((name, li.mem_id))


def _describe(li: LexborNode) -> str:
    anchor = li.css_first("a[href]")
    return repr(anchor.attributes.get("href") if anchor is not None else clean_text(li.text())[:80])


def _listing_item(li: LexborNode, page_url: str, fields: _Fields) -> Record | None:
    anchor = fields.get(li, "anchor")
    if anchor is None:
        return None
    link = canonical_url(anchor.attributes["href"] or "", page_url)
    title, marked_in_title = strip_web_tv(clean_text(anchor.text()))
    language = section_language(link)
    department = node_text(fields.get(li, "department"))
    abbrs = split_ministries(department)
    extra: dict = {}
    put(extra, hearing_in_text(node_text(fields.get(li, "hearing"))))
    if marked_in_title or li.mem_id in fields.tv_classes or (fields.tv_labels and _has_web_tv_label(li)):
        extra["web_tv"] = True
    return Record(
        id=item_id(link),
        link=link,
        title=title,
        summary=node_text(fields.get(li, "summary")),
        language=language,
        published=parse_date(node_text(fields.get(li, "date"))),
        document_type=document_type(node_text(fields.get(li, "type"))),
        ministries=abbrs,
        authors=authors(abbrs, language, unknown_ministry_names(department)) if department else [],
        extra=extra,
    )


def _tv_class(node: LexborNode) -> bool:
    classes = (node.attributes.get("class") or "").lower().replace("-", "")
    return "webtv" in classes or "netttv" in classes


def _has_web_tv_label(li: LexborNode) -> bool:
    """The "Web TV" / "Nett-tv" marker as an element whose own text is the label, wherever in the item it is (its
    markup is not known for sure; a class naming it is found for the whole page, _Fields.tv_classes)."""
    if "tv" not in li.text().lower():  # no "Web TV" or "Nett-tv" anywhere in the item: the common case, fast
        return False
    return any(clean_text(node.text(deep=False)).casefold() in WEB_TV_LABELS for node in li.css("*"))


def strip_web_tv(title: str) -> tuple[str, bool]:
    """A title without a leading "Web TV"/"Nett-tv" marker, and whether it had one."""
    stripped = _WEB_TV_PREFIX.sub("", title)
    return stripped, stripped != title


def _next_page_url(doc: LexborHTMLParser, url: str) -> str | None:
    """The next page as `?page=N` on the URL being read.

    The page number comes from the page's own link (`<link rel="next">` or `ul.pagination li.next a`),
    but the URL is built from the one being crawled: the real `rel=next` is absolute on
    www.regjeringen.no, and a bare `?page=2` would drop the listing's other query parameters.
    """
    candidates = [node.attributes.get("href") for node in doc.css('link[rel="next"]')]
    candidates += [node.attributes.get("href") for node in doc.css("ul.pagination li.next:not(.disabled) a")]
    current = _page_number(url) or 1
    for href in candidates:
        number = _page_number(urljoin(url, href or ""))
        if number and number > current:
            return _with_page(url, number)
    return None


def _page_number(url: str) -> int | None:
    value = dict(parse_qsl(urlsplit(url).query)).get("page", "")
    return int(value) if value.isdigit() else None


def _with_page(url: str, number: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("page", str(number))], safe="/")))
