"""What can go wrong with a request, as exceptions a caller can tell apart."""

from __future__ import annotations


class FetchError(Exception):
    """A URL could not be fetched: its status (None for network errors) and a reason a user can read.
    `challenge`: the answer was a bot check (a Cloudflare challenge), which a browser would pass."""

    def __init__(self, url: str, reason: str, status: int | None = None, challenge: bool = False):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.status, self.challenge = url, reason, status, challenge


class RobotsDisallowed(FetchError):
    """robots.txt forbids the URL; it was not requested."""


class Retryable(Exception):
    """One attempt failed in a way that asking again may mend (429, 5xx, a timeout, a cut connection)."""

    def __init__(self, reason: str, retry_after: float | None = None, status: int | None = None, timed_out: bool = False):
        super().__init__(reason)
        self.reason, self.retry_after, self.status, self.timed_out = reason, retry_after, status, timed_out


class HostUnreachable(FetchError):
    """Nothing answers at `host` (no route, no DNS, nothing listening): its other URLs are not tried this run."""

    def __init__(self, url: str, reason: str, host: str):
        super().__init__(url, reason)
        self.host = host

