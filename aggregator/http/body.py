"""Reading an answer's body within limits, and telling a bot check from a plain refusal."""

from __future__ import annotations

import httpx

from .errors import FetchError

MAX_BODY_BYTES = 15 * 1024 * 1024  # a listing page is ~200 kB; anything near this is not a page we want

_CHALLENGE_MARKERS = (b"challenge-platform", b"cf-chl", b"Just a moment...", b"cf_chl_opt")


def is_challenge(raw: httpx.Response) -> bool:
    """Whether a 403 is a bot check (Cloudflare's "Just a moment…") rather than a plain refusal."""
    if raw.headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if "cloudflare" not in raw.headers.get("server", "").lower():
        return False
    head = b"".join(raw.iter_bytes())[:65536]
    return any(marker in head for marker in _CHALLENGE_MARKERS)


def read_body(raw: httpx.Response, url: str) -> bytes:
    chunks, size = [], 0
    for chunk in raw.iter_bytes():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise FetchError(url, f"response larger than {MAX_BODY_BYTES // 1024 // 1024} MB, not read")
        chunks.append(chunk)
    return b"".join(chunks)
