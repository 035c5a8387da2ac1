"""Which items belong to which feed: `all`, `sources/<id>`, `topics/<id>`, `ministries/<abbr>`,
`committees/<id>` (a parliament committee's hearings, by the committee's id in lower case), and the open hearings
(`hearings/open`). publish.py writes these selections and notify/ matches subscriptions against them;
neither decides membership itself, so a feed file and a subscription to it always agree.

`hearings/open` depends on the day (a hearing leaves it when its deadline passes or it closes), so it is chosen
on each build from the open hearings, soonest deadline first, rather than filed with the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from .config import Config, TopicConfig
from .config.subscriptions import committees_read
from .hearings import hearing_of, is_hearing
from .hearings.rules import is_open_hearing
from .keywords import matcher
from .normalize import OSLO, is_http_url, ministries, ministry_name
from .records import Item
from .redact import public_url
from .store import Store
from .words import default_title, feed_subtitle, feed_title

FEED_FOLDERS = ("sources", "topics", "ministries", "committees")
OPEN_HEARINGS = "hearings/open"
COMMITTEES = "committees"


@dataclass
class FeedSpec:
    """One feed: its path under the output folder (without .atom), title, and which items it holds."""

    path: str
    title: str
    subtitle: str
    matches: Callable[[Item], bool]
    alternate: str | None = None
    entries: list[Item] = field(default_factory=list)
    total: int = 0


# ------------------------------------------------------------------------------------------ matching


def topic_matcher(topic: TopicConfig) -> Callable[[Item], bool]:
    """A topic holds items that a source gives the topic, or whose type or words match its rules."""
    types = set(topic.document_types)
    words = matcher(topic.keywords)  # one linear-time pattern for all of the topic's keywords

    def matches(item: Item) -> bool:
        return (
            topic.id in item["topics"]
            or (item["document_type"] in types)
            or bool(words and words(f"{item['title']} {item['summary'] or ''}"))
        )

    return matches


class FeedRules:
    """A configuration's feed rules, made once: which feeds an item belongs to."""

    def __init__(self, config: Config):
        self.topics = [(t.id, topic_matcher(t)) for t in config.topics]
        self.ministries = set(ministries())

    def paths(self, item: Item) -> list[str]:
        """all, the item's sources, its topics (given, or matching a topic's rules), its ministries, and (a
        committee's hearing) its committee."""
        topics = dict.fromkeys(item["topics"])
        topics.update((topic_id, None) for topic_id, matches in self.topics if matches(item))
        committee = committee_of(item)
        return ["all", *(f"sources/{s}" for s in item["sources"]), *(f"topics/{t}" for t in topics),
                *(f"ministries/{m}" for m in item["ministries"] if m in self.ministries),
                *([f"{COMMITTEES}/{committee}"] if committee else [])]


def committee_of(item: Item) -> str | None:
    """The feed name of the committee whose hearing an item is (its id in lower case), else None."""
    hearing = hearing_of(item) if is_hearing(item) else None
    return hearing.committee.id.lower() if hearing and hearing.committee and hearing.committee.id else None


def _in_source(source_id: str) -> Callable[[Item], bool]:
    return lambda item: source_id in item["sources"]


def _of_ministry(abbr: str) -> Callable[[Item], bool]:
    return lambda item: abbr in item["ministries"]


def _of_committee(committee: str) -> Callable[[Item], bool]:
    return lambda item: committee_of(item) == committee


def config_fingerprint(config: Config) -> str:
    """What of the configuration decides feed membership and feed files: when it changes, all is redone."""
    import hashlib
    import json

    relevant = {
        "base_url": config.base_url, "max_entries": config.max_entries, "title": config.title,
        "language": config.language,
        "sources": [(s.id, s.title, s.url, s.topics) for s in config.sources],
        "topics": [(t.id, t.title, t.document_types, t.keywords) for t in config.topics],
    }
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


def feed_specs(config: Config, store: Store, *, entries: int | None = None, every_possible: bool = False,
               language: str | None = None) -> list[FeedSpec]:
    """Every feed the configuration and the stored items call for (as the last build filed them); with
    `entries`, each with its total and that many newest entries. `every_possible` (for matching
    subscriptions): every ministry and every known topic, whether or not an item of it was filed yet. Titles are
    in `language` (default: [output] language; a message names feeds in its own)."""
    present = store.feeds_present()
    lang = language or config.language
    site = config.title if config.own_title or lang == config.language else default_title(lang)
    specs = [FeedSpec("all", feed_title("all", site, lang), feed_subtitle("all", site, lang), lambda i: True)]
    specs += [_source_spec(source, site, lang) for source in config.sources]
    specs += _topic_specs(config, store, present, every_possible, lang)
    specs += [_ministry_spec(abbr, ministry, site, lang) for abbr, ministry in ministries().items()
              if f"ministries/{abbr}" in present or every_possible]
    specs += _committee_specs(config, store, present, every_possible, site, lang)
    specs.append(FeedSpec(OPEN_HEARINGS, feed_title("open_hearings", site, lang),
                          feed_subtitle("open_hearings", site, lang), _open_today))
    if entries is not None:
        for spec in specs:
            fill(spec, store, entries)
    return specs


def specs_by_path(config: Config, store: Store, language: str | None = None) -> dict[str, FeedSpec]:
    """Every feed a subscription may name, by path (titles in `language`, default [output] language)."""
    return {spec.path: spec for spec in feed_specs(config, store, every_possible=True, language=language)}


def _source_spec(source, site: str, lang: str) -> FeedSpec:
    url = public_url(source.url)
    name = source.title or feed_title("source_unnamed", site, lang, id=source.id)
    return FeedSpec(f"sources/{source.id}", feed_title("source", site, lang, name=name),
                    feed_subtitle("source", site, lang, url=url), _in_source(source.id), alternate=url or None)


def _topic_specs(config: Config, store: Store, present: set[str], every_possible: bool, lang: str) -> list[FeedSpec]:
    """A feed per configured topic, per topic a source gives, and per topic items were filed under."""
    stored_titles = store.topic_titles()
    configured = {t.id: t for t in config.topics}
    given = {t for source in config.sources for t in source.topics}
    given |= {p.removeprefix("topics/") for p in present if p.startswith("topics/")}
    if every_possible:
        given |= set(stored_titles)
    specs = []
    for topic_id in sorted(set(configured) | given):
        topic = configured.get(topic_id) or TopicConfig(topic_id)
        title = topic.title or stored_titles.get(topic_id) or topic_id.replace("-", " ").capitalize()
        specs.append(FeedSpec(f"topics/{topic_id}", feed_title("topic", "", lang, name=title),
                              feed_subtitle("topic", "", lang, name=title), topic_matcher(topic)))
    return specs


def _ministry_spec(abbr: str, ministry: dict, site: str, lang: str) -> FeedSpec:
    names = {"name_nb": ministry["nb"], "name_nn": ministry["nn"], "name_en": ministry["en"], "abbr": abbr.upper()}
    return FeedSpec(f"ministries/{abbr}", feed_title("ministry", site, lang, **names),
                    feed_subtitle("ministry", site, lang, **names),
                    _of_ministry(abbr), alternate=f"https://www.regjeringen.no/no/dep/{abbr}/id{ministry['ownerid']}/")


def _committee_specs(config: Config, store: Store, present: set[str], every_possible: bool, site: str,
                     lang: str) -> list[FeedSpec]:
    """A feed per committee whose hearings were filed (and, for matching subscriptions, per configured committee),
    titled with the committee's name as its hearings give it."""
    committees = {p.removeprefix(f"{COMMITTEES}/") for p in present if p.startswith(f"{COMMITTEES}/")}
    if every_possible:
        committees |= committees_read((s.kind, s.options) for s in config.sources) or set()
    specs = []
    for committee in sorted(committees):
        path = f"{COMMITTEES}/{committee}"
        newest = store.feed_entries(path, 1) if path in present else []
        hearing = hearing_of(newest[0]) if newest else None
        name = hearing.committee.name if hearing and hearing.committee and hearing.committee.name else committee.upper()
        fields = {"name": name, "id": committee.upper()}
        specs.append(FeedSpec(path, feed_title("committee", site, lang, **fields),
                              feed_subtitle("committee", site, lang, **fields), _of_committee(committee)))
    return specs


def _open_today(item: Item) -> bool:
    return is_open_hearing(item, datetime.now(OSLO).date())


def fill(spec: FeedSpec, store: Store, limit: int, total: int | None = None,
         open_now: list[Item] | None = None) -> FeedSpec:
    """Give a spec its total (counted, unless given) and its `limit` newest entries; hearings/open its open hearings
    (`open_now`, when the caller has them already)."""
    if spec.path == OPEN_HEARINGS:
        if open_now is None:
            open_now = open_hearings_on(store, datetime.now(OSLO).date())
        found = [i for i in open_now if is_http_url(i["link"])]
        spec.entries, spec.total = found[:limit], len(found)
        return spec
    spec.total = store.feed_count(spec.path) if total is None else total
    # only http(s) links leave the store, also links stored by an older version
    spec.entries = [i for i in store.feed_entries(spec.path, limit) if is_http_url(i["link"])]
    return spec


def entry_authors(item: Item) -> list[str]:
    """Who an entry is credited to: its authors (ministries in the item's language, KS), else the ministries,
    else the feed it came from (its title, else its host); never a site it does not come from."""
    if item["authors"]:
        return item["authors"]
    if item["ministries"]:
        return [ministry_name(a, item["language"]) for a in item["ministries"]]
    return [item["extra"].get("credit") or urlsplit(item["link"]).hostname or item["link"]]


def open_hearings_on(store: Store, today: date) -> list[Item]:
    """The stored hearings open on a day, soonest deadline first (the store's order: by deadline, then id)."""
    return [item for item in store.hearings_with_deadline_from(today.isoformat()) if is_open_hearing(item, today)]
