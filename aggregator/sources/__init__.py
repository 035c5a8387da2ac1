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

from ..http import FetchError, PoliteClient, Response
from ..records import SourceError


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


def meta_tags(tree) -> dict[str, str]:
    """A page's `<meta content>` values by lower-cased name, property or itemprop; the first of a name wins."""
    found: dict[str, str] = {}
    for node in tree.css("meta[content]"):
        key = node.attributes.get("name") or node.attributes.get("property") or node.attributes.get("itemprop")
        if key:
            found.setdefault(key.strip().lower(), node.attributes.get("content") or "")
    return found


def fetcher(kind: str):
    """The fetch function of a source kind ("feed", "regjeringen", "ks")."""
    return importlib.import_module(f"{__name__}.{kind}").fetch


def get_subscribed_feed(url: str, ctx: SourceContext, what: str = "feed") -> Response | None:
    """GET a feed the user subscribed to, or None when it is unchanged (304). Raises SourceError.

    A configured feed is fetched on the user's behalf, as a feed reader does, so robots.txt is not
    consulted; the request is conditional, so an unchanged feed costs one 304.
    """
    try:
        response = ctx.http.get(url, check_robots=False, conditional=True)
    except FetchError as error:
        raise SourceError(f"{what} {url}: {error.reason}") from None
    return None if response.not_modified else response
