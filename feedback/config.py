"""The TOML config (DESIGN.md "Config"): loaded and checked, with one clear error per problem."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .pipeline import ClassifierConfig
from .store import Policy


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
    policy: Policy = field(default_factory=Policy)
    keep_raw: bool = True
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
    identities = _strings(data.get("identities"), "identities")
    keep_raw = data.get("keep_raw", True)
    if not isinstance(keep_raw, bool):
        raise ConfigError("keep_raw must be true or false")
    return Config(
        path=str(p),
        database=database,
        identities=identities,
        correlation_headers=_strings(data.get("correlation_headers"), "correlation_headers"),
        accounts=tuple(accounts),
        policy=_policy(data.get("policy", {}), bool(identities)),
        keep_raw=keep_raw,
        raw=data,
    )


def _policy(section: Any, have_identities: bool) -> Policy:
    """``[policy]``: suppression thresholds, trust and scope."""
    if not isinstance(section, dict):
        raise ConfigError("[policy] must be a table")
    known = {"soft_bounce_limit", "soft_bounce_days", "trust", "scope", "expire_days"}
    unknown = set(section) - known
    if unknown:
        raise ConfigError(f"[policy] has unknown keys: {', '.join(sorted(unknown))}")
    limit = section.get("soft_bounce_limit", 3)
    days = section.get("soft_bounce_days", 14)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
        raise ConfigError("policy.soft_bounce_limit must be a whole number >= 0")
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise ConfigError("policy.soft_bounce_days must be a whole number >= 1")
    # SES's identities configured: only feedback that SES sent may suppress.
    trust = section.get("trust", "ses" if have_identities else "any")
    if trust not in ("ses", "any"):
        raise ConfigError('policy.trust must be "ses" or "any"')
    scope = section.get("scope", "global")
    if scope not in ("global", "identity"):
        raise ConfigError('policy.scope must be "global" or "identity"')
    expire = section.get("expire_days", {})
    if not isinstance(expire, dict) or not all(
        k in ("hard", "soft", "complaint") and isinstance(v, int) and v >= 0 for k, v in expire.items()
    ):
        raise ConfigError("policy.expire_days takes hard, soft and complaint as whole numbers of days (0 = never)")
    return Policy(soft_bounce_limit=limit, soft_bounce_days=days, trust=trust, scope=scope, expire_days=dict(expire))


def database_path(cfg: Config, override: str | None) -> str:
    """The database file: --db / FEEDBACK_DB, else the config's, relative to the config file."""
    if override:
        return override
    if cfg.path and not os.path.isabs(cfg.database):
        return os.path.join(os.path.dirname(os.path.abspath(cfg.path)), cfg.database)
    return cfg.database
