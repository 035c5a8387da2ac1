"""The pytest fixtures the tests share: real servers on 127.0.0.1 (see helpers.py, which holds the tools) and the
warm runner of `aggregator` processes (warm_runner.py), each closed at the test's end."""

from __future__ import annotations

import pytest
from helpers import LocalServer, SMTPReceiver, WebhookReceiver
from warm_runner import WarmRunner


@pytest.fixture
def http_server():
    """An HTTP server of pages and feeds by path (LocalServer)."""
    server = LocalServer()
    yield server
    server.close()


@pytest.fixture
def webhook():
    """A webhook receiver for Apprise's json:// URLs."""
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def smtp():
    """An SMTP server for Apprise's mailto:// URLs, with a login."""
    receiver = SMTPReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def runner(tmp_path):
    """Runs `aggregator` commands as processes of their own, forked warm (see warm_runner.py)."""
    warm = WarmRunner(tmp_path)
    yield warm
    warm.close()
