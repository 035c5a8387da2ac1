"""Reading data.stortinget.no: the sessions, each session's hearings (every run), and a followed hearing's written
input and its cases' publications (through the re-read hook, on its refresh interval). See the kind's documentation
in __init__.py."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ...hearings import Document, Hearing, hearing_of, put
from ...http import FetchError
from ...normalize import oslo_day, stortinget_ids
from ...records import FetchResult, Item, Record, SourceError
from .. import SourceContext
from .parse import current_session, parse_case_documents, parse_hearings, parse_inputs, session_on, sessions_to_read

if TYPE_CHECKING:
    from ...config import SourceConfig

OUTAGE = ("data.stortinget.no has answered 500 for every session for days at a time; the hearings stored stay as "
          "they are, and the next run asks again")


def api_url(source_url: str, endpoint: str, **params: str) -> str:
    """An endpoint of the API beside the configured one (`…/eksport/horinger` → `…/eksport/sak?sakid=1&format=json`),
    asking for JSON."""
    parts = urlsplit(source_url)
    folder = parts.path.rstrip("/").rsplit("/", 1)[0]
    return urlunsplit((parts.scheme, parts.netloc, f"{folder}/{endpoint}", urlencode([*params.items(), ("format", "json")]),
                       ""))


def _get(url: str, ctx: SourceContext) -> bytes:
    """An answer of the API. Raises FetchError. (An interface for programs, like a feed: no robots.txt.)"""
    return ctx.http.get(url, check_robots=False, hosts=ctx.hosts or None).content


def _reason(error: FetchError | SourceError, url: str) -> str:
    """What went wrong, without the URL the message names anyway."""
    return error.reason if isinstance(error, FetchError) else str(error).removeprefix(f"{url}: ")


def fetch(source: SourceConfig, ctx: SourceContext) -> FetchResult:
    """Every hearing of the sessions to read (of the configured committees). Raises SourceError when a session's
    list cannot be read: a failed source commits nothing, so the stored hearings stay as they are."""
    result = FetchResult()
    seen: set[str] = set()
    for session in _sessions(source, ctx, result):
        url = api_url(source.url, "horinger", sesjonid=session)
        try:
            content = _get(url, ctx)
        except FetchError as error:
            outage = f"; {OUTAGE}" if error.status is not None and error.status >= 500 else ""
            raise SourceError(f"Stortinget's hearings {url}: {error.reason}{outage}") from None
        for record in parse_hearings(url, content, ctx.now, source.options.get("committees"), result.warnings):
            if record.id not in seen:
                seen.add(record.id)
                result.records.append(record)
    return result


def _sessions(source: SourceConfig, ctx: SourceContext, result: FetchResult) -> list[str]:
    """The session a `sesjonid` in the URL pins, else the API's current one and, around the change, its
    neighbours (parse.sessions_to_read); the calendar's when the API cannot say."""
    pinned = dict(parse_qsl(urlsplit(source.url).query)).get("sesjonid")
    if pinned:
        return [pinned]
    today = oslo_day(ctx.now)
    url = api_url(source.url, "sesjoner")
    try:
        current = current_session(url, _get(url, ctx))
    except (FetchError, SourceError) as error:
        result.warnings.append(f"sessions {url}: {_reason(error, url)}; read the session by the calendar "
                               f"({session_on(today)})")
        current = None
    return sessions_to_read(current, today)


def reread(source: SourceConfig, ctx: SourceContext, item: Item, result: FetchResult) -> None:
    """A followed hearing's written input and its cases' regjeringen.no documents, as its "#article" observation.
    Input that cannot be read is a failure of this reading (tried again later; the input read before is kept); a
    case that cannot be read leaves the documents as they were."""
    hearing_id, _ = stortinget_ids(item["link"])
    if hearing_id is None:
        return
    url = api_url(source.url, "horingsinnspill", horingid=hearing_id)
    try:
        responses = parse_inputs(url, _get(url, ctx))
    except (FetchError, SourceError) as error:
        reason = _reason(error, url)
        result.article_failures[item["id"]] = (url, reason)
        result.warnings.append(f"written input of hearing {hearing_id} ({url}): {reason}; kept the input read "
                               "before (tried again on a later run)")
        return
    record = Record(id=item["id"], link=url, title="")
    put(record.extra, Hearing(responses=responses, related=_related(source, ctx, _case_ids(item, result), result)))
    result.articles[item["id"]] = record


def _case_ids(item: Item, result: FetchResult) -> list[str]:
    """The hearing's cases as this fetch listed them, else as stored."""
    listed = next((r for r in result.records if r.id == item["id"]), None)
    hearing = hearing_of(listed) if listed is not None else hearing_of(item)
    return [case.id for case in (hearing.cases or [])] if hearing else []


def _related(source: SourceConfig, ctx: SourceContext, case_ids: list[str], result: FetchResult) -> list[Document] | None:
    """The regjeringen.no documents the cases' publications link; None (not known) when a case cannot be read."""
    found: dict[str, Document] = {}
    for case_id in case_ids:
        url = api_url(source.url, "sak", sakid=case_id)
        try:
            documents = parse_case_documents(url, _get(url, ctx))
        except (FetchError, SourceError) as error:
            reason = _reason(error, url)
            unknown = " (the API answers 500 for a case id it does not know)" if "HTTP 500" in reason else ""
            result.warnings.append(f"case {case_id} ({url}): {reason}{unknown}; its documents stay as read before")
            return None
        for document in documents:
            found.setdefault(document.url, document)
    return list(found.values())
