"""Unsubscribe requests by mail (RFC 2369 ``List-Unsubscribe: <mailto:...>``).

Mail clients (Apple Mail and iCloud, Gmail, Outlook) send a message with the
subject "unsubscribe" to the list's mailto address when the user asks to
unsubscribe. It is the user's opt-out: a complaint of feedback type
``opt-out`` (RFC 5965's vocabulary), never a bounce or an auto-reply.
"""

from __future__ import annotations

import re

from ..models import COMPLAINT
from ..parse import Parsed
from .base import Detection, Finding

_SUBJECT = re.compile(r"^\s*(?:unsubscribe|opt[- ]?out|remove me)\s*$", re.I)


class UnsubscribeDetector:
    """A mail whose subject is exactly an unsubscribe request."""

    name = "unsubscribe"

    def detect(self, msg: Parsed) -> Detection | None:
        if not _SUBJECT.match(msg.subject) or not msg.sender:
            return None
        return Detection(
            kind=COMPLAINT,
            detector=self.name,
            findings=[Finding(recipient=msg.sender, kind=COMPLAINT)],
            feedback_type="opt-out",
        )
