"""How rows are stored: times as ISO 8601 text with their offset, lists and dicts as JSON text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast

from ..hearings import hearing_of
from ..records import Item

JSON_COLUMNS = ("ministries", "authors", "topics", "sources", "extra")
TIME_COLUMNS = ("published", "updated", "first_seen", "changed", "hearing_changed")
_STORE_COLUMNS = ("sort_key", "version", "first_run", "deadline")  # the store's own columns, not the item's


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
    item: dict[str, Any] = {k: v for k, v in dict(row).items() if k not in _STORE_COLUMNS}
    for column in JSON_COLUMNS:
        item[column] = json.loads(item[column]) if item.get(column) else ({} if column == "extra" else [])
    for column in TIME_COLUMNS:
        item[column] = from_iso(item.get(column))
    return cast(Item, item)  # a row has exactly Item's columns


def encode(row: Mapping[str, Any]) -> dict:
    """An item as its row: lists and dicts as JSON, times as ISO text, and a hearing's deadline in a column of its
    own (open and followed hearings are found by its index)."""
    encoded = dict(row)
    hearing = hearing_of(row)
    encoded["deadline"] = hearing.deadline.isoformat() if hearing and hearing.deadline else None
    for column in JSON_COLUMNS:
        encoded[column] = json.dumps(encoded.get(column) or ({} if column == "extra" else []), ensure_ascii=False, sort_keys=True)
    for column in TIME_COLUMNS:
        value = encoded.get(column)
        encoded[column] = iso(value) if isinstance(value, datetime) else value
    return encoded


def newest_first(item: Item) -> tuple:
    when = item["published"] or item["first_seen"]
    return (-when.timestamp(), item["id"])
