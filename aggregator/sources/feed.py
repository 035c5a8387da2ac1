"""`kind = "feed"`: any RSS or Atom feed, read with feedparser over the project's one client.

A configured feed is a subscription, fetched on the user's behalf as a feed reader does, so no
robots.txt check; it is fetched conditionally, so an unchanged feed costs one 304. A regjeringen.no
document read through this kind has the same identity (its numeric id) as through `regjeringen`.
An entry without an author is credited to the feed's own title (else its host), never to a site
it does not come from.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..config import SourceConfig
from ..kinds import SourceKind
from ..normalize import canonical_url, clean_text, document_type, item_id_for_url, language_code, parse_date
from ..records import FetchResult, Record
from . import SourceContext, each_item, get_subscribed_feed, parse_feed_document
from .html import fragment_text


def fetch(source: SourceConfig, ctx: SourceContext) -> FetchResult:
    result = FetchResult()
    response = get_subscribed_feed(source.url, ctx, result)
    if response is None:
        return FetchResult(not_modified=True)
    result.records = parse_feed(response.url, response.content, response.headers, result.warnings)
    return result


KIND = SourceKind(
    name="feed", fetch=fetch, publisher=None,  # an item without author is credited to the feed's own title
    doc=__doc__ or "",
)


def parse_feed(url: str, content: bytes, headers: dict | None = None, warnings: list[str] | None = None) -> list[Record]:
    """Records from an RSS or Atom document. Raises SourceError when it is not a feed at all; an entry
    that cannot be read is skipped with a warning in `warnings`."""
    parsed = parse_feed_document(url, content, headers)
    language = language_code(parsed.feed.get("language"))
    credit = clean_text(parsed.feed.get("title")) or urlsplit(url).hostname or url
    return each_item(
        parsed.entries, lambda entry: _record(url, entry, language, credit),
        warnings if warnings is not None else [], lambda entry: f"feed entry {entry.get('link') or entry.get('id')!r}",
    )


def _entry_date(entry, *keys: str):
    # feedparser's *_parsed fields drop the offset; the raw string keeps it, so parse that.
    # dict.get: feedparser's own .get maps a missing `updated` to `published` (with a warning).
    for key in keys:
        value = parse_date(dict.get(entry, key))
        if value:
            return value
    return None


def _record(feed_url: str, entry, language: str | None, credit: str) -> Record | None:
    link = entry.get("link") or ""
    if not link and entry.get("id", "").startswith("http"):
        link = entry["id"]
    if not link:
        return None
    link = canonical_url(link, feed_url)
    summary = entry.get("summary") or ""
    summary = fragment_text(summary)  # HTML summaries: keep the text only, the feed reader gets plain text
    categories = [clean_text(t.get("term")) for t in entry.get("tags", []) if t.get("term")]
    known_types = [t for t in map(document_type, categories) if t and t != "other"]
    authors = [clean_text(a.get("name")) for a in entry.get("authors", []) if a.get("name")]
    return Record(
        id=item_id_for_url(link),
        link=link,
        title=clean_text(entry.get("title")) or link,
        summary=clean_text(summary),
        language=language_code(entry.get("language")) or language,
        published=_entry_date(entry, "published", "created", "updated"),
        updated=_entry_date(entry, "updated"),
        authors=authors,
        document_type=known_types[0] if known_types else None,
        # who to credit when no observation names an author (see publish.entry_authors)
        extra={"categories": categories, "credit": credit} if categories else {"credit": credit},
    )
