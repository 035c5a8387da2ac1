"""Rendering messages from the Jinja2 templates in notifiers/ (or [notify] templates): text, HTML, subjects, footers,
and the words of messages in the items' language.

One message speaks one language, its items' (words.common_language): its fixed words, the titles of the feeds it
names and its footer. Subjects are made here and given to the templates as `subject`: feeds by their titles, a new
hearing as "Ny høring: <title> (frist 08.01.2027)", an update as the hearing's title (cut) and then the change.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, TemplateNotFound, select_autoescape

from ..config import Config
from ..feeds import FeedSpec, entry_authors, specs_by_path
from ..hearings import Hearing, hearing_of, is_hearing
from ..hearings.rules import OPEN, short_update, state_on, update_lines
from ..normalize import OSLO
from ..records import Item
from ..store import Store, from_iso, utc_now
from ..words import (
    common_language,
    cut,
    days_left_line,
    document_type_title,
    format_date,
    labels,
    message_words,
    reader_language,
    state_line,
)
from .mail import as_document, leave_links
from .model import subscription

BUNDLED_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "notifiers"
TEMPLATE_OF = {"item": "instant", "batch": "batch", "digest": "digest", "admin": "admin", "test": "test",
               "update": "update", "reminder": "reminder"}
SUBJECT_LENGTH = 78  # an update's subject: what a mail client shows in one line


def templates(config: Config) -> Environment:
    """The message templates: [notify] templates first, then the project's notifiers/ for any template missing there."""
    folders = [config.notify.templates] + ([BUNDLED_TEMPLATES] if config.notify.templates != BUNDLED_TEMPLATES else [])
    return Environment(
        loader=ChoiceLoader([FileSystemLoader(str(f)) for f in folders]),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class Rendered(NamedTuple):
    """A rendered message: its title (the email subject), its body in `body_format` (HTML: a complete document),
    and the text template's rendering, which is the plain-text part of an HTML email."""

    title: str
    body: str
    body_format: str
    text: str


def render(config: Config, store: Store | None, environment: Environment, message: dict, html: bool,
           url: str | None = None) -> Rendered:
    """A message rendered from its templates; HTML where the service prefers it and an HTML template exists. With
    `html`, the message is an email's (or another HTML service's): it ends with a footer naming the subscription and
    how to leave it (for the recipient of `url`)."""
    name = TEMPLATE_OF[message["kind"]]
    context = _context(config, store, message, url if html else None)
    module = environment.get_template(f"{name}.txt.j2").make_module(context)
    title = " ".join(str(getattr(module, "title", "")).split())[:250]
    text = str(module).strip() + "\n"
    if html:
        try:
            body = environment.get_template(f"{name}.html.j2").render(context)
            return Rendered(title, as_document(body, context["language"], title), "html", text)
        except TemplateNotFound:
            pass
    return Rendered(title, text, "text", text)


def _about(specs: dict[str, FeedSpec], feeds: list[str]) -> str:
    """What a subscription follows, for subjects and footers: its feeds' titles."""
    return ", ".join(specs[path].title if path in specs else path for path in feeds)


def _context(config: Config, store: Store | None, message: dict, url: str | None) -> dict:
    context: dict[str, Any] = {"subscription": message["subscription_id"], "kind": message["kind"],
                               "data": message["data"], "now": utc_now().astimezone(OSLO), "when": _local,
                               "language": "en", "footer": None}
    if not message["item_ids"] or store is None:
        return context
    items = store.items("id IN (SELECT value FROM json_each(?))", [json.dumps(message["item_ids"])])
    today = datetime.now(OSLO).date()
    views = [item_view(item, today) for item in items]
    language = common_language([i["language"] for i in items])
    words = message_words(language)
    sub = subscription(config, message["subscription_id"])
    specs = specs_by_path(config, store, language)
    about = _about(specs, sub.feeds if sub else [])
    context.update(items=views, count=len(views), item=views[0] if views else None, words=words, about=about,
                   language=language)
    if url is not None and sub is not None:
        context["footer"] = _footer(config, sub.id, url, words, about)
    if message["kind"] == "update" and items:
        context.update(change=update_lines(message["data"].get("events", []), items[0]["language"]))
    if message["kind"] == "reminder" and items:
        context.update(days_left=days_left_line(message["data"].get("days_left", 0), items[0]["language"]))
    if message["kind"] == "digest":
        context.update(groups=_groups(sub.feeds if sub else ["all"], specs, items, words),
                       since=_local(message["data"].get("since")), until=_local(message["data"].get("until")),
                       schedule=message["data"].get("schedule"))
    context["subject"] = _subject(message, items, views, words, about)
    return context


def _subject(message: dict, items: list[Item], views: list[dict], words: dict[str, str], about: str) -> str:
    """The subject the bundled templates use (`{% set title = subject %}`), in the message's language."""
    kind, count = message["kind"], len(views)
    new = words["new_one"] if count == 1 else words["new"]
    if kind == "item" and items and is_hearing(items[0]):
        hearing_words = message_words(views[0]["language"])  # the hearing's own language
        hearing = hearing_of(items[0]) or Hearing()
        # a parliament committee's hearing is titled "Høring: …" already, and its deadline is one for written input
        new, dated = ("new_committee_hearing", "with_input_deadline") if hearing.committee else ("new_hearing",
                                                                                                 "with_deadline")
        subject = hearing_words[new].format(title=views[0]["title"])
        deadline = hearing.deadline
        return hearing_words[dated].format(subject=subject, date=format_date(deadline)) if deadline else subject
    if kind == "item" and views:
        return views[0]["title"]
    if kind == "update" and items:
        change = short_update(message["data"].get("events", []), items[0]["language"])
        return f"{cut(items[0]['title'], max(30, SUBJECT_LENGTH - len(change) - 2))}: {change}"
    if kind == "digest":
        schedule = message["data"].get("schedule")
        return f"{words.get(schedule, words['digest'])} – {about}: {count} {new}"
    return f"{about}: {count} {new}"


def _footer(config: Config, subscription_id: str, url: str, words: dict[str, str], about: str) -> dict:
    """Which subscription a message is of and how to leave it, in the message's language."""
    links = leave_links(config, subscription_id, url)
    leave = links[0] if links else None
    line = words["footer"].format(about=about, subscription=subscription_id)
    how = f"{words['leave']} {leave}" if leave else words["leave_ask"]
    label = leave.removeprefix("mailto:").split("?")[0] if leave else None
    return {"line": line, "leave": words["leave"] if leave else words["leave_ask"], "leave_url": leave,
            "leave_label": label, "text": f"{line}\n{how}"}


def _groups(feeds: list[str], specs: dict[str, FeedSpec], items: list[Item], words: dict[str, str]) -> list[dict]:
    """A digest's items under the first of the subscription's feeds that holds them, in the subscription's order."""
    groups: list[dict[str, Any]] = [{"path": path, "title": specs[path].title if path in specs else path, "entries": []}
                                    for path in feeds]
    other: dict[str, Any] = {"path": None, "title": words["other_items"], "entries": []}
    today = datetime.now(OSLO).date()
    for item in items:  # newest first, as the store gives them
        group = next((g for g in groups if g["path"] in specs and specs[g["path"]].matches(item)), other)
        group["entries"].append(item_view(item, today))
    return [g for g in groups + [other] if g["entries"]]


def item_view(item: Item, today: date | None = None) -> dict:
    """What a template needs of an item. A hearing's deadline is `live` while it is open (as on `today`); one whose
    deadline passed says so in `state_text` ("Fristen gikk ut 10.06.2026"), never in red as if it were live."""
    hearing = hearing_of(item) or Hearing()
    state = state_on(hearing, today or datetime.now(OSLO).date()) if is_hearing(item) else None
    return {
        "id": item["id"],
        "title": item["title"],
        "summary": item["summary"] or "",
        "link": item["link"],
        "language": reader_language(item["language"]),
        "publisher": ", ".join(entry_authors(item)),
        "document_type": document_type_title(item["document_type"], item["language"]) if item["document_type"] else None,
        "deadline": format_date(hearing.deadline) if hearing.deadline else None,
        "live": hearing.deadline is not None and state in (None, OPEN),
        "state": state,
        "state_text": state_line(state, hearing.deadline, item["language"]) if state else None,
        # A bare date shows as a date (no "00:00"); an unknown one as nothing, never the fetch time.
        "published": format_date(item["published"]),
        # a hearing's facts, where its page was read
        "status": hearing.status,
        "case_ref": hearing.reference,
        "answer_url": hearing.answer_url,
        "responses": hearing.responses.count if hearing.responses else None,
        "documents": hearing.documents or [],
        # fixed words in the item's language (nb, nn, en): labels.deadline, .published, .type, .from, .status, …
        "labels": labels(item["language"], committee=hearing.committee is not None),
    }


def _local(value: datetime | str | None) -> str:
    if isinstance(value, str):
        value = from_iso(value)
    return value.astimezone(OSLO).strftime("%d.%m.%Y %H:%M") if value else ""
