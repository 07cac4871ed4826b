"""Receiving providers' own codes: one module per provider, most specific first.

A receiver is recognised by the remote MTA's host name, by the recipient's
domain, or by a wording only it writes; its rules then decide the reason
before the generic tables (see ``feedback.reasons`` for the precedence).
"""

from __future__ import annotations

import importlib
import re
from itertools import compress

from .base import Receiver, Rule

# Explicit order: where two receivers could both claim a message, the first
# named wins. Security gateways (which answer for many domains) come before
# the mailbox providers whose domains they may front.
MODULES: tuple[str, ...] = (
    "mimecast",
    "proofpoint",
    "barracuda",
    "ironport",
    "trendmicro",
    "messagelabs",
    # A forwarder: it answers for its customers' domains and relays the
    # upstream server's own replies, which its table leaves alone.
    "cloudflare",
    "google",
    "microsoft",
    "yahoo",
    "apple",
    "comcast",
    "cox",
    "charter",
    "att",
    "verizon",
    "gmx",
    "tonline",
    "orange",
    "free",
    "mailru",
    "yandex",
    "tencent",
    "netease",
    "naver",
    "nttdocomo",
    "zoho",
    "godaddy",
    "facebook",
    "iua",
    "kddi",
)

RECEIVERS: tuple[Receiver, ...] = tuple(importlib.import_module(f"{__name__}.{m}").RECEIVER for m in MODULES)

# Where a report names the host that answered: Postfix "host mx.example.net[192.0.2.1]
# said:", Exim "host mx.example.net [192.0.2.1]:", Sendmail "... while talking to
# mx.example.net.:". Each starts with a literal, so re scans for it at C speed.
_HOST_IN_TEXT = re.compile(r"host \[?([a-z0-9][a-z0-9.-]*\.[a-z]{2,})")
_TALKING_TO = re.compile(r"talking to ([a-z0-9][a-z0-9.-]*\.[a-z]{2,})")


def _suffix_index(attr: str) -> dict[str, Receiver]:
    """Each host or domain suffix to the first receiver (in MODULES order) that names it."""
    index: dict[str, Receiver] = {}
    for r in RECEIVERS:
        for suffix in getattr(r, attr):
            index.setdefault(suffix.lower().rstrip("."), r)
    return index


_BY_HOST = _suffix_index("hosts")
_BY_DOMAIN = _suffix_index("domains")
# (marker, receiver) flat, in MODULES order: one loop of substring tests.
_MARKERS = tuple((m, r) for r in RECEIVERS for m in r.markers)
# The same, as two columns: map/compress test every marker in C.
_MARKER_WORDS = tuple(m for m, _ in _MARKERS)
_MARKER_OWNERS = tuple(r for _, r in _MARKERS)
_MARKER_PATTERNS = tuple(r for r in RECEIVERS if r.marker_pattern)


def _lookup(name: str, index: dict[str, Receiver]) -> Receiver | None:
    """The receiver of ``name`` or of its nearest parent domain in ``index``."""
    name = name.lower().rstrip(".")
    while name:
        r = index.get(name)
        if r is not None:
            return r
        _, _, name = name.partition(".")
    return None


def identify(remote_mta: str | None, recipient: str | None, text: str) -> Receiver | None:
    """The receiver that wrote this reply, or None.

    ``text`` is the folded diagnostic. The remote MTA (``dns; host``), a host
    named in the text ("host mx.example.net[192.0.2.1] said:"), the
    recipient's domain and the receivers' markers are tried in that order.
    """
    if remote_mta:
        r = _lookup(remote_mta.split(";")[-1].strip().strip("[]").split(" ")[0], _BY_HOST)
        if r is not None:
            return r
    head = text[:2000]
    if "host " in head or "talking to " in head:
        for rx in (_HOST_IN_TEXT, _TALKING_TO):
            for m in rx.finditer(head):
                r = _lookup(m.group(1), _BY_HOST)
                if r is not None:
                    return r
    if recipient and "@" in recipient:
        r = _lookup(recipient.rsplit("@", 1)[1].rstrip(">").strip(), _BY_DOMAIN)
        if r is not None:
            return r
    by_marker = next(compress(_MARKER_OWNERS, map(text.__contains__, _MARKER_WORDS)), None)
    if by_marker is not None:
        return by_marker
    for r in _MARKER_PATTERNS:
        if r.marker_rx.search(text):
            return r
    return None


def _first_rule(r: Receiver, text: str) -> tuple[Receiver, Rule] | None:
    for rule in r.rules:
        if rule.rx.search(text):
            return r, rule
    return None


def receiver_rule(remote_mta: str | None, recipient: str | None, text: str) -> tuple[Receiver, Rule] | None:
    """The identified receiver's first rule that matches ``text`` (folded), or None."""
    r = identify(remote_mta, recipient, text)
    if r is None:
        return None
    found = _first_rule(r, text)
    if found is None and r.relays:
        upstream = identify(None, recipient, text)
        if upstream is not None and upstream is not r:
            found = _first_rule(upstream, text)
    return found


__all__ = ["RECEIVERS", "Receiver", "Rule", "identify", "receiver_rule"]
