"""The bench's web server: a pre-rendered site (sitegen.Site, a dict of path -> bytes) behind a ThreadingHTTPServer
on 127.0.0.1, in a process of its own so that its CPU never counts as the aggregator's.

It answers HTTP/1.1 with Content-Length (keep-alive), an ETag on every page and `304 Not Modified` to a matching
If-None-Match, and counts what it served. Control paths, for the harness only (never counted):

- `/__bench__/stats`: requests by kind (robots, listing, article, rss, ks), 304s, 404s, connections opened, and
  the server's own CPU
- `/__bench__/reset`: set the counts to zero
- `/__bench__/add?n=N`: publish N new items in every pool of the site

Run: `python bench/server.py --hearings 400` prints `READY http://127.0.0.1:PORT` and serves until killed (or until
the process that started it is gone). `BenchServer` below starts one and talks to it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent


def _kind(path: str) -> str:
    if path == "/robots.txt":
        return "robots"
    if "/rss/" in path:
        return "rss"
    if path.startswith(("/no/dokument/", "/en/topics/")):
        return "listing"
    if path.startswith(("/fagomrader/", "/horingssvar/")):
        return "ks_page" if path.count("/") <= 4 else "ks_article"
    return "article"


def serve(site, port: int = 0) -> ThreadingHTTPServer:
    """Serve `site` (a sitegen.Site) on 127.0.0.1 from a background thread; returns the server."""
    counts: Counter = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *args) -> None:  # quiet: the harness counts instead
            pass

        def setup(self) -> None:  # one handler per connection: counts the connections (keep-alive or not)
            super().setup()
            with lock:
                counts["connections"] += 1

        def _send(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8",
                  etag: str | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if etag:
                self.send_header("ETag", etag)
            self.end_headers()
            if body:
                self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = self.path
            if path.startswith(("http://", "https://")):
                parts = urlsplit(path)
                path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith("/__bench__/"):
                return self._control(path)
            page = site.pages.get(path)
            kind = _kind(path)
            if page is None:
                with lock:
                    counts["requests"] += 1
                    counts["404"] += 1
                    counts[kind] += 1
                return self._send(404, b"not found")
            not_modified = self.headers.get("If-None-Match") == page.etag
            with lock:
                counts["requests"] += 1
                counts[kind] += 1
                counts["bytes"] += 0 if not_modified else len(page)
                if not_modified:
                    counts["304"] += 1
            if not_modified:
                return self._send(304, b"", page.content_type, page.etag)
            self._send(200, page.body, page.content_type, page.etag)

        def _control(self, path: str) -> None:
            parts = urlsplit(path)
            if parts.path == "/__bench__/reset":
                with lock:
                    counts.clear()
            elif parts.path == "/__bench__/add":
                with lock:
                    site.add(int(parse_qs(parts.query).get("n", ["1"])[0]))
            elif parts.path != "/__bench__/stats":
                return self._send(404, b"unknown control path")
            with lock:
                stats = dict(counts)
            stats["server_cpu_s"] = time.process_time()
            stats["items"] = dict(site.counts)
            self._send(200, json.dumps(stats).encode(), "application/json")

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.request_queue_size = 256
    threading.Thread(target=server.serve_forever, name="bench-server", daemon=True).start()
    return server


def _watch_parent(parent: int) -> None:
    """Exit when the process that started this server is gone (a harness killed on a timeout)."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for pool, default in (("hearings", 200), ("en", 60), ("news", 60), ("ks", 20)):
        parser.add_argument(f"--{pool}", type=int, default=default,
                            help=f"items in the {pool} pool (default {default})")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from sitegen import Site

    parent = os.getppid()
    site = Site(args.hearings, args.en, args.news, args.ks)
    server = serve(site, args.port)
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    site.render()  # the RSS feed's links name the server
    print(f"READY {site.base_url}", flush=True)
    _watch_parent(parent)


class BenchServer:
    """A bench server in a process of its own: `with BenchServer(hearings=400) as server: server.url …`."""

    def __init__(self, **pools: int):
        self.pools = pools
        self.url = ""
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> BenchServer:
        command = [sys.executable, str(HERE / "server.py")] + [f"--{k}={v}" for k, v in self.pools.items()]
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        line = self._process.stdout.readline().strip()
        if not line.startswith("READY "):
            self._process.kill()
            raise RuntimeError(f"the bench server did not start: {line!r}")
        self.url = line.split(" ", 1)[1]
        return self

    def __exit__(self, *exc) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def _control(self, what: str) -> dict:
        with urllib.request.urlopen(f"{self.url}/__bench__/{what}", timeout=60) as answer:
            return json.loads(answer.read())

    def stats(self) -> dict:
        return self._control("stats")

    def reset(self) -> dict:
        return self._control("reset")

    def add(self, count: int = 1) -> dict:
        return self._control(f"add?n={count}")


if __name__ == "__main__":
    main()
