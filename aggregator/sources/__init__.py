"""Source kinds: each module turns one configured source into Records.

Every kind exposes `fetch(source: SourceConfig, ctx: SourceContext) -> FetchResult`; parsing is done
by pure functions of (URL, bytes or text) inside the module, so most tests need no server.
A source raises SourceError when it cannot be read at all; problems with single items are warnings.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from typing import Callable

from ..http import PoliteClient


@dataclass
class SourceContext:
    """What a source may use: the one HTTP client, and a look-up of what the store already holds.

    `known_item(item_id)` returns the stored item as a dict (keys as in store.items, lists decoded)
    or None; sources use it to stop paginating at known pages and to fetch article pages only for
    new or changed items.
    """

    http: PoliteClient
    known_item: Callable[[str], dict | None] = lambda item_id: None
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("aggregator.sources"))


def fetcher(kind: str):
    """The fetch function of a source kind ("feed", "regjeringen", "ks")."""
    return importlib.import_module(f"{__name__}.{kind}").fetch
