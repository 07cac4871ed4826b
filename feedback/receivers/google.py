"""Google: Gmail and Google Workspace (inbound MX ``*.google.com``, ``*.googlemail.com``).

Error-code page: "Gmail SMTP errors and codes",
https://support.google.com/a/answer/3726730 (every reply ends in "gsmtp";
rules an administrator wrote add "gcdp"). Sender requirements behind the
4.7.2x/5.7.2x authentication and rate codes:
https://support.google.com/mail/answer/81126. Sisimai's Rhost/Google.pm
indexes the same page.

Google writes "mail" in older replies and "email" in newer ones, hence the
``(?:e-?)?mail`` in the patterns.
"""

from .base import Receiver, Rule

SMTP_ERRORS = "https://support.google.com/a/answer/3726730"
SENDER_GUIDELINES = "https://support.google.com/mail/answer/81126"

_MAIL = r"(?:e-?)?mail"

RULES: tuple[Rule, ...] = (
    # The recipient address itself (the only Permanent ones).
    Rule(rf"the {_MAIL} account that you tried to reach does not exist", "userunknown", SMTP_ERRORS),
    Rule(r"we weren't able to find the recipient domain", "hostunknown", SMTP_ERRORS),
    Rule(r"the recipient address \S{0,254} ?is not a valid rfc ?5321 address", "userunknown", SMTP_ERRORS),
    # The mailbox exists but cannot take mail now.
    Rule(rf"the {_MAIL} account that you tried to reach is (?:disabled|inactive)", "suspend", SMTP_ERRORS),
    Rule(r"inbox is out of storage space|account that you tried to reach is over quota", "mailboxfull", SMTP_ERRORS),
    Rule(rf"is receiving {_MAIL} (?:too quickly|at a rate that prevents additional messages)", "speeding", SMTP_ERRORS),
    # The sender address.
    Rule(r"the sender address \S{0,254} ?is not a valid rfc ?5321 address", "rejected", SMTP_ERRORS),
    Rule(rf"{_MAIL} sending denied", "rejected", SMTP_ERRORS),
    Rule(rf"{_MAIL} relay denied|invalid credentials for relay", "norelaying", SMTP_ERRORS),
    # Authentication (SPF, DKIM, DMARC) of our mail.
    Rule(r"spf record of the sending domain has one or more suspicious entries", "authfailure", SMTP_ERRORS),
    Rule(rf"unauthenticated {_MAIL} from \S+ is not accepted due to domain's", "authfailure", SMTP_ERRORS),
    Rule(r"requires all senders to authenticate with either spf or dkim", "authfailure", SENDER_GUIDELINES),
    Rule(r"has an spf record with a hard fail policy", "authfailure", SMTP_ERRORS),
    Rule(
        r"(?:spf|dkim) authentication didn't pass|didn't pass (?:spf|dkim) authentication"
        r"|fails to pass authentication checks",
        "authfailure",
        SMTP_ERRORS,
    ),
    Rule(r"isn't aligned with either the authenticated spf or dkim", "authfailure", SMTP_ERRORS),
    Rule(r"doesn't have a dmarc record|dmarc record doesn't specify a dmarc policy", "authfailure", SMTP_ERRORS),
    # Our sending IP: PTR, reputation, allowlists, rate.
    Rule(
        r"(?:does not|doesn't) have a ptr record|ptr record's forward dns entry"
        r"|does not meet ipv6 sending guidelines regarding ptr records",
        "requireptr",
        SMTP_ERRORS,
    ),
    Rule(r"very low reputation of the sending (?:ip address|domain)", "badreputation", SMTP_ERRORS),
    Rule(r"ip not in whitelist for rcpt domain", "blocked", SMTP_ERRORS),
    Rule(rf"not authorized to send {_MAIL} directly to our servers", "blocked", SMTP_ERRORS),
    Rule(r"helo/ehlo argument \S{0,255} ?invalid|empty helo/ehlo argument", "blocked", SMTP_ERRORS),
    Rule(
        rf"unusual (?:rate|amount) of (?:unsolicited )?{_MAIL}.{{0,240}}?has been (?:temporarily )?blocked",
        "blocked",
        SMTP_ERRORS,
    ),
    Rule(rf"unusual (?:rate|amount) of (?:unsolicited )?{_MAIL}", "speeding", SMTP_ERRORS),
    Rule(rf"this {_MAIL} has been rate limited\.", "speeding", SMTP_ERRORS),
    Rule(
        r"(?:peak|daily) smtp relay (?:sending )?limit exceeded|daily user sending limit exceeded",
        "speeding",
        SMTP_ERRORS,
    ),
    # The message: spam, policy, RFC 5322, size, loops.
    Rule(r"due to the nature of the content or the links within", "spamdetected", SMTP_ERRORS),
    Rule(rf"likely unsolicited {_MAIL}", "spamdetected", SMTP_ERRORS),
    Rule(
        r"its content presents a potential|illegal attachment on your message",
        "policyviolation",
        SMTP_ERRORS,
    ),
    Rule(r"has a policy that prohibit(?:s|ed) the (?:e-?)?mail that you sent", "policyviolation", SMTP_ERRORS),
    Rule(r"with the same message-id:|that have the same message-id:", "policyviolation", SMTP_ERRORS),
    Rule(
        r"not rfc ?5322 compliant|missing a valid address in (?:the )?from: header|multiple addresses in (?:the )?from: header"
        r"|missing a valid message-id: header|unicode character in a disallowed header"
        r"|encoded-word syntax is not permitted",
        "notcompliantrfc",
        SMTP_ERRORS,
    ),
    Rule(rf"{_MAIL} message is malformed", "contenterror", SMTP_ERRORS),
    Rule(r"exceeded google's message size limits|exceeds google's message size limit", "mesgtoobig", SMTP_ERRORS),
    Rule(
        r"exceeds google's limit of \S+ attachments|exceeded google's message header size limits"
        r"|per individual header size|exceeds google's header name limit|exceeds google's message header size",
        "exceedlimit",
        SMTP_ERRORS,
    ),
    Rule(r"too many recipients for this sender|your message has too many recipients", "toomanyconn", SMTP_ERRORS),
    Rule(r"message exceeded 50 hops", "networkerror", SMTP_ERRORS),
    # The session: TLS, protocol, timeouts.
    Rule(
        r"tls required for rcpt domain|must issue a starttls command first|senders to use tls/ssl for smtp",
        "securityerror",
        SMTP_ERRORS,
    ),
    Rule(r"connection expired, try reconnecting|timeout - closing connection", "expired", SMTP_ERRORS),
    Rule(
        r"smtp protocol violation|bad sequence of commands|unrecognized command|unimplemented command"
        r"|no data after bdat|\bsyntax error\b",
        "syntaxerror",
        SMTP_ERRORS,
    ),
    # Google's own side.
    Rule(
        r"temporary system problem|server busy, try again later|(?:e-?)?mail server (?:has )?temporarily rejected"
        r"|multiple destination domains per transaction is unsupported|domain policy size per transaction exceeded",
        "systemerror",
        SMTP_ERRORS,
    ),
    Rule(r"try again later, closing connection", "undefined", SMTP_ERRORS),
)

RECEIVER = Receiver(
    name="google",
    hosts=("google.com", "googlemail.com"),
    domains=("gmail.com", "googlemail.com"),
    rules=RULES,
    markers=("gsmtp",),
    source=SMTP_ERRORS,
)
