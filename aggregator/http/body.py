"""Reading an answer's body within limits, whatever its status, and telling a bot check from a plain refusal.

One reader for every answer: the raw bytes as they arrive (`iter_raw`, 64 KB at a time), decompressed here in
steps of at most STEP bytes, counted, and cut at the limit. httpx's own decoders hand back all that one chunk
inflates to, and 64 KB of gzip can be 64 MB of zeros; here one step never holds more than STEP bytes, so a
decompression bomb costs the limit and no more.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from ._load import httpx
from .errors import FetchError

MAX_BODY_BYTES = 15 * 1024 * 1024  # a listing page is ~200 kB; anything near this is not a page we want
CHALLENGE_BYTES = 16 * 1024  # a Cloudflare challenge says so in its first few KB
STEP = 64 * 1024  # the most one decompression step produces

_CHALLENGE_MARKERS = (b"challenge-platform", b"cf-chl", b"Just a moment...", b"cf_chl_opt")


class _Inflater:
    """One gzip or deflate layer, giving its output in pieces of at most STEP bytes."""

    def __init__(self, encoding: str):
        self.gzip = encoding != "deflate"
        # "deflate" is meant zlib-wrapped, but some servers send it raw: decided by the first bytes, as httpx does
        self.guessing = not self.gzip
        self.done = False  # after a complete gzip member, what follows is another member, or ignored garbage
        self.zlib = zlib.decompressobj(zlib.MAX_WBITS | 16 if self.gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self.done and not self.gzip:  # one deflate stream; anything after it is ignored
            return
        while not (self.done and not data):
            try:
                piece = self.zlib.decompress(data, STEP)
            except zlib.error as error:
                if self.guessing:
                    self.guessing, self.zlib = False, zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                if self.done:  # garbage after the last member: ignored, as httpx and browsers do
                    return
                raise httpx.DecodingError(f"the answer's compressed data is damaged ({error})") from None
            self.guessing, self.done = False, False
            if piece:
                yield piece
            if self.zlib.eof:
                self.done = True
                if not self.gzip:
                    return
                data, self.zlib = self.zlib.unused_data, zlib.decompressobj(zlib.MAX_WBITS | 16)
                continue
            data = self.zlib.unconsumed_tail
            if not data and len(piece) < STEP:  # all input taken, and no more output waiting inside
                return

    def finish(self) -> Iterator[bytes]:
        yield from self.feed(b"")
        rest = self.zlib.flush()  # small: every step above drained what it could
        if rest:
            yield rest


def _decoders(content_encoding: str) -> list[_Inflater]:
    """The layers to undo, in the order to undo them. Unknown codings pass as they are, as httpx does."""
    names = [name.strip().lower() for name in content_encoding.split(",") if name.strip()]
    return [_Inflater("gzip" if name == "x-gzip" else name) for name in reversed(names) if name in ("gzip", "x-gzip", "deflate")]


def _through(layers: list[_Inflater], data: bytes) -> Iterator[bytes]:
    if not layers:
        yield data
        return
    for piece in layers[0].feed(data):
        yield from _through(layers[1:], piece)


def _finish(layers: list[_Inflater]) -> Iterator[bytes]:
    for index, layer in enumerate(layers):
        for piece in layer.finish():
            yield from _through(layers[index + 1:], piece)


def decoded(raw: httpx.Response) -> Iterator[bytes]:
    """The body, decompressed, in pieces of at most STEP bytes (undecoded codings as they came)."""
    layers = _decoders(raw.headers.get("content-encoding", ""))
    for chunk in raw.iter_raw():
        yield from _through(layers, chunk)
    yield from _finish(layers)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"


def too_large(raw: httpx.Response, url: str, limit: int, compressed: bool) -> FetchError:
    what = "once decompressed (a compression bomb?)" if compressed else ""
    return FetchError(url, f"HTTP {raw.status_code}: the answer is larger than {_megabytes(limit)}{' ' + what if what else ''}; "
                           "not read further", raw.status_code)


def read_body(raw: httpx.Response, url: str, limit: int = MAX_BODY_BYTES) -> bytes:
    """The whole body, decompressed. Raises FetchError when it (or its compressed form, or its declared length)
    passes `limit`: reading stops there, so memory stays near `limit` whatever the server sends."""
    declared = raw.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(url, f"HTTP {raw.status_code}: the answer is {_megabytes(int(declared))}, more than the "
                              f"{_megabytes(limit)} read from one URL; not read", raw.status_code)
    parts, size = [], 0
    for piece in decoded(raw):
        size += len(piece)
        if size > limit or raw.num_bytes_downloaded > limit:
            raise too_large(raw, url, limit, compressed=bool(_decoders(raw.headers.get("content-encoding", ""))))
        parts.append(piece)
    return b"".join(parts)


def read_head(raw: httpx.Response, limit: int) -> bytes:
    """At most the first `limit` bytes of the body, decompressed; the rest is never read."""
    parts: list[bytes] = []
    size = 0
    for piece in decoded(raw):
        parts.append(piece[: limit - size])
        size += len(parts[-1])
        if size >= limit:
            break
    return b"".join(parts)


def is_challenge(raw: httpx.Response) -> bool:
    """Whether a 403 is a bot check (Cloudflare's "Just a moment…") rather than a plain refusal. Reads at most
    CHALLENGE_BYTES of the body: a refusal's body is never read whole."""
    if raw.headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if "cloudflare" not in raw.headers.get("server", "").lower():
        return False
    try:
        head = read_head(raw, CHALLENGE_BYTES)
    except (httpx.TransportError, httpx.DecodingError):
        return False  # a refusal whose body cannot even be read is no challenge a browser would pass
    return any(marker in head for marker in _CHALLENGE_MARKERS)
