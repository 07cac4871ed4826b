"""What a receiving provider's table is made of.

A receiver is a mail provider whose replies we read with its own documented
meaning: its MX host names, the recipient domains it hosts, and wordings or
codes that only it writes identify it; its rules then decide the reason
before any generic table does. Every rule names the provider's page (or the
MTA documentation) it comes from, so that ``feedback explain`` can cite it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One documented reply of a receiver and the reason it stands for.

    ``pattern`` is a regular expression searched in the folded diagnostic
    (lower-cased, runs of white space made one space, see
    ``feedback.reasons.fold``). ``source`` is the page or document that says
    what the reply means: a URL, or "MTA name, file/section".
    """

    pattern: str
    reason: str
    source: str

    @functools.cached_property
    def rx(self) -> re.Pattern[str]:
        """The compiled pattern; compiled on first use, as most receivers answer no given run."""
        return re.compile(self.pattern)


@dataclass(frozen=True)
class Receiver:
    """A receiving provider: how to recognise it, and its rules in order (first match wins)."""

    name: str
    # Suffixes of its MX / inbound host names ("google.com" matches "gmail-smtp-in.l.google.com").
    hosts: tuple[str, ...]
    # Recipient domains it hosts (exact, or a suffix after a dot).
    domains: tuple[str, ...]
    rules: tuple[Rule, ...]
    # Substrings of the folded diagnostic that only this provider writes ("gsmtp").
    markers: tuple[str, ...] = ()
    # The provider's own page on its error codes, the index of its rules' sources.
    source: str = ""
    # A pattern only this provider writes, where a plain marker cannot say it
    # (Orange's "OFR004_104"-style codes).
    marker_pattern: str = ""
    # A forwarder that passes the next server's reply back unchanged (Cloudflare
    # Email Routing): when none of its own rules matches, the reply is read as
    # that server's, found by the host, domain or markers in the text.
    relays: bool = False

    @functools.cached_property
    def marker_rx(self) -> re.Pattern[str]:
        """``marker_pattern`` compiled (only asked of receivers that have one)."""
        return re.compile(self.marker_pattern)
