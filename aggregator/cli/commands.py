"""The commands that fetch, build and send: each a thin call into the library, its printing and its exit code."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import notify, pipeline
from ..config import Config
from ..progress import Progress
from ..store import Store
from ..words import counted
from .output import EXIT_OK, EXIT_OUTPUT, EXIT_SOURCE_FAILED, EXIT_USAGE, say
from .status import cmd_status


def _exit_code(report: pipeline.RunReport) -> int:
    if report.failed:  # each error was logged when it happened; this is the one line cron mail leads with
        names = ", ".join(o.source_id for o in report.failed)
        say(f"aggregator: {len(report.failed)} of {len(report.outcomes)} sources failed: {names}", file=sys.stderr)
    if report.publish_error:
        say(f"aggregator: {report.publish_error}", file=sys.stderr)
        return EXIT_OUTPUT
    return EXIT_SOURCE_FAILED if report.failed else EXIT_OK


def _report(report: pipeline.RunReport, args) -> int:
    if not args.quiet:
        say(f"aggregator {args.command}: {report.summary()}")
    return _exit_code(report)


def cmd_run(config: Config, store: Store, args) -> int:
    return _run(config, store, args)


def cmd_fetch(config: Config, store: Store, args) -> int:
    return _run(config, store, args, build=False, notify=False)


def _run(config: Config, store: Store, args, **steps: bool) -> int:
    if problem := pipeline.unknown_source(config, args.sources):
        say(f"aggregator: {problem}", file=sys.stderr)
        return EXIT_USAGE
    return _report(pipeline.run(config, store, progress=Progress.for_terminal(not args.quiet), source_ids=args.sources,
                                **steps), args)


def cmd_build(config: Config, store: Store, args) -> int:
    return _report(pipeline.run(config, store, fetch=False, notify=False), args)


def cmd_backfill(config: Config, store: Store, args) -> int:
    try:
        report = pipeline.backfill(config, store, args.source, args.pages)
    except ValueError as error:
        say(f"aggregator: {error}", file=sys.stderr)
        return EXIT_USAGE
    for outcome in report.outcomes:
        if outcome.ok and outcome.pages is None:
            say(f"{outcome.source_id}: its feed has no pages; {counted(outcome.seen, 'item', 'items')} read, "
                f"{len(outcome.new_ids)} new")
        elif outcome.ok:
            say(f"{outcome.source_id}: {counted(outcome.seen, 'item', 'items')} on "
                f"{counted(outcome.pages or 0, 'page', 'pages')} (of up to {args.pages}), {len(outcome.new_ids)} new")
    return _exit_code(report)


def _print_deliveries(report: notify.NotifyReport) -> int:
    for delivery in report.deliveries:
        line = f"{delivery.subscription_id}: {delivery.kind} \"{delivery.title}\" to {delivery.url}: {delivery.status}"
        say(line + (f" ({delivery.error})" if delivery.error else ""), file=sys.stderr if delivery.error else sys.stdout)
    return EXIT_SOURCE_FAILED if report.failed else EXIT_OK


def cmd_notify(config: Config, store: Store, args) -> int:
    if not args.dry_run:
        return _print_deliveries(notify.notify_step(config, store))
    planned = notify.dry_run(config, store)
    for message in planned:
        retry = f", attempt {message.attempts + 1}" if message.attempts else ""
        say(f"--- {message.subscription_id} ({message.kind}{retry}) to {message.url}")
        say(f"Title: {message.title}")
        say(message.body.rstrip() + "\n")
    say(f"{len(planned)} message(s) would be sent" if planned else "nothing would be sent")
    return EXIT_OK


def cmd_preview(config: Config, store: Store, args) -> int:
    try:
        previews = notify.preview(config, store, args.subscription, args.items)
    except ValueError as error:
        say(f"aggregator: {error}", file=sys.stderr)
        return EXIT_USAGE
    base = Path(args.html or f"preview-{args.subscription}.html")
    for n, shown in enumerate(previews, 1):
        rendered = shown.rendered
        email = rendered.body_format == "html"
        say(f"--- message {n} of {len(previews)} to {shown.url}" + (" (an email: a text and an HTML part)" if email else ""))
        say(f"{'Subject' if email else 'Title'}: {rendered.title}")
        for name, value in shown.headers.items():
            say(f"{name}: {value}")
        say("")
        say(rendered.text.rstrip() + "\n")
        if email:
            path = base if n == 1 else base.with_name(f"{base.stem}-{n}{base.suffix}")
            path.write_text(rendered.body, encoding="utf-8")
            say(f"(its HTML part, as the email holds it: {path})\n")
    say("nothing was sent")
    return EXIT_OK


def cmd_digest(config: Config, store: Store, args) -> int:
    try:
        report = notify.send_digests(config, store, args.subscription, force=args.force)
    except ValueError as error:
        say(f"aggregator: {error}", file=sys.stderr)
        return EXIT_USAGE
    for sub_id, outcome in report.digests.items():
        say(f"{sub_id}: " + {"sent": "digest created", "empty": "no new items, no digest",
                                "not due": "not due yet (use --force to send now)"}[outcome])
    return _print_deliveries(report)


def cmd_test_notify(config: Config, store: Store, args) -> int:
    try:
        results = notify.send_test(config, None if args.admin else args.subscription, store)
    except ValueError as error:
        say(f"aggregator: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not results:
        say("aggregator: no URLs to test", file=sys.stderr)
        return EXIT_USAGE
    for result in results:
        say(f"{result.url}: " + ("sent" if result.status == "sent" else f"FAILED: {result.error}"))
    return EXIT_OK if all(r.status == "sent" for r in results) else EXIT_SOURCE_FAILED


def cmd_prune(config: Config, store: Store, args) -> int:
    from .. import retention

    keep_days = args.keep_days if args.keep_days is not None else config.keep_days
    if keep_days is None or keep_days < 1:
        say("aggregator: prune needs [storage] keep_days in the configuration, or --keep-days N (N at least 1)",
            file=sys.stderr)
        return EXIT_USAGE
    report = retention.prune(config, store, keep_days)
    if args.vacuum:
        retention.vacuum(store)
        report.bytes_after = retention._size(store)
    if not args.quiet:
        say(f"aggregator prune: {report.summary()}; the store is {report.bytes_after / 1e6:.1f} MB "
            f"(it was {report.bytes_before / 1e6:.1f} MB)")
    return EXIT_OK


def cmd_explain(config: Config, store: Store, args) -> int:
    from ..normalize import OSLO
    from ..notify.explain import explain, find_item

    item = find_item(store, args.item)
    if item is None:
        say(f"aggregator: no item with the id or link {args.item!r} in {config.database}", file=sys.stderr)
        return EXIT_USAGE
    say(f"{item['title']}\n  id {item['id']}\n  link {item['link']}\n  first seen "
        f"{item['first_seen'].astimezone(OSLO):%d.%m.%Y %H:%M} (Europe/Oslo), from {', '.join(item['sources'])}")
    if not config.subscriptions:
        say("No subscriptions are configured.")
    for answer in explain(config, store, item):
        say(f"{answer.subscription}: {answer.outcome.upper()}")
        for line in answer.lines:
            say(f"  {line}")
    return EXIT_OK


COMMANDS = {
    "run": cmd_run, "fetch": cmd_fetch, "build": cmd_build, "status": cmd_status, "backfill": cmd_backfill,
    "notify": cmd_notify, "preview": cmd_preview, "digest": cmd_digest, "test-notify": cmd_test_notify,
    "explain": cmd_explain, "prune": cmd_prune,
}
