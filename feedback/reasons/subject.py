"""Who a refusal is about: the recipient's address, the sender, our host, or the receiving system.

Only a refusal about the recipient's address may make a bounce Permanent:
SES suppresses such an address, so a Permanent must mean "this mailbox will
never take mail", not "this receiver refused our IP, our sender address or
its own delivery failed". The party is read from what the reply says:

- the SMTP command it answered (RFC 5321 3.3: a reply to MAIL FROM concerns
  the reverse-path; one to the greeting, EHLO or HELO concerns the client);
- the address it names: the envelope sender of SES mail is an
  ``amazonses.com`` address (or the identity's custom MAIL FROM domain), the
  original's ``From``/``Return-Path`` are ours;
- its own words ("Sender address rejected", Postfix; "sender verify failed",
  Exim; "Client host rejected", Postfix; "blocked using <list>", ...);
- the message itself: its authentication (SPF, RFC 7208; DKIM, RFC 6376;
  DMARC, RFC 7489) or a header field it carries ("Invalid address in From
  header"): the same address takes another message;
- a local delivery agent or loop failure (RFC 3463 X.4.6 routing loop; Postfix
  and Exim "local delivery failed"; a DSN's ``X-Unix`` diagnostic type): the
  receiving system failed, the address was never judged.
"""

from __future__ import annotations

import re

from .phrases import GuardedPattern

RECIPIENT = "recipient"
SENDER = "sender"
HOST = "host"
SYSTEM = "system"
MESSAGE = "message"

# Postfix smtpd "Recipient address rejected"; RFC 5321 examples ("recipient
# not found"); a reply naming the recipient's mailbox.
_RECIPIENT_STATEMENT = GuardedPattern(
    r"\brecipient (?:address )?(?:rejected|refused|unknown|invalid|not found)|\brcpt\b"
)
_SENDER_STATEMENT = GuardedPattern(
    # Postfix smtpd: "<a@b>: Sender address rejected: Domain not found" / "... undeliverable address".
    r"\bsender (?:address |domain |e-?mail (?:address )?)?(?:rejected|refused|denied|blocked|blacklisted|"
    r"invalid|unknown|not (?:allowed|permitted|authori[sz]ed|verified|found|accepted|exist)|"
    r"does not exist|doesn'?t exist|must exist|is (?:invalid|unknown|not|listed|blocked|banned))"
    # Exim "sender verify failed", "verification of sender failed".
    r"|\bsender verif\w* fail|\bverification of sender"
    r"|\b(?:invalid|bad|unknown|unverified|bogus|unroutable|forged|illegal) (?:envelope )?sender\b"
    # Postfix "Domain of sender address x does not exist" (Sendmail 4/8 check_mail);
    # "sender domain example.org has no MX" (reject_unknown_sender_domain wordings).
    r"|\bdomain of sender address"
    r"|\bsender(?:'s)? domain \S+ (?:has no|does not|doesn'?t|is not|not found|is unknown)"
    r"|\bmail from (?:address )?(?:rejected|refused|denied)"
    # The reverse-path's domain by another name: "MAIL FROM domain does not
    # exist", "Unknown user in MAIL FROM", "your/sending/From domain ..."
    # (RFC 5321 3.3: the reverse-path is the sender's).
    r"|\bmail ?from\b['\"]? (?:domain|address)\b|\bin mail from\b"
    r"|\b(?:your|sending|sender'?s?|from|envelope) domain\b"
    r"|\bverify (?:the )?sender\b"
    # The sender's addresses by their roles: return (bounce) address and
    # Return-Path (RFC 5321 4.4), Reply-To and originator (RFC 5322 3.6.2).
    r"|\b(?:return|reply-?to|bounce|originator|originating) address\b|\breturn-path\b|\boriginator\b"
    r"|\(sender\)|\bsender account\b"
    r"|\breturn[- ]path (?:address )?(?:rejected|invalid|unknown|refused)"
)
# Our client, not anyone's address: Postfix "Client host rejected", DNSBL
# refusals (RFC 5782 lists), "your IP", reverse DNS checks.
_HOST_STATEMENT = GuardedPattern(
    r"\bclient host\b|\bblocked using\b|\b(?:dns)?rbl\b|\bdnsbl\b|spamhaus|spamcop|sorbs|barracudacentral"
    r"|\b(?:your|sending|connecting|source|client) (?:ip|host|server|mta|network|host ?name)\b"
    r"|\breverse dns\b|\bptr record"
    # An IP address named is our client's, except qmail's "couldn't find a mail
    # exchanger or IP address" for the recipient's domain.
    r"|(?<!exchanger or )\bip address\b"
    # RFC 5321 4.1.1.1: the HELO/EHLO name is the client's, "Helo command rejected" (Postfix).
    r"|\b(?:helo|ehlo) (?:command |name |hostname |host |domain )?(?:rejected|refused|invalid|is invalid|not|unknown|does)"
)
_SYSTEM_STATEMENT = GuardedPattern(
    r"local delivery (?:agent )?fail|\b(?:mail|routing|forwarding|aliasing) loop|loops back to myself"
    r"|too many hops|\bconfiguration error|misconfigur"
)
# The message's authentication results: ``decide`` tells authfailure from contenterror by them.
AUTHENTICATION = re.compile(r"\b(?:spf|dkim|dmarc)\b")
# The message, not an address: its authentication results or one of its header fields.
_MESSAGE_STATEMENT = re.compile(
    AUTHENTICATION.pattern + r"|\b(?:from|reply-to|date|message-id|subject) (?:header|field|line)\b"
    r"|\bheader (?:from|field)\b"
)
_EMAIL = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+")
# Amazon SES's own MAIL FROM (bounce) addresses: "<id>@<region>.amazonses.com"
# ("Setting up a custom MAIL FROM domain", SES developer guide).
_SES_ENVELOPE = re.compile(r"@(?:[a-z0-9-]+\.)*amazonses\.com$")


def refused_party(
    text: str,
    *,
    recipient: str | None = None,
    senders: tuple[str, ...] = (),
    command: str | None = None,
    diagnostic_type: str | None = None,
) -> tuple[str | None, str]:
    """(party, why): whom a folded diagnostic refuses, and the evidence; (None, "") if it does not say."""
    cmd = (command or "").upper()
    if cmd in ("CONN", "EHLO", "HELO"):
        return HOST, f"the reply answered {cmd}, before any address was given (RFC 5321 3.1, 4.1.1.1)"
    rcpt = (recipient or "").lower().strip("<> ")
    named = set(_EMAIL.findall(text)) if "@" in text else set()
    rcpt_named = bool(rcpt) and rcpt in named
    ours = {s.lower().strip("<> ") for s in senders if s}
    rcpt_said = _RECIPIENT_STATEMENT.search(text) is not None
    # Its own words about the sender win: "Recipient rejected: sender domain
    # example.org has no MX" refuses the recipient because of the sender.
    m = _SENDER_STATEMENT.search(text)
    if m:
        return SENDER, f'the reply is about the sender ("{m.group(0)}")'
    if not rcpt_named and not rcpt_said:
        for a in named:
            if a in ours or _SES_ENVELOPE.search(a):
                return SENDER, f"the reply names {a}, our envelope sender or the original's sender"
    if cmd == "MAIL":
        return SENDER, "the reply answered MAIL FROM (RFC 5321 3.3: about the reverse-path)"
    m = _HOST_STATEMENT.search(text)
    if m and not rcpt_named:
        return HOST, f'the reply is about our sending host ("{m.group(0)}")'
    m = _MESSAGE_STATEMENT.search(text)
    if m:
        return MESSAGE, f'the reply is about the message ("{m.group(0)}")'
    if (diagnostic_type or "").upper() == "X-UNIX":
        return SYSTEM, "the local delivery program failed (diagnostic type X-Unix)"
    m = _SYSTEM_STATEMENT.search(text)
    if m:
        return SYSTEM, f'the receiving system failed ("{m.group(0)}")'
    if rcpt_named or cmd == "RCPT" or rcpt_said:
        return RECIPIENT, "the reply names the recipient or answered RCPT TO"
    return None, ""
