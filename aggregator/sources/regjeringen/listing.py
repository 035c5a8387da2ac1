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
    records = each_item(items, lambda li: _listing_item(li, url), warnings if warnings is not None else [],
                        lambda li: f"listing item {_describe(li)} on {url}")
    return records, _next_page_url(doc, url)


def _describe(li: LexborNode) -> str:
    anchor = li.css_first("a[href]")
    return repr(anchor.attributes.get("href") if anchor is not None else clean_text(li.text())[:80])


def _listing_item(li: LexborNode, page_url: str) -> Record | None:
    anchor = li.css_first("h2.title a[href]") or li.css_first("h2 a[href], h3 a[href]")
    if anchor is None:
        return None
    link = canonical_url(anchor.attributes["href"] or "", page_url)
    title, marked_in_title = strip_web_tv(clean_text(anchor.text()))
    language = section_language(link)
    department = node_text(li.css_first(".info .department") or li.css_first(".department"))
    abbrs = split_ministries(department)
    extra: dict = {}
    put(extra, hearing_in_text(node_text(li.css_first(".event-details"))))
    if marked_in_title or _has_web_tv_marker(li):
        extra["web_tv"] = True
    type_label = node_text(li.css_first(".info .type") or li.css_first(".type"))
    return Record(
        id=item_id(link),
        link=link,
        title=title,
        summary=node_text(li.css_first(".excerpts")),
        language=language,
        published=parse_date(node_text(li.css_first(".info .date") or li.css_first(".date"))),
        document_type=document_type(type_label),
        ministries=abbrs,
        authors=authors(abbrs, language, unknown_ministry_names(department)),
        extra=extra,
    )


def _has_web_tv_marker(li: LexborNode) -> bool:
    """The "Web TV" / "Nett-tv" marker, wherever in the item it is (its markup is not known for sure):
    an element whose own text is the label, or whose class names it."""
    if "tv" not in (li.html or "").lower():  # no "Web TV", "Nett-tv" or "webtv" anywhere: the common case, fast
        return False
    for node in li.css("*"):
        own_text = clean_text(node.text(deep=False)).casefold()
        classes = (node.attributes.get("class") or "").lower().replace("-", "")
        if own_text in WEB_TV_LABELS or "webtv" in classes or "netttv" in classes:
            return True
    return False


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
