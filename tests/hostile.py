"""Hostile servers on 127.0.0.1 for the reliability tests (issue 19): one that streams a body without end (a huge
page, a gzip bomb), and a way to measure a child process's memory while it fetches from one."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator

from helpers import ROOT

MB = 1024 * 1024


class StreamingServer:
    """Answers every request with `head` (status line and headers, as given) and then the chunks `body()` yields,
    until they end or the client goes away. Keeps each request's first line in `requests`."""

    def __init__(self, head: str, body: Callable[[], Iterable[bytes]] = lambda: ()):
        self.head = head.replace("\n", "\r\n").encode() + b"\r\n"
        self.body = body
        self.requests: list[str] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        try:
            request = b""
            while b"\r\n\r\n" not in request:
                data = conn.recv(65536)
                if not data:
                    return
                request += data
            self.requests.append(request.split(b"\r\n", 1)[0].decode())
            conn.sendall(self.head)
            for chunk in self.body():
                if self.stop.is_set():
                    break
                conn.sendall(chunk)
        except OSError:
            pass  # the client went away: what it was meant to do
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


def endless(total: int, chunk: bytes = b"x" * 65536) -> Callable[[], Iterator[bytes]]:
    """A plain body of `total` bytes, made as it is sent."""
    def body() -> Iterator[bytes]:
        for _ in range(total // len(chunk)):
            yield chunk
    return body


def gzip_bomb(decompressed: int) -> Callable[[], Iterator[bytes]]:
    """A gzip body that inflates to `decompressed` bytes of zeros (about 1 KB on the wire per MB): one compressed
    megabyte, repeated. After a full flush each block stands alone, so the copies make one valid deflate stream."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    first = compressor.compress(b"\0" * MB) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(b"\0" * MB) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.flush()

    def body() -> Iterator[bytes]:
        yield first
        batch = block * 64  # 64 MB inflated per ~64 KB sent
        for _ in range(decompressed // MB // 64):
            yield batch
        yield last
    return body


FETCH_IN_A_CHILD = """
import json, resource, sys
from aggregator.http import FetchError, HttpSettings, PoliteClient

client = PoliteClient(HttpSettings(min_delay=0, retries=0, timeout=10))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    outcome = f"read {len(client.get(sys.argv[1], check_robots=False).content)} bytes"
except FetchError as error:
    outcome = error.reason
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"outcome": outcome, "grew_mb": (after - before) / 1024, "peak_mb": after / 1024}))
"""


def fetch_in_a_child(url: str) -> dict:
    """GET `url` with a PoliteClient in a fresh process: what came of it, and how far its peak memory (ru_maxrss,
    the kernel's own count) grew during the request."""
    done = subprocess.run([sys.executable, "-c", FETCH_IN_A_CHILD, url], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
