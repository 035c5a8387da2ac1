"""At most once per recipient (issue 12, point 5), with real receivers on 127.0.0.1: a webhook that takes the
message but answers after the timeout, an SMTP server that refuses one of two recipients, a receiver that drips."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from helpers import ChangingFeed, free_port

from aggregator.cli import main
from aggregator.config import load_config
from aggregator.notify import per_recipient
from aggregator.store import Store


class SlowWebhook:
    """Takes every POST (and keeps it), then answers only after `delay` seconds."""

    def __init__(self, delay: float):
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append(json.loads(body or b"{}"))
                time.sleep(delay)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class PickySMTP:
    """An SMTP server that refuses one recipient address (550) and keeps what it accepts, per recipient."""

    def __init__(self, refuse: str):
        self.delivered: list[tuple[str, str]] = []  # (recipient, subject)
        receiver = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
                if address == refuse:
                    return "550 5.1.1 no such mailbox"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                subject = next((line.split(":", 1)[1].strip() for line in envelope.content.decode(errors="replace")
                                .splitlines() if line.lower().startswith("subject:")), "")
                receiver.delivered.extend((rcpt, subject) for rcpt in envelope.rcpt_tos)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()


def write_config(tmp_path, feed_url: str, url: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(f"""
[http]
min_delay = 0
retries = 0
timeout = 5
[[sources]]
id = "dep"
kind = "feed"
url = "{feed_url}"
[[subscriptions]]
id = "team"
urls = ["{url}"]
[notify]
admin_urls = []
""", encoding="utf-8")
    return str(path)


def ledger(path) -> list[tuple[str, str]]:
    store = Store(load_config(path).database)
    try:
        return [(r["url_label"], r["status"]) for r in store.db.query("SELECT url_label, status FROM deliveries")]
    finally:
        store.close()


def test_a_webhook_that_answers_too_late_gets_the_message_once(http_server, tmp_path, capsys):
    feed = ChangingFeed(http_server)
    hook = SlowWebhook(delay=2.5)
    try:
        config = write_config(tmp_path, feed.url, f"json://127.0.0.1:{hook.port}/hook?rto=1")
        assert main(["run", "--config", config]) == 0  # the baseline
        feed.add("Ny sak som tar tid")
        for _ in range(4):
            assert main(["run", "--config", config]) == 0
        time.sleep(0.2)
        assert [m["title"] for m in hook.received] == ["Ny sak som tar tid"]  # not 4 times
        assert [status for _, status in ledger(config)] == ["unknown"]
        assert "outcome unknown" in capsys.readouterr().err
        assert main(["status", "--config", config]) == 0
        assert "1 unknown" in capsys.readouterr().out
    finally:
        hook.close()


def test_one_refused_recipient_costs_the_other_nothing_and_sends_no_copies(http_server, tmp_path):
    feed = ChangingFeed(http_server)
    smtp = PickySMTP(refuse="refused@example.org")
    try:
        url = (f"mailto://127.0.0.1:{smtp.port}?to=ok@example.org,refused@example.org"
               "&from=aggregator@example.org")
        config = write_config(tmp_path, feed.url, url)
        assert main(["run", "--config", config]) == 0
        feed.add("Sak til to mottakere")
        for _ in range(6):
            assert main(["run", "--config", config]) == 0
        assert [rcpt for rcpt, _ in smtp.delivered] == ["ok@example.org"]  # exactly one copy
        statuses = dict(ledger(config))
        assert sorted(statuses.values()) == ["pending", "sent"]  # the refused one is retried (then given up)
        assert any("to=refused%40example.org" in label or "to=refused@example.org" in label for label in statuses)
    finally:
        smtp.close()


@pytest.mark.parametrize("url, expected", [
    ("mailto://h?to=a@x.no,b@x.no&from=f@x.no", ["mailto://h?to=a@x.no&from=f@x.no", "mailto://h?to=b@x.no&from=f@x.no"]),
    ("mailtos://u:p@h?to=a@x.no", ["mailtos://u:p@h?to=a@x.no"]),
    ("json://h/p?to=a,b", ["json://h/p?to=a,b"]),
])
def test_email_urls_are_split_per_recipient(url, expected):
    assert per_recipient(url) == expected


class DrippingWebhook(SlowWebhook):
    """Takes the POST, then answers a byte every 0.3 s (bounded: it stops after 60 bytes)."""

    def __init__(self):
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append(json.loads(body or b"{}"))
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n")
                for _ in range(60):
                    try:
                        self.wfile.write(b" ")
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(0.3)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


def test_a_dripping_receiver_cannot_hold_a_delivery(http_server, tmp_path, monkeypatch):
    from aggregator.notify import sending

    monkeypatch.setattr(sending, "SEND_TIMEOUT", 2.0)
    feed = ChangingFeed(http_server)
    hook = DrippingWebhook()
    try:
        config = write_config(tmp_path, feed.url, f"json://127.0.0.1:{hook.port}/hook")
        assert main(["run", "--config", config]) == 0
        feed.add("Sak til en treg mottaker")
        started = time.monotonic()
        assert main(["run", "--config", config]) == 0
        assert time.monotonic() - started < 8
        assert [status for _, status in ledger(config)] == ["unknown"] and len(hook.received) == 1
    finally:
        hook.close()
