"""Facebook (Meta) inbound mail (MX ``*.facebook.com``; the former facebook.com addresses).

Error-code page: "SMTP Response Codes", http://postmaster.facebook.com/response_codes
(also https://www.facebook.com/postmaster/response_codes): a custom code
such as ``RCP-P1`` follows the enhanced status. The letters say what is
refused (RCP recipient, DNS our domain or rDNS, MSG the message, POL our
server or content, CON connections, INT Facebook's own system) and P/T say
permanent or temporary. Sisimai's Rhost/Facebook.pm indexes the same page
and adds INT-P7 (storage quota) and POL-P8 (abuse policies).

Only "the attempted recipient address does not exist" (RCP-P1, INT-P1,
INT-P3, INT-P4) may be Permanent; RCP-T4, "currently deactivated, the user
may or may not reactivate it", is ``suspend``.
"""

from .base import Receiver, Rule

CODES = "http://postmaster.facebook.com/response_codes"
SISIMAI = "Sisimai Rhost/Facebook.pm (rb-sisimai facebook.rb), citing " + CODES

RULES: tuple[Rule, ...] = (
    # Recipient issues.
    Rule(r"rcp-p1\b", "userunknown", CODES),
    Rule(r"int-p[134]\b", "userunknown", CODES),
    Rule(r"rcp-p[23]\b", "filtered", CODES),
    Rule(r"rcp-t1\b", "systemerror", CODES),
    Rule(r"rcp-t4\b", "suspend", SISIMAI),
    Rule(r"int-p7\b", "mailboxfull", SISIMAI),
    # Sender domain issues: our MAIL FROM domain, our server's reverse DNS.
    Rule(r"dns-p[12]\b", "rejected", CODES),
    Rule(r"dns-t1\b", "rejected", CODES),
    Rule(r"dns-p3\b", "requireptr", CODES),
    Rule(r"dns-t2\b", "requireptr", CODES),
    # Message issues.
    Rule(r"msg-p1\b", "mesgtoobig", CODES),
    Rule(r"int-p2\b", "mesgtoobig", CODES),
    Rule(r"msg-p2\b", "contenterror", CODES),
    Rule(r"msg-p3\b", "notcompliantrfc", CODES),
    Rule(r"msg-t1\b", "toomanyconn", CODES),
    # Connection limits.
    Rule(r"con-t[1-4]\b", "toomanyconn", CODES),
    # Policy: our IP listed or refused for hours, then the content.
    Rule(r"pol-p[1-4]\b", "blocked", CODES),
    Rule(r"pol-t[1-3]\b", "blocked", CODES),
    Rule(r"pol-p5\b", "virusdetected", CODES),
    Rule(r"pol-p6\b", "spamdetected", CODES),
    Rule(r"pol-p7\b", "authfailure", CODES),
    Rule(r"pol-p8\b", "policyviolation", SISIMAI),
    # Facebook system resource issues: temporary, nothing for us to do.
    Rule(r"int-t\d+\b", "systemerror", CODES),
)

RECEIVER = Receiver(
    name="facebook",
    hosts=("facebook.com",),
    domains=("facebook.com",),
    rules=RULES,
    markers=("postmaster.facebook.com", "facebook.com/postmaster"),
    source=CODES,
)
