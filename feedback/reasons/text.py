"""Reading a diagnostic: folding, status codes, reply codes, the SMTP command."""

from __future__ import annotations

import functools
import re

_REMOTE_STATUS = re.compile(r"\b[45]\d\d[ -]'?([45]\.\d{1,3}\.\d{1,3})\b")
# A status code "X.Y.Z" not inside a word, a number or "name-5.1.1"; a reply
# code not inside a number. The look-behinds test the characters before the
# code's first digit, written after that digit: a pattern that starts with
# the digit lets ``re`` skip to the candidates instead of trying every position.
STATUS_RE = re.compile(r"([245])(?<![\w.][245])(?<![A-Za-z_]-[245])\.(\d{1,3})\.(\d{1,3})(?!\d|\.\d)")
REPLY_RE = re.compile(r"([245](?<![\d.\-][245])[0-5]\d)(?=[ \-,;)\]]|$)", re.M)

_FIRST_REPLY = re.compile(r"([245]\d\d)[ -]([245]\.\d{1,3}\.\d{1,3})")


_SPACES = re.compile(r"\s+")


# fold() depends on its text alone; the detector and decide() fold the same
# diagnostic in turn, so a few recent answers are kept.
@functools.lru_cache(maxsize=64)
def fold(text: str) -> str:
    """Lower-case and fold whitespace, as every phrase table expects.

    Multi-line SMTP replies repeat the codes on every line ("550-5.7.1 ... 550
    5.7.1 ..."); inside a sentence they would break the phrases, so every
    repetition after the first is dropped.
    """
    t = _SPACES.sub(" ", text).lower().strip()
    m = _FIRST_REPLY.search(t)
    if m is None:
        return t
    again = re.compile(r"\s" + m.group(1) + r"[ -]" + re.escape(m.group(2)) + r"(?=\s)")
    return t[: m.end()] + again.sub("", t[m.end() :])


def find_status(text: str) -> str | None:
    """The most specific enhanced status code in ``text``, or None."""
    best = None
    for m in STATUS_RE.finditer(text or ""):
        code = f"{m.group(1)}.{int(m.group(2))}.{int(m.group(3))}"
        if int(m.group(2)) > 7:
            continue
        if best is None or (best.endswith(".0.0") and not code.endswith(".0.0")):
            best = code
        if not code.endswith(".0"):
            break
    return best


def find_reply_code(text: str) -> str | None:
    """The SMTP reply code in ``text`` (prefers 4xx/5xx), or None."""
    for m in REPLY_RE.finditer(text or ""):
        code = m.group(1)
        if code[0] in "45":
            return code
    return None


_COMMAND = re.compile(
    r"(?:after|in reply to|response to|for|did not like our)\s+(?:end of\s+)?(?:the\s+)?(mail from|rcpt to|data|ehlo|helo|connect|initial connection|final data)\b"
    r"|>>> ?(mail from|rcpt to|data|ehlo|helo)\b|smtp command:?\s+(mail from|rcpt to|data)\b|\[(rcpt_to|mail_from)\]"
    # GMX/Exim "SMTP error from remote server after RCPT command"; Trend Micro/X3 "SMTP:RCPT host ...".
    r"|after (rcpt|mail|data)(?: to| from)? command|\bsmtp:(rcpt|mail|data) host\b"
    # qmail-remote: "does not like recipient" (RCPT refused), "... sender" (MAIL), "failed on DATA command".
    r"|does not like (recipient|sender)\b|failed on (data) command",
)


def find_command(text: str) -> str | None:
    """The SMTP command a diagnostic says failed (MAIL, RCPT, DATA, EHLO, CONN), or None."""
    found = None
    for m in _COMMAND.finditer((text or "").lower()):
        c = next(g for g in m.groups() if g).upper()
        found = {
            "MAIL FROM": "MAIL",
            "RCPT TO": "RCPT",
            "INITIAL CONNECTION": "CONN",
            "CONNECT": "CONN",
            "FINAL DATA": "DATA",
            "RCPT_TO": "RCPT",
            "MAIL_FROM": "MAIL",
            "RECIPIENT": "RCPT",
            "SENDER": "MAIL",
        }.get(c, c)
    return found


def action_of(action: str | None) -> str:
    """The DSN Action keyword, lower-cased ("failed", "delayed", ...)."""
    return (action or "").strip().lower().split(" ")[0] if action else ""


def clean_status(value: str | None) -> str | None:
    """The x.y.z code out of a Status field ("5.0.0 (permanent failure)" -> 5.0.0)."""
    if not value:
        return None
    m = STATUS_RE.search(value)
    if m:
        return f"{m.group(1)}.{int(m.group(2))}.{int(m.group(3))}"
    return None
