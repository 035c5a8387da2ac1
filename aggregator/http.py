"""The one HTTP client: honest User-Agent, robots.txt, one request at a time per host with a delay,
retries that honour Retry-After, conditional GET, a size limit and careful decoding."""

from __future__ import annotations

import functools
import logging
import re
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx
from protego import Protego
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from .http_settings import DEFAULT_USER_AGENT, HttpSettings  # noqa: F401 (re-exported)

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 15 * 1024 * 1024  # a listing page is ~200 kB; anything near this is not a page we want
# Seconds one request may spend waiting to be retried, Retry-After included: a server asking for longer gets its
# wish by us not asking that host again this run (cron runs again soon enough; a run must not hang for hours).
MAX_RETRY_WAIT = 60.0


@dataclass
class Response:
    url: str
    status: int
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    not_modified: bool = False

    @property
    def validators(self) -> tuple[str | None, str | None]:
        """This answer's ETag and Last-Modified, for the caller to keep with what it stored from it."""
        return self.headers.get("etag"), self.headers.get("last-modified")

    @property
    def text(self) -> str:
        return decode_body(self.content, self.headers.get("content-type", ""))


class FetchError(Exception):
    """A URL could not be fetched: its status (None for network errors) and a reason a user can read.
    `challenge`: the answer was a bot check (a Cloudflare challenge), which a browser would pass."""

    def __init__(self, url: str, reason: str, status: int | None = None, challenge: bool = False):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.status, self.challenge = url, reason, status, challenge


class RobotsDisallowed(FetchError):
    """robots.txt forbids the URL; it was not requested."""


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None, status: int | None = None):
        super().__init__(reason)
        self.reason, self.retry_after, self.status = reason, retry_after, status


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""")


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context per process: building one (and loading the CA bundle) costs ~20 ms, and every client,
    also one made afresh after an abandoned request, can share it."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


_CHALLENGE_MARKERS = (b"challenge-platform", b"cf-chl", b"Just a moment...", b"cf_chl_opt")


def is_challenge(raw: httpx.Response) -> bool:
    """Whether a 403 is a bot check (Cloudflare's "Just a moment…") rather than a plain refusal."""
    if raw.headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if "cloudflare" not in raw.headers.get("server", "").lower():
        return False
    head = b"".join(raw.iter_bytes())[:65536]
    return any(marker in head for marker in _CHALLENGE_MARKERS)


def decode_body(content: bytes, content_type: str = "") -> str:
    """Decode a body by its declared charset (header, then <meta> or XML declaration), else UTF-8,
    else Windows-1252, which every byte decodes in (old Norwegian pages are often Latin-1)."""
    candidates = []
    match = re.search(r"charset=([\w\-:]+)", content_type or "", re.I)
    if match:
        candidates.append(match.group(1))
    for pattern in (_XML_ENCODING, _META_CHARSET):
        found = pattern.search(content[:4096])
        if found:
            candidates.append(found.group(1).decode("ascii", "ignore"))
    if content.startswith(b"\xef\xbb\xbf"):
        candidates.insert(0, "utf-8-sig")
    for encoding in [*candidates, "utf-8"]:
        try:
            return content.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode("cp1252", errors="replace")


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
        self._host_delay: dict[str, float] = {}  # hosts that ask for more spacing than min_delay (space_host)
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
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            wait=self._wait,
            sleep=lambda seconds: self._sleep_counted(seconds, waited),
            before_sleep=lambda state: self._before_retry(url, state, sum(waited)),
            reraise=True,
        )
        try:
            return retrying(self._attempt, url, headers)
        except _Retryable as error:
            raise FetchError(url, error.reason, error.status) from None

    def _sleep_counted(self, seconds: float, waited: list[float]) -> None:
        waited.append(seconds)
        self._sleep(seconds)

    def _before_retry(self, url: str, state: RetryCallState, waited: float) -> None:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _Retryable) and error.status in (429, 503):
            self._check_wait(url, urlsplit(url).netloc.lower(), waited, self._wait(state), error.status)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _Retryable) and error.retry_after is not None:
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

    def space_host(self, host: str, seconds: float) -> None:
        """Ask a host at most once every `seconds` (more than [http] min_delay where a site's limits ask for it:
        data.stortinget.no allows 100 calls a minute). `host` as in URLs (name, and port where one is given)."""
        self._host_delay[host.lower()] = max(seconds, self._host_delay.get(host.lower(), 0.0))

    def _pause_for(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is not None:
            remaining = max(self.settings.min_delay, self._host_delay.get(host, 0.0)) - (time.monotonic() - last)
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
                    raise _Retryable(f"HTTP {raw.status_code}", parse_retry_after(raw.headers.get("retry-after")),
                                     raw.status_code)
                if raw.status_code == 304:
                    return Response(str(raw.url), 304, b"", dict(raw.headers), not_modified=True)
                if raw.status_code == 403 and is_challenge(raw):
                    raise FetchError(url, "HTTP 403: a bot check (Cloudflare challenge) that only a browser passes; "
                                          "the site's RSS feeds usually stay open", 403, challenge=True)
                if raw.status_code >= 400:
                    raise FetchError(url, f"HTTP {raw.status_code} {raw.reason_phrase}".strip(), raw.status_code)
                content = self._read_limited(raw, url)
                return Response(str(raw.url), raw.status_code, content, {k.lower(): v for k, v in raw.headers.items()})
        except httpx.TimeoutException:
            raise _Retryable(f"timed out after {self.settings.timeout:g} s") from None
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
            raise _Retryable(f"network error: {error.__class__.__name__}: {error}") from None

    @staticmethod
    def _read_limited(raw: httpx.Response, url: str) -> bytes:
        chunks, size = [], 0
        for chunk in raw.iter_bytes():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise FetchError(url, f"response larger than {MAX_BODY_BYTES // 1024 // 1024} MB, not read")
            chunks.append(chunk)
        return b"".join(chunks)
