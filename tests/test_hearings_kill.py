"""`aggregator run` as a real process, killed with SIGKILL at random moments while a hearing's deadline keeps moving
and another hearing's reminder is due: every update and reminder the ledger holds reaches each URL, nothing the
ledger had marked sent is received again, and the last deadline is told."""

from __future__ import annotations

import collections
import os
import random
import time
from datetime import datetime, timedelta

import pytest
from hearing_site import KS, KS_LISTING, REGJERINGEN, Answer, Hearing, HearingSite
from helpers import ledger, open_store, write_config
from warm_runner import KillMoments

from aggregator.config import load_config, redact
from aggregator.normalize import OSLO
from aggregator.store import Store

ITERATIONS = 8
SEED = int(os.environ.get("KILL_TEST_SEED", "20261203"))
TODAY = datetime.now(OSLO).date()


def statuses(config) -> dict[tuple[str, str], str]:
    """(message key, url label) → status, of every update and reminder delivery."""
    return {(f"{r['kind']} {r['key']}", r["url_label"]): r["status"] for r in ledger(config, "update", "reminder")}


@pytest.mark.timeout(240)
def test_killed_runs_lose_no_update_or_reminder_and_resend_nothing_marked_sent(tmp_path, http_server, webhook, smtp, runner):
    proxy = {"HTTP_PROXY": http_server.url, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}

    def start_run(config, _):
        return runner.run(["run", "--config", config, "-q"], env=proxy)

    site = HearingSite(http_server)
    moving = site.add(Hearing(4200100, "horing-introduksjonsloven", "Høring – endringer i introduksjonsloven",
                              TODAY + timedelta(days=40), recipients=["Bergen kommune"]))
    soon = site.add(Hearing(4200200, "horing-bosetting", "Høring – bosetting", TODAY + timedelta(days=3)))
    site.answer(Answer("svar-1", "Høringssvar 1", "KS mener noe."))
    site.answer(Answer("svar-2", "Høringssvar 2", "KS mener noe annet."))
    config = write_config(tmp_path, sources=[
        {"id": "hearings", "kind": "regjeringen", "url": f"{REGJERINGEN}/no/rss/Rss/2581966/?documentType=dokumenter/høringer",
         "hearing_refresh_hours": 0},
        {"id": "ks-svar", "kind": "ks", "url": f"{KS}{KS_LISTING}"},
    ], subscriptions=[
        {"id": "hearings", "urls": [webhook.url(), smtp.url()], "events": ["updated", "reminder"], "remind_days": [3]},
    ])
    database = tmp_path / "data" / "aggregator.db"
    hook_label, mail_label = redact(webhook.url()), redact(smtp.url())
    Store(database).close()

    def received() -> collections.Counter:
        counts = collections.Counter((m["title"], hook_label) for m in list(webhook.messages))
        counts.update((m.subject, mail_label) for m in list(smtp.mails))
        return counts

    assert start_run(config, http_server.url).wait(60) == 0  # the baseline; the reminder is due at once
    moving.deadline += timedelta(days=1)
    started = time.monotonic()
    assert start_run(config, http_server.url).wait(60) == 0  # a whole run with an update: how long one takes
    run_time = time.monotonic() - started
    reminder = f"Påminnelse: {soon.title} – 3 dager igjen"
    moments_to_kill = KillMoments(random.Random(SEED), run_time)
    promises: dict[tuple[str, str], int] = {}
    kills = 0
    for _ in range(ITERATIONS):
        moving.deadline += timedelta(days=1)
        begun = time.monotonic()
        process = start_run(config, http_server.url)
        kills += moments_to_kill.wait_or_kill(process, begun)
        time.sleep(0.05)
        counts, titles = received(), _titles(config)
        for delivery, status in statuses(config).items():
            if status == "sent":
                promises.setdefault(delivery, counts[(titles[delivery[0]], delivery[1])])
    for _ in range(2):
        assert start_run(config, http_server.url).wait(60) == 0

    counts, titles = received(), _titles(config)
    deliveries = statuses(config)
    assert deliveries and set(deliveries.values()) == {"sent"}
    for (key, label) in deliveries:
        assert counts[(titles[key], label)] >= 1, f"{label} never got {titles[key]!r}"
    for (key, label), count_then in promises.items():
        assert counts[(titles[key], label)] == count_then, f"{titles[key]!r} was marked sent, then received again"
    assert counts[(reminder, hook_label)] >= 1 and counts[(reminder, mail_label)] >= 1
    last = f": ny frist {moving.deadline:%d.%m.%Y}"  # an update's subject: the hearing, then the change
    assert any(title.startswith(moving.title[:20]) and title.endswith(last) for title, _ in counts), \
        "the last deadline was never told"
    assert sum(n - 1 for n in counts.values()) <= kills  # only a kill inside a send may cause a second copy
    assert kills >= ITERATIONS // 4, f"only {kills} runs were killed: the test did not test much"
    print(f"{kills} kills, {len(deliveries)} deliveries of updates and reminders, {len(promises)} checked")


def _titles(config) -> dict[str, str]:
    """Message key → the title it was rendered with (the subject of the mail, the webhook's title)."""
    from aggregator.notify.render import render, templates
    from aggregator.store import ledger as ledger_sql

    loaded = load_config(config)
    with open_store(loaded) as store:
        environment = templates(loaded)
        found = {}
        for row in store.db.query("SELECT id FROM messages WHERE kind IN ('update', 'reminder')"):
            message = ledger_sql.message(store.conn, row["id"])
            found[f"{message['kind']} {message['key']}"] = render(loaded, store, environment, message, False).title
        return found
