"""What a parliament committee's hearing (Stortinget's) shows beyond what every hearing shows: its committee,
deadlines, meetings, cases with their links, the written input received, and the government's documents its cases
refer to. In the hearing's language (Stortinget writes bokmål)."""

from __future__ import annotations

from html import escape

from ..hearings import Hearing, Meeting
from ..words import format_date, label


def committee_lines(hearing: Hearing, language: str | None, status: str | None) -> list[str]:
    """Committee, status (its line, as hearing_entries words it for every hearing), the deadline for written input
    and to ask to speak, the meetings, how much input."""
    lines = []
    if hearing.committee is not None:
        lines.append(f"{label('committee', language)}: {hearing.committee.name or hearing.committee.id}")
    if status:
        lines.append(status)
    if hearing.deadline is not None:
        lines.append(f"{label('input_deadline', language)}: {format_date(hearing.deadline)}")
    if hearing.speaking_deadline is not None:
        lines.append(f"{label('speaking_deadline', language)}: {format_date(hearing.speaking_deadline)}")
    lines += [f"{label('meeting', language)}: {meeting_line(m)}" for m in hearing.meetings or []]
    if hearing.written_only:
        lines.append(label("written_only", language))
    if hearing.responses is not None:
        lines.append(f"{label('inputs', language)}: {hearing.responses.count}")
    return lines


def meeting_line(meeting: Meeting) -> str:
    """"27.10.2025 08:30, Stortingets komitéhus, Høringssal 1"."""
    return ", ".join(filter(None, [format_date(meeting.at), meeting.place]))


def committee_parts(hearing: Hearing, language: str | None) -> list[str]:
    """The cases (each linked to its page), and the government's documents they refer to, as HTML paragraphs."""
    parts = []
    for case in hearing.cases or []:
        text = " – ".join(filter(None, [case.reference, case.title or case.short_title]))
        shown = f'<a href="{escape(case.link)}">{escape(text)}</a>' if case.link else escape(text)
        parts.append(f"<p>{escape(label('case', language))}: {shown}</p>")
    if hearing.related:
        links = "<br>".join(f'<a href="{escape(d.url)}">{escape(d.title)}</a>' for d in hearing.related)
        parts.append(f"<p>{escape(label('government_document', language))}:<br>{links}</p>")
    return parts


def form_label(hearing: Hearing, language: str | None) -> str:
    """The answer form's label: written input to a committee, a response to a government hearing."""
    return label("input_form" if hearing.committee is not None else "answer_form", language)


def add_committee_links(entry, hearing: Hearing, language: str | None, base_url: str) -> None:
    """The committee as a category; each case's page as a related link."""
    if hearing.committee is not None:
        entry.category(term=hearing.committee.id.lower(), scheme=f"{base_url}committees/",
                       label=hearing.committee.name or hearing.committee.id)
    for case in hearing.cases or []:
        if case.link:
            entry.link(href=case.link, rel="related", type="text/html",
                       title=" – ".join(filter(None, [case.reference, case.short_title or case.title])))
