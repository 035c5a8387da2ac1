"""The HTTP client's settings, apart from the client itself so that reading a config does not load httpx."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_USER_AGENT = "aggregator/0.1 (+https://example.org/contact)"  # the documented default; set your own contact


@dataclass
class HttpSettings:
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 20.0  # seconds a server may stay silent; a whole request takes at most twice that
    min_delay: float = 1.5  # seconds between two requests to one host
    retries: int = 3
    # seconds a run may read article pages for before it commits and leaves the rest for the next run: below the
    # shipped systemd unit's limit (30 min), so a first run with thousands of new documents ends in time
    run_budget: float = 1500.0
