"""The command line's arguments (argparse): every command, its options and its help."""

from __future__ import annotations

import argparse

from .. import __version__


def at_least_one(text: str) -> int:
    """A count of at least 1 (argparse says which option when it is not: exit 2, as for every usage error)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FILE", help="config file (default: $AGGREGATOR_CONFIG, else ./config.toml)")
    common.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    common.add_argument("-q", "--quiet", action="store_true", help="only errors")

    parser = argparse.ArgumentParser(prog="aggregator", description="Atom feeds and notifications for regjeringen.no and ks.no")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", parents=[common], help="fetch every source, store, write feeds, notify")
    fetch = commands.add_parser("fetch", parents=[common], help="only fetch and store")
    for command in (run, fetch):
        command.add_argument("--source", metavar="ID", action="append", dest="sources",
                             help="fetch only this source (may be given again for more)")
    commands.add_parser("build", parents=[common], help="only write feeds from the store")
    status = commands.add_parser("status", parents=[common], help="per source, feed and subscription: health and counts")
    status.add_argument("--json", action="store_true", help="as JSON (what `serve` answers at /health)")
    commands.add_parser("check", parents=[common], help="check the configuration: every mistake at once, with its line")
    explain = commands.add_parser("explain", parents=[common],
                                  help="why an item was (or was not, or will be) sent to each subscription")
    explain.add_argument("item", metavar="ITEM", help="the item's id or its link")
    prune = commands.add_parser("prune", parents=[common],
                                help="remove what is older than [storage] keep_days (never open or followed hearings, "
                                     "what a feed shows, or what is not delivered yet)")
    prune.add_argument("--keep-days", metavar="N", type=int, help="this many days instead of [storage] keep_days")
    prune.add_argument("--vacuum", action="store_true", help="then give the freed space back to the disk (VACUUM)")
    backfill = commands.add_parser("backfill", parents=[common],
                                   help="walk a listing's older pages once (their items reach the feeds, not notifications)")
    backfill.add_argument("--source", metavar="ID", required=True, help="the source to walk")
    backfill.add_argument("--pages", metavar="N", type=at_least_one, required=True, help="how many pages, from page 1")
    notify_cmd = commands.add_parser("notify", parents=[common], help="send the notifications that are due now (run does this too)")
    notify_cmd.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing, change nothing")
    digest = commands.add_parser("digest", parents=[common], help="send the digests that are due (or, with --force, now)")
    digest.add_argument("--subscription", metavar="ID", help="only this digest subscription")
    digest.add_argument("--force", action="store_true", help="send now even when not due (nothing is sent when there are no new items)")
    commands.add_parser("kinds", parents=[common], help="list the source kinds, with their options")
    preview = commands.add_parser("preview", parents=[common],
                                  help="show the message a subscription would get for its latest items (sends nothing)")
    preview.add_argument("--subscription", metavar="ID", required=True, help="the subscription")
    preview.add_argument("--items", metavar="N", type=at_least_one, default=5, help="how many of its latest items (default 5)")
    preview.add_argument("--html", metavar="FILE", help="where to write the HTML version (default preview-<ID>.html)")
    serve = commands.add_parser("serve", parents=[common], help="serve the output folder over HTTP (Ctrl-C stops)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    test = commands.add_parser("test-notify", parents=[common], help="send a test message to a subscription's URLs")
    target = test.add_mutually_exclusive_group(required=True)
    target.add_argument("--subscription", metavar="ID", help="the subscription whose URLs get the test message")
    target.add_argument("--admin", action="store_true", help="send it to [notify] admin_urls")
    return parser
