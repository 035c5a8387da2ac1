"""Feed definitions and their files: Atom feeds (feedgen), index.html (Jinja2), feeds.opml.

Every file is rendered in memory and replaced atomically only when its bytes changed, so a run that
changed nothing leaves every modification time alone. Nothing here reads the clock: a feed's
`updated` is its newest entry's, which keeps the output a pure function of the store.
"""

from __future__ import annotations

import logging
import os
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from feedgen.feed import FeedGenerator
from jinja2 import Environment, PackageLoader, select_autoescape

from .config import Config, TopicConfig
from .normalize import OSLO, document_type_title, language_code, ministries, ministry_name
from .store import Store

log = logging.getLogger(__name__)

FEED_FOLDERS = ("sources", "topics", "ministries")
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)  # `updated` of a feed that has no entries yet


@dataclass
class FeedSpec:
    """One feed: its path under the output folder (without .atom), title, and which items it holds."""

    path: str
    title: str
    subtitle: str
    matches: Callable[[dict], bool]
    alternate: str | None = None
    entries: list[dict] = field(default_factory=list)
    total: int = 0


# ------------------------------------------------------------------------------------------ matching


def has_any_word(item: dict, keywords: list[str]) -> bool:
    """Whether any keyword occurs in the item's title or summary, in any letter case."""
    text = f"{item['title']} {item['summary'] or ''}".casefold()
    return any(word.casefold() in text for word in keywords)


def topic_matcher(topic: TopicConfig) -> Callable[[dict], bool]:
    """A topic holds items that a source gives the topic, or whose type or words match its rules."""
    types = set(topic.document_types)

    def matches(item: dict) -> bool:
        return (
            topic.id in item["topics"]
            or (item["document_type"] in types)
            or bool(topic.keywords and has_any_word(item, topic.keywords))
        )

    return matches


def feed_specs(config: Config, store: Store, items: list[dict]) -> list[FeedSpec]:
    """Every feed the configuration and the stored items call for."""
    specs = [FeedSpec("all", "All items – regjeringen.no and KS", "Everything the configured sources published", lambda i: True)]
    for source in config.sources:
        specs.append(
            FeedSpec(
                f"sources/{source.id}",
                source.title or f"Source {source.id}",
                f"Items from {source.url}",
                lambda i, sid=source.id: sid in i["sources"],
                alternate=source.url,
            )
        )
    stored_titles = store.topic_titles()
    configured = {t.id: t for t in config.topics}
    given = {t for source in config.sources for t in source.topics} | {t for i in items for t in i["topics"]}
    for topic_id in sorted(set(configured) | given):
        topic = configured.get(topic_id) or TopicConfig(topic_id)
        title = topic.title or stored_titles.get(topic_id) or topic_id.replace("-", " ").capitalize()
        specs.append(FeedSpec(f"topics/{topic_id}", title, f"Topic: {title}", topic_matcher(topic)))
    present = {m for i in items for m in i["ministries"]}
    for abbr, ministry in ministries().items():
        if abbr in present:
            specs.append(
                FeedSpec(
                    f"ministries/{abbr}",
                    f"{ministry['nb']} ({abbr.upper()})",
                    f"{ministry['en']}: items from regjeringen.no",
                    lambda i, a=abbr: a in i["ministries"],
                    alternate=f"https://www.regjeringen.no/no/dep/{abbr}/id{ministry['ownerid']}/",
                )
            )
    for spec in specs:
        matching = [i for i in items if spec.matches(i)]
        spec.total = len(matching)
        spec.entries = matching[: config.max_entries]
    return specs


# ------------------------------------------------------------------------------------------ rendering


def _entry_author(item: dict) -> list[str]:
    if item["authors"]:
        return item["authors"]
    if item["ministries"]:
        return [ministry_name(a, item["language"]) for a in item["ministries"]]
    return ["KS" if "ks.no" in item["link"] else "regjeringen.no"]


def _language(entries: list[dict]) -> str:
    languages = [language_code(e["language"]) or "nb" for e in entries]
    # the most common language; on a tie, the newest entry's (max keeps the first of equals)
    return max(languages, key=languages.count) if languages else "nb"


def render_atom(spec: FeedSpec, config: Config, topic_titles: dict[str, str]) -> bytes:
    """The Atom 1.0 document of one feed."""
    self_url = f"{config.base_url}{spec.path}.atom"
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(spec.title)
    fg.subtitle(spec.subtitle)
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=spec.alternate or f"{config.base_url}index.html", rel="alternate", type="text/html")
    fg.author({"name": "aggregator (regjeringen.no and KS)"})
    fg.language(_language(spec.entries))
    fg.updated(max((e["updated"] or e["first_seen"] for e in spec.entries), default=EPOCH).astimezone(OSLO))
    for item in spec.entries:
        entry = fg.add_entry(order="append")
        entry.id(item["id"])
        entry.title(item["title"])
        entry.link(href=item["link"], rel="alternate", type="text/html")
        # Every time in Oslo's offset: the instant is unchanged, and readers see the sites' own clock.
        published = (item["published"] or item["first_seen"]).astimezone(OSLO)
        entry.published(published)
        entry.updated(max(item["updated"] or published, published).astimezone(OSLO))
        for name in _entry_author(item):
            entry.author({"name": name})
        for abbr in item["ministries"]:
            entry.category(term=abbr, scheme=f"{config.base_url}ministries/", label=ministry_name(abbr, item["language"]))
        if item["document_type"]:
            entry.category(term=item["document_type"], scheme=f"{config.base_url}document-types/",
                           label=document_type_title(item["document_type"]))
        for topic in item["topics"]:
            entry.category(term=topic, scheme=f"{config.base_url}topics/", label=topic_titles.get(topic) or topic)
        if item["summary"]:
            entry.summary(item["summary"], type="text")
        deadline = item["extra"].get("deadline")
        if deadline:
            # Feed readers show content before summary: put the hearing's deadline where it is seen.
            entry.content(f"{item['summary'] or ''}\n\nDeadline (høringsfrist): {deadline}".strip(), type="text")
    return fg.atom_str(pretty=True)


def render_opml(specs: list[FeedSpec], config: Config) -> bytes:
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = "regjeringen.no and KS feeds"
    body = ET.SubElement(opml, "body")
    for spec in specs:
        ET.SubElement(
            body, "outline", type="rss", text=spec.title, title=spec.title,
            xmlUrl=f"{config.base_url}{spec.path}.atom", htmlUrl=spec.alternate or f"{config.base_url}index.html",
        )
    ET.indent(opml)
    return ET.tostring(opml, encoding="utf-8", xml_declaration=True) + b"\n"


_templates = Environment(loader=PackageLoader("aggregator", "templates"), autoescape=select_autoescape(["html", "j2"]))


def render_index(specs: list[FeedSpec], config: Config) -> bytes:
    groups = [
        ("All", [s for s in specs if "/" not in s.path]),
        ("Sources", [s for s in specs if s.path.startswith("sources/")]),
        ("Topics", [s for s in specs if s.path.startswith("topics/")]),
        ("Ministries", [s for s in specs if s.path.startswith("ministries/")]),
    ]
    html = _templates.get_template("index.html.j2").render(groups=groups, specs=specs, base_url=config.base_url)
    return html.encode("utf-8")


# ------------------------------------------------------------------------------------------ writing


def write_if_changed(path: Path, content: bytes) -> bool:
    """Replace a file atomically, and only when its content differs. Returns whether it was written."""
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


@dataclass
class PublishReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    specs: list[FeedSpec] = field(default_factory=list)


def publish(config: Config, store: Store) -> PublishReport:
    """Write every feed, index.html and feeds.opml under the output folder."""
    items = store.items()
    specs = feed_specs(config, store, items)
    topic_titles = {**store.topic_titles(), **{t.id: t.title for t in config.topics if t.title}}
    out = config.output_dir
    report = PublishReport(specs=specs)
    files = {f"{s.path}.atom": render_atom(s, config, topic_titles) for s in specs}
    files["index.html"] = render_index(specs, config)
    files["feeds.opml"] = render_opml(specs, config)
    for name, content in files.items():
        (report.written if write_if_changed(out / name, content) else report.unchanged).append(name)
    # A feed nobody defines any more (topic dropped from the config) goes, rather than freezing silently.
    for folder in FEED_FOLDERS:
        for stale in sorted((out / folder).glob("*.atom")) if (out / folder).is_dir() else []:
            name = f"{folder}/{stale.name}"
            if name not in files:
                stale.unlink()
                report.removed.append(name)
    log.info("feeds: %d written, %d unchanged, %d removed", len(report.written), len(report.unchanged), len(report.removed))
    return report
