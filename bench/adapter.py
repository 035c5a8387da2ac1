"""Every call the benchmarks make into `aggregator`, in one place.

The pipeline's API changes while people work on it; when it does, this module is the one to adapt. Everything
here uses public functions (config.load_config, store.Store, pipeline.run / backfill, the sources' parsers),
except `bulk_insert_items`, which writes rows straight into the store's `items` and `observations` tables to
make a store of 100 000 items in seconds (see its docstring for how it stays true to the schema).
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def aggregator_command() -> list[str]:
    """How to start the command line: the venv's `aggregator` script, else `python -m aggregator.cli`."""
    script = Path(sys.executable).parent / "aggregator"
    return [str(script)] if script.exists() else [sys.executable, "-m", "aggregator.cli"]


# ------------------------------------------------------------------------------------------ configuration


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def write_config(folder: Path, sources: list[dict], topics: list[dict] = (), *, base_url: str = "https://feeds.example.org/",
                 max_entries: int = 100, min_delay: float = 0.0, name: str = "config.toml") -> Path:
    """A config.toml in `folder` (store and feeds beside it), as docs/configuration.md documents the format."""
    lines = [
        "[storage]", 'database = "data/aggregator.db"', "",
        "[output]", 'directory = "feeds"', f"base_url = {_toml(base_url)}", f"max_entries = {max_entries}", "",
        "[http]", 'user_agent = "aggregator-bench/0.1 (+https://example.org/bench)"', "timeout = 20",
        f"min_delay = {min_delay!r}", "retries = 1", "",
    ]
    for table, entries in (("sources", sources), ("topics", topics)):
        for entry in entries:
            lines.append(f"[[{table}]]")
            lines += [f"{key} = {_toml(value)}" for key, value in entry.items()]
            lines.append("")
    path = Path(folder) / name
    path.write_text("\n".join(lines), "utf-8")
    return path


def load_config(path: Path):
    from aggregator.config import load_config as load

    return load(path)


def output_dir(config) -> Path:
    return Path(config.output_dir)


def database_path(config) -> Path:
    return Path(config.database)


# ------------------------------------------------------------------------------------------ store and pipeline


def open_store(config):
    from aggregator.store import Store

    return Store(config.database)


def close_store(store) -> None:
    store.close()


def settle(config) -> None:
    """Fold a closed store's write-ahead log into its database file (what SQLite's automatic checkpoints do in a
    store that has been in use for a while)."""
    import sqlite3

    conn = sqlite3.connect(database_path(config))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def stored_items(config) -> int:
    """Items in a closed store, read through a connection of its own (what was committed)."""
    import sqlite3

    conn = sqlite3.connect(database_path(config))
    try:
        return conn.execute("SELECT count(*) FROM items").fetchone()[0]
    finally:
        conn.close()


def store_bytes(config) -> int:
    """The store's size on disk: its database file and write-ahead log."""
    database = database_path(config)
    return sum(path.stat().st_size for path in (database, database.with_name(database.name + "-wal"))
               if path.exists())


def rows_written(store) -> int:
    """Rows SQLite has inserted, updated or deleted through this store's connection so far."""
    return store.conn.total_changes


def _report(report) -> dict:
    """The plain facts of a pipeline.RunReport."""
    outcomes = getattr(report, "outcomes", []) or []
    published = getattr(report, "published", None)
    return {
        "summary": report.summary() if hasattr(report, "summary") else "",
        "sources": len(outcomes),
        "failed": [f"{o.source_id}: {o.error}" for o in outcomes if not o.ok],
        "seen": sum(getattr(o, "seen", 0) for o in outcomes),
        "new": sum(len(getattr(o, "new_ids", [])) for o in outcomes),
        "changed": sum(len(getattr(o, "changed_ids", [])) for o in outcomes),
        "warnings": sum(len(getattr(o, "warnings", [])) for o in outcomes),
        "feeds": len(getattr(published, "specs", []) or []) if published else None,
        "files_written": len(published.written) if published else None,
        "files_unchanged": len(published.unchanged) if published else None,
        "publish_error": getattr(report, "publish_error", None),
    }


def run(config, store, *, fetch: bool = True, build: bool = True, notify: bool = True) -> dict:
    """What `aggregator run` does (fetch, build, notify can be left out), in this process."""
    from aggregator import pipeline

    return _report(pipeline.run(config, store, fetch=fetch, build=build, notify=notify))


def backfill(config, store, source_id: str, pages: int) -> dict:
    """What `aggregator backfill --source ID --pages N` does, in this process."""
    from aggregator import pipeline

    return _report(pipeline.backfill(config, store, source_id, pages))


def http_client(config):
    """The project's polite HTTP client with the config's settings; `get(url)` returns its Response."""
    from aggregator.http import PoliteClient

    return PoliteClient(config.http)


# ------------------------------------------------------------------------------------------ parsers


def parsers() -> dict[str, Callable[[str, bytes], object]]:
    """Each page kind's parser as a fetch uses it: decode the body, then parse (url, text)."""
    from aggregator.http import decode_body
    from aggregator.sources.ks import article as ks_article
    from aggregator.sources.ks import listing as ks_listing
    from aggregator.sources.regjeringen import article, listing, rss

    html = "text/html; charset=utf-8"
    return {
        "regjeringen_listing": lambda url, body: listing.parse_listing(url, decode_body(body, html), []),
        "regjeringen_article": lambda url, body: article.parse_article(url, decode_body(body, html)),
        "regjeringen_rss": lambda url, body: rss.parse_rss(url, body, []),
        "ks_listing": lambda url, body: ks_listing.parse_listing(url, decode_body(body, html), None, []),
        "ks_article": lambda url, body: ks_article.parse_article(url, decode_body(body, html)),
    }


def clean_text() -> Callable[[str | None], str]:
    from aggregator.normalize import clean_text as clean

    return clean


# ------------------------------------------------------------------------------------------ synthetic items

DOCUMENT_TYPES = ["consultation", "press-release", "news", "article", "speech", "nou", "proposition", "white-paper",
                  "report", "letter", "consultation-response", "opinion"]
WORDS = (  # noqa: SIM905
    "kommunane kommunene forslag endringar regelverket integrering bosetting flyktningar norskopplæring "
         "arbeid kvalifisering tilskudd forskrift høring departementet regjeringen barnehage skole helse "
         "omsorg digital økonomi næringsliv klima beredskap utdanning kompetanse innvandrere søknader "
         "statsbudsjettet tiltak").split()


# The synthetic store's publishing rate, the newest item now: what a store of N items holds of the last months (open
# and followed hearings, whose deadlines lie 90 days after publication) is the same whatever N, as for a store that
# grew by running, not a denser one. 20 a day is the order of what regjeringen.no and ks.no publish together, and
# 3 000 items (the smallest size target 1 compares with) then reach back 150 days, past every followed hearing.
ITEMS_PER_DAY = 20


def _record(number: int, rng: random.Random, source_ids: list[str], topic_ids: list[str], published: datetime,
            ministries: list[str]):
    from aggregator.hearings import Hearing, put
    from aggregator.records import Record

    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize()
    summary = ". ".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize()
                        for _ in range(rng.randint(1, 3))) + "."
    kind = rng.choice(DOCUMENT_TYPES)
    chosen = rng.sample(ministries, rng.choice([1, 1, 2]))
    extra: dict = {}
    if kind == "consultation":
        put(extra, Hearing(deadline=(published + timedelta(days=90)).date(), status="På høring"))
    return Record(
        id=f"https://www.regjeringen.no/no/id{number}/",
        link=f"https://www.regjeringen.no/no/dokumenter/dokument-{number}/id{number}/",
        title=title, summary=summary, language=rng.choice(["nb", "nb", "nn", "en"]), published=published,
        document_type=kind, ministries=chosen, authors=[],
        topics=rng.sample(topic_ids, rng.choice([0, 1, 1, 2])) if topic_ids else [], extra=extra,
    ), rng.choice(source_ids)


def add_item(store, number: int, source_ids: list[str], topic_ids: list[str]) -> str:
    """Store one new document as a commit does (aggregator.commit); returns its id."""
    from aggregator.commit import commit_record
    from aggregator.normalize import ministries

    rng = random.Random(number)
    record, source_id = _record(number, rng, source_ids, topic_ids, datetime.now(UTC), sorted(ministries()))
    commit_record(store, record, source_id)
    return record.id


def upsert_items(store, count: int, source_ids: list[str], topic_ids: list[str],
                 first_number: int = 5_000_000) -> list[str]:
    """Store `count` documents one by one as a commit does (each its own transaction, as the old bench measured
    it); the same call again stores the same documents unchanged. Returns the changes."""
    from aggregator.commit import commit_record
    from aggregator.normalize import ministries

    abbrs = sorted(ministries())
    rng = random.Random(first_number)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    changes = []
    for n in range(count):
        record, source_id = _record(first_number + n, rng, source_ids, topic_ids, start - timedelta(hours=n), abbrs)
        changes.append(commit_record(store, record, source_id, now=start))
    return changes


def bulk_insert_items(store, count: int, source_ids: list[str], topic_ids: list[str], *, first_number: int = 1_000_000,
                      seed: int = 13) -> int:
    """Fill a new store with `count` documents quickly; returns how many rows went into `items`.

    A few templates go in as a commit writes them (so every column holds what the store itself writes),
    and the rest are copies of those rows with their own id, link, text, dates, type, ministries, topics and
    sources, in the same encoding (JSON text, ISO times). Their `version` is 1 (older than anything a later write
    makes), so the first build files them all and later builds see only what changed since. Each copy gets its
    source's observation too, so the store has the size a real one of that many items has.
    """
    from aggregator.commit import commit_record
    from aggregator.normalize import ministries

    abbrs = sorted(ministries())
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    spacing = timedelta(days=1) / ITEMS_PER_DAY  # a bigger store is an older one, as a real store is
    templates = []
    for n in range(min(4, count)):
        record, source_id = _record(first_number + n, rng, source_ids, topic_ids, now - spacing * n, abbrs)
        commit_record(store, record, source_id, now=now)
        # in a transaction of its own: outside one, sqlite3 would open one implicitly and leave it open, and every
        # later write (the copies below) would be a savepoint in it, never committed (the store kept 1 item)
        with store.transaction():
            store.conn.execute("INSERT OR IGNORE INTO article_state (item_id, url, status, last_attempt_at) "
                               "VALUES (?, ?, 'read', ?)", [record.id, record.link, now.isoformat()])
        templates.append(record.id)
    conn = store.conn
    columns = [row[1] for row in conn.execute("PRAGMA table_info(items)")]
    rows = {r[columns.index("id")]: dict(zip(columns, r, strict=True))
            for r in conn.execute(f"SELECT * FROM items WHERE id IN ({', '.join('?' * len(templates))})", templates)}
    ob_columns = [row[1] for row in conn.execute("PRAGMA table_info(observations)")]
    observations = {r[ob_columns.index("item_id")]: dict(zip(ob_columns, r, strict=True))
                    for r in conn.execute("SELECT * FROM observations WHERE source_id NOT LIKE '#%'")}

    def encode(value) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def copies():
        for n in range(len(templates), count):
            number = first_number + n
            record, source_id = _record(number, rng, source_ids, topic_ids, now - spacing * n, abbrs)
            template = templates[n % len(templates)]
            row, observation = dict(rows[template]), dict(observations.get(template) or {})
            published = record.published.isoformat()
            sources = [source_id] + ([rng.choice(source_ids)] if rng.random() < 0.1 else [])
            values = {
                "id": record.id, "link": record.link, "title": record.title, "summary": record.summary,
                "language": record.language, "published": published, "updated": published,
                "first_seen": published, "changed": published, "document_type": record.document_type,
                "ministries": encode(record.ministries), "authors": encode([]), "topics": encode(record.topics),
                "sources": encode(sorted(set(sources))), "extra": encode(record.extra),
                "sort_key": record.published.astimezone(UTC).isoformat(), "version": 1,
                "deadline": _deadline(record),
            }
            row.update({k: v for k, v in values.items() if k in row})
            if observation:
                data = json.loads(observation["data"])
                data.update(id=record.id, link=record.link, title=record.title, summary=record.summary,
                            published=published, document_type=record.document_type, ministries=record.ministries,
                            topics=record.topics, extra=record.extra)
                observation.update(item_id=record.id, source_id=source_id, data=encode(data), seen_at=published)
            yield row, observation

    inserted = 0
    batch: list = []
    with store.transaction():
        for row, observation in copies():
            batch.append((row, observation))
            if len(batch) >= 5000:
                inserted += _flush(conn, columns, ob_columns, batch)
                batch = []
        inserted += _flush(conn, columns, ob_columns, batch)
    return inserted + len(templates)


def _deadline(record) -> str | None:
    from aggregator.hearings import hearing_of

    hearing = hearing_of(record)
    return hearing.deadline.isoformat() if hearing and hearing.deadline else None


def _flush(conn, columns: list[str], ob_columns: list[str], batch: list) -> int:
    if not batch:
        return 0
    conn.executemany(f"INSERT INTO items ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                     [[row[c] for c in columns] for row, _ in batch])
    # what a commit indexes of each hearing: its own identity (answers link to it by that reference)
    conn.executemany("INSERT OR IGNORE INTO item_refs (ref, role, item_id, strength) VALUES (?, 'hearing', ?, 0)",
                     [(f"id:{row['id']}", row["id"]) for row, _ in batch if row["document_type"] == "consultation"])
    observed = [[ob[c] for c in ob_columns] for _, ob in batch if ob]
    if observed:
        conn.executemany(f"INSERT OR IGNORE INTO observations ({', '.join(ob_columns)}) "
                         f"VALUES ({', '.join('?' * len(ob_columns))})", observed)
    # a stored document's article page was read (as a real store has it): a followed hearing is read again on its
    # refresh interval, not as one never read
    read_at = datetime.now(UTC).isoformat()
    conn.executemany("INSERT OR IGNORE INTO article_state (item_id, url, status, attempts, next_run, last_attempt_at) "
                     "VALUES (?, ?, 'read', 0, 0, ?)", [(row["id"], row["link"], read_at) for row, _ in batch])
    return len(batch)
