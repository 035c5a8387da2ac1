"""Atom 1.0 feeds (feedgen), with what feedgen leaves out put back with lxml."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from lxml import etree

from ..config import Config
from ..feeds import FeedSpec, entry_authors
from ..hearings import hearing_of
from ..normalize import OSLO, is_http_url, language_code, ministry_name
from ..records import Item
from ..words import document_type_title, feed_title, format_date, label
from .hearing_entries import HearingFacts, add_hearing_links, hearing_content, shows_hearing

log = logging.getLogger(__name__)

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # `updated` of a feed that has no entries yet
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ATOM = "{http://www.w3.org/2005/Atom}"


def feed_language(entries: list[Item]) -> str:
    languages = [language_code(e["language"]) or "nb" for e in entries]
    # the most common language; on a tie, the newest entry's (max keeps the first of equals)
    return max(languages, key=languages.count) if languages else "nb"


def entry_content(item: Item) -> str | None:
    """The text an entry that is no hearing (or one whose facts are not known) shows beyond its summary: a deadline
    and status its source gave, labelled in the item's language. None when there is nothing beyond the summary."""
    hearing, language = hearing_of(item), item["language"]
    facts = []
    if hearing and hearing.deadline:
        facts.append(f"{label('deadline', language)}: {format_date(hearing.deadline)}")
    if hearing and hearing.status:
        facts.append(f"{label('status', language)}: {hearing.status}")
    if not facts:
        return None
    return "\n\n".join(filter(None, [item["summary"], "\n".join(facts)]))


def render_atom(spec: FeedSpec, config: Config, topic_titles: dict[str, str], facts: HearingFacts | None = None) -> bytes:
    """The Atom 1.0 document of one feed. An entry in another language than the feed's says so (xml:lang)."""
    facts = facts or HearingFacts()
    self_url = f"{config.base_url}{spec.path}.atom"
    language = feed_language(spec.entries)
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(spec.title)
    fg.subtitle(spec.subtitle)
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=spec.alternate or f"{config.base_url}index.html", rel="alternate", type="text/html")
    fg.author({"name": feed_title("author", config.title)})
    fg.language(language)
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
    return _complete_entries(fg.atom_str(pretty=True), written, links, language)


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
    if (hearing := shows_hearing(item)) is not None:
        entry.content(hearing_content(item, hearing, facts), type="html")
    elif content := entry_content(item):
        entry.content(content, type="text")


def _complete_entries(atom: bytes, entries: list[Item], links: list[list[dict]], language: str) -> bytes:
    """What feedgen leaves out of entries, put in with lxml: xml:lang on each entry whose language differs from the
    feed's (feedgen knows only the feed's), and the rel, type, title and length of entry links (feedgen 1.0 writes
    only their href, so a document would read as a second alternate and an enclosure as a plain link)."""
    languages = [language_code(e["language"]) or language for e in entries]
    described = any(link.get("rel", "alternate") != "alternate" for entry_links in links for link in entry_links)
    if all(lang == language for lang in languages) and not described:
        return atom
    root = etree.fromstring(atom)
    for node, lang, entry_links in zip(root.iterfind(f"{_ATOM}entry"), languages, links, strict=True):
        if lang != language:
            node.set(_XML_LANG, lang)
        for element, link in zip(node.iterfind(f"{_ATOM}link"), entry_links, strict=True):
            for name in ("rel", "type", "title", "length"):
                if link.get(name) and element.get(name) is None:
                    element.set(name, str(link[name]))
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")
