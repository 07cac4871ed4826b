"""The TOML config (DESIGN.md "Config"): loaded and checked, with one clear error per problem."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .models import ClassifierConfig
from .policy import Policy


class ConfigError(Exception):
    """A config that cannot be used; the message is one line for the user."""


LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class Account:
    """One ``[[accounts]]`` entry: an IMAP mailbox, or a local Maildir/mbox."""

    name: str
    host: str | None = None
    port: int = 993
    tls: str = "implicit"  # implicit | starttls | none (loopback only)
    ca_file: str | None = None
    username: str | None = None
    password_env: str | None = None
    password_file: str | None = None
    password_command: str | None = None
    oauth2_token_command: str | None = None
    folder: str = "INBOX"
    processed_folder: str = "Feedback/Processed"
    unrecognised: str = "leave"  # leave | move:<folder>
    maildir: str | None = None
    mbox: str | None = None
    batch_size: int = 1000
    max_message_size: int = 10 * 1024 * 1024
    timeout: float = 60.0
    retries: int = 3
    idle: bool = False  # IMAP IDLE between ticks (feedback run)

    @property
    def is_local(self) -> bool:
        return bool(self.maildir or self.mbox)

    @property
    def unrecognised_folder(self) -> str | None:
        """The folder non-feedback mail moves to, or None to leave it."""
        return self.unrecognised[5:] if self.unrecognised.startswith("move:") else None


_ACCOUNT_KEYS = {f for f in Account.__dataclass_fields__}


def _account(raw: dict[str, Any], base: str) -> Account:
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigError("every [[accounts]] needs a name")
    unknown = set(raw) - _ACCOUNT_KEYS - {"password"}
    if unknown:
        raise ConfigError(f"account {name}: unknown keys: {', '.join(sorted(unknown))}")
    if "password" in raw:
        raise ConfigError(f"account {name}: no inline passwords; use password_env, password_file or password_command")
    for key in ("maildir", "mbox", "password_file", "ca_file"):
        if raw.get(key) and not os.path.isabs(str(raw[key])):
            raw = {**raw, key: os.path.join(base, str(raw[key]))}
    try:
        acct = Account(**raw)
    except TypeError as exc:
        raise ConfigError(f"account {name}: {exc}") from None
    if acct.is_local:
        if acct.maildir and acct.mbox:
            raise ConfigError(f"account {name}: maildir or mbox, not both")
        return acct
    if not acct.host:
        raise ConfigError(f"account {name}: needs host (IMAP) or maildir/mbox (local)")
    if acct.tls not in ("implicit", "starttls", "none"):
        raise ConfigError(f"account {name}: tls must be implicit, starttls or none")
    if acct.tls == "none" and acct.host not in LOOPBACK:
        raise ConfigError(f"account {name}: tls = none is refused for {acct.host} (only loopback)")
    if not acct.username:
        raise ConfigError(f"account {name}: needs username")
    sources = [
        k for k in ("password_env", "password_file", "password_command", "oauth2_token_command") if getattr(acct, k)
    ]
    if len(sources) != 1:
        raise ConfigError(
            f"account {name}: give exactly one of password_env, password_file, password_command, oauth2_token_command"
        )
    if not (acct.unrecognised == "leave" or (acct.unrecognised.startswith("move:") and len(acct.unrecognised) > 5)):
        raise ConfigError(f'account {name}: unrecognised must be "leave" or "move:<folder>"')
    for key in ("port", "batch_size", "max_message_size", "retries"):
        v = getattr(acct, key)
        if not isinstance(v, int) or isinstance(v, bool) or v < (0 if key == "retries" else 1):
            raise ConfigError(f"account {name}: {key} must be a positive whole number")
    return acct


@dataclass(frozen=True)
class Config:
    """The parts of the config this version reads."""

    path: str | None = None
    database: str = "feedback.db"
    identities: tuple[str, ...] = ()
    correlation_headers: tuple[str, ...] = ()
    accounts: tuple[Account, ...] = field(default_factory=tuple)
    policy: Policy = field(default_factory=Policy)
    keep_raw: bool = True
    schedule_interval: int | None = 300  # seconds; None when a cron expression is given
    schedule_cron: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    def account(self, name: str) -> Account:
        """The account of that name (ConfigError if there is none)."""
        for a in self.accounts:
            if a.name == name:
                return a
        raise ConfigError(f"no account named {name} in {self.path or 'the config'}")

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
        accounts=tuple(_account(dict(a), os.path.dirname(os.path.abspath(p))) for a in accounts),
        policy=_policy(data.get("policy", {}), bool(identities)),
        keep_raw=keep_raw,
        **_schedule(data.get("schedule", {})),
        raw=data,
    )


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> int:
    """ "30s", "5m", "1h", "1d" (or bare seconds) -> seconds."""
    t = str(text).strip().lower()
    try:
        if t and t[-1] in _UNITS:
            n = int(t[:-1]) * _UNITS[t[-1]]
        else:
            n = int(t)
    except ValueError:
        raise ConfigError(f'schedule.interval "{text}" is not like "30s", "5m" or "1h"') from None
    if n < 1:
        raise ConfigError("schedule.interval must be at least 1s")
    return n


def _schedule(section: Any) -> dict[str, Any]:
    """``[schedule]``: interval = "5m" or cron = "*/5 * * * *" (default: every 5 minutes)."""
    if not isinstance(section, dict):
        raise ConfigError("[schedule] must be a table")
    unknown = set(section) - {"interval", "cron"}
    if unknown:
        raise ConfigError(f"[schedule] has unknown keys: {', '.join(sorted(unknown))}")
    if "interval" in section and "cron" in section:
        raise ConfigError("[schedule] takes interval or cron, not both")
    if "cron" in section:
        expr = str(section["cron"])
        if len(expr.split()) != 5:
            raise ConfigError(f'schedule.cron "{expr}" needs five fields (minute hour day month weekday)')
        return {"schedule_interval": None, "schedule_cron": expr}
    return {"schedule_interval": parse_interval(section.get("interval", "5m")), "schedule_cron": None}


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
