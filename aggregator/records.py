"""The plain data that flows between the stages: what a source yields and what the store keeps."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, TypedDict


@dataclass
class Record:
    """One published document as one source (or its article page) saw it, already normalized.

    `id` is the document's identity and never depends on its text (see normalize.item_id_for_url).
    Times are time zone-aware. `ministries` holds regjeringen.no abbreviations ("aid", "jd");
    `topics` holds topic ids (slugs) and `topic_titles` their titles where the site gives them.
    `extra` carries kind-specific facts: "deadline" (ISO date of a hearing's deadline),
    "hearing_status", "web_tv" (bool), "label" (KS teaser label), "hearing_ref" ("NOU 2022: 18"), …
    """

    id: str
    link: str
    title: str
    summary: str = ""
    language: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    document_type: str | None = None
    ministries: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    topic_titles: dict[str, str] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


_TIME_FIELDS = ("published", "updated")


_FIELDS = tuple(f.name for f in fields(Record))


def record_to_json(record: Record) -> str:
    """A record as stable JSON text (sorted keys), so the same observation always gives the same text. (Its fields
    hold plain values, lists and dicts: json writes them as they are, where dataclasses.asdict would copy each.)"""
    data = {name: getattr(record, name) for name in _FIELDS}
    for name in _TIME_FIELDS:
        data[name] = data[name].isoformat() if data[name] else None
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def record_from_json(text: str) -> Record:
    data = json.loads(text)
    data = {k: v for k, v in data.items() if k in _FIELDS}
    for name in _TIME_FIELDS:
        data[name] = datetime.fromisoformat(data[name]) if data.get(name) else None
    return Record(**data)


class Item(TypedDict):
    """A stored document as the stages after the store see it (store.decode_item makes it from a row): the merged
    facts of every source's observation, times aware, lists and dicts decoded."""

    id: str
    link: str
    title: str
    summary: str
    language: str | None
    published: datetime | None  # None: no date known (never the fetch time)
    updated: datetime  # Atom's updated: the site's last-modified, the publication date, a text change, or first_seen
    first_seen: datetime
    changed: datetime  # when its title or summary last changed (first_seen until then)
    document_type: str | None
    ministries: list[str]
    authors: list[str]
    topics: list[str]
    sources: list[str]
    extra: dict[str, Any]
    hearing_changed: datetime | None  # when a hearing last changed in a way feeds show (deadline, status, …)


@dataclass
class FetchResult:
    """What one source's fetch gave, for the pipeline to commit in one transaction.

    `records`: the source's own view of each document (listing, feed entry). `articles`: what article
    pages said, by item id. `article_failures`: item id -> (url, reason) for article pages that could not
    be read (retried on later runs). `article_pending`: item id -> url of article pages left unread because the
    run's time budget ran out (read on the next run). `validators`: URL -> (ETag, Last-Modified) of the answers
    this fetch vouches for; they are committed with the items, never before, so a killed run repeats the request.
    """

    records: list[Record] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    not_modified: bool = False
    articles: dict[str, Record] = field(default_factory=dict)
    article_failures: dict[str, tuple[str, str]] = field(default_factory=dict)
    article_pending: dict[str, str] = field(default_factory=dict)
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    pages: int | None = None  # listing pages read, where the source has pages


class SourceError(Exception):
    """A source could not be read at all (network, HTTP status, layout change, robots.txt).

    The message is meant for a user: which URL, what happened, what to do.
    """
