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
# Exchange 2007-2013 enhanced codes (Sisimai's ExchangeOnline.pm, from its Lhost::Exchange2007).
SISIMAI_EX2007 = "Sisimai Rhost/ExchangeOnline.pm (Exchange 2007/2013 RESOLVER/QUEUE codes), citing " + EXS
# Replies of older Exchange versions that the current pages no longer list.
SISIMAI_EXS = "Sisimai Rhost/Microsoft.pm (previous versions of Exchange Server), citing " + EXS

RULES: tuple[Rule, ...] = (
    # The recipient address itself (Permanent).
    Rule(r"resolver\.adr\.exrecipnotfound", "userunknown", EXS),
    Rule(r"resolver\.adr\.exrecipientnotfound", "userunknown", SISIMAI_EX2007),
    Rule(r"resolver\.adr\.recipnotfound", "userunknown", EXS),
    Rule(r"resolver\.adr\.x400recipnotfound", "userunknown", EXS),
    Rule(r"resolver\.adr\.recipientnotfound", "userunknown", EXO),
    Rule(r"5\.1\.10 .{0,60}?recipient not found", "userunknown", EXO),
    Rule(r"5\.1\.1 bad destination mailbox address", "userunknown", EXO),
    Rule(r"5\.5\.0 requested action not taken: mailbox unavailable", "userunknown", EXO),
    # Older Hotmail MX send the same reply without the 5.5.0.
    Rule(r"550 requested action not taken: mailbox unavailable", "userunknown", EXO),
    Rule(r"5\.4\.1 (?:\S+ )?recipient address rejected: access denied", "userunknown", EXO),
    Rule(r"storedrv\.submit; invalid recipient address", "userunknown", EXS),
    Rule(r"recipient address reserved by rfc 2606", "hostunknown", EXS),
    Rule(r"recipient addresses in single label domains not accepted", "hostunknown", EXS),
    # Older Exchange: an X.400 address that does not resolve to a recipient.
    Rule(r"5\.1\.2 invalid x\.400 address", "userunknown", SISIMAI_EXS),
    # The mailbox: refused recipient, full, too much mail.
    Rule(r"5\.7\.50[45]\b", "suspend", EXO),
    Rule(r"access denied, banned recipient", "suspend", EXO),
    # Older Exchange: the mailbox exists but cannot be opened now.
    Rule(r"5\.2\.1 mailbox cannot be accessed", "suspend", SISIMAI_EXS),
    Rule(r"5\.2\.2 submission quota exceeded", "speeding", EXO),
    Rule(r"sender's submission quota was exceeded", "speeding", EXO),
    Rule(r"5\.2\.2 .{0,40}?mailbox full", "mailboxfull", EXS),
    Rule(r"quotaexceededexception", "mailboxfull", EXS),
    Rule(r"storedrv\.deliver; recipient thread limit exceeded", "speeding", EXO),
    Rule(r"per hour message receive limit", "speeding", EXO),
    Rule(r"the recipient has exceeded their limit for", "speeding", SISIMAI_EXS),
    Rule(r"reached your daily limit for message recipients", "speeding", EXO),
    Rule(r"access denied, tenant has exceeded threshold", "speeding", EXO),
    Rule(r"\.5\.3 too many recipients", "toomanyconn", EXO),
    # Outlook.com postmaster codes: rate and connection limits, policy blocks.
    Rule(r" rp-00[12]\b", "speeding", OLC),
    Rule(r" rp-003\b", "toomanyconn", OLC),
    Rule(r" sc-00[1-4]\b", "blocked", OLC),
    Rule(r" dy-00[12]\b", "blocked", OLC),
    Rule(r" ou-00[12]\b", "blocked", OLC),
    Rule(r"part of their network is on our block list", "blocked", SISIMAI),
    Rule(r"5\.7\.515\b", "authfailure", OLC),
    # Our sending IP or domain banned, blocked or throttled.
    Rule(r"5\.7\.6(?:0[6-9]|[1-4]\d)\b", "blocked", EXO),
    Rule(r"access denied, banned sending ip", "blocked", EXO),
    Rule(r"5\.7\.511 access denied, banned sender", "blocked", EXO),
    Rule(r"5\.7\.800 access denied, banned sender", "blocked", EXO),
    Rule(r"using customer block list", "blocked", EXO),
    Rule(r"5\.7\.513\b", "blocked", EXO),
    Rule(r"access denied, rejected by recipient", "blocked", EXO),
    Rule(r"access denied, bad helo", "blocked", EXO),
    Rule(r"does not accept email over ipv6", "blocked", EXO),
    Rule(r"access denied, traffic not accepted from this ip", "blocked", EXO),
    Rule(r"must have a reverse dns record", "requireptr", EXO),
    Rule(r"has exceeded permitted limits within", "speeding", EXO),
    Rule(r"rate limited due to ip reputation", "badreputation", SISIMAI),
    Rule(r"pfa agent busy, please try again", "systemerror", SISIMAI),
    Rule(r"4\.7\.(?:[56]\d\d|8[5-9]\d)\b", "blocked", EXO),
    # The sender address or account.
    Rule(r"access denied, spam abuse detected", "rejected", EXO),
    Rule(r"access denied, banned sender", "rejected", EXO),
    Rule(r"access denied, bad outbound sender", "rejected", EXO),
    Rule(r"5\.1\.0 .{0,260}?sender denied", "rejected", EXS),
    Rule(r"5\.1\.7 invalid address", "rejected", EXS),
    Rule(r"5\.1\.7 unknown sender address", "rejected", EXS),
    Rule(r"client blocked from sending from unregistered domains", "rejected", EXO),
    # Older Exchange: our HELO name, or our IP outside the sending domain's allowed ones.
    Rule(r"5\.5\.4 invalid domain name", "blocked", SISIMAI_EXS),
    Rule(r"restrictdomainstoipaddresses or restrictdomainstocertificate", "blocked", SISIMAI_EXS),
    # Authentication and RFC 5322.
    Rule(r"must pass either spf or dkim validation", "authfailure", EXO),
    Rule(r"rejected because of sender policy framework violation", "authfailure", EXO),
    Rule(r"does not pass dmarc verification", "authfailure", EXO),
    Rule(r"must be rfc 5322 section 3\.6\.2 compliant", "notcompliantrfc", EXO),
    # The recipient organisation's own restrictions and rules.
    Rule(r"5\.7\.9\d\d\b", "policyviolation", EXS),
    Rule(r"delivery not authorized, message refused", "policyviolation", EXS),
    Rule(r"x-dg-ref header is too long", "policyviolation", EXO),
    Rule(r"policy violation detected \(as345\)", "policyviolation", EXO),
    Rule(r"sender was not authenticated", "filtered", EXO),
    Rule(r"sender not authenticated for group", "filtered", EXO),
    Rule(r"sender not in allowed-senders list", "filtered", EXO),
    Rule(r"5\.7\.1 delivery not authorized", "filtered", EXO),
    Rule(r"resolver\.rst\.authrequired", "filtered", EXS),
    Rule(r"resolver\.rst\.notauthorized", "filtered", EXS),
    Rule(r"storedrv\.deliver: missing or bad storedriver mdb properties", "filtered", EXS),
    Rule(r"content filter agent quarantined this message", "spamdetected", EXS),
    # Relay and session security.
    Rule(r"unable to relay", "norelaying", EXO),
    Rule(r"relay access denied", "norelaying", EXO),
    Rule(r"client was not authenticated", "securityerror", EXO),
    Rule(r"cannot achieve exchange server authentication", "securityerror", EXS),
    Rule(r"starttls is required to send mail", "securityerror", EXO),
    Rule(r"starttls-not-supported", "securityerror", EXO),
    Rule(r"certificate-expired:", "securityerror", EXO),
    Rule(r"tlsa-invalid:", "securityerror", EXO),
    Rule(r"dnssec-invalid:", "securityerror", EXO),
    Rule(r"certificate-host-mismatch:", "securityerror", EXO),
    Rule(r"failed mta-sts validation", "securityerror", EXO),
    # The message.
    Rule(r"message size exceeds fixed maximum message size", "mesgtoobig", EXS),
    Rule(r"message too big for system", "mesgtoobig", SISIMAI_EXS),
    Rule(r"resolver\.rst\.recipsizelimit", "mesgtoobig", EXS),
    Rule(r"resolver\.rst\.recipientsizelimit", "mesgtoobig", SISIMAI_EX2007),
    Rule(r"5\.6\.11 invalid characters", "contenterror", EXO),
    Rule(r"barelinefeedsareillegal", "contenterror", EXO),
    Rule(r"too many related errors", "contenterror", EXS),
    Rule(r"agent generated message depth exceeded", "contenterror", SISIMAI_EXS),
    Rule(r"5\.5\.6 invalid message content", "contenterror", SISIMAI_EXS),
    # Routing, expiry and Exchange's own state.
    Rule(r"routing loop detected", "networkerror", EXO),
    Rule(r"hop count exceeded - possible mail loop", "networkerror", EXS),
    Rule(r"connection refused \[message=socket error", "networkerror", EXO),
    Rule(r"smtpsend\.dns\.nonexistentdomain", "networkerror", EXS),
    Rule(r"smtpsend\.dns\.mxloopback", "networkerror", SISIMAI_EX2007),
    Rule(r"5\.4\.4 invalid arguments", "networkerror", SISIMAI),
    Rule(r"4\.4\.7 message expired", "expired", EXO),
    Rule(r"4\.4\.7 message delayed", "expired", EXS),
    Rule(r"queue expired; message expired", "expired", EXS),
    Rule(r"queue\.expired", "expired", SISIMAI_EX2007),
    Rule(r"5\.4\.300 message expired", "expired", EXO),
    Rule(r"4\.4\.1 connection timed out", "expired", EXS),
    Rule(r"insufficient system resources", "systemfull", EXS),
    Rule(r"4\.3\.2 service not available", "systemerror", EXS),
    Rule(r"4\.3\.2 service not active", "systemerror", EXS),
    Rule(r"system incorrectly configured", "systemerror", EXS),
    Rule(r"journaling on-premises messages", "systemerror", EXO),
    # The organisation's directory: an ambiguous or broken recipient entry, not a missing one.
    Rule(r"resolver\.adr\.(?:ambiguous|badprimary|invalidinsmtp)", "systemerror", SISIMAI_EX2007),
    Rule(r"resolver\.adr\.recip(?:ient)?limit", "toomanyconn", SISIMAI_EX2007),
    Rule(r"destination mailbox address ambiguous", "systemerror", SISIMAI_EXS),
    Rule(r"mailing list expansion problem", "systemerror", SISIMAI_EXS),
    Rule(r"misconfigured forwarding address", "systemerror", SISIMAI_EXS),
    Rule(r"helo / ehlo requires domain address", "systemerror", SISIMAI_EXS),
    Rule(r"temporary server error\. please try again later", "systemerror", SISIMAI),
    Rule(r"message failed to be replicated", "systemerror", SISIMAI),
    Rule(r"\(suspiciousremoteservererror\)", "systemerror", SISIMAI),
    Rule(r"send hello first", "syntaxerror", EXS),
    Rule(r"5\.3\.3 unrecognized command", "syntaxerror", EXS),
)

RECEIVER = Receiver(
    name="microsoft",
    hosts=("protection.outlook.com", "outlook.com", "hotmail.com", "office365.com", "exchangelabs.com"),
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
