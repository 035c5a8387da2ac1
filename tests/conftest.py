"""The pytest fixtures the tests share: real servers on 127.0.0.1 (see helpers.py, which holds the tools) and the
warm runner of `aggregator` processes (warm_runner.py), each closed at the test's end."""

from __future__ import annotations

from contextlib import closing

import pytest
from helpers import LocalServer, SMTPReceiver, WebhookReceiver
from warm_runner import WarmRunner


@pytest.fixture
def http_server():
    """An HTTP server of pages and feeds by path (LocalServer)."""
    with closing(LocalServer()) as server:
        yield server


@pytest.fixture
def webhook():
    """A webhook receiver for Apprise's json:// URLs."""
    with closing(WebhookReceiver()) as receiver:
        yield receiver


@pytest.fixture
def smtp():
    """An SMTP server for Apprise's mailto:// URLs, with a login."""
    with closing(SMTPReceiver()) as receiver:
        yield receiver


@pytest.fixture
def runner(tmp_path):
    """Runs `aggregator` commands as processes of their own, forked warm (see warm_runner.py)."""
    with closing(WarmRunner(tmp_path)) as warm:
        yield warm
