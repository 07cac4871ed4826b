"""The command line: parse's output formats and sources, help, errors."""

from __future__ import annotations

import csv
import io
import json
import mailbox
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from feedback.cli import main

from .conftest import FIXTURES, MESSAGES, ROOT


def run(*args: str, **kw) -> click.testing.Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False, **kw)


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_parse_jsonl_one_line_per_event_and_null_line(tmp_path: Path) -> None:
    for name in ("postfix-multi-recipient.eml", "not-feedback.eml"):
        shutil.copy(MESSAGES / name, tmp_path / name)
    res = run("parse", "--format", "jsonl", str(tmp_path))
    assert res.exit_code == 0
    rows = jsonl(res.output)
    by_source: dict[str, list] = {}
    for r in rows:
        by_source.setdefault(Path(r["source"]).name, []).append(r)
    assert len(by_source["postfix-multi-recipient.eml"]) == 3
    (other,) = by_source["not-feedback.eml"]
    assert other["recipient"] is None and other["kind"] == "other"
    from feedback.models import EVENT_FIELDS

    assert set(rows[0]) == set(EVENT_FIELDS)


def test_parse_json_and_csv_and_table() -> None:
    f = str(MESSAGES / "qmail-userunknown.eml")
    res = run("parse", "--format", "json", f)
    (row,) = json.loads(res.output)
    assert row["reason"] == "userunknown"
    res = run("parse", "--format", "csv", f)
    (crow,) = list(csv.DictReader(io.StringIO(res.output)))
    assert crow["recipient"] == "nosuch@example.net" and crow["status"] == "5.1.1"
    res = run("parse", f)
    assert "nosuch@example.net" in res.output and res.output.splitlines()[0].startswith("kind")


def test_parse_mbox_and_maildir(tmp_path: Path) -> None:
    res = run("parse", "--format", "jsonl", str(FIXTURES / "demo.mbox"))
    rows = jsonl(res.output)
    assert {r["source"].rsplit("#", 1)[1] for r in rows} == {str(n) for n in range(1, 13)}
    md = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    md.add((MESSAGES / "exim-blocked.eml").read_bytes())
    md.add((MESSAGES / "autoreply-rfc3834.eml").read_bytes())
    rows = jsonl(run("parse", "--format", "jsonl", str(tmp_path / "Maildir")).output)
    assert sorted(r["kind"] for r in rows) == ["autoreply", "bounce"]


def test_parse_many_messages_in_parallel_keeps_order(tmp_path: Path) -> None:
    names = sorted(p.name for p in MESSAGES.glob("*.eml"))
    for k in range(12):
        for n in names:
            shutil.copy(MESSAGES / n, tmp_path / f"{k:02d}-{n}")
    serial = run("parse", "--format", "jsonl", "--workers", "1", str(tmp_path)).output
    parallel = run("parse", "--format", "jsonl", "--workers", "2", str(tmp_path)).output
    assert len(jsonl(serial)) > 256
    assert serial == parallel


def test_parse_missing_path_is_a_usage_error() -> None:
    res = CliRunner().invoke(main, ["parse", "/nonexistent/nothing.eml"])
    assert res.exit_code == 2
    assert "no such file or folder" in res.output


def test_bad_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "feedback.toml"
    bad.write_text("identities = [1, 2\n")
    res = CliRunner().invoke(main, ["--config", str(bad), "parse", str(MESSAGES / "qmail-userunknown.eml")])
    assert res.exit_code == 2
    assert len(res.output.strip().splitlines()) == 1 and "Traceback" not in res.output


def test_config_identities_and_correlation(tmp_path: Path) -> None:
    cfg = tmp_path / "feedback.toml"
    cfg.write_text('identities = ["example.org"]\ncorrelation_headers = ["X-App-Msg-Id"]\n')
    res = run("--config", str(cfg), "parse", "--format", "jsonl", str(MESSAGES / "ses-bounce-userunknown.eml"))
    (row,) = jsonl(res.output)
    assert row["identity"] == "example.org"
    assert row["correlation"] == {"X-App-Msg-Id": "campaign-42/nobody"}


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, cmd in group.commands.items():
        out.append((prefix + name, cmd))
        if isinstance(cmd, click.Group):
            out += _commands(cmd, prefix + name + " ")
    return out


def test_every_command_has_help_and_is_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    for name, cmd in _commands(main):
        res = run(*name.split(), "--help")
        assert res.exit_code == 0 and (cmd.help or "").strip(), name
        assert re.search(rf"feedback {re.escape(name)}\b", readme), f"feedback {name} is not in README.md"


def test_every_detector_is_in_the_readme_table_in_registry_order() -> None:
    from feedback.detectors.registry import DETECTORS

    readme = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\|[^|\n]*\| `([a-z0-9-]+)` \|", readme, re.M)
    assert rows == [d.name for d in DETECTORS]


def test_console_script_runs() -> None:
    exe = Path(sys.executable).parent / "feedback"
    out = subprocess.run(
        [str(exe), "parse", "--format", "jsonl", str(MESSAGES / "sns-delivery.eml")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["kind"] == "delivery"


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_formats_are_accepted(fmt: str) -> None:
    assert run("parse", "--format", fmt, str(MESSAGES / "not-feedback.eml")).exit_code == 0


def test_example_config_loads() -> None:
    from feedback.config import load

    cfg = load(str(ROOT / "config.example.toml"))
    assert cfg.policy.trust == "ses" and cfg.policy.expiry("soft") == 30
    assert cfg.identities == ("example.com", "news@example.org")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[policy]\nsoft_bounce_limit = -1\n", "soft_bounce_limit"),
        ('[policy]\ntrust = "sometimes"\n', "policy.trust"),
        ("[policy]\nbogus = 1\n", "policy.bogus: unknown key"),
        ("keep_raw = 3\n", "keep_raw"),
    ],
)
def test_policy_errors_are_one_line(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "feedback.toml"
    cfg.write_text(text)
    res = CliRunner().invoke(main, ["--config", str(cfg), "--db", str(tmp_path / "f.db"), "check", "a@example.net"])
    assert res.exit_code == 2 and message in res.output and len(res.output.strip().splitlines()) == 1


def test_without_identities_trust_defaults_to_any(tmp_path: Path) -> None:
    from feedback.config import load

    cfg = tmp_path / "feedback.toml"
    cfg.write_text("[policy]\nsoft_bounce_days = 7\n")
    assert load(str(cfg)).policy.trust == "any"
    cfg.write_text('identities = ["example.com"]\n')
    assert load(str(cfg)).policy.trust == "ses"
