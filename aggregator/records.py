"""The plain data that flows between the stages: what a source yields and what the store keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Record:
    """One published document as a source saw it, already normalized.

    `id` is the document's identity and never depends on its text (see normalize.item_id_*).
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


@dataclass
class FetchResult:
    """What one source's fetch gave: its records, and warnings that did not stop it."""

    records: list[Record] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    not_modified: bool = False


class SourceError(Exception):
    """A source could not be read at all (network, HTTP status, layout change, robots.txt).

    The message is meant for a user: which URL, what happened, what to do.
    """
