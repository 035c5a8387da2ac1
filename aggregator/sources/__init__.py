"""Source kinds: each module turns one configured source into Records.

Every kind exposes `fetch(source: SourceConfig, ctx: SourceContext) -> FetchResult`; parsing is done
by pure functions of (URL, bytes or text) inside the module, so most tests need no server.
A source raises SourceError when it cannot be read at all; problems with single items are warnings.

A source writes nothing: it reads its own committed history through the context (what it saw before,
the validators of its last answers, whether an article page is due) and hands back everything it
learnt in its FetchResult, which the pipeline commits in one transaction.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from .. import merge
from ..records import FetchResult, Item, Record, SourceError

if TYPE_CHECKING:  # the client and feedparser are loaded when a source is fetched, not when a config is read
    from ..http import PoliteClient, Response

T = TypeVar("T")


@dataclass
class SourceContext:
    """What a source may use: the one HTTP client, and read-only views of its own committed history.

    `observed(item_id)`: this source's last committed view of a document (None: never seen by this source).
    `validators(url)`: (ETag, Last-Modified) of this source's last committed answer from that URL.
    `article_state(item_id)`: the document's article-page attempts (None: never tried).
    `stored(item_id)`: the document as the store holds it now, merged from every source (None: not stored).
    `followed(read_before)`: the hearings this source has observed that may still change, last read before then
    (hearings.follow decides which are due).
    `articles_due()`: this source's documents whose article page failed and may be tried again in this run.
    `run`: the number of this fetching run (article-page retries are spaced in runs).
    `backfill`: walk every page up to `max_pages`, even pages this source has seen.
    `max_pages`: how many listing pages to read at most, where the run says (a backfill); else the source's option.
    `now`: when this fetch began (a followed hearing is read again when its last reading is old enough).
    `resume_walk`: the last fetch of this source was killed after committing batches: a listing walks on past the
    pages this source has seen (up to its max_pages), to reach the ones the killed run did not.
    `out_of_time()`: the run's time budget ([http] run_budget) is spent: no more article pages this run.
    `checkpoint(result)`: called before each article page; commits what the fetch has so far when a batch is full.
    `hosts`: the hosts the source's pages may be read from (its URL's, and its kind's site): an article or hearing
    page, or a redirect, anywhere else is not read (http's OffsiteURL / OffsiteRedirect), so nothing from there is
    stored.
    """

    http: PoliteClient
    source_id: str = ""
    observed: Callable[[str], Record | None] = lambda item_id: None
    validators: Callable[[str], tuple[str | None, str | None]] = lambda url: (None, None)
    article_state: Callable[[str], dict | None] = lambda item_id: None
    stored: Callable[[str], Item | None] = lambda item_id: None
    followed: Callable[[datetime], list[Item]] = lambda read_before: []
    articles_due: Callable[[], list[Item]] = lambda: []
    run: int = 0
    backfill: bool = False
    max_pages: int | None = None
    resume_walk: bool = False
    out_of_time: Callable[[], bool] = lambda: False
    checkpoint: Callable[[FetchResult], None] = lambda result: None
    hosts: frozenset[str] = frozenset()
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("aggregator.sources"))

    def seen(self, item_id: str) -> bool:
        """Whether this source (not another one) has committed this document before."""
        return self.observed(item_id) is not None

    def needs_article(self, record: Record) -> bool:
        """Whether the document's article page is to be read now (merge.needs_article decides)."""
        return merge.needs_article(self.observed(record.id), record, self.article_state(record.id), self.run)


def meta_tags(tree) -> dict[str, str]:
    """A page's `<meta content>` values by lower-cased name, property or itemprop; the first of a name wins."""
    found: dict[str, str] = {}
    for node in tree.css("meta[content]"):
        key = node.attributes.get("name") or node.attributes.get("property") or node.attributes.get("itemprop")
        if key:
            found.setdefault(key.strip().lower(), node.attributes.get("content") or "")
    return found


def get_subscribed_feed(url: str, ctx: SourceContext, result: FetchResult, what: str = "feed",
                        site_only: bool = False) -> Response | None:
    """GET a feed the user subscribed to, or None when it is unchanged (304). Raises SourceError.

    A configured feed is fetched on the user's behalf, as a feed reader does, so robots.txt is not
    consulted. The request is conditional on this source's own last committed answer, so an unchanged
    feed costs one 304; the new answer's validators go into the result, committed with its items. `site_only`: a
    site's own feed, which may redirect only within the source's hosts (a feed one subscribed to anywhere may move).
    """
    from ..http import FetchError

    try:
        response = ctx.http.get(url, check_robots=False, validators=ctx.validators(url),
                                hosts=(ctx.hosts or None) if site_only else None)
    except FetchError as error:
        raise SourceError(f"{what} {url}: {error.reason}") from None
    if response.not_modified:
        return None
    result.validators[url] = response.validators
    return response


# A character reference to a lone UTF-16 surrogate (&#xD800;) is no character at all; feedparser fails the
# whole document on one, so it becomes U+FFFD (the replacement character) before parsing.
_SURROGATE_REFS = re.compile(rb"&#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}|0*5[5-7][0-9]{3});")


def _surrogate_free(content: bytes) -> bytes:
    def replace(match: re.Match) -> bytes:
        text = match.group(0)[2:-1].decode("ascii")
        number = int(text[1:], 16) if text[:1] in "xX" else int(text)
        return b"&#xFFFD;" if 0xD800 <= number <= 0xDFFF else match.group(0)
    return _SURROGATE_REFS.sub(replace, content)


def parse_feed_document(url: str, content: bytes, headers: dict | None = None, what: str = "feed"):
    """feedparser's reading of an RSS or Atom document. Raises SourceError when it is no feed at all
    (an empty answer included), with a reason a user can read."""
    import feedparser

    parsed = feedparser.parse(_surrogate_free(content), response_headers=headers or {})
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        reason = parsed.get("bozo_exception") or ("an empty answer" if not content.strip() else "no feed elements")
        raise SourceError(f"{what} {url}: not an RSS or Atom feed ({reason})")
    return parsed


def each_item(entries: Iterable[T], build: Callable[[T], Record | None], warnings: list[str],
              describe: Callable[[T], str]) -> list[Record]:
    """Build a record from each entry; an entry that cannot be read is a warning naming it, and the
    source goes on with the others (one bad link or date must not cost the other items)."""
    records = []
    for entry in entries:
        try:
            record = build(entry)
        except Exception as error:  # any surprise in one entry is that entry's problem
            warnings.append(f"skipped {describe(entry)}: {error.__class__.__name__}: {error}")
            continue
        if record is not None:
            records.append(record)
    return records


def read_article(record: Record, ctx: SourceContext, result: FetchResult,
                 parse: Callable[[str, str], Record]) -> Record | None:
    """Read a document's article page into `result.articles`; a failure goes to `result.article_failures`
    (retried on a later run) and is a warning, never the source's failure. When the run's time budget is spent, the
    page is left for the next run (`result.article_pending`)."""
    from ..http import FetchError

    if ctx.out_of_time():
        result.article_pending[record.id] = record.link
        return None
    ctx.checkpoint(result)
    try:
        response = ctx.http.get(record.link, check_robots=True, hosts=ctx.hosts or None)
        article = dataclasses.replace(parse(response.url, response.text), id=record.id)
    except FetchError as error:  # RobotsDisallowed included: not crawling it is no failure of the source
        reason = error.reason
    except Exception as error:  # a page we cannot parse is this item's problem, not the source's
        ctx.log.debug("article %s crashed the parser", record.link, exc_info=True)
        reason = f"could not be parsed ({error.__class__.__name__}: {error})"
    else:
        result.articles[record.id] = article
        return article
    result.article_failures[record.id] = (record.link, reason)
    result.warnings.append(f"article page {record.link}: {reason}; the item keeps what the listing gave "
                           "(tried again on a later run)")
    return None


# The longest title and summary an item keeps: real ones are far shorter (the longest hearing titles are ~300
# characters); a page that gives megabytes of "title" must not make every feed and index.html megabytes too.
MAX_TITLE, MAX_SUMMARY = 500, 5000


def bound_texts(result: FetchResult) -> None:
    """Cut every title and summary a fetch gave to MAX_TITLE and MAX_SUMMARY characters, at a word where one is near,
    with "…"; each cut is a warning naming the item."""
    for record in [*result.records, *result.articles.values()]:
        for name, limit in (("title", MAX_TITLE), ("summary", MAX_SUMMARY)):
            text = getattr(record, name)
            if len(text) > limit:
                setattr(record, name, cut(text, limit))
                result.warnings.append(f"{record.link}: its {name} has {len(text)} characters; kept the first {limit}")


def cut(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, ending in "…", cut after a word where one ends in its last fifth."""
    head = text[:limit - 1]
    word_end = head.rfind(" ")
    return (head[:word_end] if word_end > limit * 0.8 else head).rstrip() + "…"


__all__ = ["MAX_SUMMARY", "MAX_TITLE", "SourceContext", "SourceError", "bound_texts", "cut", "each_item",
           "get_subscribed_feed", "meta_tags", "parse_feed_document", "read_article"]
