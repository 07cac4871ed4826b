"""The report's numbers against hand-counted databases, `feedback report` and `feedback stats --check`."""

from __future__ import annotations

import datetime
import hashlib
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedback import report as rep
from feedback.cli import main
from feedback.models import Event, RawMessage
from feedback.policy import Policy
from feedback.store import SENDER_SIDE, Store

from .conftest import FIXTURES


def ev(
    ident: str | None,
    day: str,
    kind: str = "bounce",
    btype: str | None = "Permanent",
    reason: str = "userunknown",
    rcpt: str = "someone@x.example",
    mta: str | None = None,
    diag: str | None = None,
    hour: int = 10,
) -> Event:
    """One event, unique by a counter so that identical-looking ones are stored apart."""
    ev.n += 1  # type: ignore[attr-defined]
    sha = hashlib.sha256(f"{ev.n}".encode()).hexdigest()  # type: ignore[attr-defined]
    return Event(
        kind=kind,
        recipient=rcpt,
        bounce_type=btype if kind == "bounce" else None,
        reason=reason,
        remote_mta=mta,
        diagnostic_code=diag,
        identity=ident,
        message_sha256=sha,
        received_at=f"{day}T{hour:02d}:00:00Z",
        detector="test",
    )


ev.n = 0  # type: ignore[attr-defined]


def write(db: Path, events: list[Event], sends: dict[tuple[str, str], int] | None = None) -> None:
    """Store ``events`` through the real store (one message each) and the app's send counts."""
    s = Store(str(db), policy=Policy(trust="any"))
    try:
        s.add_batch([(RawMessage(data=e.message_sha256.encode(), source="t"), [e]) for e in events if e.message_sha256])
        with sqlite3.connect(db) as conn:
            conn.executemany(
                "INSERT INTO sends (identity, day, count) VALUES (?, ?, ?)",
                [(i, d, n) for (i, d), n in (sends or {}).items()],
            )
    finally:
        s.close()


A, B = "a.example.com", "b.example.com"
URL_DIAG = "smtp; 550 5.7.1 Service unavailable, client blocked; see https://blocklist.example/lookup?ip=192.0.2.9 now"


@pytest.fixture
def counted(tmp_path: Path) -> Path:
    """The hand-counted database (counts in comments)."""
    db = tmp_path / "c.db"
    events = [
        # A, 03-01: 2 Permanent userunknown at x.example, 1 Transient blocked at y.example, 1 complaint at x.example
        ev(A, "2024-03-01", rcpt="p1@x.example", mta="dns; mx.x.example"),
        ev(A, "2024-03-01", rcpt="p2@X.EXAMPLE", mta="dns; mx.x.example"),
        ev(A, "2024-03-01", btype="Transient", reason="blocked", rcpt="t1@y.example", diag=URL_DIAG),
        ev(A, "2024-03-01", kind="complaint", reason="feedback", rcpt="c1@x.example"),
        # A, 03-02: 1 Permanent hostunknown at y.example, 1 Undetermined at z.example
        ev(A, "2024-03-02", reason="hostunknown", rcpt="p3@y.example"),
        ev(A, "2024-03-02", btype="Undetermined", reason="undefined", rcpt="u1@z.example"),
        # A, 03-04: 6 Permanent userunknown at x.example
        *[ev(A, "2024-03-04", rcpt=f"q{i}@x.example") for i in range(6)],
        # B, 03-04: 8 deliveries, 2 Permanent at x.example, 1 complaint
        *[
            ev(B, "2024-03-04", kind="delivery", btype=None, reason="delivered", rcpt=f"d{i}@w.example")
            for i in range(8)
        ],
        ev(B, "2024-03-04", rcpt="r1@x.example"),
        ev(B, "2024-03-04", rcpt="r2@x.example"),
        ev(B, "2024-03-04", kind="complaint", reason="feedback", rcpt="c2@w.example", hour=11),
        # no identity, 03-02: 1 Transient mailboxfull
        ev(None, "2024-03-02", btype="Transient", reason="mailboxfull", rcpt="m1@w.example"),
        # an autoreply counts nowhere
        ev(A, "2024-03-04", kind="autoreply", btype="Transient", reason="vacation", rcpt="away@x.example"),
    ]
    write(db, events, {(A, "2024-03-01"): 100, (A, "2024-03-02"): 50, (A, "2024-03-04"): 100})
    return db


def data_of(db: Path, start: str = "2024-03-01", end: str = "2024-03-04", **kw: object) -> rep.ReportData:
    with sqlite3.connect(db) as conn:
        return rep.gather(conn, start, end, **kw)  # type: ignore[arg-type]


def by_name(data: rep.ReportData) -> dict[str, rep.IdentityData]:
    return {d.name: d for d in data.identities}


def test_daily_counts_and_sent(counted: Path) -> None:
    ids = by_name(data_of(counted))
    assert set(ids) == {A, B, rep.NO_IDENTITY}
    a, b, none = ids[A], ids[B], ids[rep.NO_IDENTITY]
    assert a.day("2024-03-01") == rep.Daily(permanent=2, transient=1, complaints=1, sends=100)
    assert a.day("2024-03-02") == rep.Daily(permanent=1, undetermined=1, sends=50)
    assert a.day("2024-03-03") == rep.Daily() and a.day("2024-03-03").sent is None
    assert a.day("2024-03-04") == rep.Daily(permanent=6, sends=100)
    # B has no sends row: sent = deliveries + bounces.
    assert b.day("2024-03-04") == rep.Daily(permanent=2, complaints=1, deliveries=8)
    assert b.day("2024-03-04").sent == 10
    assert none.day("2024-03-02") == rep.Daily(transient=1) and none.day("2024-03-02").sent is None


def test_reasons_and_receivers(counted: Path) -> None:
    a = by_name(data_of(counted))[A]
    assert dict(a.reasons) == {
        ("2024-03-01", "userunknown"): 2,
        ("2024-03-01", "blocked"): 1,
        ("2024-03-01", "feedback"): 1,
        ("2024-03-02", "hostunknown"): 1,
        ("2024-03-02", "undefined"): 1,
        ("2024-03-04", "userunknown"): 6,
    }
    # The domain is compared lower-cased: P2@X.EXAMPLE is x.example's.
    assert dict(a.receivers) == {
        ("x.example", "bad address", "2024-03-01"): 2,
        ("y.example", "blocked (IP/domain)", "2024-03-01"): 1,
        ("x.example", "complaint", "2024-03-01"): 1,
        ("y.example", "bad address", "2024-03-02"): 1,
        ("z.example", "other", "2024-03-02"): 1,
        ("x.example", "bad address", "2024-03-04"): 6,
    }


def test_cause_groups_cover_the_sender_side_reasons() -> None:
    assert {r for g in rep.REFUSING_US for r in rep.CAUSE_GROUPS[g]} == SENDER_SIDE
    assert rep.cause_group("blocked") == "blocked (IP/domain)" and rep.cause_group("expired") == "other"


def test_rolling_rates(counted: Path) -> None:
    a = by_name(data_of(counted))[A]
    r = rep.rolling_rates(a, rep.day_range("2024-02-29", "2024-03-04"), 7)
    assert r["2024-02-29"] == (None, None)  # nothing sent in its window
    assert r["2024-03-01"] == (2 / 100, 1 / 100)
    assert r["2024-03-02"] == (3 / 150, 1 / 150)
    assert r["2024-03-03"] == (3 / 150, 1 / 150)  # no send count that day: left out, not zero
    assert r["2024-03-04"] == (9 / 250, 1 / 250)
    # A 2-day window ending 03-04 holds 03-03 (no count) and 03-04 only.
    assert rep.rolling_rates(a, ["2024-03-04"], 2)["2024-03-04"] == (6 / 100, 0.0)


def test_standing_against_ses_levels(counted: Path) -> None:
    ids = by_name(data_of(counted))
    a = rep.standing(ids[A], "2024-03-04", 7)
    assert (a.sent, a.permanent, a.complaints) == (250, 9, 1)
    assert a.bounce_rate == pytest.approx(0.036) and a.complaint_rate == pytest.approx(0.004)
    # 0.4% complaints: past the 0.1% review level, not the 0.5% pause; since 03-01, its first day with sends.
    assert (a.level, a.metric, a.since) == ("review", "complaint", "2024-03-01")
    assert a.causes[:2] == [("userunknown", 8), ("blocked", 1)]
    assert a.receivers[0] == ("x.example", "bad address", 8)
    b = rep.standing(ids[B], "2024-03-04", 7)
    assert (b.sent, b.bounce_rate, b.complaint_rate, b.level) == (10, 0.2, 0.1, "pause")
    none = rep.standing(ids[rep.NO_IDENTITY], "2024-03-04", 7)
    assert (none.sent, none.level) == (None, "ok")
    # A 1-day window on 03-04: 6% hard bounces, past review (5%), since that day only.
    a1 = rep.standing(ids[A], "2024-03-04", 1)
    assert (a1.level, a1.metric, a1.since, a1.bounce_rate) == ("review", "bounce", "2024-03-04", 0.06)
    assert "hard-bounce rate 6% (6 of 100 sent)" in a1.line() and a1.line().startswith(f"{A}: ")


def test_jump_without_send_counts(tmp_path: Path) -> None:
    db = tmp_path / "j.db"
    end = datetime.date(2024, 5, 31)
    events = []
    for back in range(35):
        day = (end - datetime.timedelta(days=back)).isoformat()
        # "steady": 1 a day throughout; "jumpy": 1 every other day, then 4 a day in the last week.
        events.append(ev("steady.example", day, rcpt=f"s{back}@x.example"))
        n = 4 if back < 7 else back % 2
        events += [ev("jumpy.example", day, rcpt=f"j{back}-{i}@x.example") for i in range(n)]
    write(db, events)
    ids = by_name(data_of(db, "2024-05-25", "2024-05-31"))
    steady = rep.standing(ids["steady.example"], "2024-05-31", 7)
    assert (steady.permanent, steady.baseline_permanent, steady.level) == (7, 7.0, "ok")
    jumpy = rep.standing(ids["jumpy.example"], "2024-05-31", 7)
    # Earlier 4 weeks: 14 in all, 3.5 a week; now 28 >= max(2 x 3.5, 3.5 + 10).
    assert (jumpy.permanent, jumpy.baseline_permanent, jumpy.level, jumpy.since) == (28, 3.5, "jump", "2024-05-25")
    assert "no send counts" in jumpy.line() and "Permanent bounces jumped" in jumpy.line()


def test_newest_suppressions_with_a_link_free_excerpt(counted: Path) -> None:
    data = data_of(counted)
    addresses = [s.address for s in data.suppressions]
    # Hard bounces and complaints suppress (trust "any"); the blocked soft bounce and mailboxfull do not.
    assert "t1@y.example" not in addresses and "m1@w.example" not in addresses
    assert addresses[0] == "c2@w.example"  # the newest: 03-04 11:00
    assert set(addresses) >= {"p1@x.example", "p2@x.example", "c1@x.example", "p3@y.example", "r1@x.example"}
    assert rep.excerpt(URL_DIAG) == "smtp; 550 5.7.1 Service unavailable, client blocked; see [link] now"
    assert rep.excerpt("a\n  b " + "x" * 300, 20) == "a b " + "x" * 15 + "…"
    only_b = data_of(counted, identity=B)
    assert {s.identity for s in only_b.suppressions} == {B} and [d.name for d in only_b.identities] == [B]


def cells(page: str, row: str) -> list[str]:
    """The cells of the table row whose header is ``row`` (first match)."""
    m = re.search(rf'<tr><th scope="row">{re.escape(row)}</th>(.*?)</tr>', page)
    assert m, row
    return re.findall(r"<td[^>]*>(.*?)</td>", m.group(1))


def test_rendered_charts_and_tables_carry_the_numbers(counted: Path) -> None:
    data = data_of(counted)
    page = rep.render(data)
    # Counts table (first table on the page with day rows is A's, the most urgent identity after B).
    b_at = page.index('id="id-b-example-com"')
    a_at = page.index('id="id-a-example-com"')
    assert b_at < a_at  # B (pause) before A (review)
    a_part = page[a_at:]
    assert cells(a_part, "2024-03-01")[:4] == ["2", "1", "0", "1"]
    assert cells(a_part, "2024-03-04")[:4] == ["6", "0", "0", "0"]
    # The bars' tooltips say the same numbers.
    assert "<title>2024-03-01: 2 Permanent bounces</title>" in a_part
    assert "<title>2024-03-04: 6 userunknown (bad address)</title>" in a_part
    # The rate tables: day, sent, hard bounces, that day, over 7 days.
    rate_rows = re.findall(r'<tr><th scope="row">2024-03-02</th>(.*?)</tr>', a_part)
    assert any(re.findall(r">(.*?)</td>", r) == ["50", "1", "2%", "2%"] for r in rate_rows)
    # The receivers table: x.example's bad addresses, 8 over the period, from 03-01 to 03-04.
    assert cells(a_part, "x.example · bad address") == ["8", "2024-03-01", "2024-03-04", "2024-03-04 (6)"]
    # The heatmap draws a cell per day with events.
    assert "<title>2024-03-04: 6 · x.example · bad address</title>" in a_part
    # Suppressions: the excerpt without its link.
    assert "blocklist.example" not in page
    # Standing table: B past the pause level, A past review since 03-01.
    assert re.search(r'href="#id-b-example-com">b\.example\.com</a></th><td><span class="badge pause">', page)
    assert re.search(
        r'href="#id-a-example-com">a\.example\.com</a></th><td><span class="badge review">.*?2024-03-01', page
    )


def test_the_page_loads_nothing_from_anywhere(counted: Path) -> None:
    page = rep.render(data_of(counted))
    assert "<script" not in page.lower()
    assert not re.search(r"\s(?:src|srcset|data|poster)=", page)
    assert set(re.findall(r'href="([^"]*)"', page)) <= {f"#{rep._slug(n)}" for n in (A, B, rep.NO_IDENTITY)}
    assert "url(" not in page and "@import" not in page
    assert f'content="{rep.CSP}"' in page and "default-src 'none'" in rep.CSP


def test_empty_database_renders(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    Store(str(db)).close()
    with sqlite3.connect(db) as conn:
        data, page = rep.build(conn)
    assert data.identities == [] and "No bounces or complaints in this period." in page


def run(db: Path, *args: str) -> object:
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


def test_cli_report_writes_the_page(counted: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    res = run(counted, "report", "--since", "2024-03-01", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert res.output.strip() == f"{out}: 3 identities, 2024-03-01 to 2024-03-04"
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "a.example.com" in page
    res = run(counted, "report", "--identity", B, "--out", "-")
    assert res.exit_code == 0 and "b.example.com" in res.output and 'id="id-a-example-com"' not in res.output
    bad = run(counted, "report", "--since", "March", "--out", str(out))
    assert bad.exit_code == 2 and "--since March: give a day as YYYY-MM-DD" in bad.output
    nowhere = run(counted, "report", "--out", str(tmp_path / "no" / "such" / "r.html"))
    assert nowhere.exit_code == 2 and "Traceback" not in nowhere.output


def test_demo_report(tmp_path: Path) -> None:
    """The README's first command: the bundled mailbox, then its report."""
    db, out = tmp_path / "demo.db", tmp_path / "demo-report.html"
    cfg = ["--config", str(FIXTURES / "demo.toml"), "--db", str(db)]
    assert CliRunner().invoke(main, [*cfg, "poll"]).exit_code == 0
    res = CliRunner().invoke(main, [*cfg, "report", "--out", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text()
    assert "example.org" in page and "<svg" in page


def today_minus(n: int) -> str:
    return (datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=n)).isoformat()


def test_stats_check_flags_exactly_the_identities_over_a_level(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    events, sends = [], {}
    for back in range(7):
        day = today_minus(back)
        # over.example: 6 of 100 hard-bounce (6% > 5%); under.example: 4 of 100; complainer: 2 of 1000 (0.2%).
        events += [ev("over.example", day, rcpt=f"o{back}-{i}@x.example") for i in range(6)]
        events += [ev("under.example", day, rcpt=f"u{back}-{i}@x.example") for i in range(4)]
        events += [
            ev("complainer.example", day, kind="complaint", reason="feedback", rcpt=f"c{back}-{i}@x.example")
            for i in range(2)
        ]
        sends.update({("over.example", day): 100, ("under.example", day): 100, ("complainer.example", day): 1000})
    # Ten days ago, under.example had a bad day: outside the last 7 days, it does not count.
    events += [ev("under.example", today_minus(10), rcpt=f"old{i}@x.example") for i in range(50)]
    sends[("under.example", today_minus(10))] = 100
    write(db, events, sends)
    res = run(db, "stats", "--check")
    assert res.exit_code == 1
    lines = res.output.splitlines()
    assert sorted(line.split(":")[0] for line in lines) == ["complainer.example", "over.example"]
    over = next(x for x in lines if x.startswith("over.example"))
    assert "hard-bounce rate 6% (42 of 700 sent)" in over and "review level 5%" in over
    # Over 14 days, under.example's bad day counts: (28 + 50) / 800 = 9.75%.
    res14 = run(db, "stats", "--check", "--days", "14")
    assert "under.example: hard-bounce rate 9.75%" in res14.output
    assert run(db, "stats", "--days", "3").exit_code == 2


def test_stats_check_is_silent_when_nothing_passes(counted: Path) -> None:
    # The hand-counted events are from 2024: nothing in the last 7 days.
    res = run(counted, "stats", "--check")
    assert (res.exit_code, res.output) == (0, "")


def test_stats_bounce_rate_counts_hard_bounces_only(counted: Path) -> None:
    import json

    rows = json.loads(run(counted, "stats", "--format", "json").output)
    (r,) = [x for x in rows if x["identity"] == A and x["day"] == "2024-03-01"]
    assert r["bounce_rate"] == 0.02 and r["complaint_rate"] == 0.01  # 2 Permanent (not the Transient) of 100


def test_every_package_is_installed() -> None:
    """`pip install .` (the README's first command) ships every package the report imports, feedback.receivers too."""
    import tomllib

    root = FIXTURES.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(root).parts) for p in (root / "feedback").rglob("__init__.py")}
    assert found == listed


def test_a_receiver_that_started_refusing_us(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    end = datetime.date(2024, 5, 31)
    events = []
    for back in range(35):
        day = (end - datetime.timedelta(days=back)).isoformat()
        # z.example blocks us twice a day all along: nothing new. w.example's bad addresses are not a refusal.
        events += [
            ev("r.example", day, btype="Transient", reason="blocked", rcpt=f"z{back}-{i}@z.example") for i in range(2)
        ]
        if back < 7:
            events += [ev("r.example", day, rcpt=f"w{back}-{i}@w.example") for i in range(3)]
        # y.example starts rate-limiting us on 05-27 (4 days before the end): 3 a day, 12 in all.
        if back <= 4 and back != 0:
            events += [
                ev("r.example", day, btype="Transient", reason="ratelimited", rcpt=f"y{back}-{i}@y.example")
                for i in range(3)
            ]
    write(db, events)
    (d,) = data_of(db, "2024-05-25", "2024-05-31").identities
    st = rep.standing(d, "2024-05-31", 7)
    assert st.new_refusals == [("y.example", "rate", 12, "2024-05-27")]
    page = rep.render(data_of(db, "2024-05-25", "2024-05-31"))
    assert "y.example refuses us (rate) since 2024-05-27" in page
    assert "New: y.example refuses us (rate) since 2024-05-27, 12 times." in page


def test_send_events_that_arrived_by_mail_count_as_sent(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    day = "2024-03-04"
    events = [ev(A, day, kind="send", btype=None, reason="send", rcpt=f"r{i}@x.example") for i in range(40)]
    events += [ev(A, day, kind="delivery", btype=None, reason="delivered", rcpt=f"r{i}@x.example") for i in range(30)]
    events += [ev(A, day, rcpt=f"r{i}@x.example") for i in range(2)]
    write(db, events)
    a = by_name(data_of(db, start=day, end=day))[A]
    # SES's Send events beat deliveries + bounces (32) as the count of mail sent.
    assert a.day(day).send_events == 40 and a.day(day).sent == 40
