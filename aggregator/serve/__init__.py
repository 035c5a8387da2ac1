"""`aggregator serve`: the output folder over HTTP, for trying things out or a small setup.

Standard library only. Correct types (Atom, iCalendar, OPML, HTML), strong ETags (compared as RFC 9110 says, so
W/"x" matches) and Last-Modified with 304 answers, HEAD, the index at `/`, and nothing outside the output folder (no
`..`, no symlinks leading out). Idle and slow clients cannot exhaust it: a request's head must arrive within a time
limit, a bounded number of workers answers, and files are streamed, never read whole (see server.py). Facing the
internet, put nginx or caddy in front, or serve the folder with them instead (docs/operations.md, "Serving the feeds").

A package: `files` (what a request is answered with), `server` (connections, time limits and workers).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from .files import TYPES, etag_matches, file_etag, make_handler, resolve
from .server import FeedServer


def make_server(root: Path, host: str = "127.0.0.1", port: int = 8000, health: Callable[[], tuple[int, bytes]] | None = None,
                **limits) -> FeedServer:
    """A server for the folder `root` (and, with `health`, /health). `limits`: workers (16), request_timeout (10 s
    for a request's head to arrive, and for an idle kept-alive connection), send_timeout (30 s without progress
    sending), max_connections (512)."""
    return FeedServer((host, port), make_handler(Path(root), health), **limits)


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, base_url: str | None = None,
          health: Callable[[], tuple[int, bytes]] | None = None) -> int:
    """Serve until Ctrl-C (or SIGTERM); returns the exit code. Says so at start when [output] base_url is not the
    address served: index.html works anywhere (its links are relative), feeds.opml and the feeds' self links do not."""
    server = make_server(root, host, port, health)
    shown_host = f"[{host}]" if ":" in host else host
    here = f"http://{shown_host}:{server.server_address[1]}/"
    print(f"aggregator serve: {root} at {here} (Ctrl-C stops)", flush=True)
    if base_url and base_url.rstrip("/") + "/" != here:
        print(f"aggregator serve: note: [output] base_url is {base_url}, not {here}: index.html's links work here (they "
              f"are relative), but feeds.opml and each feed's self link point at {base_url}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("aggregator serve: stopped", file=sys.stderr)
    finally:
        server.server_close()
    return 0


__all__ = ["TYPES", "FeedServer", "etag_matches", "file_etag", "make_handler", "make_server", "resolve", "serve"]
