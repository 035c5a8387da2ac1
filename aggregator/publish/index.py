"""index.html (Jinja2) and feeds.opml: what is here and how fresh it is, and every feed for a feed reader."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime

from jinja2 import Environment, PackageLoader, select_autoescape

from ..config import Config
from ..feeds import FeedSpec, entry_authors
from ..hearings import hearing_of
from ..normalize import OSLO
from ..records import Item
from ..store import Store
from ..words import days_left_line, document_type_title, feed_title, format_date, format_long_date, reader_language

CALENDAR = "hearings/deadlines.ics"

_templates = Environment(loader=PackageLoader("aggregator", "templates"), autoescape=select_autoescape(["html", "j2"]))


@dataclass
class SourceHealth:
    """A configured source as the index shows it."""

    id: str
    title: str
    url: str
    items: int
    status: str  # ok | failing | new
    since: datetime | None = None  # failing since
    last_error: str | None = None


def source_health(config: Config, store: Store, totals: dict[str, int] | None = None) -> list[SourceHealth]:
    """Each configured source's health; its item count from `totals` (feed -> entries) where given."""
    health = []
    for source in config.sources:
        state = store.source_state(source.id)
        if state.get("consecutive_failures"):
            status, since = "failing", datetime.fromisoformat(state["failing_since"]) if state.get("failing_since") else None
        else:
            status, since = ("ok" if state.get("last_success") else "new"), None
        items = totals.get(f"sources/{source.id}", 0) if totals is not None else store.count_items(source.id)
        health.append(SourceHealth(source.id, source.title or source.id, source.url, items,
                                   status, since, state.get("last_error") if status == "failing" else None))
    return health


def item_view(item: Item, today: date | None = None) -> dict:
    """What the index shows of an item, in the item's own language (with `today`: a hearing's days left)."""
    language = reader_language(item["language"])
    hearing = hearing_of(item) if today else None
    deadline = hearing.deadline if hearing else None
    days_left = (deadline - today).days if deadline and today else None
    return {
        "title": item["title"], "link": item["link"], "language": language,
        "date": format_long_date(item["published"], language),
        "publisher": ", ".join(entry_authors(item)),
        "type": document_type_title(item["document_type"], language) if item["document_type"] else "",
        "deadline": format_long_date(deadline, language) if deadline else "",
        "days_left": days_left,
        "days_left_text": days_left_line(days_left, language) if days_left is not None else "",
    }


def render_index(specs: list[FeedSpec], config: Config, health: list[SourceHealth] | None = None,
                 hearings: list[Item] | None = None, today: date | None = None) -> bytes:
    """index.html: what is here and how fresh it is, readable on a phone, no JavaScript."""
    groups = [
        ("All", [s for s in specs if "/" not in s.path]),
        ("Sources", [s for s in specs if s.path.startswith("sources/")]),
        ("Topics", [s for s in specs if s.path.startswith("topics/")]),
        ("Ministries", [s for s in specs if s.path.startswith("ministries/")]),
        ("Committees (Stortinget)", [s for s in specs if s.path.startswith("committees/")]),
        ("Hearings", [s for s in specs if s.path.startswith("hearings/")]),
    ]
    newest = max((e["updated"] or e["first_seen"] for s in specs for e in s.entries), default=None)
    html = _templates.get_template("index.html.j2").render(
        groups=groups, specs=specs, base_url=config.base_url, view=item_view, title=feed_title("index", config.title),
        last_updated=format_date(newest) if newest else None,
        health=health or [], hearings=[item_view(h, today or datetime.now(OSLO).date()) for h in hearings or []],
        calendar=f"{config.base_url}{CALENDAR}",
        when=lambda value: value.astimezone(OSLO).strftime("%d.%m.%Y %H:%M") if value else "",
    )
    return html.encode("utf-8")


def render_opml(specs: list[FeedSpec], config: Config) -> bytes:
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = feed_title("opml", config.title)
    body = ET.SubElement(opml, "body")
    for spec in specs:
        ET.SubElement(
            body, "outline", type="rss", text=spec.title, title=spec.title,
            xmlUrl=f"{config.base_url}{spec.path}.atom", htmlUrl=spec.alternate or f"{config.base_url}index.html",
        )
    ET.indent(opml)
    return ET.tostring(opml, encoding="utf-8", xml_declaration=True) + b"\n"
