"""Trend Micro InterScan (E-Mail VirusWall, Messaging Security Suite) delivery notices.

InterScan gateways relay mail and, when the next hop refuses it, send their
own plain notice instead of a DSN. Two layouts (Sisimai's InterScanMSS module,
lib/Sisimai/Lhost/InterScanMSS.pm, reads the second)::

    ****** Message from InterScan E-Mail VirusWall NT ******
    The following mail could not be delivered.
    Reason:  Exceeded Maximum Delivery Attempts. ...
    *****************     End of message     ***************

    Sent <<< RCPT TO:<rcpt@example.com>
    Received >>> 550 5.1.1 <rcpt@example.com>... User unknown

The MSS signs as "InterScan MSS" with the subject "Mail could not be delivered"
(or its Japanese versions). The first layout names the recipient in its
reason ("Unable to deliver message to <rcpt>") or nobody: then the recipient
is the attached original's single To.
"""

from __future__ import annotations

import re

from ..models import BOUNCE
from ..original import find_original
from ..parse import Parsed, addresses, decode_header, normalise_address
from ..reasons import find_status
from .base import Detection, Finding
from .text import BOUNCE_SUBJECT, report_text

_SUBJECTS = ("mail could not be delivered", "メッセージを配信できません。", "メール配信に失敗しました")
_BANNER = re.compile(r"^\s*\*{3,}.*?\*{3,}\s*$", re.M)
# "Sent <<< RCPT TO:<rcpt>" / "Received >>> 550 ..." (English and localized labels).
_SENT = re.compile(r"^.*?<<<\s*([A-Z]{4})\b[^<]*<([^<>\s]+@[^<>\s]+)>", re.M)
_RECEIVED = re.compile(r"^.*?>>>\s*([245]\d\d\b.*)$", re.M)
_UNABLE = re.compile(r"\bunable to deliver message to <[^<>\s]+@[^<>\s]+>", re.I)


def _is_interscan(msg: Parsed) -> bool:
    if "interscan" in msg.header("from").lower():
        return True
    body = msg.body_text[:2000].lower()
    if "message from interscan" in body:
        return True
    return any("interscan" in str(v).lower() for v in msg.msg.get_all("received") or [])


class InterScanDetector:
    """An InterScan gateway's notice that it could not deliver a message."""

    name = "interscan"

    def detect(self, msg: Parsed) -> Detection | None:
        subject = msg.subject.strip()
        if not (subject.lower() in _SUBJECTS or BOUNCE_SUBJECT.search(subject)):
            return None
        if not _is_interscan(msg):
            return None
        report = report_text(msg)
        text = re.sub(r"\s+", " ", _BANNER.sub(" ", report)).strip()
        findings: list[Finding] = []
        for m in _SENT.finditer(report):
            rcpt = normalise_address(m.group(2))
            if not rcpt or any(f.recipient == rcpt for f in findings):
                continue
            # The reply that follows the command is the next hop's answer.
            reply = _RECEIVED.search(report, m.end())
            diag = reply.group(1).strip() if reply else text
            findings.append(
                Finding(
                    recipient=rcpt,
                    diagnostic=diag[:2000],
                    command=m.group(1).upper(),
                    status=find_status(diag),
                    action="failed",
                )
            )
        if not findings:
            # "Unable to deliver message to <rcpt> (and other recipients in the same domain)".
            # Sisimai's InterScanMSS and TrendMicro modules read this line as
            # the next hop's refusal of the address: userunknown.
            unable = bool(_UNABLE.search(text))
            for rcpt in addresses(text):
                findings.append(
                    Finding(
                        recipient=rcpt,
                        diagnostic=text[:2000],
                        action="failed",
                        reason="userunknown" if unable else None,
                    )
                )
        if not findings:
            original = find_original(msg)
            to = addresses(decode_header(original.get("to"))) if original is not None else []
            if len(to) != 1:
                return None
            findings.append(Finding(recipient=to[0], diagnostic=text[:2000], action="failed"))
        return Detection(kind=BOUNCE, findings=findings, detector=self.name)
