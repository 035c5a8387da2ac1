"""The polite client: honest User-Agent, robots.txt, one request at a time per host with a delay,
retries that honour Retry-After, conditional GET, a size limit and careful decoding."""

from __future__ import annotations

import functools
import logging
import ssl
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
from protego import Protego
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from ..http_settings import HttpSettings
from .body import is_challenge, read_body
from .decoding import Response, decode_body, parse_retry_after
from .errors import FetchError, Retryable, RobotsDisallowed

log = logging.getLogger(__name__)

# Seconds one request may spend waiting to be retried, Retry-After included: a server asking for longer gets its
# wish by us not asking that host again this run (cron runs again soon enough; a run must not hang for hours).
MAX_RETRY_WAIT = 60.0


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context per process: building one (and loading the CA bundle) costs ~20 ms, and every client,
    also one made afresh after an abandoned request, can share it."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())



class PoliteClient:
    """The project's HTTP client. Single-threaded on purpose: one request at a time, per host a pause."""

    def __init__(
        self,
        settings: HttpSettings | None = None,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ):
        self.settings = settings or HttpSettings()
        self._sleep = sleep
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, Protego | str | None] = {}
        self._transport = transport
        # Hosts not to ask again this run: no connection at all, or a server asking us to wait long.
        self._unreachable: dict[str, str] = {}
        self._client = self._new_client()
        # Watchers of the client's work (progress.Progress): told of each request and each politeness pause.
        self.on_request: Callable[[str], None] = lambda url: None
        self.on_wait: Callable[[str, float], None] = lambda host, seconds: None

    def _new_client(self) -> httpx.Client:
        return httpx.Client(
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=self.settings.timeout,
            follow_redirects=True,
            transport=self._transport,
            verify=_tls_context(),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ----------------------------------------------------------------------------------- robots.txt

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets this client's User-Agent crawl it (False while
        that robots.txt cannot be read)."""
        try:
            self._check_robots(url)
        except FetchError:
            return False
        return True

    def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        rules = self._robots[origin]
        if isinstance(rules, str):
            raise FetchError(url, f"{origin}/robots.txt could not be read ({rules}), so the site is not crawled until it can be")
        if rules is not None and not rules.can_fetch(url, self.settings.user_agent):
            raise RobotsDisallowed(url, "disallowed by the site's robots.txt, so it was not requested")

    def _load_robots(self, origin: str) -> Protego | str | None:
        """The host's rules; None when it has no robots.txt; the reason when it cannot be read.

        RFC 9309: a robots.txt that does not exist (4xx) allows everything; one that cannot be read
        (5xx, network) means "assume complete disallow" until it can.
        """
        try:
            response = self._request(f"{origin}/robots.txt", {})
        except FetchError as error:
            if error.status is not None and 400 <= error.status < 500:
                return None
            log.warning("robots.txt of %s unreadable (%s): not crawling that host this run", origin, error.reason)
            return error.reason
        return Protego.parse(decode_body(response.content, response.headers.get("content-type", "")))

    # ----------------------------------------------------------------------------------- requests

    def get(self, url: str, *, check_robots: bool = True,
            validators: tuple[str | None, str | None] | None = None) -> Response:
        """GET a URL politely. Raises RobotsDisallowed (never requested) or FetchError.

        `check_robots=False` is for feeds a user subscribed to (fetched on their behalf, like a feed
        reader). `validators` (ETag, Last-Modified) from an earlier answer make the request conditional:
        a 304 gives a Response with `not_modified=True`. The client keeps no validators itself: the caller
        stores the answer's (`Response.validators`) together with what it made of the answer.
        """
        if check_robots:
            self._check_robots(url)
        headers = {}
        etag, last_modified = validators or (None, None)
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._request(url, headers)

    def _request(self, url: str, headers: dict[str, str]) -> Response:
        waited: list[float] = []
        retrying = Retrying(
            stop=stop_after_attempt(self.settings.retries + 1),
            retry=retry_if_exception(lambda e: isinstance(e, Retryable)),
            wait=self._wait,
            sleep=lambda seconds: self._sleep_counted(seconds, waited),
            before_sleep=lambda state: self._before_retry(url, state, sum(waited)),
            reraise=True,
        )
        try:
            return retrying(self._attempt, url, headers)
        except Retryable as error:
            raise FetchError(url, error.reason, error.status) from None

    def _sleep_counted(self, seconds: float, waited: list[float]) -> None:
        waited.append(seconds)
        self._sleep(seconds)

    def _before_retry(self, url: str, state: RetryCallState, waited: float) -> None:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, Retryable) and error.status in (429, 503):
            self._check_wait(url, urlsplit(url).netloc.lower(), waited, self._wait(state), error.status)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, Retryable) and error.retry_after is not None:
            return error.retry_after
        return max(self.settings.min_delay, 0.5) * 2 ** (state.attempt_number - 1)

    def _check_wait(self, url: str, host: str, waited: float, retry_after: float | None, status: int) -> None:
        """Give up on a host for this run when its Retry-After, or the waiting so far, passes MAX_RETRY_WAIT."""
        wanted = retry_after if retry_after is not None else 0.0
        if wanted > MAX_RETRY_WAIT or waited + wanted > MAX_RETRY_WAIT:
            reason = (f"HTTP {status}; the server asks to wait {wanted:.0f} s, longer than this run waits "
                      f"({MAX_RETRY_WAIT:.0f} s): {host} is not asked again until the next run")
            self._unreachable[host] = reason
            raise FetchError(url, reason, status)

    def _pause_for(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is not None:
            remaining = self.settings.min_delay - (time.monotonic() - last)
            if remaining > 0:
                self.on_wait(host, remaining)
                self._sleep(remaining)
        self._last_request[host] = time.monotonic()

    def _attempt(self, url: str, headers: dict[str, str]) -> Response:
        host = urlsplit(url).netloc.lower()
        if host in self._unreachable:
            raise FetchError(url, self._unreachable[host])
        self._pause_for(host)
        self.on_request(url)
        return self._bounded(url, headers)

    def _bounded(self, url: str, headers: dict[str, str]) -> Response:
        """One exchange, bounded in time as a whole: httpx's timeout is per read, so a server sending a byte
        a second would hold the run (and the store's lock) for ever. The exchange runs in a helper thread;
        one that overruns is abandoned with its connection, and the client starts afresh."""
        outcome: dict = {}
        done = threading.Event()
        client = self._client

        def exchange() -> None:
            try:
                outcome["response"] = self._exchange(client, url, headers)
            except BaseException as error:  # handed to the caller's thread as it is
                outcome["error"] = error
            finally:
                done.set()

        threading.Thread(target=exchange, name=f"GET {url}", daemon=True).start()
        total = 2 * self.settings.timeout  # a silent server times out after `timeout`; a dripping one here
        if not done.wait(total):
            self._client = self._new_client()
            raise FetchError(url, f"no complete answer within {total:g} s (a server sending very slowly?)")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["response"]

    def _exchange(self, client: httpx.Client, url: str, headers: dict[str, str]) -> Response:
        host = urlsplit(url).hostname or url
        try:
            with client.stream("GET", url, headers=headers) as raw:
                if raw.status_code == 429 or raw.status_code >= 500:
                    raise Retryable(f"HTTP {raw.status_code}", parse_retry_after(raw.headers.get("retry-after")),
                                     raw.status_code)
                if raw.status_code == 304:
                    return Response(str(raw.url), 304, b"", dict(raw.headers), not_modified=True)
                if raw.status_code == 403 and is_challenge(raw):
                    raise FetchError(url, "HTTP 403: a bot check (Cloudflare challenge) that only a browser passes; "
                                          "the site's RSS feeds usually stay open", 403, challenge=True)
                if raw.status_code >= 400:
                    raise FetchError(url, f"HTTP {raw.status_code} {raw.reason_phrase}".strip(), raw.status_code)
                content = read_body(raw, url)
                return Response(str(raw.url), raw.status_code, content, {k.lower(): v for k, v in raw.headers.items()})
        except httpx.TimeoutException:
            raise Retryable(f"timed out after {self.settings.timeout:g} s") from None
        except httpx.TooManyRedirects:
            raise FetchError(url, "too many redirects (a redirect loop?)") from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
            # a link or redirect to ftp:, file:, or a URL that cannot be requested: asking again will not help
            raise FetchError(url, f"cannot be requested: {error}") from None
        except httpx.ConnectError as error:
            # no route, no DNS, nothing listening: asking again at once will not help, nor asking for its other
            # pages this run
            reason = f"cannot reach {host} (no network or DNS?): {error}"
            self._unreachable[urlsplit(url).netloc.lower()] = reason
            raise FetchError(url, reason) from None
        except (httpx.TransportError, httpx.DecodingError) as error:
            # includes bodies cut short (fewer bytes than Content-Length) and connections reset
            raise Retryable(f"network error: {error.__class__.__name__}: {error}") from None
