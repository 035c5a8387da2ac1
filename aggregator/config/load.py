"""Read config.toml and check every key: the generic ones here, a source's options by its kind's declaration
(kinds.py), subscriptions in subscriptions.py. A mistake is a ConfigError naming the file, the key and the reason."""

from __future__ import annotations

import os
import re
import tomllib
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import checks
from ..http_settings import DEFAULT_USER_AGENT, HttpSettings
from ..redact import hide, register_secret
from ..words import DEFAULT_TITLE
from .model import Config, ConfigError, NotifyConfig, SourceConfig, SubscriptionConfig, TopicConfig
from .subscriptions import check_subscriptions


def _kind(value: Any) -> str:
    from ..kinds import get_kind

    get_kind(checks.string(value))  # raises ValueError (UnknownKind) with the reason
    return value


REQUIRED = object()

# Each section's keys: name -> (check, default).
SCHEMA: dict[str, dict[str, tuple]] = {
    "storage": {"database": (checks.nonempty_str, "data/aggregator.db")},
    "output": {
        "directory": (checks.nonempty_str, "feeds"),
        "base_url": (checks.http_url, "https://feeds.example.org/"),
        "max_entries": (checks.whole(1, 100_000), 100),
        "title": (checks.nonempty_str, DEFAULT_TITLE),
    },
    "http": {
        "user_agent": (checks.one_line, DEFAULT_USER_AGENT),
        "timeout": (checks.number(0, 300, above_lowest=True), 20.0),
        "min_delay": (checks.number(0, 300), 1.5),
        "retries": (checks.whole(0, 10), 3),
        "run_budget": (checks.number(1, 86_400), 1500.0),
    },
    "notify": {
        "digest_time": (checks.clock, "07:00"),
        "batch_over": (checks.whole(1, 100_000), 10),
        "admin_urls": (checks.str_list, []),
        "templates": (checks.nonempty_str, "notifiers"),
    },
    "sources": {
        "id": (checks.ident, REQUIRED),
        "kind": (_kind, REQUIRED),
        "url": (checks.http_url, REQUIRED),
        "title": (checks.nonempty_str, None),
        "topics": (checks.ident_list, []),
        # and the options the source's kind declares (kinds.py): checked in _kind_options
    },
    "topics": {
        "id": (checks.ident, REQUIRED),
        "title": (checks.nonempty_str, None),
        "document_types": (checks.str_list, []),
        "keywords": (checks.keywords, []),
    },
    "subscriptions": {
        "id": (checks.ident, REQUIRED),
        "urls": (checks.str_list, REQUIRED),
        "feeds": (checks.str_list, ["all"]),
        "mode": (checks.one_of("instant", "digest"), "instant"),
        "schedule": (checks.one_of("daily", "weekly"), "daily"),
        "keywords": (checks.keywords, []),
        "events": (checks.events, ["new"]),
        "remind_days": (checks.day_counts, None),
        "recipients": (checks.names, []),
        "respondents": (checks.names, []),
    },
}
TABLES = ("storage", "output", "http", "notify")
ARRAYS = ("sources", "topics", "subscriptions")
# Keys whose values are Apprise URLs: a secret put into one is percent-encoded, so that a password holding
# "@ / # ?" or a space stays a password (Apprise decodes it) instead of changing the host it is sent to.
_URL_KEYS = {"urls", "admin_urls"}
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")

Fail = Callable[[str, str], ConfigError]


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
    tables = {name: _section(name, raw.get(name, {}), name, fail) for name in TABLES}
    arrays = {name: _array(name, raw.get(name, []), fail) for name in ARRAYS}
    if not arrays["sources"]:
        raise fail("sources", "no [[sources]] configured: there is nothing to fetch")
    check_subscriptions(raw, arrays, tables["notify"], fail)
    return _build(path, tables, arrays)


def _array(name: str, entries: Any, fail: Fail) -> list[dict]:
    if not isinstance(entries, list):
        raise fail(name, f"must be an array of tables ([[{name}]])")
    checked = [_section(name, entry, f"{name}[{i}]", fail) for i, entry in enumerate(entries)]
    seen: set[str] = set()
    for i, entry in enumerate(checked):
        if entry["id"] in seen:
            raise fail(f"{name}[{i}].id", f"duplicate id {entry['id']!r}")
        seen.add(entry["id"])
    return checked


def _section(name: str, value: Any, where: str, fail: Fail) -> dict:
    """One table's keys checked, defaults filled in; a source's kind options too."""
    if not isinstance(value, dict):
        raise fail(where, "must be a table")
    schema = SCHEMA[name]
    if name == "sources" and "kind" in value:  # a kind that cannot be loaded is the mistake to name first
        try:
            _kind(value["kind"])
        except ValueError as error:
            raise fail(f"{where}.kind", str(error)) from None
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


def _build(path: Path, tables: dict[str, dict], arrays: dict[str, list[dict]]) -> Config:
    base = path.parent
    http, output, notify = tables["http"], tables["output"], tables["notify"]
    return Config(
        path=path,
        database=base / tables["storage"]["database"],
        output_dir=base / output["directory"],
        base_url=output["base_url"] if output["base_url"].endswith("/") else output["base_url"] + "/",
        max_entries=output["max_entries"],
        title=output["title"],
        http=HttpSettings(http["user_agent"], http["timeout"], http["min_delay"], http["retries"], http["run_budget"]),
        sources=[SourceConfig(id=s["id"], kind=s["kind"], url=s["url"], title=s["title"], topics=s["topics"],
                              options=s["options"]) for s in arrays["sources"]],
        topics=[TopicConfig(**t) for t in arrays["topics"]],
        subscriptions=[SubscriptionConfig(**s) for s in arrays["subscriptions"]],
        notify=NotifyConfig(notify["digest_time"], notify["batch_over"], notify["admin_urls"], base / notify["templates"]),
    )


def _kind_option_names(kind: Any) -> set[str]:
    from ..kinds import UnknownKind, get_kind

    try:
        return {option.name for option in get_kind(kind).all_options}
    except UnknownKind:
        return set()


def _option_owners(key: str) -> list[str]:
    from ..kinds import option_owners

    return option_owners(key)


def _kind_options(kind: str, value: dict, where: str, fail: Fail) -> dict[str, Any]:
    """The options a source's kind declares, each checked (or its default)."""
    from ..kinds import get_kind

    options = {}
    for option in get_kind(kind).all_options:
        if option.name not in value:
            options[option.name] = option.default
            continue
        try:
            options[option.name] = option.check(_expand_env(value[option.name]))
        except ValueError as error:
            raise fail(f"{where}.{option.name}", str(error)) from None
    return options


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
