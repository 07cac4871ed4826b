"""Message disposition notifications (RFC 8098 read receipts): not feedback.

They name the original recipient and look like reports, so they are
recognised first and answered as ``other``, never as bounces.
"""

from __future__ import annotations

from ..models import OTHER
from ..parse import Parsed
from .base import Detection


class MDNDetector:
    """A multipart/report with a message/disposition-notification part."""

    name = "mdn"

    def detect(self, msg: Parsed) -> Detection | None:
        if msg.parts_of_type("message/disposition-notification"):
            return Detection(kind=OTHER, detector=self.name)
        return None
