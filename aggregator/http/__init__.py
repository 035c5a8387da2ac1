"""The one HTTP client: honest User-Agent, robots.txt, one request at a time per host with a delay, retries that
honour Retry-After within one cap on waiting, conditional GET, requests kept on a source's hosts and off private
addresses, answers read within size and time limits, and careful decoding.

A package: `client` (PoliteClient: robots.txt, politeness, retries), `exchange` (one request and its redirect hops,
bounded in time), `body` (reading an answer within limits, bot checks), `addresses` (a source's hosts, private
addresses), `retry` (the cap on waiting, hosts left alone), `decoding` (Response, charsets, Retry-After), `errors`.
Everything is importable from here.
"""

from __future__ import annotations

from ..http_settings import DEFAULT_USER_AGENT, HttpSettings
from .addresses import OffsiteRedirect, OffsiteURL, PrivateAddress, blocked_ip, configured_hosts
from .body import CHALLENGE_BYTES, MAX_BODY_BYTES, is_challenge
from .client import PoliteClient
from .decoding import Response, decode_body, parse_retry_after
from .errors import FetchError, HostUnreachable, RobotsDisallowed
from .exchange import MAX_REDIRECTS
from .retry import FAILING_HOST_LIMIT, MAX_RETRY_WAIT

__all__ = [
    "CHALLENGE_BYTES", "DEFAULT_USER_AGENT", "FAILING_HOST_LIMIT", "MAX_BODY_BYTES", "MAX_REDIRECTS", "MAX_RETRY_WAIT",
    "FetchError", "HostUnreachable", "HttpSettings", "OffsiteRedirect", "OffsiteURL", "PoliteClient", "PrivateAddress",
    "Response", "RobotsDisallowed", "blocked_ip", "configured_hosts", "decode_body", "is_challenge", "parse_retry_after",
]
