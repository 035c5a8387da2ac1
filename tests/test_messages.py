"""Messages as readers get them, through the CLI and a real SMTP server (aiosmtpd), read back with Python's `email`
package: list headers (List-Id, List-Unsubscribe, RFC 8058's List-Unsubscribe-Post) through Apprise, the HTML part as
a complete document, a footer in the items' language, subjects that say what a message is ("Ny høring: … (frist
…)", an update's short subject that starts with the hearing, feeds by their titles), a hearing whose deadline passed
never in red as if it were live, `preview` showing exactly what is sent, and digests on workdays or a chosen day."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from helpers import ChangingFeed, hearing_extra, write_config

from aggregator.cli import main
from aggregator.commit import commit_record
from aggregator.config import ConfigError, SubscriptionConfig, load_config
from aggregator.normalize import OSLO
from aggregator.notify import digest_due_at
from aggregator.records import Record
from aggregator.store import Store

TODAY = datetime.now(OSLO).date()


@pytest.fixture
def feed(http_server):
    feed = ChangingFeed(http_server)
    feed.add("Gammel sak", "Historie")
    return feed


def run_config(tmp_path, feed_url: str, subscription: dict, notify: dict | None = None) -> str:
    """The feed as source "dep", a topic of hearings, this subscription; after the baseline run (nobody hears of what
    the source held)."""
    path = write_config(tmp_path, output={"base_url": "https://feeds.example.org/"}, notify=notify,
                        sources=[{"id": "dep", "kind": "feed", "url": feed_url}],
                        topics=[{"id": "hearings", "title": "Høringer", "document_types": ["consultation"]}],
                        subscriptions=[subscription])
    assert main(["run", "--config", path]) == 0
    return path


def sub(id: str, *urls: str, feeds=("all",), **keys) -> dict:
    return {"id": id, "urls": list(urls), "feeds": list(feeds), **keys}


def hearing(n: int, title: str, deadline: date | None, language: str = "nb", status: str = "På høring") -> Record:
    return Record(id=f"https://www.regjeringen.no/{language}/id{4300000 + n}/",
                  link=f"https://www.regjeringen.no/{language}/dokumenter/h{n}/id{4300000 + n}/", title=title,
                  summary=f"Om {title.lower()}.", language=language, document_type="consultation", ministries=["kdd"],
                  published=datetime(2026, 11, 2, 9, tzinfo=UTC) + timedelta(hours=n),
                  extra=hearing_extra(deadline.isoformat() if deadline else None, status))


def store_items(config: str, *records: Record, now: datetime | None = None) -> None:
    """Store items as the source's news, and file them in the feeds (as a run does before it notifies)."""
    store = Store(load_config(config).database)
    try:
        for record in records:
            commit_record(store, record, "dep", now=now)
    finally:
        store.close()
    assert main(["build", "-q", "--config", config]) == 0


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n")


# ------------------------------------------------------------------------------------------ email: headers and parts


def test_an_email_has_list_headers_a_whole_html_document_and_a_footer_that_says_how_to_leave(tmp_path, feed, smtp):
    config = run_config(tmp_path, feed.url, sub("hearings-mail", smtp.url(), feeds=["topics/hearings"]),
                          {"unsubscribe": "mailto:leave@kommune.example"})
    deadline = TODAY + timedelta(days=33)
    store_items(config, hearing(1, "Høring om digital beredskap", deadline))
    assert main(["notify", "--config", config]) == 0
    [mail] = smtp.mails
    message = mail.message
    assert mail.subject == f"Ny høring: Høring om digital beredskap (frist {deadline:%d.%m.%Y})"
    assert message["List-Id"] == "hearings-mail <hearings-mail.feeds.example.org>"
    assert message["List-Unsubscribe"] == "<mailto:leave@kommune.example?subject=unsubscribe%20hearings-mail>"
    assert message["List-Unsubscribe-Post"] is None  # one click needs an https URL
    assert message.get_content_type() == "multipart/alternative"
    html_part = message.get_body(("html",))
    assert html_part.get_content_charset() == "utf-8"
    html = crlf(html_part.get_content())
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"nb\">") and '<meta charset="utf-8">' in html
    assert html.rstrip().endswith("</html>") and html.count("<body>") == 1
    assert f"<title>Ny høring: Høring om digital beredskap (frist {deadline:%d.%m.%Y})</title>" in html
    # the footer, in the item's language: which subscription this is, and how to leave it
    footer = "Du får denne meldingen fordi du abonnerer på Høringer (abonnementet «hearings-mail»)."
    text = mail.part("plain").replace("\r\n", "\n")
    assert text.rstrip().endswith(f"-- \n{footer}\nMeld deg av: mailto:leave@kommune.example?subject=unsubscribe%20hearings-mail")
    assert footer in html and '<a href="mailto:leave@kommune.example?subject=unsubscribe%20hearings-mail">' in html
    assert "Subscription" not in text and "Subscription" not in html  # no English left in a Norwegian message


def test_an_https_unsubscribe_url_offers_one_click_beside_the_mailto(tmp_path, feed, smtp):
    config = run_config(tmp_path, feed.url, sub("mail", smtp.url("staff@kommune.example")),
                          {"unsubscribe": ["mailto:leave@kommune.example", "https://feeds.example.org/leave"]})
    store_items(config, hearing(2, "Consultation on the Digital Services Act", TODAY + timedelta(days=9), "en"))
    assert main(["notify", "--config", config]) == 0
    [mail] = smtp.mails
    assert mail.message["List-Unsubscribe"] == (
        "<https://feeds.example.org/leave?list=mail&recipient=staff@kommune.example>, "
        "<mailto:leave@kommune.example?subject=unsubscribe%20mail>")
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"  # RFC 8058
    assert mail.subject.startswith("New consultation: Consultation on the Digital Services Act (deadline ")
    text = mail.part("plain")
    assert "You get this message because you subscribe to All items – regjeringen.no and KS" in text  # en words
    assert '<html lang="en">' in mail.part("html")


def test_chat_messages_get_no_list_headers_and_no_footer(tmp_path, feed, webhook):
    config = run_config(tmp_path, feed.url, sub("chat", webhook.url()), {"unsubscribe": "mailto:leave@kommune.example"})
    store_items(config, hearing(3, "Høring om kommunale avgifter", TODAY + timedelta(days=3)))
    assert main(["notify", "--config", config]) == 0
    [message] = webhook.messages
    assert "abonnerer" not in message["message"] and "Meld deg av" not in message["message"]


# ------------------------------------------------------------------------------------------ subjects


def test_a_new_hearings_subject_says_so_with_its_deadline_in_the_hearings_language(tmp_path, feed, smtp):
    config = run_config(tmp_path, feed.url, sub("mail", smtp.url(), feeds=["topics/hearings"]))
    day = TODAY + timedelta(days=40)
    store_items(config, hearing(4, "Høring om skatt", day), hearing(5, "Høyring om vegar", day, "nn"),
                hearing(6, "Consultation on ports", day), hearing(7, "Høring uten frist", None))
    assert main(["notify", "--config", config]) == 0
    assert sorted(m.subject for m in smtp.mails) == sorted([
        f"Ny høring: Høring om skatt (frist {day:%d.%m.%Y})", f"Ny høyring: Høyring om vegar (frist {day:%d.%m.%Y})",
        f"Ny høring: Consultation on ports (frist {day:%d.%m.%Y})",  # its language is bokmål (nb), not its words
        "Ny høring: Høring uten frist"])


def test_an_updates_subject_is_short_and_starts_with_the_hearing(tmp_path, feed, smtp):
    config = run_config(tmp_path, feed.url, sub("mail", smtp.url(), feeds=["topics/hearings"], events=["updated"]))
    title = "Høring om forslag til endringer i forskrift om kommunale og fylkeskommunale budsjetter og økonomiplaner"
    first, moved = TODAY + timedelta(days=20), TODAY + timedelta(days=27)
    now = datetime.now(UTC)
    store_items(config, hearing(8, title, first), now=now)
    store_items(config, hearing(8, title, moved), now=now + timedelta(hours=1))
    assert main(["notify", "--config", config]) == 0
    [mail] = smtp.mails
    assert mail.subject.startswith("Høring om forslag til endringer") and "…" in mail.subject  # the title, cut
    assert mail.subject.endswith(f"…: ny frist {moved:%d.%m.%Y}") and len(mail.subject) <= 78
    assert mail.part("plain").startswith(f"Høringsfristen er endret fra {first:%d.%m.%Y} til {moved:%d.%m.%Y}")


def test_a_hearing_whose_deadline_passed_is_told_so_never_in_red(tmp_path, feed, smtp):
    config = run_config(tmp_path, feed.url, sub("mail", smtp.url(), feeds=["topics/hearings"]))
    passed = TODAY - timedelta(days=10)
    store_items(config, hearing(9, "Høring med utløpt frist", passed))  # the site still says "På høring"
    assert main(["notify", "--config", config]) == 0
    [mail] = smtp.mails
    text, html = mail.part("plain"), mail.part("html")
    assert f"Fristen gikk ut {passed:%d.%m.%Y}" in text and "Høringsfrist:" not in text
    assert f"Fristen gikk ut {passed:%d.%m.%Y}" in html and "#b00020" not in html


# ------------------------------------------------------------------------------------------ preview is what is sent


def preview(config: str, subscription: str, html, capsys, items: int = 5) -> str:
    capsys.readouterr()
    assert main(["preview", "--config", config, "--subscription", subscription, "--items", str(items),
                 "--html", str(html)]) == 0
    return capsys.readouterr().out


def test_preview_shows_exactly_what_is_sent_subject_parts_and_headers(tmp_path, feed, smtp, capsys):
    config = run_config(tmp_path, feed.url, sub("hearings-mail", smtp.url(), feeds=["topics/hearings"]),
                          {"unsubscribe": "mailto:leave@kommune.example"})
    store_items(config, hearing(10, "Høring om vann og avløp", TODAY + timedelta(days=14)))
    out = preview(config, "hearings-mail", tmp_path / "preview.html", capsys, items=1)
    assert main(["notify", "--config", config]) == 0
    [mail] = smtp.mails
    assert f"Subject: {mail.subject}\n" in out
    assert f"List-Id: {mail.message['List-Id']}\n" in out and f"List-Unsubscribe: {mail.message['List-Unsubscribe']}\n" in out
    assert crlf(mail.part("plain")).strip() in out  # the text part, line for line
    assert (tmp_path / "preview.html").read_text("utf-8").strip() == crlf(mail.part("html")).strip()
    assert out.rstrip().endswith("nothing was sent")


def test_preview_names_feeds_by_their_titles_and_groups_as_sending_does(tmp_path, feed, smtp, capsys):
    config = run_config(tmp_path, feed.url, sub("two", smtp.url(), feeds=["topics/hearings", "hearings/open"]),
                          {"batch_over": 2})
    store_items(config, *(hearing(20 + n, f"Høring nummer {n}", TODAY + timedelta(days=5 + n)) for n in range(3)))
    out = preview(config, "two", tmp_path / "p.html", capsys, items=3)
    subject = "Høringer, Åpne høringer – nærmeste frist først: 3 nye"  # titles, not paths; one combined message
    assert "--- message 1 of 1 " in out and f"Subject: {subject}\n" in out
    assert main(["notify", "--config", config]) == 0
    assert [m.subject for m in smtp.mails] == [subject]
    out = preview(config, "two", tmp_path / "p.html", capsys, items=2)  # at or under batch_over: one per item
    assert "--- message 2 of 2 " in out and out.count("Subject: Ny høring: Høring nummer") == 2


def test_a_digest_sent_now_has_the_subject_its_preview_showed(tmp_path, feed, smtp, capsys):
    config = run_config(tmp_path, feed.url, sub("weekly", smtp.url(), mode="digest", schedule="weekly"))
    store_items(config, hearing(30, "Høring om havner", TODAY + timedelta(days=30)),
                Record(id="https://example.org/sak", link="https://example.org/sak", title="En nyhet", language="nb"))
    out = preview(config, "weekly", tmp_path / "d.html", capsys, items=2)  # its two latest: the two new ones
    assert "Subject: Ukentlig sammendrag – Alle saker – regjeringen.no og KS: 2 nye\n" in out
    assert main(["digest", "--config", config, "--force"]) == 0
    assert [m.subject for m in smtp.mails] == ["Ukentlig sammendrag – Alle saker – regjeringen.no og KS: 2 nye"]


# ------------------------------------------------------------------------------------------ digests when people read them


@pytest.mark.parametrize("schedule, day, first_seen, expected", [
    ("workdays", None, "2026-03-06T10:00:00+01:00", ["2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13",
                                                     "2026-03-16"]),  # Friday: then Monday to Friday, never a weekend
    ("weekly", "friday", "2026-03-03T10:00:00+01:00", ["2026-03-13", "2026-03-20"]),  # a full week later, on Fridays
    ("weekly", None, "2026-03-03T10:00:00+01:00", ["2026-03-16", "2026-03-23"]),  # Mondays by default
])
def test_digests_go_out_on_workdays_or_on_the_day_chosen(schedule, day, first_seen, expected):
    subscription = SubscriptionConfig("s", ["json://x"], mode="digest", schedule=schedule, digest_day=day)
    state, slots = {"first_seen": first_seen}, []
    for _ in expected:
        due = digest_due_at(subscription, state, "07:00")
        slots.append(due.astimezone(OSLO))
        state["last_digest_slot"] = due.isoformat()
    assert [s.date().isoformat() for s in slots] == expected and {s.strftime("%H:%M") for s in slots} == {"07:00"}


def test_status_shows_a_weekly_digest_due_on_its_day(tmp_path, feed, capsys):
    config = run_config(tmp_path, feed.url, sub("friday", "json://127.0.0.1:9/x", mode="digest", schedule="weekly",
                                                digest_day="Friday"))
    capsys.readouterr()
    assert main(["status", "--config", config]) == 0
    when = re.search(r"next digest: (\d\d\.\d\d\.\d{4}) 07:00", capsys.readouterr().out)
    assert when and datetime.strptime(when.group(1), "%d.%m.%Y").weekday() == 4


def test_a_digest_day_is_only_for_weekly_digests(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[[sources]]\nid = "a"\nkind = "feed"\nurl = "https://example.org/rss"\n'
                    '[[subscriptions]]\nid = "s"\nurls = ["json://127.0.0.1/x"]\nmode = "digest"\ndigest_day = "friday"\n')
    with pytest.raises(ConfigError, match=r'subscriptions "s"\.digest_day: only weekly digests have a digest_day'):
        load_config(path)
