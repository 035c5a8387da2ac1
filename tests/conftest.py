"""Shared test parts: a real HTTP server on 127.0.0.1, the Atom schema check, paths to ../shared."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
ATOM_RNG = SHARED / "schemas" / "atom.rng"


def shared_file(*parts: str) -> Path:
    """A file under ../shared, or skip the test cleanly when the folder (or the file) is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is optional)")
    return path


@dataclass
class Route:
    body: bytes | str | Callable[[Request], Route] = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"


@dataclass
class Request:
    path: str  # path with query, as requested
    headers: dict[str, str]


class _QuietServer(ThreadingHTTPServer):
    """A client that goes away mid-answer (a killed run, a body not read past a limit) is no server error: no
    traceback on stderr, where it would land in whichever test is running then."""

    def handle_error(self, request, client_address) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LocalServer:
    """An HTTP server on 127.0.0.1 serving `routes` (path with query -> Route) and logging requests.

    A route's body may be a callable taking the Request and returning a Route, for servers that
    answer 304 or fail on demand. ETag/Last-Modified given in a Route's headers are honoured: a
    request whose If-None-Match matches gets 304.
    """

    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK wait per answer

            def do_GET(self):  # noqa: N802 (http.server's naming)
                # A request through this server as an HTTP proxy names the whole URL ("GET http://host/p"):
                # serve it by its path, so tests can use real host names such as www.regjeringen.no.
                path = self.path
                if path.startswith(("http://", "https://")):
                    parts = urlsplit(path)
                    path = parts.path + (f"?{parts.query}" if parts.query else "")
                request = Request(path, {k.lower(): v for k, v in self.headers.items()})
                server.requests.append(request)
                route = server.routes.get(path) or Route(b"not found", 404, content_type="text/plain")
                if callable(route.body):
                    route = route.body(request)
                body = route.body.encode("utf-8") if isinstance(route.body, str) else route.body
                etag = route.headers.get("ETag")
                status = route.status
                if etag and request.headers.get("if-none-match") == etag and status == 200:
                    status, body = 304, b""
                self.send_response(status)
                self.send_header("Content-Type", route.content_type)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if "Content-Length" in route.headers:  # a route that lies about its length: a cut-off body
                    self.send_header("Connection", "close")
                    self.close_connection = True
                else:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        # a short poll interval: shutdown() waits up to one interval, at every test's teardown
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def add(self, path: str, body, status: int = 200, content_type: str = "text/html; charset=utf-8", **headers) -> None:
        self.routes[path] = Route(body, status, {k.replace("_", "-"): v for k, v in headers.items()}, content_type)

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def http_server():
    server = LocalServer()
    yield server
    server.close()


def validate_atom(path: Path) -> feedparser.FeedParserDict:
    """Read a generated feed back with feedparser, and validate it against RFC 4287's schema
    (../shared/schemas/atom.rng) where that file is present. Returns the parsed feed."""
    data = Path(path).read_bytes()
    parsed = feedparser.parse(data)
    assert not parsed.bozo, f"{path}: feedparser: {parsed.get('bozo_exception')}"
    assert parsed.version == "atom10", f"{path}: not Atom 1.0 ({parsed.version})"
    if ATOM_RNG.exists():
        from lxml import etree

        schema = etree.RelaxNG(etree.parse(str(ATOM_RNG)))
        doc = etree.fromstring(data)
        assert schema.validate(doc), f"{path}: {schema.error_log}"
    return parsed
