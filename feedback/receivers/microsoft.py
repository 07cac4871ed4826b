"""Microsoft: Outlook.com/Hotmail, Microsoft 365 (Exchange Online) and Exchange Server.

Error-code pages:
- Exchange Online: "Email non-delivery reports and SMTP errors in Exchange
  Online" (the 5.1.10, 5.4.1, 5.7.5xx/6xx/7xx/8xx banned-sender and
  IP codes), ``EXO`` below.
- Exchange Server: "DSNs and NDRs in Exchange Server" (RESOLVER.* and
  STOREDRV.* replies), ``EXS`` below.
- Outlook.com postmaster "Troubleshooting" (RP-, SC-, DY-, OU- codes and
  the "(S3150)" style block-list replies), ``OLC`` below.
Sisimai's Rhost/Microsoft.pm indexes the same pages.

On-premises Exchange writes RESOLVER.*/STOREDRV.* for any organisation, so
those words are markers: the table applies to whoever runs Exchange.
"""

from .base import Receiver, Rule

EXO = (
    "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online"
)
EXS = (
    "https://learn.microsoft.com/en-us/exchange/mail-flow/non-delivery-reports-and-bounce-messages/"
    "non-delivery-reports-and-bounce-messages"
)
OLC = "https://sendersupport.olc.protection.outlook.com/pm/troubleshooting.aspx"
SISIMAI = "Sisimai Rhost/Microsoft.pm, citing " + OLC

RULES: tuple[Rule, ...] = (
    # The recipient address itself (Permanent).
    Rule(r"resolver\.adr\.(?:ex|x400)?recipnotfound", "userunknown", EXS),
    Rule(r"resolver\.adr\.recipientnotfound|\b5\.1\.10 .{0,60}?recipient not found", "userunknown", EXO),
    Rule(r"\b5\.1\.1 bad destination mailbox address", "userunknown", EXO),
    # Older Hotmail MX send the same reply without the 5.5.0.
    Rule(r"(?:\b550 |\b5\.5\.0 )requested action not taken: mailbox unavailable", "userunknown", EXO),
    Rule(r"\b5\.4\.1 (?:\S+ )?recipient address rejected: access denied", "userunknown", EXO),
    Rule(r"storedrv\.submit; invalid recipient address", "userunknown", EXS),
    Rule(
        r"recipient address reserved by rfc 2606|recipient addresses in single label domains not accepted",
        "hostunknown",
        EXS,
    ),
    # The mailbox: refused recipient, full, too much mail.
    Rule(r"\b5\.7\.50[45]\b|access denied, banned recipient", "suspend", EXO),
    Rule(r"\b5\.2\.2 submission quota exceeded|sender's submission quota was exceeded", "speeding", EXO),
    Rule(r"\b5\.2\.2 .{0,40}?mailbox full|quotaexceededexception", "mailboxfull", EXS),
    Rule(r"storedrv\.deliver; recipient thread limit exceeded", "speeding", EXO),
    Rule(r"per hour message receive limit", "speeding", EXO),
    Rule(r"\b[45]\.5\.3 too many recipients", "toomanyconn", EXO),
    # Outlook.com postmaster codes: rate and connection limits, policy blocks.
    Rule(r"\brp-00[12]\b", "speeding", OLC),
    Rule(r"\brp-003\b", "toomanyconn", OLC),
    Rule(r"\b(?:sc-00[1-4]|dy-00[12]|ou-00[12])\b", "blocked", OLC),
    Rule(r"part of their network is on our block list", "blocked", SISIMAI),
    Rule(r"\b5\.7\.515\b", "authfailure", OLC),
    # Our sending IP or domain banned, blocked or throttled.
    Rule(r"\b5\.7\.6(?:0[6-9]|[1-4]\d)\b|access denied, banned sending ip", "blocked", EXO),
    Rule(r"\b5\.7\.(?:511|800) access denied, banned sender", "blocked", EXO),
    Rule(r"using customer block list|\b5\.7\.513\b", "blocked", EXO),
    Rule(r"access denied, rejected by recipient|access denied, bad helo", "blocked", EXO),
    Rule(r"does not accept email over ipv6", "blocked", EXO),
    Rule(r"must have a reverse dns record", "requireptr", EXO),
    Rule(r"has exceeded permitted limits within", "speeding", EXO),
    Rule(r"rate limited due to ip reputation", "badreputation", SISIMAI),
    Rule(r"\b4\.7\.(?:[56]\d\d|8[5-9]\d)\b", "blocked", EXO),
    # The sender address or account.
    Rule(r"access denied, spam abuse detected|access denied, banned sender", "rejected", EXO),
    Rule(r"access denied, bad outbound sender", "rejected", EXO),
    Rule(r"\b5\.1\.0\b.{0,260}?sender denied", "rejected", EXS),
    Rule(r"\b5\.1\.7 (?:invalid address|unknown sender address)", "rejected", EXS),
    # Authentication and RFC 5322.
    Rule(
        r"must pass either spf or dkim validation|rejected because of sender policy framework violation"
        r"|does not pass dmarc verification",
        "authfailure",
        EXO,
    ),
    Rule(r"must be rfc 5322 section 3\.6\.2 compliant", "notcompliantrfc", EXO),
    # The recipient organisation's own restrictions and rules.
    Rule(r"\b5\.7\.9\d\d\b|delivery not authorized, message refused", "policyviolation", EXS),
    Rule(r"x-dg-ref header is too long|policy violation detected \(as345\)", "policyviolation", EXO),
    Rule(
        r"sender was not authenticated|sender not authenticated for group|sender not in allowed-senders list"
        r"|\b5\.7\.1 delivery not authorized",
        "filtered",
        EXO,
    ),
    Rule(
        r"resolver\.rst\.(?:authrequired|notauthorized)|storedrv\.deliver: missing or bad storedriver mdb properties",
        "filtered",
        EXS,
    ),
    Rule(r"content filter agent quarantined this message", "spamdetected", EXS),
    # Relay and session security.
    Rule(r"\bunable to relay\b|relay access denied", "norelaying", EXO),
    Rule(
        r"client was not authenticated|cannot achieve exchange server authentication|starttls is required to send mail"
        r"|starttls-not-supported|certificate-expired:|tlsa-invalid:|dnssec-invalid:|certificate-host-mismatch:"
        r"|failed mta-sts validation",
        "securityerror",
        EXO,
    ),
    # The message.
    Rule(r"message size exceeds fixed maximum message size", "mesgtoobig", EXS),
    Rule(r"resolver\.rst\.recipsizelimit", "mesgtoobig", EXS),
    Rule(r"\b5\.6\.11 invalid characters|barelinefeedsareillegal|too many related errors", "contenterror", EXO),
    # Routing, expiry and Exchange's own state.
    Rule(r"routing loop detected|hop count exceeded - possible mail loop", "networkerror", EXO),
    Rule(r"connection refused \[message=socket error|smtpsend\.dns\.nonexistentdomain", "networkerror", EXO),
    Rule(
        r"\b4\.4\.7 (?:message expired|message delayed|queue expired)|\b5\.4\.300 message expired"
        r"|\b4\.4\.1 connection timed out",
        "expired",
        EXO,
    ),
    Rule(r"insufficient system resources", "systemfull", EXS),
    Rule(
        r"\b4\.3\.2 service not (?:available|active)|system incorrectly configured|journaling on-premises messages",
        "systemerror",
        EXS,
    ),
    Rule(r"send hello first|\b5\.3\.3 unrecognized command", "syntaxerror", EXS),
)

RECEIVER = Receiver(
    name="microsoft",
    hosts=("protection.outlook.com", "outlook.com", "hotmail.com", "office365.com"),
    domains=(
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "hotmail.de",
        "hotmail.it",
        "hotmail.es",
        "outlook.com",
        "outlook.fr",
        "outlook.de",
        "outlook.es",
        "outlook.it",
        "live.com",
        "live.co.uk",
        "live.fr",
        "live.de",
        "live.nl",
        "live.it",
        "live.ca",
        "live.com.au",
        "msn.com",
        "passport.com",
        "onmicrosoft.com",
    ),
    rules=RULES,
    markers=(
        "protection.outlook.com",
        "resolver.adr.",
        "resolver.rst.",
        "storedrv.",
        "mail.live.com/mail/troubleshooting",
        "postmaster.live.com",
    ),
    source=EXO,
)
