"""One cap on waiting (issue 19, finding 8): a request waits at most MAX_RETRY_WAIT seconds in all, whatever asks
it to wait, and a host that keeps failing is left alone for the rest of the run. Real servers on 127.0.0.1; the
client's waits are counted (its `sleep`), not waited."""

from __future__ import annotations

import pytest
from helpers import LocalServer, Route

from aggregator.http import FAILING_HOST_LIMIT, MAX_RETRY_WAIT, FetchError, HttpSettings, PoliteClient
from aggregator.http.errors import Retryable
from aggregator.http.retry import Waiting


def client(sleeps: list[float], retries: int, min_delay: float = 0.0) -> PoliteClient:
    return PoliteClient(HttpSettings(min_delay=min_delay, retries=retries, timeout=5), sleep=sleeps.append)


def test_backoff_after_5xx_stops_at_the_cap_however_many_retries(http_server):
    http_server.add("/down", "error", status=500)
    sleeps: list[float] = []
    # retries = 8 with min_delay 1.5 waited 1.5 + 3 + … + 192 s (over six minutes) on this one URL before
    with client(sleeps, retries=8, min_delay=1.5) as c, pytest.raises(FetchError, match="given up after waiting") as error:
        c.get(http_server.url + "/down", check_robots=False)
    backoff = [s for s in sleeps if s >= 1.5]  # the rest are politeness pauses (no time passes in a counted sleep)
    assert backoff == [1.5, 3.0, 6.0, 12.0, 24.0] and sum(backoff) <= MAX_RETRY_WAIT
    assert http_server.paths().count("/down") == 6
    assert "HTTP 500" in error.value.reason and error.value.status == 500


def test_retry_after_waits_count_towards_the_same_cap_and_then_the_host_is_left_alone(http_server):
    answers = iter([Route("busy", 503, {"Retry-After": "40"})] * 3 + [Route("fine")])
    http_server.add("/busy", lambda request: next(answers))
    http_server.add("/other", "fine")
    sleeps: list[float] = []
    with client(sleeps, retries=5) as c:
        with pytest.raises(FetchError, match="asks to wait 40 s more, after 40 s, longer than this run waits"):
            c.get(http_server.url + "/busy", check_robots=False)
        with pytest.raises(FetchError, match="not asked again until the next run"):
            c.get(http_server.url + "/other", check_robots=False)
    assert sleeps == [40.0] and http_server.paths() == ["/busy", "/busy"]  # 40 + 40 would pass 60


def test_a_host_that_keeps_failing_is_left_alone_for_the_rest_of_the_run(http_server):
    for path in ("/a", "/b", "/c", "/d"):
        http_server.add(path, "error", status=502)
    other = LocalServer()
    other.add("/fine", "fine")
    sleeps: list[float] = []
    try:
        with client(sleeps, retries=1) as c:
            for path in ("/a", "/b"):
                with pytest.raises(FetchError, match="HTTP 502"):
                    c.get(http_server.url + path, check_robots=False)
            with pytest.raises(FetchError, match=f"failed {FAILING_HOST_LIMIT} requests in a row and is not asked again"):
                c.get(http_server.url + "/c", check_robots=False)
            with pytest.raises(FetchError, match="not asked again until the next run") as error:
                c.get(http_server.url + "/d", check_robots=False)
            assert error.value.status is None and "the last: HTTP 502" in error.value.reason
            assert c.get(other.url + "/fine", check_robots=False).text == "fine"  # other hosts are asked as ever
    finally:
        other.close()
    assert "/d" not in http_server.paths() and len(http_server.paths()) == 2 * FAILING_HOST_LIMIT


def test_an_answer_in_between_forgives_earlier_failures(http_server):
    http_server.add("/bad", "error", status=500)
    http_server.add("/good", "fine")
    http_server.add("/missing", "gone", status=404)
    sleeps: list[float] = []
    with client(sleeps, retries=0) as c:
        for _ in range(3):
            for _ in range(FAILING_HOST_LIMIT - 1):
                with pytest.raises(FetchError, match="HTTP 500"):
                    c.get(http_server.url + "/bad", check_robots=False)
            if _ % 2:
                c.get(http_server.url + "/good", check_robots=False)
            else:  # a 404 is an answer too: the host is up
                with pytest.raises(FetchError, match="HTTP 404"):
                    c.get(http_server.url + "/missing", check_robots=False)
    assert http_server.paths().count("/bad") == 3 * (FAILING_HOST_LIMIT - 1)


def test_time_spent_timing_out_counts_as_waiting():
    waiting = Waiting(retries=10, min_delay=1.0)
    waiting.waited = 50.0  # say, two attempts that each timed out after 20 s, and their back-off
    pause, why = waiting.next_pause(Retryable("timed out after 20 s", timed_out=True))
    assert (pause, why) == (1.0, None)
    waiting.waited += 20.0  # the next attempt timed out too
    assert waiting.next_pause(Retryable("timed out after 20 s", timed_out=True))[1] == "cap"
