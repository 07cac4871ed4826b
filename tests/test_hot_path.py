"""The classifier's shortcuts (guards, indexes, small caches) answer exactly as the plain code would."""

from __future__ import annotations

import re
from email.message import Message
from email.parser import Parser
from email.policy import compat32

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedback import mime
from feedback.detectors import text as text_detector
from feedback.models import RawMessage
from feedback.parse import addresses, normalise_address, normalise_newlines, parse
from feedback.pipeline import classify
from feedback.reasons import phrases, subject
from feedback.reasons import text as reason_text
from feedback.reasons.text import fold

from .conftest import MESSAGES
from .test_mime import tree
from .test_reasons import CASES

GUARDED = {
    "recipient statement": subject._RECIPIENT_STATEMENT,
    "sender statement": subject._SENDER_STATEMENT,
    "host statement": subject._HOST_STATEMENT,
    "system statement": subject._SYSTEM_STATEMENT,
    "permanent text": text_detector.PERMANENT_TEXT,
    "temporary text": text_detector.TEMPORARY_TEXT,
    "qmail boilerplate": text_detector.BOILERPLATE,
}
# The reason table's diagnostics and every fixture's report text, folded.
DIAGNOSTICS = [fold(row[1]) for row in CASES if isinstance(row[1], str) and row[1]] + [
    fold(parse(p.read_bytes()).body_text[:3000]) for p in sorted(MESSAGES.glob("*.eml"))
]


def _span(m: re.Match[str] | None) -> tuple[int, int, str] | None:
    return None if m is None else (m.start(), m.end(), m.group(0))


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_guarded_pattern_matches_as_the_pattern(name: str) -> None:
    g = GUARDED[name]
    assert g.words, "every alternative has required words, so the guard is on"
    hits = 0
    for text in DIAGNOSTICS:
        assert _span(g.search(text)) == _span(g.rx.search(text)), text
        hits += g.rx.search(text) is not None
    assert hits, "the samples exercise the pattern"


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_guarded_patterns_on_generated_text(data: st.DataObject) -> None:
    # Texts made of the guards' own words and pieces of them, with noise.
    pieces = [w for g in GUARDED.values() for w in g.words or ()]
    pieces += [w[: len(w) // 2] for w in pieces] + [" ", "550 ", "5.1.1 ", "user ", "address ", "rejected", "ip "]
    text = "".join(data.draw(st.lists(st.sampled_from(pieces) | st.text(max_size=3), max_size=12)))
    for g in GUARDED.values():
        assert _span(g.search(text)) == _span(g.rx.search(text))


def test_guarded_pattern_ignoring_case() -> None:
    g = phrases.GuardedPattern(r"giving up on [0-9.]+|mailbox full", re.I)
    assert g.words == ("giving up on ", "mailbox full")
    assert g.search("Giving Up On 192.0.2.1.") is not None
    assert g.sub(" ", "x MAILBOX FULL y") == "x   y"
    assert [m.group(0) for m in g.finditer("mailbox full, Mailbox Full")] == ["mailbox full", "Mailbox Full"]
    # re.I lets the Kelvin sign match "k": non-ASCII text is always searched.
    k = phrases.GuardedPattern(r"blocked", re.I)
    assert k.search("bloc\u212aed") is not None
    assert k.search("nothing here") is None and k.sub("-", "nothing") == "nothing"
    with pytest.raises(ValueError):
        phrases.GuardedPattern("x", re.M)


# The code patterns as they were, before their look-behinds moved after the first digit.
_STATUS_BEFORE = re.compile(r"(?<![\w.])(?<![A-Za-z_]-)([245])\.(\d{1,3})\.(\d{1,3})(?!\d|\.\d)")
_REPLY_BEFORE = re.compile(r"(?<![\d.\-])([245][0-5]\d)(?=[ \-,;)\]]|$)", re.M)


def _all(rx: re.Pattern[str], text: str) -> list[tuple[object, ...]]:
    return [(m.span(), m.groups()) for m in rx.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="2455.0-_aZ \n1x)", max_size=14))
def test_code_patterns_find_what_they_found(text: str) -> None:
    assert _all(reason_text.STATUS_RE, text) == _all(_STATUS_BEFORE, text)
    assert _all(reason_text.REPLY_RE, text) == _all(_REPLY_BEFORE, text)


def test_code_patterns_on_the_diagnostics() -> None:
    for text in DIAGNOSTICS:
        assert _all(reason_text.STATUS_RE, text) == _all(_STATUS_BEFORE, text)
        assert _all(reason_text.REPLY_RE, text) == _all(_REPLY_BEFORE, text)


def test_a_pattern_without_required_words_is_always_searched() -> None:
    g = phrases.GuardedPattern(r"\d{3}|mailbox full")
    assert g.words is None
    assert g.search("550") is not None


@pytest.mark.parametrize(
    ("pattern", "alternatives"),
    [
        (r"a|b", ["a", "b"]),
        (r"(?:a|b)c|d", ["(?:a|b)c", "d"]),
        (r"[|]x|y", ["[|]x", "y"]),
        (r"[]|]x|y", ["[]|]x", "y"]),
        (r"\|x|y", [r"\|x", "y"]),
        (r"abc", ["abc"]),
    ],
)
def test_top_level_alternatives(pattern: str, alternatives: list[str]) -> None:
    assert phrases.top_level_alternatives(pattern) == alternatives


def test_every_phrase_compiles() -> None:
    # Phrases are compiled on first use: a broken one must still fail here, not in a run.
    tables = [phrases.TIER0, phrases.TIER1, phrases.ADDRESS, phrases.TIER2]
    for table in tables:
        for _, ph in table:
            for _, _, lazy in ph._branches:
                assert lazy.rx.pattern == lazy.pattern


def test_phrase_rule_is_the_first_matching_phrase_in_table_order() -> None:
    # The indexed scan gives what a plain loop over the table gives.
    order = phrases.TIER1 + phrases.ADDRESS + phrases.TIER2
    flat = [(reason, p) for reason, ph in order for p in ph.phrases]
    for text in DIAGNOSTICS:
        plain = next(((r, p) for r, p in flat if re.search(p, text[: phrases.PHRASE_WINDOW])), None)
        found = phrases.phrase_rule(text, order)
        assert ((found.reason, found.pattern) if found else None) == plain, text


def test_address_caches_answer_each_text_afresh() -> None:
    first = addresses("To: a@example.com, b@example.net")
    first.append("mutated@example.org")
    assert addresses("To: a@example.com, b@example.net") == ["a@example.com", "b@example.net"]
    assert addresses("To: c@example.com") == ["c@example.com"]
    assert normalise_address("<D@Example.COM>") == "D@example.com"
    assert normalise_address("<e@Example.COM>") == "e@example.com"


def test_two_messages_differing_only_in_addresses_get_their_own() -> None:
    raw = (MESSAGES / "qmail-userunknown.eml").read_bytes()
    before = classify(RawMessage(data=raw, source="a"))
    assert before[0].recipient
    other = raw.replace(before[0].recipient.encode(), b"someone-else@example.net")
    after = classify(RawMessage(data=other, source="b"))
    assert [e.recipient for e in after] == ["someone-else@example.net"]
    assert [e.recipient for e in classify(RawMessage(data=raw, source="a"))] == [e.recipient for e in before]


def _parts(m: Message) -> list[Message]:
    out = [m]
    payload = m.get_payload()
    if isinstance(payload, list):
        for p in payload:
            if isinstance(p, Message):
                out += _parts(p)
    return out


@pytest.mark.parametrize("path", sorted(MESSAGES.glob("*.eml")), ids=lambda p: p.name)
def test_indexed_headers_are_message_get(path) -> None:
    msg = parse(path.read_bytes()).msg
    for part in _parts(msg):
        names = {k.lower() for k in part.keys()} | {"content-type", "x-absent"}
        for name in names:
            got, want = mime.get_header(part, name), part.get(name)
            assert str(got) == str(want) and type(got) is type(want), name
        assert mime._content_type(part) == part.get_content_type()


def test_indexed_header_with_8bit_bytes_is_message_get() -> None:
    msg = parse("Subject: caf\u00e9\nContent-Type: text/plain\n\nbody\n".encode()).msg
    assert str(mime.get_header(msg, "subject")) == str(msg.get("subject"))
    assert type(mime.get_header(msg, "subject")) is type(msg.get("subject"))


_HEADER_PARSER = Parser(policy=compat32)


def _same_headers_as_stdlib(text: str) -> None:
    ours = mime.headers_from_text(text)
    if ours is None:
        assert mime._other_line_ends(text)
        return
    assert tree(ours) == tree(_HEADER_PARSER.parsestr(text, headersonly=True))


@pytest.mark.parametrize("path", sorted(MESSAGES.glob("*.eml")), ids=lambda p: p.name)
def test_headers_only_as_stdlib(path) -> None:
    text = normalise_newlines(path.read_bytes()).decode("ascii", "surrogateescape")
    _same_headers_as_stdlib(text)
    _same_headers_as_stdlib(text.partition("\n\n")[0])
    # The quoted original of a text bounce, where there is one.
    body = parse(path.read_bytes()).body_text
    _same_headers_as_stdlib(body)
    _same_headers_as_stdlib(body[body.find("\nReceived:") + 1 :])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "From: a@example.com",
                "From x",
                " folded",
                "\t",
                ":no name",
                "X-A: 1",
                "",
                "--b",
                "body line",
                "Received: from x\r",
                "To: b@example.net\x0c",
            ]
        ),
        max_size=10,
    )
)
def test_headers_only_on_generated_lines(lines: list[str]) -> None:
    _same_headers_as_stdlib("\n".join(lines))
    _same_headers_as_stdlib("\n".join(lines) + "\n")


def _with_content_type(value: str) -> Message:
    m = Message()
    m["Content-Type"] = value
    return m


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["multipart/mixed", ";", " ", "boundary", "BOUNDARY", "=", '"', "\\", "<", ">", "abc", "b*", "x=1", "'"]
        ),
        max_size=12,
    )
)
def test_boundary_is_get_boundary(pieces: list[str]) -> None:
    m = _with_content_type("".join(pieces))
    assert mime._boundary_param(m) == m.get_boundary()


@pytest.mark.parametrize(
    "value",
    [
        'multipart/report; boundary="abc"; report-type=delivery-status',
        "multipart/mixed;\n\tboundary=----=_Part_1",
        'multipart/mixed; boundary="a\\"b"',
        "multipart/mixed; boundary=<abc>",
        'boundary="first"; boundary=second',
        "multipart/mixed; boundary*=us-ascii''abc",
        "multipart/alternative; charset=utf-8",
    ],
)
def test_boundary_shapes(value: str) -> None:
    m = _with_content_type(value)
    assert mime._boundary_param(m) == m.get_boundary()


@pytest.mark.parametrize("path", sorted(MESSAGES.glob("*.eml")), ids=lambda p: p.name)
def test_boundary_of_every_fixture_part(path) -> None:
    for part in _parts(parse(path.read_bytes()).msg):
        assert mime._boundary_param(part) == part.get_boundary()


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab \n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\udc85", max_size=20))
def test_split_lines_cuts_at_lf_only(text: str) -> None:
    pieces = text.split("\n")
    expected = [p + "\n" for p in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])
    assert mime.split_lines(text) == expected


def test_legacy_layouts_ruled_out_by_their_words_cannot_start() -> None:
    """The legacy detector skips a layout whose introduction's words are absent: every layout
    whose introduction does occur in a report is still tried, on every fixture's report and on
    each introduction's own example (the layout's start pattern itself, unescaped words)."""
    from feedback.detectors import legacy
    from feedback.detectors.text import report_text

    reports = [report_text(parse(p.read_bytes())) for p in sorted(MESSAGES.glob("*.eml"))]
    reports += [" ".join(words) for _layout, words in legacy._guarded_layouts() if words]
    hits = 0
    for report in reports:
        tried = set(map(id, legacy._layouts_in(report)))
        for layout in legacy.LAYOUTS:
            if layout.start.search(report):
                hits += 1
                assert id(layout) in tried, (layout.site, report[:200])
    assert hits, "the reports exercise the layouts"
    assert all(words for _layout, words in legacy._guarded_layouts()), "every layout is guarded"
