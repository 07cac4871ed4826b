"""Apple: iCloud Mail (icloud.com, me.com, mac.com; inbound MX ``mx0N.mail.icloud.com``).

Apple publishes no error-code table: its "Postmaster information for
iCloud Mail" page, https://support.apple.com/en-us/102322 (formerly
HT204137, the link its replies carry), gives the sending requirements the
codes below refer to. The wordings and their meanings are from Sisimai's
Rhost/Apple.pm, which cites that page; the table is kept small.

"inactive email address" comes under 5.1.1 (RFC 3463: bad destination
mailbox address) for an address its owner deactivated (an iCloud account, a
Hide My Email alias): it takes no mail until reactivated, so it reads as
``userunknown`` (Permanent), as Sisimai and SES read it. A reactivated
address can be lifted with ``feedback unsuppress``.
"""

from .base import Receiver, Rule

POSTMASTER = "https://support.apple.com/en-us/102322"
SISIMAI = "Sisimai Rhost/Apple.pm, citing " + POSTMASTER

RULES: tuple[Rule, ...] = (
    Rule(r"5\.1\.1 (?:<\S+>: )?user does not exist", "userunknown", SISIMAI),
    Rule(r"unknown or illegal alias", "userunknown", SISIMAI),
    Rule(r"recipient no longer on server", "hasmoved", SISIMAI),
    Rule(r"inactive email address", "userunknown", SISIMAI),
    Rule(r"user is over ?quota", "mailboxfull", SISIMAI),
    # The recipient's domain takes no mail at all (a null MX, RFC 7505).
    Rule(r"host/domain does not accept mail", "notaccept", SISIMAI),
    Rule(r"deferred due to excessive volume", "speeding", SISIMAI),
    Rule(r"rejected due to \S+ dmarc policy", "authfailure", SISIMAI),
    Rule(r"failing both spf and dkim", "authfailure", SISIMAI),
    Rule(r"rejected due to listing in spamhaus", "blocked", SISIMAI),
    Rule(r"domain present in the spamhaus", "blocked", SISIMAI),
    Rule(r"proofpoint\.com/dnsbl-lookup", "blocked", SISIMAI),
    Rule(r"esmtp not accepting connections", "blocked", SISIMAI),
    Rule(r"rejected due to local policy", "policyviolation", SISIMAI),
    Rule(r"sender address rejected", "rejected", SISIMAI),
    Rule(r"relay access denied", "norelaying", SISIMAI),
)

RECEIVER = Receiver(
    name="apple",
    hosts=("icloud.com", "me.com", "mac.com", "apple.com"),
    domains=("icloud.com", "me.com", "mac.com"),
    rules=RULES,
    markers=("support.apple.com/en-us/ht204137", "support.apple.com/en-us/102322"),
    source=POSTMASTER,
)
