"""Hearings without a server: the hearing page's letter and links that are no web page (what its factboxes and
response listings give is in the parser cases: fixtures/hearings/*.expected.json, test_parser_cases.py), the rules
of what a change is, the lines that tell it in bokmål, nynorsk and English, and when a reminder is due."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from aggregator.hearings import Document, Hearing, Response, Responses, follow, put, rules
from aggregator.normalize import oslo_day
from aggregator.sources.ks.article import parse_article as parse_ks_article
from aggregator.sources.regjeringen.hearing_page import parse_hearing, responses_url

CASES = Path(__file__).resolve().parent / "fixtures" / "hearings"
URL = "https://www.regjeringen.no/no/dokumenter/horing-introduksjonsloven/id4200100/"


def case(name: str) -> str:
    return (CASES / name).read_text("utf-8")


# ------------------------------------------------------------------------------------------ the hearing page


def test_the_letter_is_sanitized_html_without_its_reference_line():
    letter = parse_hearing(URL, case("hearing-nb-open.html")).letter
    assert letter.startswith("<p>Arbeids- og inkluderingsdepartementet sender med dette forslag")
    assert "<strong>1. februar 2027</strong>" in letter
    assert 'href="https://www.regjeringen.no/no/id4/"' in letter  # relative links made absolute
    for unsafe in ("<script", "alert(", "onclick", "steal()", "Vår ref."):
        assert unsafe not in letter


@pytest.mark.parametrize(("status", "state"), [
    ("På høring", "open"),  # hearing-nb-open.html's status
    ("Ferdigbehandla", "closed"),  # hearing-nn-closed.html's
])
def test_a_status_in_the_sites_words_is_open_or_closed(status, state):
    assert rules.state_of(status) == state


def test_the_response_listing_url_starts_with_show_svar_which_robots_txt_allows():
    assert responses_url(URL, 2) == URL + "?showSvar=true&consterm=&page=2&isFilterOpen=true"


# ------------------------------------------------------------------------------------------ what a change is


OPEN = Hearing(deadline=date(2026, 9, 1), status="På høring", documents=[Document("Notat", "https://x/n.pdf")],
               responses=Responses(1, (Response("Oslo kommune", "kommune"),)))


def test_a_moved_deadline_a_closing_new_documents_and_new_answers_are_changes():
    after = replace(OPEN, deadline=date(2026, 9, 15), status="Avsluttet",
                    documents=[*OPEN.documents, Document("Tillegg", "https://x/t.pdf")],
                    responses=Responses(2, (*OPEN.responses.by, Response("Kommunesektorens organisasjon (KS)"))))
    assert rules.changes(OPEN, after) == [
        {"kind": "deadline", "from": "2026-09-01", "to": "2026-09-15"},
        {"kind": "closed", "status": "Avsluttet"},
        {"kind": "documents", "added": [{"title": "Tillegg", "url": "https://x/t.pdf"}]},
        {"kind": "response", "respondents": ["Kommunesektorens organisasjon (KS)"]},
    ]


@pytest.mark.parametrize("after", [
    replace(OPEN, letter="<p>reworded</p>"),  # a reworded letter is not a hearing change
    replace(OPEN, status="På høyring"),  # the same status in nynorsk
    replace(OPEN, responses=None),  # the responses could not be read this time
    replace(OPEN, deadline=None),  # a deadline not given (RSS) is not a moved one
])
def test_what_is_no_change(after):
    assert rules.changes(OPEN, after) == []


def test_facts_learnt_for_the_first_time_are_no_change():
    learnt = replace(OPEN, letter="<p>…</p>")
    assert rules.changes(Hearing(deadline=date(2026, 9, 1)), learnt) == []  # documents and responses first read now


def test_only_ks_answers_advance_a_hearing_in_the_feeds():
    assert rules.in_feeds({"kind": "deadline"}) and rules.in_feeds({"kind": "closed"})
    assert rules.in_feeds({"kind": "response", "respondents": ["Kommunesektorens organisasjon (KS)"]})
    assert not rules.in_feeds({"kind": "response", "respondents": ["Oslo kommune"]})


@pytest.mark.parametrize(("event", "language", "line"), [
    ({"kind": "deadline", "from": "2026-09-01", "to": "2026-09-15"}, "nb",
     "Høringsfristen er endret fra 01.09.2026 til 15.09.2026"),
    ({"kind": "deadline", "from": "2026-09-01", "to": "2026-09-15"}, "nn",
     "Høyringsfristen er endra frå 01.09.2026 til 15.09.2026"),
    ({"kind": "deadline", "from": "2026-09-01", "to": "2026-09-15"}, "en",
     "The consultation deadline has moved from 01.09.2026 to 15.09.2026"),
    ({"kind": "closed", "status": "Avsluttet"}, "nb", "Høringen er avsluttet"),
    ({"kind": "closed", "status": "Ferdigbehandla"}, "nn", "Høyringa er avslutta"),
    ({"kind": "response", "respondents": ["Kommunesektorens organisasjon (KS)"]}, "nb", "KS har svart"),
    ({"kind": "response", "respondents": ["Bergen kommune", "KS", "Oslo kommune"]}, "nb",
     "Bergen kommune, KS og Oslo kommune har svart"),
    ({"kind": "documents", "added": [{"title": "Tillegg", "url": "u"}]}, "nn", "Nye dokument: Tillegg"),
])
def test_the_line_that_says_what_changed_in_the_hearings_language(event, language, line):
    assert rules.update_line(event, language) == line


def test_respondents_and_recipients_match_by_name_or_abbreviation():
    assert rules.names_match(["Kommunesektorens organisasjon (KS)"], ["KS"])
    assert rules.names_match(["Kommunesektorens organisasjon"], ["KS"])  # KS's names are KS
    assert rules.names_match(["KS"], ["Kommunesektorens organisasjon (KS)"])
    assert rules.names_match(["Bergen kommune"], ["bergen  kommune"])
    assert rules.names_match(["Norges Bondelag (NB)"], ["Norges Bondelag"])
    assert rules.names_match(["KS – Kommunesektorens organisasjon"], ["KS"])  # the dash forms of høringslister
    assert rules.names_match(["Kommunesektorens organisasjon - KS"], ["Kommunesektorens organisasjon (KS)"])
    assert not rules.names_match(["Arbeids- og inkluderingsdepartementet"], ["og inkluderingsdepartementet"])
    assert not rules.names_match(["KS Bedrift", "KS-Agenda", "Kskog AS", "Bergenhus kommune"], ["KS", "Bergen kommune"])
    assert rules.update_line({"kind": "response", "respondents": ["KS Bedrift"]}, "nb") == "KS Bedrift har svart"
    assert not rules.in_feeds({"kind": "response", "respondents": ["KS Bedrift"]})


def test_a_fact_one_reading_did_not_give_keeps_its_last_value_so_the_next_change_is_seen():
    stored = Hearing(deadline=date(2026, 8, 14), status="På høring", answer_url="https://svar.example/H1/")
    read = Hearing(status="Avsluttet")  # a closed hearing's page: no deadline box read, no answer form
    kept = rules.keep_known_facts(stored, read)
    assert kept == Hearing(deadline=date(2026, 8, 14), status="Avsluttet")  # the form is gone with the closing
    assert rules.changes(Hearing(deadline=date(2026, 8, 14)), replace(kept, deadline=date(2026, 9, 30)))[0]["kind"] == "deadline"


def test_links_that_are_no_web_page_do_not_break_a_hearing_or_a_ks_page():
    page = case("hearing-nb-open.html").replace(
        '<p><a href="/no/dokumenter/tidligere-utredning/id4000001/">Tidligere utredning</a></p>',
        '<p><a href="mailto:postmottak@aid.dep.no">postmottak@aid.dep.no</a> <a href="tel:+4722249090">Ring</a></p>')
    facts = parse_hearing(URL, page.replace("sender med dette", "sender\x0c med dette"))  # and Word's page break
    assert [d.title for d in facts.documents] == ["Høringsnotat - endringer i introduksjonsloven"]
    assert "\x0c" not in facts.letter
    ks = case("ks-answer-links-hearing.html").replace("<p>KS mener", '<p><a href="mailto:post@ks.no">post@ks.no</a> KS mener')
    assert parse_ks_article("https://www.ks.no/horingssvar/introduksjonsloven/", ks).hearing_links == [URL]


# ------------------------------------------------------------------------------------------ reminders


DEADLINE = date(2026, 9, 15)
LONG_AGO = date(2026, 1, 1)


@pytest.mark.parametrize(("today", "due"), [
    (date(2026, 8, 31), None),  # 15 days left
    (date(2026, 9, 1), 14),
    (date(2026, 9, 5), 14),  # still the 14-day one (its key makes it once)
    (date(2026, 9, 12), 3),
    (date(2026, 9, 15), 3),  # the deadline's day
    (date(2026, 9, 16), None),  # past
])
def test_the_nearest_reminder_is_due(today, due):
    assert rules.due_reminder(DEADLINE, [14, 3], today, LONG_AGO) == due


def test_a_new_subscription_starts_with_the_reminders_ahead_of_it():
    assert rules.due_reminder(DEADLINE, [14, 3], date(2026, 9, 10), not_before=date(2026, 9, 10)) is None
    assert rules.due_reminder(DEADLINE, [14, 3], date(2026, 9, 12), not_before=date(2026, 9, 10)) == 3


def test_the_day_is_the_day_in_oslo_not_in_utc():
    late_evening_utc = datetime(2026, 9, 11, 23, 30, tzinfo=UTC)  # 01:30 on the 12th in Oslo
    assert oslo_day(late_evening_utc) == date(2026, 9, 12)
    assert rules.due_reminder(DEADLINE, [3], oslo_day(late_evening_utc), LONG_AGO) == 3
    assert rules.due_reminder(DEADLINE, [3], late_evening_utc.date(), LONG_AGO) is None


def item_of(hearing: Hearing, document_type: str = "consultation", published=datetime(2026, 11, 20, tzinfo=UTC)) -> dict:
    extra: dict = {}
    put(extra, hearing)
    return {"document_type": document_type, "extra": extra, "published": published, "first_seen": published}


def test_an_open_hearing_is_one_not_closed_with_its_deadline_ahead():
    item = item_of(Hearing(deadline=date(2026, 9, 15), status="På høring"))
    assert rules.is_open_hearing(item, date(2026, 9, 15)) and not rules.is_open_hearing(item, date(2026, 9, 16))
    assert not rules.is_open_hearing(item_of(Hearing(deadline=date(2026, 9, 15), status="Avsluttet")), date(2026, 9, 1))
    assert not rules.is_open_hearing(item_of(Hearing(deadline=date(2026, 9, 15)), "press-release"), date(2026, 9, 1))


def test_which_hearings_are_still_followed():
    today = date(2026, 12, 3)
    assert follow.is_followed(item_of(Hearing(deadline=date(2026, 12, 20))), today)
    assert follow.is_followed(item_of(Hearing(deadline=date(2026, 11, 1), status="Avsluttet")), today)  # answers come late
    assert not follow.is_followed(item_of(Hearing(deadline=date(2026, 9, 1))), today)
    assert follow.is_followed(item_of(Hearing()), today)  # new, deadline not known yet
    assert not follow.is_followed(item_of(Hearing(), published=datetime(2024, 1, 10, tzinfo=UTC)), today)  # an old one
    assert not follow.is_followed(item_of(Hearing(deadline=date(2026, 12, 20)), "news"), today)


def test_a_relative_link_in_a_letter_is_decoded_once_then_resolved():
    from aggregator.sources.regjeringen.hearing_page import sanitize_letter

    letter = sanitize_letter('<p><a href="/no/dokumenter/x/id1/?ch=2&amp;q=3">kapittel 2</a></p>', URL)
    assert 'href="https://www.regjeringen.no/no/dokumenter/x/id1/?ch=2&amp;q=3"' in letter  # &amp; is the XML of &
    assert "%3B" not in letter and "&amp;amp;" not in letter
