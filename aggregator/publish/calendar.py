"""hearings/deadlines.ics (iCalendar, RFC 5545, written with icalendar): one all-day event per open hearing on its
deadline."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import icalendar

from ..feeds import entry_authors
from ..hearings import hearing_of
from ..hearings.rules import update_lines
from ..records import Item
from ..words import feed_title, label, reader_language
from .hearing_entries import HearingFacts


def event_uid(item: Item, host: str) -> str:
    """A hearing's UID in the calendar: the same for as long as the hearing exists, whatever its deadline, so that
    a calendar moves the event when the deadline moves instead of adding a second one."""
    return f"hearing-{hashlib.sha256(item['id'].encode()).hexdigest()[:20]}@{host}"


def render_calendar(open_hearings: list[Item], facts: HearingFacts, base_url: str, sequence: dict[str, int],
                    site_title: str, language: str = "nb") -> bytes:
    """One all-day event per open hearing on its deadline. DTSTAMP is the hearing's own last change (not the clock),
    so an unchanged calendar is the same bytes; SEQUENCE counts its deadline changes."""
    host = urlsplit(base_url).hostname or "aggregator"
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//aggregator//{site_title} hearings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", feed_title("calendar", site_title, language))
    calendar.add("x-wr-timezone", "Europe/Oslo")
    for item in open_hearings:
        hearing = hearing_of(item)
        if hearing is None or hearing.deadline is None:
            continue
        event = icalendar.Event()
        event.add("uid", event_uid(item, host))
        event.add("dtstamp", _utc(item["updated"] or item["first_seen"]))
        event.add("dtstart", hearing.deadline)
        event.add("dtend", hearing.deadline + timedelta(days=1))
        event.add("summary", item["title"])
        event.add("url", item["link"])
        event.add("transp", "TRANSPARENT")
        event.add("sequence", sequence.get(item["id"], 0))
        event.add("description", _description(item, facts))
        calendar.add_component(event)
    return calendar.to_ical()


def _description(item: Item, facts: HearingFacts) -> str:
    language = reader_language(item["language"])
    hearing = hearing_of(item)
    lines = []
    if item["authors"] or item["ministries"]:  # not a host name standing in for a ministry
        lines.append(f"{label('ministry', language)}: {', '.join(entry_authors(item))}")
    if hearing and hearing.status:
        lines.append(f"{label('status', language)}: {hearing.status}")
    if hearing and hearing.reference:
        lines.append(f"{label('case_ref', language)}: {hearing.reference}")
    if hearing and hearing.answer_url:
        lines.append(f"{label('answer_form', language)}: {hearing.answer_url}")
    if update := facts.updates.get(item["id"]):
        lines.append(update_lines(update, language))
    lines.append(item["link"])
    return "\n".join(lines)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)
