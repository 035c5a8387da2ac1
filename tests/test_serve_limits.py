"""`serve` that idle or slow clients cannot exhaust (issue 19, finding 10), against a real serving process: hundreds
of connections that never finish a request cost no thread and are closed after the time limit while a reader is
still served; fifty readers of a 10 MB file keep its memory low (the kernel's peak RSS of the process); weak ETags
are compared as RFC 9110 says; SIGTERM stops it as Ctrl-C does."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from helpers import ROOT

from aggregator.serve import etag_matches

SERVE = """
import sys
from aggregator.serve import make_server
server = make_server(sys.argv[1], "127.0.0.1", 0, workers=int(sys.argv[2]), request_timeout=float(sys.argv[3]))
print(server.server_address[1], flush=True)
server.serve_forever(poll_interval=0.1)
"""
FEED = b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'


def status_of(pid: int) -> dict[str, str]:
    """The kernel's view of a process (/proc/PID/status): Threads, VmHWM (peak resident memory), …"""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {key: value.strip() for key, _, value in (line.partition(":") for line in lines)}


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "feeds"
    root.mkdir()
    (root / "all.atom").write_bytes(FEED)
    (root / "index.html").write_text("<!DOCTYPE html><title>Feeds</title>")
    return root


@pytest.fixture
def server(folder):
    """A serving process with 4 workers and a 1 s limit on a request's head: (base URL, pid)."""
    child = subprocess.Popen([sys.executable, "-c", SERVE, str(folder), "4", "1.0"], cwd=ROOT, stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout is not None
        yield f"http://127.0.0.1:{child.stdout.readline().strip()}", child.pid
    finally:
        child.kill()
        child.wait()


def test_idle_and_slow_connections_cost_no_thread_and_are_closed_in_time(server):
    base, pid = server
    port = int(base.rsplit(":", 1)[1])
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(300)]
    for sock in idle[:50]:  # slowloris: a request begun and never finished
        sock.sendall(b"GET /all.atom HTTP/1.1\r\nHost: x\r\n")
    try:
        answer = httpx.get(f"{base}/all.atom", timeout=5)  # a reader is served meanwhile
        assert answer.status_code == 200 and answer.content == FEED
        assert int(status_of(pid)["Threads"]) <= 4 + 2  # the old server: a thread for each of the 300
        closed = 0
        for sock in idle:  # each is closed by the server after the 1 s limit (the old one kept them for ever)
            sock.settimeout(10)
            try:
                closed += sock.recv(1024) == b""
            except ConnectionResetError:
                closed += 1
        assert closed == len(idle)
    finally:
        for sock in idle:
            sock.close()
    assert httpx.get(f"{base}/", timeout=5).status_code == 200


def test_kept_alive_connections_answer_again_and_close_when_idle(server):
    base, _ = server
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(10)
        request = b"GET /all.atom HTTP/1.1\r\nHost: x\r\n\r\n"
        sock.sendall(request + request)  # two at once (pipelined): two answers
        data = b""
        while data.count(FEED) < 2:
            data += sock.recv(65536)
        assert data.count(b"HTTP/1.1 200 OK") == 2
        assert sock.recv(1024) == b""  # then idle: closed after the limit


def test_weak_etags_match_as_rfc_9110_says(server):
    base, _ = server
    with httpx.Client(timeout=5) as client:
        etag = client.get(f"{base}/all.atom").headers["etag"]
        assert not etag.startswith("W/")  # strong: the same bytes
        for header in (f"W/{etag}", f'"other", W/{etag}', f'W/"other" , {etag}', "*"):
            assert client.get(f"{base}/all.atom", headers={"If-None-Match": header}).status_code == 304, header
        assert client.get(f"{base}/all.atom", headers={"If-None-Match": 'W/"other"'}).status_code == 200
    assert etag_matches('W/"a,b", "c"', '"a,b"') and not etag_matches('"ab"', '"a"')


def test_fifty_readers_of_a_big_file_keep_the_memory_low(folder, tmp_path):
    big = bytes(range(256)) * (10 * 4096)  # 10 MB
    (folder / "big.atom").write_bytes(big)
    config = tmp_path / "config.toml"
    config.write_text(f'[output]\ndirectory = "{folder}"\n[[sources]]\nid = "s"\nkind = "feed"\nurl = "https://example.org/rss"\n')
    child = subprocess.Popen([sys.executable, "-m", "aggregator.cli", "serve", "--port", "0", "--config", str(config)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        url = child.stdout.readline().split(" at ")[1].split(" ")[0] + "big.atom"
        received: list[int] = []

        def read() -> None:
            with httpx.stream("GET", url, timeout=30) as answer:
                received.append(sum(len(chunk) for chunk in answer.iter_raw()))

        readers = [threading.Thread(target=read) for _ in range(50)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(60)
        assert received == [len(big)] * 50
        peak_kb = int(status_of(child.pid)["VmHWM"].split()[0])
        assert peak_kb < 64 * 1024, f"peak {peak_kb} kB"  # the old server, reading the file whole per request: 250 MB
        child.send_signal(signal.SIGTERM)  # what systemd sends: stops as Ctrl-C does
        _, err = child.communicate(timeout=10)
        assert child.returncode == 0 and err.strip() == "aggregator serve: stopped"
    finally:
        child.kill()
        child.wait()

