"""What a person at a terminal sees while a run works: a progress line per source (rich), showing the
requests made and the politeness pauses. Nothing at all on a pipe or in cron, where logs say enough."""

from __future__ import annotations

import sys
from typing import Any


class Progress:
    """Silent by default; `Progress.for_terminal()` gives a live one when stderr is a terminal."""

    def start(self, total_sources: int) -> None: ...

    def source(self, source_id: str) -> None: ...

    def request(self, url: str) -> None: ...

    def waiting(self, host: str, seconds: float) -> None: ...

    def source_done(self, source_id: str, summary: str) -> None: ...

    def stop(self) -> None: ...

    @staticmethod
    def for_terminal(enabled: bool = True) -> Progress:
        if enabled and sys.stderr.isatty():
            return LiveProgress()
        return Progress()


class LiveProgress(Progress):
    """rich's progress display: one bar over the sources, one line saying what the current source does."""

    def __init__(self, console: Any = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn
        from rich.progress import Progress as RichProgress

        self._rich = RichProgress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            console=console or Console(stderr=True), transient=True,
        )
        self._task: Any = None
        self._source = ""
        self._requests = 0

    def start(self, total_sources: int) -> None:
        self._rich.start()
        self._task = self._rich.add_task("starting", total=total_sources)

    def source(self, source_id: str) -> None:
        self._source, self._requests = source_id, 0
        self._rich.update(self._task, description=f"{source_id}: starting")

    def request(self, url: str) -> None:
        self._requests += 1
        self._rich.update(self._task, description=f"{self._source}: request {self._requests} ({_short(url)})")

    def waiting(self, host: str, seconds: float) -> None:
        self._rich.update(self._task, description=f"{self._source}: waiting {seconds:.1f} s before asking {host} "
                                                  "again (politeness)")

    def source_done(self, source_id: str, summary: str) -> None:
        self._rich.console.print(f"  {source_id}: {summary}", highlight=False)
        self._rich.advance(self._task)

    def stop(self) -> None:
        self._rich.stop()


def _short(url: str, width: int = 60) -> str:
    return url if len(url) <= width else url[: width - 1] + "…"
