"""The command line: parse arguments, call the library, print, set the exit code.

Exit codes: 0 every source fetched; 1 a source failed (the rest was still stored and written);
2 bad usage or configuration; 3 another aggregator command holds the store.
"""

from __future__ import annotations

import argparse
import logging
import sys

from . import __version__, pipeline
from .config import Config, ConfigError, load_config
from .publish import feed_specs
from .store import Store, StoreBusy

EXIT_OK, EXIT_SOURCE_FAILED, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3

log = logging.getLogger("aggregator")


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
    commands.add_parser("status", parents=[common], help="per source and feed: health and counts")
    return parser


def _setup_logging(args: argparse.Namespace) -> None:
    level = logging.ERROR if args.quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose + 1, 2)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s" if args.verbose > 1 else "%(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    if args.verbose < 2:  # the HTTP libraries' own chatter is only useful when debugging
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("httpcore").setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_OK if exit_.code == 0 else EXIT_USAGE
    _setup_logging(args)
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(f"aggregator: configuration error: {error}", file=sys.stderr)
        return EXIT_USAGE
    store = Store(config.database)
    try:
        with store.exclusive():
            return COMMANDS[args.command](config, store, args)
    except StoreBusy as busy:
        print(f"aggregator: {busy}", file=sys.stderr)
        return EXIT_BUSY
    finally:
        store.close()


def _exit_code(report: pipeline.RunReport) -> int:
    for outcome in report.failed:
        print(f"aggregator: source {outcome.source_id} failed: {outcome.error}", file=sys.stderr)
    return EXIT_SOURCE_FAILED if report.failed else EXIT_OK


def cmd_run(config: Config, store: Store, args) -> int:
    return _exit_code(pipeline.run(config, store))


def cmd_fetch(config: Config, store: Store, args) -> int:
    return _exit_code(pipeline.run(config, store, build=False, notify=False))


def cmd_build(config: Config, store: Store, args) -> int:
    pipeline.run(config, store, fetch=False, notify=False)
    return EXIT_OK


def _when(value: str | None) -> str:
    return value.replace("T", " ")[:19] + " UTC" if value else "never"


def cmd_status(config: Config, store: Store, args) -> int:
    print("Sources")
    for source in config.sources:
        state = store.source_state(source.id)
        health = "FAILING" if state.get("consecutive_failures") else ("ok" if state.get("last_success") else "not fetched yet")
        print(f"  {source.id} ({source.kind}): {health}; {store.count_items(source.id)} items")
        print(f"    last success: {_when(state.get('last_success'))}")
        if state.get("last_error"):
            failures = state.get("consecutive_failures") or 0
            print(f"    last error:   {_when(state.get('last_error_at'))}: {state['last_error']}"
                  + (f" ({failures} failed runs in a row)" if failures else ""))
    print("Feeds")
    for spec in feed_specs(config, store, store.items()):
        print(f"  {spec.path}.atom: {spec.total} items ({len(spec.entries)} in the feed)")
    return EXIT_OK


COMMANDS = {"run": cmd_run, "fetch": cmd_fetch, "build": cmd_build, "status": cmd_status}


if __name__ == "__main__":
    sys.exit(main())
