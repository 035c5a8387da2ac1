"""What readers get of a hearing beyond a plain entry: its facts as the entry's content (in the hearing's language),
its state as a category, its documents, answer form and cases as links; an answer's link to its hearing; and the
links between a parliament hearing and the government's documents its cases refer to, both ways."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape

from ..hearings import Hearing, Response, hearing_of, is_answer, is_hearing
from ..hearings.links import respondent
from ..hearings.rules import DEADLINE_PASSED, state_on, stated, update_line, update_lines
from ..normalize import xml_safe
from ..records import Item
from ..store import Store
from ..words import days_left_line, format_date, label, state_label, state_line
from .committee_entries import add_committee_links, committee_lines, committee_parts, form_label


@dataclass
class HearingFacts:
    """What the store knows around the entries of one feed: per hearing its latest update and the answers linked
    to it, per answer the hearing it answers, per entry the stored entries related to it (a parliament hearing and
    the government's documents), and (for hearings/open) the day that counts the days left."""

    updates: dict[str, list[dict]] = field(default_factory=dict)
    answers: dict[str, list[dict]] = field(default_factory=dict)
    answered: dict[str, dict] = field(default_factory=dict)
    today: date | None = None  # set: each entry states its days left
    related: dict[str, list[dict]] = field(default_factory=dict)
    on: date | None = None  # the day each hearing's state is told for (hearings.rules.state_on); None: as stated


def hearing_facts(store: Store, items: list[Item], today: date | None = None, on: date | None = None) -> HearingFacts:
    """What the store knows around these entries: hearings' latest updates and linked answers, answers' hearings,
    related entries; states are told as on `on` (default `today`)."""
    hearing_ids = [i["id"] for i in items if is_hearing(i)]
    answer_ids = [i["id"] for i in items if is_answer(i)]
    answers = {hearing_id: [{"link": a["link"], "title": a["title"], "by": respondent(a)} for a, _ in linked]
               for hearing_id, linked in store.answers_of(hearing_ids).items()}
    return HearingFacts(store.latest_updates(hearing_ids), answers, store.hearings_answered(answer_ids), today,
                        store.related_entries([i["id"] for i in items]), on or today)


def shows_hearing(item: Item) -> Hearing | None:
    """The hearing an entry shows the facts of (a hearing whose facts are known), else None."""
    hearing = hearing_of(item)
    return hearing if is_hearing(item) and hearing is not None else None


def hearing_content(item: Item, hearing: Hearing, facts: HearingFacts) -> str:
    """A hearing entry's content as HTML: first the line of its latest change, then (in hearings/open) its days left,
    its facts, KS's answers, the summary, the letter, documents, answer form and recipients. The letter was
    sanitized when it was read (hearing_page.sanitize_letter); the rest is escaped."""
    language = item["language"]
    parts: list[str] = []
    if update := facts.updates.get(item["id"]):
        parts.append(f"<p><strong>{escape(update_lines(update, language))}</strong></p>")
    if facts.today is not None and hearing.deadline is not None:
        parts.append(f"<p><strong>{escape(days_left_line((hearing.deadline - facts.today).days, language))}</strong></p>")
    lines = fact_lines(hearing, language, facts.on)
    if lines:
        parts.append("<p>" + "<br>".join(escape(line) for line in lines) + "</p>")
    if hearing.responses and hearing.responses.by:
        names = ", ".join(_respondent(r) for r in hearing.responses.by)
        said = "inputs" if hearing.committee is not None else "responses"
        parts.append(f"<p>{escape(label(said, language))}: {escape(names)}</p>")
    for answer in facts.answers.get(item["id"], []):
        said = update_line({"kind": "response", "respondents": [answer["by"]], "input": hearing.committee is not None},
                           language)
        parts.append(f'<p>{escape(said)}: <a href="{escape(answer["link"])}">{escape(answer["title"])}</a></p>')
    if item["summary"]:
        parts.append(f"<p>{escape(item['summary'])}</p>")
    if hearing.letter:
        parts.append(f"<div>{hearing.letter}</div>")
    parts += _links_and_bodies(hearing, language)
    return xml_safe("\n".join(parts))  # a letter stored by an older version may hold characters XML refuses


def _respondent(response: Response) -> str:
    """"Oslo kommune (kommune)", "KS (12.01.2026)": the name, with the kind of body and the date where known."""
    known = [v for v in (response.type, format_date(response.date) if response.date else None) if v]
    return response.name + (f" ({', '.join(known)})" if known else "")


def fact_lines(hearing: Hearing, language: str | None, on: date | None = None) -> list[str]:
    """Status, deadline, reference and responses, one line each, in the hearing's language (a committee's hearing:
    committee_entries.committee_lines). With `on`, a hearing whose deadline is behind says so beside the site's
    words, which may still be "På høring"."""
    status = _status_line(hearing, language, on)
    if hearing.committee is not None:
        return committee_lines(hearing, language, status)
    lines = [status] if status else []
    if hearing.deadline is not None:
        lines.append(f"{label('deadline', language)}: {format_date(hearing.deadline)}")
    if hearing.reference:
        lines.append(f"{label('case_ref', language)}: {hearing.reference}")
    if hearing.responses is not None:
        lines.append(f"{label('responses', language)}: {hearing.responses.count}")
    return lines


def _status_line(hearing: Hearing, language: str | None, on: date | None) -> str | None:
    """"Status: På høring (Fristen gikk ut 10.06.2026)": the site's words, and the derived state once the deadline is
    behind (as on `on`); None when there is neither."""
    if on is not None and state_on(hearing, on) == DEADLINE_PASSED:
        passed = state_line(DEADLINE_PASSED, hearing.deadline, language)
        return f"{label('status', language)}: " + (f"{hearing.status} ({passed})" if hearing.status else passed)
    return f"{label('status', language)}: {hearing.status}" if hearing.status else None


def _links_and_bodies(hearing: Hearing, language: str | None) -> list[str]:
    parts = committee_parts(hearing, language)
    if hearing.documents:
        links = "<br>".join(f'<a href="{escape(d.url)}">{escape(d.title)}</a>' for d in hearing.documents)
        parts.append(f"<p>{escape(label('documents', language))}:<br>{links}</p>")
    if hearing.answer_url:
        parts.append(f'<p><a href="{escape(hearing.answer_url)}">{escape(form_label(hearing, language))}</a></p>')
    if hearing.recipients:
        parts.append(f"<p>{escape(label('recipients', language))} ({len(hearing.recipients)}): "
                     f"{escape(', '.join(hearing.recipients))}</p>")
    return parts


def add_hearing_links(entry, item: Item, facts: HearingFacts, base_url: str) -> None:
    """State as a category; documents, the answer form and (a committee's hearing) its cases as related links, PDFs
    also as enclosures; the answers linked to a hearing, the hearing an answer answers, and the stored entries related
    to it (a parliament hearing, the government's documents), as related links."""
    hearing = shows_hearing(item)
    if hearing is not None:
        if state := (state_on(hearing, facts.on) if facts.on is not None else stated(hearing)):
            entry.category(term=state, scheme=f"{base_url}hearing-status/", label=state_label(state, item["language"]))
        for document in hearing.documents or []:
            kind = document.type
            entry.link(href=document.url, rel="related", title=document.title, **({"type": kind} if kind else {}))
            if kind and kind != "text/html":
                entry.link(href=document.url, rel="enclosure", type=kind, title=document.title)
        if hearing.answer_url:
            entry.link(href=hearing.answer_url, rel="related", type="text/html",
                       title=form_label(hearing, item["language"]))
        add_committee_links(entry, hearing, item["language"], base_url)
    for answer in facts.answers.get(item["id"], []):
        entry.link(href=answer["link"], rel="related", type="text/html", title=answer["title"])
    if answered := facts.answered.get(item["id"]):
        entry.link(href=answered["link"], rel="related", type="text/html", title=answered["title"])
    for other in facts.related.get(item["id"], []):
        entry.link(href=other["link"], rel="related", type="text/html", title=other["title"])
