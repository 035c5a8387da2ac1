"""The files readers get, from feeds.py's selections: Atom feeds (feedgen), index.html (Jinja2), feeds.opml.

Every file is rendered in memory and replaced atomically only when its bytes changed, so a run that
changed nothing leaves every modification time alone. A feed's `updated` is its newest entry's, which
keeps the feeds a pure function of the store; only index.html reads the clock, for the days left of
open hearings (so it may change once a day).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from feedgen.feed import FeedGenerator
from jinja2 import Environment, PackageLoader, select_autoescape
from lxml import etree

from . import hearings as hearing_rules
from .config import Config
from .feeds import (
    FEED_FOLDERS,
    OPEN_HEARINGS,
    FeedRules,
    FeedSpec,
    config_fingerprint,
    entry_authors,
    feed_specs,
    fill,
    open_hearings_on,
)
from .hearing_output import HearingFacts, add_hearing_links, has_hearing_facts, hearing_content, render_calendar
from .normalize import (
    OSLO,
    document_type_title,
    format_date,
    format_long_date,
    is_http_url,
    label,
    language_code,
    ministry_name,
)
from .records import Item
from .store import Store, sort_key

log = logging.getLogger(__name__)

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # `updated` of a feed that has no entries yet


# ------------------------------------------------------------------------------------------ rendering


def _language(entries: list[Item]) -> str:
    languages = [language_code(e["language"]) or "nb" for e in entries]
    # the most common language; on a tie, the newest entry's (max keeps the first of equals)
    return max(languages, key=languages.count) if languages else "nb"


def entry_content(item: Item) -> str | None:
    """The text an entry shows beyond its summary: a hearing's deadline and status, labelled in the item's
    language. None when there is nothing beyond the summary."""
    facts = []
    extra, language = item["extra"], item["language"]
    if extra.get("deadline"):
        facts.append(f"{label('deadline', language)}: {format_date(date.fromisoformat(extra['deadline']))}")
    if extra.get("hearing_status"):
        facts.append(f"{label('status', language)}: {extra['hearing_status']}")
    if not facts:
        return None
    return "\n\n".join(filter(None, [item["summary"], "\n".join(facts)]))


CALENDAR = "hearings/deadlines.ics"


def hearing_facts(store: Store, items: list[Item], today: date | None = None) -> HearingFacts:
    """What the store knows around these entries: hearings' latest updates and linked answers, answers' hearings."""
    hearing_ids = [i["id"] for i in items if i["document_type"] == "consultation"]
    answer_ids = [i["id"] for i in items if i["document_type"] == "consultation-response"]
    return HearingFacts(store.latest_updates(hearing_ids), store.answers_of(hearing_ids),
                        store.hearings_answered(answer_ids), today)


def render_atom(spec: FeedSpec, config: Config, topic_titles: dict[str, str], facts: HearingFacts | None = None) -> bytes:
    """The Atom 1.0 document of one feed. An entry in another language than the feed's says so (xml:lang)."""
    facts = facts or HearingFacts()
    self_url = f"{config.base_url}{spec.path}.atom"
    feed_language = _language(spec.entries)
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(spec.title)
    fg.subtitle(spec.subtitle)
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=spec.alternate or f"{config.base_url}index.html", rel="alternate", type="text/html")
    fg.author({"name": "aggregator (regjeringen.no and KS)"})
    fg.language(feed_language)
    fg.updated(max((e["updated"] or e["first_seen"] for e in spec.entries), default=EPOCH).astimezone(OSLO))
    written: list[Item] = []
    links: list[list[dict]] = []  # each written entry's links, as given to feedgen
    for item in spec.entries:
        entry = fg.add_entry(order="append")
        try:
            _fill_entry(entry, item, config, topic_titles, facts)
        except Exception as error:  # one poisoned item must not cost the feed, nor every later run
            fg.remove_entry(entry)
            log.warning("%s: left out item %s: %s: %s", spec.path, item["id"], error.__class__.__name__, error)
            continue
        written.append(item)
        links.append(list(entry.link() or []))
    return _complete_entries(fg.atom_str(pretty=True), written, links, feed_language)


def _fill_entry(entry, item: Item, config: Config, topic_titles: dict[str, str], facts: HearingFacts) -> None:
    """One Atom entry of a stored item. Raises ValueError for an item that cannot be published as it is."""
    if not is_http_url(item["link"]):  # only http(s) links leave the store, also ones stored by older versions
        raise ValueError(f"its link is not a plain http(s) link: {item['link'][:80]!r}")
    entry.id(item["id"])
    entry.title(item["title"])
    entry.link(href=item["link"], rel="alternate", type="text/html")
    # Every time in Oslo's offset: the instant is unchanged, and readers see the sites' own clock.
    # An item whose date is unknown has no `published` (Atom allows that): never the fetch time.
    updated = item["updated"] or item["first_seen"]
    if item["published"]:
        entry.published(item["published"].astimezone(OSLO))
        updated = max(updated, item["published"])
    entry.updated(updated.astimezone(OSLO))
    for name in entry_authors(item):
        entry.author({"name": name})
    for abbr in item["ministries"]:
        entry.category(term=abbr, scheme=f"{config.base_url}ministries/", label=ministry_name(abbr, item["language"]))
    if item["document_type"]:
        entry.category(term=item["document_type"], scheme=f"{config.base_url}document-types/",
                       label=document_type_title(item["document_type"], item["language"]))
    for topic in item["topics"]:
        entry.category(term=topic, scheme=f"{config.base_url}topics/", label=topic_titles.get(topic) or topic)
    if item["summary"]:
        entry.summary(item["summary"], type="text")
    add_hearing_links(entry, item, facts, config.base_url)
    # Feed readers show content before summary: put the hearing's facts where they are seen.
    if has_hearing_facts(item):
        entry.content(hearing_content(item, facts), type="html")
    elif content := entry_content(item):
        entry.content(content, type="text")


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ATOM = "{http://www.w3.org/2005/Atom}"


def _complete_entries(atom: bytes, entries: list[Item], links: list[list[dict]], feed_language: str) -> bytes:
    """What feedgen leaves out of entries, put in with lxml: xml:lang on each entry whose language differs from the
    feed's (feedgen knows only the feed's), and the rel, type, title and length of entry links (feedgen 1.0 writes
    only their href, so a document would read as a second alternate and an enclosure as a plain link)."""
    languages = [language_code(e["language"]) or feed_language for e in entries]
    described = any(link.get("rel", "alternate") != "alternate" for entry_links in links for link in entry_links)
    if all(lang == feed_language for lang in languages) and not described:
        return atom
    root = etree.fromstring(atom)
    for node, lang, entry_links in zip(root.iterfind(f"{_ATOM}entry"), languages, links, strict=True):
        if lang != feed_language:
            node.set(_XML_LANG, lang)
        for element, link in zip(node.iterfind(f"{_ATOM}link"), entry_links, strict=True):
            for name in ("rel", "type", "title", "length"):
                if link.get(name) and element.get(name) is None:
                    element.set(name, str(link[name]))
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")


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


def _item_view(item: Item, today: date | None = None) -> dict:
    """What the index shows of an item, in the item's own language (with `today`: a hearing's days left)."""
    language = language_code(item["language"]) or "nb"
    deadline = hearing_rules.deadline_of(item["extra"]) if today else None
    days_left = (deadline - today).days if deadline and today else None
    return {
        "title": item["title"], "link": item["link"], "language": language,
        "date": format_long_date(item["published"], language),
        "publisher": ", ".join(entry_authors(item)),
        "type": document_type_title(item["document_type"], language) if item["document_type"] else "",
        "deadline": format_long_date(deadline, language) if deadline else "",
        "days_left": days_left,
        "days_left_text": hearing_rules.days_left_line(days_left, language) if days_left is not None else "",
    }


def render_index(specs: list[FeedSpec], config: Config, health: list[SourceHealth] | None = None,
                 hearings: list[Item] | None = None, today: date | None = None) -> bytes:
    """index.html: what is here and how fresh it is, readable on a phone, no JavaScript."""
    groups = [
        ("All", [s for s in specs if "/" not in s.path]),
        ("Sources", [s for s in specs if s.path.startswith("sources/")]),
        ("Topics", [s for s in specs if s.path.startswith("topics/")]),
        ("Ministries", [s for s in specs if s.path.startswith("ministries/")]),
        ("Hearings", [s for s in specs if s.path.startswith("hearings/")]),
    ]
    newest = max((e["updated"] or e["first_seen"] for s in specs for e in s.entries), default=None)
    html = _templates.get_template("index.html.j2").render(
        groups=groups, specs=specs, base_url=config.base_url, view=_item_view,
        last_updated=format_date(newest) if newest else None,
        health=health or [], hearings=[_item_view(h, today or datetime.now(OSLO).date()) for h in hearings or []],
        calendar=f"{config.base_url}{CALENDAR}",
        when=lambda value: value.astimezone(OSLO).strftime("%d.%m.%Y %H:%M") if value else "",
    )
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


class PublishError(Exception):
    """The output folder cannot be written: the message names the file and what to do."""


def remove_leftovers(out: Path) -> list[str]:
    """Delete temporary files that a run killed while writing left behind (`.<name>.<random>.tmp`)."""
    removed = []
    for leftover in out.rglob(".*.tmp") if out.is_dir() else []:
        leftover.unlink(missing_ok=True)
        removed.append(str(leftover.relative_to(out)))
    return removed


def publish(config: Config, store: Store) -> PublishReport:
    """Write every feed, index.html and feeds.opml under the output folder. Raises PublishError when the
    folder cannot be written (read-only, full); nothing half-written is left in place."""
    try:
        return _publish(config, store)
    except OSError as error:
        target = error.filename or config.output_dir
        raise PublishError(
            f"cannot write the feeds to {target} ([output] directory in {config.path}): {error.strerror or error}; "
            "check that the folder exists, is writable and its disk has space"
        ) from None


def _publish(config: Config, store: Store) -> PublishReport:
    out = config.output_dir
    report = PublishReport()
    report.removed.extend(remove_leftovers(out))
    today = datetime.now(OSLO).date()  # the one clock read here: an open hearing's days left change daily
    state = _state(config, store, today)
    if store.meta("published_state") == state and (out / "index.html").exists():
        report.specs = feed_specs(config, store)  # nothing changed since the last build: nothing to do
        report.unchanged = [f"{s.path}.atom" for s in report.specs] + ["index.html", "feeds.opml"]
        log.info("feeds: nothing changed since the last build")
        return report
    affected = _file_items(config, store)  # None: everything
    totals = store.feed_totals()
    specs = feed_specs(config, store)
    report.specs = specs
    topic_titles = {**store.topic_titles(), **{t.id: t.title for t in config.topics if t.title}}
    files: dict[str, bytes | None] = {}
    hearings = open_hearings_on(store, today)
    for spec in specs:
        name = f"{spec.path}.atom"
        spec_total = totals.get(spec.path, 0)
        if spec.path == OPEN_HEARINGS:  # chosen anew each day: always rendered
            fill(spec, store, config.max_entries, open_now=hearings)
            files[name] = render_atom(spec, config, topic_titles, hearing_facts(store, spec.entries, today))
        elif affected is None or spec.path in affected or not (out / name).exists():
            fill(spec, store, config.max_entries, spec_total)
            files[name] = render_atom(spec, config, topic_titles, hearing_facts(store, spec.entries))
        else:
            fill(spec, store, 3, spec_total)  # what index.html shows of it; its file stands as it is
            files[name] = None
    files[CALENDAR] = render_calendar(hearings, hearing_facts(store, hearings), config.base_url,
                                      store.deadline_changes([h["id"] for h in hearings]))
    files["index.html"] = render_index(specs, config, source_health(config, store, totals), hearings, today)
    files["feeds.opml"] = render_opml(specs, config)
    for name, content in files.items():
        written = content is not None and write_if_changed(out / name, content)
        (report.written if written else report.unchanged).append(name)
    # A feed nobody defines any more (topic dropped from the config) goes, rather than freezing silently.
    for folder in FEED_FOLDERS:
        for stale in sorted((out / folder).glob("*.atom")) if (out / folder).is_dir() else []:
            name = f"{folder}/{stale.name}"
            if name not in files:
                stale.unlink()
                report.removed.append(name)
    store.set_meta("published_state", state)  # after the files: a run killed before this redoes them
    log.info("feeds: %d written, %d unchanged, %d removed", len(report.written), len(report.unchanged), len(report.removed))
    return report


def _state(config: Config, store: Store, today: date) -> str:
    """Everything the output depends on: the items (their version), the config, the sources' health, the day."""
    health = [(h.id, h.status, h.since.isoformat() if h.since else None) for h in source_health(config, store, {})]
    return json.dumps([store.content_version(), config_fingerprint(config), today.isoformat(), health])


def _file_items(config: Config, store: Store) -> set[str] | None:
    """Bring feed membership up to date with the items written since the last build; returns the feeds whose
    content changed, or None when everything is redone (a changed config, a first build)."""
    fingerprint = config_fingerprint(config)
    since = int(store.meta("filed_version") or 0)
    everything = store.meta("filed_config") != fingerprint
    totals = {} if everything else store.feed_totals()
    if everything:
        store.clear_memberships()
        since = 0
    affected: set[str] = set()
    current = store.content_version()
    rules = FeedRules(config)
    for batch in store.items_changed_since(since):
        memberships = {item["id"]: (sort_key(item["published"], item["first_seen"]), rules.paths(item))
                       for item in batch}
        if not everything:
            affected |= store.feeds_of(list(memberships))
        affected |= {feed for _, feeds in memberships.values() for feed in feeds}
        for feed, delta in store.set_memberships(memberships).items():
            totals[feed] = totals.get(feed, 0) + delta
    store.set_meta("feed_totals", json.dumps({feed: n for feed, n in totals.items() if n > 0}))
    store.set_meta("filed_version", str(current))
    store.set_meta("filed_config", fingerprint)
    return None if everything else affected
