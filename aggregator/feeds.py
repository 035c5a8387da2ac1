"""Which items belong to which feed: `all`, `sources/<id>`, `topics/<id>`, `ministries/<abbr>`, and the open
hearings. publish.py writes these selections and notify/ matches subscriptions against them; neither
decides membership itself, so a feed file and a subscription to it always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable
from urllib.parse import urlsplit

from .config import Config, TopicConfig
from .normalize import is_http_url, matches_keyword, ministries, ministry_name
from .store import Store

FEED_FOLDERS = ("sources", "topics", "ministries")


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
    """Whether any keyword occurs in the item's title or summary (normalize.keyword_pattern's rules:
    at the start of a word, any case; capitals are a whole abbreviation; `*` is any letters)."""
    return matches_keyword(f"{item['title']} {item['summary'] or ''}", keywords)


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
        # only http(s) links leave the store, also links stored by an older version
        spec.entries = [i for i in matching[: config.max_entries] if is_http_url(i["link"])]
    return specs


def entry_authors(item: dict) -> list[str]:
    """Who an entry is credited to: its authors (ministries in the item's language, KS), else the ministries,
    else the feed it came from (its title, else its host); never a site it does not come from."""
    if item["authors"]:
        return item["authors"]
    if item["ministries"]:
        return [ministry_name(a, item["language"]) for a in item["ministries"]]
    return [item["extra"].get("credit") or urlsplit(item["link"]).hostname or item["link"]]


def open_hearings(items: list[dict], today: date) -> list[dict]:
    """Hearings whose deadline is today or later, soonest first, each with its days left."""
    found = []
    for item in items:
        deadline = item["extra"].get("deadline")
        if item["document_type"] != "consultation" or not deadline:
            continue
        try:
            day = date.fromisoformat(deadline)
        except ValueError:
            continue
        if day >= today:
            found.append({**item, "deadline_date": day, "days_left": (day - today).days})
    return sorted(found, key=lambda i: (i["deadline_date"], i["id"]))
