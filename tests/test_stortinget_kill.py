"""`aggregator run` as a real process, killed with SIGKILL at random moments while a committee hearing's deadline
keeps moving, KS's written input appears in its list, and another hearing's reminder is due: every update and
reminder the ledger holds reaches each URL, nothing the ledger had marked sent is received again, the last deadline
is told, and KS's input is told. (As tests/test_hearings_kill.py for regjeringen.no's hearings. The runs read the
local API at its own address, not through the proxy, so the kind's 0.6 s between calls to data.stortinget.no does
not set the pace of the test.)"""

from __future__ import annotations

import collections
import os
import random
import time
from datetime import datetime, timedelta

import pytest
from helpers import SMTPReceiver, WebhookReceiver, update_and_reminder_ledger, update_and_reminder_titles, write_config
from stortinget_site import ApiHearing, Case, StortingetApi, oslo
from warm_runner import KillMoments, WarmRunner

from aggregator.config import redact
from aggregator.normalize import OSLO
from aggregator.store import Store

ITERATIONS = 8
SEED = int(os.environ.get("KILL_TEST_SEED", "20261204"))
TODAY = datetime.now(OSLO).date()


@pytest.mark.timeout(240)
def test_killed_runs_lose_no_committee_update_or_reminder_and_resend_nothing_marked_sent(tmp_path, http_server):
    runner = WarmRunner(tmp_path)
    api = StortingetApi(http_server)
    moving = api.add(ApiHearing(10005601, "KOMFORV", [Case(105210, "Midlertidige regler for fordrevne fra Ukraina",
                                                           "Midlertidige regler", "Prop. 95 L (2025-2026)")],
                                oslo(TODAY + timedelta(days=40))))
    soon = api.add(ApiHearing(10005610, "KOMFORV", [Case(105220, "Bosetting av flyktninger", "Bosetting",
                                                         "Meld. St. 12 (2025-2026)")], oslo(TODAY + timedelta(days=3))))
    webhook, smtp = WebhookReceiver(), SMTPReceiver()
    try:
        config = write_config(tmp_path, sources=[
            {"id": "stortinget", "kind": "stortinget", "url": f"{http_server.url}/eksport/horinger",
             "hearing_refresh_hours": 0},
        ], subscriptions=[
            {"id": "komite", "urls": [webhook.url(), smtp.url()], "feeds": ["committees/komforv"],
             "events": ["updated", "reminder"], "remind_days": [3], "respondents": ["KS"]},
        ])
        database = tmp_path / "data" / "aggregator.db"
        hook_label, mail_label = redact(webhook.url()), redact(smtp.url())
        Store(database).close()

        def received() -> collections.Counter:
            counts = collections.Counter((m["title"], hook_label) for m in list(webhook.messages))
            counts.update((m.subject, mail_label) for m in list(smtp.mails))
            return counts

        assert runner.run(["run", "--config", str(config), "-q"]).wait(60) == 0  # the baseline; the reminder is due
        moving.deadline += timedelta(days=1)
        started = time.monotonic()
        assert runner.run(["run", "--config", str(config), "-q"]).wait(60) == 0  # how long a run with news takes
        moments_to_kill = KillMoments(random.Random(SEED), time.monotonic() - started)
        promises: dict[tuple[str, str], int] = {}
        kills = 0
        for iteration in range(ITERATIONS):
            moving.deadline += timedelta(days=1)
            if iteration == 2:
                moving.inputs.append(("KS - Kommunesektorens organisasjon", oslo(TODAY, 10, 0)))
            begun = time.monotonic()
            process = runner.run(["run", "--config", str(config), "-q"])
            kills += moments_to_kill.wait_or_kill(process, begun)
            time.sleep(0.05)
            counts, titles = received(), update_and_reminder_titles(database, config)
            for delivery, status in update_and_reminder_ledger(database).items():
                if status == "sent":
                    promises.setdefault(delivery, counts[(titles[delivery[0]], delivery[1])])
        for _ in range(2):
            assert runner.run(["run", "--config", str(config), "-q"]).wait(60) == 0

        counts, titles = received(), update_and_reminder_titles(database, config)
        deliveries = update_and_reminder_ledger(database)
        assert deliveries and set(deliveries.values()) == {"sent"}
        for (key, label) in deliveries:
            assert counts[(titles[key], label)] >= 1, f"{label} never got {titles[key]!r}"
        for (key, label), count_then in promises.items():
            assert counts[(titles[key], label)] == count_then, f"{titles[key]!r} was marked sent, then received again"
        reminder = f"Påminnelse: Høring: {soon.cases[0].short_title} – 3 dager igjen"
        assert counts[(reminder, hook_label)] >= 1 and counts[(reminder, mail_label)] >= 1
        # (told alone, or with KS's input when every run between them was killed before its fetch was committed)
        last = f"ny frist {moving.deadline:%d.%m.%Y}"  # an update's subject: the hearing, then the changes
        start = f"Høring: {moving.cases[0].short_title}"[:15]
        assert any(last in title and title.startswith(start) for title, _ in counts), \
            "the last deadline was never told"
        told_input = [title for title, label in counts if "KS har gitt innspill" in title and label == hook_label]
        assert len(told_input) == 1, told_input  # KS's input: told, in one message
        assert sum(n - 1 for n in counts.values()) <= kills  # only a kill inside a send may cause a second copy
        assert kills >= ITERATIONS // 4, f"only {kills} runs were killed: the test did not test much"
        print(f"{kills} kills, {len(deliveries)} deliveries of updates and reminders, {len(promises)} checked")
    finally:
        webhook.close()
        smtp.close()
        runner.close()
