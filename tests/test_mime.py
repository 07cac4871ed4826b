"""The one-pass MIME reader builds exactly the tree the stdlib's parser builds."""

from __future__ import annotations

import email
from email.message import Message
from email.policy import compat32
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback.mime import message_from_bytes
from feedback.parse import normalise_newlines

from .conftest import MESSAGES

FIXTURES = sorted(MESSAGES.glob("*.eml"))


def tree(m: Message) -> Any:
    """Everything the parser decides about a message, as comparable data."""
    payload = m._payload  # type: ignore[attr-defined]
    body = [tree(p) for p in payload] if isinstance(payload, list) else payload
    defects = [(type(d).__name__, str(d)) for d in m.defects]
    return (m._headers, m._unixfrom, body, m.preamble, m.epilogue, defects, m._default_type)  # type: ignore[attr-defined]


def same_as_stdlib(data: bytes) -> None:
    raw = normalise_newlines(data)
    assert tree(message_from_bytes(raw)) == tree(email.message_from_bytes(raw, policy=compat32))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_fixture(path) -> None:
    same_as_stdlib(path.read_bytes())


SHAPES = {
    "delivery-status blocks": b"Content-Type: multipart/report; boundary=b\n\n--b\n"
    b"Content-Type: message/delivery-status\n\nReporting-MTA: dns; x\n\nFinal-Recipient: rfc822; a@b.c\n"
    b"Status: 5.1.1\n\n\n--b--\n",
    "no close boundary": b"Content-Type: multipart/mixed; boundary=b\n\npre\n--b\n\nbody\n",
    "no start boundary": b"Content-Type: multipart/mixed; boundary=b\n\nonly text\n",
    "no boundary parameter": b"Content-Type: multipart/mixed\n\n--x\n\nbody\n--x--\n",
    "nested, outer boundary ends inner": b"Content-Type: multipart/mixed; boundary=o\n\n--o\n"
    b"Content-Type: multipart/alternative; boundary=i\n\n--i\n\ninner\n--o\n\nnext\n--o--\nepi\n",
    "doubled boundaries": b"Content-Type: multipart/mixed; boundary=b\n\n--b\n--b\n\nx\n--b--  \n",
    "digest defaults to message/rfc822": b"Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: in\n\n"
    b"hi\n--d--\n",
    "unix from and a misplaced one": b"From a@b Mon Jan  1 00:00:00 2024\nSubject: s\nFrom x\nTo: t\n\nbody",
    "continuation first, colon first": b" folded\n: empty name\nSubject: s\n\nbody\n",
    "no separator": b"Subject: s\nthis is body\n",
    "from as the last header": b"Subject: s\nFrom a@b\n\nbody\n",
    "base64 multipart": b"Content-Type: multipart/mixed; boundary=b\nContent-Transfer-Encoding: base64\n\n--b\n\n"
    b"x\n--b--\n",
    "8-bit header and body": b"Subject: \xe3\x81\x82\nContent-Type: text/plain\n\n\xff\xfe\n",
    "attached message": b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\n"
    b"Subject: inner\n\ninner body\n--b--\n",
    "empty": b"",
}


@pytest.mark.parametrize("data", SHAPES.values(), ids=SHAPES.keys())
def test_shapes(data: bytes) -> None:
    same_as_stdlib(data)


TOKENS = [
    b"\n",
    b"\n\n",
    b"--",
    b"\n--",
    b"\n--b\n",
    b"\n--b--\n",
    b"Content-Type: multipart/mixed; boundary=b\n",
    b"Content-Type: message/rfc822\n\n",
    b"Content-Type: message/delivery-status\n\n",
    b"From x\n",
    b" ",
    b"\t",
    b":",
    b"\xff",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from([p.read_bytes() for p in FIXTURES] + list(SHAPES.values()))))
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["cut", "insert", "dup"]))
        if op == "cut":
            del data[i : i + draw(st.integers(1, 200))]
        elif op == "insert":
            data[i:i] = draw(st.sampled_from(TOKENS))
        else:
            j = draw(st.integers(0, len(data)))
            data[i:i] = data[j : j + draw(st.integers(1, 300))]
    return bytes(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_messages(data: bytes) -> None:
    same_as_stdlib(data)
