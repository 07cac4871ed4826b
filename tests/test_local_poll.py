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
    # The checkpoint: a poll reads only what was appended since the last one.
    assert "archive: 0 read, 0 new" in run(cfg, "poll").output
    extra = (MESSAGES / "qmail-userunknown.eml").read_bytes().replace(b"Subject:", b"X-Again: 1\nSubject:", 1)
    with box.open("ab") as fh:
        fh.write(b"\nFrom MAILER-DAEMON Mon Jan  1 00:00:00 2024\n" + extra)
    assert "archive: 1 read, 1 new" in run(cfg, "poll").output
    assert "archive: 0 read, 0 new" in run(cfg, "poll").output
    # Rewritten before the checkpoint (a mail client deleted the first message): read again, nothing doubled.
    data = box.read_bytes()
    box.write_bytes(data[data.index(b"\nFrom ", 10) + 1 :])
    res = run(cfg, "poll")
    assert "changed before the last message read" in res.output and "archive: 12 read, 0 new" in res.output


def test_cr_only_mbox_with_two_bounces(tmp_path: Path) -> None:
    """An mbox from an old Mac (lines end in CR alone) holds as many messages as its From_ lines."""
    bounces = [(MESSAGES / n).read_bytes() for n in ("qmail-userunknown.eml", "ses-bounce-userunknown.eml")]
    box = tmp_path / "old.mbox"
    box.write_bytes(
        b"".join(b"From MAILER-DAEMON Wed Jan 24 09:00:00 2024\n" + m.rstrip(b"\n") + b"\n\n" for m in bounces)
        .replace(b"\r\n", b"\n")
        .replace(b"\n", b"\r")
    )
    cfg = tmp_path / "feedback.toml"
    cfg.write_text('database = "f.db"\n[[accounts]]\nname = "old"\nmbox = "old.mbox"\n')
    res = run(cfg, "poll")
    assert res.exit_code == 0 and "old: 2 read, 2 new, 2 new events" in res.output, res.output
    out = run(cfg, "events").output
    assert "nosuch@example.net" in out and "nobody@example.net" in out
    # The same file imported by path (reprocess, parse) is split the same way.
    res = CliRunner().invoke(main, ["--db", str(tmp_path / "g.db"), "reprocess", str(box)])
    assert res.exit_code == 0 and "2 messages read: 2 new" in res.output, res.output


def test_the_readme_demo(tmp_path: Path, monkeypatch) -> None:
    import shutil

    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    monkeypatch.chdir(tmp_path)
    assert run(Path("fixtures/demo.toml"), "poll").exit_code == 0
    out = run(Path("fixtures/demo.toml"), "events").output
    assert "nobody@example.net" in out and "example.org" in out
    assert (tmp_path / "demo.db").exists()


def test_local_batches_are_bounded_by_count_and_bytes(tmp_path: Path, monkeypatch) -> None:
    import feedback.sources as sources
    from feedback.config import Account
    from feedback.sources.local import MaildirSource

    sizes = [3000, 3000, 3000, 10, 10, 10, 10]
    mailbox.Maildir(str(tmp_path / "md"), create=True)
    for i, n in enumerate(sizes):  # listed in file-name order
        (tmp_path / "md" / "new" / f"{i}.test").write_bytes(b"X-N: %d\n\n" % i + b"x" * n)
    monkeypatch.setattr(sources, "BATCH_BYTES", 6500)
    src = MaildirSource(Account(name="a", maildir=str(tmp_path / "md"), batch_size=3))
    batches = list(src.batches(src.new(0)))
    assert [len(b) for b in batches] == [2, 3, 2]
    assert [len(raw.data) - 8 for b in batches for _, raw in b] == sizes


def test_mbox_splitting_whatever_the_line_ends(tmp_path: Path) -> None:
    """LF, CRLF and CR-only mboxes split alike; a "From " in a body without a blank line before it
    stays in the body; blank lines before a separator and at the end belong to no message."""
    from feedback.sources.local import iter_mbox

    one = b"Subject: a\n\nbody\nFrom the start, a line.\n"
    two = b"Subject: b\n\nsecond\n"
    lf = b"From x@example.com Mon Jan  1 00:00:00 2024\n" + one + b"\n\nFrom y@example.com Mon Jan  1 00:00:01 2024\n"
    lf += two + b"\n"
    for eol in (b"\n", b"\r\n", b"\r"):
        path = tmp_path / f"box{len(eol)}{eol[0]}.mbox"
        path.write_bytes(lf.replace(b"\n", eol))
        got = [m.data for m in iter_mbox(path)]
        want = [one.replace(b"\n", eol), two.replace(b"\n", eol)]
        if eol == b"\r":  # read as LF, as the parser expects
            want = [one, two]
        assert got == want, eol
    # No trailing line end, a single message.
    path = tmp_path / "single.mbox"
    path.write_bytes(b"From x@example.com Mon Jan  1 00:00:00 2024\nSubject: c\n\nlast line")
    assert [m.data for m in iter_mbox(path)] == [b"Subject: c\n\nlast line"]
