"""The config is checked in one place: every problem is one line naming the file and the key, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from feedback.cli import main
from feedback.config import ConfigError, load

IMAP = '[[accounts]]\nname = "a"\nhost = "imap.example.com"\nusername = "u"\npassword_env = "P"\n'
LOCAL = '[[accounts]]\nname = "l"\nmbox = "box.mbox"\n'

# (config text, the key the one line must name, a word of its message)
CASES = [
    (IMAP + 'timeout = "abc"\n', 'accounts[0] ("a").timeout', "seconds"),
    (IMAP + "timeout = 0\n", ".timeout", "seconds"),
    (IMAP + "unrecognised = 1\n", ".unrecognised", "move:"),
    (IMAP + 'unrecognised = "move:"\n', ".unrecognised", "move:"),
    (IMAP + "port = 70000\n", ".port", "65535"),
    (IMAP + 'port = "993"\n', ".port", "whole number"),
    (IMAP + "batch_size = 0\n", ".batch_size", ">= 1"),
    (IMAP + "retries = true\n", ".retries", "whole number"),
    (IMAP + 'idle = "yes"\n', ".idle", "true or false"),
    (IMAP + 'tls = "ssl"\n', ".tls", "implicit"),
    (IMAP + "hostname = 1\n", ".hostname", "unknown key"),
    (IMAP + 'password = "hunter2"\n', ".password", "no inline passwords"),
    (IMAP + 'password_file = "/x"\n', 'accounts[0] ("a")', "exactly one of"),
    (IMAP.replace('host = "imap.example.com"', 'host = "imap.example.com"\ntls = "none"'), ".tls", "loopback"),
    (IMAP.replace('password_env = "P"', 'password_command = "pass \'unclosed"'), ".password_command", "split"),
    ('[[accounts]]\nname = "a"\nusername = "u"\npassword_env = "P"\n', ".host", "needed"),
    ('[[accounts]]\nhost = "h"\nusername = "u"\npassword_env = "P"\n', "accounts[0].name", "needs a name"),
    ('[[accounts]]\nname = ""\nmbox = "x"\n', "accounts[0].name", "non-empty"),
    (LOCAL + "batch_size = -1\n", 'accounts[0] ("l").batch_size', ">= 1"),
    (LOCAL + 'timeout = "abc"\n', 'accounts[0] ("l").timeout', "seconds"),
    (LOCAL + "bogus = 1\n", 'accounts[0] ("l").bogus', "unknown key"),
    (LOCAL + 'maildir = "m"\n', 'accounts[0] ("l")', "not both"),
    (IMAP + IMAP, 'accounts[1] ("a").name', "earlier account"),
    ('identitys = ["example.com"]\n', "identitys", "did you mean identities"),
    ('[polcy]\ntrust = "any"\n', "polcy", "unknown key"),
    ('identities = "example.com"\n', "identities", "list"),
    ("identities = [1]\n", "identities", "list"),
    ("database = 5\n", "database", "string"),
    ("accounts = 1\n", "accounts", "array of tables"),
    ("accounts = [1]\n", "accounts[0]", "table"),
    ("keep_raw = 3\n", "keep_raw", "true or false"),
    ("schedule = 3\n", "schedule", "table"),
    ('[schedule]\ncron = "61 * * * *"\n', "schedule.cron", "cron"),
    ('[schedule]\ncron = "* * *"\n', "schedule.cron", "five fields"),
    ('[schedule]\ninterval = "soon"\n', "schedule.interval", "5m"),
    ("[schedule]\ninterval = 0\n", "schedule.interval", "5m"),
    ('[schedule]\ninterval = "5m"\ncron = "* * * * *"\n', "schedule", "not both"),
    ("[schedule]\nevery = 1\n", "schedule.every", "unknown key"),
    ("[policy]\nsoft_bounce_limit = -1\n", "policy.soft_bounce_limit", ">= 0"),
    ("[policy]\nsoft_bounce_days = 1.5\n", "policy.soft_bounce_days", "whole number"),
    ('[policy]\nscope = "world"\n', "policy.scope", "global"),
    ("[policy]\nexpire_days = { hard = -1 }\n", "policy.expire_days", "whole numbers"),
    ("[policy]\nexpire_days = { forever = 1 }\n", "policy.expire_days", "hard, soft and complaint"),
    ("[policy]\nexpire_days = { hard = true }\n", "policy.expire_days", "whole numbers"),
    ("database = \n", "", "Invalid"),  # TOML syntax: the parser's own line
]


@pytest.mark.parametrize(("text", "key", "word"), CASES)
def test_each_bad_config_is_one_line_naming_file_and_key(tmp_path: Path, text: str, key: str, word: str) -> None:
    cfg = tmp_path / "feedback.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigError) as info:
        load(str(cfg))
    (line,) = str(info.value).splitlines()
    assert str(cfg) in line and key in line and word in line
    res = CliRunner().invoke(main, ["--config", str(cfg), "--db", str(tmp_path / "f.db"), "status"])
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output and line in res.output


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    cfg = tmp_path / "feedback.toml"
    cfg.write_text("identitys = []\n[polcy]\n" + IMAP + 'timeout = "abc"\nport = 0\n' + LOCAL + "bogus = 2\n")
    with pytest.raises(ConfigError) as info:
        load(str(cfg))
    lines = str(info.value).splitlines()
    assert len(lines) == 5
    for key in ("identitys", "polcy", ".timeout", ".port", ".bogus"):
        assert sum(key in line for line in lines) == 1, key


def test_good_config_keeps_every_value(tmp_path: Path) -> None:
    cfg = tmp_path / "feedback.toml"
    cfg.write_text(
        IMAP + 'timeout = 5\nport = 143\ntls = "starttls"\nunrecognised = "move:Other"\nidle = true\n'
        + LOCAL + '[schedule]\ncron = "*/5 * * * *"\n[policy]\nexpire_days = { hard = 30 }\n'
    )  # fmt: skip
    c = load(str(cfg))
    a, local = c.accounts
    assert (a.timeout, a.port, a.tls, a.unrecognised_folder, a.idle) == (5.0, 143, "starttls", "Other", True)
    assert local.mbox == str(tmp_path / "box.mbox") and local.is_local
    assert c.schedule_cron == "*/5 * * * *" and c.policy.expiry("hard") == 30


def test_secret_values_never_appear_in_errors(tmp_path: Path) -> None:
    cfg = tmp_path / "feedback.toml"
    cfg.write_text(IMAP.replace('password_env = "P"', 'password_command = "echo \'s3cr3t"') + 'password = "hunter2"\n')
    with pytest.raises(ConfigError) as info:
        load(str(cfg))
    assert "s3cr3t" not in str(info.value) and "hunter2" not in str(info.value)


def test_a_mistyped_secret_command_is_not_shown(tmp_path: Path) -> None:
    cfg = tmp_path / "feedback.toml"
    cfg.write_text(IMAP.replace('password_env = "P"', 'password_command = ["printf", "s3cr3t"]'))
    with pytest.raises(ConfigError) as info:
        load(str(cfg))
    assert "s3cr3t" not in str(info.value) and "password_command" in str(info.value)


def test_non_utf8_config_is_one_line(tmp_path: Path) -> None:
    cfg = tmp_path / "feedback.toml"
    cfg.write_bytes(b'database = "\xff\xfe"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load(str(cfg))
