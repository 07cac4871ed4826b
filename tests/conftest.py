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
