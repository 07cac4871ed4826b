"""Yahoo Inc.: Yahoo Mail and AOL (inbound MX ``*.yahoodns.net``, legacy ``*.yahoo.com``/``*.aol.com``).

Error-code page: Yahoo Sender Hub "SMTP Error Codes",
https://senders.yahooinc.com/smtp-error-codes (families: TS* deferrals,
PH* content blocks, RFC compliance, unresolvable MAIL FROM domain,
authentication, "Recipient does not exist" with its sample reply
"554 delivery error: dd This user doesn't have a yahoo.com account").
Sisimai's Rhost/YahooInc.pm indexes the exact wordings.

Yahoo also receives for Verizon (verizon.net, since 2017), AT&T's consumer
domains (2025), Cox (2024) and Comcast (2025): their modules reuse
``RULES`` below after their own legacy codes. Yahoo Japan (yahoo.co.jp) is
another company and is not listed here.
"""

from .base import Receiver, Rule

ERROR_CODES = "https://senders.yahooinc.com/smtp-error-codes"
SISIMAI = "Sisimai Rhost/YahooInc.pm, citing " + ERROR_CODES

RULES: tuple[Rule, ...] = (
    # "Recipient does not exist" (Permanent).
    Rule(r"this user doesn't have an? [a-z0-9.-]+ account", "userunknown", ERROR_CODES),
    Rule(r"requested mail action aborted, mailbox not found", "userunknown", SISIMAI),
    # The mailbox exists but is closed.
    Rule(r"delivery error: dd \S+ is no longer valid", "suspend", SISIMAI),
    Rule(r"this mailbox is disabled", "suspend", SISIMAI),
    Rule(r"user is receiving mail too quickly", "speeding", SISIMAI),
    # TS* deferrals: complaints, volume, reputation of our IP; TSS09/TSS11 permanent.
    Rule(r"will be permanently deferred", "blocked", SISIMAI),
    Rule(r"\[tss?\d+\]", "badreputation", ERROR_CODES),
    Rule(r"temporarily deferred due to (?:unexpected volume or )?user complaints", "badreputation", ERROR_CODES),
    # Spamhaus listings of our IP ([BL21], [BL23]).
    Rule(r"\[bl\d+\]", "blocked", SISIMAI),
    Rule(r"because the ip is in spamhaus's list", "blocked", SISIMAI),
    Rule(r"not accepted from ip addresses on spamhaus", "blocked", SISIMAI),
    # Authentication failures.
    Rule(r"requires all senders to authenticate", "authfailure", ERROR_CODES),
    Rule(r"sender is unauthenticated", "authfailure", ERROR_CODES),
    # PH* content blocks and other policy errors.
    Rule(r"\[ph\d+\]", "policyviolation", ERROR_CODES),
    Rule(r"not accepted for policy reasons", "policyviolation", ERROR_CODES),
    Rule(r"headers are not rfc compliant", "notcompliantrfc", ERROR_CODES),
    # Unresolvable RFC5321 / RFC5322 from domain: the sender's domain.
    Rule(r"unresolvable rfc\.?532[12]", "rejected", ERROR_CODES),
    Rule(r"relaying denied for", "norelaying", SISIMAI),
    Rule(r"max message per connection reached", "toomanyconn", SISIMAI),
    # "501 Syntax error in parameters or arguments": our SMTP command, not the address.
    Rule(r"syntax error in parameters or arguments", "syntaxerror", SISIMAI),
    # "Resources temporarily unavailable": Yahoo's servers busy.
    Rule(r"resources temporarily unavailable", "systemerror", ERROR_CODES),
)

RECEIVER = Receiver(
    name="yahoo",
    hosts=("yahoodns.net", "yahoo.com", "yahoo.net", "aol.com"),
    domains=(
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.fr",
        "yahoo.de",
        "yahoo.it",
        "yahoo.es",
        "yahoo.ca",
        "yahoo.com.au",
        "yahoo.com.br",
        "yahoo.com.mx",
        "yahoo.co.in",
        "ymail.com",
        "rocketmail.com",
        "aol.com",
        "aol.co.uk",
        "aol.fr",
        "aol.de",
        "aim.com",
    ),
    rules=RULES,
    markers=("yahooinc.com/error-codes", "senders.yahooinc.com", "postmaster.yahoo.com"),
    source=ERROR_CODES,
)
