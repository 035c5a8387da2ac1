"""The polite client: honest User-Agent, robots.txt, one request at a time per host with a delay, retries that
honour Retry-After within one cap on waiting, conditional GET, requests kept on a source's hosts and off private
addresses, and answers read within limits."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from urllib.parse import urlsplit

from protego import Protego

from ..http_settings import HttpSettings
from ._load import httpx
from .addresses import AddressGuard, OffsiteURL, normalize_hosts, offsite
from .decoding import Response, decode_body
from .errors import FetchError, HostUnreachable, Retryable, RobotsDisallowed
from .exchange import Overrun, bounded, exchange, new_client
from .retry import HostHealth, Waiting

log = logging.getLogger(__name__)


def _key(url: str) -> str:
    """The host as politeness and health count it: host and port."""
    return urlsplit(url).netloc.lower()


class PoliteClient:
    """The project's HTTP client. Single-threaded on purpose: one request at a time, per host a pause.

    `allowed_private_hosts`: the hosts that may be on a loopback, private or link-local address, because the
    configuration names them (`configured_hosts(source URLs)`); every other request or redirect hop to such an
    address is refused without connecting (PrivateAddress). None, the default for tools and tests: no such rule.
    `sleep` is how the client waits (tests count the waits instead); `transport` replaces httpx's network.
    """

    def __init__(self, settings: HttpSettings | None = None, sleep: Callable[[float], None] = time.sleep,
                 transport: httpx.BaseTransport | None = None, *, allowed_private_hosts: Collection[str] | None = None):
        self.settings = settings or HttpSettings()
        self._sleep = sleep
        self._last_request: dict[str, float] = {}
        self._host_delay: dict[str, float] = {}  # hosts that ask for more spacing than min_delay (space_host)
        self._robots: dict[str, Protego | str | None] = {}
        self._transport = transport
        self._guard = AddressGuard(allowed_private_hosts)
        self._health = HostHealth()  # hosts failing, and hosts left alone this run
        self._client = new_client(self.settings, transport)
        # Watchers of the client's work (progress.Progress): told of each request and each politeness pause.
        self.on_request: Callable[[str], None] = lambda url: None
        self.on_wait: Callable[[str, float], None] = lambda host, seconds: None

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

    def get(self, url: str, *, check_robots: bool = True, validators: tuple[str | None, str | None] | None = None,
            hosts: Collection[str] | None = None) -> Response:
        """GET a URL politely. Raises RobotsDisallowed (never requested) or FetchError.

        `check_robots=False` is for feeds a user subscribed to (fetched on their behalf, like a feed
        reader). `validators` (ETag, Last-Modified) from an earlier answer make the request conditional:
        a 304 gives a Response with `not_modified=True`. The client keeps no validators itself: the caller
        stores the answer's (`Response.validators`) together with what it made of the answer.

        `hosts`: the host names this request and each of its redirect hops must stay on (compared in lower case,
        without port; e.g. {"regjeringen.no", "www.regjeringen.no"}). A URL off them raises OffsiteURL and a
        redirect off them OffsiteRedirect (its `target`), both without requesting anything there. None: any host.
        """
        limit = normalize_hosts(hosts)
        if offsite(url, limit):
            raise OffsiteURL(url, f"not on this source's hosts ({', '.join(sorted(limit or ()))}); not requested",
                             target=url)
        self._guard.check(url)
        if check_robots:
            self._check_robots(url)
        headers = {}
        etag, last_modified = validators or (None, None)
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._request(url, headers, limit)

    def _request(self, url: str, headers: dict[str, str], hosts: Collection[str] | None = None) -> Response:
        """One request with its retries, within one cap on waiting (see retry.py)."""
        host = _key(url)
        waiting = Waiting(self.settings.retries, self.settings.min_delay)
        while True:
            self._health.check(url, host)  # a host left alone this run fails at once
            self._pause_for(host)
            started = time.monotonic()
            try:
                response = self._attempt(url, headers, hosts)
            except Retryable as error:
                if error.timed_out:  # the time this attempt waited for the server
                    waiting.waited += time.monotonic() - started
                pause, why = waiting.next_pause(error)
                if why is None:
                    self._sleep(pause)
                    continue
                reason = waiting.reason(error, why, pause, host)
                if why == "long":
                    self._health.leave(host, reason)
                raise FetchError(url, self._health.failed(host, reason), error.status) from None
            except HostUnreachable as error:
                self._health.leave(error.host, error.reason)
                raise
            except FetchError as error:
                if error.status is not None:  # the server answered: it is up
                    self._health.answered(host)
                raise
            self._health.answered(host)
            return response

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

    def _attempt(self, url: str, headers: dict[str, str], hosts: Collection[str] | None) -> Response:
        self.on_request(url)
        client = self._client
        try:
            # a silent server times out after `timeout`; a dripping one at twice that
            return bounded(lambda: exchange(client, url, headers, hosts=hosts, guard=self._guard,
                                            timeout=self.settings.timeout), 2 * self.settings.timeout, url)
        except Overrun:
            self._client = new_client(self.settings, self._transport)  # the old one's connection is abandoned
            raise
