"""Automatic replies (RFC 3834) and the common non-standard marks: never bounces.

The auto-replier is the original recipient: the event's recipient is the
reply's From.
"""

from __future__ import annotations

import re

from ..models import AUTOREPLY
from ..parse import Parsed
from .base import Detection, Finding

# Subjects of out-of-office replies in the languages seen in real mailboxes.
VACATION_SUBJECT = re.compile(
    r"^(?:auto(?:matic)?[ -]?(?:reply|response|antwort|matische antwort)|autoreply|auto:|"
    r"out of (?:the )?office|ooo\b|away from|on vacation|vacation|abwesenheit|"
    r"r[ée]ponse automatique|absence|risposta automatica|respuesta autom[aá]tica|"
    r"automatisch antwoord|automatyczna odpowied|自動応答|自动回复|away until|i am away)",
    re.I,
)
VACATION_BODY = re.compile(
    r"i am (?:currently )?(?:out of (?:the )?office|away|on vacation|on leave)|i will be (?:out|away)|"
    r"i'?m (?:currently )?(?:out of (?:the )?office|away)|away (?:from|until)|returning (?:to the office )?on|"
    r"limited access to (?:e-?mail|my email)",
    re.I,
)


class AutoReplyDetector:
    """RFC 3834 Auto-Submitted: auto-replied, X-Autoreply and friends, vacation subjects."""

    name = "autoreply"

    def detect(self, msg: Parsed) -> Detection | None:
        auto_submitted = msg.header("auto-submitted").lower()
        subject = re.sub(r"^(?:re|aw|fwd?):\s*", "", msg.subject, flags=re.I)
        marks = (
            auto_submitted.startswith("auto-replied")
            or bool(msg.header("x-autoreply") or msg.header("x-autorespond") or msg.header("x-autoresponder"))
            or msg.header("precedence").lower() in ("auto_reply", "auto-reply")
            or msg.header("x-auto-response-suppress") != ""
            and bool(VACATION_SUBJECT.search(subject))
        )
        if not marks:
            if auto_submitted.startswith("auto-generated") or msg.header("precedence").lower() in (
                "bulk",
                "junk",
                "list",
            ):
                marks = bool(VACATION_SUBJECT.search(subject))
            else:
                marks = bool(VACATION_SUBJECT.search(subject)) and bool(VACATION_BODY.search(msg.body_text[:4000]))
        if not marks:
            return None
        rcpt = msg.sender or None
        return Detection(
            kind=AUTOREPLY,
            detector=self.name,
            findings=[
                Finding(recipient=rcpt, kind=AUTOREPLY, reason="vacation", diagnostic=msg.body_text[:500].strip())
            ],
        )
