"""regjeringen.no's RSS feeds (`/no/rss/Rss/2581966/?…`): their items. Pure."""

from __future__ import annotations

from ...hearings import put
from ...normalize import (
    canonical_url,
    clean_text,
    document_type,
    item_id_for_url,
    language_code,
    parse_date,
    regjeringen_doc_id,
    regjeringen_item_id,
    split_ministries,
)
from ...records import Record
from .. import each_item, parse_feed_document
from .common import authors, hearing_in_text, html_text, section_language
from .listing import strip_web_tv


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
    language = channel_language or section_language(link)
    summary = html_text(entry.get("summary") or "")
    categories = [clean_text(tag.get("term")) for tag in entry.get("tags", []) if tag.get("term")]
    # Whether <category> holds the type or the ministry is not known for sure: accept either.
    abbrs = [abbr for category in categories for abbr in split_ministries(category)]
    types = [document_type(c) for c in categories if not split_ministries(c)]
    extra: dict = {}
    put(extra, hearing_in_text(summary))
    if categories:
        extra["rss_category"] = categories
    return Record(
        id=regjeringen_item_id(doc_id, link) if doc_id else item_id_for_url(link),
        link=link,
        title=strip_web_tv(clean_text(entry.get("title")))[0] or link,
        summary=summary,
        language=language,
        # feedparser's published_parsed drops the offset; the raw string keeps it.
        published=parse_date(entry.get("published") or entry.get("updated")),
        document_type=next((t for t in types if t != "other"), types[0] if types else None),
        ministries=list(dict.fromkeys(abbrs)),
        authors=authors(list(dict.fromkeys(abbrs)), language),
        extra=extra,
    )
