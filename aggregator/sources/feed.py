"""`kind = "feed"`: any RSS or Atom feed, read with feedparser over the project's one client.

A configured feed is a subscription, fetched on the user's behalf as a feed reader does, so no
robots.txt check; it is fetched conditionally, so an unchanged feed costs one 304.
"""

from __future__ import annotations

import feedparser

from ..config import SourceConfig
from ..normalize import canonical_url, clean_text, document_type, item_id_for_url, parse_date
from ..records import FetchResult, Record, SourceError
from . import SourceContext, get_subscribed_feed


def fetch(source: SourceConfig, ctx: SourceContext) -> FetchResult:
    response = get_subscribed_feed(source.url, ctx)
    if response is None:
        return FetchResult(not_modified=True)
    return FetchResult(records=parse_feed(response.url, response.content, response.headers))


def parse_feed(url: str, content: bytes, headers: dict | None = None) -> list[Record]:
    """Records from an RSS or Atom document. Raises SourceError when it is not a feed at all."""
    parsed = feedparser.parse(content, response_headers=headers or {})
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = parsed.get("bozo_exception") or "no feed elements"
        raise SourceError(f"feed {url}: not an RSS or Atom feed ({reason})")
    language = parsed.feed.get("language") or None
    return [record for entry in parsed.entries if (record := _record(url, entry, language))]


def _entry_date(entry, *keys: str):
    # feedparser's *_parsed fields drop the offset; the raw string keeps it, so parse that.
    # dict.get: feedparser's own .get maps a missing `updated` to `published` (with a warning).
    for key in keys:
        value = parse_date(dict.get(entry, key))
        if value:
            return value
    return None


def _record(feed_url: str, entry, language: str | None) -> Record | None:
    link = entry.get("link") or ""
    if not link and entry.get("id", "").startswith("http"):
        link = entry["id"]
    if not link:
        return None
    link = canonical_url(link, feed_url)
    summary = entry.get("summary") or ""
    if "<" in summary:  # HTML summaries: keep the text only, the feed reader gets plain text
        from selectolax.lexbor import LexborHTMLParser

        summary = LexborHTMLParser(summary).text(separator=" ")
    categories = [clean_text(t.get("term")) for t in entry.get("tags", []) if t.get("term")]
    known_types = [t for t in map(document_type, categories) if t and t != "other"]
    return Record(
        id=item_id_for_url(link),
        link=link,
        title=clean_text(entry.get("title")) or link,
        summary=clean_text(summary),
        language=entry.get("language") or language,
        published=_entry_date(entry, "published", "created", "updated"),
        updated=_entry_date(entry, "updated"),
        authors=[clean_text(a.get("name")) for a in entry.get("authors", []) if a.get("name")],
        document_type=known_types[0] if known_types else None,
        extra={"categories": categories} if categories else {},
    )
