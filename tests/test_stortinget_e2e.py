"""Stortinget's committee hearings end to end on 127.0.0.1: a small data.stortinget.no, KS's written input on a
small ks.no and a regjeringen.no feed of propositions, all through a local HTTP proxy (so the URLs are the real
hosts), real SMTP and webhook receivers, `aggregator run` through the CLI.

The main story: a baseline; then a new hearing, a moved deadline, a cancellation and KS's input in the API's list;
then KS's page about that input on ks.no (linked, and not told again); then nothing changes. Each subscription
hears what it asks for, once; the committee feeds, hearings/open.atom and the calendar say the same."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise

import icalendar
import pytest
from helpers import SMTPReceiver, WebhookReceiver, validate_atom, write_config
from stortinget_site import (
    API,
    KS,
    KS_TOPIC,
    PROPOSITIONS,
    REGJERINGEN,
    ApiHearing,
    Case,
    KsInput,
    KsPages,
    Propositions,
    StortingetApi,
    oslo,
)

import aggregator.sources.stortinget as stortinget_kind
from aggregator.cli import main
from aggregator.config import load_config
from aggregator.normalize import OSLO
from aggregator.notify import notify_step
from aggregator.store import Store
from aggregator.words import cut

TODAY = datetime.now(OSLO).date()
KIND = stortinget_kind.KIND  # as declared: 0.6 s between calls to data.stortinget.no
PROP = "https://www.regjeringen.no/no/dokumenter/prop-3123456/id3123456/"


@pytest.fixture
def world(http_server, monkeypatch, tmp_path):
    monkeypatch.setenv("HTTP_PROXY", http_server.url)  # data.stortinget.no, www.ks.no, www.regjeringen.no
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("no_proxy", raising=False)
    # 0.6 s between API calls is the kind's own floor; test_politeness checks it, the others need not wait for it
    monkeypatch.setattr(stortinget_kind, "KIND", replace(stortinget_kind.KIND, min_delay=0.0))
    api, ks, props = StortingetApi(http_server), KsPages(http_server), Propositions(http_server)
    webhook, smtp = WebhookReceiver(), SMTPReceiver()
    yield api, ks, props, webhook, smtp, tmp_path
    webhook.close()
    smtp.close()


def config_of(tmp_path, webhook, smtp, refresh: float = 0) -> str:
    """Stortinget (two committees), KS's topic page and a feed of propositions; a municipality's mail, and a webhook
    on hearings/open."""
    return write_config(
        tmp_path, output={"base_url": "https://feeds.example.org/"},
        http={"user_agent": "aggregator-test/1 (+https://kommune.example/kontakt)"},
        notify={"admin_urls": [webhook.url("admin")]},
        sources=[{"id": "stortinget", "kind": "stortinget", "url": f"{API}/eksport/horinger",
                  "committees": ["KOMFORV", "ARBSOS"], "hearing_refresh_hours": refresh},
                 {"id": "ks-integrering", "kind": "ks", "url": f"{KS}{KS_TOPIC}"},
                 {"id": "proposisjoner", "kind": "feed", "url": f"{REGJERINGEN}{PROPOSITIONS}"}],
        topics=[{"id": "hearings", "title": "Høringer",
                 "document_types": ["consultation", "consultation-response", "committee-hearing"]}],
        subscriptions=[{"id": "kommune", "urls": [smtp.url()], "feeds": ["committees/komforv"],
                        "events": ["new", "updated", "reminder"], "remind_days": [7, 1],
                        "recipients": ["Bergen kommune"], "respondents": ["KS"]},
                       {"id": "open", "urls": [webhook.url("open")], "feeds": ["hearings/open"], "events": ["updated"]}])


def ukraine(deadline_days: int = 20) -> ApiHearing:
    return ApiHearing(10005601, "KOMFORV", [Case(105210, "Midlertidige regler for fordrevne fra Ukraina",
                                                  "Endringer i utlendingsloven (midlertidige regler for fordrevne fra Ukraina)",
                                                  "Prop. 95 L (2025-2026)", [("Prop. 95 L (2025–2026)", PROP)])],
                      oslo(TODAY + timedelta(days=deadline_days)))


def budget() -> ApiHearing:
    return ApiHearing(10005544, "ARBSOS", [Case(104908, "Statsbudsjettet 2026 (arbeids- og sosialkomiteen)",
                                                "Bevilgninger på statsbudsjettet for 2026", "Prop. 1 S (2025-2026)")],
                      oslo(TODAY + timedelta(days=10)), written_only=False,
                      speaking_deadline=oslo(TODAY + timedelta(days=9), 12, 0),
                      meetings=[(oslo(TODAY + timedelta(days=14), 8, 30), "Stortingets komitéhus, Høringssal 1"),
                                (oslo(TODAY + timedelta(days=15), 9, 0), "Stortingets komitéhus, Høringssal 2")])


def entries(tmp_path, feed: str) -> dict:
    return {e.id: e for e in validate_atom(tmp_path / "feeds" / f"{feed}.atom").entries}


def calendar_events(tmp_path) -> list:
    return icalendar.Calendar.from_ical((tmp_path / "feeds/hearings/deadlines.ics").read_bytes()).walk("VEVENT")


def links(entry) -> set[tuple[str, str]]:
    return {(link.rel, link.href) for link in entry.links}


def test_committee_hearings_reach_feeds_calendar_and_subscriptions_once(world):
    api, ks, props, webhook, smtp, tmp_path = world
    config = config_of(tmp_path, webhook, smtp)
    a, b = api.add(ukraine()), api.add(budget())
    api.add(ApiHearing(10005700, "FINANS", [Case(105900, "Skattereglene", "Skattereglene 2026", "Prop. 2 LS (2025-2026)")],
                       oslo(TODAY + timedelta(days=12))))  # another committee's: not read
    props.items.append((3123456, "Prop. 95 L (2025–2026) Endringer i utlendingsloven"))
    assert main(["run", "--config", config]) == 0
    assert smtp.mails == [] and webhook.messages == []  # the baseline is history

    komforv = entries(tmp_path, "committees/komforv")
    assert list(komforv) == [a.item_id]
    feed = validate_atom(tmp_path / "feeds/committees/komforv.atom").feed
    assert feed.title == "Kommunal- og forvaltningskomiteen (KOMFORV)"
    entry = komforv[a.item_id]
    assert entry.title == "Høring: Midlertidige regler for fordrevne fra Ukraina" and entry.author == "Stortinget"
    content = entry.content[0].value
    assert f"Komité: Kommunal- og forvaltningskomiteen<br />Status: Planlagt<br />Frist for skriftlige innspill: " \
           f"{a.deadline:%d.%m.%Y}" in content
    assert 'Sak: <a href="https://www.stortinget.no/no/Saker-og-publikasjoner/Saker/Sak/?p=105210">' in content
    assert "Send skriftlig innspill" in content and "Fra regjeringen" in content
    assert {(t.term, t.label) for t in entry.tags if t.scheme.endswith("/hearing-status/")} == {("open", "På høring")}  # the state in words; "Planlagt" is in its content
    assert "komforv" in {t.term for t in entry.tags if t.scheme.endswith("/committees/")}
    assert ("related", "https://www.stortinget.no/no/Saker-og-publikasjoner/Saker/Sak/?p=105210") in links(entry)
    form = "https://www.stortinget.no/no/Hva-skjer-pa-Stortinget/Horing/skriv-skriftlig-innspill/?h=10005601"
    assert ("related", form) in links(entry)
    # government ↔ parliament: the proposition the case publishes is stored (from the feed): they link each other
    assert ("related", PROP) in links(entry)
    proposition = entries(tmp_path, "sources/proposisjoner")["https://www.regjeringen.no/no/id3123456/"]
    assert ("related", a.item_id) in links(proposition)
    arbsos = entries(tmp_path, "committees/arbsos")[b.item_id]
    assert "Høringsmøte: " + f"{TODAY + timedelta(days=14):%d.%m.%Y} 08:30, Stortingets komitéhus, Høringssal 1" \
        in arbsos.content[0].value
    assert "Frist for å be om å delta i høringen" in arbsos.content[0].value
    assert not (tmp_path / "feeds/committees/finans.atom").exists()
    assert set(entries(tmp_path, "hearings/open")) == {a.item_id, b.item_id}
    assert {a.item_id, b.item_id} <= set(entries(tmp_path, "topics/hearings"))

    events = {str(e["uid"]): e for e in calendar_events(tmp_path)}
    deadlines = {str(e["summary"]): e for e in events.values() if "dtend" in e}
    assert deadlines[a_title(a)].decoded("dtstart") == a.deadline.date()  # all-day, on the deadline
    meetings = sorted((e for e in events.values() if "dtend" not in e), key=lambda e: e.decoded("dtstart"))
    assert [(m.decoded("dtstart"), str(m["location"])) for m in meetings] == [(at, place) for at, place in b.meetings]
    assert str(meetings[0]["summary"]) == "Høringsmøte: Statsbudsjettet 2026 (arbeids- og sosialkomiteen)"
    if hasattr(icalendar.Calendar, "add_missing_timezones"):  # icalendar 6.1+: in Oslo time, with its VTIMEZONE
        assert meetings[0]["dtstart"].params.get("TZID") == "Europe/Oslo"
        assert b"BEGIN:VTIMEZONE\r\nTZID:Europe/Oslo" in (tmp_path / "feeds/hearings/deadlines.ics").read_bytes()

    # Run 2: a new hearing; A's deadline moves and KS's input is in its list; B is cancelled; B's first meeting moved
    # before that; a meeting of a hearing still open moves too (A gets none: it is written only)
    c = api.add(ApiHearing(10005610, "KOMFORV", [Case(105220, "Bosetting av flyktninger", "Bosetting av flyktninger",
                                                      "Meld. St. 12 (2025-2026)")], oslo(TODAY + timedelta(days=30))))
    old_deadline, a.deadline = a.deadline, oslo(TODAY + timedelta(days=27))
    a.inputs = [("Oslo kommune", oslo(TODAY, 9, 0)), ("KS - Kommunesektorens organisasjon", oslo(TODAY, 10, 0))]
    b.status = "Avlyst"
    assert main(["run", "--config", config]) == 0
    moved = f"Høringsfristen er endret fra {old_deadline:%d.%m.%Y} til {a.deadline:%d.%m.%Y}"
    mail = next(m for m in smtp.mails if m.subject.startswith("Høring: Midlertidige regler…"))
    assert f"Send skriftlig innspill: {form}" in mail.part("plain") and moved in mail.part("plain")
    new_deadline = f"ny frist {a.deadline:%d.%m.%Y}"
    assert sorted(m.subject for m in smtp.mails) == sorted([
        # new; the recipients filter does not hold back a hearing anyone may answer
        f"Stortinget – {a_title(c)} (frist for innspill {c.deadline:%d.%m.%Y})",
        # KS named: told, with who else gave it (the title cut, at a word, to leave room for the changes)
        f"Høring: Midlertidige regler…: {new_deadline}, Oslo kommune og KS har gitt innspill"])
    # hearings/open's subscription names no respondents: the deadline, not the input
    assert sorted(webhook.titles("open")) == sorted([f"{a_title(a)}: {new_deadline}", f"{a_title(b)}: avlyst"])
    entry = entries(tmp_path, "committees/komforv")[a.item_id]
    assert entry.content[0].value.startswith(f"<p><strong>{moved}. Oslo kommune og KS har gitt innspill</strong></p>")
    assert f"Innspill: Oslo kommune ({TODAY:%d.%m.%Y}), KS - Kommunesektorens organisasjon" in entry.content[0].value and "Innspill: 2" in entry.content[0].value
    assert {(t.term, t.label) for t in entries(tmp_path, "committees/arbsos")[b.item_id].tags
            if t.scheme.endswith("/hearing-status/")} == {("cancelled", "Avlyst")}
    assert set(entries(tmp_path, "hearings/open")) == {a.item_id, c.item_id}
    events = calendar_events(tmp_path)
    assert not any("dtend" not in e for e in events)  # B's meetings are gone with it
    assert {str(e["summary"]) for e in events} == {a_title(a), a_title(c)}
    assert next(e for e in events if str(e["summary"]) == a_title(a))["sequence"] == 1

    # Run 3: KS's page about that input on ks.no links the hearing: linked, and not told a second time
    page = ks.add(KsInput("innspill-ukraina", "Høringsinnspill til kommunal- og forvaltningskomiteen om midlertidige "
                          "regler for fordrevne fra Ukraina", "KS har gitt innspill til komiteen.",
                          link=f"https://www.stortinget.no/no/Hva-skjer-pa-Stortinget/Horing/horing/?h={a.id}"))
    sent = (len(smtp.mails), len(webhook.messages))
    assert main(["run", "--config", config]) == 0
    assert (len(smtp.mails), len(webhook.messages)) == sent
    entry = entries(tmp_path, "committees/komforv")[a.item_id]
    assert ("related", page.url) in links(entry)
    assert f'KS har gitt innspill: <a href="{page.url}">' in entry.content[0].value
    assert ("related", a.item_id) in links(entries(tmp_path, "sources/ks-integrering")[page.url])

    assert main(["run", "--config", config]) == 0  # nothing changed: nothing told again
    assert (len(smtp.mails), len(webhook.messages)) == sent
    for atom in (tmp_path / "feeds").rglob("*.atom"):  # every Atom file valid (RFC 4287's schema where present)
        validate_atom(atom)


def a_title(hearing: ApiHearing) -> str:
    return f"Høring: {hearing.cases[0].short_title}"


def test_a_moved_meeting_keeps_its_uid_and_raises_its_sequence(world):
    api, ks, props, webhook, smtp, tmp_path = world
    config = config_of(tmp_path, webhook, smtp)
    b = api.add(budget())
    assert main(["run", "--config", config]) == 0
    before = {str(e["uid"]): e for e in calendar_events(tmp_path) if "dtend" not in e}
    old = b.meetings[0][0]
    b.meetings[0] = (old + timedelta(hours=2), "Stortingets komitéhus, Høringssal 3")
    assert main(["run", "--config", config]) == 0
    after = {str(e["uid"]): e for e in calendar_events(tmp_path) if "dtend" not in e}
    assert set(after) == set(before)
    moved = next(e for e in after.values() if str(e["location"]).endswith("3"))
    assert moved.decoded("dtstart") == old + timedelta(hours=2) and moved["sequence"] == 1
    assert webhook.titles("open") == [f"{cut(a_title(b), 40)}: møtet flyttet til {old + timedelta(hours=2):%d.%m.%Y %H:%M}"]
    line = f"Høringsmøtet er flyttet fra {old:%d.%m.%Y %H:%M} til {old + timedelta(hours=2):%d.%m.%Y %H:%M}"
    assert line in webhook.messages[-1]["message"]


def test_ks_input_from_ks_no_first_is_told_once_and_not_again_by_the_apis_list(world):
    api, ks, props, webhook, smtp, tmp_path = world
    config = config_of(tmp_path, webhook, smtp)
    a = api.add(ukraine())
    assert main(["run", "--config", config]) == 0
    page = ks.add(KsInput("innspill-ukraina", "Høringsinnspill om midlertidige regler for fordrevne fra Ukraina",
                          "KS mener kommunene må få dekket utgiftene.",
                          link="https://www.stortinget.no/no/Saker-og-publikasjoner/Saker/Sak/?p=105210"))  # the case
    assert main(["run", "--config", config]) == 0
    assert [m.subject for m in smtp.mails] == [f"{a_title(a)}: KS har gitt innspill"]
    assert page.url in smtp.mails[0].part("plain")
    a.inputs = [("KS - Kommunesektorens organisasjon", oslo(TODAY, 10, 0))]  # the API's list shows it later
    assert main(["run", "--config", config]) == 0
    assert [m.subject for m in smtp.mails] == [f"{a_title(a)}: KS har gitt innspill"]  # once
    a.inputs.append(("Bergen kommune", oslo(TODAY, 11, 0)))  # a body the subscription does not name
    assert main(["run", "--config", config]) == 0
    assert len(smtp.mails) == 1 and webhook.titles("open") == []  # it names no respondents


def test_ks_pages_are_linked_by_a_link_a_case_or_a_cited_reference_never_by_title_alone(world):
    api, ks, props, webhook, smtp, tmp_path = world
    config = config_of(tmp_path, webhook, smtp)
    a, c = api.add(ukraine()), api.add(ApiHearing(10005610, "KOMFORV", [Case(
        105220, "Bosetting av flyktninger", "Bosetting av flyktninger", "Meld. St. 12 (2025-2026)")],
        oslo(TODAY + timedelta(days=30))))
    d = api.add(ApiHearing(10005620, "KOMFORV", [Case(105230, "Endringer i introduksjonsloven",
                                                      "Endringer i introduksjonsloven", "Prop. 40 L (2025-2026)")],
                           oslo(TODAY + timedelta(days=25))))
    e = api.add(ApiHearing(10005630, "KOMFORV", [Case(105240, "Tolkeloven", "Endringer i tolkeloven",
                                                      "Prop. 50 L (2025-2026)")], oslo(TODAY + timedelta(days=25))))
    by_link = ks.add(KsInput("innspill-a", "Innspill til komiteen", "KS har gitt innspill.",
                             link=f"https://www.stortinget.no/no/Hva-skjer-pa-Stortinget/Horing/horing/?h={a.id}"))
    by_case = ks.add(KsInput("innspill-c", "Innspill om bosetting", "KS har gitt innspill.",
                             link="https://www.stortinget.no/no/Saker-og-publikasjoner/Saker/Sak/?p=105220"))
    by_reference = ks.add(KsInput("innspill-d", "Innspill om introduksjonsprogrammet", "KS har gitt innspill.",
                                  text="KS viser til Prop. 40 L (2025–2026) og komiteens høring."))
    by_title = ks.add(KsInput("innspill-e", "Høringsinnspill om endringer i tolkeloven", "KS har gitt innspill.",
                              text="KS mener tolkeloven bør endres."))  # only a title like e's: no link
    assert main(["run", "--config", config]) == 0
    ks_entries = entries(tmp_path, "sources/ks-integrering")
    assert ("related", a.item_id) in links(ks_entries[by_link.url])
    assert ("related", c.item_id) in links(ks_entries[by_case.url])
    assert ("related", d.item_id) in links(ks_entries[by_reference.url])
    assert not [link for link in ks_entries[by_title.url].links if link.rel == "related"]
    komforv = entries(tmp_path, "committees/komforv")
    assert not [link for link in komforv[e.item_id].links if link.href.startswith(KS)]


def test_the_api_failing_for_days_changes_no_hearing_and_names_the_endpoint(world, capsys):
    api, ks, props, webhook, smtp, tmp_path = world
    config = config_of(tmp_path, webhook, smtp, refresh=20)
    a = api.add(ukraine())
    assert main(["run", "--config", config]) == 0
    open_before = (tmp_path / "feeds/hearings/open.atom").read_bytes()
    api.broken = 500
    capsys.readouterr()
    for _ in range(3):  # three failed runs: the admins hear of it, once
        assert main(["run", "--config", config]) == 1
    err = capsys.readouterr().err
    assert (f"Stortinget's hearings {API}/eksport/horinger?sesjonid={api.current}&format=json: HTTP 500" in err
            and "answered 500 for every session for days" in err)
    assert (tmp_path / "feeds/hearings/open.atom").read_bytes() == open_before  # nothing disappeared or closed
    assert a.item_id in entries(tmp_path, "committees/komforv")
    assert webhook.titles("open") == [] and smtp.mails == []
    assert len(webhook.titles("admin")) == 1

    api.broken, api.body = None, "<!DOCTYPE html><html><body><h1>Vedlikehold</h1></body></html>"
    assert main(["run", "--config", config]) == 1
    assert "not the API's JSON or XML" in capsys.readouterr().err
    api.body = None
    a.cases[0].id = api.unknown_case(999999)  # a case the API does not know: it answers 500, a warning naming it
    store = Store(tmp_path / "data" / "aggregator.db")
    try:
        store.conn.execute("UPDATE article_state SET last_attempt_at = '2000-01-01T00:00:00+00:00'")
        store.conn.commit()
    finally:
        store.close()
    assert main(["run", "--config", config]) == 0
    err = capsys.readouterr().err
    assert f"case 999999 ({API}/eksport/sak?sakid=999999&format=json): HTTP 500" in err
    assert "the API answers 500 for a case id it does not know" in err
    assert len(webhook.titles("admin")) == 2  # recovered
    assert (tmp_path / "feeds/hearings/open.atom").read_bytes().count(b"<entry>") == 1


def test_the_session_comes_from_the_calendar_when_the_api_cannot_name_it(world, capsys):
    api, ks, props, webhook, smtp, tmp_path = world
    config = config_of(tmp_path, webhook, smtp)
    api.sessions_broken = True
    a = api.add(ukraine())
    assert main(["run", "--config", config]) == 0
    assert f"read the session by the calendar ({api.current})" in capsys.readouterr().err
    assert a.item_id in entries(tmp_path, "committees/komforv")


def test_reminders_before_the_input_deadline_come_on_their_day_in_oslo_once(world):
    api, ks, props, webhook, smtp, tmp_path = world
    config_path = config_of(tmp_path, webhook, smtp)
    a = api.add(ukraine(deadline_days=20))
    assert main(["run", "--config", config_path]) == 0
    config = load_config(config_path)
    store = Store(config.database)
    try:
        def remind_at(moment: datetime) -> list[str]:
            before = len(smtp.mails)
            notify_step(config, store, now=moment.astimezone(UTC))
            return [m.subject for m in smtp.mails[before:]]

        deadline = a.deadline.date()
        midnight = datetime.combine(deadline - timedelta(days=7), time(0), OSLO)  # 22:00 or 23:00 UTC the day before
        assert remind_at(midnight - timedelta(minutes=30)) == []
        assert remind_at(midnight + timedelta(minutes=30)) == [f"Påminnelse: {a_title(a)} – 7 dager igjen"]
        assert remind_at(midnight + timedelta(hours=12)) == []  # once
        mail = smtp.mails[-1]
        assert f"Frist for skriftlige innspill: {deadline:%d.%m.%Y}" in mail.part("plain")  # written input, not a response
        assert "skriv-skriftlig-innspill/?h=10005601" in mail.part("plain")
        assert remind_at(datetime.combine(deadline - timedelta(days=1), time(8), OSLO)) == [
            f"Påminnelse: {a_title(a)} – 1 dag igjen"]
    finally:
        store.close()


def test_politeness_spacing_retry_after_and_the_user_agent(world, monkeypatch):
    api, ks, props, webhook, smtp, tmp_path = world
    monkeypatch.setattr(stortinget_kind, "KIND", KIND)  # the kind's own 0.6 s between calls, through the proxy
    path = tmp_path / "config.toml"
    config_of(tmp_path, webhook, smtp)
    path.write_text(path.read_text("utf-8").replace("retries = 0", "retries = 1"), encoding="utf-8")
    api.add(ukraine())
    api.retry_after_once = "1"
    assert main(["run", "--config", str(path)]) == 0
    times = [t for t, _ in api.times]
    paths = [p for _, p in api.times]
    assert paths[:3] == ["/eksport/sesjoner?format=json"] + [f"/eksport/horinger?sesjonid={api.current}&format=json"] * 2
    # Seen from the server, whose threads may be scheduled late under load: each gap near the client's, and the calls
    # as a whole no faster than 0.6 s apart (without the spacing they would come milliseconds apart).
    gaps = [later - earlier for earlier, later in pairwise(times)]
    assert gaps[1] >= 0.9, gaps  # Retry-After: 1 honoured (without it: the kind's 0.6 s)
    assert all(gap >= 0.4 for gap in gaps), gaps  # at most 100 calls a minute
    assert times[-1] - times[0] >= 0.6 * (len(times) - 2) + 1.0 - 0.2, gaps
    agents = {r.headers.get("user-agent") for r in api.server.requests if r.path.startswith("/eksport/")}
    assert agents == {"aggregator-test/1 (+https://kommune.example/kontakt)"}
    assert api.server.paths().count("/robots.txt") == 1  # ks.no's: the API, for programs, is read like a feed


def test_input_is_read_for_followed_hearings_on_their_interval_and_a_failing_one_is_a_warning(world, capsys):
    api, ks, props, webhook, smtp, tmp_path = world
    config = config_of(tmp_path, webhook, smtp, refresh=20)
    a = api.add(ukraine())
    old = api.add(ApiHearing(10005500, "KOMFORV", [Case(105100, "Gammel sak", "Gammel sak", "Prop. 9 L (2025-2026)")],
                             oslo(TODAY - timedelta(days=90)), status="Avholdt"))
    assert main(["run", "--config", config]) == 0
    inputs = [p for p in api.calls() if "horingsinnspill" in p]
    assert inputs == [f"/eksport/horingsinnspill?horingid={a.id}&format=json"]  # not the one long past
    assert main(["run", "--config", config]) == 0
    assert [p for p in api.calls() if "horingsinnspill" in p] == inputs  # read less than 20 hours ago: not again
    assert old.item_id in entries(tmp_path, "committees/komforv")  # listed every run all the same

    api.failing_input(a)
    store = Store(tmp_path / "data" / "aggregator.db")
    try:  # as if the last reading were a day old
        store.conn.execute("UPDATE article_state SET last_attempt_at = ?",
                           [(datetime.now(UTC) - timedelta(hours=24)).isoformat()])
        store.conn.commit()
    finally:
        store.close()
    capsys.readouterr()
    assert main(["run", "--config", config]) == 0
    err = capsys.readouterr().err
    assert (f"written input of hearing {a.id} ({API}/eksport/horingsinnspill?horingid={a.id}&format=json): HTTP 500; "
            "kept the input read before") in err
    assert "Innspill: 0" in entries(tmp_path, "committees/komforv")[a.item_id].content[0].value
