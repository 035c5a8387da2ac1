"""`aggregator serve`: the output folder over HTTP, for trying things out or a small setup.

Standard library only. Correct types (Atom, iCalendar, OPML, HTML), strong ETags and Last-Modified with 304
answers, HEAD, the index at `/`, and nothing outside the output folder (no `..`, no symlinks leading out).
Behind nginx or caddy, serve the folder with them instead (README, "Serving the feeds").
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import sys
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
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


def make_handler(root: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "aggregator-serve"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer(body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(body=False)

        def _answer(self, body: bool) -> None:
            target = resolve(root, self.path)
            if target is None:
                self._plain(404, "not found\n", body)
                return
            data = target.read_bytes()
            etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
            modified = int(target.stat().st_mtime)
            if self._not_modified(etag, modified):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", formatdate(modified, usegmt=True))
                self.end_headers()
                return
            kind = TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(modified, usegmt=True))
            self.send_header("Cache-Control", "max-age=300")
            self.end_headers()
            if body:
                self.wfile.write(data)

        def _not_modified(self, etag: str, modified: int) -> bool:
            if_none_match = self.headers.get("If-None-Match")
            if if_none_match is not None:  # it wins over If-Modified-Since (RFC 9110)
                return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
            since = self.headers.get("If-Modified-Since")
            if since:
                try:
                    return modified <= parsedate_to_datetime(since).timestamp()
                except (TypeError, ValueError):
                    return False
            return False

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

    return Handler


def make_server(root: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), make_handler(Path(root)))


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve until Ctrl-C; returns the exit code."""
    server = make_server(root, host, port)
    shown_host = f"[{host}]" if ":" in host else host
    print(f"aggregator serve: {root} at http://{shown_host}:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("aggregator serve: stopped", file=sys.stderr)
    finally:
        server.server_close()
    return 0
