"""The HTML report: per SES identity, bounces and complaints against SES's review levels, their causes, and
which receivers refuse us.

Two layers. ``gather`` is the query layer: a few aggregate queries over the
database (never a Python loop over events), giving a ``ReportData``. The rest
is pure: ``standing`` computes where an identity stands against SES's levels
(also what ``feedback stats --check`` prints), ``render`` turns the data into
one self-contained HTML page. Charts are inline SVG written here: no script,
no font, image or style sheet from anywhere (a Content-Security-Policy in the
page forbids them), so the file opens offline and its numbers are also tables.

Rates are SES's: the bounce rate counts hard (``Permanent``) bounces only, the
complaint rate every complaint, both divided by the messages sent. Sent is the
``sends`` table's count for the identity and day, else SES Send events that
arrived by mail, else, where SES Delivery notifications arrived by mail,
deliveries + bounces. Days without either are
left out of a rate, not counted as zero sends.
"""

from __future__ import annotations

import datetime
import functools
import html
import math
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

# SES's published levels: "under review" at the first, sending paused at the second.
BOUNCE_REVIEW, BOUNCE_PAUSE = 0.05, 0.10
COMPLAINT_REVIEW, COMPLAINT_PAUSE = 0.001, 0.005
WINDOW = 7  # days a rate is taken over, as `stats --check` does by default
PERIOD = 56  # days shown when --since is not given
BASELINE_WINDOWS = 4  # earlier windows a jump is measured against, without send counts
# Without send counts, a jump is at least double the earlier windows' average and at least this many more:
# complaints weigh 50 times more than bounces in SES's eyes, so fewer of them count.
JUMP_MIN = {"permanent": 10, "complaints": 3}
REFUSALS_MIN = 10  # sender-side refusals by one receiver in a window before it counts as "started refusing us"

# What a reason says about who refused: the address, the mailbox, or us (REFUSING_US: exactly the
# sender-side reasons of feedback.store, which never suppress an address; a test keeps them in step).
CAUSE_GROUPS: dict[str, tuple[str, ...]] = {
    "bad address": ("userunknown", "hostunknown", "hasmoved", "notaccept", "suspend", "suppressed"),
    "mailbox full": ("mailboxfull", "systemfull"),
    "blocked (IP/domain)": ("blocked", "badreputation", "requireptr", "norelaying", "rejected"),
    "content/spam": (
        "spamdetected", "virusdetected", "policyviolation", "contenterror", "notcompliantrfc", "mesgtoobig",
        "exceedlimit", "syntaxerror",
    ),
    "authentication": ("authfailure", "securityerror"),
    "rate": ("speeding", "ratelimited", "toomanyconn"),
    "complaint": ("feedback",),
}  # fmt: skip
OTHER_GROUP = "other"
GROUP_OF = {reason: group for group, reasons in CAUSE_GROUPS.items() for reason in reasons}
REFUSING_US = ("blocked (IP/domain)", "content/spam", "authentication", "rate")

COLORS = {
    "permanent": "#c62828",
    "transient": "#f29e1f",
    "undetermined": "#9e9e9e",
    "complaints": "#7b1fa2",
    "daily": "#90a4ae",
    "rolling": "#1565c0",
    "review": "#ef6c00",
    "pause": "#b71c1c",
}
GROUP_COLORS = {
    "bad address": "#c62828",
    "mailbox full": "#f29e1f",
    "blocked (IP/domain)": "#263238",
    "content/spam": "#6a1b9a",
    "authentication": "#00897b",
    "rate": "#1e88e5",
    "complaint": "#d81b60",
    OTHER_GROUP: "#9e9e9e",
}
# Reasons chart: a categorical palette (Tableau 10), the last colour for "other reasons".
REASON_PALETTE = ("#4e79a7", "#e15759", "#f28e2b", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#bab0ac")
TOP_REASONS = 7
TOP_RECEIVERS = 10
SUPPRESSIONS = 20

NO_IDENTITY = "(no identity)"


def cause_group(reason: str | None) -> str:
    """The cause group of a reason word ("blocked" -> "blocked (IP/domain)")."""
    return GROUP_OF.get(reason or "", OTHER_GROUP)


# ---------------------------------------------------------------- data


@dataclass
class Daily:
    """One identity's day: bounces by SES type, complaints, deliveries, and sends when the app recorded them."""

    permanent: int = 0
    transient: int = 0
    undetermined: int = 0
    complaints: int = 0
    deliveries: int = 0
    send_events: int = 0
    sends: int | None = None

    @property
    def sent(self) -> int | None:
        """Messages sent: the sends table, else SES Send events, else deliveries + bounces, else None."""
        if self.sends is not None:
            return self.sends
        if self.send_events:
            return self.send_events
        if self.deliveries:
            return self.deliveries + self.permanent + self.transient + self.undetermined
        return None


@dataclass
class IdentityData:
    """Everything the report shows for one identity (``None``: feedback no configured identity matched)."""

    identity: str | None
    days: dict[str, Daily] = field(default_factory=dict)
    reasons: Counter[tuple[str, str]] = field(default_factory=Counter)  # (day, reason)
    receivers: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (receiver, cause group, day)

    @property
    def name(self) -> str:
        """The identity for people."""
        return self.identity if self.identity is not None else NO_IDENTITY

    def day(self, day: str) -> Daily:
        """The day's counts (zeros when nothing happened)."""
        return self.days.get(day) or Daily()


@dataclass(frozen=True)
class Suppression:
    """An active suppression and the event that decided it."""

    address: str
    scope: str
    reason: str | None
    bounce_type: str | None
    last_at: str | None
    count: int
    manual: str | None
    identity: str | None
    status: str | None
    diagnostic: str | None


@dataclass
class ReportData:
    """What ``render`` draws: a period of days, the identities seen in it, the newest suppressions."""

    start: str
    end: str
    identities: list[IdentityData]
    suppressions: list[Suppression] = field(default_factory=list)
    generated_at: str = ""
    database: str = ""
    window: int = WINDOW

    @property
    def days(self) -> list[str]:
        """Every day of the period, oldest first."""
        return day_range(self.start, self.end)


def day_range(start: str, end: str) -> list[str]:
    """Days from ``start`` to ``end`` inclusive, as YYYY-MM-DD."""
    a, b = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    return [(a + datetime.timedelta(days=i)).isoformat() for i in range((b - a).days + 1)]


def shift(day: str, days: int) -> str:
    """``day`` moved by ``days`` (negative: earlier)."""
    return (datetime.date.fromisoformat(day) + datetime.timedelta(days=days)).isoformat()


def parse_day(text: str) -> str:
    """A YYYY-MM-DD day (an ISO time is cut to its day); ValueError otherwise."""
    return datetime.date.fromisoformat(text.strip()[:10]).isoformat()


# ---------------------------------------------------------------- query layer

_DAY = "substr(coalesce(received_at, stored_at), 1, 10)"


@functools.lru_cache(maxsize=65536)
def receiver_name(remote_mta: str | None, domain: str | None) -> str:
    """Who answered: a known provider (by MX host or hosted domain), else the recipient's domain."""
    from .receivers import identify

    r = identify(remote_mta, f"x@{domain}" if domain else None, "")
    if r is not None:
        return r.name
    return domain or "unknown"


def period(db: sqlite3.Connection, since: str | None = None, identity: str | None = None) -> tuple[str, str]:
    """The report's days: from ``since`` (default: PERIOD days back, or the first feedback) to the last feedback."""
    where, params = "kind IN ('bounce', 'complaint', 'delivery')", []
    if identity is not None:
        where += " AND identity = ?"
        params.append(identity)
    first, last = db.execute(f"SELECT min({_DAY}), max({_DAY}) FROM events WHERE {where}", params).fetchone()
    end = parse_day(last) if last else datetime.datetime.now(datetime.UTC).date().isoformat()
    if since:
        start = parse_day(since)
    else:
        start = max(shift(end, -(PERIOD - 1)), parse_day(first) if first else end)
    return start, max(start, end)


def gather(
    db: sqlite3.Connection,
    start: str,
    end: str,
    *,
    identity: str | None = None,
    window: int = WINDOW,
    suppressions: int = SUPPRESSIONS,
) -> ReportData:
    """Read the aggregates the report draws for the days ``start`` to ``end``.

    Counts reach back ``BASELINE_WINDOWS + 1`` windows before ``start`` too: a
    rate or a jump on the first days shown is measured like any other.
    """
    first = shift(start, -window * (BASELINE_WINDOWS + 1))
    stop = shift(end, 1)
    flt, fparams = "", []
    if identity is not None:
        flt = " AND identity = ?"
        fparams = [identity]
    by_identity: dict[str | None, IdentityData] = {}

    def ident(name: str | None) -> IdentityData:
        d = by_identity.get(name)
        if d is None:
            d = by_identity[name] = IdentityData(name)
        return d

    rows = db.execute(
        f"SELECT identity, {_DAY} AS day, kind, bounce_type, reason,"
        " lower(substr(recipient_key, instr(recipient_key, '@') + 1)) AS domain, remote_mta, count(*)"
        " FROM events WHERE kind IN ('bounce', 'complaint')"
        f" AND coalesce(received_at, stored_at) >= ? AND coalesce(received_at, stored_at) < ?{flt}"
        " GROUP BY 1, 2, 3, 4, 5, 6, 7",
        [first, stop, *fparams],
    )
    for name, day, kind, btype, reason, domain, mta, n in rows:
        d = ident(name)
        daily = d.days.get(day)
        if daily is None:
            daily = d.days[day] = Daily()
        if kind == "complaint":
            daily.complaints += n
            reason = reason or "feedback"
        elif btype == "Permanent":
            daily.permanent += n
        elif btype == "Transient":
            daily.transient += n
        elif btype == "Undetermined":
            daily.undetermined += n
        else:
            continue  # a bounce without a type is no bounce bounces_daily counts either
        reason = reason or "undefined"
        d.reasons[(day, reason)] += n
        d.receivers[(receiver_name(mta, domain or None), cause_group(reason), day)] += n
    for name, day, kind, n in db.execute(
        f"SELECT identity, {_DAY}, kind, count(*) FROM events WHERE kind IN ('delivery', 'send')"
        f" AND coalesce(received_at, stored_at) >= ? AND coalesce(received_at, stored_at) < ?{flt} GROUP BY 1, 2, 3",
        [first, stop, *fparams],
    ):
        daily = ident(name).days.setdefault(day, Daily())
        if kind == "send":
            daily.send_events += n
        else:
            daily.deliveries += n
    for name, day, n in db.execute(
        f"SELECT identity, day, count FROM sends WHERE day >= ? AND day <= ?{flt}", [first, end, *fparams]
    ):
        ident(name).days.setdefault(day, Daily()).sends = int(n)
    shown = [d for d in by_identity.values() if any(start <= day <= end for day in d.days)]
    return ReportData(
        start=start,
        end=end,
        identities=sorted(shown, key=lambda d: d.name),
        suppressions=newest_suppressions(db, identity, suppressions),
        window=window,
    )


def newest_suppressions(db: sqlite3.Connection, identity: str | None, limit: int) -> list[Suppression]:
    """Active suppressions, newest first, with the deciding event's identity, status and diagnostic."""
    sql = (
        "SELECT s.address, s.scope, s.reason, s.bounce_type, coalesce(s.last_at, s.manual_at), s.count, s.manual,"
        " e.identity, e.status, e.diagnostic_code FROM suppressed v"
        " JOIN suppressions s ON s.address = v.address AND s.scope = v.scope"
        " LEFT JOIN events e ON e.id = s.last_event_id"
    )
    params: list[object] = []
    if identity is not None:
        sql += " WHERE e.identity = ?"
        params.append(identity)
    sql += " ORDER BY coalesce(s.last_at, s.manual_at) DESC, s.address LIMIT ?"
    params.append(limit)
    return [Suppression(*r) for r in db.execute(sql, params)]


# ---------------------------------------------------------------- standing


@dataclass
class Standing:
    """Where an identity stands at the end of a window of days.

    With send counts: its rates over the window against SES's levels. Without:
    its Permanent bounces and complaints against its own earlier windows.
    """

    identity: str
    end: str
    window: int
    sent: int | None = None
    permanent: int = 0
    complaints: int = 0
    bounce_rate: float | None = None
    complaint_rate: float | None = None
    baseline_permanent: float = 0.0
    baseline_complaints: float = 0.0
    level: str = "ok"  # pause | review | jump | watch | ok
    metric: str = ""  # bounce | complaint: the one closest to its level
    closeness: float = 0.0  # 1.0 = at the review level (or at the jump threshold)
    since: str | None = None
    causes: list[tuple[str, int]] = field(default_factory=list)
    receivers: list[tuple[str, str, int]] = field(default_factory=list)
    # Receivers that started refusing us (our IP or domain, content, authentication, rate) in the window:
    # (receiver, cause group, events in the window, first day).
    new_refusals: list[tuple[str, str, int, str]] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        """Past a review level, or a jump without send counts: what `stats --check` reports."""
        return self.level in ("pause", "review", "jump")

    @property
    def rank(self) -> tuple[int, float]:
        """Sort key, most urgent first."""
        return (-["ok", "watch", "jump", "review", "pause"].index(self.level), -self.closeness)

    def summary(self) -> str:
        """One line: the rate or the jump, the level passed, since when."""
        if self.sent is not None:
            parts = [
                f"hard-bounce rate {pct(self.bounce_rate)} ({self.permanent} of {self.sent} sent)",
                f"complaint rate {pct(self.complaint_rate)} ({self.complaints})",
            ]
            text = f"{', '.join(parts)} over {self.window} days"
            if self.level in ("review", "pause"):
                level = (BOUNCE_PAUSE if self.level == "pause" else BOUNCE_REVIEW) if self.metric == "bounce" else (
                    COMPLAINT_PAUSE if self.level == "pause" else COMPLAINT_REVIEW
                )  # fmt: skip
                text += f": {self.metric} rate past SES's {self.level} level {pct(level)}"
        else:
            text = (
                f"{self.permanent} Permanent bounces and {self.complaints} complaints in {self.window} days"
                f" (before: {self.baseline_permanent:.0f} and {self.baseline_complaints:.0f} on average); no send counts"
            )
            if self.level == "jump":
                text += f": {'Permanent bounces' if self.metric == 'bounce' else 'complaints'} jumped"
        if self.since and self.level != "ok":
            text += f", since {self.since}"
        return text

    def line(self) -> str:
        """`stats --check`'s line for this identity."""
        why = ""
        if self.causes:
            why = "; mostly " + ", ".join(f"{r} {n}" for r, n in self.causes[:3])
        if self.receivers:
            why += "; at " + ", ".join(f"{r}: {g} {n}" for r, g, n in self.receivers[:3])
        return f"{self.identity}: {self.summary()}{why}"


def pct(rate: float | None) -> str:
    """A rate as a short percentage ("6.25%", "0.1%")."""
    if rate is None:
        return "-"
    p = rate * 100
    if p == 0:
        return "0%"
    if p < 0.001:
        return "<0.001%"
    return f"{p:.3g}%"


def window_sums(d: IdentityData, end: str, window: int) -> tuple[int | None, int, int, int, int]:
    """Over the ``window`` days ending at ``end``: (sent, Permanent and complaints on days with a send count,
    Permanent and complaints on every day)."""
    sent: int | None = None
    perm_known = compl_known = perm_all = compl_all = 0
    for day in day_range(shift(end, -(window - 1)), end):
        x = d.day(day)
        perm_all += x.permanent
        compl_all += x.complaints
        s = x.sent
        if s is not None:
            sent = (sent or 0) + s
            perm_known += x.permanent
            compl_known += x.complaints
    return sent, perm_known, compl_known, perm_all, compl_all


def rolling_rates(d: IdentityData, days: Sequence[str], window: int) -> dict[str, tuple[float | None, float | None]]:
    """Per day: the (hard-bounce, complaint) rate over the ``window`` days ending that day."""
    out: dict[str, tuple[float | None, float | None]] = {}
    for day in days:
        sent, perm, compl, _, _ = window_sums(d, day, window)
        out[day] = (perm / sent, compl / sent) if sent else (None, None)
    return out


def standing(d: IdentityData, end: str, window: int = WINDOW) -> Standing:
    """Where ``d`` stands over the ``window`` days ending at ``end`` (see ``Standing``)."""
    st = Standing(identity=d.name, end=end, window=window)
    sent, perm_known, compl_known, perm_all, compl_all = window_sums(d, end, window)
    start = shift(end, -(window - 1))
    if sent:
        st.sent, st.permanent, st.complaints = sent, perm_known, compl_known
        st.bounce_rate, st.complaint_rate = perm_known / sent, compl_known / sent
        b, c = st.bounce_rate / BOUNCE_REVIEW, st.complaint_rate / COMPLAINT_REVIEW
        st.metric, st.closeness = ("bounce", b) if b >= c else ("complaint", c)
        if st.bounce_rate >= BOUNCE_PAUSE or st.complaint_rate >= COMPLAINT_PAUSE:
            st.level = "pause"
            if st.bounce_rate >= BOUNCE_PAUSE and st.complaint_rate < COMPLAINT_PAUSE:
                st.metric = "bounce"
            elif st.complaint_rate >= COMPLAINT_PAUSE and st.bounce_rate < BOUNCE_PAUSE:
                st.metric = "complaint"
        elif st.closeness >= 1:
            st.level = "review"
        elif st.closeness >= 0.5:
            st.level = "watch"
        if st.level != "ok":
            review = BOUNCE_REVIEW if st.metric == "bounce" else COMPLAINT_REVIEW
            threshold = review if st.level in ("review", "pause") else review / 2
            st.since = _since_rate(d, end, window, st.metric, threshold)
    else:
        st.permanent, st.complaints = perm_all, compl_all
        earlier = [window_sums(d, shift(start, -1 - window * i), window) for i in range(BASELINE_WINDOWS)]
        st.baseline_permanent = sum(e[3] for e in earlier) / BASELINE_WINDOWS
        st.baseline_complaints = sum(e[4] for e in earlier) / BASELINE_WINDOWS
        cp = perm_all / max(2 * st.baseline_permanent, st.baseline_permanent + JUMP_MIN["permanent"])
        cc = compl_all / max(2 * st.baseline_complaints, st.baseline_complaints + JUMP_MIN["complaints"])
        st.metric, st.closeness = ("bounce", cp) if cp >= cc else ("complaint", cc)
        st.level = "jump" if st.closeness >= 1 else "watch" if st.closeness >= 0.5 else "ok"
        if st.level != "ok":
            base = st.baseline_permanent if st.metric == "bounce" else st.baseline_complaints
            daily_mean = base / window
            for day in day_range(start, end):
                x = d.day(day)
                n = x.permanent if st.metric == "bounce" else x.complaints
                if n > 2 * daily_mean:
                    st.since = day
                    break
    st.causes, st.receivers = causes(d, st.since or start, end)
    st.new_refusals = new_refusals(d, end, window)
    return st


def new_refusals(d: IdentityData, end: str, window: int) -> list[tuple[str, str, int, str]]:
    """Receivers refusing us for a sender-side cause in the ``window`` days to ``end`` that hardly did before:
    at least REFUSALS_MIN events, and at least three times their average over the earlier windows."""
    start = shift(end, -(window - 1))
    before = shift(start, -window * BASELINE_WINDOWS)
    now: Counter[tuple[str, str]] = Counter()
    earlier: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], str] = {}
    for (rcv, group, day), n in d.receivers.items():
        if group not in REFUSING_US:
            continue
        if start <= day <= end:
            now[(rcv, group)] += n
            if day < first.get((rcv, group), "9999"):
                first[(rcv, group)] = day
        elif before <= day < start:
            earlier[(rcv, group)] += n
    found = [
        (rcv, group, n, first[(rcv, group)])
        for (rcv, group), n in now.items()
        if n >= REFUSALS_MIN and n >= 3 * earlier[(rcv, group)] / BASELINE_WINDOWS
    ]
    return sorted(found, key=lambda r: (-r[2], r[0], r[1]))


def _since_rate(d: IdentityData, end: str, window: int, metric: str, threshold: float) -> str | None:
    """The first day of the unbroken run of days, up to ``end``, whose window rate is at or past ``threshold``."""
    since = None
    day = end
    for _ in range(window * (BASELINE_WINDOWS + 1)):
        sent, perm, compl, _, _ = window_sums(d, day, window)
        rate = (perm if metric == "bounce" else compl) / sent if sent else None
        if rate is None or rate < threshold:
            break
        since = day
        day = shift(day, -1)
    return since


def causes(d: IdentityData, start: str, end: str) -> tuple[list[tuple[str, int]], list[tuple[str, str, int]]]:
    """The reasons and the (receiver, cause group) pairs from ``start`` to ``end``, most frequent first."""
    reasons: Counter[str] = Counter()
    for (day, reason), n in d.reasons.items():
        if start <= day <= end:
            reasons[reason] += n
    receivers: Counter[tuple[str, str]] = Counter()
    for (rcv, group, day), n in d.receivers.items():
        if start <= day <= end:
            receivers[(rcv, group)] += n
    return (
        sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])),
        [(r, g, n) for (r, g), n in sorted(receivers.items(), key=lambda kv: (-kv[1], kv[0]))],
    )


def check(db: sqlite3.Connection, days: int = WINDOW, today: str | None = None) -> list[Standing]:
    """The identities past a review level (or with a jump, without send counts) over the last ``days`` days."""
    end = today or datetime.datetime.now(datetime.UTC).date().isoformat()
    start = shift(end, -(days - 1))
    data = gather(db, start, end, window=days, suppressions=0)
    found = [standing(d, end, days) for d in data.identities]
    return sorted((s for s in found if s.flagged), key=lambda s: s.rank)


# ---------------------------------------------------------------- rendering: SVG


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _nice(v: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above ``v``."""
    if v <= 0:
        return 1.0
    exp = math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if m * 10**exp >= v - 1e-12:
            return float(m * 10**exp)
    return float(10 ** (exp + 1))


def _short(day: str) -> str:
    d = datetime.date.fromisoformat(day)
    return f"{d.strftime('%b')} {d.day}"


def _x_labels(days: Sequence[str]) -> list[int]:
    """Indexes of the days that get a label: Mondays on long periods, every other day on short ones."""
    if len(days) <= 16:
        return list(range(0, len(days), 2 if len(days) > 8 else 1))
    step = 7 if len(days) <= 120 else 28
    mondays = [i for i, day in enumerate(days) if datetime.date.fromisoformat(day).weekday() == 0]
    return mondays[:: step // 7]


class _Plot:
    """A chart's frame: the box, the y scale, gridlines and the day axis."""

    def __init__(self, days: Sequence[str], ymax: float, *, width: int = 560, height: int = 210, left: int = 46):
        self.days, self.ymax = days, ymax
        self.w, self.h = width, height
        self.left, self.right, self.top, self.bottom = left, 14, 10, 26
        self.pw = width - self.left - self.right
        self.ph = height - self.top - self.bottom
        self.step = self.pw / max(1, len(days))

    def x(self, i: float) -> float:
        return self.left + i * self.step

    def y(self, v: float) -> float:
        return self.top + self.ph - (min(v, self.ymax) / self.ymax) * self.ph

    def frame(self, fmt: Callable[[float], str] = "{:g}".format, ticks: int = 4) -> list[str]:
        out = []
        for k in range(ticks + 1):
            v = self.ymax * k / ticks
            y = self.y(v)
            out.append(f'<line class="grid" x1="{self.left}" x2="{self.w - self.right}" y1="{y:.1f}" y2="{y:.1f}"/>')
            out.append(f'<text class="tick" x="{self.left - 6}" y="{y + 4:.1f}" text-anchor="end">{_e(fmt(v))}</text>')
        base = self.top + self.ph
        out.append(f'<line class="axis" x1="{self.left}" x2="{self.w - self.right}" y1="{base}" y2="{base}"/>')
        for i in _x_labels(self.days):
            x = self.x(i + 0.5)
            out.append(f'<line class="axis" x1="{x:.1f}" x2="{x:.1f}" y1="{base}" y2="{base + 4}"/>')
            out.append(
                f'<text class="tick" x="{x:.1f}" y="{base + 16}" text-anchor="middle">{_short(self.days[i])}</text>'
            )
        return out


def _svg(plot_w: int, plot_h: int, title: str, body: Iterable[str], label_id: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {plot_w} {plot_h}" width="{plot_w}" height="{plot_h}" role="img"'
        f' aria-labelledby="{label_id}" xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(days: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]], title: str, label_id: str) -> str:
    """Stacked bars per day: ``series`` = (name, colour, value per day)."""
    totals = [sum(s[2][i] for s in series) for i in range(len(days))]
    p = _Plot(days, _nice(max(totals, default=0) or 1))
    # Counts are whole: gridlines at whole numbers (the scale is 1, 2, 2.5 or 5 times a power of ten).
    out = p.frame(ticks=next(n for n in (4, 5, 2, 1) if (p.ymax / n).is_integer()))
    bw = max(1.0, p.step * 0.78)
    for i, day in enumerate(days):
        acc = 0
        for name, color, values in series:
            v = values[i]
            if not v:
                continue
            y0, y1 = p.y(acc), p.y(acc + v)
            out.append(
                f'<rect x="{p.x(i) + (p.step - bw) / 2:.1f}" y="{y1:.1f}" width="{bw:.1f}" height="{max(0.5, y0 - y1):.1f}"'
                f' fill="{color}"><title>{day}: {v} {_e(name)}</title></rect>'
            )
            acc += v
    return _svg(p.w, p.h, title, out, label_id)


def rate_chart(
    days: Sequence[str],
    daily: Sequence[float | None],
    rolling: Sequence[float | None],
    review: float,
    pause: float,
    window: int,
    title: str,
    label_id: str,
) -> str:
    """The daily rate (thin) and the ``window``-day rate (thick) against SES's review and pause levels."""
    top = max([r for r in rolling if r is not None], default=0.0)
    p = _Plot(days, _nice(max(pause * 1.2, top * 1.1)))
    out = p.frame(pct)
    for level, name, color in ((review, "review", COLORS["review"]), (pause, "pause", COLORS["pause"])):
        y = p.y(level)
        out.append(
            f'<line x1="{p.left}" x2="{p.w - p.right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{color}" stroke-width="1.5"'
            f' stroke-dasharray="6 4"/><text class="level" x="{p.w - p.right - 4}" y="{y - 4:.1f}" text-anchor="end"'
            f' fill="{color}">SES {name} {pct(level)}</text>'
        )
    for values, color, width, name in (
        (daily, COLORS["daily"], 1.2, "that day"),
        (rolling, COLORS["rolling"], 2.6, f"{window} days"),
    ):
        run: list[str] = []
        runs: list[list[str]] = []
        for i, v in enumerate(values):
            if v is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append(f"{p.x(i + 0.5):.1f},{p.y(v):.1f}")
        if run:
            runs.append(run)
        for r in runs:
            if len(r) == 1:
                cx, cy = r[0].split(",")
                out.append(f'<circle cx="{cx}" cy="{cy}" r="{width}" fill="{color}"/>')
            else:
                out.append(
                    f'<polyline points="{" ".join(r)}" fill="none" stroke="{color}" stroke-width="{width}"'
                    ' stroke-linejoin="round"/>'
                )
        for i, v in enumerate(values):
            if v is not None and width > 2:
                out.append(
                    f'<circle cx="{p.x(i + 0.5):.1f}" cy="{p.y(v):.1f}" r="6" fill="transparent">'
                    f"<title>{days[i]}: {pct(v)} over {_e(name)}</title></circle>"
                )
    return _svg(p.w, p.h, title, out, label_id)


def heatmap(
    days: Sequence[str], rows: Sequence[tuple[str, str, Sequence[int]]], title: str, label_id: str, width: int = 1140
) -> str:
    """One row per (receiver, cause group), one cell per day, darker for more events."""
    label_w, row_h, total_w = 300, 20, 56
    p = _Plot(days, 1, width=width - total_w, height=len(rows) * row_h + 40, left=label_w)
    out: list[str] = []
    gmax = max((v for _, _, vals in rows for v in vals), default=1) or 1
    for r, (label, group, values) in enumerate(rows):
        y = p.top + r * row_h
        color = GROUP_COLORS.get(group, GROUP_COLORS[OTHER_GROUP])
        out.append(f'<circle cx="10" cy="{y + row_h / 2:.1f}" r="5" fill="{color}"/>')
        out.append(f'<text class="rowlabel" x="22" y="{y + row_h / 2 + 4:.1f}">{_e(label)} · {_e(group)}</text>')
        for i, v in enumerate(values):
            x = p.x(i)
            if v:
                alpha = 0.18 + 0.82 * math.sqrt(v / gmax)
                out.append(
                    f'<rect x="{x + 0.5:.1f}" y="{y + 1}" width="{max(1.0, p.step - 1):.1f}" height="{row_h - 2}"'
                    f' fill="{color}" fill-opacity="{alpha:.2f}"><title>{days[i]}: {v} · {_e(label)} · {_e(group)}'
                    "</title></rect>"
                )
            else:
                out.append(
                    f'<rect class="empty" x="{x + 0.5:.1f}" y="{y + 1}" width="{max(1.0, p.step - 1):.1f}"'
                    f' height="{row_h - 2}"/>'
                )
        out.append(
            f'<text class="tick" x="{width - 6}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end">{sum(values)}</text>'
        )
    base = p.top + len(rows) * row_h
    for i in _x_labels(days):
        x = p.x(i + 0.5)
        out.append(f'<text class="tick" x="{x:.1f}" y="{base + 16}" text-anchor="middle">{_short(days[i])}</text>')
    out.append(f'<text class="tick" x="{width - 6}" y="{base + 16}" text-anchor="end">total</text>')
    return _svg(width, p.h, title, out, label_id)


def gauge(rate: float | None, review: float, pause: float, label: str) -> str:
    """A small horizontal bar: the rate on a scale to past the pause level, marks at review and pause."""
    w, h = 150, 26
    if rate is None:
        return ""
    scale = max(pause * 1.25, rate * 1.05)
    x = lambda v: 4 + (w - 8) * min(v, scale) / scale  # noqa: E731
    color = COLORS["pause"] if rate >= pause else COLORS["review"] if rate >= review else "#43a047"
    parts = [
        f'<rect x="4" y="8" width="{w - 8}" height="10" rx="3" fill="#eceff1"/>',
        f'<rect x="4" y="8" width="{max(1.5, x(rate) - 4):.1f}" height="10" rx="3" fill="{color}"/>',
    ]
    for v, c in ((review, COLORS["review"]), (pause, COLORS["pause"])):
        parts.append(f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="3" y2="23" stroke="{c}" stroke-width="2"/>')
    return (
        f'<svg class="gauge" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{_e(label)}"'
        f' xmlns="http://www.w3.org/2000/svg"><title>{_e(label)}</title>{"".join(parts)}</svg>'
    )


# ---------------------------------------------------------------- rendering: HTML


def _table(caption: str, head: Sequence[str], rows: Iterable[Sequence[object]], numeric_from: int = 1) -> str:
    th = "".join(f'<th scope="col"{" class=num" if i >= numeric_from else ""}>{_e(h)}</th>' for i, h in enumerate(head))
    body = []
    for r in rows:
        cells = [f'<th scope="row">{_e(r[0])}</th>']
        cells += [f'<td class="num">{_e("-" if v is None else v)}</td>' for v in r[1:]]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f"<details><summary>{_e(caption)}: the numbers</summary><table><caption>{_e(caption)}</caption>"
        f"<thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody></table></details>"
    )


def _legend(items: Iterable[tuple[str, str]], line: bool = False) -> str:
    keys = "".join(
        f'<span><i class="{"ln" if line else "sw"}" style="background:{c}"></i>{_e(n)}</span>' for n, c in items
    )
    return f'<div class="legend">{keys}</div>'


def _slug(name: str) -> str:
    return "id-" + (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "none")


_URL = re.compile(r"(?i)\b(?:https?://|ftp://|www\.)\S+")


def excerpt(diagnostic: str | None, limit: int = 160) -> str:
    """The diagnostic on one line, links replaced by "[link]", at most ``limit`` characters."""
    if not diagnostic:
        return ""
    text = " ".join(_URL.sub("[link]", diagnostic).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _reason_label(reason: str) -> str:
    """ "userunknown (bad address)"; "blocked" alone where the group says it already."""
    group = cause_group(reason)
    return reason if group.replace(" ", "").startswith(reason) else f"{reason} ({group})"


def _identity_section(d: IdentityData, st: Standing, days: list[str], window: int) -> str:
    slug = _slug(d.name)
    daily = [d.day(day) for day in days]
    sections: list[str] = []

    counts = [
        ("Permanent bounces", COLORS["permanent"], [x.permanent for x in daily]),
        ("Transient bounces", COLORS["transient"], [x.transient for x in daily]),
        ("Undetermined bounces", COLORS["undetermined"], [x.undetermined for x in daily]),
        ("Complaints", COLORS["complaints"], [x.complaints for x in daily]),
    ]
    t = f"{d.name}: bounces and complaints per day"
    sections.append(
        f'<figure><figcaption id="{slug}-counts">Bounces and complaints per day</figcaption>'
        + _legend((n, c) for n, c, _ in counts)
        + bar_chart(days, counts, t, f"{slug}-counts")
        + _table(
            t,
            ["day", "Permanent", "Transient", "Undetermined", "complaints"],
            [(day, x.permanent, x.transient, x.undetermined, x.complaints) for day, x in zip(days, daily, strict=True)],
        )
        + "</figure>"
    )

    totals: Counter[str] = Counter()
    for (day, reason), n in d.reasons.items():
        if days[0] <= day <= days[-1]:
            totals[reason] += n
    ranked = [r for r, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    top, rest = ranked[:TOP_REASONS], ranked[TOP_REASONS:]
    reason_series = [
        (_reason_label(r), REASON_PALETTE[i], [d.reasons.get((day, r), 0) for day in days]) for i, r in enumerate(top)
    ]
    if rest:
        reason_series.append(
            ("other reasons", REASON_PALETTE[-1], [sum(d.reasons.get((day, r), 0) for r in rest) for day in days])
        )
    t = f"{d.name}: causes per day (reason of each bounce and complaint)"
    sections.append(
        f'<figure><figcaption id="{slug}-reasons">Causes per day</figcaption>'
        + _legend((n, c) for n, c, _ in reason_series)
        + bar_chart(days, reason_series, t, f"{slug}-reasons")
        + _table(
            t,
            ["day", *(n for n, _, _ in reason_series)],
            [(day, *(s[2][i] for s in reason_series)) for i, day in enumerate(days)],
        )
        + "</figure>"
    )

    sent = [x.sent for x in daily]
    rolling = rolling_rates(d, days, window)
    if any(s is not None for s in sent):
        for key, num, review, pause, label in (
            ("bounce", "permanent", BOUNCE_REVIEW, BOUNCE_PAUSE, "Hard-bounce rate"),
            ("complaint", "complaints", COMPLAINT_REVIEW, COMPLAINT_PAUSE, "Complaint rate"),
        ):
            idx = 0 if key == "bounce" else 1
            day_rates = [
                (getattr(x, num) / s) if s else None for x, s in zip(daily, sent, strict=True)
            ]  # fmt: skip
            roll = [rolling[day][idx] for day in days]
            t = f"{d.name}: {label.lower()} per day and over {window} days, against SES's levels"
            legend = _legend(
                [
                    ("that day", COLORS["daily"]),
                    (f"over {window} days", COLORS["rolling"]),
                    (f"SES review {pct(review)}", COLORS["review"]),
                    (f"SES pause {pct(pause)}", COLORS["pause"]),
                ],
                line=True,
            )
            sections.append(
                f'<figure><figcaption id="{slug}-{key}">{label}</figcaption>'
                + legend
                + rate_chart(days, day_rates, roll, review, pause, window, t, f"{slug}-{key}")
                + _table(
                    t,
                    [
                        "day",
                        "sent",
                        label.split()[0] + (" bounces" if key == "bounce" else "s"),
                        "that day",
                        f"{window} days",
                    ],
                    [
                        (day, s, getattr(x, num), pct(r), pct(w))
                        for day, x, s, r, w in zip(days, daily, sent, day_rates, roll, strict=True)
                    ],
                )
                + "</figure>"
            )
    else:
        sections.append(
            '<figure class="note"><figcaption>Rates</figcaption><p>No send counts for this identity, so no rates: '
            "record what it sends in the <code>sends</code> table (or have SES mail its Delivery notifications) "
            "to see its bounce and complaint rates against SES's levels. Until then its Permanent bounces and "
            f"complaints are compared with its own previous {BASELINE_WINDOWS} windows of {window} days.</p></figure>"
        )

    pairs: Counter[tuple[str, str]] = Counter()
    for (rcv, group, day), n in d.receivers.items():
        if days[0] <= day <= days[-1]:
            pairs[(rcv, group)] += n
    ranked_pairs = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
    rows = [(rcv, group, [d.receivers.get((rcv, group, day), 0) for day in days]) for (rcv, group), _ in ranked_pairs]
    t = f"{d.name}: who refuses us, and why (receiver and cause, per day)"

    def first_last(values: Sequence[int]) -> tuple[str, str, str]:
        hit = [i for i, v in enumerate(values) if v]
        busiest = max(range(len(values)), key=lambda i: values[i])
        return days[hit[0]], days[hit[-1]], f"{days[busiest]} ({values[busiest]})"

    more = f" (the {len(rows) - TOP_RECEIVERS} others are in the table)" if len(rows) > TOP_RECEIVERS else ""
    sections.append(
        f'<figure class="wide"><figcaption id="{slug}-receivers">Who refuses us, and why{_e(more)}</figcaption>'
        + _legend((g, GROUP_COLORS[g]) for g in [*CAUSE_GROUPS, OTHER_GROUP])
        + (heatmap(days, rows[:TOP_RECEIVERS], t, f"{slug}-receivers") if rows else "<p>Nothing refused.</p>")
        + _table(
            t,
            ["receiver · cause", "events", "first day", "last day", "busiest day"],
            [(f"{r} · {g}", sum(v), *first_last(v)) for r, g, v in rows],
        )
        + "</figure>"
    )
    return (
        f'<section class="identity" id="{slug}"><h2>{_e(d.name)} <span class="badge {st.level}">{_e(st.level)}</span>'
        f'</h2><p class="summary">{_e(_sentence(st))}</p><div class="grid">{"".join(sections)}</div></section>'
    )


LEVEL_WORDS = {
    "pause": "past SES's pause level",
    "review": "past SES's review level",
    "jump": "jumped against its previous weeks",
    "watch": "over half way to a level",
    "ok": "fine",
}


def _sentence(st: Standing) -> str:
    text = st.summary()
    text = text[0].upper() + text[1:] + "."
    span = f"since {st.since}" if st.since else f"last {st.window} days"
    if st.causes:
        text += f" Causes ({span}): " + ", ".join(f"{r} {n}" for r, n in st.causes[:3]) + "."
    if st.receivers:
        text += " Receivers: " + ", ".join(f"{r}: {g} {n}" for r, g, n in st.receivers[:3]) + "."
    for r, g, n, since in st.new_refusals:
        text += f" New: {r} refuses us ({g}) since {since}, {n} times."
    return text


STYLE = """
:root{color-scheme:light}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2933;
background:#f4f6f8;margin:0}
main{max-width:1180px;margin:0 auto;padding:20px 20px 40px}
h1{font-size:22px;margin:0 0 2px}h2{font-size:18px;margin:0 0 4px}
.sub{color:#52606d;margin:0 0 16px}
.card,.identity{background:#fff;border:1px solid #dde3e9;border-radius:8px;padding:14px 16px;margin:0 0 18px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(540px,1fr));gap:10px 18px}
figure{margin:0;min-width:0}figure.wide{grid-column:1/-1}figcaption{font-weight:600;margin:6px 0 2px}
svg.chart{max-width:100%;height:auto;display:block}
.grid line.grid{stroke:#eceff1}line.grid{stroke:#eceff1}line.axis{stroke:#90a4ae}
text.tick{font-size:10.5px;fill:#52606d}text.level{font-size:10.5px;font-weight:600}
text.rowlabel{font-size:12px;fill:#1f2933}rect.empty{fill:#f5f7f9}
.legend{display:flex;flex-wrap:wrap;gap:2px 14px;font-size:12px;color:#3e4c59;margin:2px 0 4px}
.legend i{display:inline-block;width:11px;height:11px;margin-right:5px;vertical-align:-1px;border-radius:2px}
.legend i.ln{height:3px;width:16px;vertical-align:3px}
details{font-size:12.5px;margin:2px 0 8px}summary{cursor:pointer;color:#3e4c59}
table{border-collapse:collapse;margin:6px 0;font-size:12.5px}caption{text-align:left;font-weight:600;padding:2px 0}
th,td{padding:3px 8px;border-bottom:1px solid #eceff1;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.summary{margin:2px 0 8px;color:#323f4b}
.badge{font-size:12px;font-weight:600;padding:2px 8px;border-radius:10px;vertical-align:2px;color:#fff;background:#43a047}
.badge.watch{background:#f9a825;color:#1f2933}.badge.review{background:#ef6c00}.badge.jump{background:#ef6c00}
.badge.pause{background:#b71c1c}
table.standing{width:100%}table.standing td{vertical-align:middle}.nowrap{white-space:nowrap}table.standing svg{display:block}
.note p{color:#52606d;max-width:60ch}small.alert{color:#b71c1c;font-weight:600;white-space:normal;display:inline-block;max-width:270px}
td.list{white-space:nowrap;font-size:12.5px}table.standing td:nth-child(2){max-width:175px}
code{background:#eef2f5;padding:0 3px;border-radius:3px}
footer{color:#52606d;font-size:12px}
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def render(data: ReportData) -> str:
    """The report as one self-contained HTML page."""
    days = data.days
    standings = {id(d): standing(d, data.end, data.window) for d in data.identities}
    order = sorted(data.identities, key=lambda d: standings[id(d)].rank)
    rows = []
    for d in order:
        st = standings[id(d)]
        if st.sent is not None:
            b = gauge(st.bounce_rate, BOUNCE_REVIEW, BOUNCE_PAUSE, f"hard-bounce rate {pct(st.bounce_rate)}")
            c = gauge(st.complaint_rate, COMPLAINT_REVIEW, COMPLAINT_PAUSE, f"complaint rate {pct(st.complaint_rate)}")
            brate = f"{b}{pct(st.bounce_rate)} <small>({st.permanent} of {st.sent})</small>"
            crate = f"{c}{pct(st.complaint_rate)} <small>({st.complaints})</small>"
        else:
            per = "a week" if st.window == 7 else f"per {st.window} days"
            brate = f"{st.permanent} Permanent <small>(before: {st.baseline_permanent:.0f} {per})</small>"
            crate = f"{st.complaints} <small>(before: {st.baseline_complaints:.0f} {per})</small>"
        causes_txt = "<br>".join(f"{_e(r)} {n}" for r, n in st.causes[:3]) or "-"
        rcv_txt = "<br>".join(f"{_e(r)}: {_e(g)} {n}" for r, g, n in st.receivers[:3]) or "-"
        alerts = "".join(
            f'<small class="alert">new: {_e(r)} refuses us ({_e(g)}) since {_e(_short(since))}</small><br>'
            for r, g, _, since in st.new_refusals
        )
        rows.append(
            f'<tr><th scope="row"><a href="#{_slug(d.name)}">{_e(d.name)}</a></th>'
            f'<td><span class="badge {st.level}">{_e(st.level)}</span><br><small>{_e(LEVEL_WORDS[st.level])}</small></td>'
            f'<td class="nowrap">{_e(st.since or "-")}</td><td>{brate}</td><td>{crate}</td><td class="list">{causes_txt}</td>'
            f'<td class="list">{alerts}{rcv_txt}</td></tr>'
        )
    standing_table = (
        '<section class="card"><h2>Where each identity stands</h2>'
        f'<p class="sub">Over the last {data.window} days of the period (to {data.end}), most urgent first. '
        f"SES reviews an account at {pct(BOUNCE_REVIEW)} hard bounces or {pct(COMPLAINT_REVIEW)} complaints of "
        f"the mail sent, and may pause it at {pct(BOUNCE_PAUSE)} or {pct(COMPLAINT_PAUSE)}; the marks on each bar "
        "are those two levels. <em>Since</em>: the first day of the run of days the rate has been past the level "
        "(past half of it for <em>watch</em>); the causes and receivers count from that day, else over the "
        f"{data.window} days.</p>"
        '<table class="standing"><thead><tr><th scope="col">identity</th><th scope="col">status</th>'
        '<th scope="col">since</th><th scope="col">hard-bounce rate</th><th scope="col">complaint rate</th>'
        '<th scope="col">main causes</th><th scope="col">main receivers: cause</th></tr></thead><tbody>'
        + ("".join(rows) or '<tr><td colspan="7">No bounces or complaints in this period.</td></tr>')
        + "</tbody></table></section>"
    )
    sections = [_identity_section(d, standings[id(d)], days, data.window) for d in order]
    supp_rows = [
        (
            s.address,
            s.identity or (s.scope if s.scope != "global" else "-"),
            "manual" if s.manual == "suppress" else (s.reason or "-"),
            s.bounce_type or ("complaint" if s.reason == "feedback" else "-"),
            (s.last_at or "-").replace("T", " ")[:16],
            s.count,
            " ".join(x for x in (s.status or "", excerpt(s.diagnostic)) if x) or "-",
        )
        for s in data.suppressions
    ]
    supp = (
        '<section class="card"><h2>Newest suppressions</h2>'
        + (
            "<table><thead><tr>"
            + "".join(
                f'<th scope="col">{h}</th>'
                for h in ("address", "identity", "reason", "type", "last event", "events", "diagnostic")
            )
            + "</tr></thead><tbody>"
            + "".join(
                f'<tr><th scope="row">{_e(r[0])}</th>' + "".join(f"<td>{_e(v)}</td>" for v in r[1:]) + "</tr>"
                for r in supp_rows
            )
            + "</tbody></table>"
            if supp_rows
            else "<p>None.</p>"
        )
        + "</section>"
    )
    head = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>feedback report {data.start} to {data.end}</title><style>{STYLE}</style></head>"
    )
    same_year = data.start[:4] == data.end[:4]
    intro = (
        f"<h1>Bounces and complaints, {_e(_short(data.start))}{'' if same_year else ' ' + data.start[:4]}"
        f" to {_e(_short(data.end))} {data.end[:4]}</h1>"
        f'<p class="sub">{len(data.identities)} identities · {len(days)} days'
        + (f" · database {_e(data.database)}" if data.database else "")
        + (f" · generated {_e(data.generated_at)}" if data.generated_at else "")
        + "</p>"
    )
    foot = (
        "<footer><p>Hard-bounce rate: Permanent bounces / sent, as SES counts it; complaint rate: complaints / "
        "sent. Sent: the <code>sends</code> table, else deliveries + bounces where SES Delivery notifications "
        "arrived; days with neither are left out of a rate. Receivers are named by their MX host or hosted "
        "domain where feedback knows them, else by the recipient's domain. Written by feedback.</p></footer>"
    )
    return f"{head}<body><main>{intro}{standing_table}{''.join(sections)}{supp}{foot}</main></body></html>\n"


def build(
    db: sqlite3.Connection, *, since: str | None = None, identity: str | None = None, database: str = ""
) -> tuple[ReportData, str]:
    """Gather and render in one call: (the data, the HTML)."""
    start, end = period(db, since, identity)
    data = gather(db, start, end, identity=identity)
    data.database = database
    data.generated_at = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return data, render(data)
