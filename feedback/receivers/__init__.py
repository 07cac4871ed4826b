"""Receiving providers' own codes: one module per provider, most specific first.

A receiver is recognised by the remote MTA's host name, by the recipient's
domain, or by a wording only it writes; its rules then decide the reason
before the generic tables (see ``feedback.reasons`` for the precedence).
"""

from __future__ import annotations

import importlib
import re

from .base import Receiver, Rule, host_matches

# Explicit order: where two receivers could both claim a message, the first
# named wins. Security gateways (which answer for many domains) come before
# the mailbox providers whose domains they may front.
MODULES: tuple[str, ...] = (
    "mimecast",
    "proofpoint",
    "barracuda",
    "ironport",
    "trendmicro",
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
    "zoho",
    "godaddy",
)

RECEIVERS: tuple[Receiver, ...] = tuple(importlib.import_module(f"{__name__}.{m}").RECEIVER for m in MODULES)

_HOST_IN_TEXT = re.compile(r"\b(?:host|from|by|server|mta)\s+\[?([a-z0-9][a-z0-9.-]*\.[a-z]{2,})\b")


def identify(remote_mta: str | None, recipient: str | None, text: str) -> Receiver | None:
    """The receiver that wrote this reply, or None.

    ``text`` is the folded diagnostic. The remote MTA (``dns; host``), a host
    named in the text ("host mx.example.net[192.0.2.1] said:"), the
    recipient's domain and the receivers' markers are tried in that order.
    """
    hosts: list[str] = []
    if remote_mta:
        hosts.append(remote_mta.split(";")[-1].strip().strip("[]").lower())
    hosts.extend(m.group(1) for m in _HOST_IN_TEXT.finditer(text[:2000]))
    for h in hosts:
        for r in RECEIVERS:
            if host_matches(h, r.hosts):
                return r
    if recipient and "@" in recipient:
        domain = recipient.rsplit("@", 1)[1].lower().rstrip(">").strip()
        for r in RECEIVERS:
            if host_matches(domain, r.domains):
                return r
    for r in RECEIVERS:
        if any(m in text for m in r.markers):
            return r
    return None


def receiver_rule(remote_mta: str | None, recipient: str | None, text: str) -> tuple[Receiver, Rule] | None:
    """The identified receiver's first rule that matches ``text`` (folded), or None."""
    r = identify(remote_mta, recipient, text)
    if r is None:
        return None
    for rule in r.rules:
        if rule.rx.search(text):
            return r, rule
    return None


__all__ = ["RECEIVERS", "Receiver", "Rule", "identify", "receiver_rule"]
