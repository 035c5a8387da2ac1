"""index.html (Jinja2) and feeds.opml: what is here and how fresh it is, and every feed for a feed reader."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime

from jinja2 import Environment, PackageLoader, select_autoescape

from ..config import Config
from ..feeds import FeedSpec, entry_authors
from ..hearings import hearing_of, is_hearing
from ..hearings.rules import state_on
from ..normalize import OSLO
from ..records import Item
from ..words import (
    counted,
    days_left_line,
    document_type_title,
    feed_title,
    format_long_date,
    reader_language,
    site_words,
    state_line,
)
from .freshness import CALENDAR, SourceHealth, when

_templates = Environment(loader=PackageLoader("aggregator", "templates"), autoescape=select_autoescape(["html", "j2"]))


def item_view(item: Item, today: date | None = None) -> dict:
    """What the index shows of an item, in the item's own language (with `today`: a hearing's state and days left:
    "Fristen gikk ut 10.06.2026" once its deadline passed, never "open")."""
    language = reader_language(item["language"])
    hearing = hearing_of(item) if today and is_hearing(item) else None
    deadline = hearing.deadline if hearing else None
    days_left = (deadline - today).days if deadline and today else None
    state = state_on(hearing, today) if hearing and today else None
    return {
        "title": item["title"], "link": item["link"], "language": language,
        "date": format_long_date(item["published"], language),
        "publisher": ", ".join(entry_authors(item)),
        "type": document_type_title(item["document_type"], language) if item["document_type"] else "",
        "deadline": format_long_date(deadline, language) if deadline else "",
        "days_left": days_left,
        "days_left_text": days_left_line(days_left, language) if days_left is not None else "",
        "state": state or "",
        "state_text": state_line(state, deadline, language) if state else "",
    }


def render_index(specs: list[FeedSpec], config: Config, health: list[SourceHealth] | None = None,
                 hearings: list[Item] | None = None, today: date | None = None,
                 last_run: datetime | None = None) -> bytes:
    """index.html: what is here and how fresh it is (the last run that completed, each source's last success), in
    [output] language; readable on a phone, no JavaScript. Every link to a feed is relative, so the page works
    wherever the folder is served (feeds.opml and the feeds' self links are absolute: they need base_url)."""
    words = site_words(config.language)
    ok_before, ok_after = words["ok"].split("{when}", 1)  # the time goes in a <time> of its own (freshness.py)
    today = today or datetime.now(OSLO).date()
    groups = [
        (words["all"], [s for s in specs if "/" not in s.path]),
        (words["sources"], [s for s in specs if s.path.startswith("sources/")]),
        (words["topics"], [s for s in specs if s.path.startswith("topics/")]),
        (words["ministries"], [s for s in specs if s.path.startswith("ministries/")]),
        (words["committees"], [s for s in specs if s.path.startswith("committees/")]),
        (words["hearings"], [s for s in specs if s.path.startswith("hearings/")]),
    ]
    html = _templates.get_template("index.html.j2").render(
        groups=groups, specs=specs, view=lambda item: item_view(item, today), words=words, language=config.language,
        title=feed_title("index", config.title, config.language), last_updated=when(last_run),
        health=health or [], hearings=[item_view(h, today) for h in hearings or []], calendar=CALENDAR, when=when,
        counted=counted, ok_before=ok_before, ok_after=ok_after,
    )
    return html.encode("utf-8")


def render_opml(specs: list[FeedSpec], config: Config) -> bytes:
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = feed_title("opml", config.title, config.language)
    body = ET.SubElement(opml, "body")
    for spec in specs:
        ET.SubElement(
            body, "outline", type="rss", text=spec.title, title=spec.title,
            xmlUrl=f"{config.base_url}{spec.path}.atom", htmlUrl=spec.alternate or f"{config.base_url}index.html",
        )
    ET.indent(opml)
    return ET.tostring(opml, encoding="utf-8", xml_declaration=True) + b"\n"
