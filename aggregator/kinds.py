"""Source kinds as plug-ins. A kind is one module that declares, as `KIND = SourceKind(...)`, its name, its config
options (check, default, help), who its items are credited to when they name no author, the hosts of its site, its
fetch, and (a kind with hearings) how it reads one stored hearing again; the module's docstring is its user
documentation. Config validation and `aggregator kinds` are built from these declarations, so adding a kind
(Stortinget, UDI, a municipality's news page) is adding one module.

A source's `kind` is a built-in name (feed, regjeringen, ks, stortinget) or the dotted name of an importable module
that declares a KIND (for example a module of your own next to config.toml, on PYTHONPATH).

Loading a configuration reads the declarations only: a built-in kind names its fetch as "module:function", loaded
when a source of that kind is fetched, so that checking a config loads no HTTP client, feed parser or HTML parser.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import checks

BUILT_IN = ("feed", "regjeringen", "ks", "stortinget")
REFRESH_HOURS = 20.0  # how often a followed hearing is read again, by default


@dataclass(frozen=True)
class Option:
    """One config key a kind takes: `check` returns the value or raises ValueError with the reason."""

    name: str
    check: Callable[[Any], Any]
    default: Any
    help: str
    type: str = "string"


# Declared once, offered by every kind that reads hearings again (one with `reread`).
HEARING_REFRESH = Option("hearing_refresh_hours", checks.number(0, 24 * 366), REFRESH_HOURS,
                         "how often a followed hearing is read again (its page, its responses or input; hours; "
                         "0: every run)", "number")
MAX_PAGES = Option("max_pages", checks.whole(1, 10_000), 3,
                   "listings: how many pages a run reads at most (it stops at the first page this source has seen)",
                   "whole number")


@dataclass(frozen=True)
class SourceKind:
    """What a source kind declares (see the module docstring).

    `fetch(source, ctx) -> FetchResult` reads the source. `reread(source, ctx, item, result)`, where a kind has
    one, reads one stored document of the source again into `result` (its page as `result.articles[item id]`, or a
    failure in `result.article_failures`): a followed hearing that is due (hearings.follow decides which, and
    when), or a page whose earlier reading failed. Either may be given as "module:function", loaded on first use.
    `hosts`: the site's hosts; pages of other hosts are never read as the source's articles. `min_delay`: seconds
    between two requests to those hosts that the site's own limits ask for, where more than [http] min_delay.
    """

    name: str
    fetch: Callable[..., Any] | str
    options: tuple[Option, ...] = ()
    publisher: str | None = None  # credited when an item names no author and no ministry
    doc: str = ""
    hosts: tuple[str, ...] = ()
    reread: Callable[..., Any] | str | None = None
    min_delay: float = 0.0

    @property
    def all_options(self) -> tuple[Option, ...]:
        """The options a source of this kind takes: its own, and hearing_refresh_hours when it reads hearings again."""
        shared = (HEARING_REFRESH,) if self.reread and not self.option(HEARING_REFRESH.name, own=True) else ()
        return self.options + shared

    def option(self, name: str, own: bool = False) -> Option | None:
        return next((o for o in (self.options if own else self.all_options) if o.name == name), None)

    def fetcher(self) -> Callable[..., Any]:
        return _resolve(self.fetch)

    def rereader(self) -> Callable[..., Any] | None:
        return _resolve(self.reread) if self.reread else None


def _resolve(target: Callable[..., Any] | str) -> Callable[..., Any]:
    if callable(target):
        return target
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


class UnknownKind(ValueError):
    """No kind of that name (the message lists the known ones)."""


def module_name(kind: str) -> str:
    return f"aggregator.sources.{kind}" if kind in BUILT_IN else kind


def get_kind(kind: str) -> SourceKind:
    """The declaration of a kind, by built-in name or module name. Raises UnknownKind."""
    if not isinstance(kind, str) or not kind.strip():
        raise UnknownKind(f"must be one of {', '.join(BUILT_IN)}, or the module name of a kind of your own")
    try:
        module = importlib.import_module(module_name(kind))
    except ImportError as error:
        raise UnknownKind(f"must be one of {', '.join(BUILT_IN)}, or the module name of a kind of your own; "
                          f"got {kind!r} ({error})") from None
    declared = getattr(module, "KIND", None)
    if not isinstance(declared, SourceKind):
        raise UnknownKind(f"module {kind!r} declares no KIND = SourceKind(...), so it is no source kind")
    return declared


def built_in_kinds() -> list[SourceKind]:
    return [get_kind(name) for name in BUILT_IN]


def option_owners(name: str) -> list[str]:
    """The built-in kinds that take an option of this name (for a clear error when another kind is given it)."""
    return [kind.name for kind in built_in_kinds() if kind.option(name)]
