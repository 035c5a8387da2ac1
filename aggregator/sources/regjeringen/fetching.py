"""Fetching a regjeringen.no source (an RSS feed or a listing with its pagination), completing new documents from
their article pages, and reading one stored document (a followed hearing) again. See the kind's documentation in
__init__.py."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ...hearings import Hearing, Response, Responses, hearing_of, is_hearing, put
from ...hearings.follow import record_of
from ...http import FetchError, RobotsDisallowed
from ...http import Response as HttpResponse
from ...normalize import ministry_abbr, regjeringen_doc_id
from ...records import FetchResult, Item, Record, SourceError
from .. import SourceContext, get_subscribed_feed, read_article
from .common import HEARING, SECTION_LANGUAGES

# The parsers (rss, listing, article, hearing_page: selectolax, nh3) are imported where a page is parsed: a run whose
# pages all answer 304 never loads them.

if TYPE_CHECKING:
    from ...config import SourceConfig

# The site's one RSS generator; its filters mirror the listing's, but two are spelled differently.
RSS_GENERATOR_PATH = "/{section}/rss/Rss/2581966/"
RSS_FILTER_NAMES = {"ownerid": "owner", "owner": "owner", "documenttype": "documentType", "topic": "topic"}
_HEARINGS_LISTING = re.compile(r"/(?:hoyringar|horinger|hoeringer|consultations)/|/id1763/", re.I)


def fetch(source: SourceConfig, ctx: SourceContext) -> FetchResult:
    """Fetch a regjeringen.no RSS feed or listing (with its pagination), completing new items from
    their article pages. Raises SourceError when the source cannot be read at all."""
    if is_feed_url(source.url):
        result = _fetch_rss(source, ctx)
    else:
        result = _fetch_listing(source, ctx)
    result.warnings.extend(_unknown_ministry_warnings(result.records))
    return result


def reread(source: SourceConfig, ctx: SourceContext, item: Item, result: FetchResult) -> None:
    """Read one stored document's page again (a followed hearing, with its responses; or a page that failed)."""
    _read_page(record_of(item), ctx, result)


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
    from .rss import parse_rss

    result = FetchResult()
    response = get_subscribed_feed(source.url, ctx, result, "RSS feed", site_only=True)
    if response is None:
        result.not_modified = True
        return result
    records = parse_rss(response.url, response.content, result.warnings)
    if _filters_hearings(source.url):
        for record in records:
            record.document_type = HEARING  # the filter says so; the feed's items do not
    result.records = records  # before their pages are read: a batch committed meanwhile holds them
    _complete(records, ctx, result, origin=response.url)
    if not records:
        # An unknown filter value (documentType=…) gives an empty feed, not an error: say so.
        result.warnings.append(f"RSS feed {source.url} has no items; check its filters (documentType, owner, topic)")
    return result


def _filters_hearings(url: str) -> bool:
    """Whether a feed URL asks for hearings only (`?documentType=dokumenter/høringer`, any spelling)."""
    values = [v for k, v in parse_qsl(urlsplit(url).query) if k.lower() == "documenttype"]
    return any(re.search(r"h(?:ø|o|oe)y?ring", v, re.I) for v in values)


def _fetch_listing(source: SourceConfig, ctx: SourceContext) -> FetchResult:
    from .listing import parse_listing

    result = FetchResult()
    seen: set[str] = set()
    url: str = source.url
    for page in range(1, (ctx.max_pages or source.options["max_pages"]) + 1):
        response = _get_listing_page(url, page, ctx, result)
        if response is None:
            break
        if page == 1 and _looks_like_feed(response):  # no pages after all
            from .rss import parse_rss

            # A URL without /rss/ that answers with XML is a feed after all.
            result.records = parse_rss(response.url, response.content, result.warnings)
            _complete(result.records, ctx, result, origin=response.url)
            return result
        try:
            records, next_url = parse_listing(response.url, response.text, result.warnings)
        except SourceError as error:
            if page == 1:
                raise
            result.warnings.append(f"{error}; kept the {len(result.records)} items of the pages before")
            break
        result.pages = page
        records = [r for r in records if r.id not in seen]
        seen.update(r.id for r in records)
        # This source's own history decides, not the store's: another source holding these items says
        # nothing of whether this listing's older pages were ever read.
        all_seen = bool(records) and all(ctx.seen(r.id) for r in records)
        result.records.extend(records)  # before their pages are read: a batch committed meanwhile holds them
        _complete(records, ctx, result, origin=response.url)
        if all_seen and not ctx.backfill and not ctx.resume_walk:
            ctx.log.info("%s: every item on page %d was seen before; not paging further", source.id, page)
            break
        if not next_url:
            break
        url = next_url
    return result


def _get_listing_page(url: str, page: int, ctx: SourceContext, result: FetchResult) -> HttpResponse | None:
    """Page 1 must be read or the source fails; a later page that fails ends the pagination."""
    try:
        return ctx.http.get(url, check_robots=True, hosts=ctx.hosts or None)
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


def _looks_like_feed(response: HttpResponse) -> bool:
    content_type = response.headers.get("content-type", "").lower()
    start = response.content[:200].lstrip().lower()
    return "xml" in content_type or start.startswith((b"<?xml", b"<rss", b"<feed"))


def _complete(records: list[Record], ctx: SourceContext, result: FetchResult, origin: str) -> list[Record]:
    """Read the article page of each document that needs it (merge.needs_article decides) into the result; a
    hearing's responses with it. (Followed hearings are read again by hearings.follow, through `reread`.)

    Article pages are read only on the host of the listing or feed, so a link to another site is not
    crawled as an article.
    """
    host = urlsplit(origin).netloc.lower()
    for record in records:
        if urlsplit(record.link).netloc.lower() == host and ctx.needs_article(record):
            _read_page(record, ctx, result)
    return records


def _read_page(record: Record, ctx: SourceContext, result: FetchResult) -> None:
    """A document's article page into the result, and a hearing's responses with it."""
    from .article import parse_article

    article = read_article(record, ctx, result, parse_article)
    if article is not None and (is_hearing(article) or is_hearing(record)):
        _read_responses(article, ctx, result)


def _read_responses(article: Record, ctx: SourceContext, result: FetchResult) -> None:
    """The hearing's published responses (`?showSvar=true…`, page by page) into the article's facts. When they
    cannot be read, the article gives none, and the store keeps the ones read before (rules.keep_known_facts),
    so that a failed look neither loses them nor makes the next look announce them all again."""
    from .hearing_page import MAX_RESPONSE_PAGES, RESPONSE_PAGE_SIZE, parse_responses, responses_url

    responses: list[Response] = []
    total: int | None = None
    for page in range(1, MAX_RESPONSE_PAGES + 1):
        url = responses_url(article.link, page)
        try:
            response = ctx.http.get(url, check_robots=True, hosts=ctx.hosts or None)
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
    hearing = hearing_of(article) or Hearing()
    put(article.extra, replace(hearing, responses=Responses(max(total or 0, len(responses)), tuple(responses))))


def _unknown_ministry_warnings(records: list[Record]) -> list[str]:
    # Authors that are no known ministry are names the site printed that ministries.toml lacks.
    unknown = sorted({a for r in records for a in r.authors if not ministry_abbr(a)})
    return [
        f"unknown ministry name {name!r} (new or renamed?): add it to aggregator/data/ministries.toml"
        for name in unknown
    ]
