"""`aggregator run` as a real process, killed with SIGKILL at random moments while new items keep arriving:
no item is lost, and nothing the ledger had marked sent is ever received again. (Each run is a process forked
from a warm interpreter, see warm_runner.py, so the test pays for runs rather than for imports.)"""

from __future__ import annotations

import collections
import os
import random
import time

import pytest
from helpers import ChangingFeed, ledger, write_config
from warm_runner import KillMoments

from aggregator.config import redact

# 20 kills in all, as two storms of 10 with their own seeds, so that the two run side by side on two cores.
ITERATIONS = 10
SEED = int(os.environ.get("KILL_TEST_SEED", "20260708"))


def statuses(config) -> dict[tuple[str, str], str]:
    """(item title, url label) → status, of every delivery in the ledger."""
    return {(r["title"], r["url_label"]): r["status"] for r in ledger(config, "item")}


@pytest.mark.timeout(180)
@pytest.mark.parametrize("storm", [0, 1])
def test_runs_killed_at_random_moments_lose_no_item_and_resend_nothing_marked_sent(tmp_path, http_server, webhook, smtp, storm,
                                                                                   runner):
    def start_run(config):
        return runner.run(["run", "--config", config, "-q"])

    feed = ChangingFeed(http_server)
    feed.add("Sak 1 – før alt")
    feed.add("Sak 2 – før alt")
    config = write_config(tmp_path, sources=[{"id": "dep", "kind": "feed", "url": feed.url}], notify={"batch_over": 1000},
                          subscriptions=[{"id": "everyone", "urls": [webhook.url(), smtp.url()]}])
    hook_label, mail_label = redact(webhook.url()), redact(smtp.url())

    def received() -> dict[tuple[str, str], int]:
        counts = collections.Counter((m["title"], hook_label) for m in list(webhook.messages))
        counts.update((m.subject, mail_label) for m in list(smtp.mails))
        return counts

    assert start_run(config).wait(60) == 0  # the baseline: notifies nobody
    assert received() == {}
    expected: list[str] = [feed.add("Sak 3 – før stormen").title]
    started = time.monotonic()
    assert start_run(config).wait(60) == 0  # a whole run with news to send: how long one takes
    run_time = time.monotonic() - started

    moments_to_kill = KillMoments(random.Random(SEED + storm), run_time)
    promises: dict[tuple[str, str], int] = {}  # marked sent at a kill → how often it had arrived by then
    kills = 0
    moments = collections.Counter()  # where the kills landed, roughly
    for iteration in range(ITERATIONS):
        for _ in range(moments_to_kill.rng.randint(1, 3)):
            expected.append(feed.add(f"Sak {len(feed.items) + 1} – æøå ÆØÅ, runde {iteration}").title)
        before = statuses(config)
        begun = time.monotonic()
        process = start_run(config)
        kills += moments_to_kill.wait_or_kill(process, begun)
        time.sleep(0.05)  # let the receivers finish with what the dead process had already sent
        counts = received()
        after = statuses(config)
        for delivery, status in after.items():
            if status == "sent":
                promises.setdefault(delivery, counts[delivery])
        newly_sent = [d for d, status in after.items() if status == "sent" and before.get(d) != "sent"]
        unsent = [d for d, status in after.items() if status != "sent"]
        phase = "while delivering" if newly_sent and unsent else "before delivering" if unsent else "after delivering"
        moments[("killed " if process.returncode == -9 else "completed ") + phase] += 1
        moments["killed inside an Apprise call"] += any(after[d] == "sending" != before.get(d) for d in after)

    for _ in range(2):  # the clean runs after the storm deliver whatever was left
        process = start_run(config)
        assert process.wait(60) == 0, process.errors()

    counts = received()
    for title in expected:
        assert counts[(title, hook_label)] >= 1, f"webhook never got {title!r}"
        assert counts[(title, mail_label)] >= 1, f"email never got {title!r}"
    assert set(counts) == {(t, label) for t in expected for label in (hook_label, mail_label)}  # no baseline item
    for delivery, count_then in promises.items():
        assert count_then >= 1 and counts[delivery] == count_then, f"{delivery} was marked sent, then received again"
    # Only a delivery killed between the receiver's "accepted" and the ledger's "sent" may come twice.
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= kills
    assert kills >= ITERATIONS // 4, f"only {kills} runs were killed: the test did not test much"
    print(f"{kills} kills ({dict(moments)}), {len(expected)} items, {duplicates} duplicate(s), "
          f"{len(promises)} deliveries checked")
