"""Old plain-text bounce layouts that name their recipients in a site's own way.

Learnt from the detectors of two older bounce parsers (their code and docs,
not their sample messages): flufl.bounce 6 (``src/flufl/bounce/_detectors``:
simplematch, simplewarning, llnl, yale, aol, smtp32, groupwise, caiwireless,
netscape, microsoft, exchange) and Mail::DeliveryStatus::BounceParser 1.543
(``p_aol_senderblock``, ``p_novell_groupwise``). Each layout is an
introduction line, the recipients in a fixed shape, and a line that ends the
list::

    Sorry, unable to deliver your message to rcpt@example.com for   (EarthLink)
    the following reason:
     552 Quota violation for rcpt@example.com
    A copy of the original message below this line:

Some name only a local part (AOL screen names, GroupWise, Yale's directory):
the domain is then the reporting site's. The generic reader (text.py) would
take the first address it sees, which in these layouts is often the sender,
an address in the site's boilerplate ("lastnameNumber@llnl.gov") or a
directory entry; so this detector answers first, and only when a layout's
introduction is in the report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from functools import cache

from ..models import BOUNCE
from ..parse import Parsed, addresses, normalise_address, part_text
from ..reasons.phrases import LazyPattern, guard_words
from .base import Detection, Finding
from .text import (
    TextBounceDetector,
    condense,
    excluded_addresses,
    is_daemon,
    looks_like_bounce,
    permanence,
    recipient_blocks,
    report_text,
    says_why,
    text_after,
)

# flufl.bounce's simplematch.VALID, narrowed to RFC 5322 atom characters and a
# dotted domain (a one-letter last label too: old sites' test domains use them).
_VALID = re.compile(r"^[\w.!#$%&'*+/=?^`{|}~-]+@[a-z0-9_-]+(?:\.[a-z0-9_-]+)+$", re.I)
# Lines of the quoted original or of the envelope: their addresses are ids and senders.
_NOT_A_RECIPIENT_LINE = re.compile(
    r"^\s*>?\s*(?:message-id|references|in-reply-to|return-path|from|sender|reply-to|received|x-[\w-]+):|mail from:",
    re.I,
)


_BRACKETED = re.compile(r"<([^>]*)>")


def _c(pattern: str) -> LazyPattern:
    # Compiled on first use: most runs meet none of these layouts, and
    # compiling them all would add to every start-up.
    return LazyPattern(pattern, re.I | re.M)


@dataclass(frozen=True)
class Layout:
    """An introduction, the shape of a recipient line, and the line that ends the list."""

    site: str
    start: LazyPattern
    end: LazyPattern
    addr: LazyPattern
    warning: bool = False


# flufl.bounce simplematch.PATTERNS (start, end, address), each naming the
# site it was seen at. A line is read for an address first, then for the end.
LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "sdm.de",
        _c(r"here is your list of failed recipients"),
        _c(r"here is your returned mail"),
        _c(r"<(?P<addr>[^>]*)>"),
    ),
    # Sendmail 8's old text: the failed list, then the transcript.
    Layout(
        "sendmail (sz-sb.de, corridor.com, nfg.nl)",
        _c(r"the following addresses had"),
        _c(r"transcript of session follows"),
        _c(r"^ *(\(expanded from: )?<?(?P<addr>[^\s@]+@[^\s@>]+?)>?\)?\s*$"),
    ),
    Layout("Smail", _c(r"failed addresses follow:"), _c(r"message text follows:"), _c(r"\s*(?P<addr>\S+@\S+)")),
    Layout(
        "newmail.ru",
        _c(r"This is the machine generated message from mail service\."),
        _c(r"--- Below the next line is a copy of the message\."),
        _c(r"<(?P<addr>[^>]*)>"),
    ),
    Layout(
        "MDaemon 3 (turbosport.com)",
        _c(r"The following addresses did NOT receive a copy of your message:"),
        _c(r"--- Session Transcript ---"),
        _c(r"[>]\s*(?P<addr>\S+@\S+)\s*$"),
    ),
    Layout(
        "usa.net",
        _c(r"Intended recipient:\s*\S+"),
        _c(r"--------RETURNED MAIL FOLLOWS--------"),
        _c(r"Intended recipient:\s*(?P<addr>\S+)"),
    ),
    Layout(
        "hotpop.com",
        _c(r"Undeliverable Address:\s*\S+"),
        _c(r"Original message attached"),
        _c(r"Undeliverable Address:\s*(?P<addr>\S+)"),
    ),
    Layout(
        "demon.co.uk",
        _c(r"This message was created automatically by mail delivery"),
        _c(r"^---- START OF RETURNED MESSAGE ----"),
        _c(r"addressed to '(?P<addr>[^']*)'"),
    ),
    Layout(
        "Prodigy.net",
        _c(r"User's mailbox is full:"),
        _c(r"Unable to deliver mail\."),
        _c(r"User's mailbox is full:\s*<(?P<addr>[^>]*)>"),
    ),
    Layout(
        "Microsoft SMTPSVC",
        _c(r"The email below could not be delivered to the following user:"),
        _c(r"Old message:"),
        _c(r"<(?P<addr>[^>]*)>"),
    ),
    Layout(
        "Yahoo for other domains (sbcglobal.net)",
        _c(r"Unable to deliver message to the following address\(es\)\."),
        _c(r"--- Original message follows\."),
        _c(r"<(?P<addr>[^>]*)>:"),
    ),
    Layout(
        "googlemail.com",
        _c(r"Delivery to the following recipient failed"),
        _c(r"----- Original message -----"),
        _c(r"^\s*(?P<addr>[^\s@]+@[^\s@]+)\s*$"),
    ),
    Layout(
        "kundenserver.de, cynergycom.net",
        _c(r"A message that you sent could not be delivered"),
        _c(r"^---"),
        _c(r"<(?P<addr>[^>]*)>|^(?P<addr2>[^\s@]+@[^\s@:]+):"),
    ),
    Layout(
        "thehartford.com (songbird)",
        _c(r"Del(?:i|e)very to the following recipients (?:failed|was aborted)"),
        # Nothing unique ends the list: the first line of three characters
        # or more without an "@" that is not the introduction (flufl).
        _c(r"^[^D][^@]{2,}$"),
        _c(r"^[\s*]*(?P<addr>[^\s@]+@[^\s@]+)\s*$"),
    ),
    Layout("hartfordlife.com", _c(r"^Your message\s*$"), _c(r"^because:"), _c(r"^\s*(?P<addr>[^\s@]+@[^\s@]+)\s*$")),
    Layout(
        "InterScan NT (kviv.be)",
        _c(r"^Unable to deliver message to"),
        _c(r"\*+\s+End of message\s+\*+"),
        _c(r"<(?P<addr>[^>]*)>"),
    ),
    Layout(
        "earthlink.net",
        _c(r"^Sorry, unable to deliver your message to"),
        _c(r"^A copy of the original message"),
        _c(r"\s*(?P<addr>[^\s@]+@[^\s@]+)\s+"),
    ),
    Layout(
        "ademe.fr",
        _c(r"^A message could not be delivered to:"),
        _c(r"^Subject:"),
        _c(r"^\s*(?P<addr>[^\s@]+@[^\s@]+)\s*$"),
    ),
    Layout(
        "andrew.ac.jp",
        _c(r"^Invalid final delivery userid:"),
        _c(r"^Original message follows\."),
        _c(r"\s*(?P<addr>[^\s@]+@[^\s@]+)\s*$"),
    ),
    Layout(
        "E500 SMTP Mail Service",
        _c(r"------ Failed Recipients ------"),
        _c(r"-------- Returned Mail --------"),
        _c(r"<(?P<addr>[^>]*)>"),
    ),
    Layout(
        "LSMTP for Windows",
        _c(r"^--> Error description:\s*$"),
        _c(r"^Error-End:"),
        _c(r"^Error-for:\s+(?P<addr>[^\s@]+@[^\s@]+)"),
    ),
    Layout(
        "qmail with a Spanish/English/Portuguese introduction",
        _c(r"Your message could not be delivered"),
        _c(r"^-"),
        _c(r"<(?P<addr>[^>]*)>:"),
    ),
    Layout("socgen.com", _c(r"Your message could not be delivered to"), _c(r"^\s*$"), _c(r"(?P<addr>[^\s@]+@[^\s@]+)")),
    Layout(
        "dadoservice.it",
        _c(r"Your message has encountered delivery problems"),
        _c(r"Your message reads"),
        _c(r"addressed to\s*(?P<addr>[^\s@]+@[^\s@)]+)"),
    ),
    Layout(
        "gomaps.com", _c(r"Did not reach the following recipient"), _c(r"^\s*$"), _c(r"\s(?P<addr>[^\s@]+@[^\s@]+)")
    ),
    Layout("EYOU MTA", _c(r"This is the deliver program at"), _c(r"^-"), _c(r"^(?P<addr>[^\s@]+@[^\s@<>]+)")),
    Layout("qmail at ieo.it", _c(r"this is the email server at"), _c(r"^-"), _c(r"\s(?P<addr>[^\s@]+@[^\s@]+)[\s,]")),
    Layout(
        "MDaemon.PRO (pla.net.py)",
        _c(r"- no such user here"),
        _c(r"There is no user"),
        _c(r"^(?P<addr>[^\s@]+@[^\s@]+)\s"),
    ),
    Layout(
        "mxlogic.net",
        _c(r"The following address failed:"),
        _c(r"Included is a copy of the message header"),
        _c(r"<(?P<addr>[^>]+)>"),
    ),
    Layout(
        "fastdnsservers.com",
        _c(r"The following recipient\(s\) could not be reached"),
        _c(r"\s*Error Type"),
        _c(r"^(?P<addr>[^\s@]+@[^\s@<>]+)"),
    ),
    Layout(
        "Domain xxx.com",
        _c(r"Could not deliver message to the following recipient"),
        _c(r"\s*-- The header"),
        _c(r"Failed Recipient: (?P<addr>[^\s@]+@[^\s@<>]+)"),
    ),
    Layout(
        "mta1.service.uci.edu",
        _c(r"Message not delivered to the following addresses"),
        _c(r"Error detail"),
        _c(r"\s*(?P<addr>[^\s@]+@[^\s@)]+)"),
    ),
    Layout(
        "mail.ru",
        _c(r"A message that you sent was rejected"),
        _c(r"This is a copy of your message"),
        _c(r"\s(?P<addr>[^\s@]+@[^\s@]+)"),
    ),
    Layout(
        "MailEnable",
        _c(r"Message could not be delivered to some recipients\."),
        _c(r"Message headers follow"),
        _c(r"Recipient: \[SMTP:(?P<addr>[^\s@]+@[^\s@]+)\]"),
    ),
    Layout(
        "Yahoo (old webmail)",
        _c(r"wasn't able to deliver the following message"),
        _c(r"---Below this line is a copy of the message\."),
        _c(r"To: (?P<addr>[^\s@]+@[^\s@]+)"),
    ),
    Layout(
        "unknown MTA: delivery failure notification",
        _c(r"This is a delivery failure notification message"),
        _c(r"The problem appears to be"),
        _c(r"-- (?P<addr>[^\s@]+@[^\s@]+)"),
    ),
    Layout(
        "earthling.net over quota",
        _c(r"Delivery has failed"),
        _c(r"Original message details:"),
        _c(r"\[(?P<addr>[^\s@]+@[^\s@]+)\]"),
    ),
    Layout(
        "Microsoft Exchange (flufl exchange)",
        _c(r"did not reach the following recipient"),
        _c(r"MSEXCH:"),
        _c(r"SMTP=(?P<addr>[^;\s]+); on |(?P<addr2>[^\s@]+@[^\s@]+) on "),
    ),
    # flufl.bounce simplewarning.PATTERNS: delay warnings, never final.
    Layout(
        "pop3.pta.lia.net",
        _c(r"The address to which the message has not yet been delivered is"),
        _c(r"No action is required on your part"),
        _c(r"\s*(?P<addr>\S+@\S+)\s*"),
        warning=True,
    ),
    Layout(
        "MessageSwitch",
        _c(r"Your message to:"),
        _c(r"This is just a warning, you do not need to take any action"),
        _c(r"\s*(?P<addr>\S+@\S+)\s*"),
        warning=True,
    ),
    Layout(
        "Symantec AntiVirus for SMTP Gateways",
        _c(r"Your message with Subject:"),
        _c(r"Delivery attempts will continue to be made"),
        _c(r"\s*(?P<addr>\S+@\S+)\s*"),
        warning=True,
    ),
    Layout(
        "googlemail.com warning",
        _c(r"Delivery to the following recipient has been delayed"),
        _c(r"Message will be retried"),
        _c(r"\s*(?P<addr>\S+@\S+)\s*"),
        warning=True,
    ),
    Layout(
        "Exchange warning",
        _c(r"This is an advisory-only email"),
        _c(r"has been postponed"),
        _c(r'"(?P<addr>[^"]+@[^"]+)"'),
        warning=True,
    ),
    Layout(
        "kundenserver.de warning",
        _c(r"not yet been delivered"),
        _c(r"No action is required on your part"),
        _c(r"\s*<?(?P<addr>\S+@[^>\s]+)>?\s*"),
        warning=True,
    ),
)


@cache
def _guarded_layouts() -> tuple[tuple[Layout, tuple[str, ...] | None], ...]:
    return tuple((layout, guard_words(layout.start.pattern, fold=True)) for layout in LAYOUTS)


def _layouts_in(report: str) -> Iterator[Layout]:
    """The layouts whose introduction may occur in ``report``: a substring test
    (in C) rules out the others before their patterns are searched. Only ASCII
    text is ruled on: re.I lets a few other letters match ASCII ones."""
    low = report.lower() if report.isascii() else None
    for layout, words in _guarded_layouts():
        if low is None or words is None or any(map(low.__contains__, words)):
            yield layout


def _clean(raw: str | None) -> str | None:
    # "FROM:<a@b", "SMTP:a@b", "c=US;...;dda:SMTP=a@b" (MDSBP _cleanup_email).
    if raw:
        raw = re.sub(r"^.*<", "", raw.strip().rstrip(">"))
        raw = re.sub(r"^(?:.*[:;])?SMTP[:=]", "", raw, flags=re.I)
        raw = re.sub(r"^[A-Za-z-]+:(?=[^@:]+@)", "", raw)
    a = normalise_address(raw)
    if not a:
        return None
    # Trailing sentence punctuation and Sendmail's "...User unknown".
    a = re.sub(r"\.{3}.*$", "", a).rstrip(".,;:")
    return a if _VALID.match(a) else None


def _run(layout: Layout, report: str) -> tuple[list[str], str] | None:
    """The addresses a layout names and the text of its list, or None when it is absent."""
    found: list[str] = []
    text: list[str] = []
    started = False
    if not layout.start.search(report):
        return None
    for line in report.split("\n"):
        if not started:
            if not layout.start.search(line):
                continue
            started = True
        # flufl reads lines with their newline: "\s+" may end an address at the line end.
        m = None if _NOT_A_RECIPIENT_LINE.search(line) else layout.addr.search(line + "\n")
        raw = (m.group("addr") or m.groupdict().get("addr2")) if m else None
        if raw:
            a = _clean(raw)
            if a and a.lower() not in (x.lower() for x in found):
                found.append(a)
            text.append(line)
            continue
        if text and layout.end.search(line):
            break
        text.append(line)
    if not found:
        return None
    return found, "\n".join(text)


def _from_domain(msg: Parsed) -> str | None:
    sender = addresses(msg.header("from"))
    return sender[0].split("@", 1)[1].lower() if sender else None


def _first_text_part(msg: Parsed) -> str | None:
    for part in msg.parts_of_type("text/plain"):
        return part_text(part)
    return None


_LLNL = re.compile(r"was addressed,\s*(\S+@[^,\s]+),", re.I)


def _llnl(msg: Parsed, report: str) -> tuple[list[str], str] | None:
    """LLNL's Sendmail: "The address to which your message was addressed, rcpt, did not
    exactly match an LLNL email address" (flufl.bounce llnl). The report's first
    address is the site's standard form, not the recipient."""
    m = _LLNL.search(report)
    a = _clean(m.group(1)) if m else None
    return ([a], report) if a else None


_YALE_START = re.compile(r"Message not delivered to the following", re.I)
_YALE_END = re.compile(r"Error Detail", re.I)


def _yale(msg: Parsed, report: str) -> tuple[list[str], str] | None:
    """Yale's phquery directory notice: "Message not delivered to the following:" then
    "  name    No matches to nameserver query" (flufl.bounce yale). The name is a
    directory alias under yale.edu or cs.yale.edu; flufl reports both."""
    domain = _from_domain(msg) or ""
    if not (domain == "yale.edu" or domain.endswith(".yale.edu")):
        return None
    names: list[str] = []
    started = False
    for line in report.split("\n"):
        if not started:
            started = bool(_YALE_START.search(line))
            continue
        if _YALE_END.search(line):
            break
        m = re.match(r"\s+(\S+)\s+", line)
        if m:
            names.append(m.group(1))
    out: list[str] = []
    for name in names:
        if "@" in name:
            a = _clean(name)
            out += [a] if a else []
        else:
            out += [f"{name}@yale.edu", f"{name}@cs.yale.edu"]
    return (out, report) if out else None


_SCREEN_NAMES = re.compile(r"mail to the following recipients could not be delivered", re.I)


def _screen_names(msg: Parsed, report: str) -> tuple[list[str], str] | None:
    """AOL names failed recipients by screen name, one a line, after "mail to the
    following recipients could not be delivered" (flufl.bounce aol); AOL's AirMail
    adds "because they are not accepting mail from <sender>" (MDSBP
    p_aol_senderblock). A bare name is a mailbox of the reporting domain."""
    if not _SCREEN_NAMES.search(report):
        return None
    domain = _from_domain(msg)
    if not domain:
        return None
    lines = report.split("\n")
    for i, line in enumerate(lines):
        if not _SCREEN_NAMES.search(line):
            continue
        # A bare word is a screen name only where AOL or its AirMail wrote the
        # list; elsewhere the word after a list may be anything ("Thanks,").
        bare_ok = (
            domain == "aol.com"
            or domain.endswith(".aol.com")
            or "airmail" in msg.header("mailer").lower()
            or "not accepting mail from" in line.lower()
        )
        out: list[str] = []
        for ln in lines[i + 1 :]:
            token = ln.strip()
            if not token:
                if out:
                    break
                continue
            if re.search(r"\s", token):
                break
            if "@" not in token and not bare_ok:
                break
            a = _clean(token if "@" in token else f"{token}@{domain}")
            if a:
                out.append(a)
        if out:
            return out, "\n".join(lines[max(0, i - 2) : i + 1 + len(out) + 2])
    return None


_SMTP32 = re.compile(
    r"(?:user mailbox[^:]*:|delivery failed[^:]*:|unknown user[^:]*:|undeliverable +to|delivery userid[^:]*:)\s*(\S+)",
    re.I,
)


def _smtp32(msg: Parsed, report: str) -> tuple[list[str], str] | None:
    """Ipswitch IMail (X-Mailer: <SMTP32 v...>): "User mailbox exceeds allowed size:
    rcpt", "Unknown user: rcpt", "Delivery failed: rcpt" (flufl.bounce smtp32)."""
    if not msg.header("x-mailer").startswith("<SMTP32 v"):
        return None
    out: list[str] = []
    text: list[str] = []
    for line in report.split("\n"):
        if re.search(r"original message follows", line, re.I):
            break
        m = _SMTP32.search(line)
        a = _clean(m.group(1)) if m else None
        if a:
            out.append(a)
            text.append(line)
    return (out, "\n".join(text)) if out else None


_GW_LINE = re.compile(r"^\s*(\S+)\s+\(.*\)$")


def _groupwise(msg: Parsed, report: str) -> tuple[list[str], str] | None:
    """Novell GroupWise and NTMail: the first text part lists "  name (reason)" or
    "rcpt@domain reason" lines (flufl.bounce groupwise, MDSBP p_novell_groupwise,
    which puts the reporting domain after a bare name)."""
    mailer = msg.header("x-mailer").lower()
    if not mailer.startswith(("novell groupwise", "ntmail")) or msg.content_type != "multipart/mixed":
        return None
    text = _first_text_part(msg)
    if text is None:
        return None
    domain = _from_domain(msg)
    out: list[str] = []
    for line in text.split("\n"):
        line = line.rstrip()
        m = _BRACKETED.search(line)
        g = _GW_LINE.match(line)
        if m:
            a = _clean(m.group(1))
        elif g:
            # "  name (reason)" / "  rcpt@domain (reason)" (MDSBP p_novell_groupwise).
            name = g.group(1)
            a = _clean(name if "@" in name else f"{name}@{domain}") if domain or "@" in name else None
        elif "@" in line and not line.startswith((" ", "\t")):
            # The address is the whole line, or its first word (flufl.bounce groupwise).
            a = _clean(line.split(" ", 1)[0])
        else:
            a = None
        if a and a not in out:
            out.append(a)
    return (out, text) if out else None


def _caiwireless(msg: Parsed, report: str) -> tuple[list[str], str] | None:
    """caiwireless.net: "The following recipients did not receive this message:" then
    "<rcpt>" on the next non-empty line (flufl.bounce caiwireless)."""
    if "did not receive this message" not in report.lower():
        return None
    lines = [ln.strip() for ln in report.split("\n")]
    for i, line in enumerate(lines):
        if line.lower().startswith("the following recipients did not receive this message:"):
            for nxt in lines[i + 1 :]:
                if nxt:
                    m = _BRACKETED.match(nxt)
                    a = _clean(m.group(1)) if m else None
                    return ([a], "\n".join(lines[i:])) if a else None
    return None


_NETSCAPE_ADDR = re.compile(r"(please reply to)?.*<([^>]*)>", re.I)


def _netscape(msg: Parsed, report: str) -> tuple[list[str], str] | None:
    """Netscape Messaging Server 3.6/4.1: "This Message was undeliverable due to the
    following reason:", then the reason naming "<rcpt>"; "please reply to <...>"
    is the site's contact (flufl.bounce netscape)."""
    i = report.lower().find("this message was undeliverable due to the following reason:")
    if i < 0:
        return None
    rest = report[i:]
    out: list[str] = []
    for line in rest.split("\n"):
        m = _NETSCAPE_ADDR.search(line)
        if m and not m.group(1):
            a = _clean(m.group(2))
            if a and a not in out:
                out.append(a)
    return (out, rest) if out else None


def _smtpsvc(msg: Parsed, report: str) -> tuple[list[str], str] | None:
    """Microsoft SMTPSVC: a multipart/mixed whose first part says "transcript of
    session follows" and then lists bare addresses (flufl.bounce microsoft)."""
    if msg.content_type != "multipart/mixed":
        return None
    payload = msg.msg.get_payload()
    if not isinstance(payload, list) or not payload or not isinstance(payload[0], Message):
        return None
    first = payload[0]
    if first.is_multipart():
        return None
    text = part_text(first)
    i = text.lower().find("transcript of session follows")
    if i < 0:
        return None
    rest = text[i:]
    out = [a for a in (_clean(ln.strip()) for ln in rest.split("\n")[1:] if _VALID.match(ln.strip())) if a]
    return (out, rest) if out else None


# Site layouts that need more than a start/end/address table, in flufl.bounce's order.
SPECIAL: tuple[tuple[str, Callable[[Parsed, str], tuple[list[str], str] | None]], ...] = (
    ("Microsoft SMTPSVC transcript", _smtpsvc),
    ("Netscape Messaging Server", _netscape),
    ("caiwireless.net", _caiwireless),
    ("Novell GroupWise / NTMail", _groupwise),
    ("IMail (SMTP32)", _smtp32),
    ("AOL screen names", _screen_names),
    ("LLNL", _llnl),
    ("Yale phquery", _yale),
)


class LegacyLayoutDetector:
    """A plain-text bounce in one of the old site layouts above."""

    name = "legacy"

    def detect(self, msg: Parsed) -> Detection | None:
        if not looks_like_bounce(msg):
            return None
        report = report_text(msg)
        if not report.strip():
            return None
        found: tuple[list[str], str] | None = None
        warning = False
        for _site, special in SPECIAL:
            found = special(msg, report)
            if found:
                break
        if not found:
            for layout in _layouts_in(report):
                found = _run(layout, report)
                if found:
                    warning = layout.warning
                    break
        if not found:
            return None
        rcpts, region = found
        excluded = excluded_addresses(msg)
        rcpts = [a for a in rcpts if a.lower() not in excluded and not is_daemon(a)]
        if not rcpts:
            return None
        # Where the generic reader names the same recipients, its per-recipient
        # reading of the report stands: this detector only corrects who failed.
        generic = TextBounceDetector().detect(msg)
        known: dict[str, Finding] = {}
        for f in generic.findings if generic else []:
            # The generic reader keeps the address we sent to and the one the
            # MTA expanded it to ("(expanded from: <X>)"); either names it.
            for a in (f.recipient, f.final_recipient, f.original_recipient):
                if a:
                    known[a.lower()] = f
        # Whether the generic reader named every recipient of the layout.
        complete = all(a.lower() in known for a in rcpts)
        mapped = {id(known[a.lower()]) for a in rcpts if a.lower() in known}
        if (
            generic is not None
            and complete
            and len(mapped) == len(generic.findings)
            and (not warning or all(f.permanent is False for f in generic.findings))
        ):
            # The registry asks the generic reader next: its answer, read once.
            return generic
        # flufl.bounce calls every layout but the warnings a final failure;
        # a report that says it will retry is a delay all the same.
        permanent = False if warning else permanence(report) is not False
        blocks = recipient_blocks(msg)
        findings: list[Finding] = []
        for r in rcpts:
            same_as = known.get(r.lower())
            # The generic reader's finding stands where it read the address from
            # its own block and knew every recipient (a block runs to the next
            # address it knows, so over the ones it missed), or where it
            # resolved a redirect; one it guessed as the only recipient carries
            # the whole report as its cause.
            if (
                same_as is not None
                and not warning
                and (same_as.original_recipient or (r.lower() in blocks and complete))
            ):
                if all(same_as is not g for g in findings):
                    findings.append(same_as)
                continue
            findings.append(
                Finding(
                    recipient=r,
                    diagnostic=_diagnostic(r, [o for o in rcpts if o != r], report, blocks.get(r.lower(), "")),
                    permanent=permanent,
                    action="failed" if permanent else "delayed",
                )
            )
        return Detection(kind=BOUNCE, findings=findings, detector=self.name)


def _names(line: str, rcpt: str) -> bool:
    low = line.lower()
    if rcpt.lower() in low:
        return True
    local = re.escape(rcpt.split("@")[0].lower())
    return bool(re.search(rf"(?<![\w.-]){local}(?![\w.@-])", low))


def _diagnostic(rcpt: str, others: list[str], report: str, block: str) -> str:
    """What the report says about one recipient: the line that names it when that
    line gives a cause ("User mailbox exceeds allowed size: rcpt"), else the
    generic reader's block, else the report without the lines about the others
    (a cause stated once for the whole list)."""
    lines = report.split("\n")
    for line in lines:
        if _names(line, rcpt) and says_why(line):
            return condense(line)
    if others:
        if len(block) > 12 and says_why(block):
            return block
        # Another recipient's line gives that recipient's cause, not this one's.
        return condense("\n".join(ln for ln in lines if not any(_names(ln, o) for o in others)))
    diag = text_after(report, rcpt)
    return diag if diag and says_why(diag) else condense(report)


__all__ = ["LAYOUTS", "LegacyLayoutDetector"]
