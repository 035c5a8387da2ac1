"""Reading what came back: the Response, its text in the right charset, and Retry-After."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime


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
