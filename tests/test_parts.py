"""Edges of the core: newline styles, broken MIME, local sources, identities."""

from __future__ import annotations

import mailbox
from pathlib import Path

from feedback.identity import region_from, resolve_identity, ses_message_id
from feedback.models import FileRef, RawMessage
from feedback.parse import decode_header, normalise_address, normalise_newlines, parse
from feedback.pipeline import classify
from feedback.sources.local import is_mbox, iter_paths

from .conftest import FIXTURES, MESSAGES


def test_newline_styles_give_the_same_events() -> None:
    lf = (MESSAGES / "postfix-multi-recipient.eml").read_bytes()
    variants = [
        lf,
        lf.replace(b"\n", b"\r\n"),
        lf.replace(b"\n", b"\r"),
        b"From MAILER-DAEMON Sat Jan  6 09:00:00 2024\n" + lf,
    ]
    results = []
    for data in variants:
        evs = classify(RawMessage(data=data, source="x"))
        results.append(sorted((e.recipient, e.status, e.reason) for e in evs))
    assert all(r == results[0] for r in results)


def test_normalise_newlines() -> None:
    assert normalise_newlines(b"a\r\nb\rc\n") == b"a\nb\nc\n"
    assert normalise_newlines(b"From x Mon Jan  1 00:00:00 2024\nSubject: y\n") == b"Subject: y\n"


def test_boundary_mismatch_is_repaired() -> None:
    p = parse((MESSAGES / "broken-mime-iso2022jp.eml").read_bytes())
    assert p.msg.is_multipart()
    assert any("boundary" in e for e in p.errors)


def test_header_decoding() -> None:
    assert decode_header("=?ISO-2022-JP?B?GyRCJCIbKEI=?=") == "あ"
    assert decode_header("=?utf-8?q?caf=C3=A9?= au lait") == "café au lait"
    assert decode_header(None) == ""


def test_normalise_address() -> None:
    assert normalise_address("<Kiji@Example.NET>") == "Kiji@example.net"
    assert normalise_address("rfc822; user@Example.com") == "user@example.com"
    assert normalise_address('"quoted..local"@example.org') == '"quoted..local"@example.org'
    assert normalise_address("no-at-sign") is None


def test_identity_resolution_order() -> None:
    ids = ["example.com", "news@example.org", "example.org"]
    assert resolve_identity(ids, ["news@example.org"]) == "news@example.org"
    assert resolve_identity(ids, ["other@example.org"]) == "example.org"
    assert resolve_identity(ids, ["a@mail.example.com"]) == "example.com"
    assert resolve_identity(ids, ["a@example.net"]) is None
    # An exact address identity beats a domain match of an earlier candidate.
    assert resolve_identity(ids, ["x@example.com", "news@example.org"]) == "news@example.org"
    assert resolve_identity([], ["news@example.org"]) is None


def test_ses_ids() -> None:
    assert ses_message_id("<0101018c0d0e0e00-99998888-7777-6666-5555-444433332222-000000@us-west-2.amazonses.com>") == (
        "0101018c0d0e0e00-99998888-7777-6666-5555-444433332222-000000",
        "us-west-2",
    )
    assert (
        ses_message_id("<0100018b3c4d5e00-12341234-1234-1234-1234-123412341234-000000@email.amazonses.com>")[1]
        == "us-east-1"
    )
    assert ses_message_id("<abc@example.com>") == (None, None)
    assert region_from("1.eu-west-1.abc=:AmazonSES") == "eu-west-1"
    assert region_from("a27-33.smtp-out.ap-southeast-2.amazonses.com") == "ap-southeast-2"
    assert region_from("mx.example.com") is None


def test_mbox_detection(tmp_path: Path) -> None:
    assert is_mbox(FIXTURES / "demo.mbox")
    assert not is_mbox(MESSAGES / "cr-only-mbox-line.eml")
    single = tmp_path / "one"
    single.write_bytes(b"From a@example.com Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n")
    assert not is_mbox(single)
    two = tmp_path / "two"
    two.write_bytes(single.read_bytes() + b"\nFrom b@example.com Mon Jan  1 00:00:01 2024\nSubject: y\n\nbody\n")
    assert is_mbox(two)


def test_iter_paths_orders_and_kinds(tmp_path: Path) -> None:
    md = mailbox.Maildir(str(tmp_path / "md"), create=True)
    md.add(b"Subject: a\n\nx\n")
    (tmp_path / "z.eml").write_bytes(b"Subject: z\n\nz\n")
    items = list(iter_paths([str(tmp_path)]))
    # A folder's own files first, then its subfolders; Maildir messages come read.
    assert isinstance(items[0], FileRef) and items[0].path.endswith("z.eml")
    assert isinstance(items[1], RawMessage) and "/md/new/" in items[1].source


def test_folders_skip_files_that_are_not_mail(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Saved bounces\n\nSee below.\n")
    (tmp_path / "index.json").write_text('{"files": 2}\n')
    (tmp_path / "bounce").write_bytes((MESSAGES / "qmail-userunknown.eml").read_bytes())
    (tmp_path / "x.eml").write_bytes(b"")
    names = sorted(Path(getattr(i, "path", getattr(i, "source", ""))).name for i in iter_paths([str(tmp_path)]))
    assert names == ["bounce", "x.eml"]
    # Named on the command line, anything is read.
    assert len(list(iter_paths([str(tmp_path / "README.md")]))) == 1


def test_iso_date_and_ses_authentication() -> None:
    from feedback.identity import ses_authenticated
    from feedback.pipeline import iso_date

    assert iso_date("Thu, 29 Apr 2010 23:34:45 +0900") == "2010-04-29T14:34:45Z"
    assert iso_date("Fri,  5 Jan 2024 08:15:00 +0000 (UTC)") == "2024-01-05T08:15:00Z"
    assert iso_date("not a date") is None and iso_date(None) is None
    assert ses_authenticated("mx.example.com; dkim=pass header.d=amazonses.com header.s=x; spf=fail")
    assert ses_authenticated("mx.example.com; spf=pass smtp.mailfrom=0101@us-west-2.amazonses.com")
    assert not ses_authenticated("mx.example.com; dkim=pass header.d=example.com; spf=pass smtp.mailfrom=a@example.com")
    assert not ses_authenticated("mx.example.com; dkim=fail header.d=amazonses.com")
    assert not ses_authenticated(None)
