"""Scenarios of whole runs: `startup` (issue 21's target 2), `large_store` (target 1) and `unchanged` (info: what
an unchanged run requests, writes and rewrites on a small store)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import measure
import module_load
from harness import (
    BUILD_TOPICS,
    SITE_TOPICS,
    Scenario,
    fill,
    label,
    median,
    profile_evidence,
    requests,
    run_cli,
    site_sources,
    startup_cpu,
)
from measure import file_snapshot, files_rewritten, peak_mb, timed

STARTUP_GOAL_MS = 120.0  # target 2
UNCHANGED_GOAL_MS = 50.0  # target 1, at every size above BASE_SIZE
BASE_SIZE = 3_000  # target 1 compares the larger stores with this one


# ================================================================================================ startup


def scenario_startup(s: Scenario) -> None:
    """Target 2: `aggregator run` with nothing to do (an unchanged run of a prepared config: every source answers
    as before) loads ≤ 120 ms CPU of modules beyond what `aggregator --help` loads (bench/module_load.py says how
    that is measured). Info: `aggregator --help` against `python -c pass`."""
    import adapter
    from server import BenchServer

    with BenchServer(hearings=60, en=60, news=60, ks=20) as server, tempfile.TemporaryDirectory() as folder:
        config_path = adapter.write_config(Path(folder), site_sources(server.url, 2), SITE_TOPICS)
        run_cli(config_path, "run")  # the first run: stores everything, so the next ones have nothing to do
        argv = ["run", "--config", str(config_path), "-q"]
        _, _, helped = module_load.record(["--help"], Path(folder), "help")
        server.reset()
        code, loaded, _ = module_load.record(argv, Path(folder), "run")
        stats = server.stats()
        if code not in (0, 1):
            raise RuntimeError(f"the unchanged `aggregator run` exited {code}")
        extra = [name for name in loaded if name not in helped]
        replays = [module_load.replay(extra, Path(folder)) for _ in range(s.samples(7, 3))]
        imports = module_load.importtime(argv, helped)
    _startup_figures(s, extra, replays, imports, stats)


def _startup_figures(s: Scenario, extra: list[str], replays: list[dict], imports: dict, stats: dict) -> None:
    cpu = median([r["total_s"] for r in replays])
    by_module = {name: median([r["modules"].get(name, 0.0) for r in replays]) for name in replays[0]["modules"]}
    outermost = [f"{name} {seconds * 1000:.0f} ms" for name, seconds in
                 sorted(by_module.items(), key=lambda e: -e[1]) if seconds * 1000 >= 1][:8]
    loaded, absent = module_load.watched(extra)
    s.details.update(modules_beyond_help=len(extra), replay_cpu_ms=[round(r["total_s"] * 1000, 1) for r in replays],
                     replay_outermost_imports=outermost, importtime=imports, watched_loaded=loaded,
                     watched_not_loaded=absent, replay_failed=replays[0]["failed"], run_requests=requests(stats))
    s.step("unchanged `aggregator run`: loading its modules beyond --help (replayed)", primary=True, cpu_s=cpu,
           wall_s=None, peak_mb=None, modules=len(extra), repeats=len(replays), **requests(stats))
    s.figure(2, "`aggregator run` with nothing to do: modules beyond `aggregator --help`", cpu * 1000, "ms CPU",
             f"≤ {STARTUP_GOAL_MS:g} ms", cpu * 1000 <= STARTUP_GOAL_MS,
             f"{len(extra)} modules, median of {len(replays)} fresh processes (-X importtime of the real command: "
             f"{imports['outermost_ms']:.0f} ms wall); loaded: {', '.join(loaded) or 'none of the watched'}; "
             f"not loaded: {', '.join(absent) or '-'}",
             evidence="heaviest packages (-X importtime, cumulative): " + ", ".join(imports["packages"][:8])
             + "; aggregator's own modules (self): " + ", ".join(imports["aggregator_self"][:4]))
    bare, helps = startup_cpu(s.samples(15, 5))
    s.step("aggregator --help", cpu_s=helps, wall_s=None, python_pass_cpu_s=bare, ratio=helps / bare, peak_mb=None)
    s.figure(None, f"aggregator --help {helps * 1000:.0f} ms vs python -c pass {bare * 1000:.0f} ms (CPU)",
             helps / bare, "×", note="issue 13's target was ≤ 3×")


# ================================================================================================ large store


def scenario_large_store(s: Scenario) -> None:
    """Target 1: with `store_size` items already stored, the median CPU of several unchanged runs in-process
    (after one unchanged warm-up run); info: the peak memory of a first, an unchanged and a new-item
    `aggregator run` in their own processes. bench/run.py runs this once per size, each in a process of its own."""
    import adapter
    from server import BenchServer

    count = s.options["store_size"]
    with BenchServer(hearings=60, en=60, news=60, ks=20) as server, tempfile.TemporaryDirectory() as folder:
        sources = site_sources(server.url, 2)
        config_path = adapter.write_config(Path(folder), sources, BUILD_TOPICS)
        config = adapter.load_config(config_path)
        inserted, seconds = fill(config, count, [x["id"] for x in sources], [x["id"] for x in BUILD_TOPICS])
        s.step(f"store filled with {inserted} items (not timed)", wall_s=seconds, items=inserted)
        peaks = {}
        server.reset()
        result = run_cli(config_path, "run")
        s.step(f"first run at {label(count)} items (aggregator run, own process)", wall_s=result.wall_s,
               cpu_s=result.cpu_s, peak_mb=result.peak_mb, **requests(server.stats()),
               files_rewritten=len(file_snapshot(adapter.output_dir(config))))
        peaks["first run (every item filed, classified)"] = result.peak_mb
        cpu = _unchanged_runs(s, server, config, count)
        peaks.update(_runs_in_own_process(s, server, config_path, adapter.output_dir(config), count))
    s.details["unchanged_cpu_ms"] = round(cpu * 1000, 3)
    s.details["store_size"] = count
    for name, peak in peaks.items():
        s.figure(None, f"{name} at {label(count)} stored items: peak memory", peak, "MB",
                 note="issue 13's target was ≤ 100 MB")


def _unchanged_runs(s: Scenario, server, config, count: int) -> float:
    """The median CPU of unchanged in-process runs (the figure of target 1), after a warm-up one."""
    import adapter

    store = adapter.open_store(config)
    out = adapter.output_dir(config)
    adapter.run(config, store)  # warm: the libraries a run loads (itself an unchanged run)
    files, rows = file_snapshot(out), adapter.rows_written(store)
    server.reset()
    timings = []
    for _ in range(s.samples(5, 3)):
        with timed() as t:
            adapter.run(config, store)
        timings.append(t)
    stats = server.stats()
    rows = adapter.rows_written(store) - rows
    rewritten = files_rewritten(files, file_snapshot(out))
    profile = s.profile(lambda: adapter.run(config, store), top=14)
    adapter.close_store(store)
    cpu = median([t.cpu_s for t in timings])
    s.details["profile_unchanged_run"] = profile
    s.step(f"unchanged run at {label(count)} items (in-process, median of {len(timings)})", primary=True,
           wall_s=median([t.wall_s for t in timings]), cpu_s=cpu, cpu_samples_s=[t.cpu_s for t in timings],
           peak_mb=peak_mb(), **requests(stats), rows_written=rows, files_rewritten=len(rewritten))
    judged = count > BASE_SIZE  # the bound is for the larger stores; the base size is what they compare to
    s.figure(1 if judged else None, f"unchanged run at {label(count)} stored items: CPU in-process", cpu * 1000, "ms",
             f"≤ {UNCHANGED_GOAL_MS:g} ms" if judged else "", cpu * 1000 <= UNCHANGED_GOAL_MS if judged else None,
             f"median of {len(timings)} runs; {rows} rows written, {len(rewritten)} files rewritten, "
             f"{stats.get('article', 0)} article requests in all", evidence=profile_evidence(profile))
    return cpu


def _runs_in_own_process(s: Scenario, server, config_path: Path, out: Path, count: int) -> dict[str, float]:
    """An unchanged `aggregator run` and one after a new item per source, each in its own process: peak memory."""
    server.reset()
    result = run_cli(config_path, "run")
    s.step(f"unchanged run at {label(count)} items (aggregator run, own process)", wall_s=result.wall_s,
           cpu_s=result.cpu_s, peak_mb=result.peak_mb, **requests(server.stats()))
    peaks = {"unchanged run": result.peak_mb}
    server.add(1)
    files = file_snapshot(out)
    server.reset()
    result = run_cli(config_path, "run")
    rewritten = files_rewritten(files, file_snapshot(out))
    s.step(f"run with one new item per source at {label(count)} items (aggregator run, own process)",
           wall_s=result.wall_s, cpu_s=result.cpu_s, peak_mb=result.peak_mb, **requests(server.stats()),
           files_rewritten=len(rewritten), files=rewritten[:12])
    peaks["run with new items"] = result.peak_mb
    return peaks


# ================================================================================================ unchanged (info)


def scenario_unchanged(s: Scenario) -> None:
    """Info (issue 13's checks, no target of issue 21): the second of two runs where nothing changed on the sites,
    on a small store: requests, rows and files it writes, its CPU in-process and as a command."""
    import adapter
    from server import BenchServer

    pages = 2 if s.quick else 3
    with BenchServer(hearings=pages * 20 + 20, en=pages * 20 + 20, news=60, ks=20) as server, \
            tempfile.TemporaryDirectory() as folder:
        config_path = adapter.write_config(Path(folder), site_sources(server.url, pages), SITE_TOPICS)
        config = adapter.load_config(config_path)
        store = adapter.open_store(config)
        server.reset()
        rows = adapter.rows_written(store)
        with timed() as t:
            first = adapter.run(config, store)
        if first["failed"]:
            raise RuntimeError(f"sources failed on the first run: {first['failed']}")
        s.step("first run (in-process)", wall_s=t.wall_s, cpu_s=t.cpu_s, peak_mb=peak_mb(),
               **requests(server.stats()), rows_written=adapter.rows_written(store) - rows,
               files_rewritten=len(file_snapshot(adapter.output_dir(config))), items=first["seen"], new=first["new"],
               feeds=first["feeds"])
        _unchanged_in_process(s, server, config, store)
        s.details["profile_unchanged_run"] = s.profile(lambda: adapter.run(config, store), top=14)
        adapter.close_store(store)
        _unchanged_command(s, server, config, config_path)


def _unchanged_in_process(s: Scenario, server, config, store) -> None:
    import adapter

    out, database = adapter.output_dir(config), adapter.database_path(config)
    files, snapshot, rows = file_snapshot(out), measure.StoreSnapshot(database), adapter.rows_written(store)
    server.reset()
    with timed() as t:
        again = adapter.run(config, store)
    stats = server.stats()
    rows = adapter.rows_written(store) - rows
    rewritten = files_rewritten(files, file_snapshot(out))
    by_table = snapshot.changes()
    snapshot.close()
    s.step("unchanged run (in-process)", primary=True, wall_s=t.wall_s, cpu_s=t.cpu_s, peak_mb=peak_mb(),
           **requests(stats), rows_written=rows, rows_changed_by_table=by_table, files_rewritten=len(rewritten),
           files=rewritten[:10], new=again["new"], changed=again["changed"])
    articles = stats.get("article", 0) + stats.get("ks_article", 0)
    s.figure(None, "unchanged run: article pages requested", articles, "",
             note=f"{stats.get('requests')} requests: " + ", ".join(f"{k} {v}" for k, v in requests(stats).items()
                                                                   if v and k != "requests"))
    s.figure(None, "unchanged run: rows written", rows, "rows",
             note="changed: " + (", ".join(f"{k} {v}" for k, v in by_table.items()) or "none") + " (SQLite's count "
                  "includes rows rewritten with the same values)")
    s.figure(None, "unchanged run: files rewritten", len(rewritten), "files", note=", ".join(rewritten[:5]))
    s.figure(None, "unchanged run on a small store: CPU in-process (start-up excluded)", t.cpu_s * 1000, "ms",
             note="one sample; target 1 is judged in large_store")


def _unchanged_command(s: Scenario, server, config, config_path: Path) -> None:
    import adapter

    _, helps = startup_cpu(s.samples(7, 3))
    out, database = adapter.output_dir(config), adapter.database_path(config)
    files, snapshot = file_snapshot(out), measure.StoreSnapshot(database)
    server.reset()
    result = run_cli(config_path, "run")
    stats = server.stats()
    by_table = snapshot.changes()
    snapshot.close()
    rewritten = files_rewritten(files, file_snapshot(out))
    s.step("unchanged run (aggregator run, own process)", wall_s=result.wall_s, cpu_s=result.cpu_s,
           peak_mb=result.peak_mb, **requests(stats), rows_written=sum(by_table.values()),
           rows_changed_by_table=by_table, files_rewritten=len(rewritten), help_cpu_s=helps)
    s.figure(None, "unchanged `aggregator run`: CPU beyond `aggregator --help`", (result.cpu_s - helps) * 1000, "ms",
             note="one run: loading its modules (target 2, scenario startup) and its work")
