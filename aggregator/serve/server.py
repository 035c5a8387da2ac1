"""A server that idle or slow clients cannot exhaust.

One thread (the one calling serve_forever) accepts connections and reads request heads without blocking: a
connection costs no thread while it is idle or sends its request slowly, and one whose head is not complete within
`request_timeout` seconds (of connecting, or of its previous answer) is closed. A complete head goes to one of
`workers` threads, which answers it (files are streamed by the kernel) and hands a kept-alive connection back.
At most `max_connections` connections are open: past that, the longest-waiting idle one is closed for a new one.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .files import FileHandler, Request

MAX_HEAD = 64 * 1024  # request line and headers; a feed reader's are well under 2 KB


@dataclass(eq=False)
class _Connection:
    sock: socket.socket
    address: tuple
    deadline: float
    buffer: bytearray = field(default_factory=bytearray)


def _head_end(buffer: bytearray) -> int:
    """Where the request head ends in `buffer` (after its blank line), or -1 while it is not complete."""
    ends = [at + len(mark) for mark in (b"\r\n\r\n", b"\n\n") if (at := buffer.find(mark)) >= 0]
    return min(ends) if ends else -1


class FeedServer:
    def __init__(self, address: tuple[str, int], handler: type[FileHandler], *, workers: int = 16,
                 request_timeout: float = 10.0, send_timeout: float = 30.0, max_connections: int = 512):
        host, port = address
        self.socket = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET,
                                           backlog=128)
        self.socket.setblocking(False)
        self.server_address = self.socket.getsockname()[:2]
        self.handler, self.request_timeout, self.send_timeout = handler, request_timeout, send_timeout
        self.max_connections = max_connections
        self._selector = selectors.DefaultSelector()
        self._wake_in, self._wake_out = socket.socketpair()
        self._wake_out.setblocking(False)
        for sock, role in ((self.socket, "accept"), (self._wake_in, "wake")):
            sock.setblocking(False)
            self._selector.register(sock, selectors.EVENT_READ, role)
        self._waiting: dict[socket.socket, _Connection] = {}  # idle, or their head still arriving
        self._returned: deque[_Connection] = deque()  # kept alive after an answer, back from a worker
        self._lock = threading.Lock()
        self._open = 0
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="serve")
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self._stopped.set()

    # ----------------------------------------------------------------------------------- the accepting thread

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._stop.clear()
        self._stopped.clear()
        try:
            while not self._stop.is_set():
                for key, _ in self._selector.select(self._timeout(poll_interval)):
                    if key.data == "accept":
                        self._accept()
                    elif key.data == "wake":
                        self._take_back()
                    else:
                        self._read(key.data)
                self._expire()
        finally:
            self._stopped.set()

    def _timeout(self, poll_interval: float) -> float:
        soonest = min((c.deadline for c in self._waiting.values()), default=time.monotonic() + poll_interval)
        return max(0.0, min(poll_interval, soonest - time.monotonic()))

    def _accept(self) -> None:
        while True:
            try:
                sock, address = self.socket.accept()
            except OSError:  # none left (or no file descriptor left: the waiting ones are closed in time)
                return
            with self._lock:
                full = self._open >= self.max_connections
            if full and not self._evict():
                sock.close()
                continue
            with self._lock:
                self._open += 1
            sock.setblocking(False)
            self._await_head(_Connection(sock, address, time.monotonic() + self.request_timeout))

    def _evict(self) -> bool:
        """Close the longest-waiting idle connection to make room; False when none is idle."""
        if not self._waiting:
            return False
        self._close(min(self._waiting.values(), key=lambda c: c.deadline))
        return True

    def _await_head(self, conn: _Connection) -> None:
        if _head_end(conn.buffer) >= 0:
            self._pool.submit(self._work, conn)
            return
        self._waiting[conn.sock] = conn
        self._selector.register(conn.sock, selectors.EVENT_READ, conn)

    def _read(self, conn: _Connection) -> None:
        try:
            data = conn.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        conn.buffer += data
        if not data or len(conn.buffer) > MAX_HEAD:
            self._close(conn)
        elif _head_end(conn.buffer) >= 0:
            self._selector.unregister(conn.sock)
            del self._waiting[conn.sock]
            self._pool.submit(self._work, conn)

    def _expire(self) -> None:
        now = time.monotonic()
        for conn in [c for c in self._waiting.values() if c.deadline <= now]:
            self._close(conn)

    def _take_back(self) -> None:
        try:
            while self._wake_in.recv(4096):
                pass
        except BlockingIOError:
            pass
        while self._returned:
            conn = self._returned.popleft()
            conn.sock.setblocking(False)
            self._await_head(conn)

    def _close(self, conn: _Connection) -> None:
        if self._waiting.pop(conn.sock, None) is not None:
            self._selector.unregister(conn.sock)
        conn.sock.close()
        with self._lock:
            self._open -= 1

    # ----------------------------------------------------------------------------------- the workers

    def _work(self, conn: _Connection) -> None:
        """Answer the request at the head of the buffer; keep the connection alive when the client asks to."""
        keep = False
        try:
            conn.sock.settimeout(self.send_timeout)
            end = _head_end(conn.buffer)
            head, conn.buffer = bytes(conn.buffer[:end]), conn.buffer[end:]
            keep = not self.handler(Request(conn.sock, head), conn.address, self).close_connection  # type: ignore[arg-type]
        except Exception:  # a client gone, a send timed out: its connection ends, nothing else
            keep = False
        if keep and not self._stop.is_set():
            conn.deadline = time.monotonic() + self.request_timeout
            self._returned.append(conn)
            self._wake()
            return
        conn.sock.close()
        with self._lock:
            self._open -= 1

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # already awake (its buffer is full), or closed
            self._wake_out.send(b"x")

    # ----------------------------------------------------------------------------------- stopping

    def shutdown(self) -> None:
        """Stop serve_forever (called from another thread) and wait until it has returned."""
        self._stop.set()
        self._wake()
        self._stopped.wait()

    def server_close(self) -> None:
        for conn in list(self._waiting.values()):
            self._close(conn)
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._selector.close()
        for sock in (self.socket, self._wake_in, self._wake_out):
            sock.close()
