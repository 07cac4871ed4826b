"""Messages over max_message_size read from files: cut to their headers and report parts, memory bounded."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from feedback.cli import main
from feedback.oversize import cut

EXE = str(Path(sys.executable).parent / "feedback")


def big_dsn(attachment: int, first: int = 0, eol: bytes = b"\n") -> bytes:
    """A DSN whose recipient is named only in its delivery-status part, with a big returned message."""
    data = (
        b"From: MAILER-DAEMON@mx.example.net\nTo: sender@example.com\nSubject: Undelivered Mail\n"
        b"Message-ID: <big@mx.example.net>\nDate: Mon, 30 Nov 2026 10:00:00 +0000\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="b1"\n\n'
        b"--b1\nContent-Type: text/plain\n\nThe message could not be delivered.\n"
        + b"A transcript line of no interest.\n"
        * (first // 34)
        + b"\n--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
        b"Final-Recipient: rfc822; big@example.net\nAction: failed\nStatus: 5.1.1\n\n"
        b"--b1\nContent-Type: message/rfc822\n\nFrom: sender@example.com\nTo: big@example.net\nSubject: x\n"
        b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b2"\n\n'
        b"--b2\nContent-Type: text/plain\n\nhi\n\n--b2\nContent-Type: application/octet-stream\n"
        b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(b"\x00" * attachment) + b"\n--b2--\n\n--b1--\n"
    )
    return data.replace(b"\n", eol)


def test_cut_keeps_headers_and_report_parts() -> None:
    small = big_dsn(1000)
    assert cut(small, len(small)) is None
    for eol in (b"\n", b"\r\n"):
        data = big_dsn(2_000_000, first=300_000, eol=eol)
        got = cut(data, 100_000)
        assert got is not None and len(got) < 100_000
        assert got.startswith(data[: data.index(eol + eol)])
        assert b"Final-Recipient: rfc822; big@example.net" in got
        # The returned message keeps its headers; its attachment and the long first part go.
        assert b"To: big@example.net" in got and b"AAAA" not in got and b"transcript" not in got
        assert got.endswith(b"--b1--" + eol)


def test_an_oversized_file_is_read_cut_and_still_gives_its_recipient(tmp_path: Path) -> None:
    path = tmp_path / "big.eml"
    path.write_bytes(big_dsn(12 * 1024 * 1024, first=200_000))
    res = CliRunner().invoke(main, ["--db", str(tmp_path / "f.db"), "reprocess", str(path)])
    assert res.exit_code == 0, res.output
    out = CliRunner().invoke(main, ["--db", str(tmp_path / "f.db"), "events", "--format", "jsonl"]).output
    assert '"recipient": "big@example.net"' in out and "truncated" in out


def test_a_60_mb_message_is_parsed_in_bounded_memory(tmp_path: Path) -> None:
    """It used to take ~430 MB (the whole message decoded and split into lines); now about its bytes once."""
    path = tmp_path / "huge.eml"
    path.write_bytes(big_dsn(45 * 1024 * 1024))
    assert path.stat().st_size > 60_000_000
    probe = (
        "import resource, subprocess, sys;"
        f"r = subprocess.run([{EXE!r}, 'parse', '--workers', '1', '--format', 'jsonl', {str(path)!r}],"
        " capture_output=True, text=True);"
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024);"
        "print(r.stdout)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    code, peak_mb = map(int, out.splitlines()[0].split())
    assert code == 0 and "big@example.net" in out
    assert peak_mb < 160, f"peak RSS {peak_mb} MB"
