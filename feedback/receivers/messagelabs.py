"""Broadcom (Symantec) Email Security.cloud, formerly MessageLabs (inbound MX ``cluster*.messagelabs.com``).

A gateway in front of its customers' domains, so it is recognised by its MX
host names and by the support links in its replies. Error pages: Broadcom's
knowledge base, "Email error and bounce codes for Email Security.cloud",
https://knowledge.broadcom.com/external/article/169652, and the articles
Sisimai's Rhost/MessageLabs.pm cites for each reply (numbers below).

Who is refused decides the reason: "your IP address has been blocked" and
the PBL reply are about our sending host; "your email address/domain has
been blocked", "badmailfrom" and the envelope-domain check are about our
sender address (a customer's private block list); only "Invalid recipient",
"No such user" and "Recipient mailbox is not allowed" (an address that does
not exist in the recipient's domain) are about the recipient's address.
"""

from .base import Receiver, Rule

CODES = "https://knowledge.broadcom.com/external/article/169652/email-error-and-bounce-codes-for-email-s.html"


def _kb(n: int) -> str:
    return f"https://knowledge.broadcom.com/external/article/{n} (via Sisimai Rhost/MessageLabs.pm)"


SISIMAI = "Sisimai Rhost/MessageLabs.pm, citing " + CODES

RULES: tuple[Rule, ...] = (
    # The recipient address (Permanent).
    Rule(r"invalid recipient", "userunknown", _kb(165163)),
    Rule(r"recipient mailbox is not allowed", "userunknown", _kb(175710)),
    Rule(r"mailbox is not allowed", "userunknown", SISIMAI),
    Rule(r"no such user", "userunknown", SISIMAI),
    # Our sending IP: Spamhaus PBL, global or private block lists, reputation.
    Rule(r"mail rejected because your ip is in the pbl", "blocked", _kb(165165)),
    Rule(r"your ip address (?:\(\S+\) )?has been (?:blocked|blacklisted)", "blocked", f"{_kb(165165)}; {_kb(173082)}"),
    # "Sorry, your email address (addr) has been blocked": the KB sends the
    # sender to check open relay and IP block lists, i.e. our host.
    Rule(r"your email address \(\S+\) has been blocked", "blocked", SISIMAI),
    Rule(r"connection rejected by policy", "badreputation", f"{_kb(164955)}; {_kb(384503)}"),
    # Our sender address or domain on the customer's private block list.
    Rule(r"your email address has been (?:blocked|blacklisted)", "rejected", f"{SISIMAI}; {_kb(173082)}"),
    Rule(r"your domain has been (?:blocked|blacklisted)", "rejected", f"{SISIMAI}; {_kb(173082)}"),
    Rule(r"your envelope sender is in my badmailfrom list", "rejected", _kb(162232)),
    Rule(r"sender envelope domain not allowed for sender ip address", "rejected", SISIMAI),
    # Authentication (SPF, DMARC) of our mail.
    Rule(r"domain authentication fail", "authfailure", _kb(175407)),
    # The message.
    Rule(r"message filtered", "spamdetected", _kb(173867)),
    Rule(r"filtered by outbound scanning", "spamdetected", _kb(173867)),
    Rule(r"stray linefeeds in message", "contenterror", SISIMAI),
    Rule(r"has detected that this message is not rfc ?5322", "notcompliantrfc", SISIMAI),
    Rule(r"550 requested action aborted \[4\]", "notcompliantrfc", SISIMAI),
    # Session, relay and rate.
    Rule(r"tls/sslv3 connection required", "securityerror", _kb(162152)),
    Rule(r"please turn on smtp authentication in your mail client", "securityerror", SISIMAI),
    Rule(r"as a relay, but i have not been configured", "norelaying", _kb(162137)),
    Rule(r"too many recipients received this hour", "toomanyconn", _kb(385809)),
    Rule(r"too many messages", "toomanyconn", _kb(164767)),
)

RECEIVER = Receiver(
    name="messagelabs",
    hosts=("messagelabs.com", "messagelabs.net"),
    domains=(),
    rules=RULES,
    markers=("www.messagelabs.com/support", "symanteccloud.com/troubleshooting", ".messagelabs.com]"),
    source=CODES,
)
