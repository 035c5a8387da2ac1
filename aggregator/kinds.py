"""Source kinds as plug-ins. A kind is one module that declares, as `KIND = SourceKind(...)`, its name, its
config options (check, default, help), who its items are credited to when they name no author, and its fetch;
the module's docstring is its user documentation. Config validation and `aggregator kinds` are built from these
declarations, so adding a kind (Stortinget, UDI, a municipality's news page) is adding one module.

A source's `kind` is a built-in name (feed, regjeringen, ks) or the dotted name of an importable module that
declares a KIND (for example a module of your own next to config.toml, on PYTHONPATH).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

BUILT_IN = ("feed", "regjeringen", "ks")


@dataclass(frozen=True)
class Option:
    """One config key a kind takes: `check` returns the value or raises ValueError with the reason."""

    name: str
    check: Callable[[Any], Any]
    default: Any
    help: str
    type: str = "string"


@dataclass(frozen=True)
class SourceKind:
    """What a source kind declares (see the module docstring)."""

    name: str
    fetch: Callable[..., Any]  # (SourceConfig, SourceContext) -> FetchResult
    options: tuple[Option, ...] = ()
    publisher: str | None = None  # credited when an item names no author and no ministry
    doc: str = ""
    extra: dict = field(default_factory=dict)

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)


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
