"""The polite client against a real server on 127.0.0.1: robots.txt, delays, retries, validators, decoding."""

import time

import pytest
from helpers import Route

from aggregator.http import FetchError, HttpSettings, PoliteClient, RobotsDisallowed, decode_body, parse_retry_after

UA = "aggregator-test/0.1 (+mailto:ops@example.org)"

ROBOTS = """User-agent: *
Disallow: /*/?topic
Disallow: /*/?ownerid
Disallow: /api/*
"""


@pytest.fixture
def sleeps():
    return []


def client(sleeps, retries=2, min_delay=0.0, timeout=5.0):
    return PoliteClient(HttpSettings(UA, timeout, min_delay, retries), sleep=sleeps.append)


def test_it_names_itself_honestly(http_server, sleeps):
    http_server.add("/page", "<p>hei</p>")
    with client(sleeps) as c:
        c.get(http_server.url + "/page", check_robots=False)
    assert http_server.requests[-1].headers["user-agent"] == UA
    assert "Mozilla" not in UA


def test_robots_txt_wildcards_refuse_a_url_without_requesting_it(http_server, sleeps):
    http_server.add("/robots.txt", ROBOTS, content_type="text/plain")
    http_server.add("/en/topics/id918/?page=2", "<p>ok</p>")
    with client(sleeps) as c:
        assert c.get(http_server.url + "/en/topics/id918/?page=2").status == 200
        with pytest.raises(RobotsDisallowed, match="robots.txt"):
            c.get(http_server.url + "/en/whatsnew/finn-aktuelt2/id2415244/?topic=918")
        with pytest.raises(RobotsDisallowed):
            c.get(http_server.url + "/api/search?q=1")
        # a subscribed feed is fetched on the user's behalf, like a feed reader does
        http_server.add("/en/rss/?topic=918", "<rss/>")
        assert c.get(http_server.url + "/en/rss/?topic=918", check_robots=False).status == 200
    assert http_server.paths() == ["/robots.txt", "/en/topics/id918/?page=2", "/en/rss/?topic=918"]


def test_a_missing_robots_txt_allows_and_an_unreadable_one_forbids(http_server, sleeps):
    http_server.add("/x", "ok")
    with client(sleeps, retries=0) as c:
        assert c.get(http_server.url + "/x").status == 200  # robots.txt is a 404 here
    http_server.add("/robots.txt", "oops", status=503)
    with client(sleeps, retries=0) as c:
        with pytest.raises(FetchError, match=r"robots.txt could not be read \(HTTP 503\)") as error:
            c.get(http_server.url + "/x")
        assert not isinstance(error.value, RobotsDisallowed)  # not the site's "no": a reason to try later
        assert not c.allowed(http_server.url + "/x")
    assert http_server.paths().count("/x") == 1  # only the first client's request


def test_429_is_retried_after_the_servers_retry_after(http_server, sleeps):
    answers = iter([Route("slow down", 429, {"Retry-After": "7"}), Route("<p>fine</p>")])
    http_server.add("/busy", lambda request: next(answers))
    with client(sleeps) as c:
        assert c.get(http_server.url + "/busy", check_robots=False).text == "<p>fine</p>"
    assert 7.0 in sleeps


def test_5xx_is_retried_with_backoff_then_reported(http_server, sleeps):
    http_server.add("/down", "error", status=500)
    with client(sleeps, retries=2) as c, pytest.raises(FetchError, match="HTTP 500") as error:
        c.get(http_server.url + "/down", check_robots=False)
    assert error.value.status == 500
    assert http_server.paths().count("/down") == 3
    assert sleeps == [0.5, 1.0]  # exponential back-off between the three tries


def test_a_retry_after_longer_than_we_wait_gives_up_at_once(http_server, sleeps):
    http_server.add("/later", "tomorrow", status=503, Retry_After="86400")
    with client(sleeps, retries=3) as c, pytest.raises(FetchError, match="asks to wait 86400 s"):
        c.get(http_server.url + "/later", check_robots=False)
    assert http_server.paths() == ["/later"]


def test_404_is_not_retried(http_server, sleeps):
    with client(sleeps, retries=3) as c, pytest.raises(FetchError, match="HTTP 404") as error:
        c.get(http_server.url + "/gone", check_robots=False)
    assert error.value.status == 404 and http_server.paths() == ["/gone"]


def test_a_timeout_is_a_clear_error(http_server, sleeps):
    def slow(request):
        time.sleep(1.5)
        return Route("late")

    http_server.add("/slow", slow)
    with client(sleeps, retries=0, timeout=0.3) as c, pytest.raises(FetchError, match="timed out after 0.3 s"):
        c.get(http_server.url + "/slow", check_robots=False)


def test_a_truncated_body_is_an_error_not_half_a_page(http_server, sleeps):
    http_server.add("/cut", "<html><body>only the first part", Content_Length="5000")
    with client(sleeps, retries=1) as c, pytest.raises(FetchError, match="network error"):
        c.get(http_server.url + "/cut", check_robots=False)
    assert http_server.paths() == ["/cut", "/cut"]


def test_one_host_gets_one_request_at_a_time_with_the_delay_between(http_server, sleeps):
    http_server.add("/a", "a")
    with client(sleeps, min_delay=2.0) as c:
        c.get(http_server.url + "/a", check_robots=False)
        c.get(http_server.url + "/a", check_robots=False)
    assert len(sleeps) == 1 and 1.5 < sleeps[0] <= 2.0


def test_conditional_get_sends_the_given_validators_and_reports_304(http_server, sleeps):
    http_server.add("/feed", "<rss/>", content_type="application/rss+xml", ETag='"v1"', Last_Modified="Fri, 03 Jul 2026 14:35:59 GMT")
    with client(sleeps) as c:
        first = c.get(http_server.url + "/feed", check_robots=False)
        second = c.get(http_server.url + "/feed", check_robots=False, validators=first.validators)
    assert first.validators == ('"v1"', "Fri, 03 Jul 2026 14:35:59 GMT")  # handed back, kept nowhere here
    assert first.status == 200 and not first.not_modified
    assert second.not_modified and second.status == 304
    assert http_server.requests[1].headers["if-none-match"] == '"v1"'
    assert http_server.requests[1].headers["if-modified-since"] == "Fri, 03 Jul 2026 14:35:59 GMT"


def test_bodies_decode_by_header_then_meta_then_utf8_then_latin1():
    text = "Høyring om særlege tiltak på Årø"
    assert decode_body(text.encode("latin-1"), "text/html; charset=ISO-8859-1") == text
    page = f'<html><head><meta charset="windows-1252"></head><body>{text}</body></html>'
    assert text in decode_body(page.encode("cp1252"), "text/html")
    assert decode_body(text.encode("utf-8"), "text/html") == text
    assert decode_body(text.encode("latin-1"), "") == text  # no declaration at all, not UTF-8
    xml = f'<?xml version="1.0" encoding="iso-8859-1"?><rss><title>{text}</title></rss>'
    assert text in decode_body(xml.encode("latin-1"), "application/xml")


def test_retry_after_as_seconds_or_date():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("soon") is None
