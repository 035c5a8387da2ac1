"""Scenarios `build_small` and `build_large` (issue 21's target 5, with bench/run.py's derived figure) and
`backfill` (target 4)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import measure
from harness import BUILD_SOURCES, BUILD_TOPICS, Scenario, fill, label, median, profile_evidence, requests, run_cli
from measure import file_snapshot, files_rewritten, peak_mb, timed

BUILD_GOAL_S = 0.3  # target 5, at the large size
BACKFILL_GOAL = 1000.0  # target 4: documents a second
BACKFILL_MB = 100.0  # target 4: the backfill command's peak memory

# ================================================================================================ build


def scenario_build_small(s: Scenario) -> None:
    _build(s, s.options["build_small"], large=False)
    _upserts(s, min(2000, s.options["build_small"]))


def scenario_build_large(s: Scenario) -> None:
    _build(s, s.options["build_large"], large=True)


def _build(s: Scenario, count: int, large: bool) -> None:
    """Builds (no fetch, no notify) with `count` stored items and 40 feeds: the first, unchanged ones, and the
    figure of target 5: a build after one new item, median of `build_runs` (after a warm-up one)."""
    import adapter

    ids = ([x["id"] for x in BUILD_SOURCES], [x["id"] for x in BUILD_TOPICS])
    with tempfile.TemporaryDirectory() as folder:
        config_path = adapter.write_config(Path(folder), BUILD_SOURCES, BUILD_TOPICS)
        config = adapter.load_config(config_path)
        inserted, seconds = fill(config, count, *ids)
        s.step(f"store filled with {inserted} items (not timed)", wall_s=seconds, items=inserted,
               store_mb=adapter.store_bytes(config) / 1e6)
        result = run_cli(config_path, "build")
        s.step("first build (aggregator build, own process)", wall_s=result.wall_s, cpu_s=result.cpu_s,
               peak_mb=result.peak_mb, files_rewritten=len(file_snapshot(adapter.output_dir(config))))
        peaks = {"first build": result.peak_mb}
        store = adapter.open_store(config)
        feeds = _unchanged_builds(s, config, store, count)
        wall, cpu = _builds_after_one_new_item(s, config, store, ids)
        adapter.add_item(store, 9_600_000, *ids)
        adapter.close_store(store)
        result = run_cli(config_path, "build")
        s.step("build after one new item (aggregator build, own process)", wall_s=result.wall_s, cpu_s=result.cpu_s,
               peak_mb=result.peak_mb)
        peaks["after one new item"] = result.peak_mb
        _full_build_after_config_change(s, Path(folder))
    s.details.update(feeds=feeds, items=count, build_after_one_new_item={"wall_s": wall, "cpu_s": cpu})
    s.figure(None, f"feeds at {label(count)} items", feeds, "feeds", note="the issue's scenario has 40")
    line = f"build after one new item at {label(count)} items (wall, in-process, median of {s.options['build_runs']})"
    if large:
        s.figure(5, line, wall * 1000, "ms", f"≤ {BUILD_GOAL_S * 1000:g} ms", wall <= BUILD_GOAL_S,
                 f"CPU {cpu * 1000:.0f} ms", evidence=profile_evidence(s.details["profile_build_after_one_new_item"]))
    else:
        s.figure(None, line, wall * 1000, "ms", note=f"CPU {cpu * 1000:.0f} ms; what build_large's ratio compares with")
    s.figure(None, f"build peak memory at {label(count)} items (first build {peaks['first build']:.0f} MB, after one "
                   f"new item {peaks['after one new item']:.0f} MB)", max(peaks.values()), "MB",
             note="issue 13's target was ≤ 100 MB")


def _unchanged_builds(s: Scenario, config, store, count: int) -> int:
    """Builds with nothing new, in-process (after a warm-up one that loads what a build loads); the feed count."""
    import adapter

    out = adapter.output_dir(config)
    adapter.run(config, store, fetch=False, notify=False)
    files, rows = file_snapshot(out), adapter.rows_written(store)
    timings = []
    for _ in range(s.options["build_runs"]):
        with timed() as t:
            report = adapter.run(config, store, fetch=False, notify=False)
        timings.append(t)
    cpu = median([x.cpu_s for x in timings])
    s.step("unchanged build (in-process)", wall_s=median([x.wall_s for x in timings]), cpu_s=cpu,
           peak_mb=peak_mb(), rows_written=adapter.rows_written(store) - rows,
           files_rewritten=len(files_rewritten(files, file_snapshot(out))), feeds=report["feeds"])
    s.figure(None, f"unchanged build at {label(count)} items", cpu * 1000, "ms CPU")
    return report["feeds"]


def _builds_after_one_new_item(s: Scenario, config, store, ids: tuple) -> tuple[float, float]:
    """Target 5's samples: a new item stored as a commit stores it, then a build; (median wall, median CPU)."""
    import adapter

    out = adapter.output_dir(config)
    samples = []
    for n in range(s.options["build_runs"] + 1):  # the first is a warm-up
        adapter.add_item(store, 9_000_000 + n, *ids)
        files, rows = file_snapshot(out), adapter.rows_written(store)
        with timed() as t:
            adapter.run(config, store, fetch=False, notify=False)
        if n:
            samples.append((t.wall_s, t.cpu_s, adapter.rows_written(store) - rows,
                            files_rewritten(files, file_snapshot(out))))
    wall, cpu = median([x[0] for x in samples]), median([x[1] for x in samples])
    s.step("build after one new item (in-process)", primary=True, wall_s=wall, cpu_s=cpu, peak_mb=peak_mb(),
           wall_samples_s=[x[0] for x in samples], rows_written=samples[-1][2], files_rewritten=len(samples[-1][3]),
           files=samples[-1][3], repeats=len(samples))
    s.details["profile_build_after_one_new_item"] = s.profile(
        lambda: (adapter.add_item(store, 9_500_000, *ids), adapter.run(config, store, fetch=False, notify=False)),
        top=12)
    return wall, cpu


def _full_build_after_config_change(s: Scenario, folder: Path) -> None:
    import adapter

    other = adapter.load_config(adapter.write_config(folder, BUILD_SOURCES, BUILD_TOPICS,
                                                     base_url="https://feeds2.example.org/", name="config-b.toml"))
    store = adapter.open_store(other)
    with timed() as t:
        adapter.run(other, store, fetch=False, notify=False)
    adapter.close_store(store)
    s.step("full build after a config change (in-process)", wall_s=t.wall_s, cpu_s=t.cpu_s, peak_mb=peak_mb())


def _upserts(s: Scenario, count: int) -> None:
    """Info: storing items one by one through the store (new, then unchanged), as the earlier bench measured."""
    import adapter

    with tempfile.TemporaryDirectory() as folder:
        config = adapter.load_config(adapter.write_config(Path(folder), BUILD_SOURCES, BUILD_TOPICS))
        store = adapter.open_store(config)
        ids = ([x["id"] for x in BUILD_SOURCES], [x["id"] for x in BUILD_TOPICS])
        for kind in ("new", "unchanged"):
            rows = adapter.rows_written(store)
            with timed() as t:
                changes = adapter.upsert_items(store, count, *ids)
            s.step(f"store {count} {kind} items one by one (store.upsert)", wall_s=t.wall_s, cpu_s=t.cpu_s,
                   peak_mb=peak_mb(), rows_written=adapter.rows_written(store) - rows,
                   changes={c: changes.count(c) for c in set(changes)})
            s.figure(None, f"store.upsert of {kind} items", t.wall_s * 1000 / count, "ms per item")
        adapter.close_store(store)


# ================================================================================================ backfill


def scenario_backfill(s: Scenario) -> None:
    """Target 4: `backfill` of a hearings listing, every page's 20 article pages read, min_delay = 0: documents a
    second in-process, and the peak memory of the same backfill as `aggregator backfill` in its own process."""
    from selectolax.lexbor import LexborHTMLParser  # noqa: F401 (loaded before timing, as the run has it)
    from server import BenchServer
    from sitegen import HEARINGS

    pages = s.options["pages"]
    with BenchServer(hearings=pages * 20 + 20, en=20, news=5, ks=20) as server:
        sources = [{"id": "hearings", "kind": "regjeringen", "url": server.url + HEARINGS, "max_pages": 1}]
        with tempfile.TemporaryDirectory() as folder:
            _backfill_in_process(s, server, Path(folder), sources, pages)
        with tempfile.TemporaryDirectory() as folder:
            _backfill_command(s, server, Path(folder), sources, pages)
        with tempfile.TemporaryDirectory() as folder:
            _backfill_profile(s, Path(folder), sources, min(pages, 5))
        _per_document(s, server, sources)


def _backfill_in_process(s: Scenario, server, folder: Path, sources: list[dict], pages: int) -> None:
    """The figure: documents (listing entry + article page each) a second of wall time, in this process."""
    import adapter

    config = adapter.load_config(adapter.write_config(folder, sources))
    store = adapter.open_store(config)
    adapter.run(config, store, fetch=False, notify=False)  # warm: imports
    server_cpu = server.reset()["server_cpu_s"]
    rows = adapter.rows_written(store)
    with timed() as t:
        report = adapter.backfill(config, store, "hearings", pages)
    stats = server.stats()
    rows = adapter.rows_written(store) - rows
    adapter.close_store(store)
    if report["failed"]:
        raise RuntimeError(f"backfill failed: {report['failed']}")
    documents = report["seen"]
    rate, busy = documents / t.wall_s, (stats["server_cpu_s"] - server_cpu) / t.wall_s
    s.details["backfill_documents"] = documents
    s.details["backfill_requests_per_document"] = round(stats.get("article", 0) / max(documents, 1), 3)
    s.details["backfill_cpu_ms_per_document"] = round(t.cpu_s * 1000 / max(documents, 1), 3)
    s.step(f"backfill --pages {pages} (in-process)", primary=True, wall_s=t.wall_s, cpu_s=t.cpu_s,
           peak_mb=peak_mb(), **requests(stats), rows_written=rows, files_rewritten=report["files_written"],
           documents=documents, documents_per_s=rate, cpu_ms_per_document=t.cpu_s * 1000 / max(documents, 1),
           server_busy=busy)
    s.figure(4, f"backfill: {documents} documents (listing + article page each) in {t.wall_s:.2f} s, in-process",
             rate, "documents/s", f"≥ {BACKFILL_GOAL:g}/s", rate >= BACKFILL_GOAL,
             f"{t.cpu_s * 1000 / max(documents, 1):.2f} ms CPU per document; the server was busy {100 * busy:.0f} % "
             f"of the time (one core); {stats.get('connections', 0)} connection(s) for {stats.get('requests')} "
             "requests")


def _backfill_command(s: Scenario, server, folder: Path, sources: list[dict], pages: int) -> None:
    """Target 4's memory: the same backfill as `aggregator backfill` in its own process, on a fresh store."""
    import adapter

    config_path = adapter.write_config(folder, sources)
    server.reset()
    result = run_cli(config_path, "backfill", "--source", "hearings", "--pages", str(pages))
    stats = server.stats()
    documents = s.details.get("backfill_documents", 0)  # the same pages as the in-process backfill
    s.step(f"aggregator backfill --pages {pages} (own process)", wall_s=result.wall_s, cpu_s=result.cpu_s,
           peak_mb=result.peak_mb, **requests(stats), documents=documents)
    s.figure(4, f"aggregator backfill --pages {pages} ({documents} documents), own process: peak memory",
             result.peak_mb, "MB", f"≤ {BACKFILL_MB:g} MB", result.peak_mb <= BACKFILL_MB,
             f"{documents / result.wall_s:.0f} documents/s with its start-up, {result.cpu_s:.2f} s CPU")


def _backfill_profile(s: Scenario, folder: Path, sources: list[dict], pages: int) -> None:
    import adapter

    config = adapter.load_config(adapter.write_config(folder, sources))
    store = adapter.open_store(config)
    profile = s.profile(lambda: adapter.backfill(config, store, "hearings", pages), top=16)
    adapter.close_store(store)
    s.details[f"profile_backfill_{pages}_pages"] = profile
    for figure in s.figures:
        if figure["target"] == 4 and figure["unit"] == "documents/s":
            figure["evidence"] = profile_evidence(profile)


def _per_document(s: Scenario, server, sources: list[dict]) -> None:
    """Where a document's time goes: its article page's parse, its share of a listing page, one HTTP request."""
    import adapter
    from sitegen import HEARINGS, Site

    parse = adapter.parsers()
    site = Site(hearings=20, en=1, news=1, ks=1, base_url=server.url)
    article_path, article = site.article("hearings")
    listing = site.pages[HEARINGS].body
    budget = 0.005 if s.smoke else 0.05 if s.quick else 0.2
    url = server.url + article_path
    article_cpu = measure.per_call_cpu(lambda: parse["regjeringen_article"](url, article), budget)
    listing_cpu = measure.per_call_cpu(lambda: parse["regjeringen_listing"](server.url + HEARINGS, listing), budget)
    with tempfile.TemporaryDirectory() as folder:
        client = adapter.http_client(adapter.load_config(adapter.write_config(Path(folder), sources)))
        client.get(url, check_robots=False)
        count = 5 if s.smoke else 50 if s.quick else 300
        with timed() as request:
            for _ in range(count):
                client.get(url, check_robots=False)
        client.close()
    per_document = s.details["backfill_cpu_ms_per_document"] / 1000
    # a hearing's document is its article page and its answers list (which the synthetic site answers with 404)
    requests_each = s.details["backfill_requests_per_document"]
    http_cpu = request.cpu_s / count
    s.details["per_document_ms"] = {
        "total_cpu": round(per_document * 1000, 3),
        "article_parse": round(article_cpu * 1000, 3),
        "listing_parse_share": round(listing_cpu * 1000 / 20, 3),
        "http_request_cpu (PoliteClient.get, keep-alive)": round(http_cpu * 1000, 3),
        "http_request_wall": round(request.wall_s / count * 1000, 3),
        "requests_per_document": requests_each,
        "rest (store, merge, publish)": round(
            (per_document - article_cpu - listing_cpu / 20 - http_cpu * requests_each) * 1000, 3),
    }
