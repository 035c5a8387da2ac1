"""The store's core: opening (and making) the file, transactions, the lock, runs and key/value state."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .schema import MIGRATIONS, REQUIRED_TABLES, StoreTooNew, migrate_db

if TYPE_CHECKING:
    import sqlite_utils

# Seconds a statement waits for a lock another process holds on the store (a sqlite3 shell in a transaction, a
# backup tool) before the command gives up with StoreBusy (exit 3). AGGREGATOR_BUSY_TIMEOUT (seconds) overrides it.
BUSY_TIMEOUT = 30.0


class StoreBusy(Exception):
    """Another process holds the store: another aggregator command its lock file, or any process a lock in SQLite
    itself for longer than the busy timeout. Nothing is wrong with the store; try again later."""


class StoreLocked(StoreBusy, sqlite3.OperationalError):
    """SQLite said "database is locked" after waiting the busy timeout: another process holds the store."""


def busy_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("AGGREGATOR_BUSY_TIMEOUT", BUSY_TIMEOUT)))
    except ValueError:
        return BUSY_TIMEOUT


def locked_error(error: BaseException) -> bool:
    """Whether an error is SQLite's "database is locked" (busy), which says nothing about the store's health."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    return (code & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) if code is not None else "locked" in str(error)


class _Connection(sqlite3.Connection):
    """The store's connection: any statement that finds the store locked past the busy timeout raises StoreLocked
    (a busy store is no damaged one: restoring a backup then would lose the delivery ledger)."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self.path = database

    def _busy(self, error: sqlite3.OperationalError) -> StoreLocked:
        return StoreLocked(f"the store is busy (another process holds it): {self.path} stayed locked for "
                           f"{busy_timeout():g} s (a sqlite3 shell or a backup in the middle of a transaction?); what "
                           "was already stored is kept; try again when that process has finished")

    def execute(self, *args, **kwargs):
        try:
            return super().execute(*args, **kwargs)
        except sqlite3.OperationalError as error:
            if locked_error(error):
                raise self._busy(error) from error
            raise

    def executemany(self, *args, **kwargs):
        try:
            return super().executemany(*args, **kwargs)
        except sqlite3.OperationalError as error:
            if locked_error(error):
                raise self._busy(error) from error
            raise

    def commit(self) -> None:
        try:
            super().commit()
        except sqlite3.OperationalError as error:
            if locked_error(error):
                raise self._busy(error) from error
            raise


class StoreDamaged(sqlite3.DatabaseError):
    """The store file is no usable store (empty, damaged, a table missing): the message says what to do."""

WHAT_TO_DO = ("restore it from a backup, or move it away to start a new store (the feeds are rebuilt from the "
              "sites; notifications start again from a new baseline)")


def _open(path: Path, existing: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), factory=_Connection)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout() * 1000)}")
    if existing:  # before anything could write to it
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            conn.close()
            raise StoreTooNew(version, path)
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode = wal")
    # In WAL mode NORMAL is still safe against corruption and against a killed process; it only
    # skips an fsync per commit, which a power cut could cost the last commits of.
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema up to date (schema.migrate_db). Only a store behind the latest schema needs sqlite-utils,
    whose table helpers the migrations use: a run on an up-to-date store does not load it (~50 ms of start-up)."""
    if conn.execute("PRAGMA user_version").fetchone()[0] < len(MIGRATIONS):
        import sqlite_utils

        migrate_db(sqlite_utils.Database(conn))


def _create(path: Path) -> None:
    """Make a new store whole under a temporary name, then rename it: a run killed meanwhile leaves no
    half-made store at `path` (only a temporary file, cleared by the next creation)."""
    for leftover in path.parent.glob(f".{path.name}.new-*"):
        leftover.unlink(missing_ok=True)
    temporary = path.with_name(f".{path.name}.new-{os.getpid()}")
    conn = _open(temporary)
    try:
        _migrate(conn)
    finally:
        conn.close()
    os.replace(temporary, path)




class StoreBase:
    """Open (and migrate) the store; the table groups' mixins add their statements on top of this."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            _create(self.path)
        elif self.path.stat().st_size == 0:
            # Never one of ours (a new store is made whole under another name, then renamed): not taken as new.
            raise StoreDamaged(f"the store {self.path} is an empty file (0 bytes), not a store; {WHAT_TO_DO}")
        self.conn = _open(self.path, existing=True)
        self._db: sqlite_utils.Database | None = None
        try:
            self.migrate()
            tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = REQUIRED_TABLES - tables
            if missing:
                raise StoreDamaged(f"the store {self.path} is damaged: table(s) {', '.join(sorted(missing))} "
                                   f"missing; {WHAT_TO_DO}")
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    @property
    def db(self) -> sqlite_utils.Database:
        """The store's connection as sqlite-utils sees it (for tools and tests), made on first use."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    def query(self, sql: str, params: Any = ()) -> Iterator[dict]:
        """Rows as dicts by column name."""
        cursor = self.conn.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction: everything inside is committed together or not at all (nested: a savepoint)."""
        if self.conn.in_transaction:
            self.conn.execute("SAVEPOINT nested")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK TO SAVEPOINT nested")
                self.conn.execute("RELEASE SAVEPOINT nested")
                raise
            self.conn.execute("RELEASE SAVEPOINT nested")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.rollback()
            raise
        self.conn.commit()

    def migrate(self) -> None:
        """Bring the schema up to date (see schema.migrate_db)."""
        _migrate(self.conn)

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the store's lock for a whole command, so two runs never interleave their writes."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        handle = open(lock_path, "a+")  # noqa: SIM115 (held for the whole command; closed in the finally below)
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                raise StoreBusy(
                    f"another aggregator command is using {self.path} (pid {holder}); try again when it has finished"
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            handle.close()

    # ----------------------------------------------------------------------------------- runs

    def begin_run(self) -> int:
        """Count a fetching run; article-page retries are spaced in these runs. Returns this run's number."""
        with self.transaction():
            row = self.conn.execute("SELECT value FROM store_meta WHERE key = 'runs'").fetchone()
            number = int(row[0]) + 1 if row else 1
            self.conn.execute("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('runs', ?)", [str(number)])
        return number

    def current_run(self) -> int:
        row = self.conn.execute("SELECT value FROM store_meta WHERE key = 'runs'").fetchone()
        return int(row[0]) if row else 0

    # ----------------------------------------------------------------------------------- items

    def _next_version(self) -> int:
        """A new content version (inside the caller's transaction): publish redoes what has a newer one."""
        self.conn.execute("INSERT INTO store_meta (key, value) VALUES ('content_version', '1') "
                          "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
        return int(self.meta("content_version") or 0)

    def content_version(self) -> int:
        return int(self.meta("content_version") or 0)

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM store_meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)", [key, value])
