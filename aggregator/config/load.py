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
from ..words import default_title
from .model import Config, ConfigError, NotifyConfig, SourceConfig, SubscriptionConfig, TopicConfig
from .subscriptions import check_subscriptions


def _kind(value: Any) -> str:
    from ..kinds import get_kind

    get_kind(checks.string(value))  # raises ValueError (UnknownKind) with the reason
    return value


REQUIRED = object()

# Each section's keys: name -> (check, default).
SCHEMA: dict[str, dict[str, tuple]] = {
    "storage": {
        "database": (checks.nonempty_str, "data/aggregator.db"),
        "keep_days": (checks.whole(1, 36_500), None),  # None: keep everything
    },
    "output": {
        "directory": (checks.nonempty_str, "feeds"),
        "base_url": (checks.http_url, "https://feeds.example.org/"),
        "max_entries": (checks.whole(1, 100_000), 100),
        "title": (checks.nonempty_str, None),  # None: words.default_title in `language`
        "language": (checks.one_of("nb", "nn", "en"), "nb"),
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
        "unsubscribe": (checks.unsubscribe, []),
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
        "schedule": (checks.one_of("daily", "weekly", "workdays"), "daily"),
        "digest_day": (checks.weekday, None),
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
    """Read and check a config file; relative paths in it are relative to the file's folder. Raises ConfigError
    with the first mistake (its `problems` hold every one: `aggregator check` prints them all)."""
    path = config_path(path)
    return parse_config(_read(path), path, _text(path))


def check_config(path: str | os.PathLike | None = None) -> list[str]:
    """Every mistake in a config file, each naming the file, its line, the entry's id, the key and the reason."""
    try:
        load_config(path)
    except ConfigError as error:
        return error.problems
    return []


def _text(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found (give one with --config or $AGGREGATOR_CONFIG)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(_text(path))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def parse_config(raw: dict, path: Path, text: str | None = None) -> Config:
    """Check a parsed TOML document and build the Config; raises ConfigError naming the first mistake, with every
    mistake in its `problems` (with `text`, the file's, each is placed on its line)."""
    found: list[tuple[str, str]] = []

    def fail(key: str, reason: str) -> ConfigError:
        found.append((key, reason))
        return ConfigError(key)

    for name in sorted(set(raw) - set(TABLES) - set(ARRAYS)):
        fail(name, f"unknown section; known: {', '.join(TABLES + ARRAYS)}")
    tables = {name: _section(name, raw.get(name, {}), name, fail) for name in TABLES}
    arrays = {name: _array(name, raw.get(name, []), fail) for name in ARRAYS}
    if isinstance(raw.get("sources", []), list) and not raw.get("sources"):
        fail("sources", "no [[sources]] configured: there is nothing to fetch")
    check_subscriptions(raw, arrays, tables["notify"], fail)
    if found:
        raise _problems(path, raw, text, found)
    return _build(path, tables, arrays)


def _problems(path: Path, raw: dict, text: str | None, found: list[tuple[str, str]]) -> ConfigError:
    """One ConfigError: the first mistake as its message, every mistake (placed on its line) in `problems`."""
    from .lines import layout, place  # here: only a file with mistakes needs its lines found

    where = layout(text or "")
    messages = []
    for key, reason in found:
        line, name = place(key, raw, where)
        # never print a value that came from ${…}
        messages.append(hide(f"{path}:{line}: {name}: {reason}" if line else f"{path}: {name}: {reason}"))
    more = len(messages) - 1
    first = messages[0] + (f" (and {more} more: `aggregator check` lists them all)" if more else "")
    return ConfigError(first, messages)


def _array(name: str, entries: Any, fail: Fail) -> list[dict]:
    if not isinstance(entries, list):
        fail(name, f"must be an array of tables ([[{name}]])")
        return []
    checked = [_section(name, entry, f"{name}[{i}]", fail) for i, entry in enumerate(entries)]
    seen: set[str] = set()
    for i, entry in enumerate(checked):
        if entry.get("id") is None:
            continue
        if entry["id"] in seen:
            fail(f"{name}[{i}].id", f"duplicate id {entry['id']!r}")
        seen.add(entry["id"])
    return checked


def _section(name: str, value: Any, where: str, fail: Fail) -> dict:
    """One table's keys checked, defaults filled in (a key with a mistake gets its default, or None); a source's kind
    options too. Every mistake goes to `fail`."""
    schema = SCHEMA[name]
    if not isinstance(value, dict):
        fail(where, "must be a table")
        return {key: (None if default is REQUIRED else default) for key, (_, default) in schema.items()} | {"options": {}}
    kind_ok = True
    if name == "sources" and "kind" in value:  # a kind that cannot be loaded: its options cannot be checked
        try:
            _kind(value["kind"])
        except ValueError as error:
            fail(f"{where}.kind", str(error))
            kind_ok = False
    extra = sorted(set(value) - set(schema))
    if name == "sources":
        extra = [key for key in extra if key not in _kind_option_names(value.get("kind"))] if kind_ok else []
    for key in extra:
        if name == "sources" and (owners := _option_owners(key)):
            fail(f"{where}.{key}", f"only {' and '.join(owners)} sources have {key}; this source is {value.get('kind')!r}")
        else:
            fail(f"{where}.{key}", f"unknown key; known: {', '.join(schema)}")
    checked: dict[str, Any] = {}
    for key, (check, default) in schema.items():
        checked[key] = None if default is REQUIRED else default
        if key not in value:
            if default is REQUIRED:
                fail(f"{where}.{key}", "is required")
            continue
        if key == "kind" and not kind_ok:
            continue
        try:
            checked[key] = check(_expand_env(value[key], quote=key in _URL_KEYS))
        except ValueError as error:
            fail(f"{where}.{key}", str(error))
    if name == "sources":
        checked["options"] = _kind_options(checked["kind"], value, where, fail) if checked["kind"] else {}
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
        title=output["title"] or default_title(output["language"]),
        language=output["language"],
        own_title=output["title"] is not None,
        keep_days=tables["storage"]["keep_days"],
        http=HttpSettings(http["user_agent"], http["timeout"], http["min_delay"], http["retries"], http["run_budget"]),
        sources=[SourceConfig(id=s["id"], kind=s["kind"], url=s["url"], title=s["title"], topics=s["topics"],
                              options=s["options"]) for s in arrays["sources"]],
        topics=[TopicConfig(**t) for t in arrays["topics"]],
        subscriptions=[SubscriptionConfig(**s) for s in arrays["subscriptions"]],
        notify=NotifyConfig(notify["digest_time"], notify["batch_over"], notify["admin_urls"], base / notify["templates"],
                            notify["unsubscribe"]),
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
        options[option.name] = option.default
        if option.name in value:
            try:
                options[option.name] = option.check(_expand_env(value[option.name]))
            except ValueError as error:
                fail(f"{where}.{option.name}", str(error))
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
