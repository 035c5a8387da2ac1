"""What `serve` answers: files of the output folder with their types and validators, streamed, never read whole."""

from __future__ import annotations

import hashlib
import io
import json
import mimetypes
import os
import re
import socket
from collections.abc import Callable
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

TYPES = {
    ".atom": "application/atom+xml; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


def resolve(root: Path, request_path: str) -> Path | None:
    """The file a request path names inside `root`, or None (missing, a folder, or anywhere outside root)."""
    path = unquote(urlsplit(request_path).path)
    if "\0" in path:
        return None
    relative = path.lstrip("/") or "index.html"
    if relative.endswith("/"):
        relative += "index.html"
    root = root.resolve()
    try:
        target = (root / relative).resolve()  # follows symlinks: one pointing out of root lands outside it
    except (OSError, RuntimeError):
        return None
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target


def file_etag(stat: os.stat_result) -> str:
    """A strong ETag from what identifies one version of a file without reading it: its size, its modification
    time in nanoseconds, its device and inode. The output is written by renaming a new file into place, so any
    change is a new inode (as nginx, which uses size and time)."""
    identity = f"{stat.st_size}-{stat.st_mtime_ns}-{stat.st_dev}-{stat.st_ino}"
    return '"' + hashlib.sha256(identity.encode()).hexdigest()[:32] + '"'


_ENTITY_TAG = re.compile(r'(?:W/)?("[^"]*")')


def etag_matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match's weak comparison (RFC 9110, 8.8.3.2 and 13.1.2): W/"x" matches "x", and "*" matches any."""
    if if_none_match.strip() == "*":
        return True
    return etag in _ENTITY_TAG.findall(if_none_match)


class _Writer(io.BufferedIOBase):
    """The answer's way out: every write whole (sendall), under the socket's timeout."""

    def __init__(self, sock: socket.socket):
        self.sock = sock

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.sock.sendall(data)
        return len(data)


class Request:
    """One request's connection and its head (request line and headers), read before a worker was given it."""

    def __init__(self, sock: socket.socket, head: bytes):
        self.sock, self.head = sock, head


class FileHandler(BaseHTTPRequestHandler):
    """Answers one request whose head was already read (see server.py): GET and HEAD of files under `root`."""

    protocol_version = "HTTP/1.1"  # keep-alive: the connection waits for its next request without a thread
    server_version = "aggregator-serve"
    root = Path(".")
    health: Callable[[], tuple[int, bytes]] | None = None  # /health's answer (status, JSON), where there is one
    request: Request

    def setup(self) -> None:
        self.connection = self.request.sock
        self.rfile = io.BytesIO(self.request.head)
        self.wfile = _Writer(self.request.sock)

    def handle(self) -> None:
        self.close_connection = True
        self.handle_one_request()

    def finish(self) -> None:
        pass  # the server decides what becomes of the connection

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        if self.health is not None and urlsplit(self.path).path == "/health":
            self._health(body)
            return
        target = resolve(self.root, self.path)
        try:
            handle = open(target, "rb") if target is not None else None  # noqa: SIM115 (closed below)
        except OSError:
            handle = None
        if handle is None:
            self._plain(404, "not found\n", body)
            return
        with handle:
            stat = os.fstat(handle.fileno())  # this very file, even if a new one is renamed into place meanwhile
            etag, modified = file_etag(stat), int(stat.st_mtime)
            not_modified = self._not_modified(etag, modified)
            self.send_response(304 if not_modified else 200)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(modified, usegmt=True))
            if not not_modified:
                kind = TYPES.get(target.suffix.lower()) if target else None
                kind = kind or mimetypes.guess_type(str(target))[0] or "application/octet-stream"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(stat.st_size))
                self.send_header("Cache-Control", "max-age=300")
            self.end_headers()
            if body and not not_modified:
                self._stream(handle, stat.st_size)

    def _stream(self, handle: BinaryIO, size: int) -> None:
        """The file's bytes by the kernel (sendfile): no copy of it in this process, whatever its size."""
        if self.connection.sendfile(handle, 0, size) < size:  # the file shrank under us: the answer is short
            self.close_connection = True

    def _not_modified(self, etag: str, modified: int) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:  # it wins over If-Modified-Since (RFC 9110)
            return etag_matches(if_none_match, etag)
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return modified <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _health(self, body: bool) -> None:
        """The aggregator's health (health.py): 200, or 503 while a source keeps failing; never cached."""
        assert self.health is not None
        try:
            status, data = self.health()
        except Exception as error:  # no store yet, a damaged one: no health to give
            status, data = 503, (json.dumps({"ok": False, "error": f"{error.__class__.__name__}: {error}"}) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", TYPES[".json"])
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _plain(self, status: int, text: str, body: bool) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's naming)
        if os.environ.get("AGGREGATOR_SERVE_LOG"):
            super().log_message(format, *args)


def make_handler(root: Path, health: Callable[[], tuple[int, bytes]] | None = None) -> type[FileHandler]:
    """A handler class for the folder `root`; with `health`, /health is answered by it."""
    return type("Handler", (FileHandler,), {"root": Path(root), "health": staticmethod(health) if health else None})
