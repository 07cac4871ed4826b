"""The TOML config (DESIGN.md "Config"): loaded and checked, with one clear error per problem."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .pipeline import ClassifierConfig


class ConfigError(Exception):
    """A config that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class Config:
    """The parts of the config this version reads."""

    path: str | None = None
    database: str = "feedback.db"
    identities: tuple[str, ...] = ()
    correlation_headers: tuple[str, ...] = ()
    accounts: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def classifier(self) -> ClassifierConfig:
        """What the pure classifier needs."""
        return ClassifierConfig(identities=self.identities, correlation_headers=self.correlation_headers)


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of strings")
    return tuple(value)


def load(path: str | None, *, required: bool = False) -> Config:
    """Load ``path`` (or ./feedback.toml when it exists). Raises ConfigError."""
    explicit = path is not None
    if path is None:
        path = os.environ.get("FEEDBACK_CONFIG") or "feedback.toml"
        explicit = "FEEDBACK_CONFIG" in os.environ
    p = Path(path)
    if not p.exists():
        if explicit or required:
            raise ConfigError(f"config file {path} not found")
        return Config()
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path}: cannot read ({exc})") from None
    database = data.get("database", "feedback.db")
    if not isinstance(database, str):
        raise ConfigError("database must be a string")
    accounts = data.get("accounts", [])
    if not isinstance(accounts, list) or not all(isinstance(a, dict) for a in accounts):
        raise ConfigError("accounts must be an array of tables ([[accounts]])")
    return Config(
        path=str(p),
        database=database,
        identities=_strings(data.get("identities"), "identities"),
        correlation_headers=_strings(data.get("correlation_headers"), "correlation_headers"),
        accounts=tuple(accounts),
        raw=data,
    )
