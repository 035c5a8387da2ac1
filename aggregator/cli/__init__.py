"""The command line: parse arguments, call the library, print, set the exit code.

Exit codes: 0 every source fetched; 1 a source failed (the rest was still stored and written) — for
notify, digest and test-notify: a delivery failed (it is retried on a later run); 2 bad usage or
configuration; 3 the store is busy (another aggregator command holds it, or another process holds a lock on it
past the busy timeout); 4 the store cannot be used (damaged, not a store, or a newer schema than this code's); 5 the
output folder cannot be written (read-only, full); 130 interrupted (Ctrl-C); 143 terminated (SIGTERM). A failed
delivery never changes `run`'s code."""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from typing import TYPE_CHECKING

from .output import EXIT_BUSY, EXIT_INTERRUPTED, EXIT_OK, EXIT_STORE, EXIT_TERMINATED, EXIT_USAGE, say
from .parser import build_parser

if TYPE_CHECKING:
    from ..store import Store

log = logging.getLogger("aggregator")


def _setup_logging(args: argparse.Namespace) -> None:
    # default: warnings and errors (and run's one-line summary); -v: what each source did; -vv: everything
    level = logging.ERROR if args.quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    from ..redact import HideSecrets

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
    from ..terminate import Terminated, sigterm_as_interrupt

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


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_OK if exit_.code == 0 else EXIT_USAGE
    _setup_logging(args)
    from ..config import ConfigError, load_config

    if args.command == "kinds":  # needs neither a config nor a store
        return cmd_kinds(args)
    if args.command == "check":  # every mistake at once, not only the first
        return cmd_check(args)
    try:
        config = load_config(args.config)
    except ConfigError as error:
        say(f"aggregator: configuration error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "serve":  # reads files only: no store, no lock, no heavy libraries
        return cmd_serve(config, args)
    # Commands import what they need only now: `aggregator --help` (and a typo) should not pay for loading httpx,
    # feedgen, Jinja2 and Apprise.
    from ..store import WHAT_TO_DO, StoreBusy, locked_error
    from .commands import COMMANDS

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


def _open_store(config) -> Store | int:
    """The store, or the exit code when it cannot be used (the message said)."""
    from ..store import WHAT_TO_DO, Store, StoreBusy, StoreDamaged, StoreTooNew

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
    return args.command in ("status", "preview", "explain") or (args.command == "notify" and args.dry_run)


def cmd_serve(config, args) -> int:
    from ..serve import serve

    def health() -> tuple[int, bytes]:  # read only, on each request: serve never holds the store
        from ..health import health_json
        from ..store.status import read_only

        conn = read_only(config.database)
        try:
            return health_json(config, conn)
        finally:
            conn.close()

    try:
        return serve(config.output_dir, args.host, args.port, config.base_url, health)
    except OSError as error:
        say(f"aggregator: cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE


def cmd_check(args) -> int:
    """Every mistake in the configuration, each with its file, line, entry, key and reason; exit 2 when any."""
    from ..config import ConfigError, check_config, config_path

    try:
        problems = check_config(args.config)
    except ConfigError as error:  # no file, not readable, not TOML: nothing further can be checked
        problems = error.problems
    for problem in problems:
        say(problem, file=sys.stderr)
    if problems:
        say(f"aggregator check: {len(problems)} {'mistake' if len(problems) == 1 else 'mistakes'}", file=sys.stderr)
        return EXIT_USAGE
    if not args.quiet:
        say(f"aggregator check: {config_path(args.config)} has no mistakes")
    return EXIT_OK


def cmd_kinds(args) -> int:
    """Each kind: its name, what it reads (its documentation's first paragraph), and its options."""
    import textwrap

    from ..kinds import built_in_kinds, get_kind

    kinds = built_in_kinds()
    if args.config or __import__("os").environ.get("AGGREGATOR_CONFIG"):  # and the kinds of one's own a config uses
        from ..config import ConfigError, load_config

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
        for option in kind.all_options:
            say(f"  option {option.name} ({option.type}, default {option.default!r}): {option.help}")
        if kind.publisher:
            say(f"  items without author are credited to: {kind.publisher}")
        say("")
    return EXIT_OK
