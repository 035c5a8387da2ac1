"""The tools the tests share (conftest.py holds only the pytest fixtures built on them):

- paths, recorded pages and the Atom check: ROOT, FIXTURES, SHARED, `shared_file`, `validate_atom`, `feed_entries`;
- config files: `write_config` (sections from dicts: each test states what matters to it, the rest is defaults),
  `write_config_text` (a config as the text a test is about); `kind_of_ones_own` (a source kind's module);
- the store: `open_store`, `ledger` (the delivery ledger's rows), `hold_the_store` (another process holding its lock);
- local servers on 127.0.0.1: `LocalServer` (pages and feeds by path), `WebhookReceiver`, `SMTPReceiver`,
  `ChangingFeed` (an RSS feed whose items a test changes between runs);
- the project's own regjeringen.no pages (tests/fixtures/regjeringen) served at their paths: `serve_own_regjeringen`;
- the documents the store makes of a fetch: `completed`;
- hearing facts as the model keeps them: `hearing_extra`, `answer_extra`, `deadline_and_status`.
"""

from __future__ import annotations

import email
import email.policy
import json
import logging
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape

import feedparser
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from aggregator.config import Config, load_config
from aggregator.hearings import AnswerTo, Hearing, hearing_of, put, put_answer
from aggregator.merge import ARTICLE, Document, Observation, merge
from aggregator.records import FetchResult
from aggregator.store import Store

# ============================================================================ paths, recorded pages, the Atom check

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


def feed_entries(folder: Path, feed: str = "all") -> dict[str, Any]:
    """The entries of folder/feeds/<feed>.atom (the default output folder of a config in `folder`) by id, the file
    validated first (validate_atom)."""
    return {e.id: e for e in validate_atom(Path(folder) / "feeds" / f"{feed}.atom").entries}


# ============================================================================ config files, and a kind of one's own

# [http] as the tests want it: no politeness delay, no retries, a short timeout (a local server answers at once).
FAST_HTTP = {"min_delay": 0, "retries": 0, "timeout": 5}


def write_config(folder: Path, *, sources: Sequence[Mapping] = (), topics: Sequence[Mapping] = (),
                 subscriptions: Sequence[Mapping] = (), http: Mapping | None = None, output: Mapping | None = None,
                 storage: Mapping | None = None, notify: Mapping | None = None) -> str:
    """Write folder/config.toml and return its path (as `main` takes it).

    Each source, topic and subscription is a dict of its keys, in order; a dict among them (a ks source's
    `selectors`) is its sub-table. [http] is FAST_HTTP with `http`'s keys over it; [output], [storage] and [notify]
    are written when given."""
    sections = [_table("[http]", {**FAST_HTTP, **(http or {})})]
    for name, keys in (("output", output), ("storage", storage), ("notify", notify)):
        if keys is not None:
            sections.append(_table(f"[{name}]", keys))
    for name, tables in (("sources", sources), ("topics", topics), ("subscriptions", subscriptions)):
        sections += [_table(f"[[{name}]]", keys, name) for keys in tables]
    return write_config_text(folder, "\n".join(sections) + "\n")


def write_config_text(folder: Path, text: str) -> str:
    """Write `text` as folder/config.toml, for tests about the config's text itself; returns its path."""
    path = Path(folder) / "config.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _table(header: str, keys: Mapping, name: str = "") -> str:
    lines = [header] + [f"{key} = {_toml(value)}" for key, value in keys.items() if not isinstance(value, Mapping)]
    lines += [_table(f"[{name}.{key}]", value) for key, value in keys.items() if isinstance(value, Mapping)]
    return "\n".join(lines)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON's string escapes are TOML's basic string escapes
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


@contextmanager
def kind_of_ones_own(folder: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str) -> Iterator[None]:
    """A source kind of one's own: the module `name` (its `source` text) in folder/kinds, outside the project,
    importable while the block runs and forgotten after it."""
    kinds = folder / "kinds"
    kinds.mkdir()
    (kinds / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    monkeypatch.syspath_prepend(str(kinds))
    try:
        yield
    finally:
        sys.modules.pop(name, None)


# ============================================================================ the store and its ledger


def open_store(config: str | Path | Config) -> closing[Store]:
    """The store a config (its file, or as loaded) names, closed when the `with` block ends."""
    loaded = config if isinstance(config, Config) else load_config(config)
    return closing(Store(loaded.database))


def ledger(config: str | Path | Config, *kinds: str) -> list[dict]:
    """Every delivery of the notification ledger (of messages of these kinds: item, batch, digest, admin, update,
    reminder; all by default), the oldest message first: its subscription_id, kind, key and title (of its first
    item, where it has one), and the delivery's url_label, status, attempts, last_error and next_attempt_run."""
    where = f"WHERE m.kind IN ({', '.join('?' * len(kinds))})" if kinds else ""
    with open_store(config) as store:
        return list(store.db.query(
            "SELECT m.subscription_id, m.kind, m.key, i.title, d.url_label, d.status, d.attempts, d.last_error, "
            "d.next_attempt_run FROM deliveries d JOIN messages m ON m.id = d.message_id "
            f"LEFT JOIN items i ON i.id = json_extract(m.item_ids, '$[0]') {where} ORDER BY m.id, d.rowid", kinds))


@contextmanager
def hold_the_store(database: Path) -> Iterator[subprocess.Popen]:
    """Another process holding the store's lock (as a running `aggregator run` does) while the block runs."""
    holder = ("import sys,time; from aggregator.store import Store; s=Store(sys.argv[1])\n"
              "with s.exclusive():\n print('locked', flush=True); time.sleep(30)")
    child = subprocess.Popen([sys.executable, "-c", holder, str(database)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        yield child
    finally:
        child.kill()
        child.wait()


# ============================================================================ local servers


class _QuietServer(ThreadingHTTPServer):
    """A client that goes away mid-answer (a killed run, a body not read past a limit) is no server error: no
    traceback on stderr, where it would land in whichever test is running then."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1, on a free port, serving in threads of its own until shutdown(). A short poll
    interval: shutdown() waits up to one, at every test's teardown."""
    httpd = _QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return httpd


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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

        self.httpd = _serve(Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def add(self, path: str, body, status: int = 200, content_type: str = "text/html; charset=utf-8", **headers) -> None:
        self.routes[path] = Route(body, status, {k.replace("_", "-"): v for k, v in headers.items()}, content_type)

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class WebhookReceiver:
    """Accepts the JSON that Apprise's json://127.0.0.1:PORT/PATH posts; `fail(n)` answers 500 to the next n
    (`fail(n, "path")`: the next n to that path).

    A slow receiver keeps each message, then answers only after `answer_after` seconds, or (`drip_every`) sends
    its answer one byte at a time, a byte every `drip_every` seconds (60 bytes at the most)."""

    def __init__(self, answer_after: float = 0, drip_every: float = 0):
        self.messages: list[dict] = []  # {"path", "title", "message", "type"}
        self.refused = 0
        self._fail: dict[str | None, int] = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK wait per answer

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
                if drip_every:
                    return self._drip()
                time.sleep(answer_after)
                self._answer(200)

            def _answer(self, status: int):
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _drip(self):
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n")
                for _ in range(60):
                    try:
                        self.wfile.write(b" ")
                        self.wfile.flush()
                    except OSError:  # the sender gave up
                        return
                    time.sleep(drip_every)

            def log_message(self, *args):
                pass

        self.httpd = _serve(Handler)
        self.port = self.httpd.server_address[1]

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
    without TLS, can refuse the next n messages (451), and refuses the recipients in `refuse` (550)."""

    USER, PASSWORD = "robot", "s3cret+pw"  # smtplib logs in with ASCII only

    def __init__(self, refuse: Sequence[str] = ()):
        self.mails: list[Mail] = []
        self.logins: list[str] = []
        self._fail = 0
        receiver = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's naming)
                if address in refuse:
                    return "550 5.1.1 no such mailbox"
                envelope.rcpt_tos.append(address)
                return "250 OK"

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
        auth = f"{self.USER}:{quote(self.PASSWORD, safe='')}@" if login else ""
        return f"mailto://{auth}127.0.0.1:{self.port}?to={to}&from=aggregator@example.org"

    def fail(self, times: int) -> None:
        self._fail = times

    def close(self) -> None:
        self.controller.stop()


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
    """An RSS feed served by a LocalServer at `path`, whose items a test adds between runs."""

    def __init__(self, server: LocalServer, path: str = "/rss"):
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

    def _answer(self, request: Request) -> Route:
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


# ============================================================================ the project's own regjeringen.no pages

REGJERINGEN = "https://www.regjeringen.no"
REGJERINGEN_LISTING = "/no/dokument/hoyringar/id1763/"  # hoyringar-page1.html, and ?page=2: hoyringar-page2.html
REGJERINGEN_RSS = "/no/rss/Rss/2581966/?owner=165"  # rss-owner165.xml
# Every document of the listing and the feed: number -> the path of its article page (article-id<number>.html)
REGJERINGEN_ARTICLES = {
    4100001: "/no/dokumenter/horing-norskopplaring-for-voksne-innvandrere/id4100001/",
    4100002: "/no/dokumenter/hoyring-familieinnvandring/id4100002/",
    4100003: "/no/dokumenter/horing-vold-og-trusler-mot-offentlig-ansatte/id4100003/",  # never served: 404
    4099990: "/no/dokumenter/horing-tilskudd-frivillige-organisasjoner/id4099990/",
    4099985: "/no/dokumenter/horing-interkommunalt-samarbeid/id4099985/",
    4100010: "/no/aktuelt/flere-flyktninger-i-arbeid/id4100010/",
    4100011: "/no/aktuelt/nye-tall-for-bosetting/id4100011/",
}
MISSING_ARTICLE = 4100003


def own_page(name: str) -> str:
    """One of the project's own regjeringen.no pages (tests/fixtures/regjeringen)."""
    return (FIXTURES / "regjeringen" / name).read_text("utf-8")


def regjeringen_id(number: int) -> str:
    """The item id of regjeringen.no's document `number`."""
    return f"{REGJERINGEN}/no/id{number}/"


def serve_own_regjeringen(server: LocalServer, slow_articles: float = 0.0) -> None:
    """The project's own regjeringen.no pages at their paths: robots.txt, the hearings listing (two pages), a
    ministry's RSS feed (with an ETag and a Last-Modified) and every article page but MISSING_ARTICLE's, each
    answering after `slow_articles` seconds."""
    server.add("/robots.txt", own_page("robots.txt"), content_type="text/plain; charset=utf-8")
    server.add(REGJERINGEN_LISTING, own_page("hoyringar-page1.html"))
    server.add(f"{REGJERINGEN_LISTING}?page=2", own_page("hoyringar-page2.html"))
    server.add(REGJERINGEN_RSS, own_page("rss-owner165.xml").replace("{base}", server.url),
               content_type="application/rss+xml; charset=utf-8", ETag='"rss-1"', Last_Modified="Mon, 30 Mar 2026 12:00:00 GMT")
    for number, path in REGJERINGEN_ARTICLES.items():
        if number == MISSING_ARTICLE:
            continue
        page = own_page(f"article-id{number}.html")
        if slow_articles:
            server.add(path, lambda request, page=page: (time.sleep(slow_articles), Route(page))[1])
        else:
            server.add(path, page)


# ============================================================================ what the store makes of a fetch


def completed(result: FetchResult, source_id: str) -> list[Document]:
    """The documents the store makes of a source's fetch: each record merged with its article page, if read."""
    return [merge([Observation(source_id, r)] + ([Observation(ARTICLE, result.articles[r.id])] if r.id in result.articles else []))
            for r in result.records]


# ============================================================================ hearing facts as the model keeps them


def hearing_extra(deadline: str | None = None, status: str | None = None, **facts) -> dict:
    """An `extra` table holding a hearing's facts (dates as ISO text, for short tests)."""
    extra: dict = {}
    put(extra, Hearing(deadline=date.fromisoformat(deadline) if deadline else None, status=status, **facts))
    return extra


def answer_extra(reference: str | None = None, link: str | None = None, **other) -> dict:
    """An `extra` table of an answer citing a reference and/or linking its hearing."""
    extra: dict = dict(other)
    put_answer(extra, AnswerTo((link,) if link else (), (reference,) if reference else ()))
    return extra


def deadline_and_status(record_or_item) -> tuple[str | None, str | None]:
    """A hearing's deadline (ISO text) and status, as short tests compare them."""
    hearing = hearing_of(record_or_item)
    if hearing is None:
        return None, None
    return (hearing.deadline.isoformat() if hearing.deadline else None), hearing.status


def update_and_reminder_ledger(database) -> dict[tuple[str, str], str]:
    """(message key, url label) → status, of every update and reminder delivery in a store (kill tests)."""
    from aggregator.store import Store

    store = Store(database)
    try:
        rows = store.db.query("SELECT m.kind, m.key, d.url_label, d.status FROM deliveries d "
                              "JOIN messages m ON m.id = d.message_id WHERE m.kind IN ('update', 'reminder')")
        return {(f"{r['kind']} {r['key']}", r["url_label"]): r["status"] for r in rows}
    finally:
        store.close()


def update_and_reminder_titles(database, config_path) -> dict[str, str]:
    """Message key → the title an update or reminder was rendered with (the mail's subject, the webhook's title)."""
    from aggregator.config import load_config
    from aggregator.notify.render import render, templates
    from aggregator.store import Store
    from aggregator.store import ledger as ledger_sql

    config = load_config(config_path)
    store = Store(database)
    try:
        environment = templates(config)
        found = {}
        for row in store.db.query("SELECT id FROM messages WHERE kind IN ('update', 'reminder')"):
            message = ledger_sql.message(store.conn, row["id"])
            found[f"{message['kind']} {message['key']}"] = render(config, store, environment, message, False).title
        return found
    finally:
        store.close()
