"""`aggregator status`: per source, feed and subscription, health and counts, in Oslo time; `--json`: the same as
data (health.py), what `serve` answers at /health."""

from __future__ import annotations

import json

from .. import notify
from ..config import Config
from ..feeds import feed_specs
from ..normalize import OSLO
from ..store import Store, from_iso
from ..words import counted
from .output import EXIT_OK, say


def _when(value: str | None) -> str:
    moment = from_iso(value)
    return moment.astimezone(OSLO).strftime("%d.%m.%Y %H:%M") if moment else "never"


def cmd_status(config: Config, store: Store, args) -> int:
    if getattr(args, "json", False):
        from ..health import health_report

        say(json.dumps(health_report(config, store.conn), ensure_ascii=False, indent=2))
        return EXIT_OK
    say("Times are Europe/Oslo.")
    last_run = json.loads(store.meta("last_run") or "null")
    if last_run:
        failed = f", {len(last_run['failed'])} failed" if last_run.get("failed") else ""
        say(f"Last run: {_when(last_run['finished'])} ({counted(last_run['sources'], 'source', 'sources')}{failed})")
    say("Sources")
    for source in config.sources:
        _print_source(store, source)
    say("Feeds")
    for spec in feed_specs(config, store, entries=config.max_entries):
        say(f"  {spec.path}.atom: {counted(spec.total, 'item', 'items')} ({len(spec.entries)} in the feed)")
    _print_subscriptions(config, store)
    return EXIT_OK


def _print_source(store: Store, source) -> None:
    state = store.source_state(source.id)
    health = "FAILING" if state.get("consecutive_failures") else ("ok" if state.get("last_success") else "not fetched yet")
    say(f"  {source.id} ({source.kind}): {health}; {counted(store.count_items(source.id), 'item', 'items')}")
    say(f"    last success: {_when(state.get('last_success'))}")
    if state.get("last_error"):
        failures = state.get("consecutive_failures") or 0
        say(f"    last error:   {_when(state.get('last_error_at'))}: {state['last_error']}"
            + (f" ({counted(failures, 'failed run', 'failed runs')} in a row)" if failures else ""))
    for problem in store.article_problems(source.id):
        later = ("given up" if problem["status"] == "given_up"
                 else f"tried again from run {problem['next_run']}")
        say(f"    WARNING article page not read: {problem['url']}: {problem['last_error']} "
            f"(attempt {problem['attempts']}; {later})")


def _print_subscriptions(config: Config, store: Store) -> None:
    entries = notify.status(config, store)
    if not entries:
        return
    say("Subscriptions")
    for entry in entries:
        sub = entry["config"]
        if sub is None:
            say("  admin URLs ([notify] admin_urls)")
        else:
            how = f"digest, {sub.schedule}" if sub.mode == "digest" else "instant"
            say(f"  {sub.id} ({how}): {', '.join(sub.feeds)}" + (f"; words: {', '.join(sub.keywords)}" if sub.keywords else ""))
        if entry["next_digest"]:
            say(f"    next digest: {entry['next_digest'].astimezone(OSLO):%d.%m.%Y %H:%M}"
                f" ({counted(entry['collected'], 'item', 'items')} collected)")
        for url in entry["urls"]:
            counts = url["counts"]
            summary = ", ".join(f"{counts[s]} {s}" for s in ("sent", "pending", "sending", "failed", "unknown", "dropped") if counts.get(s))
            say(f"    {url['url']}: {summary or 'nothing sent yet'}")
            last = url["last_sent"]
            say(f"      last delivery: {_when(last['sent_at']) + ' (' + last['kind'] + ')' if last else 'never'}")
            error = url["last_error"]
            if error:
                later = ("given up; reported to the admin URLs" if error["status"] == "failed"
                         else f"retried in {counted(error['runs_to_wait'] + 1, 'run', 'runs')}")
                say(f"      last failure:  {_when(error['last_attempt_at'])}: {error['last_error']} "
                    f"(attempt {error['attempts']}; {later})")
