"""SIGTERM (what systemd and `kill` send) handled as Ctrl-C is: raised as an exception in the main thread, so every
transaction is committed whole or rolled back, every lock released, and the command says so in one line."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


class Terminated(KeyboardInterrupt):
    """The process was asked to stop with SIGTERM. A KeyboardInterrupt, so that whatever stops cleanly on Ctrl-C
    (`serve`, the store's transactions) stops cleanly on it too."""


def _on_sigterm(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: a second SIGTERM must not cut the clean-up short
    raise Terminated()


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises Terminated (in the main thread; elsewhere signals stay the caller's)."""
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
