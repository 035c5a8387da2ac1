"""`aggregator serve` with real HTTP requests: types, validators and 304s, HEAD, the index, nothing outside."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest
from helpers import ROOT, write_config

from aggregator.serve import make_server


@pytest.fixture
def served(tmp_path):
    root = tmp_path / "feeds"
    (root / "topics").mkdir(parents=True)
    (root / "all.atom").write_text('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"/>')
    (root / "topics" / "hearings.atom").write_text("<feed/>")
    (root / "hearings").mkdir()
    (root / "hearings" / "deadlines.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    (root / "feeds.opml").write_text("<opml/>")
    (root / "index.html").write_text("<!DOCTYPE html><title>Feeds</title>")
    (tmp_path / "config.toml").write_text("secret = true")  # beside the output folder: must stay unreachable
    os.symlink(tmp_path / "config.toml", root / "link.atom")
    server = make_server(root, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()


def test_types_and_the_index(served):
    base, _ = served
    with httpx.Client() as client:
        assert client.get(f"{base}/all.atom").headers["content-type"] == "application/atom+xml; charset=utf-8"
        assert client.get(f"{base}/hearings/deadlines.ics").headers["content-type"] == "text/calendar; charset=utf-8"
        assert client.get(f"{base}/feeds.opml").headers["content-type"] == "text/x-opml; charset=utf-8"
        index = client.get(f"{base}/")
        assert index.status_code == 200 and index.headers["content-type"] == "text/html; charset=utf-8"
        assert "<title>Feeds</title>" in index.text
        head = client.head(f"{base}/topics/hearings.atom")
        assert head.status_code == 200 and head.content == b"" and head.headers["content-length"] == "7"


def test_conditional_requests_get_304_until_the_file_changes(served):
    base, root = served
    with httpx.Client() as client:
        first = client.get(f"{base}/all.atom")
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert client.get(f"{base}/all.atom", headers={"If-None-Match": etag}).status_code == 304
        assert client.get(f"{base}/all.atom", headers={"If-Modified-Since": modified}).status_code == 304
        (root / "all.atom").write_text("<feed>changed</feed>")
        os.utime(root / "all.atom", (time.time() + 5, time.time() + 5))
        again = client.get(f"{base}/all.atom", headers={"If-None-Match": etag})
        assert again.status_code == 200 and again.headers["etag"] != etag and again.text == "<feed>changed</feed>"


@pytest.mark.parametrize("path", ["/../config.toml", "/%2e%2e/config.toml", "/topics/..%2f..%2fconfig.toml",
                                  "/link.atom", "/nothing.atom", "/topics/", "//etc/passwd", "/%00"])
def test_nothing_outside_the_output_folder_is_served(served, path):
    base, _ = served
    with socket_request(base, path) as answer:
        assert answer.startswith(b"HTTP/1.0 404") or answer.startswith(b"HTTP/1.1 404") or b" 400 " in answer[:20]
        assert b"secret = true" not in answer


class socket_request:
    """A raw request (httpx would normalize the path before sending it)."""

    def __init__(self, base: str, path: str):
        import socket

        host, port = base.removeprefix("http://").split(":")
        self.sock = socket.create_connection((host, int(port)))
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())

    def __enter__(self) -> bytes:
        chunks = []
        while chunk := self.sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)

    def __exit__(self, *exc) -> None:
        self.sock.close()


def test_the_serve_command_prints_its_url_and_stops_cleanly_on_ctrl_c(tmp_path):
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "index.html").write_text("<title>x</title>")
    config = write_config(tmp_path, sources=[{"id": "s", "kind": "feed", "url": "https://example.org/rss"}])
    child = subprocess.Popen([sys.executable, "-m", "aggregator.cli", "serve", "--port", "0", "--config", config], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.startswith("aggregator serve: ") and "http://127.0.0.1:" in line
        url = line.split(" at ")[1].split(" ")[0]
        assert httpx.get(url).text == "<title>x</title>"
        assert not (tmp_path / "data").exists()  # serving opens no store
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=10)
        assert child.returncode == 0 and err.strip() == "aggregator serve: stopped"
    finally:
        child.kill()
