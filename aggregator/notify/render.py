"""Rendering messages from the Jinja2 templates in notifiers/ (or [notify] templates): text, HTML, subjects, and
the words of messages in the items' language."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, TemplateNotFound, select_autoescape

from ..config import Config
from ..feeds import FeedSpec, entry_authors, feed_specs
from ..hearings import Hearing, hearing_of
from ..hearings.rules import update_lines
from ..normalize import OSLO
from ..records import Item
from ..store import Store, from_iso, utc_now
from ..words import common_language, days_left_line, document_type_title, format_date, labels, message_words
from .model import subscription

BUNDLED_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "notifiers"
TEMPLATE_OF = {"item": "instant", "batch": "batch", "digest": "digest", "admin": "admin", "test": "test",
               "update": "update", "reminder": "reminder"}


def specs_by_path(config: Config, store: Store) -> dict[str, FeedSpec]:
    """Every feed a subscription may name, by path."""
    return {spec.path: spec for spec in feed_specs(config, store, every_possible=True)}


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
    """A rendered message: its title (the email subject), its body in `body_format`, and the text template's
    rendering, which is the plain-text part of an HTML email."""

    title: str
    body: str
    body_format: str
    text: str


def render(config: Config, store: Store | None, environment: Environment, message: dict, html: bool) -> Rendered:
    """A message rendered from its templates; HTML where the service prefers it and an HTML template exists."""
    name = TEMPLATE_OF[message["kind"]]
    context = _context(config, store, message)
    module = environment.get_template(f"{name}.txt.j2").make_module(context)
    title = " ".join(str(getattr(module, "title", "")).split())[:250]
    text = str(module).strip() + "\n"
    if html:
        try:
            body = environment.get_template(f"{name}.html.j2").render(context)
            return Rendered(title, body, "html", text)
        except TemplateNotFound:
            pass
    return Rendered(title, text, "text", text)


def _about(config: Config, store: Store, subscription_id: str) -> str:
    """What a subscription follows, for subjects: its one feed's title, else its feeds' paths."""
    sub = subscription(config, subscription_id)
    if sub is None:
        return subscription_id
    if len(sub.feeds) == 1:
        spec = specs_by_path(config, store).get(sub.feeds[0])
        return spec.title if spec else sub.feeds[0]
    return ", ".join(sub.feeds)


def _context(config: Config, store: Store | None, message: dict) -> dict:
    context = {"subscription": message["subscription_id"], "kind": message["kind"], "data": message["data"],
               "now": utc_now().astimezone(OSLO), "when": _local}
    if not message["item_ids"] or store is None:
        return context
    items = store.items("id IN (SELECT value FROM json_each(?))", [json.dumps(message["item_ids"])])
    views = [item_view(item) for item in items]
    words = message_words(common_language([i["language"] for i in items]))
    context.update(items=views, count=len(views), item=views[0] if views else None, words=words,
                   about=_about(config, store, message["subscription_id"]))
    if message["kind"] == "update" and items:
        context.update(change=update_lines(message["data"].get("events", []), items[0]["language"]))
    if message["kind"] == "reminder" and items:
        context.update(days_left=days_left_line(message["data"].get("days_left", 0), items[0]["language"]))
    if message["kind"] == "digest":
        context.update(groups=_groups(config, store, message["subscription_id"], items, words),
                       since=_local(message["data"].get("since")), until=_local(message["data"].get("until")),
                       schedule=message["data"].get("schedule"))
    return context


def _groups(config: Config, store: Store, subscription_id: str, items: list[Item], words: dict[str, str]) -> list[dict]:
    """A digest's items under the first of the subscription's feeds that holds them, in the subscription's order."""
    sub = subscription(config, subscription_id)
    feeds = sub.feeds if sub else ["all"]
    specs = specs_by_path(config, store)
    groups: list[dict[str, Any]] = [{"path": path, "title": specs[path].title if path in specs else path, "entries": []}
                                    for path in feeds]
    other: dict[str, Any] = {"path": None, "title": words["other_items"], "entries": []}
    for item in items:  # newest first, as the store gives them
        group = next((g for g in groups if g["path"] in specs and specs[g["path"]].matches(item)), other)
        group["entries"].append(item_view(item))
    return [g for g in groups + [other] if g["entries"]]


def item_view(item: Item) -> dict:
    """What a template needs of an item."""
    hearing = hearing_of(item) or Hearing()
    return {
        "id": item["id"],
        "title": item["title"],
        "summary": item["summary"] or "",
        "link": item["link"],
        "publisher": ", ".join(entry_authors(item)),
        "document_type": document_type_title(item["document_type"], item["language"]) if item["document_type"] else None,
        "deadline": format_date(hearing.deadline) if hearing.deadline else None,
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
