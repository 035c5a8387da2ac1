"""The one HTTP client: honest User-Agent, robots.txt, one request at a time per host with a delay,
retries that honour Retry-After, conditional GET, a size limit and careful decoding.

A package: `client` (PoliteClient: robots.txt, politeness, retries), `body` (reading an answer within limits, bot
checks), `decoding` (Response, charsets, Retry-After), `errors`. Everything is importable from here.
"""

from __future__ import annotations

from ..http_settings import DEFAULT_USER_AGENT, HttpSettings
from .body import MAX_BODY_BYTES, is_challenge
from .client import MAX_RETRY_WAIT, PoliteClient
from .decoding import Response, decode_body, parse_retry_after
from .errors import FetchError, RobotsDisallowed

__all__ = [
    "DEFAULT_USER_AGENT", "MAX_BODY_BYTES", "MAX_RETRY_WAIT", "FetchError", "HttpSettings", "PoliteClient", "Response",
    "RobotsDisallowed", "decode_body", "is_challenge", "parse_retry_after",
]
