"""Cox Communications (cox.net; legacy inbound MX ``mx.{east,west}.cox.net``).

Error-code page: Cox "Email error codes",
https://www.cox.com/residential/support/email-error-codes.html (the AUP#
codes: CXBL, CXDNS, CXSNDR, CXSMTP, CXCNCT, CXMXRT, CDRBL, IPBL*, URLBL*,
and the plain replies about rDNS, sessions, attachments, senders and
recipients). Sisimai's Rhost/Cox.pm indexes the same page.

Cox moved cox.net to Yahoo Mail in October 2024: replies from Yahoo's MX
are identified as Yahoo by host; for a cox.net recipient without a remote
MTA the Yahoo rules are tried after Cox's own.
"""

from .base import Receiver, Rule
from .yahoo import RULES as YAHOO_RULES

ERROR_CODES = "https://www.cox.com/residential/support/email-error-codes.html"

RULES: tuple[Rule, ...] = (
    Rule(r"aup#cxbl\b", "blocked", ERROR_CODES),
    Rule(r"aup#cdrbl\b", "blocked", ERROR_CODES),
    Rule(r"aup#ipbl\d+\b", "blocked", ERROR_CODES),
    Rule(r"aup#cxdns\b", "requireptr", ERROR_CODES),
    Rule(r"dns check failure - try again later", "requireptr", ERROR_CODES),
    Rule(r"rejected - no rdns", "requireptr", ERROR_CODES),
    Rule(r"aup#cxsndr\b", "authfailure", ERROR_CODES),
    Rule(r"aup#cxsmtp\b", "rejected", ERROR_CODES),
    Rule(r"aup#cxcnct\b", "toomanyconn", ERROR_CODES),
    Rule(r"too many sessions from", "toomanyconn", ERROR_CODES),
    Rule(r"message threshold exceeded", "toomanyconn", ERROR_CODES),
    Rule(r"aup#cxmxrt\b", "speeding", ERROR_CODES),
    # Sending limited or blocked for suspicious activity on the sender's own Cox account.
    Rule(r"aup#cxthrt\b", "securityerror", ERROR_CODES),
    Rule(r"aup#cxmj\b", "securityerror", ERROR_CODES),
    Rule(r"requested action aborted: try again later", "speeding", ERROR_CODES),
    Rule(r"aup#urlbl\d+\b", "spamdetected", ERROR_CODES),
    Rule(r"cox too many bad commands from", "blocked", ERROR_CODES),
    Rule(r"too many invalid recipients", "blocked", ERROR_CODES),
    Rule(r"attachment extension is forbidden", "policyviolation", ERROR_CODES),
    Rule(r"esmtp no data before greeting", "syntaxerror", ERROR_CODES),
    Rule(r"esmtp server temporarily not available", "systemerror", ERROR_CODES),
    # Cox requires the sender domain to resolve; the address named is ours.
    Rule(r"sender rejected\b", "rejected", ERROR_CODES),
    # "The intended recipient is not a valid Cox Email account."
    Rule(r"recipient rejected\b", "userunknown", ERROR_CODES),
) + YAHOO_RULES

RECEIVER = Receiver(
    name="cox",
    hosts=("cox.net",),
    domains=("cox.net",),
    rules=RULES,
    markers=("aup#cx",),
    source=ERROR_CODES,
)
