"""RFC 3464 delivery status notifications (and RFC 6533 global ones).

Every MTA that writes a ``message/delivery-status`` part (Postfix, Sendmail,
Exchange, Office 365, Gmail, Amazon SES, Exim with DSN...) is read here. The
human-readable part fills in what the machine part leaves out: Postfix and
Exchange often put the remote server's full answer only in the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import Message

from ..models import BOUNCE, DELIVERY, OTHER
from ..parse import (
    Parsed,
    addresses,
    content_type,
    decode_header,
    normalise_address,
    part_text,
    raw_payload,
    surrogate_text,
)
from ..reasons import clean_status, find_command
from .base import Detection, Finding
from .text import recipient_blocks, report_text

# XWall (an Exchange gateway) labels its delivery-status part "message/xdelivery-status"
# (Mail::DeliveryStatus::BounceParser's p_xdelivery_status reads it as the standard type).
DSN_TYPES = ("message/delivery-status", "message/global-delivery-status", "message/xdelivery-status")
# Fields that may repeat in one group (ARF: one Original-Rcpt-To per recipient).
REPEATABLE = {"original-rcpt-to", "reported-uri", "authentication-results"}
_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$")


def field_blocks(text: str) -> list[dict[str, str]]:
    """RFC 822-style field groups separated by blank lines; keys lower-cased.

    A group without a blank line before a repeated Final-Recipient is split
    there too: some MTAs (old Exchange, Domino) omit the separator.
    """
    blocks: list[dict[str, str]] = []
    cur: dict[str, str] = {}
    last = ""
    for line in text.split("\n"):
        if not line.strip():
            if cur:
                blocks.append(cur)
                cur, last = {}, ""
            continue
        if line[0] in " \t" and last:
            cur[last] += " " + line.strip()
            continue
        m = _FIELD.match(line)
        if not m:
            continue
        key = m.group(1).lower()
        if key == "final-recipient" and "final-recipient" in cur:
            blocks.append(cur)
            cur = {}
        if key == "original-recipient" and "final-recipient" in cur and "status" in cur:
            blocks.append(cur)
            cur = {}
        if key not in cur:
            cur[key] = m.group(2).strip()
            last = key
        elif key in REPEATABLE:
            cur[key] += "\n" + m.group(2).strip()
            last = ""
        else:
            last = ""
    if cur:
        blocks.append(cur)
    return blocks


def _raw(value: object) -> str:
    text = decode_header(value) if not isinstance(value, str) or "=?" not in value else str(value)
    if not text.isascii():
        # 8-bit bytes in a field (RFC 6533 allows UTF-8; servers write it in plain
        # DSNs too) reach us as surrogates: read them as UTF-8, else Latin-1.
        text = surrogate_text(text)
    return _FOLDED_LINE.sub(" ", text) if "\n" in text else text


def dsn_text(part: Message) -> str:
    """The delivery-status part as text, whatever the parser made of it."""
    payload = part.get_payload()
    if isinstance(payload, list):
        chunks = []
        for block in payload:
            if isinstance(block, Message):
                # Raw values: RFC 3464 fields are not RFC 2047-encoded, and an
                # encoded-word local part (Sendmail) is the address as sent.
                # The stored values: items() would have made 8-bit bytes U+FFFD already.
                fields = block.__dict__.get("_headers") or block.items()
                chunks.append("\n".join(f"{k}: {_raw(v)}" for k, v in fields))
                body = raw_payload(block)
                # A block the parser could not split (no blank line) lands in the body.
                if isinstance(body, str) and body.strip():
                    chunks.append(surrogate_text(body))
        return "\n\n".join(chunks)
    return part_text(part)


# Amazon SES receiving: a receipt rule's Bounce action answers with a template
# the domain owner picked ("Mailbox does not exist" is a rule's choice, not a
# directory lookup), so the template names a policy, not a fact.
_SES_INBOUND = re.compile(r"inbound-smtp\.[a-z0-9-]+\.amazonaws\.com", re.I)
_RECEIPT_RULE_TEMPLATES = (
    ("mailbox does not exist", "filtered"),
    ("message too large", "mesgtoobig"),
    ("mailbox full", "mailboxfull"),
    ("message content rejected", "contenterror"),
)


def _receipt_rule_reason(diagnostic: str) -> str | None:
    low = diagnostic.lower()
    for text, reason in _RECEIPT_RULE_TEMPLATES:
        if text in low:
            return reason
    return None


# PowerMTA classifies every failure with its bounce rules and writes the
# verdict into the DSN as X-PowerMTA-BounceCategory (PowerMTA user guide,
# "bounce categories"); it has seen the whole SMTP dialogue, we have not.
POWERMTA_CATEGORY = {
    "bad-mailbox": "userunknown",
    "bad-domain": "hostunknown",
    "inactive-mailbox": "suspend",
    "quota-issues": "mailboxfull",
    "message-expired": "expired",
    "no-answer-from-host": "networkerror",
    "bad-connection": "networkerror",
    "relaying-issues": "norelaying",
    "spam-related": "spamdetected",
    "virus-related": "virusdetected",
    "policy-related": "policyviolation",
    "content-related": "contenterror",
    "routing-errors": "systemerror",
}

_SES_2011 = re.compile(r"^\d\.\d\.\d{1,3} - [A-Za-z ]+ (\d{3}[ -]'.*)$", re.S)
_PLAIN = re.compile(r"^[^\s@<>|/:,;]+@[^\s@<>|/:,;]+\.[^\s@<>|/:,;]+$")


def plain_address(value: str) -> str | None:
    """A normalised address when ``value`` is one plain address, else None."""
    v = value.strip()
    if v.startswith("<") and v.endswith(">"):
        v = v[1:-1].strip()
    if v.startswith("@") or v.startswith("|") or v.startswith("/"):
        return None
    a = normalise_address(v)
    return a if a and _PLAIN.match(a) else None


_FOLDED_LINE = re.compile(r"\s*\n\s*")
_TYPE_NAME = re.compile(r"\s*[A-Za-z0-9-]+\s*")
_SPACES = re.compile(r"\s+")


def typed_value(value: str) -> tuple[str | None, str]:
    """Split "rfc822; addr" / "smtp; 550 ..." into (type, value)."""
    if ";" in value:
        t, _, v = value.partition(";")
        if _TYPE_NAME.fullmatch(t):
            return t.strip().upper(), v.strip()
    return None, value.strip()


# RFC 3464 section 2.3.1: only an Internet address type names the address we
# sent to; RFC 6533 section 3 adds "utf-8" (its "\\x{HEX}" escapes decoded).
_ADDRESS_TYPES = ("RFC822", "UTF-8")
_EMBEDDED_UNICODE = re.compile(r"\\x\{([0-9A-Fa-f]{2,6})\}")
# RFC 2156 (MIXER): an X.400 O/R address carries the RFC 822 address in an
# "RFC-822" domain-defined attribute, with "(a)" for "@" and friends; Exchange's
# IMS writes the same attribute as "SMTP=" (Exchange 5.5 NDRs: "dda:SMTP=...").
_X400_DDA = re.compile(r"(?:RFC-?822|SMTP)=([^/;\s]+)", re.I)
_X400_ESCAPES = {"(a)": "@", "(p)": "%", "(b)": "!", "(q)": '"', "(u)": "_", "(l)": "(", "(r)": ")"}


def _typed_address(value: str) -> tuple[str | None, str]:
    """(type, address text) of a recipient field; a type written twice counts once."""
    atype, text = typed_value(value)
    again, rest = typed_value(text)
    if again is not None and again == atype:
        text = rest
    return atype, text


def decode_utf8_address(text: str) -> str:
    """RFC 6533's utf-8-addr-xtext/unitext: "\\x{HEX}" escapes to characters."""
    return _EMBEDDED_UNICODE.sub(lambda m: chr(int(m.group(1), 16)), text)


def x400_address(text: str) -> str | None:
    """The RFC 822 address inside an X.400 O/R address (RFC 2156), or None."""
    m = _X400_DDA.search(text)
    if not m:
        return None
    value = m.group(1)
    for k, v in _X400_ESCAPES.items():
        value = re.sub(re.escape(k), v, value, flags=re.I)
    return plain_address(value)


def final_recipient(b: dict[str, str]) -> str | None:
    """The Final-Recipient of one per-recipient group, as a plain address.

    Final-Recipient can be a pipe, a file, a bare "@host" or a source route
    (Exim, Sendmail, Messaging Server): then X-Actual-Recipient may help.
    """
    for key in ("final-recipient", "x-actual-recipient"):
        if not b.get(key):
            continue
        atype, text = _typed_address(b[key])
        if atype == "X400":
            found = x400_address(text)
        else:
            found = plain_address(decode_utf8_address(text) if atype == "UTF-8" else text)
        if found:
            return found
    return None


def original_recipient(b: dict[str, str]) -> str | None:
    """The Original-Recipient (rfc822 or utf-8 type) as a plain address, or None."""
    if not b.get("original-recipient"):
        return None
    atype, text = _typed_address(b["original-recipient"])
    if atype is not None and atype not in _ADDRESS_TYPES:
        return None
    found = plain_address(decode_utf8_address(text) if atype == "UTF-8" else text)
    # Exchange encapsulates a non-SMTP (X.500) address as "IMCEAEX-...@domain"
    # (Microsoft: "IMCEA encapsulation"): no address anyone sent to.
    if found and found.upper().startswith("IMCEA"):
        return None
    return found


def same_mailbox(a: str | None, b: str | None) -> str | None:
    """``b`` when ``a`` and ``b`` name one mailbox written two ways, else None.

    Postfix writes the Original-Recipient in its internal (unquoted) form and
    the Final-Recipient quoted as RFC 5321 requires ("a..b"@example.com): the
    quoted form is the one that can be sent to.
    """
    if not a or not b:
        return None

    def bare(x: str) -> str:
        local, _, domain = x.rpartition("@")
        return f"{local.strip(chr(34))}@{domain}".lower()

    return b if bare(a) == bare(b) else None


class DSNDetector:
    """Reads the machine-readable delivery-status part."""

    name = "dsn"

    def detect(self, msg: Parsed) -> Detection | None:
        parts = msg.parts_of_type(*DSN_TYPES)
        if not parts:
            return None
        text = "\n\n".join(dsn_text(p) for p in parts)
        return self.from_fields(msg, text)

    def from_fields(self, msg: Parsed, text: str) -> Detection | None:
        blocks = field_blocks(text)
        per_message: dict[str, str] = {}
        recipients: list[dict[str, str]] = []
        for b in blocks:
            if "final-recipient" in b or "original-recipient" in b or "x-actual-recipient" in b:
                recipients.append(b)
            else:
                for k, v in b.items():
                    per_message.setdefault(k, v)
        if not recipients:
            return None
        findings = []

        def human() -> dict[str, str]:
            return recipient_blocks(msg)

        fallback: list[str] = []
        single = len(recipients) == 1

        def report() -> str:
            # Only a lone recipient without any diagnostic borrows the whole text.
            return _SPACES.sub(" ", report_text(msg)).strip()[:2000] if single else ""

        if len(recipients) == 1:
            fallback = addresses(msg.header("x-failed-recipients"))
        for b in recipients:
            findings.append(self._finding(b, human, report, fallback))
        reporting = typed_value(per_message.get("reporting-mta", ""))[1]
        if _SES_INBOUND.search(reporting):
            for f in findings:
                f.reason = f.reason or _receipt_rule_reason(f.diagnostic)
        kinds = {f.kind for f in findings}
        kind = BOUNCE if BOUNCE in kinds else (DELIVERY if DELIVERY in kinds else OTHER)
        return Detection(
            kind=kind,
            findings=findings,
            detector=self.name,
            reporting_mta=typed_value(per_message.get("reporting-mta", ""))[1] or None,
            arrival_date=per_message.get("arrival-date") or None,
        )

    def _finding(
        self,
        b: dict[str, str],
        human: Callable[[], dict[str, str]],
        report: Callable[[], str] = str,
        fallback: list[str] | None = None,
    ) -> Finding:
        final = final_recipient(b)
        orig = original_recipient(b)
        # The address we sent to is the one to suppress: RFC 3464 section
        # 2.3.1's Original-Recipient when the report gives it, else the
        # Final-Recipient (section 2.3.2), which an alias, a forward or a
        # mailbox rewrite may have changed on the way.
        rcpt = same_mailbox(orig, final) or orig or final
        if rcpt is None and len(human()) == 1:
            rcpt = next(iter(human()))
        if rcpt is None and fallback:
            rcpt = fallback[0]
        dtype, diag = typed_value(b.get("diagnostic-code", ""))
        action = (b.get("action") or "").strip().lower() or None
        status_field = b.get("status", "")
        status = clean_status(status_field)
        # The text part often holds the remote server's full answer (Postfix:
        # "host x said: 550 ..."); use it where the machine part is thin.
        # The text part is read only where the machine part is thin or the
        # answer's wording needs the SMTP command ("user unknown" at DATA).
        thin = not diag or len(diag) < 20 or (status or "").endswith(".0.0")
        low = diag.lower()
        wants_command = "unknown" in low or "no such" in low or "invalid" in low
        blocks = human() if thin or wants_command else {}
        # The text names the address the MTA last tried (Postfix: "<final>
        # (expanded from <original>): host ... said: ...").
        extra = blocks.get((final or "").lower(), "") or blocks.get((rcpt or "").lower(), "")
        if not extra and not diag:
            extra = report()
        if extra and thin:
            diag = f"{diag} {extra}".strip() if diag else extra
        m = _SES_2011.match(diag)
        if m:
            # SES's 2011 DSN: "5.1.0 - Unknown address error 550-'<remote answer>'":
            # the prefix is SES's generic gloss; the remote answer is the evidence.
            diag = m.group(1)
        kind = BOUNCE
        if action and action.split()[0] in ("delivered", "relayed", "expanded"):
            kind = DELIVERY
        elif status and status.startswith("2."):
            kind = DELIVERY
        remote = typed_value(b.get("remote-mta", ""))[1] or None
        # Postfix and Exim say in the text which SMTP command was refused.
        command = find_command(extra) or find_command(diag)
        return Finding(
            recipient=rcpt,
            status=status,
            action=action,
            diagnostic=diag,
            diagnostic_type=dtype,
            remote_mta=remote,
            original_recipient=orig,
            final_recipient=final,
            last_attempt_date=b.get("last-attempt-date") or None,
            will_retry_until=b.get("will-retry-until") or None,
            kind=kind,
            command=command,
            reason=POWERMTA_CATEGORY.get(b.get("x-powermta-bouncecategory", "").strip().lower()),
            # "Status: 5.0.0 (permanent failure)" from SES 2011 and others.
            permanent=True if "permanent" in status_field.lower() else None,
        )


class InlineDSNDetector(DSNDetector):
    """DSN fields written into a text part (mangled by a relay or a list server)."""

    name = "dsn-inline"

    def detect(self, msg: Parsed) -> Detection | None:
        for (_, part), ct in zip(msg.parts, msg.part_types, strict=True):
            broken_multipart = ct.startswith("multipart/") and isinstance(part.get_payload(), str)
            if part.is_multipart() or not (
                broken_multipart or ct in ("text/plain", "message/delivery-status", "text/delivery-status")
            ):
                continue
            # Forwarded bounces arrive quoted ("> Final-Recipient: ...").
            text = re.sub(r"(?m)^> ?", "", part_text(part))
            low = text.lower()
            if "final-recipient:" in low and ("status:" in low or "action:" in low):
                # Only the part before the quoted original: that holds our fields.
                det = self.from_fields(msg, text)
                if det:
                    return det
        return None


class NestedDSNDetector(DSNDetector):
    """A DSN attached as message/rfc822 to another notice.

    Sample: content filters (Trend Micro IMSS) and forwarding users wrap the
    MTA's multipart/report in a message of their own that says nothing itself.
    """

    name = "dsn-nested"

    def detect(self, msg: Parsed) -> Detection | None:
        for part in msg.parts_of_type("message/rfc822"):
            payload = part.get_payload()
            if not (isinstance(payload, list) and payload and isinstance(payload[0], Message)):
                continue
            if not content_type(payload[0]).startswith("multipart/"):
                continue
            inner = Parsed(msg=payload[0], raw=b"")
            if not inner.parts_of_type(*DSN_TYPES):
                continue
            det = super().detect(inner)
            if det is not None:
                return det
        return None
