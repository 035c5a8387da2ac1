"""The configuration as the rest of the code sees it: checked, with defaults filled in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..http_settings import HttpSettings
from ..words import DEFAULT_TITLE

DEFAULT_REMIND_DAYS = [14, 3]


class ConfigError(Exception):
    """Bad configuration: the message names the file, the key and the reason (the first mistake); `problems` holds
    every mistake found, each so named."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems if problems is not None else [message]


@dataclass
class SourceConfig:
    """What every source has; whatever else it takes is an option its kind declares (kinds.py), in `options`."""

    id: str
    kind: str
    url: str
    title: str | None = None
    topics: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)  # every option the kind declares, checked


@dataclass
class TopicConfig:
    id: str
    title: str | None = None
    document_types: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)


@dataclass
class SubscriptionConfig:
    id: str
    urls: list[str]
    feeds: list[str] = field(default_factory=lambda: ["all"])
    mode: str = "instant"
    schedule: str = "daily"  # daily | weekly | workdays (Monday to Friday)
    digest_day: str | None = None  # weekly: the day (monday … sunday); None: Monday
    keywords: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=lambda: ["new"])  # new | updated | reminder
    remind_days: list[int] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)  # only hearings sent to one of these bodies
    respondents: list[str] = field(default_factory=list)  # "updated" also when one of these answers


@dataclass
class NotifyConfig:
    digest_time: str = "07:00"
    batch_over: int = 10
    admin_urls: list[str] = field(default_factory=list)
    templates: Path = Path("notifiers")
    unsubscribe: list[str] = field(default_factory=list)  # mailto: and/or https: URLs (List-Unsubscribe)


@dataclass
class Config:
    path: Path
    database: Path
    output_dir: Path
    base_url: str = "https://feeds.example.org/"
    max_entries: int = 100
    title: str = DEFAULT_TITLE  # the site's title in feed titles, index.html, the calendar and the OPML
    language: str = "nb"  # [output] language: index.html's headings and labels, the generated feeds' titles
    own_title: bool = False  # [output] title was given (else `title` is the default in each language asked for)
    keep_days: int | None = None  # [storage] keep_days: prune what is older (None: keep everything)
    http: HttpSettings = field(default_factory=HttpSettings)
    sources: list[SourceConfig] = field(default_factory=list)
    topics: list[TopicConfig] = field(default_factory=list)
    subscriptions: list[SubscriptionConfig] = field(default_factory=list)
    notify: NotifyConfig = field(default_factory=NotifyConfig)
