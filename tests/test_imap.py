"""Polling a real Dovecot: TLS, credentials, moves, reruns, crashes, UIDVALIDITY, no MOVE."""

from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from imapclient import IMAPClient

from feedback.cli import main

from .conftest import MESSAGES
from .dovecot import PASSWORD, Dovecot

FEEDBACK = [
    "ses-bounce-userunknown.eml",
    "ses-complaint-arf.eml",
    "sns-bounce-envelope.eml",
    "postfix-multi-recipient.eml",
    "qmail-userunknown.eml",
    "autoreply-rfc3834.eml",
]
OTHER = ["not-feedback.eml", "not-feedback-noreply-failed.eml"]
_users = itertools.count()


def user() -> str:
    return f"u{os.getpid()}x{next(_users)}"


def config(tmp_path: Path, server: Dovecot, username: str, **extra: object) -> Path:
    lines = [
        f'database = "{tmp_path / "f.db"}"',
        "[[accounts]]",
        'name = "returns"',
        'host = "127.0.0.1"',
        f"port = {extra.pop('port', server.imaps_port)}",
        f'tls = "{extra.pop("tls", "implicit")}"',
        f'ca_file = "{extra.pop("ca_file", server.cert)}"',
        f'username = "{username}"',
    ]
    if not any(k in extra for k in ("password_file", "password_command", "oauth2_token_command")):
        lines.append('password_env = "FEEDBACK_TEST_IMAP_PASSWORD"')
    for k, v in extra.items():
        if isinstance(v, bool):
            lines.append(f"{k} = {str(v).lower()}")
        elif isinstance(v, str):
            lines.append(f'{k} = "{v}"')
        else:
            lines.append(f"{k} = {v!r}")
    path = tmp_path / "feedback.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(autouse=True)
def imap_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDBACK_TEST_IMAP_PASSWORD", PASSWORD)


def poll(cfg: Path, *args: str) -> object:
    return CliRunner().invoke(main, ["--config", str(cfg), "poll", "--workers", "1", *args], catch_exceptions=False)


def client(server: Dovecot, username: str) -> IMAPClient:
    c = IMAPClient("127.0.0.1", port=server.imaps_port, ssl=True, ssl_context=server.ssl_context(), timeout=20)
    c.login(username, PASSWORD)
    return c


def folder_state(server: Dovecot, username: str, folder: str) -> list[tuple[bytes, tuple]]:
    """(Subject, flags) of every message in a folder."""
    c = client(server, username)
    try:
        c.select_folder(folder, readonly=True)
        uids = c.search(["ALL"])
        data = c.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]", "FLAGS"]) if uids else {}
        # \Recent belongs to the session that first sees a message, not to the message.
        return sorted(
            (v[b"BODY[HEADER.FIELDS (SUBJECT)]"].strip(), tuple(sorted(f for f in v[b"FLAGS"] if f != b"\\Recent")))
            for v in data.values()
        )
    finally:
        c.logout()


def seed(server: Dovecot, username: str, names: list[str], copies: int = 1) -> int:
    msgs = []
    for k in range(copies):
        for n in names:
            data = (MESSAGES / n).read_bytes()
            msgs.append(data if copies == 1 else b"X-Seq: %d\n" % k + data)
    server.deliver(username, msgs)
    return len(msgs)


def db_count(cfg: Path, table: str) -> int:
    with sqlite3.connect(cfg.parent / "f.db") as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_poll_moves_feedback_leaves_other_mail_unread_and_reruns_add_nothing(tmp_path: Path, dovecot: Dovecot) -> None:
    u = user()
    seed(dovecot, u, FEEDBACK + OTHER)
    cfg = config(tmp_path, dovecot, u)
    res = poll(cfg)
    assert res.exit_code == 0, res.output
    inbox = folder_state(dovecot, u, "INBOX")
    assert [s for s, _ in inbox] == sorted([b"Subject: Lunch on Friday?", b"Subject: Your payment failed"])
    assert all(b"\\Seen" not in flags for _, flags in inbox)
    assert len(folder_state(dovecot, u, "Feedback.Processed")) == len(FEEDBACK)
    events, messages = db_count(cfg, "events"), db_count(cfg, "messages")
    assert messages == len(FEEDBACK) + len(OTHER)
    # A second run finds nothing new.
    assert poll(cfg).exit_code == 0
    assert (db_count(cfg, "events"), db_count(cfg, "messages")) == (events, messages)
    with sqlite3.connect(cfg.parent / "f.db") as conn:
        (state,) = conn.execute("SELECT account, folder, last_uid FROM mailbox_state").fetchall()
        assert state == ("returns", "INBOX", len(FEEDBACK) + len(OTHER))
        assert conn.execute("SELECT count(*) FROM pending_moves").fetchone() == (0,)
        runs = conn.execute("SELECT command, account, status, messages FROM runs ORDER BY id").fetchall()
        assert runs == [("poll", "returns", "ok", len(FEEDBACK) + len(OTHER)), ("poll", "returns", "ok", 0)]


def test_same_as_importing_the_files(tmp_path: Path, dovecot: Dovecot) -> None:
    u = user()
    seed(dovecot, u, FEEDBACK + OTHER)
    cfg = config(tmp_path, dovecot, u)
    assert poll(cfg).exit_code == 0
    other = tmp_path / "files"
    other.mkdir()
    for n in FEEDBACK + OTHER:
        (other / n).write_bytes((MESSAGES / n).read_bytes())
    db2 = tmp_path / "files.db"
    assert CliRunner().invoke(main, ["--db", str(db2), "reprocess", str(other)]).exit_code == 0
    q = "SELECT kind, recipient, bounce_type, reason, status FROM events ORDER BY recipient, kind"
    with sqlite3.connect(cfg.parent / "f.db") as a, sqlite3.connect(db2) as b:
        assert a.execute(q).fetchall() == b.execute(q).fetchall()


def test_starttls(tmp_path: Path, dovecot: Dovecot) -> None:
    u = user()
    seed(dovecot, u, FEEDBACK[:1])
    cfg = config(tmp_path, dovecot, u, port=dovecot.imap_port, tls="starttls")
    res = poll(cfg)
    assert res.exit_code == 0, res.output
    assert db_count(cfg, "events") == 1


def test_untrusted_certificate_is_refused(tmp_path: Path, dovecot: Dovecot) -> None:
    u = user()
    other_ca = tmp_path / "other.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
         "-subj", "/CN=other", "-keyout", str(tmp_path / "k.pem"), "-out", str(other_ca)],
        check=True, capture_output=True,
    )  # fmt: skip
    cfg = config(tmp_path, dovecot, u, ca_file=str(other_ca))
    res = poll(cfg)
    assert res.exit_code == 2
    assert "certificate" in res.output and len(res.output.strip().splitlines()) == 1


def test_wrong_password_is_one_line_and_exit_2(
    tmp_path: Path, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FEEDBACK_TEST_IMAP_PASSWORD", "not-the-password")
    cfg = config(tmp_path, dovecot, user())
    res = poll(cfg)
    assert res.exit_code == 2
    assert "refused the login" in res.output and "not-the-password" not in res.output
    assert len(res.output.strip().splitlines()) == 1
    with sqlite3.connect(cfg.parent / "f.db") as conn:
        (row,) = conn.execute("SELECT status, error FROM runs").fetchall()
    assert row[0] == "failed" and "not-the-password" not in row[1]


def test_tls_none_is_refused_for_a_remote_host(tmp_path: Path) -> None:
    cfg = tmp_path / "feedback.toml"
    cfg.write_text(
        '[[accounts]]\nname = "x"\nhost = "imap.example.com"\ntls = "none"\nusername = "u"\npassword_env = "P"\n'
    )
    res = CliRunner().invoke(main, ["--config", str(cfg), "--db", str(tmp_path / "f.db"), "poll"])
    assert res.exit_code == 2 and "tls = none is refused" in res.output


def test_dry_run_changes_nothing(tmp_path: Path, dovecot: Dovecot) -> None:
    u = user()
    seed(dovecot, u, FEEDBACK + OTHER)
    cfg = config(tmp_path, dovecot, u)
    before = folder_state(dovecot, u, "INBOX")
    res = poll(cfg, "--dry-run")
    assert res.exit_code == 0
    assert "-> Feedback/Processed" in res.output and "-> stays" in res.output
    assert folder_state(dovecot, u, "INBOX") == before
    assert db_count(cfg, "messages") == 0


def test_unrecognised_mail_can_be_moved(tmp_path: Path, dovecot: Dovecot) -> None:
    u = user()
    seed(dovecot, u, FEEDBACK[:2] + OTHER)
    cfg = config(tmp_path, dovecot, u, unrecognised="move:Other/Mail")
    assert poll(cfg).exit_code == 0
    assert folder_state(dovecot, u, "INBOX") == []
    assert len(folder_state(dovecot, u, "Other.Mail")) == len(OTHER)


def test_server_without_move_uses_copy_and_uid_expunge(tmp_path: Path, dovecot_nomove: Dovecot) -> None:
    u = user()
    seed(dovecot_nomove, u, FEEDBACK + OTHER)
    c = client(dovecot_nomove, u)
    assert not c.has_capability("MOVE")
    c.select_folder("INBOX")
    # Someone else's message flagged \\Deleted must survive our expunge.
    other_uids = c.search(["SUBJECT", "Lunch"])
    c.add_flags(other_uids, [b"\\Deleted"])
    c.logout()
    cfg = config(tmp_path, dovecot_nomove, u)
    assert poll(cfg).exit_code == 0
    inbox = folder_state(dovecot_nomove, u, "INBOX")
    assert len(inbox) == len(OTHER)
    assert any(b"\\Deleted" in flags for _, flags in inbox)
    assert len(folder_state(dovecot_nomove, u, "Feedback.Processed")) == len(FEEDBACK)


def test_uidvalidity_change_rescans_without_duplicates(tmp_path: Path, dovecot: Dovecot) -> None:
    u = user()
    cfg = config(tmp_path, dovecot, u, folder="Bounces", processed_folder="")
    c = client(dovecot, u)
    c.create_folder("Bounces")
    for n in FEEDBACK:
        c.append("Bounces", (MESSAGES / n).read_bytes())
    assert poll(cfg).exit_code == 0
    counts = (db_count(cfg, "messages"), db_count(cfg, "events"))
    # Recreate the folder: same messages, new UIDVALIDITY.
    c.delete_folder("Bounces")
    c.create_folder("Bounces")
    for n in FEEDBACK:
        c.append("Bounces", (MESSAGES / n).read_bytes())
    c.logout()
    res = poll(cfg)
    assert res.exit_code == 0 and "new UIDVALIDITY" in res.output
    assert (db_count(cfg, "messages"), db_count(cfg, "events")) == counts


def test_reprocess_rescans_a_folder_from_the_start(tmp_path: Path, dovecot: Dovecot) -> None:
    u = user()
    seed(dovecot, u, FEEDBACK)
    cfg = config(tmp_path, dovecot, u)
    assert poll(cfg).exit_code == 0
    counts = (db_count(cfg, "messages"), db_count(cfg, "events"))
    res = CliRunner().invoke(
        main, ["--config", str(cfg), "reprocess", "--account", "returns", "--folder", "Feedback/Processed"]
    )
    assert res.exit_code == 0, res.output
    assert f"{len(FEEDBACK)} read, 0 new" in res.output
    assert (db_count(cfg, "messages"), db_count(cfg, "events")) == counts


def _poll_process(cfg: Path) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).parent / "feedback"
    env = {**os.environ, "FEEDBACK_TEST_IMAP_PASSWORD": PASSWORD}
    return subprocess.Popen(
        [str(exe), "--config", str(cfg), "poll"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _wait_for_rows(cfg: Path, at_least: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if db_count(cfg, "messages") >= at_least:
                return
        except sqlite3.Error:
            pass
        if proc.poll() is not None:
            raise AssertionError(f"poll ended early: {proc.stderr.read().decode() if proc.stderr else ''}")
        time.sleep(0.02)
    raise AssertionError("no progress")


def test_kill_9_mid_run_loses_and_doubles_nothing(tmp_path: Path, dovecot: Dovecot) -> None:
    u = user()
    n = seed(dovecot, u, FEEDBACK + OTHER, copies=250)  # 2000 distinct messages
    cfg = config(tmp_path, dovecot, u, batch_size=50)
    proc = _poll_process(cfg)
    _wait_for_rows(cfg, 300, proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert db_count(cfg, "messages") < n, "killed before the end"
    res = poll(cfg)
    assert res.exit_code == 0, res.output
    assert db_count(cfg, "messages") == n
    with sqlite3.connect(cfg.parent / "f.db") as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT sha256) FROM messages").fetchone() == (n, n)
        assert conn.execute("SELECT count(*) FROM pending_moves").fetchone() == (0,)
    assert len(folder_state(dovecot, u, "INBOX")) == 250 * len(OTHER)
    assert len(folder_state(dovecot, u, "Feedback.Processed")) == 250 * len(FEEDBACK)


def test_server_stopped_mid_run_fails_cleanly_and_the_next_run_completes(tmp_path: Path) -> None:
    from .dovecot import start_dovecot

    server = start_dovecot()
    try:
        u = user()
        n = seed(server, u, FEEDBACK + OTHER, copies=200)
        cfg = config(tmp_path, server, u, batch_size=50, retries=1, timeout=5)
        proc = _poll_process(cfg)
        _wait_for_rows(cfg, 200, proc)
        server.stop()
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 1, err.decode()
        assert b"Traceback" not in err and err.decode().strip()
        with sqlite3.connect(cfg.parent / "f.db") as conn:
            assert conn.execute("SELECT status FROM runs").fetchall() == [("failed",)]
        stored = db_count(cfg, "messages")
        assert 0 < stored < n
        server.start()
        res = poll(cfg)
        assert res.exit_code == 0, res.output
        assert db_count(cfg, "messages") == n
        assert len(folder_state(server, u, "Feedback.Processed")) == 200 * len(FEEDBACK)
    finally:
        server.stop()


@pytest.mark.parametrize("server_name", ["dovecot", "dovecot_nomove"])
def test_oauth2_token_from_a_command(tmp_path: Path, server_name: str, request: pytest.FixtureRequest) -> None:
    server: Dovecot = request.getfixturevalue(server_name)
    u = user()
    seed(server, u, FEEDBACK[:1])
    cfg = config(tmp_path, server, u, oauth2_token_command=f"printf {PASSWORD}")
    res = poll(cfg)
    assert res.exit_code == 0, res.output
    # OAUTHBEARER where the server offers it, else XOAUTH2.
    method = "OAUTHBEARER" if server_name == "dovecot" else "XOAUTH2"
    assert f"user=<{u}>, method={method}" in server.log()


def test_password_from_a_file_and_from_a_command(tmp_path: Path, dovecot: Dovecot) -> None:
    u = user()
    seed(dovecot, u, FEEDBACK[:1])
    secret = tmp_path / "secret"
    secret.write_text(PASSWORD + "\n")
    secret.chmod(0o600)
    assert poll(config(tmp_path, dovecot, u, password_file=str(secret))).exit_code == 0
    assert poll(config(tmp_path, dovecot, u, password_command=f"printf {PASSWORD}")).exit_code == 0


def test_one_failing_account_does_not_stop_the_others(tmp_path: Path, dovecot: Dovecot) -> None:
    from .dovecot import free_port

    u = user()
    seed(dovecot, u, FEEDBACK[:2])
    good = config(tmp_path, dovecot, u).read_text()
    bad = good.replace('name = "returns"', 'name = "broken"').replace(
        f"port = {dovecot.imaps_port}", f"port = {free_port()}"
    )
    bad = bad.split("[[accounts]]", 1)[1]
    cfg = tmp_path / "two.toml"
    cfg.write_text(
        good.replace("[[accounts]]", "[[accounts]]\nretries = 0", 1)
        + "\n[[accounts]]"
        + bad.replace('name = "broken"', 'name = "broken"\nretries = 0')
    )
    res = CliRunner().invoke(main, ["--config", str(cfg), "poll", "--workers", "1"])
    assert res.exit_code == 1
    assert "returns: 2 read, 2 new" in res.output and "broken: cannot connect" in res.output
    # One account alone.
    res = CliRunner().invoke(main, ["--config", str(cfg), "poll", "--account", "returns"])
    assert res.exit_code == 0 and "broken" not in res.output


def test_non_ascii_folder_names(tmp_path: Path, dovecot: Dovecot) -> None:
    u = user()
    seed(dovecot, u, FEEDBACK[:2])
    cfg = config(tmp_path, dovecot, u, processed_folder="Rückläufer/Erledigt")
    assert poll(cfg).exit_code == 0
    c = client(dovecot, u)
    try:
        names = [f[2] for f in c.list_folders()]
    finally:
        c.logout()
    assert "Rückläufer.Erledigt" in names
    assert len(folder_state(dovecot, u, "Rückläufer.Erledigt")) == 2


def test_oversized_messages_are_read_in_part_and_marked(tmp_path: Path, dovecot: Dovecot) -> None:
    u = user()
    big = (
        (MESSAGES / "postfix-multi-recipient.eml")
        .read_bytes()
        .replace(b"See attached.\n", b"See attached.\n" + b"x" * 76 * 2000 + b"\n")
    )
    dovecot.deliver(u, [big, (MESSAGES / "qmail-userunknown.eml").read_bytes()])
    cfg = config(tmp_path, dovecot, u, max_message_size=50_000)
    assert poll(cfg).exit_code == 0
    with sqlite3.connect(cfg.parent / "f.db") as conn:
        rows = dict(conn.execute("SELECT source, error FROM messages").fetchall())
        sizes = dict(conn.execute("SELECT source, size FROM messages").fetchall())
    (big_source,) = [s for s, e in rows.items() if e and "truncated" in e]
    assert sizes[big_source] < 50_000
    # The DSN fields sit in the first parts: its recipients are still found.
    with sqlite3.connect(cfg.parent / "f.db") as conn:
        n = conn.execute(
            "SELECT count(*) FROM events e JOIN messages m ON m.id = e.message_id WHERE m.source = ?", [big_source]
        ).fetchone()[0]
    assert n >= 1


def test_batches_are_bounded_by_bytes_too(tmp_path: Path, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch stops at BATCH_BYTES of mail, not only at batch_size messages; nothing is skipped."""
    import feedback.sources as sources
    from feedback.config import load
    from feedback.sources.imap import ImapSource

    u = user()
    n = seed(dovecot, u, FEEDBACK + OTHER, copies=3)
    cfg = load(str(config(tmp_path, dovecot, u, batch_size=1000)))
    src = ImapSource(cfg.accounts[0], "INBOX")
    try:
        src.resume(None, 0)
        uids = list(src.new(0))
        sizes = src.mb.sizes(uids)
        assert sorted(sizes) == uids and all(v > 0 for v in sizes.values())
        monkeypatch.setattr(sources, "BATCH_BYTES", 3 * max(sizes.values()))
        batches = [[uid for uid, _ in b] for b in src.batches(uids)]
    finally:
        src.close()
    assert [u for b in batches for u in b] == uids
    assert len(batches) > 1 and all(sum(sizes[u] for u in b) <= 3 * max(sizes.values()) for b in batches)
    assert poll(config(tmp_path, dovecot, u, batch_size=1000)).exit_code == 0
    assert db_count(tmp_path / "feedback.toml", "messages") == n


def test_reprocess_account_reports_progress(tmp_path: Path, dovecot: Dovecot) -> None:
    from feedback.config import load
    from feedback.service import poll_account
    from feedback.store import Store

    u = user()
    seed(dovecot, u, FEEDBACK, copies=3)
    cfg = load(str(config(tmp_path, dovecot, u, batch_size=5)))
    seen: list[tuple[int, int]] = []
    store = Store(cfg.database)
    r = poll_account(store, cfg, cfg.accounts[0], from_start=True, workers=1, echo=lambda m: None,
                     progress=lambda res: seen.append((res.seen, res.total)))  # fmt: skip
    assert r.total == 18 and seen[-1] == (18, 18) and len(seen) == 4


def test_quick_fetch_reader_matches_imapclient(tmp_path: Path, dovecot: Dovecot) -> None:
    """The raw UID FETCH reader gives the same bytes, sizes and dates as imapclient's parser."""
    from feedback.config import Account
    from feedback.sources.imap import Mailbox

    u = user()
    n = seed(dovecot, u, FEEDBACK + OTHER + ["dsn-global-utf8.eml", "raw-8bit-subject-carrier.eml"])
    account = Account(
        name="r",
        host="127.0.0.1",
        port=dovecot.imaps_port,
        ca_file=str(dovecot.cert),
        username=u,
        password_env="FEEDBACK_TEST_IMAP_PASSWORD",
    )
    mb = Mailbox(account)
    try:
        mb.select("INBOX")
        uids = list(mb.uids_after(0))
        assert len(uids) == n and uids == sorted(uids)
        # "n:*" always answers the last message: only UIDs above n come back.
        assert list(mb.uids_after(uids[-1])) == [] and list(mb.uids_after(uids[2])) == uids[3:]
        quick = {f.uid: (f.data, f.size, f.internaldate) for f in mb.fetch(uids[1:])}
        slow = mb.client.fetch(uids[1:], ["BODY.PEEK[]", "INTERNALDATE", "RFC822.SIZE"])
        assert sorted(quick) == sorted(slow) == uids[1:]
        for uid, (data, size, when) in quick.items():
            assert data == slow[uid][b"BODY[]"]
            assert size == slow[uid][b"RFC822.SIZE"] == len(data)
            assert when is not None and when.endswith("Z")
    finally:
        mb.logout()
    assert all(flags == () for _, flags in folder_state(dovecot, u, "INBOX"))


def test_quick_fetch_reader_shapes() -> None:
    from feedback.sources.imap import internaldate, read_fetch, seqset

    assert seqset([5, 1, 2, 3, 9, 10, 7]) == "1:3,5,7,9:10"
    assert seqset([4]) == "4"
    when = internaldate(b" 7-Nov-2026 09:56:17 +0130")
    assert when is not None and when.isoformat() == "2026-11-07T09:56:17+01:30"
    assert internaldate(b"31-Foo-2026 09:56:17 +0000") is None
    data = [
        (b'1 (UID 11 INTERNALDATE "27-Nov-2026 09:56:17 +0000" RFC822.SIZE 3 BODY[] {3}', b"abc"),
        b")",
        b"2 (FLAGS (\\Seen))",  # unsolicited: not a message
        (b"3 (UID 13 BODY[] {2}", b"xy"),
        b' INTERNALDATE "27-Nov-2026 10:00:00 -0500" RFC822.SIZE 2)',  # items after the literal
        (b"4 (UID 14 BODY[HEADER] {1}", b"h"),  # not the shape asked for: left to imapclient
        b")",
    ]
    got = read_fetch(data)
    assert sorted(got) == [11, 13]
    assert got[11][b"BODY[]"] == b"abc" and got[11][b"RFC822.SIZE"] == 3
    assert got[13][b"INTERNALDATE"].isoformat() == "2026-11-27T10:00:00-05:00"


# ---------------------------------------------------------------- servers laid out like Courier and Cyrus


def test_namespace_prefix_is_applied_to_folder_names(tmp_path: Path, dovecot_courier: Dovecot) -> None:
    """Namespace "INBOX." with ".": "Feedback/Processed" is INBOX.Feedback.Processed; a name with the prefix stays."""
    u = user()
    seed(dovecot_courier, u, FEEDBACK + OTHER)
    cfg = config(tmp_path, dovecot_courier, u, unrecognised="move:INBOX/Other")
    res = poll(cfg)
    assert res.exit_code == 0, res.output
    assert f"{len(FEEDBACK) + len(OTHER)} read" in res.output and f"{len(FEEDBACK) + len(OTHER)} moved" in res.output
    assert folder_state(dovecot_courier, u, "INBOX") == []
    assert len(folder_state(dovecot_courier, u, "INBOX.Feedback.Processed")) == len(FEEDBACK)
    assert len(folder_state(dovecot_courier, u, "INBOX.Other")) == len(OTHER)
    c = client(dovecot_courier, u)
    try:
        names = {f[2] for f in c.list_folders()}
    finally:
        c.logout()
    assert "INBOX.INBOX.Other" not in names
    # Reading a folder named without the prefix works too.
    res = CliRunner().invoke(
        main, ["--config", str(cfg), "reprocess", "--account", "returns", "--folder", "Feedback/Processed"]
    )
    assert res.exit_code == 0 and f"{len(FEEDBACK)} read, 0 new" in res.output, res.output


def test_a_failing_move_never_stops_storing(tmp_path: Path, dovecot: Dovecot) -> None:
    """The server refuses the processed folder: every message is still stored and checkpointed, every run;
    the moves stay pending, are tried once a run, and the run says so (exit 1)."""
    u = user()
    n = seed(dovecot, u, FEEDBACK + OTHER, copies=2)
    cfg = config(tmp_path, dovecot, u, batch_size=3, processed_folder="~Refused", retries=0)
    res = poll(cfg)
    assert res.exit_code == 1 and "~Refused" in res.output and "retry on the next run" in res.output, res.output
    assert db_count(cfg, "messages") == n
    assert db_count(cfg, "pending_moves") == 2 * len(FEEDBACK)
    # New mail arrives: stored although the old moves still fail first.
    seed(dovecot, u, FEEDBACK, copies=3)
    res = poll(cfg)
    assert res.exit_code == 1 and res.output.count("~Refused") == 1, res.output
    assert db_count(cfg, "messages") == n + len(FEEDBACK)
    with sqlite3.connect(cfg.parent / "f.db") as conn:
        (last,) = conn.execute("SELECT last_uid FROM mailbox_state").fetchone()
    assert last == n + 3 * len(FEEDBACK)
    assert len(folder_state(dovecot, u, "INBOX")) == n + 3 * len(FEEDBACK)
    # The operator names another folder: moves to the old one are dropped (the mail stays), said once.
    cfg = config(tmp_path, dovecot, u, batch_size=3, retries=0)
    res = poll(cfg)
    assert res.exit_code == 0 and "pending move(s) to ~Refused dropped" in res.output, res.output
    assert db_count(cfg, "pending_moves") == 0
    assert "dropped" not in poll(cfg).output


class _Killed(BaseException):
    """Stands for kill -9: nothing after it runs, nothing catches it."""


@pytest.mark.parametrize("server_name", ["dovecot_nomove", "dovecot_courier"])
def test_kill_between_copy_and_expunge_copies_nothing_twice(
    tmp_path: Path, server_name: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without MOVE, a run killed after UID COPY and before the expunge leaves copies; the next run
    finds them in the target (same bytes) and does not copy again. A look-alike (same Message-ID and
    size, other bytes) already in the target does not count as a copy."""
    from imapclient import IMAPClient as Client

    from feedback.config import load
    from feedback.service import poll_account
    from feedback.store import Store

    server: Dovecot = request.getfixturevalue(server_name)
    processed = f"{server.prefix}Feedback.Processed"
    u = user()
    names = FEEDBACK + OTHER
    n = seed(server, u, names, copies=2)
    # X-Seq: 7 has the size and Message-ID of X-Seq: 0 copies.
    lookalike = b"X-Seq: 7\n" + (MESSAGES / FEEDBACK[0]).read_bytes()
    server.deliver(u, [lookalike], folder="Feedback.Processed")
    cfg = load(str(config(tmp_path, server, u, batch_size=4)))

    def killed(self: object, *args: object, **kwargs: object) -> None:
        raise _Killed

    add_flags = Client.add_flags
    monkeypatch.setattr(Client, "add_flags", killed)
    store = Store(cfg.database)
    with pytest.raises(_Killed):
        poll_account(store, cfg, cfg.accounts[0], workers=1, echo=lambda m: None)
    store.close()
    monkeypatch.setattr(Client, "add_flags", add_flags)
    copied = folder_state(server, u, processed)
    assert len(copied) > 1, "the kill came after a COPY"
    with sqlite3.connect(cfg.database) as conn:
        assert conn.execute("SELECT count(*) FROM pending_moves").fetchone()[0] > 0
    res = poll(tmp_path / "feedback.toml")
    assert res.exit_code == 0, res.output
    assert db_count(tmp_path / "feedback.toml", "messages") == n
    assert len(folder_state(server, u, processed)) == 2 * len(FEEDBACK) + 1  # each once, and the look-alike
    assert len(folder_state(server, u, "INBOX")) == 2 * len(OTHER)
    c = client(server, u)
    try:
        c.select_folder(processed, readonly=True)
        bodies = [v[b"BODY[]"] for v in c.fetch(c.search(["ALL"]), ["BODY.PEEK[]"]).values()]
    finally:
        c.logout()
    assert len(set(bodies)) == len(bodies)


def test_idle_counts_new_mail_reported_with_the_done_reply(tmp_path: Path, dovecot: Dovecot) -> None:
    """Courier (without enhanced IDLE) reports EXISTS only in answer to DONE: that counts as new mail."""
    from feedback.config import load
    from feedback.sources.imap import Mailbox

    u = user()
    seed(dovecot, u, FEEDBACK[:1])
    cfg = load(str(config(tmp_path, dovecot, u)))
    mb = Mailbox(cfg.accounts[0])
    try:
        mb.select("INBOX")
        assert not mb.idle_wait(0.2)
        c = client(dovecot, u)
        c.append("INBOX", (MESSAGES / FEEDBACK[1]).read_bytes())
        c.logout()
        # No wait: the EXISTS comes with the server's answer to DONE, not during the IDLE.
        assert mb.idle_wait(0)
    finally:
        mb.logout()


@pytest.mark.parametrize("nested", [False, True])
def test_oversized_report_keeps_the_delivery_status_part(tmp_path: Path, dovecot: Dovecot, nested: bool) -> None:
    """A DSN over max_message_size whose recipient is named only in its delivery-status part
    (after a large first part): BODYSTRUCTURE finds the part, its recipient gives an event.
    Nested: the report sits inside a multipart/mixed, as some gateways wrap it."""
    u = user()
    big = (
        b"From: MAILER-DAEMON@mx.example.net\nTo: sender@example.com\nSubject: Undelivered Mail\n"
        b"Message-ID: <big-dsn@mx.example.net>\nDate: Mon, 30 Nov 2026 10:00:00 +0000\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\n\n'
        b"--b1\nContent-Type: text/plain\n\nThe message could not be delivered.\n"
        + b"Transcript line of no interest to anyone.\n"
        * 3000
        + b"\n--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
        b"Final-Recipient: rfc822; only-here@example.net\nAction: failed\nStatus: 5.1.1\n"
        b"Diagnostic-Code: smtp; 550 5.1.1 user unknown\n\n"
        b"--b1\nContent-Type: message/rfc822\n\nFrom: sender@example.com\nTo: someone@example.net\n"
        b"Subject: hello\nMessage-ID: <orig@example.com>\n\n" + b"attachment data\n" * 5000 + b"\n--b1--\n"
    )
    assert len(big) > 150_000
    if nested:
        head, body = big.split(b"\n\n", 1)
        outer = head.replace(b"multipart/report; report-type=delivery-status", b"multipart/mixed").replace(
            b'"b1"', b'"b0"'
        )
        inner = b'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\n\n' + body
        big = outer + b"\n\n--b0\nContent-Type: text/plain\n\nSee the report.\n\n--b0\n" + inner + b"\n--b0--\n"
    dovecot.deliver(u, [big])
    cfg = config(tmp_path, dovecot, u, max_message_size=50_000)
    assert poll(cfg).exit_code == 0
    with sqlite3.connect(cfg.parent / "f.db") as conn:
        rows = conn.execute("SELECT kind, recipient, bounce_type FROM events").fetchall()
        (size, error) = conn.execute("SELECT size, error FROM messages").fetchone()
    assert ("bounce", "only-here@example.net", "Permanent") in [tuple(r) for r in rows], rows
    assert size < 50_000 and "truncated" in error
