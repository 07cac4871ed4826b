"""The TOML config (DESIGN.md "Config"): loaded and checked, with one clear error per problem."""

from __future__ import annotations

import os
import shlex
import tomllib
from collections.abc import Callable, Iterable
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


class _Problems:
    """Every problem found in one config file, each one line naming the file and the key."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: list[str] = []

    def add(self, key: str, message: str) -> None:
        self.lines.append(f"config {self.path}: {key}: {message}")


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 40 else text[:37] + "..."


class _Bad:
    """What a check returns for a bad value: the message, without the key."""

    def __init__(self, message: str) -> None:
        self.message = message


def _bad(message: str) -> _Bad:
    return _Bad(message)


# A check returns the value to keep, or a _Bad.
Check = Callable[[Any], Any]


def _string(value: Any) -> Any:
    return value if isinstance(value, str) else _bad(f"must be a string, not {_show(value)}")


def _text(value: Any) -> Any:
    if not isinstance(value, str) or not value.strip():
        return _bad(f"must be a non-empty string, not {_show(value)}")
    return value


def _whole(least: int, most: int | None = None) -> Check:
    def check(value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool) or value < least or (most and value > most):
            span = f"from {least} to {most}" if most else f">= {least}"
            return _bad(f"must be a whole number {span}, not {_show(value)}")
        return value

    return check


def _seconds(value: Any) -> Any:
    if not isinstance(value, int | float) or isinstance(value, bool) or not (0 < value <= 86400):
        return _bad(f"must be a number of seconds above 0, not {_show(value)}")
    return float(value)


def _flag(value: Any) -> Any:
    return value if isinstance(value, bool) else _bad(f"must be true or false, not {_show(value)}")


def _one_of(*choices: str) -> Check:
    def check(value: Any) -> Any:
        if value not in choices:
            return _bad(f"must be {' or '.join(repr(c) for c in choices)}, not {_show(value)}")
        return value

    return check


def _strings(value: Any) -> Any:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return _bad(f"must be a list of non-empty strings, not {_show(value)}")
    return tuple(value)


def _command(value: Any) -> Any:
    if not isinstance(value, str) or not value.strip():
        return _bad(f"must be a non-empty string (a {type(value).__name__} is given)")
    try:
        shlex.split(value)
    except ValueError as exc:
        # Never the command itself: it may hold a secret.
        return _bad(f"cannot be split into words like a shell would ({exc})")
    return value


def _unrecognised(value: Any) -> Any:
    if value == "leave" or (isinstance(value, str) and value.startswith("move:") and value[5:].strip()):
        return value
    return _bad(f'must be "leave" or "move:<folder>", not {_show(value)}')


ACCOUNT_KEYS: dict[str, Check] = {
    "name": _text,
    "host": _text,
    "port": _whole(1, 65535),
    "tls": _one_of("implicit", "starttls", "none"),
    "ca_file": _text,
    "username": _text,
    "password_env": _text,
    "password_file": _text,
    "password_command": _command,
    "oauth2_token_command": _command,
    "folder": _text,
    "processed_folder": _string,
    "unrecognised": _unrecognised,
    "maildir": _text,
    "mbox": _text,
    "batch_size": _whole(1),
    "max_message_size": _whole(1),
    "timeout": _seconds,
    "retries": _whole(0, 100),
    "idle": _flag,
}
SECRET_KEYS = ("password_env", "password_file", "password_command", "oauth2_token_command")
PATH_KEYS = ("maildir", "mbox", "password_file", "ca_file")


def _table(raw: Any, keys: dict[str, Check], where: str, problems: _Problems) -> dict[str, Any]:
    """The checked values of one table; problems noted, bad values left out."""
    if not isinstance(raw, dict):
        problems.add(where, f"must be a table, not {_show(raw)}")
        return {}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        name = f"{where}.{key}" if where else key
        check = keys.get(key)
        if check is None:
            problems.add(name, "unknown key" + _did_you_mean(key, keys))
            continue
        got = check(value)
        if isinstance(got, _Bad):
            problems.add(name, got.message)
        else:
            out[key] = got
    return out


def _did_you_mean(key: str, keys: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, list(keys), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _account(raw: Any, i: int, base: str, problems: _Problems, names: set[str]) -> Account | None:
    where = f"accounts[{i}]"
    if not isinstance(raw, dict):
        problems.add(where, f"must be a table ([[accounts]]), not {_show(raw)}")
        return None
    if isinstance(raw.get("name"), str) and raw["name"].strip():
        where = f'accounts[{i}] ("{raw["name"]}")'
    if "password" in raw:
        problems.add(f"{where}.password", "no inline passwords; use password_env, password_file or password_command")
        raw = {k: v for k, v in raw.items() if k != "password"}
    before = len(problems.lines)
    values = _table(raw, ACCOUNT_KEYS, where, problems)
    name = values.get("name")
    if name is None:
        if "name" not in raw:
            problems.add(f"{where}.name", "every [[accounts]] needs a name")
    elif name in names:
        # Two accounts of one name would share one checkpoint: the second skips mail.
        problems.add(f"{where}.name", f'"{name}" is the name of an earlier account too; names must differ')
    else:
        names.add(name)
    for key in PATH_KEYS:
        if key in values and not os.path.isabs(values[key]):
            values[key] = os.path.join(base, values[key])
    local = [k for k in ("maildir", "mbox") if k in raw]
    if len(local) == 2:
        problems.add(where, "maildir or mbox, not both")
    elif not local:
        _imap_rules(raw, values, where, problems)
    if len(problems.lines) > before or name is None:
        return None
    return Account(**values)


def _imap_rules(raw: dict[str, Any], values: dict[str, Any], where: str, problems: _Problems) -> None:
    """What an IMAP account needs beyond each key's own type."""
    if "host" not in raw:
        problems.add(f"{where}.host", "needed (an IMAP account), or give maildir or mbox (a local one)")
    if "username" not in raw:
        problems.add(f"{where}.username", "needed for an IMAP account")
    given = [k for k in SECRET_KEYS if k in raw]
    if len(given) != 1:
        problems.add(
            where, "give exactly one of " + ", ".join(SECRET_KEYS) + (f" (got {', '.join(given)})" if given else "")
        )
    host = values.get("host")
    if values.get("tls") == "none" and host is not None and host not in LOOPBACK:
        problems.add(f"{where}.tls", f"tls = none is refused for {host} (only for loopback)")


def load(path: str | None, *, required: bool = False) -> Config:
    """Load ``path`` (or ./feedback.toml when it exists). Raises ConfigError with one line per problem."""
    explicit = path is not None
    if path is None:
        path = os.environ.get("FEEDBACK_CONFIG") or "feedback.toml"
        explicit = "FEEDBACK_CONFIG" in os.environ
    if "\0" in path:
        raise ConfigError(f"config file {path!r}: a path cannot hold a NUL character")
    p = Path(path)
    if not p.exists():
        if explicit or required:
            raise ConfigError(f"config file {path} not found")
        return Config()
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path}: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"config file {path}: cannot read ({exc.strerror or exc})") from None
    problems = _Problems(str(path))
    top: dict[str, Check] = {
        "database": _text,
        "identities": _strings,
        "correlation_headers": _strings,
        "accounts": lambda v: v,
        "policy": lambda v: v,
        "keep_raw": _flag,
        "schedule": lambda v: v,
    }
    values = _table(data, top, "", problems)
    accounts: list[Account] = []
    raw_accounts = values.get("accounts", [])
    if not isinstance(raw_accounts, list):
        problems.add("accounts", "must be an array of tables ([[accounts]])")
        raw_accounts = []
    names: set[str] = set()
    base = os.path.dirname(os.path.abspath(p))
    for i, raw in enumerate(raw_accounts):
        acct = _account(raw, i, base, problems, names)
        if acct is not None:
            accounts.append(acct)
    identities = values.get("identities", ())
    policy = _policy(values.get("policy", {}), bool(identities), problems)
    schedule = _schedule(values.get("schedule", {}), problems)
    if problems.lines:
        raise ConfigError("\n".join(problems.lines))
    return Config(
        path=str(p),
        database=values.get("database", "feedback.db"),
        identities=identities,
        correlation_headers=values.get("correlation_headers", ()),
        accounts=tuple(accounts),
        policy=policy,
        keep_raw=values.get("keep_raw", True),
        **schedule,
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


def _interval(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return _bad(f'{_show(value)} is not like "30s", "5m" or "1h"')
    try:
        return parse_interval(str(value))
    except ConfigError:
        return _bad(f'{_show(value)} is not like "30s", "5m" or "1h" (at least 1s)')


def _cron(value: Any) -> Any:
    if not isinstance(value, str) or len(value.split()) != 5:
        return _bad(f"needs five fields (minute hour day month weekday), not {_show(value)}")
    # Only configs with a cron line pay for importing APScheduler here.
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value)
    except (ValueError, TypeError, KeyError) as exc:
        return _bad(f"{_show(value)} is not a valid cron expression ({str(exc).splitlines()[0]})")
    return value


def _schedule(section: Any, problems: _Problems) -> dict[str, Any]:
    """``[schedule]``: interval = "5m" or cron = "*/5 * * * *" (default: every 5 minutes)."""
    values = _table(section, {"interval": _interval, "cron": _cron}, "schedule", problems)
    if isinstance(section, dict) and "interval" in section and "cron" in section:
        problems.add("schedule", "takes interval or cron, not both")
    if "cron" in values:
        return {"schedule_interval": None, "schedule_cron": values["cron"]}
    return {"schedule_interval": values.get("interval", 300), "schedule_cron": None}


def _expire(value: Any) -> Any:
    if not isinstance(value, dict) or not all(
        k in ("hard", "soft", "complaint") and isinstance(v, int) and not isinstance(v, bool) and v >= 0
        for k, v in value.items()
    ):
        return _bad("takes hard, soft and complaint as whole numbers of days (0 = never)")
    return dict(value)


POLICY_KEYS: dict[str, Check] = {
    "soft_bounce_limit": _whole(0),
    "soft_bounce_days": _whole(1),
    "trust": _one_of("ses", "any"),
    "scope": _one_of("global", "identity"),
    "expire_days": _expire,
}


def _policy(section: Any, have_identities: bool, problems: _Problems) -> Policy:
    """``[policy]``: suppression thresholds, trust and scope."""
    v = _table(section, POLICY_KEYS, "policy", problems)
    return Policy(
        soft_bounce_limit=v.get("soft_bounce_limit", 3),
        soft_bounce_days=v.get("soft_bounce_days", 14),
        # SES's identities configured: only feedback that SES sent may suppress.
        trust=v.get("trust", "ses" if have_identities else "any"),
        scope=v.get("scope", "global"),
        expire_days=v.get("expire_days", {}),
    )


def database_path(cfg: Config, override: str | None) -> str:
    """The database file: --db / FEEDBACK_DB, else the config's, relative to the config file."""
    if override:
        return override
    if cfg.path and not os.path.isabs(cfg.database):
        return os.path.join(os.path.dirname(os.path.abspath(cfg.path)), cfg.database)
    return cfg.database
