"""Secrets never leave: what came from `${…}` in the config, URL credentials, secret query values and
token-like path parts are masked in everything printed or logged, and removed from everything published.

`hide(text)` is for logs, `status`, errors and admin messages (it keeps the shape: `user:***@host`);
`public_url(url)` is for the public output (feeds, index.html, feeds.opml): no credentials, no secret
parameters at all.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_secrets: set[str] = set()

_USER_PASSWORD = re.compile(r"(?<=://)([^:/@?#\s]*):([^@/?#\s]+)@")
_SECRET_NAMES = r"pass|passwd|password|pwd|secret|token|key|apikey|api_key|api-key|access_token|auth|sig|signature"
_SECRET_PARAMETER = re.compile(rf"(?i)([?&]\+?(?:x-)?(?:{_SECRET_NAMES})=)[^&#\s]+")
# Apprise header parameters: ?+X-Api-Key=…, +Authorization=…
_HEADER_PARAMETER = re.compile(r"(?i)([?&]\+[\w-]*(?:key|token|auth|secret|signature)[\w-]*=)[^&#\s]+")
# Webhook URLs carry their secret as a path part (slack://T0/B0/<token>, discord://<id>/<token>,
# tgram://<bot>:<token>/…): long runs of letters and digits. Host names have dots, so they stay readable.
_TOKEN_PART = re.compile(r"(?<=[/:@])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{20,}(?=[/?#:]|$)")
_SECRET_KEY = re.compile(rf"(?i)^\+?(?:x-)?[\w-]*(?:{_SECRET_NAMES})[\w-]*$")


def register_secret(value: str) -> None:
    """Remember a value that came from the environment (`${NAME}` in the config): it is masked everywhere."""
    if value and len(value) >= 3:
        _secrets.add(value)


def hide(text: str) -> str:
    """Text fit for logs, `status` and messages: secrets masked, the rest readable."""
    if not text:
        return text
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, "***")
    return _URL.sub(lambda m: _hide_in_url(m.group(0)), text)


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")


def _hide_in_url(url: str) -> str:
    url = _USER_PASSWORD.sub(r"\1:***@", url)
    url = _SECRET_PARAMETER.sub(r"\1***", url)
    url = _HEADER_PARAMETER.sub(r"\1***", url)
    return _TOKEN_PART.sub("***", url)


def public_url(url: str) -> str:
    """A URL fit for publication: no user name or password, no secret query parameters, no `${…}` value."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = host if parts.port is None else f"{host}:{parts.port}"
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                 if not _SECRET_KEY.match(k) and v not in _secrets]
        cleaned = urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="/"), ""))
    except ValueError:
        return ""
    return hide(cleaned) if any(s in cleaned for s in _secrets) else cleaned


class HideSecrets(logging.Filter):
    """A logging filter that masks secrets in every record (attach it to the handler that writes the logs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = hide(message)
        if hidden != message:
            record.msg, record.args = hidden, None
        return True
