"""Challenge/response notices: "confirm you are a human and your message is delivered".

A challenge/response (C/R) system holds mail from unknown senders and asks the
sender to prove it is a person (reply, click, type a word); the message is
delivered once the sender does. Sources:

- TMDA (tmda.net): the challenge ("Please confirm your message") carries
  ``X-Delivery-Agent: TMDA/<version>`` and ``Auto-Submitted: auto-replied``
  (TMDA's AutoResponse.py); its From is the protected address itself. Its
  failure notices say ``auto-generated (failure)``: those refuse the message.
  Mail::DeliveryStatus::BounceParser skips the same header as a C/R autoreply.
- Boxbe: notices from boxbe.com ("has been waitlisted ... add yourself to my
  Guest List"), as a multipart/report whose DSN names the protected address
  with ``Diagnostic-Code: X-Boxbe-Notice``.
- Spam Arrest: "an automated verification email is sent from Spam Arrest
  asking the sender to verify" (spamarrest.com help pages).
- EarthLink spamBlocker: "Allowed Sender Requests", automatic replies asking
  the sender to confirm (EarthLink Web Mail help, spamBlocker FAQ).

What kind they are: an automatic reply (RFC 3834 section 1: a message sent
automatically in response to a message; TMDA marks its challenges
``auto-replied``). The address exists and a person reads it; the message is
waiting, not refused. They are not bounces, so they never suppress, and not
"other", because they are about one recipient the sender wants to know of: an
address that will hold our mail until someone confirms it, which SES's
automated sender never does. The event's recipient is the protected address.

An SMTP refusal that mentions confirmation (a DSN from our own MTA carrying
"550 ... requires confirmation") is still a bounce: the message was refused,
not held, so only the challenge message itself is read here.
"""

from __future__ import annotations

import re

from ..models import AUTOREPLY
from ..original import find_original
from ..parse import Parsed, addresses, decode_header
from .base import Detection, Finding
from .dsn import DSN_TYPES, dsn_text, field_blocks, final_recipient, original_recipient
from .text import DAEMON_LOCAL, looks_like_bounce

# Services whose own domain sends the challenge (see the module docstring).
_SERVICE_DOMAINS = ("boxbe.com", "spamarrest.com")
# The sentence that makes a message a challenge: it asks the sender to prove
# itself so that the held message is delivered. Each alternative is a product's
# wording or the request every C/R system makes.
_CHALLENGE = re.compile(
    r"please confirm your message"  # TMDA
    r"|to release your message for delivery"  # TMDA
    r"|(?:has been|was) waitlisted"  # Boxbe
    r"|add yourself to my (?:boxbe )?guest list"  # Boxbe
    r"|allowed sender request"  # EarthLink spamBlocker
    r"|(?:verify|confirm|prove) (?:that )?you are (?:a (?:real )?(?:human|person)|human|not a (?:robot|spammer|computer))"
    r"|(?:verify|confirm) (?:yourself|your (?:e-?mail )?address|your identity) (?:as a sender|so that|to (?:have|get|deliver|release))"
    r"|sender verification (?:request|required)",
    re.I,
)
# Every alternative above contains one of these: a literal scan rules most
# messages out before the regex runs (bounces carry the same RFC 3834 marks).
_CHALLENGE_WORDS = ("confirm", "release", "waitlisted", "guest list", "allowed sender", "verif", "prove")
_AUTO_REPLIED = re.compile(r"^auto-replied", re.I)
# A challenge is about the message we sent, which it holds.
_YOUR_MESSAGE = re.compile(r"\byour (?:e-?mail |)(?:message|e-?mail|mail)\b", re.I)


def _auto_marked(msg: Parsed) -> bool:
    """RFC 3834's auto-replied, or a null envelope sender."""
    if _AUTO_REPLIED.match(msg.header("auto-submitted")):
        return True
    rp = msg.header("return-path").strip()
    return rp == "<>" and "return-path" in {k.lower() for k in msg.msg.keys()}


def _service(msg: Parsed) -> bool:
    """Sent by a C/R service, not by its MTA's postmaster: those hosts also
    bounce mail for their users' mailboxes, and a bounce is a bounce."""
    values = [msg.header(h) for h in ("from", "return-path", "sender")]
    joined = " ".join(values).lower()
    if not any(d in joined for d in _SERVICE_DOMAINS):
        return False
    if msg.sender and DAEMON_LOCAL.match(msg.sender.split("@")[0]):
        return False
    for h in ("from", "return-path", "sender"):
        for a in addresses(msg.header(h)):
            domain = a.rpartition("@")[2].lower()
            if any(domain == d or domain.endswith("." + d) for d in _SERVICE_DOMAINS):
                return True
    return False


def _protected_address(msg: Parsed) -> str | None:
    """The address we sent to: the DSN's recipient, the returned original's
    single To, else the challenge's own From (TMDA sends from it)."""
    for part in msg.parts_of_type(*DSN_TYPES):
        for b in field_blocks(dsn_text(part)):
            found = original_recipient(b) or final_recipient(b)
            if found:
                return found
    original = find_original(msg)
    if original is not None:
        to = addresses(decode_header(original.get("to")))
        if len(to) == 1:
            return to[0]
    if _service(msg):
        reply_to = addresses(msg.header("reply-to"))
        return reply_to[0] if len(reply_to) == 1 else None
    sender = msg.sender
    if not sender or DAEMON_LOCAL.match(sender.split("@")[0]):
        return None
    return sender


class ChallengeResponseDetector:
    """A C/R system's request that the sender confirm itself: an automatic reply."""

    name = "challenge"

    def detect(self, msg: Parsed) -> Detection | None:
        # TMDA's header (its failure notices, "auto-generated (failure)", are
        # refusals and left to the bounce readers), or a C/R service's own
        # domain: these send a sender nothing but challenges and follow-ups.
        tmda = msg.header("x-delivery-agent").lower().startswith("tmda")
        if tmda and msg.header("auto-submitted").lower().startswith("auto-generated"):
            return None
        if not (tmda or _service(msg)):
            # Unknown products: only a message that declares itself an automatic
            # reply, asks the sender to confirm so that its message is
            # delivered, and is no delivery report (an MTA's bounce quoting a
            # remote "550 ... prove you are human" is a refusal: a bounce).
            if not _auto_marked(msg) or msg.parts_of_type(*DSN_TYPES):
                return None
            body = msg.body_text[:6000]
            low = body.lower()
            if not any(w in low for w in _CHALLENGE_WORDS):
                return None
            if not (_CHALLENGE.search(body) and _YOUR_MESSAGE.search(body)) or looks_like_bounce(msg):
                return None
        rcpt = _protected_address(msg)
        return Detection(
            kind=AUTOREPLY,
            detector=self.name,
            findings=[Finding(recipient=rcpt, kind=AUTOREPLY, diagnostic=msg.body_text[:500].strip())],
        )
