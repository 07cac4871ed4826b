"""Google Groups: a post the group refused (no such group, or not allowed to post).

Sample: the localized notices Google Groups sends from mailer-daemon@googlemail.com
(every language says the same and links groups.google.com/support). The group's
address is in X-Failed-Recipients; the sender was refused, so the reason is
``rejected`` (the sender, not the mailbox, is the problem).
"""

from __future__ import annotations

from ..models import BOUNCE
from ..parse import Parsed, addresses
from .base import Detection, Finding


class GoogleGroupsDetector:
    """A Google Groups posting refusal."""

    name = "googlegroups"

    def detect(self, msg: Parsed) -> Detection | None:
        if "google" not in msg.sender:
            return None
        body = msg.body_text
        if "groups.google.com" not in body:
            return None
        rcpts = addresses(msg.header("x-failed-recipients"))
        if not rcpts:
            return None
        head = body.split("-----", 1)[0]
        return Detection(
            kind=BOUNCE,
            detector=self.name,
            findings=[
                Finding(recipient=r, reason="rejected", permanent=True, action="failed", diagnostic=head.strip()[:1000])
                for r in rcpts
            ],
        )
