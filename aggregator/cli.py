"""The command line: parse arguments, call the library, print, set the exit code.

Exit codes: 0 every source fetched; 1 a source failed (the rest was still stored and written) — for
notify, digest and test-notify: a delivery failed (it is retried on a later run); 2 bad usage or
configuration; 3 the store is busy (another aggregator command holds it, or another process holds a lock on it
past the busy timeout); 4 the store cannot be used (damaged, not a store, or a newer schema than this code's); 5 the
output folder cannot be written (read-only, full); 130 interrupted (Ctrl-C); 143 terminated (SIGTERM). A failed
delivery never changes `run`'s code.
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from typing import TYPE_CHECKING

from . import __version__

# Commands import what they need when they run: `aggregator --help` (and a typo) should not pay for loading
# httpx, feedgen, Jinja2 and Apprise.
if TYPE_CHECKING:
    from . import notify, pipeline
    from .config import Config
    from .feeds import feed_specs
    from .progress import Progress
    from .store import Store

EXIT_OK, EXIT_SOURCE_FAILED, EXIT_USAGE, EXIT_BUSY, EXIT_STORE, EXIT_OUTPUT, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 5, 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process that SIGTERM ended

log = logging.getLogger("aggregator")


def say(*values, **kwargs) -> None:
    """print, with every password, token and ${…} value masked (redact.hide): the CLI prints URLs and errors."""
    from .redact import hide

    print(*(hide(str(value)) for value in values), **kwargs)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FILE", help="config file (default: $AGGREGATOR_CONFIG, else ./config.toml)")
    common.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    common.add_argument("-q", "--quiet", action="store_true", help="only errors")

    parser = argparse.ArgumentParser(prog="aggregator", description="Atom feeds and notifications for regjeringen.no and ks.no")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", parents=[common], help="fetch every source, store, write feeds, notify")
    commands.add_parser("fetch", parents=[common], help="only fetch and store")
    commands.add_parser("build", parents=[common], help="only write feeds from the store")
    commands.add_parser("status", parents=[common], help="per source, feed and subscription: health and counts")
    backfill = commands.add_parser("backfill", parents=[common],
                                   help="walk a listing's older pages once (their items reach the feeds, not notifications)")
    backfill.add_argument("--source", metavar="ID", required=True, help="the source to walk")
    backfill.add_argument("--pages", metavar="N", type=int, required=True, help="how many pages, from page 1")
    notify_cmd = commands.add_parser("notify", parents=[common], help="send the notifications that are due now (run does this too)")
    notify_cmd.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing, change nothing")
    digest = commands.add_parser("digest", parents=[common], help="send the digests that are due (or, with --force, now)")
    digest.add_argument("--subscription", metavar="ID", help="only this digest subscription")
    digest.add_argument("--force", action="store_true", help="send now even when not due (nothing is sent when there are no new items)")
    commands.add_parser("kinds", parents=[common], help="list the source kinds, with their options")
    preview = commands.add_parser("preview", parents=[common],
                                  help="show the message a subscription would get for its latest items (sends nothing)")
    preview.add_argument("--subscription", metavar="ID", required=True, help="the subscription")
    preview.add_argument("--items", metavar="N", type=int, default=5, help="how many of its latest items (default 5)")
    preview.add_argument("--html", metavar="FILE", help="where to write the HTML version (default preview-<ID>.html)")
    serve = commands.add_parser("serve", parents=[common], help="serve the output folder over HTTP (Ctrl-C stops)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    test = commands.add_parser("test-notify", parents=[common], help="send a test message to a subscription's URLs")
    target = test.add_mutually_exclusive_group(required=True)
    target.add_argument("--subscription", metavar="ID", help="the subscription whose URLs get the test message")
    target.add_argument("--admin", action="store_true", help="send it to [notify] admin_urls")
    return parser


def _setup_logging(args: argparse.Namespace) -> None:
    # default: warnings and errors (and run's one-line summary); -v: what each source did; -vv: everything
    level = logging.ERROR if args.quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    from .redact import HideSecrets

    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(HideSecrets())  # no password, token or ${…} value in any log line
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s" if args.verbose > 1 else "%(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    if args.verbose < 2:  # the HTTP libraries' own chatter is only useful when debugging
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("httpcore").setLevel(logging.WARNING)
    # Apprise's messages reach us through its results and are logged by notify with the URL redacted;
    # its own lines (which can show parts of a password) only with -vv.
    logging.getLogger("apprise").propagate = args.verbose >= 2


def main(argv: list[str] | None = None) -> int:
    from .terminate import Terminated, sigterm_as_interrupt

    try:
        with sigterm_as_interrupt():
            return _main(argv)
    except Terminated:
        say("aggregator: terminated (SIGTERM); what was already stored is kept, the rest is done on the next run",
            file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        # Every source's fetch is one transaction: what was committed stays, the rest is done next run.
        say("aggregator: interrupted; what was already stored is kept, the rest is done on the next run",
              file=sys.stderr)
        return EXIT_INTERRUPTED


def _load_libraries() -> None:
    """Load what the commands use, once the arguments are known to be good."""
    global notify, pipeline, feed_specs, Progress
    from . import notify, pipeline
    from .feeds import feed_specs
    from .progress import Progress


def _main(argv: list[str] | None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_OK if exit_.code == 0 else EXIT_USAGE
    _setup_logging(args)
    from .config import ConfigError, load_config

    if args.command == "kinds":  # needs neither a config nor a store
        return cmd_kinds(args)
    try:
        config = load_config(args.config)
    except ConfigError as error:
        say(f"aggregator: configuration error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "serve":  # reads files only: no store, no lock, no heavy libraries
        return cmd_serve(config, args)
    _load_libraries()
    from .store import WHAT_TO_DO, StoreBusy, locked_error

    store = _open_store(config)
    if isinstance(store, int):
        return store
    try:
        if _reads_only(args):  # WAL lets these read while a run holds the store
            return COMMANDS[args.command](config, store, args)
        with store.exclusive():
            return COMMANDS[args.command](config, store, args)
    except StoreBusy as busy:
        say(f"aggregator: {busy}", file=sys.stderr)
        return EXIT_BUSY
    except sqlite3.DatabaseError as error:  # pages damaged on disk, found while working
        if locked_error(error):  # a lock met outside the store's own statements: busy all the same
            say(f"aggregator: the store is busy (another process holds it): {config.database}: {error}", file=sys.stderr)
            return EXIT_BUSY
        say(f"aggregator: the store {config.database} is damaged ({error}); {WHAT_TO_DO}", file=sys.stderr)
        return EXIT_STORE
    finally:
        store.close()


def _open_store(config: Config) -> Store | int:
    """The store, or the exit code when it cannot be used (the message said)."""
    from .store import WHAT_TO_DO, Store, StoreBusy, StoreDamaged, StoreTooNew

    try:
        return Store(config.database)
    except (StoreDamaged, StoreTooNew) as error:
        say(f"aggregator: {error} ([storage] database in {config.path})", file=sys.stderr)
        return EXIT_STORE
    except StoreBusy as busy:
        say(f"aggregator: {busy}", file=sys.stderr)
        return EXIT_BUSY
    except (OSError, sqlite3.DatabaseError) as error:
        say(f"aggregator: cannot open the store {config.database} ([storage] database in {config.path}): {error}; "
            f"{WHAT_TO_DO}", file=sys.stderr)
        return EXIT_STORE


def _reads_only(args: argparse.Namespace) -> bool:
    """Commands that change nothing, and so need not wait for (or refuse during) a run."""
    return args.command in ("status", "preview") or (args.command == "notify" and args.dry_run)


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
    return _report(pipeline.run(config, store, progress=Progress.for_terminal(not args.quiet)), args)


def cmd_fetch(config: Config, store: Store, args) -> int:
    return _report(pipeline.run(config, store, build=False, notify=False,
                                progress=Progress.for_terminal(not args.quiet)), args)


def cmd_build(config: Config, store: Store, args) -> int:
    return _exit_code(pipeline.run(config, store, fetch=False, notify=False))


def cmd_backfill(config: Config, store: Store, args) -> int:
    if args.pages < 1:
        say("aggregator: --pages must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = pipeline.backfill(config, store, args.source, args.pages)
    except ValueError as error:
        say(f"aggregator: {error}", file=sys.stderr)
        return EXIT_USAGE
    for outcome in report.outcomes:
        if outcome.ok:
            say(f"{outcome.source_id}: {outcome.seen} items on up to {args.pages} pages, {len(outcome.new_ids)} new")
    return _exit_code(report)


def _when(value: str | None) -> str:
    return value.replace("T", " ")[:19] + " UTC" if value else "never"


def cmd_status(config: Config, store: Store, args) -> int:
    say("Sources")
    for source in config.sources:
        state = store.source_state(source.id)
        health = "FAILING" if state.get("consecutive_failures") else ("ok" if state.get("last_success") else "not fetched yet")
        say(f"  {source.id} ({source.kind}): {health}; {store.count_items(source.id)} items")
        say(f"    last success: {_when(state.get('last_success'))}")
        if state.get("last_error"):
            failures = state.get("consecutive_failures") or 0
            say(f"    last error:   {_when(state.get('last_error_at'))}: {state['last_error']}"
                  + (f" ({failures} failed runs in a row)" if failures else ""))
        for problem in store.article_problems(source.id):
            later = ("given up" if problem["status"] == "given_up"
                     else f"tried again from run {problem['next_run']}")
            say(f"    WARNING article page not read: {problem['url']}: {problem['last_error']} "
                  f"(attempt {problem['attempts']}; {later})")
    say("Feeds")
    for spec in feed_specs(config, store, entries=config.max_entries):
        say(f"  {spec.path}.atom: {spec.total} items ({len(spec.entries)} in the feed)")
    _print_subscriptions(config, store)
    return EXIT_OK


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
            say(f"    next digest: {entry['next_digest'].astimezone(notify.OSLO):%Y-%m-%d %H:%M} Europe/Oslo"
                  f" ({entry['collected']} items collected)")
        for url in entry["urls"]:
            counts = url["counts"]
            summary = ", ".join(f"{counts[s]} {s}" for s in ("sent", "pending", "sending", "failed", "unknown", "dropped") if counts.get(s))
            say(f"    {url['url']}: {summary or 'nothing sent yet'}")
            last = url["last_sent"]
            say(f"      last delivery: {_when(last['sent_at']) + ' (' + last['kind'] + ')' if last else 'never'}")
            error = url["last_error"]
            if error:
                later = ("given up; reported to the admin URLs" if error["status"] == "failed"
                         else f"retried in {error['runs_to_wait'] + 1} run(s)")
                say(f"      last failure:  {_when(error['last_attempt_at'])}: {error['last_error']} "
                      f"(attempt {error['attempts']}; {later})")


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


def cmd_serve(config: Config, args) -> int:
    from .serve import serve

    try:
        return serve(config.output_dir, args.host, args.port)
    except OSError as error:
        say(f"aggregator: cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE


def cmd_kinds(args) -> int:
    """Each kind: its name, what it reads (its documentation's first paragraph), and its options."""
    import textwrap

    from .kinds import built_in_kinds, get_kind

    kinds = built_in_kinds()
    if args.config or __import__("os").environ.get("AGGREGATOR_CONFIG"):  # and the kinds of one's own a config uses
        from .config import ConfigError, load_config

        try:
            used = {s.kind for s in load_config(args.config).sources}
        except ConfigError as error:
            say(f"aggregator: configuration error: {error}", file=sys.stderr)
            return EXIT_USAGE
        kinds += [get_kind(name) for name in sorted(used - {k.name for k in kinds})]
    for kind in kinds:
        summary = " ".join(kind.doc.strip().split("\n\n")[0].split())
        say(f"{kind.name}")
        say(textwrap.fill(summary, 100, initial_indent="  ", subsequent_indent="  "))
        for option in kind.options:
            say(f"  option {option.name} ({option.type}, default {option.default!r}): {option.help}")
        if kind.publisher:
            say(f"  items without author are credited to: {kind.publisher}")
        say("")
    return EXIT_OK


def cmd_preview(config: Config, store: Store, args) -> int:
    if args.items < 1:
        say("aggregator: --items must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        text, html = notify.preview(config, store, args.subscription, args.items)
    except ValueError as error:
        say(f"aggregator: {error}", file=sys.stderr)
        return EXIT_USAGE
    from pathlib import Path

    html_path = Path(args.html or f"preview-{args.subscription}.html")
    html_path.write_text(html.body, encoding="utf-8")
    say(f"Title: {text.title}\n")
    say(text.body.rstrip())
    say(f"\n(HTML version, as email shows it: {html_path}; nothing was sent)")
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
        results = notify.send_test(config, None if args.admin else args.subscription)
    except ValueError as error:
        say(f"aggregator: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not results:
        say("aggregator: no URLs to test", file=sys.stderr)
        return EXIT_USAGE
    for result in results:
        say(f"{result.url}: " + ("sent" if result.status == "sent" else f"FAILED: {result.error}"))
    return EXIT_OK if all(r.status == "sent" for r in results) else EXIT_SOURCE_FAILED


COMMANDS = {
    "run": cmd_run, "fetch": cmd_fetch, "build": cmd_build, "status": cmd_status, "backfill": cmd_backfill,
    "notify": cmd_notify, "preview": cmd_preview, "digest": cmd_digest, "test-notify": cmd_test_notify,
}


if __name__ == "__main__":
    sys.exit(main())
