"""How rows are stored: times as ISO 8601 text with their offset, lists and dicts as JSON text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast

from ..merge import Document, effective_updated
from ..records import Item

JSON_COLUMNS = ("ministries", "authors", "topics", "sources", "extra")
TIME_COLUMNS = ("published", "updated", "first_seen", "changed", "hearing_changed")
ITEM_COLUMNS = ("id", "link", "title", "summary", "language", "published", "updated", "first_seen", "changed",
                "document_type", "ministries", "authors", "topics", "sources", "extra", "hearing_changed")


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def sort_key(published: datetime | None, first_seen: datetime | None) -> str:
    """The order of feeds (newest first) as text SQL can sort: the publication date, else when first seen, in UTC."""
    when = published or first_seen
    return when.astimezone(UTC).isoformat() if when else ""


def decode_item(row: dict) -> Item:
    """A stored row as an Item: lists and dicts decoded, times aware."""
    item: dict[str, Any] = {k: v for k, v in dict(row).items() if k not in ("sort_key", "version", "first_run")}
    for column in JSON_COLUMNS:
        item[column] = json.loads(item[column]) if item.get(column) else ({} if column == "extra" else [])
    for column in TIME_COLUMNS:
        item[column] = from_iso(item.get(column))
    return cast(Item, item)  # a row has exactly Item's columns


def encode(row: Mapping[str, Any]) -> dict:
    encoded = dict(row)
    for column in JSON_COLUMNS:
        encoded[column] = json.dumps(encoded.get(column) or ({} if column == "extra" else []), ensure_ascii=False, sort_keys=True)
    for column in TIME_COLUMNS:
        value = encoded.get(column)
        encoded[column] = iso(value) if isinstance(value, datetime) else value
    return encoded


def row_for(document: Document, first_seen: datetime, text_changed_at: datetime | None,
            hearing_changed: datetime | None = None) -> dict:
    """The `items` row of a merged document. `changed` is when its text last changed (first_seen until then);
    `hearing_changed` when a hearing last changed in a way the feeds show (hearings.in_feeds), which advances
    its `updated` too."""
    updated = effective_updated(document, first_seen, text_changed_at)
    return encode({
        "id": document.id, "link": document.link, "title": document.title, "summary": document.summary,
        "language": document.language, "published": document.published,
        "updated": max(updated, hearing_changed) if hearing_changed else updated,
        "first_seen": first_seen, "changed": text_changed_at or first_seen,
        "document_type": document.document_type, "ministries": document.ministries, "authors": document.authors,
        "topics": document.topics, "sources": document.sources, "extra": document.extra,
        "hearing_changed": hearing_changed,
    })


def newest_first(item: Item) -> tuple:
    when = item["published"] or item["first_seen"]
    return (-when.timestamp(), item["id"])
