"""The fault suite (issue 12): hostile feeds and pages, a dripping server, an output folder that cannot be
written, damaged stores, Ctrl-C. All on 127.0.0.1, bounded in time. Every output file stays valid, nothing
stored is lost, and each fault is a clear error with its own exit code, never a traceback."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import ROOT, Route, open_store, validate_atom, write_config
from selectolax.lexbor import LexborHTMLParser

from aggregator.cli import main
from aggregator.http import FetchError, HttpSettings, PoliteClient


def hostile_config(tmp_path: Path, url: str, output: str = "feeds", subscriptions=()) -> str:
    """One feed source; one retry and a 2 s timeout, so that the slow and hostile answers are bounded."""
    return write_config(tmp_path, output={"directory": output, "base_url": "https://feeds.example.org/"},
                        http={"retries": 1, "timeout": 2}, sources=[{"id": "hostile", "kind": "feed", "url": url}],
                        subscriptions=subscriptions)


def item(title: str, link: str, extra: str = "") -> str:
    return f"<item><title>{title}</title><link>{link}</link>{extra}</item>"


HOSTILE_ITEMS = [
    item("Lenke med kontrolltegn", "http://h.example/x&#1;y"),
    item("Dato i år 9999", "http://h.example/dato", "<pubDate>Fri, 31 Dec 9999 10:00:00 GMT</pubDate>"),
    item("Skript", "javascript:alert(document.cookie)"),
    item("Data", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
    item("Port utenfor", "http://h.example:99999/port"),
    item("IPv6 brutt", "http://[::1/brutt"),
    item("Høyre-til-venstre", "http://h.example/&#x202E;fdp.exe"),
    item("Surrogat &#xD800; i tittel", "http://h.example/surrogat"),
    item("Vanlig sak", "http://h.example/vanlig", "<pubDate>Mon, 02 Mar 2026 10:00:00 +0100</pubDate>"),
]


def hostile_feed(language: str = "n&#1;b") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Fiendtlig</title>'
            f"<link>http://h.example/</link><language>{language}</language>{''.join(HOSTILE_ITEMS)}</channel></rss>")


def links_in_index(path: Path) -> list[str]:
    tree = LexborHTMLParser(path.read_text("utf-8"))
    return [a.attributes.get("href") or "" for a in tree.css("a[href]")]


# ============================================================================ poisoned items


def test_poisoned_items_are_warnings_and_never_stop_a_run(http_server, tmp_path, capsys):
    http_server.add("/rss", hostile_feed(), content_type="application/rss+xml")
    config = hostile_config(tmp_path, http_server.url + "/rss")
    for _ in range(2):  # the second run too: nothing poisoned was kept to fail it
        assert main(["run", "--config", config]) == 0
        feed = validate_atom(tmp_path / "feeds" / "all.atom")
        links = sorted(e.link for e in feed.entries)
        assert links == sorted(["http://h.example/xy", "http://h.example/dato", "http://h.example/fdp.exe",
                                "http://h.example/surrogat", "http://h.example/vanlig"])
        # http(s), or relative (the page's own feeds): never javascript: or data:
        assert all(urlsplit(link).scheme in ("http", "https", "") for link in links_in_index(tmp_path / "feeds" / "index.html"))
    err = capsys.readouterr().err
    assert "javascript:" in err and "not an http(s) link" in err and "Traceback" not in err
    dated = {e.link: e for e in feed.entries}
    assert "published" not in dated["http://h.example/dato"]  # a year 9999 is no date


def test_an_item_stored_by_an_older_version_with_a_hostile_link_is_left_out_of_every_file(http_server, tmp_path):
    http_server.add("/rss", hostile_feed("nb"), content_type="application/rss+xml")
    config = hostile_config(tmp_path, http_server.url + "/rss")
    assert main(["run", "--config", config]) == 0
    with open_store(config) as store:  # as an older version could have stored it
        store.conn.execute("UPDATE items SET link = 'javascript:alert(1)' WHERE link = 'http://h.example/vanlig'")
        store.conn.execute("DELETE FROM store_meta WHERE key IN ('filed_config', 'published_state')")  # as on upgrade
        store.conn.commit()
    assert main(["build", "--config", config]) == 0
    feed = validate_atom(tmp_path / "feeds" / "all.atom")
    assert "javascript:alert(1)" not in {e.link for e in feed.entries} and len(feed.entries) == 4
    assert "javascript:" not in (tmp_path / "feeds" / "index.html").read_text("utf-8")


def test_an_empty_answer_and_a_redirect_to_a_file_are_clear_source_errors(http_server, tmp_path, capsys):
    http_server.add("/rss", b"", content_type="application/rss+xml")
    config = hostile_config(tmp_path, http_server.url + "/rss")
    assert main(["run", "--config", config]) == 1
    assert "not an RSS or Atom feed (an empty answer)" in capsys.readouterr().err
    http_server.add("/rss", b"", status=302, Location="file:///etc/passwd")
    http_server.requests.clear()
    assert main(["run", "--config", config]) == 1
    err = capsys.readouterr().err
    assert "cannot be requested" in err and "Traceback" not in err
    assert http_server.paths() == ["/rss"]  # not retried: asking again cannot help


# ============================================================================ slow and hostile servers


class DrippingServer:
    """Answers every request with headers at once, then a body one byte every `interval` seconds."""

    def __init__(self, interval: float = 0.2):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.interval, self.stop = interval, threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        try:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n")
            for _ in range(200):  # bounded: 200 bytes at most, then it stops by itself
                if self.stop.is_set():
                    break
                conn.sendall(b" ")
                time.sleep(self.interval)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


def test_a_server_that_drips_cannot_hold_a_run(tmp_path):
    server = DrippingServer()
    try:
        client = PoliteClient(HttpSettings(min_delay=0, retries=0, timeout=0.5))
        started = time.monotonic()
        with pytest.raises(FetchError, match="no complete answer within 1 s"):
            client.get(server.url + "/rss", check_robots=False)
        assert time.monotonic() - started < 5
    finally:
        server.close()


def test_a_long_retry_after_is_not_waited_out_and_the_host_is_left_alone_this_run(http_server):
    http_server.add("/a", "busy", status=429, content_type="text/plain", Retry_After="300")
    http_server.add("/b", "fine")
    slept: list[float] = []
    client = PoliteClient(HttpSettings(min_delay=0, retries=3, timeout=2), sleep=slept.append)
    with pytest.raises(FetchError, match="asks to wait 300 s"):
        client.get(http_server.url + "/a", check_robots=False)
    with pytest.raises(FetchError, match="not asked again until the next run"):
        client.get(http_server.url + "/b", check_robots=False)
    assert slept == [] and http_server.paths() == ["/a"]


def test_a_host_that_cannot_be_reached_is_said_so_once_and_not_retried(tmp_path):
    with socket.socket() as s:  # a port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    slept: list[float] = []
    client = PoliteClient(HttpSettings(min_delay=0, retries=3, timeout=2), sleep=slept.append)
    with pytest.raises(FetchError, match=r"cannot reach 127.0.0.1 \(no network or DNS\?\)"):
        client.get(f"http://127.0.0.1:{port}/a", check_robots=False)
    assert slept == []  # no back-off for a host that is not there


# ============================================================================ the output folder


def test_an_output_folder_that_cannot_be_written_is_exit_5_and_notifications_still_go(http_server, webhook, tmp_path,
                                                                                       capsys):
    http_server.add("/rss", hostile_feed("nb"), content_type="application/rss+xml")
    (tmp_path / "blocked").write_text("a file where the output folder should be")
    config = hostile_config(tmp_path, http_server.url + "/rss", output="blocked/feeds",
                            subscriptions=[{"id": "team", "urls": [webhook.url()]}])
    assert main(["run", "--config", config]) == 5
    err = capsys.readouterr().err
    assert "cannot write the feeds to" in err and "[output] directory" in err and "Traceback" not in err
    http_server.add("/rss", hostile_feed("nb").replace("</channel>", item("Ny sak", "http://h.example/ny") + "</channel>"),
                    content_type="application/rss+xml")
    assert main(["run", "--config", config]) == 5
    assert webhook.titles() == ["Ny sak"]  # the store is fine, so notifications still go out


def _mount_tmpfs(path: Path, size: str) -> bool:
    if shutil.which("mount") is None or os.geteuid() != 0:
        return False
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    return done.returncode == 0


def test_a_full_disk_is_exit_5_and_leaves_the_feeds_that_were_there_intact(http_server, tmp_path, capsys):
    full = tmp_path / "small"
    if not _mount_tmpfs(full, "48k"):
        pytest.skip("cannot mount a small tmpfs here (needs root and mount rights): the full-disk case is not run")
    try:
        many = "".join(item(f"Sak nummer {n} " + "med en lang tittel " * 20, f"http://h.example/{n}",
                            f"<description>{'tekst ' * 300}</description>") for n in range(60))
        http_server.add("/rss", f'<rss version="2.0"><channel><title>x</title>{many}</channel></rss>',
                        content_type="application/rss+xml")
        config = hostile_config(tmp_path, http_server.url + "/rss", output=str(full / "feeds"))
        assert main(["run", "--config", config]) == 5
        assert "cannot write the feeds" in capsys.readouterr().err
        assert not list(full.rglob("*.tmp"))  # nothing half-written left behind
        for atom in full.rglob("*.atom"):
            validate_atom(atom)
    finally:
        subprocess.run(["umount", str(full)], capture_output=True)


def test_a_read_only_output_folder_is_exit_5_and_the_feeds_there_stay(http_server, tmp_path, capsys):
    folder = tmp_path / "ro"
    if not _mount_tmpfs(folder, "1m"):
        pytest.skip("cannot mount a tmpfs here (needs root and mount rights): the read-only case is not run")
    try:
        http_server.add("/rss", hostile_feed("nb"), content_type="application/rss+xml")
        config = hostile_config(tmp_path, http_server.url + "/rss", output=str(folder / "feeds"))
        assert main(["run", "--config", config]) == 0
        before = (folder / "feeds" / "all.atom").read_bytes()
        assert subprocess.run(["mount", "-o", "remount,ro", str(folder)], capture_output=True).returncode == 0
        http_server.add("/rss", hostile_feed("nb").replace("</channel>", item("Ny sak", "http://h.example/ny") + "</channel>"),
                        content_type="application/rss+xml")
        assert main(["run", "--config", config]) == 5
        err = capsys.readouterr().err
        assert "cannot write the feeds" in err and "Read-only file system" in err and "Traceback" not in err
        assert (folder / "feeds" / "all.atom").read_bytes() == before  # the last good feed stays as it was
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def test_temporary_files_left_by_a_killed_publish_are_cleared(http_server, tmp_path):
    http_server.add("/rss", hostile_feed("nb"), content_type="application/rss+xml")
    config = hostile_config(tmp_path, http_server.url + "/rss")
    assert main(["run", "--config", config]) == 0
    leftover = tmp_path / "feeds" / "sources" / ".hostile.atom.x1y2z3.tmp"
    leftover.write_bytes(b"<feed>half")
    assert main(["run", "--config", config]) == 0
    assert not leftover.exists()


# ============================================================================ the store


def _run_with_store(tmp_path: Path, http_server, prepare) -> tuple[int, str]:
    http_server.add("/rss", hostile_feed("nb"), content_type="application/rss+xml")
    config = hostile_config(tmp_path, http_server.url + "/rss")
    assert main(["run", "--config", config]) == 0
    prepare(tmp_path / "data" / "aggregator.db")
    done = subprocess.run([sys.executable, "-m", "aggregator.cli", "run", "--config", config],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    return done.returncode, done.stderr


def test_an_empty_store_file_is_no_new_store(http_server, tmp_path):
    code, err = _run_with_store(tmp_path, http_server, lambda db: (db.unlink(), db.write_bytes(b"")))
    assert code == 4 and "empty file (0 bytes)" in err and "move it away" in err and "Traceback" not in err


def test_a_store_missing_a_table_is_exit_4_not_silence(http_server, tmp_path):
    def drop(db: Path) -> None:
        with sqlite3.connect(db) as conn:
            conn.execute("DROP TABLE deliveries")
    code, err = _run_with_store(tmp_path, http_server, drop)
    assert code == 4 and "deliveries" in err and "Traceback" not in err


def test_a_store_with_damaged_pages_is_exit_4(http_server, tmp_path):
    def damage(db: Path) -> None:
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        data = bytearray(db.read_bytes())
        data[4096:len(data)] = os.urandom(len(data) - 4096)  # every page but the header page
        db.write_bytes(bytes(data))
    code, err = _run_with_store(tmp_path, http_server, damage)
    assert code == 4 and "damaged" in err and "Traceback" not in err


# ============================================================================ Ctrl-C


def test_ctrl_c_stops_cleanly_with_130_and_the_next_run_goes_on(http_server, tmp_path):
    def slow(request):
        time.sleep(0.5)
        return Route(hostile_feed("nb"), content_type="application/rss+xml")

    http_server.add("/rss", slow)
    config = hostile_config(tmp_path, http_server.url + "/rss")
    child = subprocess.Popen([sys.executable, "-m", "aggregator.cli", "run", "--config", config], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not http_server.requests and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=20)
    assert child.returncode == 130
    assert err.strip().splitlines() == ["aggregator: interrupted; what was already stored is kept, the rest is done "
                                        "on the next run"]
    assert main(["run", "--config", config]) == 0
    assert len(validate_atom(tmp_path / "feeds" / "all.atom").entries) == 5
