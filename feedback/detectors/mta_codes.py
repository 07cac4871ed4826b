"""Sending MTAs that put their own codes into an otherwise standard DSN.

Some providers' bounces are ordinary RFC 3464 reports (read by the DSN
detectors), but the diagnostic carries a code or wording whose meaning only
that provider documents. This detector recognises the provider by the
headers its bounces always carry, lets the DSN detectors read the report,
and gives each recipient the provider's own reason as a detector hint (the
first step of ``feedback.reasons``' precedence). Where no rule of the
provider matches, the DSN detectors' answer is returned unchanged.
(Facebook's RCP-/POL- codes are read by its receiver table,
``feedback.receivers.facebook``.)

Each provider's markers and table come from Sisimai's module for it (named
beside it) and the documents that module cites.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..parse import Parsed
from .base import Detection
from .dsn import DSNDetector, InlineDSNDetector


@dataclass(frozen=True)
class _Provider:
    name: str
    recognise: Callable[[Parsed], bool]
    # (pattern searched in the diagnostic, reason), first match wins.
    rules: tuple[tuple[re.Pattern[str], str], ...]
    source: str


def _i(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


PROVIDERS: tuple[_Provider, ...] = (
    _Provider(
        # Symantec Email Security.cloud (MessageLabs): "X-Msg-Ref:" on every
        # message it handles; its bounces come from MAILER-DAEMON@messagelabs.com.
        name="messagelabs",
        recognise=lambda m: bool(m.header("x-msg-ref")) and "messagelabs.com" in m.header("from").lower(),
        rules=(
            # Its own refusal of an unknown recipient: "542 <rcpt> Rejected" (its
            # other wordings are in the MessageLabs receiver table).
            (_i(r"\b542 \S+ rejected"), "userunknown"),
            (_i(r"please turn on smtp authentication in your mail client"), "securityerror"),
        ),
        source="Sisimai lib/Sisimai/Lhost/MessageLabs.pm",
    ),
    _Provider(
        # amavisd-new's own non-delivery reports ("Content-filter at <host>"):
        # the blocking category it names after the id (amavisd,
        # %smtp_reason_by_ccat), as Sisimai's Amavis module reads it.
        name="amavis",
        recognise=lambda m: m.header("from").lstrip().lower().startswith('"content-filter at '),
        rules=(
            (_i(r" - spam"), "spamdetected"),
            (_i(r" - infected"), "virusdetected"),
            (_i(r" - bad header:"), "contenterror"),
            (_i(r" - message size exceeds recipient"), "exceedlimit"),
            (
                _i(
                    r" - (?:temporary mta failure on relaying|rejected by next-hop mta on relaying"
                    r"|unable to relay message back to mta)"
                ),
                "systemerror",
            ),
        ),
        source="amavisd-new 2.11 amavisd (%smtp_reason_by_ccat), via Sisimai lib/Sisimai/Lhost/Amavis.pm",
    ),
    _Provider(
        # AOL's outbound relays (Postfix) stamp "X-AOL-IP:" on their bounces.
        name="aol",
        recognise=lambda m: bool(m.header("x-aol-ip")),
        rules=(
            # The recipient domain's DNS answers nonsense for its MX: the
            # domain cannot take mail (Postfix's dns_lookup "Malformed or
            # unexpected name server reply").
            (_i(r"type=mx: malformed or unexpected name server reply"), "notaccept"),
        ),
        source="Sisimai lib/Sisimai/Lhost/Aol.pm",
    ),
)

_DSN = (DSNDetector(), InlineDSNDetector())


class MTACodesDetector:
    """A known provider's DSN, with the provider's own codes as reasons."""

    name = "mta-codes"

    def detect(self, msg: Parsed) -> Detection | None:
        provider = next((p for p in PROVIDERS if p.recognise(msg)), None)
        if provider is None:
            return None
        det = next((d for d in (x.detect(msg) for x in _DSN) if d is not None), None)
        if det is None:
            return None
        applied = False
        for f in det.findings:
            if f.reason is not None:
                continue
            for rx, reason in provider.rules:
                if rx.search(f.diagnostic):
                    f.reason = reason
                    applied = True
                    break
        if applied:
            det.detector = self.name
        return det
