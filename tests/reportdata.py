"""A realistic database for the report: several identities over several weeks, written through the real store.

Used by the browser test, the report benchmark and scripts/report_screenshot.py.
The story it tells (every count drawn from a seeded random generator):

- ``news@example.org`` (sends recorded in ``sends``): about 1.5% hard bounces,
  until a bought list goes out two weeks before the end: hard bounces climb
  past SES's 5% review level at ``userunknown`` addresses of ``mail.example``.
- ``example.com`` (sends recorded): clean, until ``outlook.example`` starts
  blocking our IP (``blocked``, Transient) on a Tuesday six days before the end.
- ``billing@example.com`` (SES Delivery notifications by mail, no sends table):
  a few complaints a week, near the 0.1% review level.
- ``example.net`` (no send counts at all): Permanent bounces jump in the last week.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from feedback.models import Event, RawMessage
from feedback.policy import Policy
from feedback.store import Store

DOMAINS = ("gmail.example", "outlook.example", "yahoo.example", "mail.example", "corp.example.net")


@dataclass
class Story:
    """What was written: the days, and the events per identity (for assertions)."""

    start: str
    end: str
    events: int = 0
    sends: dict[tuple[str, str], int] = field(default_factory=dict)


def _day(end: datetime.date, back: int) -> datetime.date:
    return end - datetime.timedelta(days=back)


def _bounce(
    rng: random.Random, ident: str, day: datetime.date, n: int, kind: str, btype: str | None, reason: str, domain: str
) -> Iterator[Event]:
    status = {"Permanent": "5.1.1", "Transient": "5.7.1"}.get(btype or "", None)
    diag = {
        "userunknown": "smtp; 550 5.1.1 <{r}>: Recipient address rejected: User unknown in virtual mailbox table",
        "blocked": "smtp; 550 5.7.1 Service unavailable, Client host [192.0.2.33] blocked using Spamhaus."
        " To request removal from this list see https://www.spamhaus.example/query/ip/192.0.2.33",
        "mailboxfull": "smtp; 452 4.2.2 <{r}>: mailbox full",
        "spamdetected": "smtp; 550 5.7.1 Message rejected as spam by Content Filtering.",
        "ratelimited": "smtp; 421 4.7.0 Try again later, closing connection. (rate limited)",
        "hostunknown": "smtp; 550 5.1.2 Host unknown (Name server: {d}: host not found)",
        "feedback": None,
    }
    for _ in range(n):
        user = f"u{rng.randrange(10**7):07d}"
        rcpt = f"{user}@{domain}"
        at = datetime.datetime.combine(day, datetime.time(rng.randrange(24), rng.randrange(60), rng.randrange(60)))
        text = diag.get(reason)
        sha = hashlib.sha256(f"{ident}{rcpt}{at}{rng.random()}".encode()).hexdigest()
        yield Event(
            kind=kind,
            recipient=rcpt,
            bounce_type=btype,
            bounce_subtype={"Permanent": "General", "Transient": "General"}.get(btype or ""),
            reason=reason,
            status=status if kind == "bounce" else None,
            action="failed" if kind == "bounce" else None,
            diagnostic_code=text.format(r=rcpt, d=domain) if text else None,
            remote_mta=f"dns; mx1.{domain}" if kind == "bounce" else None,
            feedback_type="abuse" if kind == "complaint" else None,
            ses_message_id=f"0100{sha[:40]}-000000",
            identity=ident,
            source="report-test",
            message_sha256=sha,
            received_at=at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            detector="test",
            classifier_version="test",
        )


def events_for(
    end: datetime.date, days: int, scale: float, seed: int
) -> tuple[list[Event], dict[tuple[str, str], int]]:
    """The story's events and the sends table's rows, ``scale`` times the volume."""
    rng = random.Random(seed)
    out: list[Event] = []
    sends: dict[tuple[str, str], int] = {}

    def poisson(lam: float) -> int:
        # Knuth's method is fine for small means; larger ones are near normal.
        lam *= scale
        if lam > 30:
            return max(0, round(rng.gauss(lam, lam**0.5)))
        limit, k, p = 2.718281828459045**-lam, 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1

    blocked_from = None
    for back in range(days - 1, -1, -1):
        day = _day(end, back)
        if back <= 8 and day.weekday() == 1 and blocked_from is None:
            blocked_from = day  # the Tuesday of the last week and a bit
    for back in range(days - 1, -1, -1):
        day = _day(end, back)
        weekend = day.weekday() >= 5
        d = day.isoformat()

        # news@example.org: a newsletter, sends recorded.
        sent = round((600 if weekend else 1500) * scale)
        sends[("news@example.org", d)] = sent
        hard = 0.015 if back > 13 else 0.015 + 0.06 * min(1.0, (14 - back) / 5)
        for domain, share in (("mail.example", 0.55), ("gmail.example", 0.25), ("yahoo.example", 0.2)):
            if back <= 13 and domain == "mail.example":
                share = 0.8
            out += _bounce(rng, "news@example.org", day, poisson(sent / scale * hard * share), "bounce", "Permanent", "userunknown", domain)  # fmt: skip
        out += _bounce(rng, "news@example.org", day, poisson(sent / scale * 0.004), "bounce", "Transient", "mailboxfull", rng.choice(DOMAINS))  # fmt: skip
        out += _bounce(rng, "news@example.org", day, poisson(sent / scale * 0.0004), "complaint", None, "feedback", "yahoo.example")  # fmt: skip

        # example.com: transactional mail, sends recorded; outlook.example blocks us from a Tuesday.
        sent = round(900 * scale)
        sends[("example.com", d)] = sent
        out += _bounce(rng, "example.com", day, poisson(6), "bounce", "Permanent", "userunknown", rng.choice(DOMAINS))
        out += _bounce(rng, "example.com", day, poisson(2), "bounce", "Transient", "spamdetected", "gmail.example")
        if blocked_from is not None and day >= blocked_from:
            out += _bounce(rng, "example.com", day, poisson(35), "bounce", "Transient", "blocked", "outlook.example")
        out += _bounce(rng, "example.com", day, poisson(1.5), "bounce", "Transient", "ratelimited", "yahoo.example")

        # billing@example.com: deliveries reported by SES, no sends table.
        delivered = poisson(40)
        for ev in _bounce(
            rng, "billing@example.com", day, delivered, "delivery", None, "delivered", "corp.example.net"
        ):
            out.append(ev)
        out += _bounce(rng, "billing@example.com", day, poisson(0.3), "bounce", "Permanent", "hostunknown", "corp.example.net")  # fmt: skip
        out += _bounce(rng, "billing@example.com", day, poisson(0.05), "complaint", None, "feedback", "gmail.example")  # fmt: skip

        # example.net: no counts of what it sends; its hard bounces jump in the last week.
        out += _bounce(rng, "example.net", day, poisson(3 if back > 6 else 12), "bounce", "Permanent", "userunknown", rng.choice(DOMAINS))  # fmt: skip
    return out, sends


def build(path: str, end: str, days: int = 42, scale: float = 1.0, seed: int = 11, batch: int = 2000) -> Story:
    """Write the story into a new database at ``path`` ending on ``end`` (YYYY-MM-DD)."""
    end_day = datetime.date.fromisoformat(end)
    events, sends = events_for(end_day, days, scale, seed)
    store = Store(path, keep_raw=False, policy=Policy(trust="any"))
    try:
        # One feedback message per event, as SES sends one DSN per bounced recipient.
        pending: list[tuple[RawMessage, list[Event]]] = []
        for e in events:
            pending.append(
                (RawMessage(data=e.message_sha256.encode() if e.message_sha256 else b"", source="report-test"), [e])
            )
            if len(pending) >= batch:
                store.add_batch(pending)
                pending.clear()
        if pending:
            store.add_batch(pending)
        with store._tx():
            store.db.executemany(
                "INSERT INTO sends (identity, day, count) VALUES (?, ?, ?)",
                [(i, d, n) for (i, d), n in sends.items()],
            )
    finally:
        store.close()
    return Story(start=_day(end_day, days - 1).isoformat(), end=end, events=len(events), sends=sends)
