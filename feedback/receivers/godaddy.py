"""GoDaddy email (Professional Email, Workspace Email; inbound MX ``*.secureserver.net``).

Error-code pages: "Fix rejected email with a bounce error",
https://www.godaddy.com/help/fix-rejected-email-with-a-bounce-error-40685
(the IBnnn codes: sender, content, rate-limit and block-list bounces), and
"What does my email bounceback mean?",
https://www.godaddy.com/help/what-does-my-email-bounceback-mean-3568 (plain
replies: recipient not found, account disabled, storage limit, loops).
Sisimai's Rhost/GoDaddy.pm indexes both.
"""

from .base import Receiver, Rule

IB_CODES = "https://www.godaddy.com/help/fix-rejected-email-with-a-bounce-error-40685"
BOUNCEBACKS = "https://www.godaddy.com/help/what-does-my-email-bounceback-mean-3568"

RULES: tuple[Rule, ...] = (
    # Sender bounces.
    Rule(r"ib401\b", "securityerror", IB_CODES),
    Rule(r"ib50[12]\b", "notcompliantrfc", IB_CODES),
    Rule(r"ib506\b", "rejected", IB_CODES),
    Rule(r"ib508\b", "authfailure", IB_CODES),
    Rule(r"ib108\b", "requireptr", IB_CODES),
    # Content bounces.
    Rule(r"ib212\b", "spamdetected", IB_CODES),
    Rule(r"ib705\b", "virusdetected", IB_CODES),
    # Rate limiting.
    Rule(r"ib605\b", "toomanyconn", IB_CODES),
    Rule(r"ib007\b", "toomanyconn", IB_CODES),
    Rule(r"ib101\b", "systemerror", IB_CODES),
    Rule(r"ib504\b", "speeding", IB_CODES),
    Rule(r"ib510\b", "speeding", IB_CODES),
    Rule(r"ib607\b", "speeding", IB_CODES),
    # Block lists and IP blocks.
    Rule(r"ib11[0-3]\b", "blocked", IB_CODES),
    Rule(r"ib10[4-6]\b", "blocked", IB_CODES),
    Rule(r"ib103\b", "badreputation", IB_CODES),
    Rule(r"rbl reject", "blocked", BOUNCEBACKS),
    # The reply links our IP's Spamhaus listing.
    Rule(r"www\.spamhaus\.org/query/bl\?ip=", "blocked", "Sisimai Rhost/GoDaddy.pm, citing " + BOUNCEBACKS),
    # Plain bouncebacks.
    Rule(r"recipient not found", "userunknown", BOUNCEBACKS),
    Rule(r"account does not exist", "userunknown", BOUNCEBACKS),
    Rule(r"account disabled", "suspend", BOUNCEBACKS),
    Rule(r"account storage limit", "mailboxfull", BOUNCEBACKS),
    Rule(r"message rejected for spam or virus content", "spamdetected", BOUNCEBACKS),
    Rule(r"message is looping", "networkerror", BOUNCEBACKS),
    Rule(r"has been in the queue too long", "expired", BOUNCEBACKS),
    Rule(r"delivery timeout", "expired", BOUNCEBACKS),
)

RECEIVER = Receiver(
    name="godaddy",
    hosts=("secureserver.net",),
    domains=("secureserver.net",),
    rules=RULES,
    markers=(),
    source=IB_CODES,
)
