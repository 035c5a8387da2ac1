"""Load config.toml, check every key, and fail with the file, the key and the reason."""

from __future__ import annotations

import logging
import math
import os
import re
import tomllib
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .http_settings import DEFAULT_USER_AGENT, HttpSettings
from .redact import hide, register_secret

SELECTOR_KEYS = ("item", "title", "link", "label", "summary", "date")


class ConfigError(Exception):
    """Bad configuration: the message names the file, the key and the reason."""


@dataclass
class SourceConfig:
    id: str
    kind: str
    url: str
    title: str | None = None
    topics: list[str] = field(default_factory=list)
    max_pages: int = 3
    selectors: dict[str, str] = field(default_factory=dict)
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
    schedule: str = "daily"
    keywords: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=lambda: ["new"])  # new | updated | reminder
    remind_days: list[int] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)  # only hearings sent to one of these bodies
    respondents: list[str] = field(default_factory=list)  # "updated" also when one of these answers


EVENTS = ("new", "updated", "reminder")
DEFAULT_REMIND_DAYS = [14, 3]


@dataclass
class NotifyConfig:
    digest_time: str = "07:00"
    batch_over: int = 10
    admin_urls: list[str] = field(default_factory=list)
    templates: Path = Path("notifiers")


@dataclass
class Config:
    path: Path
    database: Path
    output_dir: Path
    base_url: str = "https://feeds.example.org/"
    max_entries: int = 100
    http: HttpSettings = field(default_factory=HttpSettings)
    sources: list[SourceConfig] = field(default_factory=list)
    topics: list[TopicConfig] = field(default_factory=list)
    subscriptions: list[SubscriptionConfig] = field(default_factory=list)
    notify: NotifyConfig = field(default_factory=NotifyConfig)


# Each section's keys: name -> (check, default). A check returns the value or raises ValueError(reason).


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {type(value).__name__}")
    return value


def _nonempty_str(value: Any) -> str:
    if not _str(value).strip():
        raise ValueError("must not be empty")
    return value


def _str_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of strings")
    return list(value)


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"must be a whole number of at least 1, got {value!r}")
    return value


def _non_negative_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"must be a whole number of at least 0, got {value!r}")
    return value


def _non_negative_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"must be a number of at least 0, got {value!r}")
    if value > 1e6:
        raise ValueError(f"must be at most 1000000, got {value!r}")
    return float(value)


def _positive_number(value: Any) -> float:
    if _non_negative_number(value) == 0:
        raise ValueError("must be more than 0")
    return float(value)


def _http_url(value: Any) -> str:
    if not re.match(r"^https?://[^/\s]+", _str(value)):
        raise ValueError(f"must be an http(s) URL, got {value!r}")
    return value


MAX_ID_LENGTH = 100  # ids become file names; most file systems stop at 255 bytes


def _ident(value: Any) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)*", _str(value)):
        raise ValueError(f"must be lower-case letters, digits, '-', '_' or '.' (not at the start, not '..'), "
                         f"got {value!r} (it is used in file names)")
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(f"must be at most {MAX_ID_LENGTH} characters (it is used in file names), got {len(value)}")
    return value


def _ident_list(value: Any) -> list[str]:
    items = _str_list(value)
    for item in items:
        try:
            _ident(item)
        except ValueError as error:
            raise ValueError(f"topic id {item!r}: {error}") from None
    return items


def _kind(value: Any) -> str:
    from .kinds import get_kind

    get_kind(_str(value))  # raises ValueError (UnknownKind) with the reason
    return value


def _one_of(*choices: str):
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, got {value!r}")
        return value

    return check


def _events(value: Any) -> list[str]:
    events = _str_list(value)
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise ValueError(f"unknown event {unknown[0]!r}; known: {', '.join(EVENTS)}")
    if not events:
        raise ValueError(f"must name at least one of {', '.join(EVENTS)}")
    return list(dict.fromkeys(events))


def _names(value: Any) -> list[str]:
    names = _str_list(value)
    if any(not name.strip() for name in names):
        raise ValueError(f"must be names of bodies, as \"Bergen kommune\" or \"KS\"; got an empty one in {value!r}")
    return names


def _day_counts(value: Any) -> list[int]:
    if not isinstance(value, list) or not value or not all(type(v) is int and 0 <= v <= 365 for v in value):
        raise ValueError(f"must be a list of whole numbers of days from 0 to 365, as [14, 3]; got {value!r}")
    return sorted(set(value), reverse=True)


def _clock(value: Any) -> str:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", _str(value)):
        raise ValueError(f"must be a time of day as HH:MM, got {value!r}")
    return value


def _selectors(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError("must be a table of CSS selectors")
    unknown = sorted(set(value) - set(SELECTOR_KEYS))
    if unknown:
        raise ValueError(f"unknown selector {unknown[0]!r}; known: {', '.join(SELECTOR_KEYS)}")
    for key, selector in value.items():
        if not isinstance(selector, str) or not selector.strip():
            raise ValueError(f"selector {key!r} must be a non-empty CSS selector string")
    return dict(value)


# The checks a source kind may use for its options (kinds.Option.check).
check_positive_int, check_string, check_string_list, check_selectors = _positive_int, _nonempty_str, _str_list, _selectors
check_non_negative_number = _non_negative_number

REQUIRED = object()

SCHEMA: dict[str, dict[str, tuple]] = {
    "storage": {"database": (_nonempty_str, "data/aggregator.db")},
    "output": {
        "directory": (_nonempty_str, "feeds"),
        "base_url": (_http_url, "https://feeds.example.org/"),
        "max_entries": (_positive_int, 100),
    },
    "http": {
        "user_agent": (_nonempty_str, DEFAULT_USER_AGENT),
        "timeout": (_positive_number, 20.0),
        "min_delay": (_non_negative_number, 1.5),
        "retries": (_non_negative_int, 3),
    },
    "notify": {
        "digest_time": (_clock, "07:00"),
        "batch_over": (_positive_int, 10),
        "admin_urls": (_str_list, []),
        "templates": (_nonempty_str, "notifiers"),
    },
    "sources": {
        "id": (_ident, REQUIRED),
        "kind": (_kind, REQUIRED),
        "url": (_http_url, REQUIRED),
        "title": (_nonempty_str, None),
        "topics": (_ident_list, []),
        # and the options the source's kind declares (kinds.py): checked in _kind_options
    },
    "topics": {
        "id": (_ident, REQUIRED),
        "title": (_nonempty_str, None),
        "document_types": (_str_list, []),
        "keywords": (_str_list, []),
    },
    "subscriptions": {
        "id": (_ident, REQUIRED),
        "urls": (_str_list, REQUIRED),
        "feeds": (_str_list, ["all"]),
        "mode": (_one_of("instant", "digest"), "instant"),
        "schedule": (_one_of("daily", "weekly"), "daily"),
        "keywords": (_str_list, []),
        "events": (_events, ["new"]),
        "remind_days": (_day_counts, None),
        "recipients": (_names, []),
        "respondents": (_names, []),
    },
}
TABLES = ("storage", "output", "http", "notify")
ARRAYS = ("sources", "topics", "subscriptions")

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def config_path(explicit: str | os.PathLike | None = None) -> Path:
    """--config, else $AGGREGATOR_CONFIG, else ./config.toml."""
    return Path(explicit or os.environ.get("AGGREGATOR_CONFIG") or "config.toml")


def load_config(path: str | os.PathLike | None = None) -> Config:
    """Read and check a config file; relative paths in it are relative to the file's folder."""
    path = config_path(path)
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found (give one with --config or $AGGREGATOR_CONFIG)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    return parse_config(raw, path)


def parse_config(raw: dict, path: Path) -> Config:
    """Check a parsed TOML document and build the Config; raises ConfigError."""

    def fail(key: str, reason: str) -> ConfigError:
        return ConfigError(hide(f"{path}: {key}: {reason}"))  # never print a value that came from ${…}

    unknown = sorted(set(raw) - set(TABLES) - set(ARRAYS))
    if unknown:
        raise fail(unknown[0], f"unknown section; known: {', '.join(TABLES + ARRAYS)}")

    def section(name: str, value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            raise fail(where, "must be a table")
        schema = SCHEMA[name]
        extra = sorted(set(value) - set(schema))
        if name == "sources":
            extra = [key for key in extra if key not in _kind_option_names(value.get("kind"))]
        if extra:
            if name == "sources" and (owners := _option_owners(extra[0])):
                raise fail(f"{where}.{extra[0]}", f"only {' and '.join(owners)} sources have {extra[0]}; "
                                                  f"this source is {value.get('kind')!r}")
            raise fail(f"{where}.{extra[0]}", f"unknown key; known: {', '.join(schema)}")
        checked = {}
        for key, (check, default) in schema.items():
            if key not in value:
                if default is REQUIRED:
                    raise fail(f"{where}.{key}", "is required")
                checked[key] = default
                continue
            try:
                checked[key] = check(_expand_env(value[key], quote=key in _URL_KEYS))
            except ValueError as error:
                raise fail(f"{where}.{key}", str(error)) from None
        if name == "sources":
            checked["options"] = _kind_options(checked["kind"], value, where, fail)
        return checked

    tables = {name: section(name, raw.get(name, {}), name) for name in TABLES}
    arrays: dict[str, list[dict]] = {}
    for name in ARRAYS:
        entries = raw.get(name, [])
        if not isinstance(entries, list):
            raise fail(name, f"must be an array of tables ([[{name}]])")
        arrays[name] = [section(name, entry, f"{name}[{i}]") for i, entry in enumerate(entries)]
        seen: set[str] = set()
        for i, entry in enumerate(arrays[name]):
            if entry["id"] in seen:
                raise fail(f"{name}[{i}].id", f"duplicate id {entry['id']!r}")
            seen.add(entry["id"])

    if not arrays["sources"]:
        raise fail("sources", "no [[sources]] configured: there is nothing to fetch")
    for i, sub in enumerate(raw.get("subscriptions", [])):
        if "schedule" in sub and sub.get("mode", "instant") != "digest":
            raise fail(f"subscriptions[{i}].schedule", 'only digests have a schedule: add mode = "digest", or drop it')
    source_ids = {s["id"] for s in arrays["sources"]}
    topic_ids = {t["id"] for t in arrays["topics"]} | {t for s in arrays["sources"] for t in s["topics"]}
    for i, sub in enumerate(arrays["subscriptions"]):
        if not sub["urls"]:
            raise fail(f"subscriptions[{i}].urls", "must name at least one Apprise URL")
        for j, url in enumerate(sub["urls"]):
            if problem := apprise_url_problem(url):
                raise fail(f"subscriptions[{i}].urls[{j}]", problem)
        if not sub["feeds"]:
            raise fail(f"subscriptions[{i}].feeds", 'must name at least one feed (or "all")')
        for j, feed in enumerate(sub["feeds"]):
            if problem := _feed_path_problem(feed, source_ids, topic_ids):
                raise fail(f"subscriptions[{i}].feeds[{j}]", problem)
        if wrong := _events_problem(sub):
            raise fail(f"subscriptions[{i}].{wrong[0]}", wrong[1])
        sub["remind_days"] = sub["remind_days"] or (list(DEFAULT_REMIND_DAYS) if "reminder" in sub["events"] else [])
    for j, url in enumerate(tables["notify"]["admin_urls"]):
        if problem := apprise_url_problem(url):
            raise fail(f"notify.admin_urls[{j}]", problem)

    base = path.parent
    http, output, notify = tables["http"], tables["output"], tables["notify"]
    return Config(
        path=path,
        database=base / tables["storage"]["database"],
        output_dir=base / output["directory"],
        base_url=output["base_url"] if output["base_url"].endswith("/") else output["base_url"] + "/",
        max_entries=output["max_entries"],
        http=HttpSettings(http["user_agent"], http["timeout"], http["min_delay"], http["retries"]),
        sources=[_source_config(s) for s in arrays["sources"]],
        topics=[TopicConfig(**t) for t in arrays["topics"]],
        subscriptions=[SubscriptionConfig(**s) for s in arrays["subscriptions"]],
        notify=NotifyConfig(notify["digest_time"], notify["batch_over"], notify["admin_urls"], base / notify["templates"]),
    )


# Keys whose values are Apprise URLs: a secret put into one is percent-encoded, so that a password holding
# "@ / # ?" or a space stays a password (Apprise decodes it) instead of changing the host it is sent to.
_URL_KEYS = {"urls", "admin_urls"}


def _kind_option_names(kind: Any) -> set[str]:
    from .kinds import UnknownKind, get_kind

    try:
        return {option.name for option in get_kind(kind).options}
    except UnknownKind:
        return set()


def _option_owners(key: str) -> list[str]:
    from .kinds import option_owners

    return option_owners(key)


def _kind_options(kind: str, value: dict, where: str, fail) -> dict[str, Any]:
    """The options a source's kind declares, each checked (or its default)."""
    from .kinds import get_kind

    options = {}
    for option in get_kind(kind).options:
        if option.name not in value:
            options[option.name] = option.default
            continue
        try:
            options[option.name] = option.check(_expand_env(value[option.name]))
        except ValueError as error:
            raise fail(f"{where}.{option.name}", str(error)) from None
    return options


def _source_config(checked: dict) -> SourceConfig:
    options = checked["options"]
    known = {key: options[key] for key in ("max_pages", "selectors") if key in options}
    return SourceConfig(id=checked["id"], kind=checked["kind"], url=checked["url"], title=checked["title"],
                        topics=checked["topics"], options=options, **known)


def _expand_env(value: Any, quote: bool = False) -> Any:
    """Replace ${NAME} in strings (also inside lists and tables) with the environment's value, which is then a
    secret: masked in everything printed (redact.hide). `quote`: percent-encode it (for Apprise URLs)."""
    if isinstance(value, str):

        def lookup(match: re.Match) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise ValueError(f"environment variable {name} is not set (used as ${{{name}}})")
            secret = os.environ[name]
            register_secret(secret)
            if quote:
                encoded = urllib.parse.quote(secret, safe="")
                register_secret(encoded)
                return encoded
            return secret

        return _ENV_REF.sub(lookup, value)
    if isinstance(value, list):
        return [_expand_env(v, quote) for v in value]
    if isinstance(value, dict):
        return {k: _expand_env(v, quote) for k, v in value.items()}
    return value


_FEED_PATH = re.compile(r"all|hearings/open|(sources|topics|ministries)/([a-z0-9][a-z0-9_.-]*)")


def _feed_path_problem(feed: str, source_ids: set[str], topic_ids: set[str]) -> str | None:
    """Why a subscription's feed is not one the output folder can hold, or None."""
    match = _FEED_PATH.fullmatch(feed)
    if not match or feed.endswith(".atom"):
        return (f'must be "all" or a feed path without .atom, as in the output folder: '
                f'"sources/<id>", "topics/<id>", "ministries/<abbr>" or "hearings/open"; got {feed!r}')
    folder, name = match.groups()
    if folder == "sources" and name not in source_ids:
        return f"no [[sources]] has id {name!r} (known: {', '.join(sorted(source_ids))})"
    if folder == "topics" and name not in topic_ids:
        known = ", ".join(sorted(topic_ids)) or "none"
        return (f"no [[topics]] has id {name!r} and no source gives it (known: {known}); to follow a topic the "
                f'site gives its items, add [[topics]] id = "{name}"')
    if folder == "ministries":
        from .normalize import ministries

        if name not in ministries():
            return f"unknown ministry {name!r}; use regjeringen.no's abbreviation (aid, jd, kdd, …)"
    return None


def _events_problem(sub: dict) -> tuple[str, str] | None:
    """(key, reason) when a subscription's hearing keys cannot take effect as written, else None."""
    if sub["remind_days"] is not None and "reminder" not in sub["events"]:
        return "remind_days", 'reminders are sent only with "reminder" in events: add it, or drop remind_days'
    if sub["respondents"] and "updated" not in sub["events"]:
        return "respondents", 'answers are news only with "updated" in events: add it, or drop respondents'
    if sub["mode"] == "digest" and "new" not in sub["events"]:
        return "events", 'a digest collects new items: keep "new" in events (updates and reminders are sent at once)'
    return None


def apprise_url_problem(url: str) -> str | None:
    """Why Apprise cannot use a notification URL (named without its secrets), or None."""
    import apprise  # here, not at the top: only configurations with notifications pay for loading its plugins

    apprise_log = logging.getLogger("apprise")
    disabled, apprise_log.disabled = apprise_log.disabled, True  # its own message would show part of the password
    try:
        usable = apprise.Apprise().add(url)
    finally:
        apprise_log.disabled = disabled
    if usable:
        return None
    return (f"Apprise cannot use {redact(url)}: check the scheme (mailtos://, json://, slack://, …) and the parts it "
            "requires (see https://github.com/caronc/apprise/wiki)")


def redact(url: str) -> str:
    """A notification URL fit for logs and `status` (see redact.hide)."""
    return hide(url)
