"""Reason and SES bounce type for one bounced recipient: the written precedence.

1. **A detector's hint**: a format that states its cause (SES's suppression
   lists, PowerMTA's bounce category, a provider code the detector decoded).
2. **The receiving provider's own table** (``feedback.receivers``): the
   receiver, recognised by its MX host, the recipient's domain or a wording
   only it writes, decides with the meaning its published pages give.
3. **Precise statements** (``phrases.TIER0``, then ``phrases.TIER1``): wordings
   that beat any code, then explicit statements about the mailbox or the
   message ("mailbox full", "message too large", "no such user": the last is
   the mailbox host's own statement that the address does not exist, and
   decides whatever the status and whatever the SMTP stage, since a report
   rarely says the stage).
4. **The RFC 3463 status** (``status``): class, subject and detail, when the
   code is specific; a generic code (x.0.0, 5.7.1 "not authorized") leaves
   the cause to the words.
5. **Generic phrases** (``phrases.TIER2``), then the code's class and subject,
   the Action, the SMTP command.

Throughout, **who is refused** (``subject``) gates Permanent: only a refusal
about the recipient's address (``userunknown``, ``hostunknown``, ``hasmoved``,
a 5xx ``notaccept``) is Permanent. When the reply is about our envelope
sender, our sending host, the message itself (its authentication or a
header field) or a failure of the receiving system, the reason becomes
``rejected``, ``blocked``, ``authfailure``/``contenterror`` or
``systemerror``, all Transient, however
the reply is worded or coded: "Permanent only when the address itself is bad"
holds by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import PERMANENT, TRANSIENT, UNDETERMINED
from ..receivers import receiver_rule
from . import subject
from .phrases import (
    ADDRESS,
    PHRASE_BEATS_CODE,
    TIER0,
    TIER1,
    TIER2,
    TIER2_BEATS_CODE,
    PhraseRule,
    Phrases,
    phrase_reason,
    phrase_rule,
    required_literal,
    required_words,
)
from .status import STATUS_REASON, TEMP_STATUS_REASON, WEAK_CODES, WEAK_REASONS, status_reason
from .text import (
    _REMOTE_STATUS,
    action_of,
    clean_status,
    find_command,
    find_reply_code,
    find_status,
    fold,
)

RFC3463 = "RFC 3463 section 3 (and the IANA SMTP Enhanced Status Codes registry)"


@dataclass(frozen=True)
class Verdict:
    """What the tables concluded for one recipient, and which rule decided."""

    reason: str
    status: str | None
    bounce_type: str
    bounce_subtype: str
    rule: str = ""
    source: str = ""
    party: str | None = None
    party_why: str = ""


_PRECISE = TIER0 + TIER1
# Reasons that say the address itself is bad: the only Permanent ones.
ADDRESS_REASONS = frozenset({"userunknown", "hostunknown", "hasmoved", "notaccept"})
# What a Permanent-looking reason becomes when the reply is about someone else.
_NOT_THE_ADDRESS = {
    subject.SENDER: "rejected",
    subject.HOST: "blocked",
    subject.SYSTEM: "systemerror",
    subject.MESSAGE: "contenterror",
}


def decide(
    status: str | None,
    diagnostic: str,
    *,
    action: str | None = None,
    reply_code: str | None = None,
    diagnostic_type: str | None = None,
    command: str | None = None,
    hint: str | None = None,
    permanent_hint: bool | None = None,
    recipient: str | None = None,
    remote_mta: str | None = None,
    senders: tuple[str, ...] = (),
) -> Verdict:
    """Reason, status and SES type for one bounced recipient.

    ``hint`` is a reason a detector already knows from the format (an SES
    suppression, a provider's documented code); it wins over the tables.
    ``permanent_hint`` is what the surrounding text says of the failure
    (qmail's "This is a permanent error", Exim's "retry timeout exceeded").
    ``recipient``, ``remote_mta`` and ``senders`` (the original's From and
    Return-Path) identify the receiver and whom the reply refuses.
    """
    text = fold(diagnostic)
    st = _status(status, text, action)
    reply = reply_code or find_reply_code(text)
    action_l = (action or "").strip().lower()
    command = command or find_command(text)

    if hint is not None:
        reason, rule, source = hint, "detector", "the report's own format (see the detector)"
    else:
        reason, rule, source = _reason(st, text, action_l, diagnostic_type, command, reply, recipient, remote_mta)
        if reason == "hostunknown" and ((st or "").startswith("4") or (reply or "").startswith("4")):
            # A domain that fails to resolve *temporarily* (SERVFAIL, a
            # timeout, "try again") says nothing about the address (RFC 3463
            # X.4.3 / 4xx: transient); it must not hard-bounce it.
            reason, rule = "networkerror", rule + "; a temporary DNS failure"
    party, why = None, ""
    if reason in ADDRESS_REASONS and hint is None:
        party, why = subject.refused_party(
            text, recipient=recipient, senders=senders, command=command, diagnostic_type=diagnostic_type
        )
        if party in _NOT_THE_ADDRESS:
            reason = _NOT_THE_ADDRESS[party]
            if party == subject.SYSTEM and (diagnostic_type or "").upper() == "X-UNIX":
                reason = "mailererror"
            elif party == subject.MESSAGE and subject.AUTHENTICATION.search(text):
                reason = "authfailure"
            rule = f"{rule}; not about the recipient's address: {why}"
            source = "feedback.reasons.subject (who is refused)"

    if st is None:
        # Derive the class: the SMTP reply code, then what the report says.
        if reply and reply[0] in "45":
            st = f"{reply[0]}.0.0"
        elif action_l.startswith("delayed") or permanent_hint is False:
            st = "4.0.0"
        else:
            # A non-delivery report that does not say the failure is
            # temporary reports a failed delivery (RFC 3464 Action: failed).
            st = "5.0.0"
    bounce_type, subtype = ses_type(reason, st, text)
    return Verdict(
        reason=reason,
        status=st,
        bounce_type=bounce_type,
        bounce_subtype=subtype,
        rule=rule,
        source=source,
        party=party,
        party_why=why,
    )


def _status(status: str | None, text: str, action: str | None) -> str | None:
    """The most precise status: the Status field, or the remote server's own code in the text."""
    code_in_text = find_status(text)
    st = clean_status(status)
    remote = _REMOTE_STATUS.search(text)
    if (
        remote
        and (st is None or remote.group(1)[0] == st[0])
        and (st is None or st.endswith(".0.0") or not st.endswith(".0"))
    ):
        # The remote server's own code ("550-'5.7.1 ... Access denied'")
        # is more precise than a generic Status field.
        st = clean_status(remote.group(1))
    elif (st is None or st.endswith(".0.0")) and code_in_text and (st is None or code_in_text[0] == st[0]):
        st = code_in_text
    if st and st[0] == "4" and remote and remote.group(1)[0] == "5" and action_of(action) == "failed":
        # "Action: failed" with a 4.x.x Status over the remote's own 5.x.x:
        # the delivery failed for good, and the remote said why.
        st = clean_status(remote.group(1))
    return st


def _phrase(r: PhraseRule, tier: str) -> tuple[str, str, str]:
    return r.reason, f"{tier} phrase /{r.pattern}/", r.source


def _reason(
    st: str | None,
    text: str,
    action: str,
    diagnostic_type: str | None,
    command: str | None,
    reply: str | None,
    recipient: str | None,
    remote_mta: str | None,
) -> tuple[str, str, str]:
    """(reason, rule, source) by the precedence in the module docstring."""
    if st and st.startswith("2."):
        return "delivered", f"status {st}", RFC3463
    found = receiver_rule(remote_mta, recipient, text)
    if found is not None:
        receiver, rule = found
        return rule.reason, f"receiver {receiver.name}: /{rule.pattern}/", rule.source
    r = phrase_rule(text, _PRECISE)
    if r is not None:
        if r.reason == "mesgtoobig" and status_reason(st) == "exceedlimit":
            # Both say "too large"; 5.2.3 says which limit.
            return "exceedlimit", f"status {st} over /{r.pattern}/", RFC3463
        return _phrase(r, "precise")
    by_code = status_reason(st)
    r = phrase_rule(text, ADDRESS)
    if r is not None and by_code not in ("hostunknown", "hasmoved"):
        # The mailbox host says the address does not exist; only a code that
        # says something else about the same address (X.1.2 bad domain, X.1.6
        # moved) is more precise.
        return _phrase(r, "address")
    dtype = (diagnostic_type or "").upper()
    if dtype == "X-UNIX" and (by_code is None or by_code in WEAK_REASONS):
        # The local delivery program (a pipe, procmail) failed: whatever it
        # printed, the mailer is the cause (RFC 3464 2.3.6, diagnostic type).
        return "mailererror", "diagnostic type X-Unix", "RFC 3464 2.3.6"
    if by_code and by_code not in WEAK_REASONS and st not in WEAK_CODES:
        # A specific code: only the causes it cannot express can override it.
        r = phrase_rule(text, TIER2_BEATS_CODE)
        if r is not None:
            return _phrase(r, "over-the-code")
        return by_code, f"status {st}", RFC3463
    r = phrase_rule(text, TIER2)
    if r is not None and not (r.reason == "userunknown" and st and st[1:4] in (".2.", ".7.")):
        # ... but X.2.x says the mailbox exists (RFC 3463 3.3), which a loose
        # wording ("mailbox not available") does not contradict; X.7.x says
        # the refusal is a security or policy decision (RFC 3463 3.8), which
        # RFC 5321's own 550 text ("mailbox unavailable ... rejected for
        # policy reasons") covers as well.
        return _phrase(r, "generic")
    if by_code:
        return by_code, f"status {st} (generic)", RFC3463
    if dtype in ("X-UNIX", "X-POSTFIX"):
        return "mailererror", f"diagnostic type {dtype}", "RFC 3464 2.3.6"
    if st:
        sub = st.split(".")[1]
        if sub == "6":
            return "contenterror", f"status {st}: subject 6, media", RFC3463
        if sub == "7":
            return "securityerror", f"status {st}: subject 7, security or policy", RFC3463
    if reply in ("500", "501", "502", "503", "504"):
        return "syntaxerror", f"reply {reply}", "RFC 5321 4.2.2 (5.0x: syntax)"
    if action.startswith(("delayed", "expired")):
        return "expired", f"Action: {action}", "RFC 3464 2.3.3"
    if (command or "").upper() in ("EHLO", "HELO", "CONN"):
        return "blocked", f"refused at {command}", "RFC 5321 3.1 (the client was refused)"
    if text:
        return "onhold", "no rule matched the text", ""
    return "undefined", "no status and no text", ""


# SES bounce types. Permanent means "this address will not take mail": only
# the reasons about the address itself. A 5xx for our IP, content or policy is
# not the address's fault and must not suppress it, so it is Transient (as SES
# itself reports ContentRejected and friends).
_SUBTYPE = {
    "mailboxfull": "MailboxFull",
    "mesgtoobig": "MessageTooLarge",
    "exceedlimit": "MessageTooLarge",
    "spamdetected": "ContentRejected",
    "virusdetected": "ContentRejected",
    "contenterror": "ContentRejected",
    "policyviolation": "ContentRejected",
    "notcompliantrfc": "ContentRejected",
}


def ses_type(reason: str, status: str | None, text: str = "") -> tuple[str, str]:
    """(bounce_type, bounce_subtype) in SES's vocabulary for a reason."""
    if reason in ADDRESS_REASONS and status and status.startswith("4"):
        # A 4xx is a transient negative completion (RFC 5321 4.2.1): Postfix's
        # "450 4.1.1 ... unverified address" could not verify the address now.
        return TRANSIENT, "General"
    if reason in ("userunknown", "hasmoved"):
        return PERMANENT, "NoEmail"
    if reason == "hostunknown":
        return PERMANENT, "General"
    if reason == "suppressed":
        if "suppression list for your account" in text:
            return PERMANENT, "OnAccountSuppressionList"
        return PERMANENT, "Suppressed"
    if reason == "notaccept":
        return PERMANENT, "General"
    if reason in ("undefined",) and not status:
        return UNDETERMINED, "Undetermined"
    if reason in ("virusdetected", "contenterror") and "attachment" in text:
        return TRANSIENT, "AttachmentRejected"
    return TRANSIENT, _SUBTYPE.get(reason, "General")


__all__ = [
    "PHRASE_BEATS_CODE",
    "STATUS_REASON",
    "TEMP_STATUS_REASON",
    "ADDRESS",
    "TIER0",
    "TIER1",
    "TIER2",
    "Phrases",
    "Verdict",
    "action_of",
    "clean_status",
    "decide",
    "find_command",
    "find_reply_code",
    "find_status",
    "fold",
    "phrase_reason",
    "required_literal",
    "required_words",
    "ses_type",
    "status_reason",
]
