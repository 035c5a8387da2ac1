"""A hearing kind of one's own, written as one small module, gets everything hearings get, end to end through the
CLI: following on its refresh interval (through its re-read hook), update events when a deadline or status changes,
its entries in hearings/open.atom, its deadline in hearings/deadlines.ics, and reminders."""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from helpers import kind_of_ones_own, open_store, validate_atom, write_config

from aggregator.cli import main
from aggregator.kinds import get_kind

# A town council's hearings as JSON: a list, and a page per hearing with what changes (its deadline, its status).
KIND_MODULE = '''
"""`kind = "town_hearings"`: a town council's hearings, from its JSON list; each followed hearing's own JSON read
again on its refresh interval (a kind of one's own, for the tests)."""

import json
from datetime import date

from aggregator.hearings import Hearing, put
from aggregator.hearings.follow import record_of
from aggregator.kinds import SourceKind
from aggregator.records import FetchResult, Record
from aggregator.sources import get_subscribed_feed


def _record(entry: dict) -> Record:
    record = Record(id=entry["url"], link=entry["url"], title=entry["title"], language="nb",
                    document_type="consultation", authors=["Byrådet"])
    put(record.extra, Hearing(deadline=date.fromisoformat(entry["deadline"]), status=entry["status"]))
    return record


def fetch(source, ctx):
    result = FetchResult()
    response = get_subscribed_feed(source.url, ctx, result, "hearing list")
    if response is None:
        return FetchResult(not_modified=True)
    result.records = [_record(entry) for entry in json.loads(response.content)]
    return result


def reread(source, ctx, item, result):
    """A hearing's own page: its deadline and status now."""
    response = ctx.http.get(item["link"] + ".json", check_robots=False)
    result.articles[item["id"]] = _record(json.loads(response.content))


KIND = SourceKind(name="town_hearings", fetch=fetch, reread=reread, publisher="Byrådet", doc=__doc__)
'''

TODAY = date.today()


@pytest.fixture
def town_kind(tmp_path, monkeypatch):
    with kind_of_ones_own(tmp_path, monkeypatch, "town_hearings", KIND_MODULE):
        yield


def serve_hearing(server, number: int, title: str, deadline: date, status: str = "Åpen for innspill") -> dict:
    entry = {"url": f"{server.url}/horing/{number}", "title": title, "deadline": deadline.isoformat(), "status": status}
    server.add(f"/horing/{number}.json", json.dumps(entry), content_type="application/json")
    return entry


def config(tmp_path, server, webhook, refresh_hours: float) -> str:
    return write_config(tmp_path, sources=[
        {"id": "byradet", "kind": "town_hearings", "url": f"{server.url}/horinger.json", "hearing_refresh_hours": refresh_hours},
    ], subscriptions=[
        {"id": "frister", "urls": [webhook.url("frister")], "feeds": ["hearings/open"], "events": ["new", "updated", "reminder"],
         "remind_days": [3]},
    ])


def test_a_hearing_kind_of_ones_own_is_followed_updated_listed_in_the_calendar_and_reminded(town_kind, http_server,
                                                                                             webhook, tmp_path):
    school = serve_hearing(http_server, 1, "Høring om skolestruktur", TODAY + timedelta(days=3))
    roads = serve_hearing(http_server, 2, "Høring om veiplan", TODAY + timedelta(days=30))
    http_server.add("/horinger.json", json.dumps([school, roads]), content_type="application/json", ETag='"v1"')
    path = config(tmp_path, http_server, webhook, refresh_hours=0)

    assert main(["run", "--config", path]) == 0  # the baseline: no news, but the reminder due today
    assert webhook.titles("frister") == ["Påminnelse: Høring om skolestruktur – 3 dager igjen"]
    opened = validate_atom(tmp_path / "feeds" / "hearings" / "open.atom")
    assert [e.title for e in opened.entries] == ["Høring om skolestruktur", "Høring om veiplan"]  # soonest first
    events = icalendar.Calendar.from_ical((tmp_path / "feeds/hearings/deadlines.ics").read_bytes()).walk("VEVENT")
    assert {str(e["summary"]): e["dtstart"].dt for e in events} == {
        "Høring om skolestruktur": TODAY + timedelta(days=3), "Høring om veiplan": TODAY + timedelta(days=30)}

    # The list stays the same (a 304); the hearing's own page moves its deadline: following finds it.
    serve_hearing(http_server, 2, "Høring om veiplan", TODAY + timedelta(days=40))
    http_server.requests.clear()
    assert main(["run", "--config", path]) == 0
    assert "/horing/2.json" in http_server.paths()
    moved = (f"Høringsfristen er endret fra {(TODAY + timedelta(days=30)):%d.%m.%Y} til "
             f"{(TODAY + timedelta(days=40)):%d.%m.%Y}")
    assert any(moved in message["message"] for message in webhook.messages)
    roads_entry = next(e for e in validate_atom(tmp_path / "feeds/hearings/open.atom").entries if "veiplan" in e.title)
    assert moved in roads_entry.content[0].value  # the entry says what changed first

    # Closed on its page: an update, and it leaves hearings/open and the calendar.
    serve_hearing(http_server, 2, "Høring om veiplan", TODAY + timedelta(days=40), status="Avsluttet")
    assert main(["run", "--config", path]) == 0
    assert any("Høringen er avsluttet" in message["message"] for message in webhook.messages)
    assert [e.title for e in validate_atom(tmp_path / "feeds/hearings/open.atom").entries] == ["Høring om skolestruktur"]
    calendar = (tmp_path / "feeds/hearings/deadlines.ics").read_text("utf-8")
    assert "veiplan" not in calendar and "skolestruktur" in calendar
    sent = len(webhook.messages)
    assert main(["run", "--config", path]) == 0  # nothing changed: nothing told again
    assert len(webhook.messages) == sent


def test_a_followed_hearing_is_read_again_only_on_its_refresh_interval(town_kind, http_server, webhook, tmp_path):
    school = serve_hearing(http_server, 1, "Høring om skolestruktur", TODAY + timedelta(days=20))
    http_server.add("/horinger.json", json.dumps([school]), content_type="application/json", ETag='"v1"')
    path = config(tmp_path, http_server, webhook, refresh_hours=20)
    assert main(["run", "--config", path]) == 0
    assert http_server.paths().count("/horing/1.json") == 1  # never read: read once now
    assert main(["run", "--config", path]) == 0
    assert http_server.paths().count("/horing/1.json") == 1  # read less than 20 hours ago: not again
    with open_store(path) as store:  # as if the last reading were 21 hours old
        store.conn.execute("UPDATE article_state SET last_attempt_at = ?", [(datetime.now(UTC) - timedelta(hours=21)).isoformat()])
        store.conn.commit()
    assert main(["run", "--config", path]) == 0
    assert http_server.paths().count("/horing/1.json") == 2


def test_the_kind_is_offered_hearing_refresh_hours_without_declaring_it(town_kind):
    assert [o.name for o in get_kind("town_hearings").all_options] == ["hearing_refresh_hours"]
    assert len(textwrap.dedent(KIND_MODULE).splitlines()) <= 150


def test_a_reading_dated_in_the_future_counts_as_now_so_following_goes_on(town_kind, http_server, webhook, tmp_path):
    """A clock that ran ahead dated the last reading a year on; set right, the hearing is read again one refresh
    interval after now, not a year on."""
    school = serve_hearing(http_server, 1, "Høring om skolestruktur", TODAY + timedelta(days=20))
    http_server.add("/horinger.json", json.dumps([school]), content_type="application/json", ETag='"v1"')
    path = config(tmp_path, http_server, webhook, refresh_hours=20)
    assert main(["run", "--config", path]) == 0

    def move_last_reading(by: timedelta) -> None:
        with open_store(path) as store:
            last = datetime.fromisoformat(store.article_state(school["url"])["last_attempt_at"])
            store.conn.execute("UPDATE article_state SET last_attempt_at = ?", [(last + by).isoformat()])
            store.conn.commit()

    move_last_reading(timedelta(days=365))
    assert main(["run", "--config", path]) == 0  # the reading a year on counts as now: not due yet
    assert http_server.paths().count("/horing/1.json") == 1
    move_last_reading(-timedelta(hours=21))  # 21 hours pass
    assert main(["run", "--config", path]) == 0
    assert http_server.paths().count("/horing/1.json") == 2
