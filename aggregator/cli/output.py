"""What every command shares: the exit codes, and printing with secrets masked."""

from __future__ import annotations

EXIT_OK, EXIT_SOURCE_FAILED, EXIT_USAGE, EXIT_BUSY, EXIT_STORE, EXIT_OUTPUT, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 5, 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process that SIGTERM ended


def say(*values, **kwargs) -> None:
    """print, with every password, token and ${…} value masked (redact.hide): the CLI prints URLs and errors."""
    from ..redact import hide

    print(*(hide(str(value)) for value in values), **kwargs)
