"""Shared test helpers: where our fixtures live and how to classify one."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback.models import Event, RawMessage
from feedback.pipeline import ClassifierConfig, classify

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
MESSAGES = FIXTURES / "messages"


def fixture_bytes(name: str) -> bytes:
    """The raw bytes of one of our fixture messages."""
    return (MESSAGES / name).read_bytes()


def classify_fixture(name: str, config: ClassifierConfig | None = None) -> list[Event]:
    """Events of one fixture message."""
    raw = RawMessage(data=fixture_bytes(name), source=str(MESSAGES / name))
    return classify(raw, config or ClassifierConfig())


@pytest.fixture
def messages_dir() -> Path:
    return MESSAGES


@pytest.fixture(scope="session")
def dovecot():
    """A real Dovecot on loopback (TLS, throwaway users), for the whole test session."""
    import shutil

    from .dovecot import start_dovecot

    if shutil.which("dovecot") is None:
        pytest.skip("dovecot-imapd is not installed (scripts/test.sh installs it)")
    server = start_dovecot()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def dovecot_nomove():
    """A second Dovecot that does not offer MOVE (COPY + UID EXPUNGE path)."""
    import shutil

    from .dovecot import start_dovecot

    if shutil.which("dovecot") is None:
        pytest.skip("dovecot-imapd is not installed (scripts/test.sh installs it)")
    server = start_dovecot(move=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def dovecot_courier():
    """A Dovecot laid out as Courier and Debian's Cyrus are: namespace prefix "INBOX.", separator ".", no MOVE."""
    import shutil

    from .dovecot import start_dovecot

    if shutil.which("dovecot") is None:
        pytest.skip("dovecot-imapd is not installed (scripts/test.sh installs it)")
    server = start_dovecot(move=False, prefix="INBOX.")
    yield server
    server.stop()
