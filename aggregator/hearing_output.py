"""What readers get of a hearing beyond a plain entry: its facts as the entry's content (in the hearing's language),
its status as a category, its documents and answer form as links, and the deadline calendar (iCalendar, RFC 5545).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html import escape

import icalendar

from . import hearings
from .feeds import entry_authors
from .normalize import format_date, label, language_code, xml_safe
from .records import Item


@dataclass
class HearingFacts:
    """What the store knows around the entries of one feed: per hearing its latest update and the answers linked
    to it, per answer the hearing it answers, and (for hearings/open) the day that counts the days left."""

    updates: dict[str, list[dict]] = field(default_factory=dict)
    answers: dict[str, list[dict]] = field(default_factory=dict)
    answered: dict[str, dict] = field(default_factory=dict)
    today: date | None = None  # set: each entry states its days left


def has_hearing_facts(item: Item) -> bool:
    return hearings.is_hearing(item) and any(
        key in item["extra"] for key in ("deadline", "hearing_status", "letter", "documents", "recipients"))


def hearing_content(item: Item, facts: HearingFacts) -> str:
    """A hearing entry's content as HTML: first the line of its latest change, then (in hearings/open) its days left,
    its status, deadline, reference and responses, KS's answers, the summary, the letter, documents, answer form
    and recipients. The letter was sanitized when it was read (hearing_page.sanitize_letter); the rest is escaped."""
    extra, language = item["extra"], item["language"]
    parts: list[str] = []
    update = facts.updates.get(item["id"])
    if update:
        parts.append(f"<p><strong>{escape(hearings.update_lines(update, language))}</strong></p>")
    deadline = hearings.deadline_of(extra)
    if facts.today is not None and deadline is not None:
        days = hearings.days_left_line((deadline - facts.today).days, language)
        parts.append(f"<p><strong>{escape(days)}</strong></p>")
    lines = []
    if extra.get("hearing_status"):
        lines.append(f"{label('status', language)}: {extra['hearing_status']}")
    if deadline is not None:
        lines.append(f"{label('deadline', language)}: {format_date(deadline)}")
    if extra.get("case_ref"):
        lines.append(f"{label('case_ref', language)}: {extra['case_ref']}")
    responses = extra.get("responses") or {}
    if responses:
        lines.append(f"{label('responses', language)}: {responses.get('count', 0)}")
    if lines:
        parts.append("<p>" + "<br>".join(escape(line) for line in lines) + "</p>")
    if responses.get("by"):
        names = ", ".join(r["name"] + (f" ({r['type']})" if r.get("type") else "") for r in responses["by"])
        parts.append(f"<p>{escape(label('responses', language))}: {escape(names)}</p>")
    for answer in facts.answers.get(item["id"], []):
        said = hearings.update_line({"kind": "response", "respondents": [answer["by"]]}, language)
        parts.append(f'<p>{escape(said)}: <a href="{escape(answer["link"])}">{escape(answer["title"])}</a></p>')
    if item["summary"]:
        parts.append(f"<p>{escape(item['summary'])}</p>")
    if extra.get("letter"):
        parts.append(f"<div>{extra['letter']}</div>")
    documents = extra.get("documents") or []
    if documents:
        links = "<br>".join(f'<a href="{escape(d["url"])}">{escape(d["title"])}</a>' for d in documents)
        parts.append(f"<p>{escape(label('documents', language))}:<br>{links}</p>")
    if extra.get("answer_url"):
        parts.append(f'<p><a href="{escape(extra["answer_url"])}">{escape(label("answer_form", language))}</a></p>')
    recipients = extra.get("recipients") or []
    if recipients:
        parts.append(f"<p>{escape(label('recipients', language))} ({len(recipients)}): "
                     f"{escape(', '.join(recipients))}</p>")
    return xml_safe("\n".join(parts))  # a letter stored by an older version may hold characters XML refuses


def add_hearing_links(entry, item: Item, facts: HearingFacts, base_url: str) -> None:
    """Status as a category; documents and the answer form as related links, PDFs also as enclosures; the answers
    linked to a hearing, and the hearing an answer answers, as related links."""
    extra, language = item["extra"], item["language"]
    state = hearings.state_of(extra.get("hearing_status"))
    if hearings.is_hearing(item) and state:
        entry.category(term=state, scheme=f"{base_url}hearing-status/", label=extra["hearing_status"])
    for document in extra.get("documents") or []:
        kind = document.get("type")
        entry.link(href=document["url"], rel="related", title=document["title"], **({"type": kind} if kind else {}))
        if kind and kind != "text/html":
            entry.link(href=document["url"], rel="enclosure", type=kind, title=document["title"])
    if extra.get("answer_url"):
        entry.link(href=extra["answer_url"], rel="related", type="text/html", title=label("answer_form", language))
    for answer in facts.answers.get(item["id"], []):
        entry.link(href=answer["link"], rel="related", type="text/html", title=answer["title"])
    hearing = facts.answered.get(item["id"])
    if hearing:
        entry.link(href=hearing["link"], rel="related", type="text/html", title=hearing["title"])


# ------------------------------------------------------------------------------------------ calendar


def event_uid(item: Item, host: str) -> str:
    """A hearing's UID in the calendar: the same for as long as the hearing exists, whatever its deadline, so that
    a calendar moves the event when the deadline moves instead of adding a second one."""
    return f"hearing-{hashlib.sha256(item['id'].encode()).hexdigest()[:20]}@{host}"


def render_calendar(open_hearings: list[Item], facts: HearingFacts, base_url: str, sequence: dict[str, int]) -> bytes:
    """hearings/deadlines.ics: one all-day event per open hearing on its deadline. DTSTAMP is the hearing's own last
    change (not the clock), so an unchanged calendar is the same bytes; SEQUENCE counts its deadline changes."""
    from urllib.parse import urlsplit

    host = urlsplit(base_url).hostname or "aggregator"
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//aggregator//regjeringen.no and KS hearings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Høringsfrister – regjeringen.no")
    calendar.add("x-wr-timezone", "Europe/Oslo")
    for item in open_hearings:
        deadline = hearings.deadline_of(item["extra"])
        if deadline is None:
            continue
        language = language_code(item["language"]) or "nb"
        event = icalendar.Event()
        event.add("uid", event_uid(item, host))
        event.add("dtstamp", _utc(item["updated"] or item["first_seen"]))
        event.add("dtstart", deadline)
        event.add("dtend", deadline + timedelta(days=1))
        event.add("summary", item["title"])
        event.add("url", item["link"])
        event.add("transp", "TRANSPARENT")
        event.add("sequence", sequence.get(item["id"], 0))
        event.add("description", _description(item, facts, language))
        calendar.add_component(event)
    return calendar.to_ical()


def _description(item: Item, facts: HearingFacts, language: str) -> str:
    extra = item["extra"]
    lines = []
    if item["authors"] or item["ministries"]:  # not a host name standing in for a ministry
        lines.append(f"{label('ministry', language)}: {', '.join(entry_authors(item))}")
    if extra.get("hearing_status"):
        lines.append(f"{label('status', language)}: {extra['hearing_status']}")
    if extra.get("case_ref"):
        lines.append(f"{label('case_ref', language)}: {extra['case_ref']}")
    if extra.get("answer_url"):
        lines.append(f"{label('answer_form', language)}: {extra['answer_url']}")
    update = facts.updates.get(item["id"])
    if update:
        lines.append(hearings.update_lines(update, language))
    lines.append(item["link"])
    return "\n".join(lines)


def _utc(value: datetime) -> datetime:
    from datetime import UTC

    return value.astimezone(UTC)
