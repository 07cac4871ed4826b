"""Zoho Mail (zoho.com, zohomail.com, zoho.eu, zoho.in...; inbound MX ``mx*.zoho.*``, ``smtpin.zoho.com``).

Zoho publishes no SMTP error-code table. Its help page "Reasons an email
is marked as Spam", https://www.zoho.com/mail/help/spam-reason.html, covers
the spam, DMARC and policy refusals; the exact replies below are indexed
by Sisimai's Rhost/Zoho.pm (from Zoho's own Desk API specification,
zoho/zohodesk-oas EmailFailureAlert.json). The table is kept small.
"""

from .base import Receiver, Rule

SPAM_REASONS = "https://www.zoho.com/mail/help/spam-reason.html"
SISIMAI = "Sisimai Rhost/Zoho.pm, citing " + SPAM_REASONS

RULES: tuple[Rule, ...] = (
    Rule(r"5\.1\.1 user does not exist", "userunknown", SISIMAI),
    Rule(r"email rejected per dmarc policy", "authfailure", SPAM_REASONS),
    Rule(r"reason: email flagged as spam", "spamdetected", SPAM_REASONS),
    Rule(r"email policy violation detected", "policyviolation", SISIMAI),
    Rule(r"mailbox delivery restricted by policy error", "policyviolation", SISIMAI),
    # 541 5.4.1: the destination domain's own rules refuse the message.
    Rule(r"mail rejected by destination domain", "filtered", SISIMAI),
    Rule(r"virus \S+ detected by zoho mail", "virusdetected", SISIMAI),
    # Greylisting: "try again later" with no cause given.
    Rule(r"greylisted, try again after some time", "undefined", SISIMAI),
    Rule(r"4\.3\.1 temporary system error", "systemerror", SISIMAI),
)

RECEIVER = Receiver(
    name="zoho",
    hosts=("zoho.com", "zoho.eu", "zoho.in", "zoho.com.au", "zoho.jp", "zohomail.com"),
    domains=("zoho.com", "zohomail.com", "zoho.eu", "zoho.in", "zohomail.in", "zohomail.eu"),
    rules=RULES,
    markers=("detected by zoho mail",),
    source=SPAM_REASONS,
)
