"""hearings/deadlines.ics (iCalendar, RFC 5545, written with icalendar): one all-day event per open hearing on its
deadline, and one timed event per hearing meeting ahead (a parliament committee's), with its place."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import icalendar

from ..feeds import entry_authors
from ..hearings import Hearing, hearing_of
from ..hearings.rules import CANCELLED, meetings_in_order, stated, update_lines
from ..normalize import OSLO
from ..records import Item
from ..words import feed_title, label, reader_language
from .committee_entries import form_label
from .hearing_entries import HearingFacts


@dataclass
class Meetings:
    """The hearings whose meetings lie ahead (on `today` in Oslo or later), and per (hearing, meeting number) how often
    that meeting moved."""

    today: date
    hearings: list[Item] = field(default_factory=list)
    moves: dict[tuple[str, int], int] = field(default_factory=dict)


def event_uid(item: Item, host: str, meeting: int | None = None) -> str:
    """A hearing's UID in the calendar: the same for as long as the hearing exists, whatever its deadline, so that
    a calendar moves the event when the deadline moves instead of adding a second one. A meeting's adds its number
    (its place among the hearing's meetings in time order), so a moved meeting keeps its UID too."""
    digest = hashlib.sha256(item["id"].encode()).hexdigest()[:20]
    return f"hearing-{digest}@{host}" if meeting is None else f"hearing-{digest}-meeting-{meeting}@{host}"


def meetings_ahead(hearings: list[Item], today: date) -> list[Item]:
    """The hearings (not cancelled) with a meeting on `today` (in Oslo) or later."""
    found = []
    for item in hearings:
        hearing = hearing_of(item)
        if hearing and stated(hearing) != CANCELLED and any(_day(m.at) >= today for m in hearing.meetings or []):
            found.append(item)
    return found


def _day(moment: datetime) -> date:
    return moment.astimezone(OSLO).date()


def render_calendar(open_hearings: list[Item], facts: HearingFacts, base_url: str, sequence: dict[str, int],
                    site_title: str, language: str = "nb", meetings: Meetings | None = None) -> bytes:
    """One all-day event per open hearing on its deadline, one timed event per meeting ahead. DTSTAMP is the
    hearing's own last change (not the clock), so an unchanged calendar is the same bytes; SEQUENCE counts the
    moves of its deadline (of the meeting)."""
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
        event = _event(item, event_uid(item, host), sequence.get(item["id"], 0), _description(item, facts))
        event.add("dtstart", hearing.deadline)
        event.add("dtend", hearing.deadline + timedelta(days=1))
        event.add("summary", item["title"])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    if meetings is not None:
        for item in meetings.hearings:
            _add_meetings(calendar, item, host, meetings, facts)
        if meetings.hearings and hasattr(calendar, "add_missing_timezones"):
            calendar.add_missing_timezones()  # a VTIMEZONE for Europe/Oslo (icalendar 6.1 and later)
    return calendar.to_ical()


def _event(item: Item, uid: str, sequence: int, description: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", _utc(item["updated"] or item["first_seen"]))
    event.add("url", item["link"])
    event.add("sequence", sequence)
    event.add("description", description)
    return event


def _add_meetings(calendar: icalendar.Calendar, item: Item, host: str, meetings: Meetings, facts: HearingFacts) -> None:
    """A timed event per meeting of the hearing that lies ahead, at its place."""
    language = reader_language(item["language"])
    hearing = hearing_of(item) or Hearing()
    what = hearing.cases[0].short_title if hearing.cases else item["title"]  # not "Høringsmøte: Høring: …"
    for number, meeting in enumerate(meetings_in_order(hearing)):
        if _day(meeting.at) < meetings.today:
            continue
        event = _event(item, event_uid(item, host, number), meetings.moves.get((item["id"], number), 0),
                       _description(item, facts))
        # In Oslo's time zone where icalendar writes its VTIMEZONE, else in UTC: the same instant either way.
        at = meeting.at.astimezone(OSLO if hasattr(calendar, "add_missing_timezones") else UTC)
        event.add("dtstart", at)
        event.add("summary", f"{label('meeting', language)}: {what}")
        if meeting.place:
            event.add("location", meeting.place)
        calendar.add_component(event)


def _description(item: Item, facts: HearingFacts) -> str:
    language = reader_language(item["language"])
    hearing = hearing_of(item)
    lines = []
    if item["authors"] or item["ministries"]:  # not a host name standing in for a ministry
        lines.append(f"{label('ministry', language)}: {', '.join(entry_authors(item))}")
    if hearing and hearing.committee:
        lines.append(f"{label('committee', language)}: {hearing.committee.name or hearing.committee.id}")
    if hearing and hearing.status:
        lines.append(f"{label('status', language)}: {hearing.status}")
    if hearing and hearing.reference:
        lines.append(f"{label('case_ref', language)}: {hearing.reference}")
    if hearing and hearing.answer_url:
        lines.append(f"{form_label(hearing, language)}: {hearing.answer_url}")
    if update := facts.updates.get(item["id"]):
        lines.append(update_lines(update, language))
    lines.append(item["link"])
    return "\n".join(lines)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)
