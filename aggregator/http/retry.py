"""How long one request may wait, and which hosts are left alone for the rest of a run.

One cap for every cause: a request waits at most MAX_RETRY_WAIT seconds in all, counting the pauses before its
retries (the server's Retry-After, or the back-off after a 5xx or a timeout) and the time its timed-out attempts
took. When the next pause would pass the cap, the request is given up. A host is left alone for the rest of the
run (its requests fail at once, naming why) when its Retry-After asks for more waiting than the cap leaves (as
Cloudflare's 429s that want 30 s again and again), when nothing answers there,
or when FAILING_HOST_LIMIT of its requests in a row have failed so. Cron runs again soon enough; a run must not
spend minutes per URL on a host that is down (`retries = 8` once held one URL 128 s).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import FetchError, Retryable

MAX_RETRY_WAIT = 60.0
FAILING_HOST_LIMIT = 3  # requests in a row that failed after their retries


def _seconds(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") + " s"


@dataclass
class Waiting:
    """One request's retries so far."""

    retries: int
    min_delay: float
    attempts: int = 0
    waited: float = 0.0  # seconds: pauses taken, and time spent in attempts that timed out

    def backoff(self) -> float:
        return max(self.min_delay, 0.5) * 2 ** (self.attempts - 1)

    def next_pause(self, error: Retryable) -> tuple[float, str | None]:
        """The pause before the next attempt, and why not to make one (None: go on)."""
        self.attempts += 1
        pause = error.retry_after if error.retry_after is not None else self.backoff()
        if error.retry_after is not None and self.waited + error.retry_after > MAX_RETRY_WAIT:
            return pause, "long"  # the server wants more waiting than a run gives: it gets it, till the next run
        if self.attempts > self.retries:
            return pause, "tries"
        if self.waited + pause > MAX_RETRY_WAIT:
            return pause, "cap"
        self.waited += pause
        return pause, None

    def reason(self, error: Retryable, why: str, pause: float, host: str) -> str:
        """The request's error, saying why it ended."""
        if why == "long":
            more = f" more, after {_seconds(self.waited)}" if self.waited else ""
            return (f"{error.reason}; the server asks to wait {_seconds(pause)}{more}, longer than this run waits "
                    f"({_seconds(MAX_RETRY_WAIT)}): {host} is not asked again until the next run")
        if why == "cap":
            return (f"{error.reason}; given up after waiting {_seconds(self.waited)}, as the next wait "
                    f"({_seconds(pause)}) would pass the {_seconds(MAX_RETRY_WAIT)} one request may wait")
        return error.reason + (f" ({self.attempts} tries)" if self.attempts > 1 else "")


@dataclass
class HostHealth:
    """Per host (netloc): failed requests in a row, and the hosts left alone this run, with the reason."""

    failures: dict[str, int] = field(default_factory=dict)
    left: dict[str, str] = field(default_factory=dict)

    def check(self, url: str, host: str) -> None:
        if host in self.left:
            raise FetchError(url, self.left[host])

    def leave(self, host: str, reason: str) -> None:
        self.left[host] = reason

    def answered(self, host: str) -> None:
        self.failures.pop(host, None)

    def failed(self, host: str, reason: str) -> str:
        """Count a request that failed after its retries; the reason to give, saying when the host is now left."""
        self.failures[host] = count = self.failures.get(host, 0) + 1
        if host in self.left or count < FAILING_HOST_LIMIT:
            return reason
        self.leave(host, f"{host} failed {count} requests in a row (the last: {reason}); it is not asked again "
                         "until the next run")
        return f"{reason}; {host} failed {count} requests in a row and is not asked again until the next run"
