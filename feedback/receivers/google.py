"""Google: Gmail and Google Workspace (inbound MX ``*.google.com``, ``*.googlemail.com``).

Error-code page: "Gmail SMTP errors and codes",
https://support.google.com/a/answer/3726730 (every reply ends in "gsmtp";
rules an administrator wrote add "gcdp"). Sender requirements behind the
4.7.2x/5.7.2x authentication and rate codes:
https://support.google.com/mail/answer/81126. Sisimai's Rhost/Google.pm
indexes the same page.

Google writes "mail" in older replies and "email" in newer ones: a pattern
says "mail ..." and so matches both. Each pattern starts with a literal
and has no top-level alternation, so ``re`` can scan for it quickly.
"""

from .base import Receiver, Rule

SMTP_ERRORS = "https://support.google.com/a/answer/3726730"
SENDER_GUIDELINES = "https://support.google.com/mail/answer/81126"
SISIMAI = "Sisimai Rhost/Google.pm, citing " + SMTP_ERRORS

RULES: tuple[Rule, ...] = (
    # The recipient address itself (the only Permanent ones).
    Rule(r"account that you tried to reach does not exist", "userunknown", SMTP_ERRORS),
    Rule(r"we weren't able to find the recipient domain", "hostunknown", SMTP_ERRORS),
    Rule(r"the recipient address \S{0,254} ?is not a valid rfc ?5321 address", "userunknown", SMTP_ERRORS),
    # The mailbox exists but cannot take mail now.
    Rule(r"account that you tried to reach is disabled", "suspend", SMTP_ERRORS),
    Rule(r"account that you tried to reach is inactive", "suspend", SMTP_ERRORS),
    Rule(r"inbox is out of storage space", "mailboxfull", SMTP_ERRORS),
    Rule(r"account that you tried to reach is over quota", "mailboxfull", SMTP_ERRORS),
    Rule(r"email quota exceeded", "mailboxfull", SISIMAI),
    Rule(r"mail too quickly", "speeding", SMTP_ERRORS),
    Rule(r"mail at a rate that prevents additional messages", "speeding", SMTP_ERRORS),
    # The sender address.
    Rule(r"the sender address \S{0,254} ?is not a valid rfc ?5321 address", "rejected", SMTP_ERRORS),
    Rule(r"mail sending denied", "rejected", SMTP_ERRORS),
    Rule(r"unauthenticated email is not accepted from this domain", "rejected", SISIMAI),
    Rule(r"mail relay denied", "norelaying", SMTP_ERRORS),
    Rule(r"invalid credentials for relay", "norelaying", SMTP_ERRORS),
    # Authentication (SPF, DKIM, DMARC) of our mail.
    Rule(r"spf record of the sending domain has one or more suspicious entries", "authfailure", SMTP_ERRORS),
    Rule(r"mail from \S+ is not accepted due to domain's", "authfailure", SMTP_ERRORS),
    Rule(r"requires all senders to authenticate with either spf or dkim", "authfailure", SENDER_GUIDELINES),
    # The 5.7.26 wording that points to the guidelines' #authentication section.
    Rule(r"mail is unauthenticated, which poses a security risk", "authfailure", SENDER_GUIDELINES),
    Rule(r"sender must authenticate with at least one of spf or dkim", "authfailure", SENDER_GUIDELINES),
    # Older editions of the error page: 5.7.27 / 5.7.28 for large senders.
    Rule(r"blocked because spf does not pass", "authfailure", SMTP_ERRORS),
    Rule(r"blocked because dkim does not pass", "authfailure", SMTP_ERRORS),
    Rule(r"has an spf record with a hard fail policy", "authfailure", SMTP_ERRORS),
    Rule(r"authentication didn't pass", "authfailure", SMTP_ERRORS),
    Rule(r"didn't pass spf authentication", "authfailure", SMTP_ERRORS),
    Rule(r"didn't pass dkim authentication", "authfailure", SMTP_ERRORS),
    Rule(r"fails to pass authentication checks", "authfailure", SMTP_ERRORS),
    Rule(r"aligned with either the authenticated spf or dkim", "authfailure", SMTP_ERRORS),
    Rule(r"doesn't have a dmarc record", "authfailure", SMTP_ERRORS),
    Rule(r"dmarc record doesn't specify a dmarc policy", "authfailure", SMTP_ERRORS),
    # Our sending IP: PTR, reputation, allowlists, rate.
    Rule(r"have a ptr record", "requireptr", SMTP_ERRORS),
    Rule(r"ptr record's forward dns entry", "requireptr", SMTP_ERRORS),
    Rule(r"ipv6 sending guidelines regarding ptr records", "requireptr", SMTP_ERRORS),
    Rule(r"does not match the ip address of the hostname", "requireptr", SMTP_ERRORS),
    Rule(r"very low reputation of the sending", "badreputation", SMTP_ERRORS),
    Rule(r"ip not in whitelist for rcpt domain", "blocked", SMTP_ERRORS),
    Rule(r"not authorized to send e?mail directly to our servers", "blocked", SMTP_ERRORS),
    Rule(r"helo/ehlo argument \S{0,255} ?invalid", "blocked", SMTP_ERRORS),
    Rule(r"empty helo/ehlo argument", "blocked", SMTP_ERRORS),
    Rule(r"unusual rate of unsolicited e?mail.{0,240}?has been (?:temporarily )?blocked", "blocked", SMTP_ERRORS),
    Rule(r"unusual amount of unsolicited e?mail.{0,240}?has been (?:temporarily )?blocked", "blocked", SMTP_ERRORS),
    Rule(r"unusual rate of ", "speeding", SMTP_ERRORS),
    Rule(r"mail has been rate limited\.", "speeding", SMTP_ERRORS),
    Rule(r"smtp relay limit exceeded", "speeding", SMTP_ERRORS),
    Rule(r"smtp relay sending limit exceeded", "speeding", SMTP_ERRORS),
    Rule(r"daily user sending limit exceeded", "speeding", SMTP_ERRORS),
    Rule(r"daily sending quota exceeded", "speeding", SISIMAI),
    # The message: spam, policy, RFC 5322, size, loops.
    Rule(r"due to the nature of the content or the links within", "spamdetected", SMTP_ERRORS),
    Rule(r"likely unsolicited e?mail", "spamdetected", SMTP_ERRORS),
    Rule(r"its content presents a potential", "policyviolation", SMTP_ERRORS),
    Rule(r"illegal attachment on your message", "policyviolation", SMTP_ERRORS),
    Rule(r"has a policy that prohibit", "policyviolation", SMTP_ERRORS),
    Rule(r"have the same message-id:", "policyviolation", SMTP_ERRORS),
    Rule(r"with the same message-id:", "policyviolation", SMTP_ERRORS),
    Rule(r"not rfc ?5322 compliant", "notcompliantrfc", SMTP_ERRORS),
    Rule(r"missing a valid address in (?:the )?from: header", "notcompliantrfc", SMTP_ERRORS),
    Rule(r"multiple addresses in (?:the )?from: header", "notcompliantrfc", SMTP_ERRORS),
    Rule(r"missing a valid message-id: header", "notcompliantrfc", SMTP_ERRORS),
    Rule(r"unicode character in a disallowed header", "notcompliantrfc", SMTP_ERRORS),
    Rule(r"encoded-word syntax is not permitted", "notcompliantrfc", SMTP_ERRORS),
    Rule(r"mail message is malformed", "contenterror", SMTP_ERRORS),
    Rule(r"exceeded google's message size limits", "mesgtoobig", SMTP_ERRORS),
    Rule(r"exceeds google's message size limit", "mesgtoobig", SMTP_ERRORS),
    Rule(r"exceeds google's limit of \S+ attachments", "exceedlimit", SMTP_ERRORS),
    Rule(r"google's message header size limit", "exceedlimit", SMTP_ERRORS),
    Rule(r"per individual header size", "exceedlimit", SMTP_ERRORS),
    Rule(r"exceeds google's header name limit", "exceedlimit", SMTP_ERRORS),
    Rule(r"too many recipients for this sender", "toomanyconn", SMTP_ERRORS),
    Rule(r"your message has too many recipients", "toomanyconn", SMTP_ERRORS),
    Rule(r"message exceeded 50 hops", "networkerror", SMTP_ERRORS),
    # The session: TLS, protocol, timeouts.
    Rule(r"tls required for rcpt domain", "securityerror", SMTP_ERRORS),
    Rule(r"must issue a starttls command first", "securityerror", SMTP_ERRORS),
    Rule(r"senders to use tls/ssl for smtp", "securityerror", SMTP_ERRORS),
    Rule(r"starttls may not be repeated", "securityerror", SMTP_ERRORS),
    # Gmail's own SMTP AUTH (a sender signing in to Gmail to relay): the sender's credentials.
    Rule(r"too many login attempts", "securityerror", SISIMAI),
    Rule(r"no identity changes permitted", "securityerror", SMTP_ERRORS),
    Rule(r"application-specific password required", "securityerror", SISIMAI),
    Rule(r"please log in (?:with|through) your web browser", "securityerror", SISIMAI),
    Rule(r"username and password not accepted", "securityerror", SISIMAI),
    Rule(r"authentication required\.", "securityerror", SMTP_ERRORS),
    Rule(r"connection expired, try reconnecting", "expired", SMTP_ERRORS),
    Rule(r"timeout - closing connection", "expired", SMTP_ERRORS),
    Rule(r"smtp protocol violation", "syntaxerror", SMTP_ERRORS),
    Rule(r"bad sequence of commands", "syntaxerror", SMTP_ERRORS),
    Rule(r"unrecognized command", "syntaxerror", SMTP_ERRORS),
    Rule(r"unimplemented command", "syntaxerror", SMTP_ERRORS),
    Rule(r"no data after bdat", "syntaxerror", SMTP_ERRORS),
    Rule(r"ehlo/helo first", "syntaxerror", SMTP_ERRORS),
    Rule(r"optional argument not permitted", "syntaxerror", SMTP_ERRORS),
    Rule(r"unrecognized authentication type", "syntaxerror", SMTP_ERRORS),
    Rule(r"xoauth is no longer supported", "syntaxerror", SISIMAI),
    Rule(r"too many unauthenticated commands", "syntaxerror", SMTP_ERRORS),
    Rule(r"syntax error", "syntaxerror", SMTP_ERRORS),
    # Google's own side.
    Rule(r"temporary system problem", "systemerror", SMTP_ERRORS),
    Rule(r"server busy, try again later", "systemerror", SMTP_ERRORS),
    Rule(r"mail server has temporarily rejected", "systemerror", SMTP_ERRORS),
    Rule(r"mail server temporarily rejected", "systemerror", SMTP_ERRORS),
    Rule(r"multiple destination domains per transaction is unsupported", "systemerror", SMTP_ERRORS),
    Rule(r"domain policy size per transaction exceeded", "systemerror", SMTP_ERRORS),
    # The page: "usually indicates a Denial of Service (DoS) for the SMTP relay at
    # the HELO stage": our connection is refused for now, as Sisimai 5 reads it.
    Rule(r"try again later, closing connection", "blocked", SMTP_ERRORS),
)

RECEIVER = Receiver(
    name="google",
    hosts=("google.com", "googlemail.com"),
    domains=("gmail.com", "googlemail.com"),
    rules=RULES,
    markers=("gsmtp",),
    source=SMTP_ERRORS,
)
