"""The store said plainly (issue 19, findings 5 and 6): a store another process holds locked is busy (exit 3, after a
bounded wait), never "damaged, restore it from a backup"; a store a newer version wrote is refused (exit 4, both
versions named) with nothing written to it. The lock is held by a real second process."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, write_config

from aggregator.cli import main
from aggregator.store import MIGRATIONS, Store, StoreTooNew, migrate_db

FEED = ('<rss version="2.0"><channel><title>Kilde</title><item><title>Første sak</title>'
        "<link>http://h.example/1</link></item></channel></rss>")

HOLDERS = {
    # a sqlite3 shell, or a backup tool, in the middle of a write transaction: readers go on (WAL), writers wait
    "a write transaction": ["BEGIN EXCLUSIVE", "UPDATE store_meta SET value = value"],
    # a process that took the file for itself: nobody else may even read
    "an exclusive lock on the file": ["PRAGMA locking_mode = EXCLUSIVE", "BEGIN EXCLUSIVE",
                                      "UPDATE store_meta SET value = value", "COMMIT"],
}

HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
for statement in sys.argv[2:]:
    conn.execute(statement)
print("holding", flush=True)
time.sleep(120)
"""


@pytest.fixture
def stored(http_server, tmp_path) -> tuple[str, Path]:
    """A config whose store has had one good run: (config path, store path)."""
    http_server.add("/rss", FEED, content_type="application/rss+xml")
    config = write_config(tmp_path, sources=[{"id": "kilde", "kind": "feed", "url": f"{http_server.url}/rss"}])
    assert main(["run", "--config", str(config)]) == 0
    return str(config), tmp_path / "data" / "aggregator.db"


def hold(database: Path, statements: list[str]) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(database), *statements], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    return holder


@pytest.mark.parametrize("how", list(HOLDERS))
def test_a_store_another_process_holds_is_busy_not_damaged(stored, how, monkeypatch, capsys):
    config, database = stored
    monkeypatch.setenv("AGGREGATOR_BUSY_TIMEOUT", "0.5")  # the default waits 30 s
    holder = hold(database, HOLDERS[how])
    try:
        assert main(["run", "--config", config]) == 3
        err = capsys.readouterr().err
        assert "the store is busy (another process holds it)" in err and "stayed locked for 0.5 s" in err
        assert "damaged" not in err and "backup," not in err and "Traceback" not in err
        assert main(["fetch", "--config", config]) == 3
    finally:
        holder.kill()
        holder.wait()
    capsys.readouterr()
    assert main(["run", "--config", config]) == 0  # nothing was harmed: the next run goes on
    store = Store(database)
    try:
        assert store.count_items("kilde") == 1
    finally:
        store.close()


def test_reading_commands_work_while_a_writer_holds_the_store(stored, monkeypatch, capsys):
    config, database = stored
    monkeypatch.setenv("AGGREGATOR_BUSY_TIMEOUT", "0.5")
    holder = hold(database, HOLDERS["a write transaction"])
    try:
        assert main(["status", "--config", config]) == 0
        assert "kilde (feed): ok; 1 item" in capsys.readouterr().out
    finally:
        holder.kill()
        holder.wait()


def test_a_store_from_a_newer_version_is_refused_and_left_as_it_was(stored):
    config, database = stored
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA user_version = 9")
    conn.close()
    before = database.read_bytes()
    for command in ("run", "status", "build"):
        done = subprocess.run([sys.executable, "-m", "aggregator.cli", command, "--config", config], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 4, done.stderr
        assert (f"is schema version 9, this aggregator knows up to {len(MIGRATIONS)}: a newer aggregator wrote it. "
                "Upgrade the aggregator") in done.stderr
        assert "Traceback" not in done.stderr
    assert database.read_bytes() == before  # not one byte written
    assert not database.with_name(database.name + "-wal").exists() or \
        database.with_name(database.name + "-wal").stat().st_size == 0


def test_migrating_refuses_a_newer_schema_too(tmp_path):
    import sqlite_utils

    db = sqlite_utils.Database(tmp_path / "new.db")
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreTooNew, match=f"schema version {len(MIGRATIONS) + 1}"):
        migrate_db(db)
    assert db.table_names() == []
