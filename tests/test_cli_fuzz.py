"""The command line under fuzz: mutated messages, config values and arguments.

Whatever comes in, `feedback` answers with exit 0, 1, 2 or 75, and never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback.cli import main

from .conftest import FIXTURES, MESSAGES
from .test_robustness import mutated

ALLOWED = {0, 1, 2, 75}
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def place() -> Path:
    """A folder with a database that holds events, a local-account config and some mail."""
    root = Path(tempfile.mkdtemp(prefix="feedback-fuzz-"))
    shutil.copy(FIXTURES / "demo.mbox", root / "demo.mbox")
    (root / "mail").mkdir()
    for name in ("ses-bounce-userunknown.eml", "qmail-userunknown.eml", "not-feedback.eml"):
        shutil.copy(MESSAGES / name, root / "mail" / name)
    (root / "feedback.toml").write_text(
        f'database = "{root / "f.db"}"\n[[accounts]]\nname = "demo"\nmbox = "demo.mbox"\n'
    )
    assert invoke(root, ["reprocess", "--workers", "1", str(root / "mail")]).exit_code == 0
    yield root
    shutil.rmtree(root)


def invoke(root: Path, args: list[str], config: Path | None = None) -> object:
    # Whatever a command writes by a relative name (report --out) lands in a throwaway folder.
    with tempfile.TemporaryDirectory(dir=root) as cwd, contextlib.chdir(cwd):
        return CliRunner().invoke(main, ["--config", str(config or root / "feedback.toml"), *args])


def answered(res: object) -> None:
    """Exit 0, 1, 2 or 75; an exception only as click's own exit; no traceback printed."""
    exc = res.exception  # type: ignore[attr-defined]
    assert exc is None or isinstance(exc, SystemExit), f"{type(exc).__name__}: {exc}"
    assert res.exit_code in ALLOWED, res.output  # type: ignore[attr-defined]
    assert "Traceback" not in res.output  # type: ignore[attr-defined]


# ------------------------------------------------------------------ arguments

COMMANDS = ["parse", "poll", "status", "reprocess", "events", "check", "suppress", "unsuppress", "stats", "export",
            "explain", "report"]  # fmt: skip
TOKENS = [
    "--format", "json", "jsonl", "csv", "table", "ses-json", "--since", "2024-01-01", "2024-1-5", "notadate",
    "2023-03-14T10:21:06Z", "--kind", "bounce", "complaint", "nope", "--identity", "example.org", "--recipient",
    "--limit", "0", "1", "-1", "abc", "--workers", "--dry-run", "--account", "demo", "ghost", "--folder", "INBOX",
    "--stored", "--reason", "legal", "--by", "ops", "nobody@example.net", "NOBODY@EXAMPLE.NET", "<nobody@example.net>",
    "Name <a@example.net>", "@", "", " ", "a@", "\x01", "é@example.net", "--help", "-q", "-v", "--", "-",
    "--log-format", "--nonsense", "--event", "--check", "--days", "--out", "r.html", "text",
]  # fmt: skip


@st.composite
def arguments(draw: st.DrawFn, root: Path) -> list[str]:
    paths = [str(root / "mail"), str(root / "demo.mbox"), str(root / "missing.eml"), str(root), "/dev/null"]
    # No NUL: a process's arguments cannot hold one (in-process, click's own Path type trips on it).
    text = st.text(max_size=12).filter(lambda t: "\0" not in t)
    words = st.one_of(st.sampled_from(TOKENS), st.sampled_from(paths), text)
    args = [draw(st.sampled_from(COMMANDS))] + draw(st.lists(words, max_size=6))
    # One worker: the fuzz is about answers, not about starting process pools.
    if args[0] in ("parse", "poll", "reprocess") and "--workers" not in args:
        args += ["--workers", "1"]
    if "--workers" in args:
        i = args.index("--workers")
        args[i + 1 : i + 2] = [draw(st.sampled_from(["1", "0", "-2", "x"]))]
    return args


def test_random_arguments_are_always_answered(place: Path) -> None:
    @FUZZ
    @given(arguments(place))
    def check(args: list[str]) -> None:
        answered(invoke(place, args))

    check()


# ------------------------------------------------------------------ config values

scalars = st.one_of(
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.text(max_size=20),
    st.sampled_from(["implicit", "none", "move:", "move:X", "leave", "5m", "0s", "* * * * *", "61 * * * *", "ses"]),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.sampled_from(["hard", "x"]), scalars))
TOP = ["database", "identities", "correlation_headers", "keep_raw", "identitys", "accounts"]
ACCOUNT = ["name", "host", "port", "tls", "username", "password_env", "password_command", "timeout", "retries",
           "unrecognised", "batch_size", "max_message_size", "mbox", "maildir", "idle", "folder", "bogus"]  # fmt: skip
LOCAL = {"mbox": "demo.mbox"}
IMAP = {"host": "127.0.0.1", "port": 9, "tls": "none", "username": "u", "password_env": "NO_SUCH_VARIABLE_X",
        "retries": 0, "timeout": 1}  # fmt: skip
POLICY = ["soft_bounce_limit", "soft_bounce_days", "trust", "scope", "expire_days", "bogus"]


def toml_value(v: object) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    assert isinstance(v, dict)
    return "{" + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + "}"


@st.composite
def configs(draw: st.DrawFn, root: Path) -> str:
    def table(keys: list[str]) -> str:
        # Mostly left alone: a first bad key must not hide the paths behind it from the fuzz.
        if draw(st.integers(0, 3)):
            return ""
        chosen = draw(st.dictionaries(st.sampled_from(keys), values, max_size=4))
        return "".join(f"{k} = {toml_value(v)}\n" for k, v in chosen.items())

    text = f'database = "{root / "fuzz.db"}"\n' + table(TOP[1:-1])
    text += "[policy]\n" + table(POLICY)
    schedule = st.one_of(
        values, st.sampled_from(["5m", "0m", "-1s", "* * * * *", "61 * * * *", "* * 31 2 *", "a b c d e"])
    )
    text += "[schedule]\n" + "".join(
        f"{k} = {toml_value(draw(schedule))}\n"
        for k in draw(st.sets(st.sampled_from(["interval", "cron"]), max_size=1))
    )
    for i in range(draw(st.integers(0, 2))):
        # A whole account, then a few of its keys given other values: the checks past the first are reached too.
        keys = dict(LOCAL if draw(st.booleans()) else IMAP)
        keys["name"] = f"a{i}"
        keys |= draw(st.dictionaries(st.sampled_from(ACCOUNT), values, max_size=2))
        text += "[[accounts]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in keys.items())
    if not draw(st.integers(0, 4)):
        # Bytes knocked out of place: TOML that does not parse.
        raw = bytearray(text.encode())
        i = draw(st.integers(0, len(raw) - 1))
        raw[i] = draw(st.integers(0, 255))
        text = raw.decode("utf-8", errors="replace")
    return text


def test_random_configs_are_always_answered(place: Path) -> None:
    cfg = place / "fuzz.toml"

    @FUZZ
    @given(configs(place))
    def check(text: str) -> None:
        cfg.write_text(text, encoding="utf-8", errors="surrogateescape")
        for args in (["status"], ["check", "a@example.net"], ["events", "--limit", "1"]):
            answered(invoke(place, args, cfg))
        # Port 9 on loopback refuses at once; the secret is never there: no waiting.
        answered(invoke(place, ["poll", "--dry-run", "--workers", "1"], cfg))

    check()


# ------------------------------------------------------------------ mutated messages


def test_mutated_messages_are_always_answered(place: Path) -> None:
    @FUZZ
    @given(mutated(), st.sampled_from(["x.eml", "x.mbox", "x"]))
    def check(data: bytes, name: str) -> None:
        f = place / "fuzzed" / name
        f.parent.mkdir(exist_ok=True)
        f.write_bytes(data)
        for args in (["parse", "--workers", "1", "--format", "jsonl", str(f)],
                     ["reprocess", "--workers", "1", str(f.parent)]):  # fmt: skip
            answered(invoke(place, args))

    check()
