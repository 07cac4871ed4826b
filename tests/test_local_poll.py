"""Local accounts poll like IMAP ones: Maildir feedback moves to its sub-folder, mbox is only read."""

from __future__ import annotations

import mailbox
from pathlib import Path

from click.testing import CliRunner

from feedback.cli import main

from .conftest import FIXTURES, MESSAGES

FEEDBACK = ["ses-bounce-userunknown.eml", "qmail-userunknown.eml", "autoreply-rfc3834.eml"]
OTHER = ["not-feedback.eml"]


def run(cfg: Path, *args: str) -> object:
    return CliRunner().invoke(main, ["--config", str(cfg), *args], catch_exceptions=False)


def test_maildir_account(tmp_path: Path) -> None:
    md = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    for n in FEEDBACK + OTHER:
        md.add((MESSAGES / n).read_bytes())
    cfg = tmp_path / "feedback.toml"
    cfg.write_text('database = "f.db"\n[[accounts]]\nname = "local"\nmaildir = "Maildir"\n')
    assert "-> Feedback/Processed" in run(cfg, "poll", "--dry-run").output
    assert len(list(md.iterkeys())) == 4
    res = run(cfg, "poll")
    assert res.exit_code == 0 and "local: 4 read, 4 new" in res.output and "3 moved" in res.output
    left = [m["Subject"] for m in mailbox.Maildir(str(tmp_path / "Maildir"), create=False)]
    assert left == ["Lunch on Friday?"]
    processed = tmp_path / "Maildir" / ".Feedback.Processed" / "cur"
    assert len(list(processed.iterdir())) == 3
    assert "local: 1 read, 0 new" in run(cfg, "poll").output
    assert run(cfg, "check", "nosuch@example.net").exit_code == 1


def test_mbox_account_is_only_read(tmp_path: Path) -> None:
    box = tmp_path / "demo.mbox"
    box.write_bytes((FIXTURES / "demo.mbox").read_bytes())
    cfg = tmp_path / "feedback.toml"
    cfg.write_text('database = "f.db"\n[[accounts]]\nname = "archive"\nmbox = "demo.mbox"\n')
    res = run(cfg, "poll")
    assert res.exit_code == 0 and "archive: 12 read, 12 new" in res.output and "0 moved" in res.output
    assert box.read_bytes() == (FIXTURES / "demo.mbox").read_bytes()
    assert "archive: 12 read, 0 new" in run(cfg, "poll").output


def test_the_readme_demo(tmp_path: Path, monkeypatch) -> None:
    import shutil

    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    monkeypatch.chdir(tmp_path)
    assert run(Path("fixtures/demo.toml"), "poll").exit_code == 0
    out = run(Path("fixtures/demo.toml"), "events").output
    assert "nobody@example.net" in out and "example.org" in out
    assert (tmp_path / "demo.db").exists()


def test_local_batches_are_bounded_by_count_and_bytes(monkeypatch) -> None:
    from feedback import service
    from feedback.config import Account

    sizes = [3000, 3000, 3000, 10, 10, 10, 10]
    items = [(str(i), (lambda n=n: b"x" * n)) for i, n in enumerate(sizes)]
    monkeypatch.setattr(service, "BATCH_BYTES", 6500)
    batches = list(service._local_batches(items, Account(name="a", mbox="x", batch_size=3)))
    assert [[k for k, _ in chunk] for chunk, _ in batches] == [["0", "1"], ["2", "3", "4"], ["5", "6"]]
    assert all(len(chunk) == len(raws) for chunk, raws in batches)
    assert [r.data for _, raws in batches for r in raws] == [b"x" * n for n in sizes]
