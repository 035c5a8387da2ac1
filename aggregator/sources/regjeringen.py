"""`kind = "regjeringen"`: regjeringen.no's listing pages and RSS feeds, completed from article pages.

The `url` of a source is either one of the site's RSS feeds (`/no/rss/Rss/2581966/?…`) or an HTML
listing page (`/no/dokument/hoyringar/id1763/`, topic pages with "More on this topic", …).

- A feed is a subscription: fetched on the user's behalf like a feed reader does, so no robots.txt
  check, and conditionally (an unchanged feed costs one 304).
- Listing pages, their `?page=N` pagination and article pages are crawling: robots.txt governs them.
- A listing shows only part of a document (a cut summary, no topics, no last-modified), and RSS even
  less (no ministries), so a new item's article page is read once, and again when this source's own
  view of it moves. A missing article page is a warning: the item keeps what the listing gave, and the
  page is tried again on later runs. (merge.py lays the article's facts over the listing's.)
- Pagination stops at the first page whose items this source has all seen before; a first run (or a
  backfill) walks up to `max_pages`.
- A hearing's page is read with its factboxes (letter, documents, recipients, answer form, see hearing_page.py)
  and its response listing, and read again every `hearing_refresh_hours` while the hearing is followed (open,
  or its deadline recent), since RSS shows none of its changes: a moved deadline, a closing, new responses.
- `/no/rss/Rss/2581966/?documentType=dokumenter/høringer` is a hearings source of its own: every item is a
  hearing even when Cloudflare answers HTML requests with a challenge, and the hearing page completes it when
  it can be read.

Parsing is done by pure functions of (URL, text): `parse_listing`, `parse_rss`, `parse_article`.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..config import SourceConfig, check_non_negative_number, check_positive_int
from ..http import FetchError, Response, RobotsDisallowed
from ..kinds import Option, SourceKind
from ..normalize import (
    canonical_url,
    clean_text,
    document_type,
    find_date,
    item_id_for_url,
    language_code,
    ministries,
    ministry_abbr,
    ministry_name,
    parse_date,
    regjeringen_doc_id,
    regjeringen_item_id,
    slugify,
    split_ministries,
    unknown_ministry_names,
)
from ..records import FetchResult, Record, SourceError
from . import SourceContext, each_item, get_subscribed_feed, meta_tags, parse_feed_document, read_article
from .hearing_page import MAX_RESPONSE_PAGES, RESPONSE_PAGE_SIZE, hearing_facts, parse_responses, responses_url

# The site's one RSS generator; its filters mirror the listing's, but two are spelled differently.
RSS_GENERATOR_PATH = "/{section}/rss/Rss/2581966/"
RSS_FILTER_NAMES = {"ownerid": "owner", "owner": "owner", "documenttype": "documentType", "topic": "topic"}

# Language sections of the site's paths and the language their items are in until a page says more
# precisely (/no/ holds both bokmål and nynorsk; the article page's DC.Language tells which).
SECTION_LANGUAGES = {"no": "nb", "en": "en", "se": "se"}

# The marker the site puts on items with a video recording, in English and Norwegian.
WEB_TV_LABELS = {"web tv", "web-tv", "webtv", "nett-tv", "nett-tv:", "nett tv", "web tv:"}
_WEB_TV_PREFIX = re.compile(r"^(?:web[ -]?tv|nett[ -]?tv)\s*[:|–—-]?\s+", re.I)

# "Høringsfrist: 14.08.2026" (bokmål), "Høyringsfrist: …" (nynorsk); English pages may say "Deadline …: DD/MM/YYYY".
_DEADLINE_LABEL = r"(?:H[øo]y?ringsfrist|(?:consultation |comment )?deadline)"
_DEADLINE = re.compile(_DEADLINE_LABEL + r"[^:\d]{0,30}:?\s*(\d{1,2}[./]\d{1,2}[./]\d{4}|\d{4}-\d{2}-\d{2})", re.I)
_STATUS = re.compile(r"Status\s*:\s*(.+?)\s*(?=" + _DEADLINE_LABEL + r"|$)", re.I)
_DEP_LINK = re.compile(r"/dep/([a-z]+)/id\d+")
HEARING_REFRESH_HOURS = 20.0  # how often a followed hearing's page is read again, by default
_HEARINGS_LISTING = re.compile(r"/(?:hoyringar|horinger|hoeringer|consultations)/|/id1763/", re.I)


# ============================================================================================ fetch


def fetch(source: SourceConfig, ctx: SourceContext) -> FetchResult:
    """Fetch a regjeringen.no RSS feed or listing (with its pagination), completing new items from
    their article pages. Raises SourceError when the source cannot be read at all."""
    if is_feed_url(source.url):
        result = _fetch_rss(source, ctx)
    else:
        result = _fetch_listing(source, ctx)
    _refresh_followed(source, ctx, result)
    result.warnings.extend(_unknown_ministry_warnings(result.records))
    return result


def _refresh_followed(source: SourceConfig, ctx: SourceContext, result: FetchResult) -> None:
    """Read the article pages this fetch did not show but that are due: failed ones whose back-off allows another
    try, and followed hearings (an unchanged feed, a hearing that left the feed's last 100 items, a listing page
    not walked), whose pages still change."""
    shown = {r.id for r in result.records} | set(result.articles) | set(result.article_failures)
    host = urlsplit(source.url).netloc.lower()
    retry = {item["id"]: item for item in ctx.articles_due()}
    for item in [*retry.values(), *(i for i in ctx.followed() if i["id"] not in retry)]:
        if item["id"] in shown or urlsplit(item["link"]).netloc.lower() != host:
            continue
        shown.add(item["id"])
        record = Record(id=item["id"], link=item["link"], title=item["title"], document_type=item["document_type"])
        if item["id"] in retry or ctx.hearing_page_due(record, _refresh_hours(source)):
            _read_page(record, ctx, result)


KIND = SourceKind(
    name="regjeringen", fetch=fetch, publisher="regjeringen.no", doc=__doc__ or "",
    options=(Option("max_pages", check_positive_int, 3,
                    "listings: how many pages a run reads at most (it stops at the first page this source has seen)",
                    "whole number"),
             Option("hearing_refresh_hours", check_non_negative_number, HEARING_REFRESH_HOURS,
                    "how often a followed hearing's page and responses are read again (hours; 0: every run)",
                    "number")),
)


def is_feed_url(url: str) -> bool:
    """Whether a configured URL is one of the site's RSS feeds (`/no/rss/Rss/2581966/?…`).

    Pages of the site end in `/id<N>/`, so the feed builder's page (`/no/aktuelt/rss/id2581966/`) is no feed.
    """
    path = urlsplit(url).path.lower()
    return bool(re.search(r"/rss(/|$)", path)) and regjeringen_doc_id(url) is None


def rss_url_for_listing(url: str) -> str:
    """The site's RSS feed with the same filters as a listing URL (`?ownerid=165&topic=918` ->
    `/en/rss/Rss/2581966/?owner=165&topic=918`), to suggest when robots.txt refuses the listing."""
    parts = urlsplit(url)
    section = parts.path.strip("/").split("/", 1)[0]
    section = section if section in SECTION_LANGUAGES else "no"
    filters = [
        (RSS_FILTER_NAMES[key.lower()], value)
        for key, value in parse_qsl(parts.query)
        if key.lower() in RSS_FILTER_NAMES and value
    ]
    if not any(name == "documentType" for name, _ in filters) and _HEARINGS_LISTING.search(parts.path):
        filters.append(("documentType", "dokumenter/høringer"))  # the hearings listing, as a feed
    path = RSS_GENERATOR_PATH.format(section=section)
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(filters, safe="/"), ""))


def _fetch_rss(source: SourceConfig, ctx: SourceContext) -> FetchResult:
    result = FetchResult()
    response = get_subscribed_feed(source.url, ctx, result, "RSS feed")
    if response is None:
        result.not_modified = True
        return result
    records = parse_rss(response.url, response.content, result.warnings)
    if _filters_hearings(source.url):
        for record in records:
            record.document_type = "consultation"  # the filter says so; the feed's items do not
    result.records = _complete(records, ctx, result, origin=response.url, refresh_hours=_refresh_hours(source))
    if not records:
        # An unknown filter value (documentType=…) gives an empty feed, not an error: say so.
        result.warnings.append(f"RSS feed {source.url} has no items; check its filters (documentType, owner, topic)")
    return result


def _refresh_hours(source: SourceConfig) -> float:
    return float(source.options.get("hearing_refresh_hours", HEARING_REFRESH_HOURS))


def _filters_hearings(url: str) -> bool:
    """Whether a feed URL asks for hearings only (`?documentType=dokumenter/høringer`, any spelling)."""
    values = [v for k, v in parse_qsl(urlsplit(url).query) if k.lower() == "documenttype"]
    return any(re.search(r"h(?:ø|o|oe)y?ring", v, re.I) for v in values)


def _fetch_listing(source: SourceConfig, ctx: SourceContext) -> FetchResult:
    result = FetchResult()
    seen: set[str] = set()
    url: str = source.url
    for page in range(1, source.max_pages + 1):
        response = _get_listing_page(url, page, ctx, result)
        if response is None:
            break
        if page == 1 and _looks_like_feed(response):
            # A URL without /rss/ that answers with XML is a feed after all.
            result.records = _complete(parse_rss(response.url, response.content, result.warnings), ctx, result,
                                       origin=response.url, refresh_hours=_refresh_hours(source))
            return result
        try:
            records, next_url = parse_listing(response.url, response.text, result.warnings)
        except SourceError as error:
            if page == 1:
                raise
            result.warnings.append(f"{error}; kept the {len(result.records)} items of the pages before")
            break
        records = [r for r in records if r.id not in seen]
        seen.update(r.id for r in records)
        # This source's own history decides, not the store's: another source holding these items says
        # nothing of whether this listing's older pages were ever read.
        all_seen = bool(records) and all(ctx.seen(r.id) for r in records)
        result.records.extend(_complete(records, ctx, result, origin=response.url,
                                        refresh_hours=_refresh_hours(source)))
        if all_seen and not ctx.backfill:
            ctx.log.info("%s: every item on page %d was seen before; not paging further", source.id, page)
            break
        if not next_url:
            break
        url = next_url
    return result


def _get_listing_page(url: str, page: int, ctx: SourceContext, result: FetchResult) -> Response | None:
    """Page 1 must be read or the source fails; a later page that fails ends the pagination."""
    try:
        return ctx.http.get(url, check_robots=True)
    except RobotsDisallowed:
        if page == 1:
            raise SourceError(
                f"{url}: the site's robots.txt disallows crawling this listing, so it was not requested. "
                f"Subscribe to the site's RSS feed with the same filter instead: {rss_url_for_listing(url)}"
            ) from None
        result.warnings.append(f"{url}: robots.txt disallows page {page} of the listing; stopped paging there")
    except FetchError as error:
        if page == 1 and error.challenge:
            raise SourceError(f"listing {url}: {error.reason}. The same filter as an RSS feed, which Cloudflare "
                              f"usually lets through: {rss_url_for_listing(url)}") from None
        if page == 1:
            raise SourceError(f"listing {url}: {error.reason}") from None
        result.warnings.append(f"listing page {page} ({url}): {error.reason}; kept the items of the pages before")
    return None


def _looks_like_feed(response: Response) -> bool:
    content_type = response.headers.get("content-type", "").lower()
    start = response.content[:200].lstrip().lower()
    return "xml" in content_type or start.startswith((b"<?xml", b"<rss", b"<feed"))


def _complete(records: list[Record], ctx: SourceContext, result: FetchResult, origin: str,
              refresh_hours: float) -> list[Record]:
    """Read the article page of each document that needs it (merge.needs_article decides), and of each followed
    hearing that is due again (SourceContext.hearing_page_due), into the result; a hearing's responses with it.

    Article pages are read only on the host of the listing or feed, so a link to another site is not
    crawled as an article.
    """
    host = urlsplit(origin).netloc.lower()
    for record in records:
        if urlsplit(record.link).netloc.lower() != host:
            continue
        if ctx.needs_article(record) or ctx.hearing_page_due(record, refresh_hours):
            _read_page(record, ctx, result)
    return records


def _read_page(record: Record, ctx: SourceContext, result: FetchResult) -> None:
    """A document's article page into the result, and a hearing's responses with it."""
    article = read_article(record, ctx, result, parse_article)
    if article is not None and "consultation" in (article.document_type, record.document_type):
        _read_responses(article, ctx, result)


def _read_responses(article: Record, ctx: SourceContext, result: FetchResult) -> None:
    """The hearing's published responses (`?showSvar=true…`, page by page) into the article's facts. When they
    cannot be read, the article gives none, and the store keeps the ones read before (hearings.keep_known_facts),
    so that a failed look neither loses them nor makes the next look announce them all again."""
    responses: list[dict] = []
    total: int | None = None
    for page in range(1, MAX_RESPONSE_PAGES + 1):
        url = responses_url(article.link, page)
        try:
            response = ctx.http.get(url, check_robots=True)
            found, stated = parse_responses(response.url, response.text)
        except FetchError as error:
            if error.status == 404:  # no response listing for this hearing (an old one, an input process)
                ctx.log.debug("%s: no response listing (%s)", article.link, error.reason)
            else:
                result.warnings.append(f"responses of {article.link} ({url}): {error.reason}; kept the ones read before")
            return
        responses.extend(found)
        total = stated if stated is not None else total
        if len(found) < RESPONSE_PAGE_SIZE or (total is not None and len(responses) >= total):
            break
    article.extra["responses"] = {"count": max(total or 0, len(responses)), "by": responses}


def _unknown_ministry_warnings(records: list[Record]) -> list[str]:
    # Authors that are no known ministry are names the site printed that ministries.toml lacks.
    unknown = sorted({a for r in records for a in r.authors if not ministry_abbr(a)})
    return [
        f"unknown ministry name {name!r} (new or renamed?): add it to aggregator/data/ministries.toml"
        for name in unknown
    ]


# ============================================================================================ listings


def parse_listing(url: str, html: str, warnings: list[str] | None = None) -> tuple[list[Record], str | None]:
    """The items of a listing page (`ul#searchResultsListing > li.listItem`) and the URL of its next
    page, if any. Raises SourceError when the page has no listing at all (the layout changed); an item
    that cannot be read is skipped with a warning in `warnings`."""
    doc = LexborHTMLParser(html)
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
    title, marked_in_title = _strip_web_tv(clean_text(anchor.text()))
    language = _section_language(link)
    department = _text(li.css_first(".info .department") or li.css_first(".department"))
    abbrs = split_ministries(department)
    extra = _hearing_facts(_text(li.css_first(".event-details")))
    if marked_in_title or _has_web_tv_marker(li):
        extra["web_tv"] = True
    type_label = _text(li.css_first(".info .type") or li.css_first(".type"))
    return Record(
        id=_item_id(link),
        link=link,
        title=title,
        summary=_text(li.css_first(".excerpts")),
        language=language,
        published=parse_date(_text(li.css_first(".info .date") or li.css_first(".date"))),
        document_type=document_type(type_label),
        ministries=abbrs,
        authors=_authors(abbrs, language, unknown_ministry_names(department)),
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


def _strip_web_tv(title: str) -> tuple[str, bool]:
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


# ============================================================================================ RSS


def parse_rss(url: str, content: bytes, warnings: list[str] | None = None) -> list[Record]:
    """The items of one of the site's RSS feeds. Raises SourceError when it is no feed; an entry that
    cannot be read is skipped with a warning in `warnings`."""
    parsed = parse_feed_document(url, content, what="RSS feed")
    channel_language = language_code(parsed.feed.get("language"))
    return each_item(parsed.entries, lambda entry: _rss_item(url, entry, channel_language),
                     warnings if warnings is not None else [], lambda entry: f"RSS item {entry.get('link')!r}")


def _rss_item(feed_url: str, entry, channel_language: str | None) -> Record | None:
    if not entry.get("link"):
        return None
    link = canonical_url(entry["link"], feed_url)  # drops the utm_* parameters the feed adds
    guid = (entry.get("id") or "").strip()
    doc_id = int(guid) if guid.isdigit() else regjeringen_doc_id(link)
    language = channel_language or _section_language(link)
    summary = _html_text(entry.get("summary") or "")
    categories = [clean_text(tag.get("term")) for tag in entry.get("tags", []) if tag.get("term")]
    # Whether <category> holds the type or the ministry is not known for sure: accept either.
    abbrs = [abbr for category in categories for abbr in split_ministries(category)]
    types = [document_type(c) for c in categories if not split_ministries(c)]
    extra = _hearing_facts(summary)
    if categories:
        extra["rss_category"] = categories
    return Record(
        id=regjeringen_item_id(doc_id, link) if doc_id else item_id_for_url(link),
        link=link,
        title=_strip_web_tv(clean_text(entry.get("title")))[0] or link,
        summary=summary,
        language=language,
        # feedparser's published_parsed drops the offset; the raw string keeps it.
        published=parse_date(entry.get("published") or entry.get("updated")),
        document_type=next((t for t in types if t != "other"), types[0] if types else None),
        ministries=list(dict.fromkeys(abbrs)),
        authors=_authors(list(dict.fromkeys(abbrs)), language),
        extra=extra,
    )


# ============================================================================================ articles


def parse_article(url: str, html: str) -> Record:
    """What an article page says of its document: dates, type, ministries, full ingress, topics,
    hearing status and deadline. Fields the page does not give are left empty."""
    doc = LexborHTMLParser(html)
    meta = meta_tags(doc)
    link = canonical_url(url)
    language = language_code(meta.get("dc.language") or _html_lang(doc)) or _section_language(link)
    info = doc.css_first(".article-info")
    abbrs, unknown = _article_ministries(doc, meta)
    type_label = _text(info.css_first(".type")) if info else ""
    kind = document_type(type_label)
    if kind in (None, "other") and meta.get("dc.type"):
        kind = document_type(meta["dc.type"])
    topic_titles = _article_topics(doc, meta)
    hearing = doc.css_first(".horing-meta")
    doc_id = regjeringen_doc_id(link) or regjeringen_doc_id(meta.get("dc.identifier.url", ""))
    title = _text(doc.css_first(".article-header h1") or doc.css_first("h1")) or clean_text(meta.get("dc.title"))
    extra = _hearing_facts(_text(hearing)) if hearing else {}
    if hearing is not None or kind == "consultation" or doc.css_first("#horingsbrev") is not None:
        extra.update(hearing_facts(link, doc))
    return Record(
        id=regjeringen_item_id(doc_id, link) if doc_id else item_id_for_url(link),
        link=link,
        title=_strip_web_tv(title)[0],
        summary=_text(doc.css_first(".article-ingress")) or clean_text(meta.get("dc.description")),
        language=language,
        published=parse_date(meta.get("dc.date")) or find_date(_text(info.css_first(".date")) if info else ""),
        updated=parse_date(meta.get("last-modified") or meta.get("revised")),
        document_type=kind,
        ministries=abbrs,
        authors=_authors(abbrs, language, unknown),
        topics=list(topic_titles),
        topic_titles=topic_titles,
        extra=extra,
    )


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
        elif _text(anchor):
            unknown.append(_text(anchor))
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
        title = _text(anchor)
        segments = [s for s in urlsplit(anchor.attributes.get("href") or "").path.split("/") if s]
        slug = segments[-2] if len(segments) >= 2 and re.fullmatch(r"id\d+", segments[-1]) else ""
        topic_id = slugify(slug) or slugify(title)
        if topic_id:
            topics.setdefault(topic_id, title or topic_id)
    if not topics and meta.get("dc.subject"):
        title = clean_text(meta["dc.subject"])
        topics[slugify(title)] = title
    return topics


# ============================================================================================ shared bits


def _text(node: LexborNode | None) -> str:
    """An element's text, entities decoded and white space folded; the "|" separators of
    `.article-info` ("Høyring |", "| Finansdepartementet") are not part of a value."""
    return clean_text(node.text(separator=" ")).strip(" |") if node is not None else ""


def _html_text(value: str) -> str:
    return clean_text(LexborHTMLParser(value).text(separator=" ") if "<" in value else value)


def _hearing_facts(text: str) -> dict:
    """Deadline (ISO date) and status of a hearing from "Høyringsfrist: 14.08.2026 Status: På høyring"."""
    facts: dict = {}
    deadline = _DEADLINE.search(text or "")
    if deadline and (day := parse_date(deadline.group(1))):
        facts["deadline"] = day.date().isoformat()
    status = _STATUS.search(text or "")
    if status and status.group(1).strip():
        facts["hearing_status"] = status.group(1).strip()
    return facts


def _item_id(link: str) -> str:
    doc_id = regjeringen_doc_id(link)
    return regjeringen_item_id(doc_id, link) if doc_id else item_id_for_url(link)


def _section_language(url: str) -> str | None:
    section = urlsplit(url).path.strip("/").split("/", 1)[0]
    return SECTION_LANGUAGES.get(section)



def _authors(abbrs: list[str], language: str | None, unknown: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Ministry names in the item's language, then names the vocabulary does not know (kept, not lost)."""
    names = [ministry_name(abbr, language) for abbr in abbrs]
    return list(dict.fromkeys([*names, *unknown]))
