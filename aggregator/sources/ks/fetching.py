"""Fetching a ks.no topic page and the article pages of its new or changed teasers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...hearings import AnswerTo, answer_to, is_answer, put_answer
from ...http import FetchError
from ...records import FetchResult, Record, SourceError
from .. import SourceContext, read_article
from .listing import parse_listing

if TYPE_CHECKING:
    from ...config import SourceConfig


def fetch(source: SourceConfig, ctx: SourceContext) -> FetchResult:
    """Read the configured topic page (only that page: what "Les flere artikler" loads is not known)
    and the article pages of the items that need them (new ones, and ones whose teaser moved)."""
    # Not a conditional GET: a 304 would hide a layout change that the last run already reported.
    try:
        response = ctx.http.get(source.url, hosts=ctx.hosts or None)
    except FetchError as error:
        raise SourceError(f"ks.no page {source.url}: {error.reason}") from None
    result = FetchResult()
    result.records = parse_listing(response.url, response.text, source.options["selectors"], result.warnings)
    for record in result.records:
        if not ctx.needs_article(record):
            continue
        parse = lambda url, html, teaser=record: _article_record(teaser, url, html, source, result.warnings)  # noqa: E731
        failed = read_article(record, ctx, result, parse) is None and record.id in result.article_failures
        if failed and record.published is None and not ctx.seen(record.id):
            result.warnings[-1] += "; for now without a publication date"
    return result


def _article_record(teaser: Record, url: str, html: str, source: SourceConfig, warnings: list[str]) -> Record:
    """What an article page adds to its teaser, as the article page's observation (merge.py combines them).

    The teaser's title stands unless it is cut off; the ingress replaces the teaser's lead when it is
    longer; dates come from the article only (teasers rarely carry them).
    """
    from .article import parse_article  # here: only a run that reads an article page loads its parser

    facts = parse_article(url, html, source.options["selectors"])
    extra: dict = {}
    if is_answer(teaser):  # what the page says of the hearing answered: its links, and a reference the teaser lacks
        listed = answer_to(teaser)
        references = listed.references or ((facts.hearing_ref,) if facts.hearing_ref else ())
        put_answer(extra, AnswerTo(tuple(facts.hearing_links), references))
    updated = facts.updated if facts.updated and (facts.published is None or facts.updated > facts.published) else None
    cut_title = teaser.title.endswith(("…", "...")) and facts.title.startswith(teaser.title.rstrip(" .…"))
    if facts.published is None and teaser.published is None:
        facts.warnings.append(f"{teaser.link}: no publication date found on the article page, so the item has none "
                              "(if the page shows one, pin it with a date selector in [sources.selectors])")
    warnings.extend(facts.warnings)
    return Record(
        id=teaser.id, link=teaser.link,
        title=facts.title if cut_title else "",
        summary=facts.ingress if len(facts.ingress) > len(teaser.summary) else "",
        language=teaser.language, published=facts.published, updated=updated, extra=extra,
    )
