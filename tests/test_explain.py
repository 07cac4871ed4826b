"""`feedback explain`: the deciding rule, its source, whom the reply refuses, the parts and defects."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from feedback.cli import main
from feedback.explain import explain
from feedback.models import RawMessage

from .conftest import MESSAGES, fixture_bytes


def test_a_bounce_names_its_rule_source_and_party() -> None:
    report = explain(RawMessage(data=fixture_bytes("ses-bounce-userunknown.eml"), source="m.eml"))
    (ev,) = report["events"]
    assert ev["reason"] == "userunknown" and ev["bounce_type"] == "Permanent"
    assert ev["rule"] and ev["cites"]
    assert ev["refused"] == "recipient"
    types = [p["content_type"] for p in report["parts"]]
    assert types[0] == "multipart/report" and "message/delivery-status" in types


def test_defects_come_from_mail_parser() -> None:
    report = explain(RawMessage(data=fixture_bytes("broken-mime-iso2022jp.eml"), source="m.eml"))
    assert "StartBoundaryNotFoundDefect" in report["defects"]
    clean = explain(RawMessage(data=fixture_bytes("qmail-userunknown.eml"), source="m.eml"))
    assert clean["defects"] == []


def test_not_feedback_says_so() -> None:
    report = explain(RawMessage(data=fixture_bytes("not-feedback.eml"), source="m.eml"))
    (ev,) = report["events"]
    assert ev["kind"] == "other" and "no detector" in ev["rule"]


def test_any_bytes_get_an_explanation() -> None:
    report = explain(RawMessage(data=b"\xff\x00--\r\nContent-Type: multipart/mixed; boundary=\r\n\r\n--", source="x"))
    assert report["events"] and isinstance(report["defects"], list)


def test_cli_file_and_stored_event(tmp_path: Path) -> None:
    cfg = tmp_path / "feedback.toml"
    cfg.write_text('database = "f.db"\n')
    runner = CliRunner()
    res = runner.invoke(main, ["--config", str(cfg), "explain", str(MESSAGES / "postfix-multi-recipient.eml")])
    assert res.exit_code == 0, res.output
    assert res.output.count("event ") == 3 and "rule" in res.output and "parts:" in res.output

    res = runner.invoke(main, ["--config", str(cfg), "reprocess", str(MESSAGES / "postfix-multi-recipient.eml")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["--config", str(cfg), "events", "--format", "json"])
    stored = json.loads(res.output)
    target = stored[1]
    res = runner.invoke(main, ["--config", str(cfg), "explain", "--event", str(target["id"]), "--format", "json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert [e["recipient"] for e in report["events"]] == [target["recipient"]]

    res = runner.invoke(main, ["--config", str(cfg), "explain", "--event", "999999"])
    assert res.exit_code == 2 and "no stored event" in res.output
    res = runner.invoke(main, ["--config", str(cfg), "explain"])
    assert res.exit_code == 2
