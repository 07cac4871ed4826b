"""Receiving providers' own error codes, where their text alone is ambiguous.

Orange and La Poste (France) end every refusal with a code such as
``OFR_506`` or ``LPN007_426``: the number after the underscore is the
provider's documented reason ("Codes d'erreur" of Orange's postmaster pages);
the same French/English sentence ("Service refuse") comes with many of them.
Codes documented as "try again later" carry no reason: ``undefined``.
"""

from __future__ import annotations

import re

ORANGE_CODES: dict[str, str] = {
    "101": "blocked",  # IP on a blocklist (Spamhaus)
    "102": "blocked",  # source IP blocked for spam
    "103": "blocked",  # service refused to this client
    "104": "toomanyconn",  # too many connections, slow down
    "105": "undefined",
    "107": "undefined",
    "108": "undefined",
    "109": "undefined",
    "201": "undefined",
    "305": "securityerror",  # invalid authentication code
    "401": "blocked",  # SPF: not allowed to send mail
    "402": "securityerror",  # authentication required
    "403": "rejected",  # invalid sender
    "405": "rejected",
    "415": "rejected",
    "416": "userunknown",  # invalid recipient
    "417": "mailboxfull",  # recipient over quota
    "418": "userunknown",
    "420": "suspend",  # archived recipient
    "421": "rejected",
    "423": "undefined",
    "424": "undefined",
    "426": "suspend",  # recipient account blocked
    "505": "systemerror",
    "506": "spamdetected",  # message rejected as spam
    "510": "blocked",
    "513": "undefined",
    "514": "mesgtoobig",
    "517": "policyviolation",
    "630": "policyviolation",
    "999": "blocked",  # service refused
}
_ORANGE = re.compile(r"\b(?:ofr|lpn)[a-z0-9]*_(\d{3})\b")


def provider_reason(text: str) -> str | None:
    """The reason a provider's own code in ``text`` (folded) stands for, or None."""
    m = _ORANGE.search(text)
    if m:
        return ORANGE_CODES.get(m.group(1))
    return None
