"""The plain-text part of every HTML email is our text template's rendering, got by answering one internal call of
Apprise's email plugin (`notify/sending._text_part`). These tests fail, naming the Apprise version, when an Apprise
release moves that call or stops making it, so an upgrade cannot silently change the text part of every mail."""

from __future__ import annotations

import logging
import re

import apprise
import pytest
from helpers import Mail

from aggregator.notify import sending
from aggregator.notify.render import Rendered

VERSION = f"Apprise {apprise.__version__}"
LINK = "https://www.regjeringen.no/no/dokumenter/id3000001/"
TEXT = f"Økt pensjonsalder for ærlige, søte og blå yrker.\n\nFra: Testdepartementet\nType: Høring\n\n{LINK}\n"
HTML = f'<p><b>Økt pensjonsalder</b> for ærlige, søte og blå yrker.</p><p><a href="{LINK}">Les hele saken</a></p>'
MESSAGE = Rendered("Høring: Endringer i særaldersgrenser", HTML, "html", TEXT)


@pytest.fixture(autouse=True)
def check_again(monkeypatch):
    """Each test sees the once-per-process check of the hook as not yet made."""
    monkeypatch.setattr(sending, "_hook_checked", False)


@pytest.fixture
def email_base():
    """The module of Apprise's email plugin whose convert_between `_text_part` answers."""
    try:
        from apprise.plugins.email import base
    except ImportError as error:
        pytest.fail(f"{VERSION}: no apprise.plugins.email.base, where the text part's hook goes ({error})")
    return base


@pytest.fixture
def apprise_ignores_the_hook(monkeypatch, email_base):
    """As if an Apprise release built the text part another way: while it builds an email, the module's
    convert_between is its own again, whatever `_text_part` put there."""
    own, prepare = email_base.convert_between, email_base.NotifyEmail.prepare_emails

    def prepare_without_the_hook(*args, **kwargs):
        hooked = email_base.convert_between
        email_base.convert_between = own
        try:
            return list(prepare(*args, **kwargs))
        finally:
            email_base.convert_between = hooked

    monkeypatch.setattr(email_base.NotifyEmail, "prepare_emails", staticmethod(prepare_without_the_hook))


def plain(mail: Mail) -> str:
    return (mail.part("plain") or "").replace("\r\n", "\n").strip()


def assert_text_part_is_ours(mail: Mail) -> None:
    assert mail.message.get_content_type() == "multipart/alternative", f"{VERSION}: an HTML email is no longer text + HTML"
    assert plain(mail) == TEXT.strip(), (
        f"{VERSION}: the plain-text part of an HTML email is not our text template's rendering "
        f"(notify/sending._text_part; {sending.text_part_hook_problem()})")


def test_an_email_sent_through_apprise_has_our_text_as_its_plain_part_and_our_html(smtp, caplog):
    caplog.set_level(logging.WARNING, logger="aggregator.notify")
    assert sending.send(smtp.url(), MESSAGE) == ("sent", None)
    [mail] = smtp.mails
    assert_text_part_is_ours(mail)
    assert "<b>Økt pensjonsalder</b>" in (mail.part("html") or "")
    assert not [r for r in caplog.records if r.name == "aggregator.notify"]


def test_the_guard_finds_the_installed_apprise_answering_the_hook():
    problem = sending.text_part_hook_problem()
    assert problem is None, problem


def test_the_guard_names_the_apprise_version_when_convert_between_is_gone(monkeypatch, email_base):
    monkeypatch.delattr(email_base, "convert_between")
    problem = sending.text_part_hook_problem()
    assert problem is not None and VERSION in problem and "convert_between" in problem


def test_the_guard_names_the_apprise_version_when_its_email_plugin_moved(monkeypatch, email_base):
    monkeypatch.delattr(email_base.NotifyEmail, "prepare_emails")
    problem = sending.text_part_hook_problem()
    assert problem is not None and VERSION in problem and "cannot build an email" in problem


def test_when_apprise_stops_calling_the_hook_the_guard_says_so_and_mail_falls_back_to_its_text_with_one_warning(
        smtp, apprise_ignores_the_hook, caplog):
    problem = sending.text_part_hook_problem()
    assert problem is not None and VERSION in problem and "did not call" in problem

    caplog.set_level(logging.WARNING, logger="aggregator.notify")
    assert sending.send(smtp.url(), MESSAGE) == ("sent", None)
    assert sending.send(smtp.url(), MESSAGE) == ("sent", None)
    warnings = [r.getMessage() for r in caplog.records if r.name == "aggregator.notify"]
    assert len(warnings) == 1 and VERSION in warnings[0] and "plain-text part" in warnings[0]
    # The mails still go, with Apprise's own conversion of the HTML as their text part (the runtime fallback)
    for mail in smtp.mails:
        assert "Økt pensjonsalder for ærlige, søte og blå yrker." in plain(mail) and plain(mail) != TEXT.strip()
        with pytest.raises(AssertionError, match=re.escape(VERSION)):
            assert_text_part_is_ours(mail)
