"""Any bytes in, an answer out: events or kind "other" with the error noted; never an exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback.models import KINDS, RawMessage
from feedback.pipeline import classify

from .conftest import MESSAGES


def _check(data: bytes) -> None:
    events = classify(RawMessage(data=data, source="x"))
    assert events, "every message gets at least one event"
    for e in events:
        assert e.kind in KINDS
        assert e.message_sha256 and e.source == "x"


FIXTURE_BYTES = [p.read_bytes() for p in sorted(MESSAGES.glob("*.eml"))]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A fixture with bytes flipped, cut, duplicated or newline styles changed."""
    data = bytearray(draw(st.sampled_from(FIXTURE_BYTES)))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "cut", "dup", "insert", "crlf", "cr", "junk"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "cut":
            j = draw(st.integers(i, min(len(data), i + 400)))
            del data[i:j]
        elif op == "dup":
            j = draw(st.integers(i, min(len(data), i + 400)))
            data[i:i] = data[i:j]
        elif op == "insert":
            data[i:i] = draw(
                st.sampled_from(
                    [
                        b"\n--",
                        b"Content-Type: multipart/mixed; boundary=x\n",
                        b"=?",
                        b"\x00",
                        b"\n\n",
                        b"Final-Recipient: rfc822; <>\n",
                        b'{"notificationType":',
                    ]
                )
            )
        elif op == "crlf":
            data = bytearray(bytes(data).replace(b"\n", b"\r\n"))
        elif op == "cr":
            data = bytearray(bytes(data).replace(b"\n", b"\r"))
        else:
            data[i:i] = bytes(draw(st.lists(st.integers(128, 255), max_size=64)))
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_fixtures_never_raise(data: bytes) -> None:
    _check(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_random_bytes_never_raise(data: bytes) -> None:
    _check(data)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\r\r\r",
        b"From nobody Mon Jan  1 00:00:00 2024\n",
        b'Content-Type: multipart/report; boundary=""\n\n--\n--\n',
        b"Content-Type: text/plain; charset=x-no-such-charset\n\n\xff\xfe\xfd",
        b'Content-Type: text/plain; charset="uft-8"\n\n\xe3\x81\x82',
        b'Subject: =?iso-2022-jp?B?GyRCJCIbKEI=?=\nFrom: MAILER-DAEMON@x.example\n\n\x1b$B$"\x1b(B',
        b"Content-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n\n!!!notbase64!!!",
        b"From: MAILER-DAEMON@example.com\nSubject: Undelivered\n\n" + b"<a@example.net>:\n" * 5000,
    ],
)
def test_nasty_inputs(data: bytes) -> None:
    _check(data)


def test_deep_nesting_is_answered() -> None:
    depth = 3000
    head = b"".join(b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (i, i) for i in range(depth))
    _check(head + b"\nbody\n")


def test_deep_message_rfc822_nesting_is_answered() -> None:
    data = b"From: MAILER-DAEMON@example.com\nContent-Type: message/rfc822\n\n" * 2000 + b"body\n"
    _check(data)


def test_fifty_megabyte_message_is_answered() -> None:
    head = (MESSAGES / "postfix-multi-recipient.eml").read_bytes()
    big = head.replace(b"See attached.\n", b"See attached.\n" + (b"x" * 76 + b"\n") * (50 * 1024 * 1024 // 77))
    assert len(big) > 50 * 1024 * 1024
    events = classify(RawMessage(data=big, source="big"))
    assert {e.recipient for e in events} == {"ghost@example.net", "big@example.net", "nowhere@nonexistent.example"}


def test_a_detector_crash_is_noted_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    from feedback.detectors import registry

    class Boom:
        name = "boom"

        def detect(self, msg):
            raise ValueError("kaput")

    monkeypatch.setattr("feedback.pipeline.DETECTORS", (Boom(), *registry.DETECTORS))
    (e, *_) = classify(RawMessage(data=(MESSAGES / "qmail-userunknown.eml").read_bytes(), source="x"))
    assert e.kind == "bounce" and e.recipient == "nosuch@example.net"
    assert e.error is not None and "boom: ValueError: kaput" in e.error
    (o,) = classify(RawMessage(data=b"Subject: hi\n\nplain", source="x"))
    assert o.kind == "other" and "boom: ValueError: kaput" in (o.error or "")
