"""One exchange with a server: the request and each redirect hop checked before it is made (a source's hosts, no
private addresses), the answer judged by its status and read within limits, the whole of it bounded in time.

Redirects are followed here, not by httpx: httpx reads each redirect's body whole, and would ask a hop's host
before anyone could say no.
"""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import ssl
import threading
from collections.abc import Callable, Collection
from typing import TypeVar
from urllib.parse import urlsplit

from ..http_settings import HttpSettings
from ._load import httpx
from .addresses import AddressGuard, OffsiteRedirect, host_name, offsite
from .body import CHALLENGE_BYTES, is_challenge, read_body, read_head
from .decoding import Response, parse_retry_after
from .errors import FetchError, HostUnreachable, Retryable

MAX_REDIRECTS = 10
T = TypeVar("T")


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context per process: building one (and loading the CA bundle) costs ~20 ms, and every client,
    also one made afresh after an abandoned request, can share it."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def new_client(settings: HttpSettings, transport: httpx.BaseTransport | None) -> httpx.Client:
    return httpx.Client(
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=settings.timeout,
        follow_redirects=False,  # followed hop by hop in `exchange`
        transport=transport,
        verify=_tls_context(),
    )


class Overrun(FetchError):
    """The exchange took longer than its whole allowance; its connection was abandoned."""


class _Helper:
    """A thread that runs exchanges one after another for `bounded`: starting a thread for every request costs more
    than the request's own work on a fast server (a backfill makes thousands). One that overruns is dropped: it ends
    after that exchange, and the next one gets a new helper."""

    def __init__(self) -> None:
        self.tasks: queue.SimpleQueue = queue.SimpleQueue()
        self.dropped = False
        threading.Thread(target=self._serve, name="aggregator HTTP exchange", daemon=True).start()

    def _serve(self) -> None:
        while not self.dropped:
            call, outcome, done = self.tasks.get()
            try:
                outcome["value"] = call()
            except BaseException as error:  # handed to the caller's thread as it is
                outcome["error"] = error
            finally:
                done.set()


_idle_helpers: list[_Helper] = []
_helpers_lock = threading.Lock()


def _forget_helpers() -> None:
    """In a forked child: the parent's helper threads did not come along (a warm process forks runs)."""
    global _helpers_lock
    _idle_helpers.clear()
    _helpers_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_helpers)


def bounded(call: Callable[[], T], seconds: float, url: str) -> T:
    """`call()`, given at most `seconds`: httpx's timeout is per read, so a server sending a byte a second would hold
    the run (and the store's lock) for ever. It runs in a helper thread; one that overruns is abandoned (raises
    Overrun, and the caller drops the httpx client whose connection it holds)."""
    with _helpers_lock:
        helper = _idle_helpers.pop() if _idle_helpers else None
    helper = helper or _Helper()
    outcome: dict = {}
    done = threading.Event()
    helper.tasks.put((call, outcome, done))
    if not done.wait(seconds):
        helper.dropped = True
        raise Overrun(url, f"no complete answer within {seconds:g} s (a server sending very slowly?)")
    with _helpers_lock:
        _idle_helpers.append(helper)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def exchange(client: httpx.Client, url: str, headers: dict[str, str], *, hosts: Collection[str] | None,
             guard: AddressGuard, timeout: float) -> Response:
    """GET `url`, following redirects that stay on `hosts` and off private addresses. Raises FetchError (Retryable
    for what asking again may mend)."""
    request = client.build_request("GET", url, headers=headers)
    try:
        for hop in range(MAX_REDIRECTS + 1):
            _check_hop(url, request.url, hosts if hop else None, guard, via=url if hop else None)
            raw = client.send(request, stream=True)
            try:
                guard.check_peer(request.url, raw)
                if raw.next_request is None:
                    return _answer(raw, url)
                request = raw.next_request
            finally:
                raw.close()
    except httpx.TimeoutException:
        raise Retryable(f"timed out after {timeout:g} s", timed_out=True) from None
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
        # a link or redirect to ftp:, file:, or a URL that cannot be requested: asking again will not help
        raise FetchError(url, f"cannot be requested: {error}") from None
    except httpx.ConnectError as error:
        # no route, no DNS, nothing listening: asking again at once will not help, nor asking for its other pages
        reason = f"cannot reach {host_name(request.url) or url} (no network or DNS?): {error}"
        raise HostUnreachable(url, reason, host=urlsplit(str(request.url)).netloc.lower()) from None
    except (httpx.TransportError, httpx.DecodingError) as error:
        # includes bodies cut short (fewer bytes than Content-Length) and connections reset
        raise Retryable(f"network error: {error.__class__.__name__}: {error}") from None
    raise FetchError(url, "too many redirects (a redirect loop?)")


def _check_hop(url: str, target: httpx.URL, hosts: Collection[str] | None, guard: AddressGuard, via: str | None) -> None:
    if offsite(target, hosts):
        allowed = ", ".join(sorted(hosts or ()))
        raise OffsiteRedirect(url, f"redirected to {target}, which is not on this source's hosts ({allowed}); "
                                   "not followed, nothing read from there", target=str(target))
    guard.check(target, via=via)


def _drain_small(raw: httpx.Response) -> None:
    """Read a refusal's body when it says it is small (a 404 page), so that its connection serves the next request
    instead of being closed and opened anew for each page; a larger or unknown one is never read."""
    length = raw.headers.get("content-length", "")
    if length.isdigit() and int(length) <= CHALLENGE_BYTES and not raw.is_closed:
        with contextlib.suppress(httpx.TransportError, httpx.DecodingError):  # then it is dropped, as before
            read_head(raw, CHALLENGE_BYTES)


def _answer(raw: httpx.Response, url: str) -> Response:
    status = raw.status_code
    if status == 429 or status >= 500:
        raise Retryable(f"HTTP {status}", parse_retry_after(raw.headers.get("retry-after")), status)
    if status == 304:
        return Response(str(raw.url), 304, b"", dict(raw.headers), not_modified=True)
    if status == 403 and is_challenge(raw):
        raise FetchError(url, "HTTP 403: a bot check (Cloudflare challenge) that only a browser passes; "
                              "the site's RSS feeds usually stay open", 403, challenge=True)
    if status >= 400:
        _drain_small(raw)
        raise FetchError(url, f"HTTP {status} {raw.reason_phrase}".strip(), status)
    content = read_body(raw, url)
    return Response(str(raw.url), status, content, {k.lower(): v for k, v in raw.headers.items()})
