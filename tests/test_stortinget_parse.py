"""data.stortinget.no's answers read by the pure parser (aggregator/sources/stortinget/parse.py), one fixture file
per case under fixtures/stortinget/ (this project's own, in the API's documented shapes: JSON, and one XML), each
with what it must give in the table below."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from helpers import FIXTURES

from aggregator.hearings import Document, hearing_of
from aggregator.kinds import get_kind
from aggregator.normalize import OSLO
from aggregator.records import SourceError
from aggregator.sources.stortinget import check_committees
from aggregator.sources.stortinget.parse import (
    api_datetime,
    current_session,
    parse_case_documents,
    parse_hearings,
    parse_inputs,
    session_on,
    sessions_to_read,
)

STORTINGET = FIXTURES / "stortinget"
NOW = datetime(2025, 10, 14, 12, 0, tzinfo=OSLO)
HEARING = "https://www.stortinget.no/no/Hva-skjer-pa-Stortinget/Horing/horing/?h={}"
FORM = "https://www.stortinget.no/no/Hva-skjer-pa-Stortinget/Horing/skriv-skriftlig-innspill/?h={}"

# fixture -> (id, title, committee, status, state, deadline, speaking deadline, meetings, case ids, written only)
CASES = {
    "open-written.json": ("10005601", "Høring: Midlertidige regler for fordrevne fra Ukraina", "KOMFORV", "Planlagt",
                          "open", date(2025, 11, 3), None, [], ["105210"], True),
    "open-written.xml": ("10005601", "Høring: Midlertidige regler for fordrevne fra Ukraina", "KOMFORV", "Planlagt",
                         "open", date(2025, 11, 3), None, [], ["105210"], True),
    "oral-with-meetings.json": ("10005544", "Høring: Statsbudsjettet 2026 (arbeids- og sosialkomiteen)", "ARBSOS",
                                "Planlagt", "open", date(2025, 10, 21), date(2025, 10, 20),
                                [("2025-10-27T08:30:00+01:00", "Stortingets komitéhus, Høringssal 1"),
                                 ("2025-10-28T09:00:00+01:00", "Stortingets komitéhus, Høringssal 2")], ["104908"], False),
    "cancelled.json": ("10005602", "Høring: Bosetting av flyktninger i kommunene", "KOMFORV", "Avlyst", "cancelled",
                       date(2025, 11, 10), date(2025, 10, 17),
                       [("2025-10-29T11:00:00+01:00", "Stortingets komitéhus, Høringssal 3")], ["105301"], False),
    "two-cases.json": ("10005603", "Høring: Endringer i introduksjonsloven", "KOMFORV", "Pågår", "open",
                       date(2025, 11, 10), None, [], ["105402", "105403"], True),
    # every date unset (year 1, in each of the API's forms): no date at all, never 0001-01-01
    "unset-dates.json": ("10005604", "Høring: Endringer i statsborgerloven", "KOMFORV", "Ukjent", None, None, None, [],
                         ["105500"], False),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_fixture_gives_its_hearing(name):
    warnings: list[str] = []
    [record] = parse_hearings(name, (STORTINGET / name).read_bytes(), NOW, None, warnings)
    hearing_id, title, committee, status, state, deadline, speaking, meetings, cases, written_only = CASES[name]
    hearing = hearing_of(record)
    assert hearing is not None and warnings == []
    assert (record.id, record.link, record.title, record.document_type, record.language) == (
        HEARING.format(hearing_id), HEARING.format(hearing_id), title, "committee-hearing", "nb")
    assert (hearing.committee.id, hearing.status, hearing.state) == (committee, status, state)
    assert (hearing.deadline, hearing.speaking_deadline, hearing.written_only) == (deadline, speaking, written_only)
    assert [(m.at.isoformat(), m.place) for m in hearing.meetings] == meetings
    assert [c.id for c in hearing.cases] == cases
    assert hearing.open_to_all and hearing.recipients is None  # anyone may give input
    assert hearing.answer_url == (FORM.format(hearing_id) if state == "open" else None)
    assert record.published is None  # a hearing has no publication date; its start is no such date


def test_a_hearing_with_two_cases_is_titled_by_the_first_and_holds_both():
    [record] = parse_hearings("u", (STORTINGET / "two-cases.json").read_bytes(), NOW)
    cases = hearing_of(record).cases
    assert record.summary == "Endringer i integreringsloven (introduksjonsprogrammet)"
    assert [(c.short_title, c.reference, c.link) for c in cases] == [
        ("Endringer i introduksjonsloven", "Prop. 40 L (2025-2026)",
         "https://www.stortinget.no/no/Saker-og-publikasjoner/Saker/Sak/?p=105402"),
        ("Representantforslag om norskopplæring", "Dokument 8:30 S (2025-2026)",
         "https://www.stortinget.no/no/Saker-og-publikasjoner/Saker/Sak/?p=105403")]


def test_xml_and_json_give_the_same_hearing():
    from_json = parse_hearings("j", (STORTINGET / "open-written.json").read_bytes(), NOW)
    from_xml = parse_hearings("x", (STORTINGET / "open-written.xml").read_bytes(), NOW)
    assert from_json == from_xml


def test_an_empty_session_has_no_hearings_and_committees_filter():
    assert parse_hearings("e", (STORTINGET / "empty-session.json").read_bytes(), NOW) == []
    content = (STORTINGET / "oral-with-meetings.json").read_bytes()
    assert parse_hearings("o", content, NOW, ["KOMFORV"]) == []
    assert len(parse_hearings("o", content, NOW, ["arbsos"])) == 1


@pytest.mark.parametrize("body, reason", [
    ((STORTINGET / "error-500.json").read_bytes(), "holds no horinger_liste"),  # the outage's body, with a 200
    (b"<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>", "not the API's JSON or XML"),
    (b"<rss version='2.0'><channel/></rss>", "not the API's JSON or XML"),  # XML, but not the API's
    (b"", "not the API's JSON or XML (it starts 'an empty answer')"),
    (b'{"horinger_liste": [', "broken JSON"),
    (b"Maintenance until 12:00", "not the API's JSON or XML"),
])
def test_a_body_that_is_not_the_apis_is_a_layout_error(body, reason):
    with pytest.raises(SourceError, match="the API may have changed") as raised:
        parse_hearings("https://data.stortinget.no/eksport/horinger?sesjonid=2025-2026&format=json", body, NOW)
    assert reason in str(raised.value) and "https://data.stortinget.no/eksport/horinger" in str(raised.value)


def test_a_hearing_without_an_id_is_a_warning_and_the_others_are_read():
    body = b'{"horinger_liste": [{"horing_status": "Planlagt"}, {"id": 7, "horing_status": "Planlagt"}]}'
    warnings: list[str] = []
    [record] = parse_hearings("u", body, NOW, None, warnings)
    assert record.id == HEARING.format(7) and record.title == "Høring i Stortinget"
    assert len(warnings) == 1 and "skipped hearing None" in warnings[0]


@pytest.mark.parametrize("value, expected", [
    ("/Date(1761083940000+0200)/", "2025-10-21T23:59:00+02:00"),
    ("/Date(1761550200000+0100)/", "2025-10-27T08:30:00+01:00"),  # after the change to winter time
    ("/Date(1761550200000)/", "2025-10-27T08:30:00+01:00"),
    ("2025-10-21T23:59:00", "2025-10-21T23:59:00+02:00"),  # XML: local time
    ("2025-10-21T21:59:00Z", "2025-10-21T23:59:00+02:00"),
    ("21.10.2025", "2025-10-21T00:00:00+02:00"),
    ("/Date(-62135596800000)/", None), ("/Date(-62135596800000+0100)/", None), ("0001-01-01T00:00:00", None),
    ("01.01.0001", None), ("", None), (None, None), ("not a date", None),
])
def test_api_dates_in_oslo_and_unset_is_none(value, expected):
    parsed = api_datetime(value)
    assert (parsed.isoformat() if parsed else None) == expected


def test_sessions_from_the_api_the_calendar_and_around_the_change():
    assert current_session("s", (STORTINGET / "sesjoner.json").read_bytes()) == "2025-2026"
    assert session_on(date(2026, 9, 30)) == "2025-2026" and session_on(date(2026, 10, 1)) == "2026-2027"
    assert sessions_to_read("2025-2026", date(2026, 3, 1)) == ["2025-2026"]
    assert sessions_to_read(None, date(2026, 3, 1)) == ["2025-2026"]  # the API could not say: the calendar
    assert sessions_to_read("2025-2026", date(2026, 9, 10)) == ["2025-2026", "2026-2027"]  # before the change
    assert sessions_to_read("2026-2027", date(2026, 10, 20)) == ["2026-2027", "2025-2026"]  # after it
    assert sessions_to_read("2025-2026", date(2026, 10, 2)) == ["2025-2026", "2026-2027"]  # the API not yet moved on
    assert sessions_to_read("2026-2027", date(2026, 11, 16)) == ["2026-2027"]


def test_written_input_names_who_gave_it_and_when():
    responses = parse_inputs("i", (STORTINGET / "horingsinnspill.json").read_bytes())
    assert responses.count == 3
    assert [(r.name, r.date) for r in responses.by] == [
        ("Oslo kommune", date(2025, 10, 29)), ("KS - Kommunesektorens organisasjon", date(2025, 10, 30)),
        ("Innspill fra privatperson", date(2025, 10, 30))]  # no organisation: the input's title names it


def test_a_cases_regjeringen_documents_are_its_government_links():
    assert parse_case_documents("c", (STORTINGET / "sak.json").read_bytes()) == [
        Document("Prop. 95 L (2025–2026)", "https://www.regjeringen.no/no/dokumenter/prop.-95-l-20252026/id3123456/")]


def test_the_kind_declares_its_hosts_spacing_and_checked_committees():
    kind = get_kind("stortinget")
    assert kind.min_delay >= 0.6 and "data.stortinget.no" in kind.hosts and kind.publisher == "Stortinget"
    assert [o.name for o in kind.all_options] == ["committees", "hearing_refresh_hours"]
    assert "committee-hearing" in kind.doc.split("\n\n")[0]  # what `aggregator kinds` shows
    assert check_committees(["komforv", " ARBSOS"]) == ["KOMFORV", "ARBSOS"]
    for wrong in ("KOMFORV", ["KOM FORV"], [3], [""]):
        with pytest.raises(ValueError):
            check_committees(wrong)


@pytest.mark.parametrize("status, deadlines, state", [
    ("Planlagt", ["2025-10-21T23:59:00+02:00"], "open"),
    ("Pågår", ["2025-10-14T12:00:00+02:00"], "open"),  # its last minute
    ("Påbegynt", ["2025-10-14T00:00:00+02:00"], "open"),  # a bare day lasts the whole day
    ("Planlagt med forbehold", [], "open"),  # no deadline known: the words say it
    ("Aktiv", ["2025-10-13T23:59:00+02:00", "2025-10-20T12:00:00+02:00"], "open"),  # one deadline still ahead
    ("Planlagt", ["2025-10-13T23:59:00+02:00"], "closed"),  # past every deadline
    ("Avholdt", ["2025-10-21T23:59:00+02:00"], "closed"),  # held
    ("Avlyst", ["2025-10-21T23:59:00+02:00"], "cancelled"),
    ("Ukjent", ["2025-10-21T23:59:00+02:00"], None), (None, [], None),  # the deadline decides (rules.state_on)
])
def test_the_state_table(status, deadlines, state):
    from aggregator.sources.stortinget.parse import hearing_state

    assert hearing_state(status, [datetime.fromisoformat(d) for d in deadlines], NOW) == state


def test_an_oral_hearing_stays_open_for_its_meeting_after_the_deadline_for_written_input():
    content = (STORTINGET / "oral-with-meetings.json").read_bytes()
    [between] = parse_hearings("o", content, datetime(2025, 10, 25, 12, 0, tzinfo=OSLO))
    hearing = hearing_of(between)
    assert (hearing.state, hearing.answer_url) == ("open", None)  # no form once written input is closed
    [after] = parse_hearings("o", content, datetime(2025, 10, 28, 10, 0, tzinfo=OSLO))
    assert hearing_of(after).state == "closed"  # its last meeting began: past every deadline and meeting


@pytest.mark.parametrize("configured", ["https://data.stortinget.no/eksport/horinger",
                                        "https://data.stortinget.no/eksport/horinger/",
                                        "https://data.stortinget.no/eksport/horinger?format=xml"])
def test_the_apis_endpoints_beside_the_configured_one_ask_for_json(configured):
    from aggregator.sources.stortinget.fetching import api_url

    assert api_url(configured, "horinger", sesjonid="2025-2026") == \
        "https://data.stortinget.no/eksport/horinger?sesjonid=2025-2026&format=json"
    assert api_url(configured, "sak", sakid="104908") == "https://data.stortinget.no/eksport/sak?sakid=104908&format=json"
