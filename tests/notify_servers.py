"""Real receivers on 127.0.0.1 for the notification tests: a webhook (Apprise json://) and an SMTP server
(aiosmtpd, Apprise mailto://), both able to refuse the next N messages; and an RSS feed whose items a
test changes between runs."""

from __future__ import annotations

import email
import email.policy
import json
import logging
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class WebhookReceiver:
    """Accepts the JSON that Apprise's json://127.0.0.1:PORT/PATH posts; `fail(n)` answers 500 to the next n
    (`fail(n, "path")`: the next n to that path)."""

    def __init__(self):
        self.messages: list[dict] = []  # {"path", "title", "message", "type"}
        self.refused = 0
        self._fail: dict[str | None, int] = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # the answer goes out at once: no 40 ms delayed-ACK wait

            def do_POST(self):  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    payload = json.loads(raw.decode("utf-8"))
                except ValueError:  # a sender killed half-way: nothing arrived
                    return self._answer(400)
                with receiver._lock:
                    for key in (self.path.lstrip("/"), None):
                        if receiver._fail.get(key):
                            receiver._fail[key] -= 1
                            receiver.refused += 1
                            return self._answer(500)
                    receiver.messages.append({"path": self.path, **payload})
                self._answer(200)

            def _answer(self, status: int):
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str = "hook") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def fail(self, times: int, path: str | None = None) -> None:
        with self._lock:
            self._fail[path] = times

    def titles(self, path: str | None = None) -> list[str]:
        with self._lock:
            return [m["title"] for m in self.messages if path is None or m["path"] == f"/{path}"]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["subject"])

    def part(self, subtype: str) -> str | None:
        body = self.message.get_body(preferencelist=(subtype,))
        return body.get_content() if body is not None and body.get_content_subtype() == subtype else None


class SMTPReceiver:
    """An SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message, accepts the login user/PASSWORD
    without TLS, and can refuse the next n messages (451)."""

    USER, PASSWORD = "robot", "s3cret+pw"  # smtplib logs in with ASCII only

    def __init__(self):
        self.mails: list[Mail] = []
        self.logins: list[str] = []
        self._fail = 0
        receiver = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's naming)
                if receiver._fail:
                    receiver._fail -= 1
                    return "451 Try again later"
                message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
                receiver.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), message))
                return "250 OK"

        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == self.USER \
                and auth_data.password.decode("utf-8") == self.PASSWORD
            if ok:
                receiver.logins.append(auth_data.login.decode())
            return AuthResult(success=ok)

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd narrates every SMTP command at INFO
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, authenticator=authenticate,
                                     auth_require_tls=False, auth_required=False)
        self.controller.start()

    def url(self, to: str = "staff@example.org", login: bool = True) -> str:
        """Apprise's mailto:// (not mailtos://) is plain SMTP: no STARTTLS, which a local test server lacks."""
        from urllib.parse import quote

        auth = f"{self.USER}:{quote(self.PASSWORD, safe='')}@" if login else ""
        return f"mailto://{auth}127.0.0.1:{self.port}?to={to}&from=aggregator@example.org"

    def fail(self, times: int) -> None:
        self._fail = times

    def close(self) -> None:
        self.controller.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ------------------------------------------------------------------------------------------ a changing feed


@dataclass
class FeedItem:
    n: int
    title: str
    summary: str = ""
    category: str = "Pressemelding"

    @property
    def link(self) -> str:
        return f"https://departement.example.org/no/aktuelt/sak-{self.n}/id{9100000 + self.n}/"


class ChangingFeed:
    """An RSS feed served by conftest's LocalServer at `path`, whose items a test adds between runs."""

    def __init__(self, server, path: str = "/rss"):
        self.server, self.path, self.items = server, path, []
        self.broken = False
        self.server.add(path, self._answer)

    @property
    def url(self) -> str:
        return self.server.url + self.path

    def add(self, title: str, summary: str = "", category: str = "Pressemelding") -> FeedItem:
        item = FeedItem(len(self.items) + 1, title, summary, category)
        self.items.append(item)
        return item

    def _answer(self, request):
        from conftest import Route

        if self.broken:
            return Route(b"down for maintenance", 503, content_type="text/plain")
        return Route(self.render(), content_type="application/rss+xml; charset=utf-8")

    def render(self) -> bytes:
        start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        entries = "".join(
            f"""<item><title>{escape(i.title)}</title><link>{i.link}</link>
<description>{escape(i.summary)}</description><category>{escape(i.category)}</category>
<pubDate>{format_datetime(start + timedelta(hours=i.n))}</pubDate></item>"""
            for i in reversed(self.items)
        )
        return (f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Testdepartementet</title>
<link>https://departement.example.org/no/</link><description>Nyheter</description><language>nb-NO</language>
{entries}</channel></rss>""").encode()
