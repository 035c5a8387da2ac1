"""What one document is when several sources and its article page describe it. Pure: no I/O, no clock.

Every source keeps its own observation of a document (the store holds one per source, plus one for the
article page), and the document is recomputed from all of them, field by field:

- The article page outranks listings and feeds for text and dates; between listings and feeds the source
  id decides, so the order of sources in the config and the order they were fetched in never matter.
- A cut-off text ("Regjeringen foreslår …") never replaces the whole one it was cut from.
- A bare date (Oslo midnight) gives way to a time on the same day from another observation.
- Ministries, topics and sources are the union of all observations; ministry names follow the language.

The same observations always give the same document, so two sources that word a summary differently
settle on one wording instead of flipping it every run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .hearings import hearing_of
from .normalize import OSLO, is_cut_from, ministry_abbr, ministry_name
from .records import Record

ARTICLE = "#article"  # the observation an article page gives; no source id can start with "#"
MAX_ARTICLE_ATTEMPTS = 5


@dataclass(frozen=True)
class Observation:
    """One source's view of a document, with the topics the config gives that source."""

    source_id: str
    record: Record
    source_topics: tuple[str, ...] = ()


@dataclass
class Document:
    """The merged facts of one document (what the `items` row holds, less the store's own times)."""

    id: str
    link: str
    title: str
    summary: str
    language: str | None
    published: datetime | None
    site_updated: datetime | None
    document_type: str | None
    ministries: list[str]
    authors: list[str]
    topics: list[str]
    sources: list[str]
    extra: dict


def _rank(observation: Observation) -> tuple[int, str]:
    return (0 if observation.source_id == ARTICLE else 1, observation.source_id)


def _union(values) -> list:
    return list(dict.fromkeys(v for v in values if v))


def is_date_only(value: datetime) -> bool:
    """Whether a time is a bare date: midnight in Oslo, as the sites' dates without a time are stored."""
    local = value.astimezone(OSLO)
    return (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)


def pick_text(candidates: list[str]) -> str:
    """The first text (in rank order) that is not a cut-off form of another one."""
    texts = [t for t in candidates if t]
    for text in texts:
        if not any(is_cut_from(text, other) for other in texts):
            return text
    return texts[0] if texts else ""


def pick_published(candidates: list[datetime | None]) -> datetime | None:
    """The best-ranked date; a bare date takes the time another observation gives on the same Oslo day."""
    dates = [d for d in candidates if d]
    if not dates:
        return None
    best = dates[0]
    if is_date_only(best):
        day = best.astimezone(OSLO).date()
        timed = [d for d in dates[1:] if not is_date_only(d) and d.astimezone(OSLO).date() == day]
        if timed:
            return timed[0]
    return best


def _document_type(candidates: list[str | None]) -> str | None:
    known = [t for t in candidates if t and t != "other"]
    if known:
        return known[0]
    return "other" if "other" in candidates else None


def merge(observations: list[Observation]) -> Document:
    """The document that these observations (at least one) describe."""
    ranked = sorted(observations, key=_rank)
    records = [o.record for o in ranked]
    listed = [o.record for o in ranked if o.source_id != ARTICLE] or records
    language = next((r.language for r in records if r.language), None)
    ministries = _union(m for r in records for m in r.ministries)
    unknown_authors = _union(a for r in records for a in r.authors if not ministry_abbr(a))
    return Document(
        id=records[0].id,
        link=next((r.link for r in listed if r.link), records[0].link),
        title=pick_text([r.title for r in records]),
        summary=pick_text([r.summary for r in records]),
        language=language,
        published=pick_published([r.published for r in records]),
        site_updated=next((r.updated for r in records if r.updated), None),
        document_type=_document_type([r.document_type for r in records]),
        ministries=ministries,
        authors=_union([*(ministry_name(m, language) for m in ministries), *unknown_authors]),
        topics=_union(t for o in ranked for t in (*o.record.topics, *o.source_topics)),
        sources=sorted({o.source_id for o in ranked if o.source_id != ARTICLE}),
        extra=merge_extra([r.extra for r in records]),
    )


def merge_extra(tables: list[dict]) -> dict:
    """Kind-specific facts, best-ranked first: each key's best-ranked value wins, and a table (a hearing's facts)
    is merged key by key the same way, so a fact one observation lacks comes from the next."""
    extra: dict = {}
    for table in reversed(tables):
        for key, value in table.items():
            if isinstance(value, dict) and isinstance(extra.get(key), dict):
                extra[key] = {**extra[key], **value}
            else:
                extra[key] = dict(value) if isinstance(value, dict) else value
    return extra


def text_changed(before: Document | Mapping[str, Any], after: Document) -> bool:
    """Whether a document changed in a way readers should see as an update (its title or summary)."""
    get = before.get if isinstance(before, Mapping) else lambda name: getattr(before, name)
    return (get("title") or "") != after.title or (get("summary") or "") != after.summary


def effective_updated(document: Document, first_seen: datetime, text_changed_at: datetime | None) -> datetime:
    """Atom's `updated`: the site's own last-modified where it gives one (never before the publication date);
    else the publication date or the last text change we saw, whichever is later; else when the document
    was first seen (which is never presented as a publication date)."""
    if document.site_updated:
        return max(document.site_updated, document.published or document.site_updated)
    known = [t for t in (document.published, text_changed_at) if t]
    return max(known) if known else first_seen


# ----------------------------------------------------------------------------------------- article pages


def listing_moved(previous: Record | None, current: Record) -> bool:
    """Whether a source now shows a document differently from how the same source showed it last time."""
    if previous is None:
        return False
    return _watched(previous) != _watched(current)


def _watched(record: Record) -> tuple:
    """What a listing or feed shows of a document that, when it moves, calls for its article page again: its text,
    its label, and a hearing's deadline and status."""
    hearing = hearing_of(record)
    return (record.title, record.summary, record.extra.get("label"),
            hearing.deadline if hearing else None, hearing.status if hearing else None)


def needs_article(previous: Record | None, current: Record, article_state: dict | None, run: int) -> bool:
    """Whether to read a document's article page now.

    Once when the document is new (or its reading was left for a later run: "pending"); again when this source's
    own view of it moved (another source wording it differently is no reason); after a failure, on the run the
    back-off allows, up to MAX_ARTICLE_ATTEMPTS.
    """
    status = (article_state or {}).get("status")
    if status in (None, "pending") or listing_moved(previous, current):
        return True
    return status == "failed" and run >= (article_state or {}).get("next_run", 0)


def after_article_failure(article_state: dict | None, run: int) -> dict:
    """The article state after a failed attempt: retried after 1, 2, 4, 8 runs, then given up."""
    state = article_state or {}
    attempts = (state.get("attempts") or 0) + 1 if state.get("status") == "failed" else 1
    status = "given_up" if attempts >= MAX_ARTICLE_ATTEMPTS else "failed"
    return {"status": status, "attempts": attempts, "next_run": run + 2 ** (attempts - 1)}
