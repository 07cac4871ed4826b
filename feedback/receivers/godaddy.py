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
    Rule(r"\bib401\b", "securityerror", IB_CODES),
    Rule(r"\bib50[12]\b", "notcompliantrfc", IB_CODES),
    Rule(r"\bib506\b", "rejected", IB_CODES),
    Rule(r"\bib508\b", "authfailure", IB_CODES),
    Rule(r"\bib108\b", "requireptr", IB_CODES),
    # Content bounces.
    Rule(r"\bib212\b", "spamdetected", IB_CODES),
    Rule(r"\bib705\b", "virusdetected", IB_CODES),
    # Rate limiting.
    Rule(r"\bib(?:605|007)\b", "toomanyconn", IB_CODES),
    Rule(r"\bib101\b", "systemerror", IB_CODES),
    Rule(r"\bib(?:504|510|607)\b", "speeding", IB_CODES),
    # Block lists and IP blocks.
    Rule(r"\bib11[0-3]\b|\bib10[4-6]\b", "blocked", IB_CODES),
    Rule(r"\bib103\b", "badreputation", IB_CODES),
    Rule(r"\brbl reject\b", "blocked", BOUNCEBACKS),
    # Plain bouncebacks.
    Rule(r"\brecipient not found\b|\baccount does not exist\b", "userunknown", BOUNCEBACKS),
    Rule(r"\baccount disabled\b", "suspend", BOUNCEBACKS),
    Rule(r"\baccount storage limit\b", "mailboxfull", BOUNCEBACKS),
    Rule(r"message rejected for spam or virus content", "spamdetected", BOUNCEBACKS),
    Rule(r"message is looping", "networkerror", BOUNCEBACKS),
    Rule(r"has been in the queue too long|\bdelivery timeout\b", "expired", BOUNCEBACKS),
)

RECEIVER = Receiver(
    name="godaddy",
    hosts=("secureserver.net",),
    domains=("secureserver.net",),
    rules=RULES,
    markers=(),
    source=IB_CODES,
)
