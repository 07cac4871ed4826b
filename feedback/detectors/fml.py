"""fml (a Japanese mailing-list manager): the list's refusal of a post.

fml answers a post it will not distribute with a notice from the list's
``-admin`` address, an ``X-MLServer: fml ...`` header and a Message-ID of the
form ``<date.FMLnnn.list-admin@host>``. The notice names the list in a line
ending ``<list@example.com>.`` and quotes the post after ``Original mail as
follows:``. Layout and wordings: Sisimai's FML module
(lib/Sisimai/Lhost/FML.pm) and fml 4.0's messages (``NOT MEMBER article
from``, ``Duplicated Message-ID``, ``Loop Back Warning``, ``Security Alert``).

The refused party is our sender (not a member, a loop, a spammer), never the
list's address: the reasons are ``rejected``, ``systemerror`` and
``securityerror``, none Permanent.
"""

from __future__ import annotations

import re

from ..models import BOUNCE
from ..parse import Parsed, normalise_address
from .base import Detection, Finding

_MESSAGE_ID = re.compile(r"^<\d+[.\d]*\.FML\S*@\S+>$", re.I)
# The list named at a line's end: "... mailing list <club@lists.example.com>."
_LIST_LINE = re.compile(r"<([^\s<>]+@[^\s<>]+)>\.\s*$", re.M)
_ORIGINAL = re.compile(r"^Original mail as follows:", re.M)
# fml 4.0's messages, from the body first, then the subject (as Sisimai reads them).
_BODY_REASONS = (
    (
        "rejected",
        re.compile(
            r"(?:ignored )*not member article from |reject (?:mail from .+@.+|since .+ header may cause mail loop|spammers:)"
            r"|you are not a member of this mailing list",
            re.I,
        ),
    ),
    (
        "systemerror",
        re.compile(r"duplicated message-id|fml .+ has detected a loop condition so that|loop back warning:", re.I),
    ),
    ("securityerror", re.compile(r"security alert:", re.I)),
)
_SUBJECT_REASONS = (
    (
        "rejected",
        re.compile(
            r"(?:ignored )*not member article from |reject mail (?:.+:|from) |spam mail from a spammer is rejected"
            r"|you .+ are not member",
            re.I,
        ),
    ),
    (
        "systemerror",
        re.compile(r"fml system error message|loop alert: |loop back warning: |warning: unix from loop", re.I),
    ),
    ("securityerror", re.compile(r"security alert", re.I)),
)


def _reason(text: str, subject: str) -> str:
    for reason, rx in _BODY_REASONS:
        if rx.search(text):
            return reason
    for reason, rx in _SUBJECT_REASONS:
        if rx.search(subject):
            return reason
    # An fml notice that names a list refuses the post; what for, it does not say.
    return "rejected"


class FMLDetector:
    """An fml list server's notice that it did not distribute a post."""

    name = "fml"

    def detect(self, msg: Parsed) -> Detection | None:
        if not msg.header("x-mlserver"):
            return None
        if not re.search(r"-admin@", msg.header("from"), re.I):
            return None
        if not _MESSAGE_ID.match(msg.header("message-id").strip()):
            return None
        body = msg.body_text
        m = _ORIGINAL.search(body)
        report = body[: m.start()] if m else body
        findings: list[Finding] = []
        for line in _LIST_LINE.finditer(report):
            rcpt = normalise_address(line.group(1))
            if not rcpt or any(f.recipient == rcpt for f in findings):
                continue
            findings.append(Finding(recipient=rcpt, action="failed"))
        if not findings:
            return None
        text = re.sub(r"\s+", " ", report).strip()
        reason = _reason(text, msg.subject)
        for f in findings:
            f.diagnostic = text[:2000]
            f.reason = reason
        return Detection(kind=BOUNCE, findings=findings, detector=self.name)
