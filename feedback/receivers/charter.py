"""Charter / Spectrum (charter.net, spectrum.net, rr.com and Road Runner's regional domains, twc.com...).

Error-code page: Spectrum "Understanding email error codes",
https://www.spectrumbusiness.net/support/internet/understanding-email-error-codes
(codes ``AUP#I-nnnn`` for mail coming in, ``AUP#O-nnnn`` going out, both
numbered in the same ranges). Sisimai's Rhost/Spectrum.pm indexes it.

Spectrum's Cloudmark MTAs answer a refused envelope sender with
"550 5.1.0 <sender> sender rejected": the address named is the MAIL FROM
(for SES, an ``amazonses.com`` address), never the recipient, so it is
``rejected`` (RFC 3463 X.1.0 is "other address status"; Cox, on the same
platform, documents the wording as a sender-domain check).
"""

from .base import Receiver, Rule

ERROR_CODES = "https://www.spectrumbusiness.net/support/internet/understanding-email-error-codes"
COX_SENDER = "https://www.cox.com/residential/support/email-error-codes.html (same Cloudmark wording)"

_AUP = r"aup#[a-z]?-?"

RULES: tuple[Rule, ...] = (
    Rule(rf"{_AUP}1000\b", "blocked", ERROR_CODES),
    # 1010-1080: the sending account blocked or limited for suspicious activity.
    Rule(rf"{_AUP}10[1-8]0\b", "rejected", ERROR_CODES),
    Rule(rf"{_AUP}1090\b", "systemerror", ERROR_CODES),
    Rule(rf"{_AUP}1(?:1[0-4]\d|150)\b", "requireptr", ERROR_CODES),
    Rule(rf"{_AUP}1(?:1[6-8]\d|190)\b", "policyviolation", ERROR_CODES),
    # 1200-1210 Cloudmark CSI, 1220-1250 Spamhaus.
    Rule(rf"{_AUP}12(?:[0-4]\d|50)\b", "blocked", ERROR_CODES),
    Rule(rf"{_AUP}1260\b", "networkerror", ERROR_CODES),
    Rule(rf"{_AUP}13(?:[0-3]\d|40)\b", "toomanyconn", ERROR_CODES),
    Rule(rf"{_AUP}1(?:3[5-9]\d|4\d\d)\b", "speeding", ERROR_CODES),
    Rule(rf"{_AUP}15[02]0\b", "rejected", ERROR_CODES),
    Rule(rf"{_AUP}1530\b", "mesgtoobig", ERROR_CODES),
    Rule(rf"{_AUP}15[458]0\b", "speeding", ERROR_CODES),
    Rule(rf"{_AUP}1560\b", "policyviolation", ERROR_CODES),
    Rule(r"sender rejected\b", "rejected", COX_SENDER),
)

RECEIVER = Receiver(
    name="charter",
    hosts=("charter.net", "rr.com", "spectrum.net", "twc.com"),
    domains=(
        "charter.net",
        "charter.com",
        "spectrum.net",
        "rr.com",
        "roadrunner.com",
        "twc.com",
        "brighthouse.com",
        "bresnan.net",
    ),
    rules=RULES,
    markers=("aup#i-", "aup#o-"),
    source=ERROR_CODES,
)
