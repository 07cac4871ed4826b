"""Where an IMAP account's secret comes from: bounded by the account's timeout, never empty, never echoed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedback.cli import main
from feedback.config import Account
from feedback.sources.imap import MailboxAuthError, secret

from .dovecot import Dovecot
from .test_imap import config, user


def account(**kw: object) -> Account:
    return Account(name="a", host="127.0.0.1", username="u", **kw)  # type: ignore[arg-type]


def test_secret_command_obeys_the_account_timeout() -> None:
    t = time.monotonic()
    with pytest.raises(MailboxAuthError, match="timed out after 0.5 s"):
        secret(account(password_command="sleep 30", timeout=0.5))
    assert time.monotonic() - t < 5


def test_non_utf8_password_file_names_no_byte(tmp_path: Path) -> None:
    f = tmp_path / "pw"
    f.write_bytes(b"se\xffcret\n")
    with pytest.raises(MailboxAuthError) as info:
        secret(account(password_file=str(f)))
    msg = str(info.value)
    assert msg == "account a: password_file is not UTF-8 text"
    assert "xff" not in msg and "position" not in msg


@pytest.mark.parametrize("source", ["env", "file", "command", "oauth"])
def test_an_empty_secret_is_refused_before_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    monkeypatch.setenv("EMPTY_PW", "")
    (tmp_path / "pw").write_text("\n")
    kw = {
        "env": {"password_env": "EMPTY_PW"},
        "file": {"password_file": str(tmp_path / "pw")},
        "command": {"password_command": "printf ''"},
        "oauth": {"oauth2_token_command": "printf '  \\n'"},
    }[source]
    with pytest.raises(MailboxAuthError, match="the secret is empty"):
        secret(account(**kw))


def test_the_secret_is_returned_as_given(tmp_path: Path) -> None:
    assert secret(account(password_command="printf 'p w'")) == ("password", "p w")
    assert secret(account(oauth2_token_command="printf tok")) == ("oauth2", "tok")


def test_empty_secret_is_exit_2_without_retries(tmp_path: Path, dovecot: Dovecot) -> None:
    pw = tmp_path / "pw"
    pw.write_text("")
    cfg = config(tmp_path, dovecot, user(), password_file=str(pw), retries=3)
    t = time.monotonic()
    res = CliRunner().invoke(main, ["--config", str(cfg), "poll", "--workers", "1"])
    assert res.exit_code == 2 and "the secret is empty" in res.output and "retrying" not in res.output
    assert time.monotonic() - t < 5
