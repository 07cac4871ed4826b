"""Plain-text bounces: the human-readable report most MTAs write before the original.

qmail, Exim, Courier, Sendmail v5, Yahoo, Gmail's and Mail.ru's own wording,
Exchange 2003, Notes, IMail, DragonFly and many filters send no
machine-readable part. They all follow one of a few layouts:

    <rcpt@example.com>:                       qmail, Yahoo, OpenSMTPD, Zoho
    remote host said: 550 ...

      rcpt@example.com                        Exim, Mail.ru, Gmail
        SMTP error from remote mail server after RCPT TO:...: 550 ...

    rcpt@example.com: 550 ... / ... to <rcpt@example.com> ...: 550 ...
                                              one line: Sendmail, DragonFly

so one reader splits the report into per-recipient blocks: a recipient's
block starts at the line that names it and runs to the next recipient or the
end of the report (the original's marker).
"""

from __future__ import annotations

import re

from ..mime import get_header
from ..models import BOUNCE
from ..original import find_marker
from ..parse import Parsed, addresses, decode_header, normalise_address
from ..reasons import find_reply_code, find_status, fold, phrase_reason
from ..reasons.phrases import GuardedPattern
from .autoreply import VACATION_SUBJECT
from .base import Detection, Finding

# Senders of bounces: RFC 3464 section 2 and every MTA's postmaster alias.
# Senders of bounces (RFC 5321's postmaster, RFC 3464's MAILER-DAEMON and what
# MTAs really use): their mail is a report whatever its subject says.
DAEMON_LOCAL = re.compile(
    r"^(?:mailer-daemon|mailer_daemon|mailerdaemon\w*|postmaster|post_master|mail-daemon|maildaemon|mail\.daemon|"
    r"mmdf|mdaemon|double-bounce|mail-delivery-system|bounce-notification|postoffice)$",
    re.I,
)
# Local parts that MTAs also send reports from, but that send other mail too
# (a shop's "noreply", a cron job's "root"): these need the report to say so.
# KDDI/au sends its bounces from no-reply@.
DAEMON_LOCAL_WEAK = re.compile(
    r"^(?:bounces?|smtp|mail|mailer|mailadmin|nobody|root|daemon|system|delivery-status|no-?reply)$", re.I
)
DAEMON_NAME = re.compile(
    r"mail delivery (?:subsystem|system|service|agent)|mailer[- ]daemon|postmaster|"
    r"mail administrator|internet mail delivery|"
    # Exchange 5.5-2003 send their NDRs as "System Administrator" (Sisimai's
    # Exchange2003 module reads the same layout).
    r"system administrator|"
    # Mail gateways that report failed deliveries under their product name:
    # Trend Micro InterScan (VirusWall, Messaging Security Suite), Symantec
    # AntiVirus for SMTP Gateways, McAfee WebShield, MailMarshal.
    r"interscan|symantec[ _]anti-?virus|webshield|mailmarshal",
    re.I,
)
BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|not (?:be )?delivered|delivery (?:status notification|failure|failed|problem|notification|report)|"
    r"returned mail|returning message|mail delivery (?:failed|failure|error|system)|failure notice|"
    r"delivery has failed|could not be delivered|rejected|nondeliverable|non[- ]?delivery|"
    r"bounce|\bfail(?:ed|ure)?\b|warning: (?:could not|message)|unable to deliver|mail failure|delivery error|"
    r"failed delivery|message delivery failure|permanent error|delivery incomplete|"
    r"mail could not|mail system error|delayed mail|delivery delayed|"
    r"error sending|sending failed|message not delivered|notificaci[oó]n|"
    r"zustellung|unzustellbar|non remis|non recapitable|delivery warning|"
    r"メール|配送|エラー|不達|返送|Недостав|не может быть доставлено|доставлен|"
    # Chinese notices (GB2312/GBK/Big5, simplified and traditional): "returned
    # mail" (Coremail's "系统退信"), "delivery failed", "could not be delivered".
    r"退信|退回|投递失败|投遞失敗|发送失败|發送失敗|无法投递|無法投遞|未能送达|無法送達|无法送达",
    re.I,
)
PERMANENT_TEXT = GuardedPattern(
    r"permanent(?:ly)? (?:error|fatal|failure|failed)|failed permanently|fatal errors?|"
    r"this is a permanent error|could not be delivered|has been rejected|i'?ve given up|"
    r"unable to deliver|was not delivered|couldn'?t be delivered|delivery has failed",
)
TEMPORARY_TEXT = GuardedPattern(
    r"temporar(?:y|ily)|delayed|will (?:continue|keep) trying|will continue to try|has been postponed|will retry|still trying|"
    r"not yet been delivered|has not been delivered yet|is still in (?:the )?queue|"
    r"warning: message|delivery attempts will continue|persistent",
)
# Lines of boilerplate that name addresses which are never the failed recipient.
_SENDER_CONTEXT = re.compile(r"mail from:|envelope-from|return-path|reply-to|sender address|^from:|^to:|^cc:")


# Compiled once: these run on every line or every report.
_EMBEDDED_HEADERS = re.compile(r"\n\n(?:Return-Path|Received|Message-ID|DKIM-Signature): ", re.I)
_BARE_REST = re.compile(r"^>?\s*:?\s*$|^>?:")
_TO_LINE = re.compile(r"\s*(?:[-*•]\s*)?to:", re.I)
_REFUSAL_REPLY = re.compile(r"<<<\s*[45]\d\d\b")
_SAYS_SOMETHING = re.compile(r"\d{3}|\w{4,} \w{4,}")
_BLANKS = re.compile(r"[ \t]+")
_EMPTY_LINES = re.compile(r"\n\s*\n+")


def looks_like_bounce(msg: Parsed) -> bool:
    """Whether the envelope and headers say this is a non-delivery report."""
    if msg.header("x-failed-recipients"):
        return True
    local = msg.sender.split("@")[0] if msg.sender else ""
    from_raw = msg.header("from")
    daemon = bool(local and DAEMON_LOCAL.match(local)) or bool(DAEMON_NAME.search(from_raw))
    return_path = msg.header("return-path")
    null_sender = return_path.strip() in ("<>", "") and "return-path" in {k.lower() for k in msg.msg.keys()}
    subj = bool(BOUNCE_SUBJECT.search(msg.subject))
    if daemon:
        return subj or null_sender or not msg.subject or _body_says_bounce(msg)
    if VACATION_SUBJECT.search(msg.subject):
        # Exchange sends out-of-office replies with a null sender and the
        # original subject after "Automatic reply:"; a "failed" in there is
        # the original's word, not a report.
        return False
    if null_sender and subj:
        return True
    weak = bool(local and DAEMON_LOCAL_WEAK.match(local))
    if weak:
        return (subj or null_sender) and _body_says_bounce(msg)
    # Gateways and site MTAs sign reports with an ordinary mailbox
    # (Symantec AntiVirus for SMTP Gateways, site relays): a bounce subject,
    # and near the top a report sentence followed by the address it is about
    # ("could not be delivered to the following recipients: rcpt@...").
    # A person's "delivery failed" about a parcel names no mailbox.
    if not subj:
        return False
    head = msg.body_text[:1500]
    said = _BODY_BOUNCE.search(head)
    if said is None:
        return False
    parties = {a.lower() for h in ("from", "to", "reply-to", "sender") for a in addresses(msg.header(h))}
    return any(a.lower() not in parties for a in addresses(head[said.start() : said.end() + 160]))


_BODY_BOUNCE = re.compile(
    r"could not be delivered|wasn'?t able to deliver|unable to deliver|delivery (?:to the following|has failed|failed)|"
    r"undeliverable|permanent error|following (?:address(?:es)?|recipients?) (?:failed|had)|returned to sender|"
    r"message (?:was|could) not (?:be )?delivered|delivery problem|not delivered|"
    r"invalid (?:user|recipient) address|no such user|user unknown|mailbox unavailable|mailbox is full|"
    # USA.NET webmail: "The following mail has been returned"; Exchange's
    # delivery warning: "Delivery of email to this address ... has been postponed".
    r"(?:mail|message) has been returned|has been postponed|"
    r"送信できませんでした|配信できませんでした|届きませんでした|не может быть доставлено|"
    # Chinese: the report sentences of the subjects above.
    r"退信|投递失败|投遞失敗|无法投递|無法投遞|未能送达|未能成功送达|无法送达|無法送達|"
    # French relays: "Votre message n'a pas pu être délivré/remis à".
    r"n'a pas pu (?:e|ê)tre (?:d(?:e|é)livr|remis)",
    re.I,
)


def _body_says_bounce(msg: Parsed) -> bool:
    return bool(_BODY_BOUNCE.search(msg.body_text[:4000]))


def report_text(msg: Parsed) -> str:
    """The human-readable report: the body up to the quoted original."""
    return msg.memo("report", lambda: _report_text(msg))


def _report_text(msg: Parsed) -> str:
    text = msg.body_text
    m = find_marker(text)
    if m:
        return text[: m[0]]
    # No marker: stop at an embedded header block (a quoted original without one).
    h = _EMBEDDED_HEADERS.search(text)
    return text[: h.start()] if h else text


def excluded_addresses(msg: Parsed) -> set[str]:
    """Addresses that are the bounce's own parties, never a failed recipient."""
    return msg.memo("excluded", lambda: _parties(msg))


def _parties(msg: Parsed) -> set[str]:
    out = set()
    for h in ("from", "to", "reply-to", "return-path", "sender", "cc", "delivered-to"):
        for a in addresses(msg.header(h)):
            out.add(a.lower())
    return out | _original_senders(msg)


def _original_senders(msg: Parsed) -> set[str]:
    """The returned message's envelope sender and author: ours, not a failed
    recipient (Exim: "A message sent by <sender> could not be delivered")."""

    def compute() -> set[str]:
        from ..original import find_original

        original = find_original(msg)
        out: set[str] = set()
        if original is not None:
            for h in ("return-path", "from", "sender"):
                out.update(a.lower() for a in addresses(decode_header(get_header(original, h))))
        return out

    return msg.memo("original-senders", compute)


_HEAD_LINE = re.compile(
    r"^\s*(?:(?:[-*•|]|>+|\d+[.)])\s*)?(?:to:|recipient:|original recipient:|rcpt to:|address:|recipients?:|recipient address:|"
    r"failed recipient:|intended recipient:|destinataire:|target mail address:|(?:undeliverable|undelivered|delivery|failed) to:?|"
    r"被送信者|宛先|收件人:?|收件人地址:?)?\s*[<\"'(\[]?"
    r"([\w.!#$%&'*+/=?^`{|}~-]+@[^\s<>\"'(),;:\[\]]+?)[>\"')\]]?\s*(?::|,|\.\.\.|$|\(|\s--|\s{2,}|\s+\S+)",
    re.I,
)


# Sendmail's per-recipient verdict: "554 <rcpt@example.org>... 550 Host unknown".
_SENDMAIL_LINE = re.compile(r"^\s*[245]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3} )?<([^\s<>]+@[^\s<>]+)>\.\.\.")
# Where a Sendmail verdict's text ends: the next verdict line, for a recipient or
# for a host ("421 example.org (smtp)... Deferred"), or the next host's exchange.
_VERDICT_LINE = re.compile(
    r"^\s*(?:[245]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3} )?\S+(?: \([a-z]+\))?\.\.\. |while talking to |>>> |<<< )", re.I
)


def recipient_blocks(msg: Parsed, report: str | None = None) -> dict[str, str]:
    """{recipient (lower-cased): the text the report gives about it}."""
    if report is None:
        return msg.memo("blocks", lambda: _blocks(msg, report_text(msg)))
    return _blocks(msg, report)


def _blocks(msg: Parsed, report: str) -> dict[str, str]:
    lines = report.split("\n")
    excluded = excluded_addresses(msg)
    heads: list[tuple[int, str, str]] = []  # (line index, address, rest of the line)
    sendmail_heads: set[int] = set()  # heads that are Sendmail's one-line verdicts
    echoed: set[int] = set()  # "To:" lines of an echoed header summary
    for i, line in enumerate(lines):
        if "@" not in line or _SENDER_CONTEXT.search(line.lower()):
            continue
        m = _HEAD_LINE.match(line) or _SENDMAIL_LINE.match(line)
        if not m:
            continue
        addr = normalise_address(m.group(1))
        if not addr:
            continue
        # The bounce's own parties (its To is the original sender) count only
        # in the strict "<rcpt>:" / bare-address layouts: people do mail
        # themselves, but a greeting line "sender@example.com 様" is no recipient.
        labelled = bool(line[: m.start(1)].strip(" \t<>\"'(-*•|"))
        if addr.lower() in excluded and (labelled or not _BARE_REST.match(line[m.end(1) :])):
            continue
        if _TO_LINE.match(line):
            echoed.add(i)
        heads.append((i, addr, line[m.end(1) :]))
        if m.re is _SENDMAIL_LINE:
            sendmail_heads.add(i)
    senders = _original_senders(msg)
    if any(h[1].lower() not in senders for h in heads):
        # A line naming the original's sender is the report quoting it, even
        # in the bare-address layout that otherwise names a recipient.
        heads = [h for h in heads if h[1].lower() not in senders]
    if echoed and len(echoed) < len(heads):
        # Exchange and others echo the original's "To:/Subject:/Sent:" above
        # the real list; a "To:" line counts only where nothing else names anyone.
        heads = [h for h in heads if h[0] not in echoed]
    blocks: dict[str, str] = {}
    for n, (i, addr, rest) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        if heads[n + 1 : n + 2] and heads[n + 1][1].lower() == addr.lower():
            end = heads[n + 1][0]
        if i in sendmail_heads:
            # Sendmail writes one verdict line per recipient and per host
            # ("554 <rcpt>... 550 Host unknown", "550 example.org (smtp)...
            # 550 Host unknown"): the next verdict line, or the next host's
            # exchange, is another one's.
            end = next((k for k in range(i + 1, end) if _VERDICT_LINE.match(lines[k])), end)
        body = [rest.strip(" \t:>\"'")] + [ln.strip() for ln in lines[i + 1 : end]]
        if i in sendmail_heads:
            # "While talking to mx.example.org: >>> MAIL From:<...> <<< 550
            # Insecure Mail Relay" right above "554 <rcpt>... Remote protocol
            # error": the exchange is the verdict's cause (Sendmail's transcript).
            k = i
            while k > 0 and lines[k - 1].lstrip().startswith((">>>", "<<<")):
                k -= 1
            body = [ln.strip() for ln in lines[k:i]] + body
        # A block ends at the first paragraph break after some text: what
        # follows is boilerplate ("Please check the address...").
        out: list[str] = []
        for ln in body:
            if not ln and any(out) and len(" ".join(out)) > 40:
                break
            if ln:
                out.append(ln)
        key = addr.lower()
        blocks[key] = (blocks.get(key, "") + " " + " ".join(out)).strip()
    _attach_transcript_commands(lines, blocks)
    return blocks


def _attach_transcript_commands(lines: list[str], blocks: dict[str, str]) -> None:
    """Sendmail's transcript: ">>> DATA" then "<<< 550 ... <rcpt>": the command
    before a reply that names a recipient is the one that recipient failed at."""
    last = None
    if not blocks:
        return
    for line in lines:
        if "<<<" not in line and ">>>" not in line:
            continue
        t = line.strip()
        if t.startswith(">>>"):
            last = t
        elif t.startswith("<<<") and last:
            low = last.lower()
            refused = bool(_REFUSAL_REPLY.match(t))
            for addr in blocks:
                # ">>> RCPT To:<rcpt>" answered by "<<< 550 ...": refused at RCPT
                # even when the reply does not repeat the address (Sendmail v5).
                named = addr in t.lower() or (refused and low.startswith(">>> rcpt") and addr in low)
                if named and last not in blocks[addr]:
                    blocks[addr] = f"{blocks[addr]} {last}"


def is_daemon(addr: str) -> bool:
    """Whether ``addr`` is a mail system's own mailbox (MAILER-DAEMON, postmaster), never a recipient."""
    return bool(DAEMON_LOCAL.match(addr.split("@")[0])) and not addr.lower().startswith(("root@", "mail@", "system@"))


class TextBounceDetector:
    """A non-delivery report without a delivery-status part."""

    name = "text"

    def detect(self, msg: Parsed) -> Detection | None:
        if not looks_like_bounce(msg):
            return None
        raw = report_text(msg)
        report = BOILERPLATE.sub(" ", raw)
        # Without boilerplate (sub returns the same string) the blocks are the
        # memoised ones that the legacy and DSN detectors read too: read once.
        blocks = recipient_blocks(msg) if report is raw else recipient_blocks(msg, report)
        excluded = excluded_addresses(msg)
        # The header names the failed recipients even when one is the sender itself.
        failed_hdr = addresses(msg.header("x-failed-recipients"))
        recipients: list[str] = list(blocks)
        if failed_hdr:
            # Exim and Gmail name the failed recipients in a header; the report
            # body is what the text blocks are read from, so prefer recipients
            # named in both, then the header alone where the body names none.
            hdr = [a.lower() for a in failed_hdr]
            both = [a for a in recipients if a in hdr]
            recipients = both or recipients or hdr
        if not recipients:
            found = [a for a in addresses(report) if a.lower() not in excluded and not is_daemon(a)]
            recipients = [a.lower() for a in found[:1]] if found else []
        if not recipients:
            # The report names nobody (Verizon, Apache James): the returned
            # message's own To is the recipient when it names exactly one.
            from ..original import find_original

            original = find_original(msg)
            to = addresses(decode_header(original.get("to"))) if original is not None else []
            recipients = [to[0].lower()] if len(to) == 1 else []
        if not recipients:
            return None
        whole = condense(report)
        permanent = permanence(report)
        findings: list[Finding] = []
        original_case = {a.lower(): a for a in addresses(report) + failed_hdr}
        for r in recipients:
            diag = blocks.get(r, "")
            if len(recipients) == 1:
                # One recipient: everything the report says after naming it is
                # about it (Gmail puts the remote answer two paragraphs down);
                # some put the reason before the address, so fall back to all.
                diag = text_after(report, r)
                if blocks.get(r, "").startswith((">>>", "<<<")):
                    # Sendmail: the exchange above the verdict line says why.
                    diag = blocks[r]
                elif not diag or not says_why(diag):
                    diag = whole
            else:
                named = _named_cause(report, r, diag, [o for o in recipients if o != r])
                if named:
                    diag = named
                elif len(diag) < 12 or not _SAYS_SOMETHING.search(diag):
                    diag = (diag + " " + whole).strip()
            final = original_case.get(r, r)
            sent_to = _generated_from(blocks.get(r, ""))
            if sent_to and any(f.recipient == sent_to for f in findings):
                continue
            findings.append(
                Finding(
                    # The address we sent to, as a DSN's Original-Recipient would give it.
                    recipient=sent_to or final,
                    original_recipient=sent_to,
                    final_recipient=final if sent_to else None,
                    diagnostic=diag,
                    permanent=permanent,
                    action="failed" if permanent is not False else "delayed",
                )
            )
        return Detection(kind=BOUNCE, findings=findings, detector=self.name)


def says_why(text: str) -> bool:
    """Whether ``text`` gives a cause: a status code, a reply code or a known phrase."""
    return bool(find_status(text) or find_reply_code(text) or phrase_reason(fold(text)))


def _named_cause(report: str, rcpt: str, block: str, others: list[str]) -> str | None:
    """The line that names ``rcpt`` and gives a cause, where its own block gives
    none or holds another recipient's answer: a list of recipients, then one
    reply line per recipient ("SMTP:RCPT host ...: 553 5.3.0 <rcpt>... No such
    user", Sisimai's X3 layout)."""
    low = block.lower()
    if says_why(block) and not any(o in low for o in others):
        return None
    for line in report.split("\n"):
        lowline = line.lower()
        if rcpt in lowline and not any(o in lowline for o in others) and says_why(line):
            return condense(line)
    return None


# MTAs name the address a failed one was redirected from (an alias, a
# .forward). Exim: "(generated from X)", "(ultimately generated from X)" when
# there were several steps; X is the top ancestor, the envelope recipient the
# message came with (Exim's deliver.c, print_address_information()). Postfix:
# "<final> (expanded from <X>): ..." (bounce_notify_util.c, when the original
# recipient differs); Sendmail: "(expanded from: <X>)".
_GENERATED_FROM = re.compile(
    r"\((?:(?:ultimately )?generated from|expanded from:?)\s+<?([^\s<>()]+@[^\s<>()]+?)>?\)", re.I
)


def _generated_from(block: str) -> str | None:
    m = _GENERATED_FROM.search(block)
    return normalise_address(m.group(1)) if m else None


# Sentences an MTA appends to every report whatever the cause; left in, they
# would read as a cause of their own ("queue too long" is not why qmail failed).
BOILERPLATE = GuardedPattern(
    r"i'?m not going to try again;\s+this\s+message\s+has\s+been\s+in\s+the\s+queue\s+too\s+long\.?"  # qmail
    r"|giving up on [0-9a-f.:]+\.?"  # qmail
    r"|this is a permanent error; i'?ve given up\. sorry it didn'?t work out\.?",  # qmail
    re.I,
)


def text_after(report: str, rcpt: str) -> str:
    """``report`` from the line that first names ``rcpt`` on, condensed; '' when it never names it."""
    i = report.lower().find(rcpt.lower())
    if i < 0:
        return ""
    start = report.rfind("\n", 0, i) + 1
    return condense(report[start:])


def condense(report: str) -> str:
    """``report`` with runs of blanks and of empty lines folded, at most 4000 characters."""
    # Runs of blanks become one space: without a tab or two spaces in a row there are none.
    text = _BLANKS.sub(" ", report) if "\t" in report or "  " in report else report
    return _EMPTY_LINES.sub("\n", text).strip()[:4000]


def permanence(report: str) -> bool | None:
    """Whether the report's own words call the failure permanent (True) or temporary (False); None when silent."""
    head = report[:3000].lower()
    if PERMANENT_TEXT.search(head):
        return True
    if TEMPORARY_TEXT.search(head):
        return False
    return None


__all__ = [
    "TextBounceDetector",
    "condense",
    "excluded_addresses",
    "is_daemon",
    "looks_like_bounce",
    "permanence",
    "recipient_blocks",
    "report_text",
    "says_why",
    "text_after",
]
