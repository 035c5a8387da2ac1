"""Hearings end to end on 127.0.0.1: the hearings RSS feed and hearing pages of a small regjeringen.no, KS's answers
on a small ks.no (both through a local HTTP proxy, so the URLs are the sites' own), real SMTP and webhook receivers.

One story over three runs: a baseline; then a hearing's deadline moves while its response list grows and KS answers
it on ks.no, a nynorsk hearing closes and a new one opens; then nothing changes. Each subscription hears what its
`events`, `recipients` and `respondents` ask for, once per URL; the feeds, hearings/open.atom and the calendar say
the same."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
from hearing_site import KS, KS_LISTING, REGJERINGEN, Answer, Hearing, HearingSite
from helpers import feed_entries, open_store, validate_atom, write_config

from aggregator.cli import main
from aggregator.config import load_config
from aggregator.normalize import OSLO
from aggregator.notify import notify_step
from aggregator.words import cut

TODAY = datetime.now(OSLO).date()


@pytest.fixture
def world(http_server, webhook, smtp, monkeypatch, tmp_path):
    monkeypatch.setenv("HTTP_PROXY", http_server.url)  # www.regjeringen.no and www.ks.no are this server
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # the receivers are reached directly
    monkeypatch.delenv("no_proxy", raising=False)
    return HearingSite(http_server), webhook, smtp, tmp_path


def hearing_config(tmp_path, webhook, smtp, refresh: float = 0, document_types=("consultation",),
                   bergen_hears_updates: bool = True, more=()) -> str:
    """The hearings feed and KS's answers; a topic of hearings; three subscriptions (and `more`): one by mail for
    every event, naming KS among the respondents; "bergen" for updates of open hearings sent to Bergen kommune (or,
    not `bergen_hears_updates`, for their new ones); "new-only" for new hearings."""
    bergen = {"events": ["updated"], "respondents": ["Bergen kommune"]} if bergen_hears_updates else {"events": ["new"]}
    return write_config(
        tmp_path, output={"base_url": "https://feeds.example.org/"},
        sources=[{"id": "hearings", "kind": "regjeringen", "url": f"{REGJERINGEN}/no/rss/Rss/2581966/?documentType=dokumenter/høringer",
                  "hearing_refresh_hours": refresh},
                 {"id": "ks-svar", "kind": "ks", "url": f"{KS}{KS_LISTING}"}],
        topics=[{"id": "hearings", "title": "Høringer", "document_types": list(document_types)}],
        subscriptions=[
            {"id": "hearings-mail", "urls": [smtp.url()], "feeds": ["topics/hearings"], "events": ["new", "updated", "reminder"],
             "remind_days": [14, 3], "respondents": ["KS"]},
            {"id": "bergen", "urls": [webhook.url("bergen")], "feeds": ["hearings/open"], "recipients": ["Bergen kommune"], **bergen},
            {"id": "new-only", "urls": [webhook.url("new")], "feeds": ["topics/hearings"]},
            *more,
        ])


def baseline(site: HearingSite) -> tuple[Hearing, Hearing]:
    a = site.add(Hearing(4200100, "horing-introduksjonsloven", "Høring – endringer i introduksjonsloven",
                         TODAY + timedelta(days=20), recipients=["Bergen kommune", "Kommunesektorens organisasjon (KS)"],
                         responses=[("Oslo kommune", "kommune")], reference="26/4711"))
    b = site.add(Hearing(4200200, "hoyring-skatteforvaltning", "Høyring – endringar i skatteforvaltningslova",
                         TODAY + timedelta(days=10), language="nn", ministry="fin", published=date(2026, 11, 1),
                         recipients=["Skatteetaten", "Kommunesektorens organisasjon (KS)"]))
    site.answer(Answer("svar-om-kommuneloven", "Høringssvar om kommuneloven", "KS mener kommuneloven må endres."))
    site.answer(Answer("svar-om-plan", "Høringssvar om plan- og bygningsloven", "KS støtter forslaget."))
    return a, b


def calendar(tmp_path) -> dict[str, icalendar.Event]:
    parsed = icalendar.Calendar.from_ical((tmp_path / "feeds" / "hearings" / "deadlines.ics").read_bytes())
    return {str(e["url"]): e for e in parsed.walk("VEVENT")}


def test_hearing_updates_reach_each_subscription_as_it_asks_once(world):
    site, webhook, smtp, tmp_path = world
    config = hearing_config(tmp_path, webhook, smtp)
    a, b = baseline(site)
    assert main(["run", "--config", config]) == 0
    assert smtp.mails == [] and webhook.messages == []  # the baseline is history: nobody hears of it
    assert not [p for p in site.requested() if "uid=" in p]
    first_events = calendar(tmp_path)
    assert [str(e["summary"]) for e in first_events.values()] == [b.title, a.title]  # soonest first
    ics = (tmp_path / "feeds" / "hearings" / "deadlines.ics").read_text("utf-8")
    assert f"DTSTART;VALUE=DATE:{a.deadline:%Y%m%d}" in ics  # an all-day event on the deadline
    assert first_events[a.url].decoded("dtstart") == a.deadline
    assert str(first_events[b.url]["description"]).startswith("Departement: Finansdepartementet\nStatus: På høyring")
    opened = feed_entries(tmp_path, "hearings/open")
    assert list(opened) == [b.item_id, a.item_id]

    # Run 2: A's deadline moves, it gets a new document and answers (Bergen, and KS: on regjeringen.no and on
    # ks.no); B closes; C opens.
    old_deadline = a.deadline
    a.deadline = TODAY + timedelta(days=34)
    a.documents.append(("Tilleggsnotat", "tillegg.pdf"))
    a.responses += [("Bergen kommune", "kommune"), ("Kommunesektorens organisasjon (KS)", "organisasjon")]
    b.status = "Avslutta"
    c = site.add(Hearing(4200300, "horing-bosetting", "Høring – bosetting av flyktninger", TODAY + timedelta(days=5),
                         ministry="kdd", published=date(2026, 11, 3), recipients=["Bergen kommune"]))
    site.answer(Answer("svar-introduksjonsloven", "Høringssvar om endringer i introduksjonsloven",
                       "KS støtter forslaget, men ber om full finansiering.", hearing=a))
    assert main(["run", "--config", config]) == 0

    moved = f"Høringsfristen er endret fra {old_deadline:%d.%m.%Y} til {a.deadline:%d.%m.%Y}"
    # an update's subject: the hearing first (its title cut to keep the subject short), then the change in a few words
    change = f"ny frist {a.deadline:%d.%m.%Y}, nye dokumenter, Bergen kommune og KS har svart"
    updated = f"{cut(a.title, 30)}: {change}"  # at least 30 characters of the title, however much changed
    assert updated.startswith("Høring – endringer i…: ny frist")
    subjects = sorted(m.subject for m in smtp.mails)
    assert subjects == sorted([
        f"Ny høring: {c.title} (frist {c.deadline:%d.%m.%Y})",  # new
        updated,  # KS named: told
        f"{b.title}: avslutta",
    ])
    # Bergen follows changes of open hearings sent to Bergen kommune (A's, with Bergen's own answer in it; one
    # change, one message), not B's closing (not sent to Bergen), and no new hearing (events = ["updated"]).
    assert webhook.titles("bergen") == [updated]
    assert webhook.titles("new") == [f"Ny høring: {c.title} (frist {c.deadline:%d.%m.%Y})"]  # events default to ["new"]
    mail = next(m for m in smtp.mails if m.subject == updated)
    assert mail.part("plain").startswith(f"{moved}. Nye dokumenter: Tilleggsnotat. Bergen kommune og KS har svart")
    assert a.url in mail.part("plain") and "svar.regjeringen.no/nb/registrer_horingsuttalelse/H4200100/" in mail.part("plain")

    # The feeds: A advanced, its content first says what changed and that KS answered, with the link
    hearing_entries = feed_entries(tmp_path, "topics/hearings")
    entry_a = hearing_entries[a.item_id]
    content = entry_a.content[0].value
    assert content.startswith(f"<p><strong>{moved}. Nye dokumenter: Tilleggsnotat. Bergen kommune og KS har svart")
    assert "KS har svart: <a href=\"http://www.ks.no/horingssvar/svar-introduksjonsloven/\">" in content
    assert entry_a.updated_parsed > entry_a.published_parsed
    links = {(link.rel, link.href) for link in entry_a.links}
    assert ("related", "http://www.ks.no/horingssvar/svar-introduksjonsloven/") in links
    assert ("enclosure", "http://www.regjeringen.no/contentassets/4200100/tillegg.pdf") in links
    assert ("related", "https://svar.regjeringen.no/nb/registrer_horingsuttalelse/H4200100/") in links
    assert {t.term for t in entry_a.tags if t.scheme.endswith("/hearing-status/")} == {"open"}
    entry_b = hearing_entries[b.item_id]
    assert entry_b.content[0].value.startswith("<p><strong>Høyringa er avslutta</strong></p>")
    assert {(t.term, t.label) for t in entry_b.tags if t.scheme.endswith("/hearing-status/")} == {("closed", "Avslutta")}
    ks_entry = feed_entries(tmp_path, "sources/ks-svar")["http://www.ks.no/horingssvar/svar-introduksjonsloven/"]
    assert ("related", a.url) in {(link.rel, link.href) for link in ks_entry.links}

    # hearings/open: soonest first with the days left; B closed is gone. The calendar: same UID for A, new date.
    opened = feed_entries(tmp_path, "hearings/open")
    assert list(opened) == [c.item_id, a.item_id]
    assert "<strong>5 dager igjen</strong>" in opened[c.item_id].content[0].value
    events = calendar(tmp_path)
    assert set(events) == {a.url, c.url}
    assert events[a.url]["uid"] == first_events[a.url]["uid"] and events[a.url]["sequence"] == 1
    assert events[a.url].decoded("dtstart") == a.deadline
    assert "svar.regjeringen.no" in str(events[a.url]["description"])
    assert "Arbeids- og inkluderingsdepartementet" in str(events[a.url]["description"])

    assert "Oslo kommune (kommune), Bergen kommune (kommune), Kommunesektorens organisasjon (KS) (organisasjon)" in content
    for atom in (tmp_path / "feeds").rglob("*.atom"):  # every Atom file valid (RFC 4287's schema where present)
        validate_atom(atom)

    # Run 3: nothing changed, nothing is sent again.
    sent = (len(smtp.mails), len(webhook.messages))
    assert main(["run", "--config", config]) == 0
    assert (len(smtp.mails), len(webhook.messages)) == sent
    assert not [p for p in site.requested() if "uid=" in p]  # a response's own page is disallowed


def test_reminders_come_on_their_day_in_oslo_once_and_follow_a_moved_deadline(world):
    site, webhook, smtp, tmp_path = world
    config_path = hearing_config(tmp_path, webhook, smtp)
    a, b = baseline(site)
    assert main(["run", "--config", config_path]) == 0
    config = load_config(config_path)
    with open_store(config) as store:
        def remind_at(moment: datetime) -> list[str]:
            before = len(smtp.mails)
            notify_step(config, store, now=moment.astimezone(UTC))
            return [m.subject for m in smtp.mails[before:]]

        def oslo(day: date, hour: int = 12) -> datetime:
            return datetime.combine(day, time(hour), OSLO)

        assert remind_at(oslo(a.deadline - timedelta(days=15))) == []
        assert remind_at(oslo(a.deadline - timedelta(days=14))) == [f"Påminnelse: {a.title} – 14 dager igjen"]
        assert remind_at(oslo(a.deadline - timedelta(days=4))) == []  # the 14-day one was sent: once
        midnight = oslo(a.deadline - timedelta(days=3), 0)  # 22:00 or 23:00 UTC the day before
        just_before, just_after = midnight - timedelta(minutes=30), midnight + timedelta(minutes=30)
        assert just_before.astimezone(UTC).date() == just_after.astimezone(UTC).date()  # one day in UTC, two in Oslo
        assert remind_at(just_before) == []
        assert remind_at(just_after) == [f"Påminnelse: {a.title} – 3 dager igjen"]
        assert remind_at(oslo(a.deadline - timedelta(days=3), 18)) == []  # once
        # B closes: on the day its 3-day reminder would have come, it gets none.
        b.status = "Avslutta"
        assert main(["run", "--config", config_path]) == 0
        b_day = b.deadline - timedelta(days=3)
        assert not [s for s in remind_at(oslo(b_day)) if b.title in s]

        # The deadline moves after the reminder was sent: reminders for the new date.
        a.deadline += timedelta(days=7)
        assert main(["run", "--config", config_path]) == 0
        assert remind_at(oslo(a.deadline - timedelta(days=3))) == [f"Påminnelse: {a.title} – 3 dager igjen"]
        mail = smtp.mails[-1]
        assert f"Høringsfrist: {a.deadline:%d.%m.%Y}" in mail.part("plain")


def test_only_rss_reachable_hearings_still_arrive_and_are_completed_when_html_returns(world, capsys):
    site, webhook, smtp, tmp_path = world
    config = hearing_config(tmp_path, webhook, smtp, refresh=20)
    a, _ = baseline(site)
    site.blocked = True  # Cloudflare answers every HTML page with a challenge; RSS stays open
    assert main(["run", "--config", config]) == 0
    err = capsys.readouterr().err
    assert "Cloudflare challenge" in err and "the item keeps what the listing gave" in err
    hearing = feed_entries(tmp_path, "topics/hearings")[a.item_id]  # a hearing by the feed's filter alone
    assert hearing.title == a.title and "consultation" in {t.term for t in hearing.tags}
    assert not (tmp_path / "feeds" / "hearings" / "open.atom").read_text("utf-8").count("<entry>")  # no deadline yet

    site.blocked = False
    assert main(["run", "--config", config]) == 0  # the failed page is tried again on the next run
    hearing = feed_entries(tmp_path, "topics/hearings")[a.item_id]
    assert f"Høringsfrist: {a.deadline:%d.%m.%Y}" in hearing.content[0].value and "Status: På høring" in hearing.content[0].value
    assert a.item_id in feed_entries(tmp_path, "hearings/open")


def test_an_rss_filter_that_stays_empty_is_a_warning_not_an_error(world, capsys):
    site, webhook, smtp, tmp_path = world
    config = hearing_config(tmp_path, webhook, smtp)  # no hearings published: the feed is empty
    site.answer(Answer("svar-1", "Høringssvar 1", "KS mener noe."))
    site.answer(Answer("svar-2", "Høringssvar 2", "KS mener noe annet."))
    assert main(["run", "--config", config]) == 0
    err = capsys.readouterr().err
    assert "has no items; check its filters (documentType, owner, topic)" in err
    assert json.loads(json.dumps(feed_entries(tmp_path, "hearings/open"))) == {}


def test_a_ks_answer_without_a_link_is_linked_by_its_reference(world):
    site, webhook, smtp, tmp_path = world
    config = hearing_config(tmp_path, webhook, smtp)
    baseline(site)
    nou = site.add(Hearing(4200400, "horing-nou-2026-3", "Høring – NOU 2026: 3 Fremtidens kommuner",
                           TODAY + timedelta(days=30), ministry="kdd"))
    assert main(["run", "--config", config]) == 0
    site.answer(Answer("nou-2026-3-fremtidens-kommuner", "Høringssvar: NOU 2026: 3 Fremtidens kommuner",
                       "KS mener utvalget peker på riktige utfordringer."))  # no link to regjeringen.no
    assert main(["run", "--config", config]) == 0
    assert [m.subject for m in smtp.mails] == [f"{nou.title}: KS har svart"]
    assert "http://www.ks.no/horingssvar/nou-2026-3-fremtidens-kommuner/" in smtp.mails[0].part("plain")
    entry = feed_entries(tmp_path, "topics/hearings")[nou.item_id]
    assert entry.content[0].value.startswith("<p><strong>KS har svart</strong></p>")
    assert webhook.messages == []  # Bergen names no KS; new-only hears of new items only


def test_a_listing_behind_a_challenge_names_the_rss_feed_that_gives_the_same(world, capsys):
    site, webhook, smtp, tmp_path = world
    listing = "/no/dokument/hoyringar/id1763/"
    site.server.add(listing, lambda request: site._html(""))
    site.blocked = True
    config = write_config(tmp_path, sources=[{"id": "hoyringar", "kind": "regjeringen", "url": f"{REGJERINGEN}{listing}"}])
    assert main(["run", "--config", config]) == 1
    err = capsys.readouterr().err
    assert "HTTP 403: a bot check (Cloudflare challenge)" in err
    assert f"{REGJERINGEN}/no/rss/Rss/2581966/?documentType=dokumenter/h%C3%B8ringer" in err


def test_a_ks_answer_seen_before_its_hearing_is_linked_when_the_hearing_comes(world):
    site, webhook, smtp, tmp_path = world
    config = hearing_config(tmp_path, webhook, smtp)
    baseline(site)
    later = Hearing(4200500, "horing-tolkeloven", "Høring – endringer i tolkeloven", TODAY + timedelta(days=25))
    site.answer(Answer("svar-tolkeloven", "Høringssvar om tolkeloven", "KS ber om mer tid.", hearing=later))
    assert main(["run", "--config", config]) == 0  # the answer links a hearing the store does not hold yet
    site.add(later)
    assert main(["run", "--config", config]) == 0
    content = feed_entries(tmp_path, "topics/hearings")[later.item_id].content[0].value
    assert 'KS har svart: <a href="http://www.ks.no/horingssvar/svar-tolkeloven/">' in content
    assert not content.startswith("<p><strong>KS har svart")  # linked, but no update: the hearing itself is new
    assert [m.subject for m in smtp.mails] == [f"Ny høring: {later.title} (frist {later.deadline:%d.%m.%Y})"]  # once


def test_a_hearing_that_changes_while_the_feed_does_not_is_read_again(world):
    """The hearings feed answers 304 (nothing new in it), but a hearing's page moved its deadline and closed another:
    the followed hearings are read again all the same, and subscribers hear of it."""
    site, webhook, smtp, tmp_path = world
    config = hearing_config(tmp_path, webhook, smtp)
    a, b = baseline(site)
    assert main(["run", "--config", config]) == 0
    old_deadline, a.deadline = a.deadline, a.deadline + timedelta(days=7)
    b.status = "Avslutta"
    site.server.requests.clear()
    assert main(["run", "--config", config]) == 0
    feed = next(r for r in site.server.requests if "rss" in r.path)
    assert feed.headers.get("if-none-match")  # a conditional request, answered 304
    assert a.path in site.requested() and b.path in site.requested()
    assert sorted(m.subject for m in smtp.mails) == sorted([f"{a.title}: ny frist {a.deadline:%d.%m.%Y}",
                                                            f"{b.title}: avslutta"])
    assert f"Høringsfristen er endret fra {old_deadline:%d.%m.%Y} til {a.deadline:%d.%m.%Y}" in "".join(
        m.part("plain") for m in smtp.mails)


def test_a_hearing_read_late_reaches_the_subscription_that_names_its_recipients(world):
    """A new hearing arrives by RSS while its page is blocked: a subscription with `recipients` cannot judge it
    yet, so it waits, and gets it on the run that reads the page."""
    site, webhook, smtp, tmp_path = world
    bergen_new = {"id": "bergen-new", "urls": [webhook.url("bergen-new")], "feeds": ["topics/hearings"], "recipients": ["Bergen kommune"]}
    config = hearing_config(tmp_path, webhook, smtp, more=[bergen_new])
    baseline(site)
    assert main(["run", "--config", config]) == 0
    site.blocked = True
    c = site.add(Hearing(4200300, "horing-bosetting", "Høring – bosetting av flyktninger", TODAY + timedelta(days=9),
                         recipients=["Bergen kommune"]))
    assert main(["run", "--config", config]) == 0
    no_deadline, with_deadline = f"Ny høring: {c.title}", f"Ny høring: {c.title} (frist {c.deadline:%d.%m.%Y})"
    assert webhook.titles("new") == [no_deadline] and webhook.titles("bergen-new") == []  # waiting for the page
    site.blocked = False
    assert main(["run", "--config", config]) == 0  # the failed page is tried again, though the feed is unchanged
    assert webhook.titles("bergen-new") == [with_deadline]
    assert main(["run", "--config", config]) == 0
    assert webhook.titles("bergen-new") == [with_deadline] and webhook.titles("new") == [no_deadline]  # once each


def test_updated_added_to_a_subscription_later_brings_no_backlog(world):
    site, webhook, smtp, tmp_path = world
    a, _ = baseline(site)
    config = hearing_config(tmp_path, webhook, smtp, bergen_hears_updates=False)
    assert main(["run", "--config", config]) == 0
    for days in (3, 6):  # changes nobody listens for
        a.deadline = TODAY + timedelta(days=20 + days)
        assert main(["run", "--config", config]) == 0
    hearing_config(tmp_path, webhook, smtp)  # "bergen" now wants updates
    assert main(["run", "--config", config]) == 0
    assert webhook.titles("bergen") == []  # not the two changes before
    old, a.deadline = a.deadline, TODAY + timedelta(days=40)
    assert main(["run", "--config", config]) == 0
    assert webhook.titles("bergen") == [f"{a.title}: ny frist {a.deadline:%d.%m.%Y}"]
    assert webhook.messages[-1]["message"].startswith(f"Høringsfristen er endret fra {old:%d.%m.%Y} til {a.deadline:%d.%m.%Y}")


def test_a_new_hearing_in_a_feed_that_needs_no_missing_fact_does_not_wait(world):
    """A subscription following hearings/open and topics/hearings gets a new hearing whose page is blocked (no
    deadline yet) at once: topics/hearings holds it already."""
    site, webhook, smtp, tmp_path = world
    both = {"id": "both", "urls": [webhook.url("both")], "feeds": ["hearings/open", "topics/hearings"]}
    config = hearing_config(tmp_path, webhook, smtp, more=[both])
    baseline(site)
    assert main(["run", "--config", config]) == 0
    site.blocked = True
    c = site.add(Hearing(4200300, "horing-bosetting", "Høring – bosetting av flyktninger", TODAY + timedelta(days=9)))
    assert main(["run", "--config", config]) == 0
    assert webhook.titles("both") == [f"Ny høring: {c.title}"]  # no deadline known yet
    site.blocked = False
    assert main(["run", "--config", config]) == 0
    assert webhook.titles("both") == [f"Ny høring: {c.title}"]  # once


def test_a_ks_answer_given_as_new_is_not_told_again_as_an_update(world):
    """A subscription that gets KS's answers as new items (topics/hearings holds them) and names KS in
    `respondents` gets the answer once, not also as "KS har svart"."""
    site, webhook, smtp, tmp_path = world
    config = hearing_config(tmp_path, webhook, smtp, document_types=["consultation", "consultation-response"])
    a, _ = baseline(site)
    assert main(["run", "--config", config]) == 0
    answer = site.answer(Answer("svar-introduksjonsloven", "Høringssvar om endringer i introduksjonsloven",
                                "KS støtter forslaget.", hearing=a))
    assert main(["run", "--config", config]) == 0
    assert [m.subject for m in smtp.mails] == [answer.title]  # hearings-mail: the answer, once
    content = feed_entries(tmp_path, "topics/hearings")[a.item_id].content[0].value
    assert content.startswith("<p><strong>KS har svart</strong></p>")  # the feed still says it
