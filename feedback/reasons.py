"""Reason and SES bounce type from a status code and diagnostic text, as data tables.

Order of evidence (as Sisimai does it, and as a postmaster reads a bounce):
1. an address-level phrase that overrides any code (the remote server says
   "mailbox full" under a generic 5.1.1, say);
2. the RFC 3463 enhanced status code when it is specific;
3. diagnostic phrases, most specific reason first, when the code is generic
   (x.0.0, 5.7.1 ...) or missing;
4. the code's class and subject (x.6.x media, x.7.x security), the Action
   (delayed means it expired in the queue), the SMTP command that failed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import PERMANENT, TRANSIENT, UNDETERMINED
from .providers import provider_reason

_REMOTE_STATUS = re.compile(r"\b[45]\d\d[ -]'?([45]\.\d{1,3}\.\d{1,3})\b")
STATUS_RE = re.compile(r"(?<![\w.])(?<![A-Za-z_]-)([245])\.(\d{1,3})\.(\d{1,3})(?!\d|\.\d)")
REPLY_RE = re.compile(r"(?<![\d.\-])([245][0-5]\d)(?=[ \-,;)\]]|$)", re.M)

# ---------------------------------------------------------------- status codes
# Specific RFC 3463 / IANA registry codes. Generic ones (x.0.0, x.y.0 of most
# subjects) are absent on purpose: they say nothing beyond their class.
STATUS_REASON: dict[str, str] = {
    "1.0": "userunknown",  # 5.1.0 "other address status": in practice a bad mailbox
    "1.1": "userunknown",  # bad destination mailbox address
    "1.2": "hostunknown",  # bad destination system address
    "1.3": "userunknown",  # bad destination mailbox address syntax
    "1.4": "filtered",  # destination mailbox address ambiguous
    "1.6": "hasmoved",  # mailbox has moved, no forwarding address
    "1.7": "rejected",  # bad sender's mailbox address syntax
    "1.8": "rejected",  # bad sender's system address
    "1.9": "systemerror",  # message relayed to non-compliant mailer
    "1.10": "notaccept",  # recipient address has null MX (RFC 7505)
    "2.0": "filtered",
    "2.1": "filtered",  # mailbox disabled, not accepting messages
    "2.2": "mailboxfull",
    "2.3": "exceedlimit",  # message length exceeds administrative limit
    "2.4": "filtered",  # mailing list expansion problem
    "3.0": "systemerror",
    "3.1": "systemfull",
    "3.2": "notaccept",  # system not accepting network messages
    "3.3": "systemerror",
    "3.4": "mesgtoobig",
    "3.5": "systemerror",
    "4.0": "networkerror",
    "4.1": "expired",  # no answer from host (retried until the queue gave up)
    "4.2": "networkerror",
    "4.3": "systemerror",  # directory server failure
    "4.4": "hostunknown",  # unable to route (5.4.4); 4.4.4 below
    "4.5": "systemfull",  # mail system congestion
    "4.6": "networkerror",  # routing loop detected
    "4.7": "expired",  # delivery time expired
    "5.3": "toomanyconn",  # too many recipients
    "5.4": "systemerror",
    "5.5": "systemerror",
    "5.6": "securityerror",
    "6.0": "contenterror",
    "6.1": "contenterror",
    "6.2": "contenterror",
    "6.3": "contenterror",
    "6.5": "contenterror",
    "6.6": "contenterror",
    "6.7": "contenterror",
    "6.8": "contenterror",
    "6.9": "contenterror",
    "6.10": "contenterror",
    "7.0": "securityerror",
    "7.1": "securityerror",  # delivery not authorized: refined by phrases
    "7.2": "securityerror",
    "7.3": "securityerror",
    "7.4": "securityerror",
    "7.5": "securityerror",
    "7.6": "securityerror",
    "7.7": "securityerror",
    "7.8": "securityerror",
    "7.9": "securityerror",
    "7.10": "securityerror",
    "7.11": "securityerror",
    "7.12": "securityerror",
    "7.13": "suspend",  # user account disabled
    "7.14": "securityerror",
    "7.15": "securityerror",
    "7.16": "mesgtoobig",
    "7.17": "hasmoved",  # mailbox owner has changed
    "7.18": "hasmoved",  # domain owner has changed
    "7.19": "securityerror",
    "7.20": "authfailure",  # no passing DKIM signature
    "7.21": "authfailure",
    "7.22": "authfailure",
    "7.23": "authfailure",  # SPF validation failed
    "7.24": "authfailure",
    "7.25": "requireptr",  # reverse DNS validation failed
    "7.26": "authfailure",  # multiple authentication checks failed (DMARC)
    "7.27": "notaccept",  # sender address has null MX
    "7.28": "spamdetected",  # mail flood detected
    "7.29": "securityerror",
    "7.30": "securityerror",
}
# Temporary codes whose meaning differs from their permanent twin.
TEMP_STATUS_REASON: dict[str, str] = {
    "1.0": "onhold",
    "2.1": "suspend",
    "4.4": "networkerror",
    "5.3": "systemerror",
    "7.1": "blocked",
    "7.2": "blocked",
}
# A code that only says "refused for some policy reason": phrases decide.
WEAK_REASONS = {"securityerror", "systemerror", "networkerror", "filtered", "onhold", "undefined", "expired"}
# Codes that providers use for something else than the registry says: the
# text decides. 5.1.10 is "null MX" (RFC 7505) but Microsoft 365 sends it for
# an unknown recipient; 5.4.1 is "no answer from host" but Exchange Online
# sends it for a recipient refused by directory-based edge blocking.
WEAK_CODES = {"5.1.10", "5.4.1"}


def status_reason(status: str | None) -> str | None:
    """The reason a specific status code means by itself, or None."""
    if not status:
        return None
    cls, _, rest = status.partition(".")
    if cls == "4" and rest in TEMP_STATUS_REASON:
        return TEMP_STATUS_REASON[rest]
    if cls == "2":
        return "delivered"
    return STATUS_REASON.get(rest)


# ---------------------------------------------------------------- phrases
# (reason, phrases). Phrases are regular expressions over lower-cased,
# whitespace-folded diagnostic text. The comment names the MTA or provider
# whose wording it is.
class Phrases:
    """A reason's phrases, each guarded by literal words.

    Python's ``re`` tries every alternative at every position, so one big
    alternation costs as much as all its branches. Each phrase is kept as its
    own pattern behind the words every match of it must contain: a substring
    test (C speed) rules out nearly all of them, and only the few whose words
    occur are run. The guard never changes an answer; a phrase without such
    words is always run.
    """

    __slots__ = ("pattern", "_branches")

    def __init__(self, phrases: tuple[str, ...]) -> None:
        self.pattern = "|".join(f"(?:{p})" for p in phrases)
        self._branches: list[tuple[str, tuple[str, ...] | None, re.Pattern[str]]] = [
            ("", required_words(p), re.compile(p)) for p in phrases
        ]

    @property
    def _rx(self) -> re.Pattern[str]:
        """The unguarded whole (tests compare against it); compiled on demand."""
        return re.compile(self.pattern)

    def search(self, text: str) -> bool:
        """Whether any phrase occurs in ``text`` (folded)."""
        return _scan(self._branches, text) is not None


_Branches = list[tuple[str, tuple[str, ...] | None, re.Pattern[str]]]


def _scan(branches: _Branches, text: str) -> str | None:
    """The tag of the first (tag, guard words, pattern) that matches ``text``, or None."""
    for tag, words, rx in branches:
        if words is not None:
            if len(words) == 1:
                if words[0] not in text:
                    continue
            elif not any(map(text.__contains__, words)):
                continue
        if rx.search(text):
            return tag
    return None


_SPECIAL_ESCAPES = set(".()[]{}?*+|^$\\/-'\"#@:;,<>=!&%_")


def required_literal(pattern: str) -> str | None:
    """The longest run of literal text that every match of ``pattern`` contains.

    Groups, classes, escapes like \\s and optional characters break runs; a
    top-level ``|`` means nothing is required. None when no run of 3+ chars.
    """
    runs: list[str] = []
    cur = ""
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "|":
            return None
        if c in "([":
            # Skip the whole group or class (and a quantifier after it).
            close = ")" if c == "(" else "]"
            depth, j = 0, i
            while j < n:
                if pattern[j] == "\\":
                    j += 2
                    continue
                if pattern[j] == c:
                    depth += 1
                elif pattern[j] == close:
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            i = j + 1
            if i < n and pattern[i] in "?*+{":
                i = pattern.find("}", i) + 1 if pattern[i] == "{" else i + 1
            runs.append(cur)
            cur = ""
            continue
        if c == "\\":
            nxt = pattern[i + 1] if i + 1 < n else ""
            lit = nxt if nxt in _SPECIAL_ESCAPES else None
            i += 2
        elif c in ".^$":
            lit = None
            i += 1
        else:
            lit = c
            i += 1
        if i < n and pattern[i] in "?*{":
            # Optional (or repeated from zero): not required.
            lit = None
            i = pattern.find("}", i) + 1 if pattern[i] == "{" else i + 1
        elif i < n and pattern[i] == "+":
            i += 1
            if lit is not None:
                cur += lit
            runs.append(cur)
            cur = ""
            continue
        if lit is None:
            runs.append(cur)
            cur = ""
        else:
            cur += lit
    runs.append(cur)
    best = max(runs, key=len)
    return best if len(best) >= 3 else None


_PLAIN_ALTS = re.compile(r"^\(\?:((?:[a-z0-9 ]+\|)+[a-z0-9 ]+)\)(?![?*{])")


def required_words(pattern: str) -> tuple[str, ...] | None:
    """Words of which every match of ``pattern`` contains at least one, or None.

    A required literal run when there is one; else the alternatives of a
    leading group of plain words ("(?:bad|illegal) mailbox"), or of a
    top-level alternation of plain words.
    """
    lit = required_literal(pattern)
    if lit:
        return (lit,)
    if re.fullmatch(r"[a-z0-9 ]+(?:\|[a-z0-9 ]+)+", pattern):
        alts = tuple(pattern.split("|"))
        return alts if all(len(a) >= 2 for a in alts) else None
    m = _PLAIN_ALTS.match(pattern)
    if m:
        alts = tuple(m.group(1).split("|"))
        return alts if all(len(a.strip()) >= 2 for a in alts) else None
    return None


def _rx(*phrases: str) -> Phrases:
    return Phrases(phrases)


# Tier 0: statements precise enough to beat any status code, each one a
# provider's wording for a cause its code does not distinguish.
TIER0: list[tuple[str, Phrases]] = [
    ("networkerror", _rx(r"malformed or unexpected name server reply")),  # Postfix: DNS answer unusable
    (
        "toomanyconn",
        _rx(
            r"connection rate limit",
            r"too many connections",
            r"too many concurrent smtp connections",
            r"connection frequency limited",
        ),
    ),  # Tencent QQ
    ("speeding", _rx(r"sent to too many recipients", r"too many (?:messages|recipients) this hour")),  # GoDaddy IB607
    # Amazon SES's own sending limits ("454 Throttling failure: Daily message
    # quota exceeded"): the sender's quota, never the recipient's mailbox.
    ("speeding", _rx(r"throttling failure", r"(?:daily|maximum) (?:message|sending) (?:quota|rate) exceeded")),
    # "Host not found, try again" (Sendmail): a DNS lookup that failed for now.
    ("networkerror", _rx(r"host not found, try again", r"host (?:is )?(?:unreachable|not reachable)")),
    (
        "notcompliantrfc",
        _rx(r"multiple addresses in from: header", r"not rfc ?5322 compliant", r"rfcmessagenoncompliant"),
    ),  # Gmail
    ("systemfull", _rx(r"insufficient (?:disk|storage|system) (?:space|storage)")),  # Sendmail 4.4.5
    ("filtered", _rx(r"refused due to recipient preferences")),  # Facebook, with 5.1.1
    ("suspend", _rx(r"recipient account is blocked", r"compte du destinataire est bloque")),  # Orange LPN007
    # The domain has neither MX nor A: it takes no mail at all (qmail #5.4.4, Yahoo).
    ("notaccept", _rx(r"couldn'?t find a mail exchanger or ip address", r"no mx record found for domain")),
    # Amazon SES: its global suppression list, and the account-level one.
    (
        "suppressed",
        _rx(r"amazon ses has suppressed sending to this address", r"on the suppression list for your account"),
    ),
]

# Tier 1: checked before the status code; an explicit statement about the
# mailbox beats a generic or wrong code (e.g. "550 5.1.1 ... mailbox full").
TIER1: list[tuple[str, Phrases]] = [
    (
        "mailboxfull",
        _rx(
            r"mailbox (?:is )?full",
            r"mailbox (?:size limit )?exceeded",
            r"mailbox has exceeded",
            r"mailbox quota",
            r"mailbox would exceed",
            r"full mailbox",
            r"mailfolder is full",
            r"(?:account|user|mailbox|maildir|recipient) (?:is )?over (?:the )?(?:disk )?quota",
            r"over (?:the allowed )?quota",
            r"over (?:disk )?quota",
            r"quota (?:exceeded|violation|full)",
            r"error: quota exceed",  # Exim
            r"account storage limit",  # GoDaddy
            r"exceeded (?:its|his|her|their)? ?(?:mailbox |disk )?quota",
            r"exceeding (?:its|their) (?:mailbox )?quota",
            r"exceeds? (?:the )?(?:mailbox |storage )?quota",
            r"disk quota",
            r"exceeded storage allocation",
            r"(?:does not have|not) enough (?:storage )?space",
            r"user'?s space has been used up",
            r"too much mail data",  # NTT docomo
            r"mailbox exceeded the local limit",
            r"user has too many messages",
            r"boite du destinataire pleine",  # Orange/Wanadoo
            r"mail file size exceeds the maximum size allowed",
            r"recipient reached disk quota",
            r"inbox is full",
            r"storage (?:is )?full",
        ),
    ),
    (
        "exceedlimit",
        _rx(
            r"message header size exceeds limit",
            r"message too large for this",
            r"exceeds? (?:the )?(?:recipient'?s? )?(?:administrative|local) limit",
            r"message length exceeds administrative limit",
        ),
    ),
    (
        "mesgtoobig",
        _rx(
            r"message (?:is )?too (?:big|large)",
            r"message size exceeds",
            r"message size (?:exceeds|is larger than|larger than)",
            r"max(?:imum)? message size",
            r"exceeded maximum inbound message size",
            r"message file too big",
            r"size limit exceeded",
            r"mail size limit",
            r"email too large",
            r"taille limite du message atteinte",
            r"line limit exceeded",
            r"exceeds size limit",
            r"message exceeds (?:the )?(?:local |fixed |maximum )?size",
            r"size of the message exceeds",
        ),
    ),
    (
        "suspend",
        _rx(
            r"(?:is|has been|currently|account|mailbox|user) (?:temporarily )?(?:suspended|deactivated|frozen)",
            r"account (?:is )?disabled",
            r"account has been disabled",
            r"(?:email )?account that you tried to reach is (?:disabled|inactive)",
            r"(?:mailbox|account) (?:is )?(?:inactive|locked)",
            r"mailbox is frozen",
            r"this mailbox is disabled",
            r"recipient suspend",
            r"is a deactivated mailbox",
            r"inactive user",
            r"invalid/inactive user",
            r"temporarily inactive",
            r"boite du destinataire archivee",
            r"user (?:account )?suspended",
            r"account is locked",
            r"temporary locked",
            r"mailbox unavailable or access denied",
            r"disabled or discontinued",
        ),
    ),
    (
        "hasmoved",
        _rx(
            r"no longer on server",
            r"has moved",
            r"no longer (?:available|valid|active) at this",
            r"has been replaced by",  # "user has been replaced by <new address>"
        ),
    ),
    (
        "norelaying",
        _rx(
            r"relay(?:ing)? (?:access )?(?:denied|not permitted|prohibited|not allowed)",
            r"not (?:permitted|allowed) to relay",
            r"unable to relay",
            r"relaying mail to .* is not allowed",
            r"insecure mail relay",
            r"not an open relay",
            r"as a relay",
            r"we don'?t handle mail for",
            r"that domain isn'?t in my list of allowed rcpthosts",
            r"not configured to relay",
            r"email address is not verified",  # SES: sending identity not verified in that region
            r"not local host",
            r"requires authentication when attempting to send to a non-local",
        ),
    ),
]

# Tier 2: the common reasons, checked when the code is generic or missing.
TIER2: list[tuple[str, Phrases]] = [
    (
        "authfailure",
        _rx(
            r"dmarc",
            r"spf (?:check|validation)?:? ?fail",
            r"sender policy framework",
            r"bad spf records? for",
            r"inspect your spf settings",
            r"not allowed to send (?:mail )?from .* per it'?s spf",
            r"is not allowed to send mail",
            r"dkim (?:signature )?(?:fail|invalid|did not verify)",
            r"no (?:valid|passing) dkim",
            r"unauthenticated email",
            r"authentication (?:checks )?fail(?:ed|ure)? .*(?:spf|dkim|dmarc)",
            r"//spf\.pobox\.com",
        ),
    ),
    (
        "requireptr",
        _rx(
            r"ptr record",
            r"reverse dns",
            r"rdns",
            r"cannot find your hostname",
            r"ip name lookup failed",
            r"reverse (?:lookup|resolution)",
            r"no ptr",
            r"unresolvable relay host name",
            r"generic dns ptr",
            r"reverse lookup",
            r"client host rejected: cannot find your",
            r"mismatches client ip",
            r"unverif[iy]able sending ip",
        ),
    ),
    (
        "notcompliantrfc",
        _rx(
            r"not rfc ?5322 compliant",
            r"rfcmessagenoncompliant",
            r"duplicate header",
            r"multiple (?:\w+ )?headers",
            r"not compliant with rfc",
        ),
    ),
    (
        "badreputation",
        _rx(
            r"low reputation",
            r"poor reputation",
            r"bad reputation",
            r"reputation of the sending",
            r"sender reputation",
            r"ip reputation",
        ),
    ),
    (
        "speeding",
        _rx(
            r"(?<!connection )rate limit(?:ed|ing)?",
            r"too many (?:messages|emails|mails)",
            r"sending rate",
            r"rate of unsolicited mail",
            r"exceeded the max emails per hour",
            r"temporarily deferred due to .* rate",
            r"try again later.*too many",
            r"unusual rate",
            r"message rate",
        ),
    ),
    # Then the exact sentences particular MTAs write for one cause each.
    (
        "hostunknown",
        _rx(
            r"all host address lookups failed permanently",  # Exim
            r"all relevant mx records point to non-existent hosts",  # Exim
            r"dns error: domain name not found",  # Gmail
            r"dns error: dns server returned answer with no data",  # Gmail: no MX and no A
            r"remote domain doesn'?t exist",  # KDDI
        ),
    ),
    (
        "notaccept",
        _rx(
            r"an mx or srv record indicated no smtp service",  # Exim
            r"no host found for existing smtp connection",  # Exim
            r"destination seem to reject all mails",  # OpenSMTPD
        ),
    ),
    (
        "syntaxerror",
        _rx(
            r"angle-brackets nested too deep",  # Exim: the address itself is malformed
            r'expected word or "<"',
            r"domain missing in source-routed address",
            r"malformed address:",
        ),
    ),
    (
        "systemerror",
        _rx(
            r"delivery to (?:file|pipe) forbidden",  # Exim
            r"local delivery failed",  # Exim
            r"lmtp error after ",  # Exim
            r"automatic homedir creat",  # qmail-ldap
            r"illegal value in ldap attribute",
            r"ldap attribute is not given but mandatory",
            r"timeout while performing search on ldap server",
            r"too many results returned but needs to be unique",
            r"error while executing qmail-forward",
            r"temporary failure in ldap lookup",
            r"unable to login into ldap server",
            r"(?:temporary mta failure|rejected by next-hop mta) on relaying",  # amavisd-new
            r"unable to relay message back to mta",
            r"temporary system problem",  # Google
            r"unable to process connection at this time",  # Mimecast
        ),
    ),
    (
        "networkerror",
        _rx(
            r"dns lookup failed",  # Courier
            r"address family mismatch on destination mxs",  # OpenSMTPD
            r"all routes to destination blocked",
            r"bad dns lookup error code",
            r"could not retrieve source address",
            r"no valid route to (?:remote mx|destination)",
            r"temporary failure in mx lookup",
        ),
    ),
    (
        "toomanyconn",
        _rx(
            r"too many sessions from",  # Cox
            r"message threshold exceeded",
            r"opened too many new connections",  # Facebook
            r"multiple destination domains per transaction",  # Google
            r"account service is temporarily unavailable",  # Mimecast
        ),
    ),
    ("blocked", _rx(r"rbl reject", r"ip not in whitelist for rcpt domain", r"will no longer accept mail from your")),
    ("contenterror", _rx(r"mail message is malformed", r" - bad header:")),  # Google, amavisd-new
    ("virusdetected", _rx(r"email rejected due to security policies")),  # Mimecast's content scanner
    ("filtered", _rx(r"preferences prevent messages from being delivered")),  # Facebook
    ("suspend", _rx(r"mailaddress is administrative?le?y disabled")),  # qmail-ldap
    (
        "mailererror",
        _rx(
            r"x-unix",
            r"command (?:died|failed|output)",
            r"procmail",
            r"exit (?:code|status)",
            r"pipe to",
            r"unknown mailer error",
            r"mailer error",
            r"mda error",
        ),
    ),
    (
        "systemfull",
        _rx(r"mail system full", r"system (?:is )?full", r"out of (?:disk )?space", r"no space left"),
    ),
    (
        "notaccept",
        _rx(
            r"null ?mx",
            r"does not accept (?:e-?)?mail",
            r"not accepting (?:network )?messages",
            r"host does not accept mail",
            r"no route for current request",
            r"smtp protocol returned a permanent error",
            r"accepts no mail",
        ),
    ),
    (
        "virusdetected",
        _rx(
            r"virus",
            r"malware",
            r"potentially executable attachment",
            r"prohibited .*content",
            r"infected",
        ),
    ),
    (
        "userunknown",
        _rx(
            r"user(?:name)? (?:is )?unknown",
            r"unknown (?:local[- ]part|user|recipient|mailbox|address|e-?mail address)",
            r"no such (?:user|mailbox|recipient|address|account|local user|person)",
            r"(?:user|recipient|mailbox|address|account|addressee) (?:does ?n[o']t|doesnt) exist",
            r"(?:user|recipient|mailbox|address|account|addressee) (?:was |is )?not (?:found|known|listed|exist)",
            r"(?:user|recipient|mailbox|account) not found",
            r"invalid (?:recipient|mailbox|user|address|e-?mail address|account)",
            r"recipient (?:address )?(?:is )?invalid",
            r"(?:bad|illegal) (?:destination )?(?:mailbox|recipient|address)",
            r"mailbox (?:unavailable|not available|does not exist|is unavailable)",
            r"address (?:unknown|not found|does not exist|invalid|not valid)",
            r"recipient address rejected: (?:unknown(?! domain)|invalid|user|no such|undeliverable|access denied)",
            r"recipient (?:unknown|not found|no longer)",
            r"unknown or illegal alias",
            r"not a (?:valid|known) (?:user|recipient|mailbox)",
            r"is not a valid mailbox",
            r"not our customer",
            r"invalid (?:final delivery )?userid",  # IMail
            r"sorry, no mailbox here by that name",  # qmail
            r"no mailbox here by that name",
            r"this user doesn'?t have a .* account",  # Gmail
            r"the email account that you tried to reach does not exist",  # Gmail
            r"user doesn'?t have",
            r"no account by that name",
            r"account (?:is )?(?:unavailable|not available)",
            r"(?:mailbox|user|recipient) unavailable",
            r"address no longer exists",
            r"is not a known user",
            r"delivery to the following recipients? failed",
            r"550 5\.1\.1",
            r"#5\.1\.1",
            r"destination addresses were unknown",
            r"does not have an? (?:email|mail) ?(?:account|address)",
            r"we do not relay",
            r"no valid recipients",
            r"requested action not taken: mailbox unavailable",
            r"recipient address rejected\.(?:\s|$)",
            r"recipient address rejected: (?:undeliverable|access denied|user)",
            r"resolver\.adr\.recipnotfound",  # Exchange
            r"resolver\.adr\.exrecipnotfound",
            r"not listed in",
            r"ディレクトリには見つかりません",  # Domino, Japanese: "not found in the directory"
            r"no such person",
            r"unknown address",
            r"address not present in directory",
            r"the recipient.*does not exist",
            r"dosn'?t exist",
            r"mailbox not found",
            r"mailbox (?:is )?not (?:available|known)",
            r"unknown account",
            r"non-?existent (?:user|address|account|mailbox)",
            r"no mail box available for this user",
            r"this address no longer accepts mail",
            r"is not valid",
            r"no such address",
        ),
    ),
    (
        "filtered",
        _rx(
            r"refused due to recipient preferences",  # Facebook
            r"recipient is only accepting mail from specific",  # AOL
            r"message rejected due to user rules",
            r"(?:is|are) not accepting (?:any )?mail",
            r"user reject",
            r"you have been blocked by the recipient",
            r"not found recipient account",
            r"this account is protected by",
            r"resolver\.rst\.notauthorized",  # Exchange
            r"has restricted sms e-mail",  # AT&T
            r"bounced address",  # SendGrid
            r"extended inactivity",
            r"refuse to receive mail",  # Willcom
            r"receiver refused",
            r"blocked by the recipient",
            r"filtered by recipient",
            r"filtered",
        ),
    ),
    (
        "rejected",
        _rx(
            r"sender (?:address )?(?:rejected|refused|blacklisted|denied|is spammer|is in my black list|not pre-approved|verify failed)",
            r"sender (?:email )?address rejected",
            r"(?:bad|invalid|bogus|unroutable) (?:sender|mail from|envelope sender)",
            r"domain of sender address .* does not exist",
            r"sender domain (?:must exist|is empty|not found|does not exist|rejected)",
            r"null sender is not allowed",
            r"empty envelope senders? not allowed",
            r"mail from not owned by user",
            r"batv",
            r"backscatter",
            r"returned mail not accepted here",
            r"no third-party dsns",
            r"unsigned dsn",
            r"not allowed to post",
            r"not subscribed to this group",  # Google Groups
            r"address is on senderfilterconfig list",
            r"emetteur invalide",
            r"envelope blocked",
            r"fully qualified email address required",
            r"mail from: .* rejected",
            r"denied \[bouncedeny\]",
            r"senders? (?:are )?not (?:allowed|permitted)",
            r"not permitted to send",
            r"from: domain is invalid",
            r"your access to submit messages",
            r"access denied \((?:in reply to mail from|sender)",
            r"recipient addresses? rejected ?: ?access denied",
            r"administrative prohibition",
            r"sending to/from an address that has been blacklisted",
            r"sender was rejected",  # qmail: "Connected to ... but sender was rejected"
            r"purported responsible address",  # Sender ID (Courier)
            r"'send mail as' (?:feature|account)",  # Gmail: the sender alias is not set up
        ),
    ),
    (
        "hostunknown",
        _rx(
            r"(?:host|domain) (?:or domain name )?(?:is )?(?:unknown|not found(?!, try again)|does not exist|must exist)",
            r"domain (?:is )?(?:unreachable|not reachable)",  # Outlook.com: the domain does not resolve
            r"unknown (?:host|domain)",
            r"no such domain",
            r"domain (?:name )?(?:does not exist|not exist|is invalid)",
            r"host or domain name not found",
            r"name or service not known",
            r"mail domain mentioned in email address is unknown",
            r"unknown domain name",
            r"the account or domain may not exist",
            r"unroutable domain",
            r"unroute?able (?:address|mail domain)",  # Exim: no router accepted the domain
            r"dns (?:records? for the destination|lookup failed for)",
            r"nxdomain",
            r"domain not found",
            r"no mx or a record",
            r"mx lookup failed",
            r"host not found(?!, try again)",
            r"recipient domain must exist",
            r"illegal host/domain name",
            r"cannot resolve",
            r"(?<![@\w.-])(?:[a-z0-9-]+\.)+[a-z]{2,} does not exist",
        ),
    ),
    (
        "toomanyconn",
        _rx(
            r"too many (?:connections|concurrent|smtp sessions|errors|recipients)",
            r"connection (?:rate )?limit",
            r"maximum connection",
            r"exceeds per-domain connection limit",
            r"trop de connexions",
            r"throttl",
            r"numerous attempts",
        ),
    ),
    (
        "spamdetected",
        _rx(
            r"\bspam(?!haus|cop|trap)",
            r"blacklisted (?:url|link)",
            r"uribl",
            r"\bube\b",
            r"junk mail",
            r"bulk (?:e-?mail|mail)",
            r"unsolicited",
            r"content (?:rejected|filter)",
            r"message content rejected",
            r"rejected by .*(?:filter|content)",
            r"blocked by (?:the )?(?:spam|content) filter",
            r"suspicious",
            r"scam",
            r"phish",
            r"message (?:has been )?(?:classified|identified|detected) as",
            r"rejected as bulk",
            r"spam score",
            r"appears to be (?:unsolicited|spam)",
            r"message (?:was )?(?:considered|determined)",
            r"high probability of being",
        ),
    ),
    (
        "policyviolation",
        _rx(
            r"policy",
            r"illegal attachment",
            r"blocked because its content presents a potential",  # Gmail
            r"not accepting mail with",
            r"members-only list",
            r"closed mailing list",
            r"header (?:are not accepted|error)",
            r"message given low priority",
            r"messages with multiple addresses",
            r"protocol violation",
            r"organizational settings",
            r"organization policy",
            r"not accept messages containing",
            r"captcha",
            r"prohibited",
        ),
    ),
    (
        "contenterror",
        _rx(
            r"8-?bit data",
            r"invalid mime",
            r"mime (?:complexity|header)",
            r"improperly[- ]formatted",
            r"unnecessary base64",
            r"header size exceeds",
            r"too many received",
            r"malformed (?:message|header)",
            r"content (?:error|not allowed)",
            r"bare (?:lf|cr)",
            r"binary content",
        ),
    ),
    (
        "expired",
        _rx(
            r"(?:delivery )?time ?(?:d )?out",
            r"timed out",
            r"(?:has been|was|been) (?:delayed|in (?:the )?queue)",
            r"queue (?:too long|period|lifetime)",
            r"(?:retry|queue) time(?:out)? (?:expired|exceeded|not reached)",
            r"delivery (?:time )?expired",
            r"message expired",
            r"giving up",
            r"given up",
            r"could not be delivered (?:for|within)",
            r"unable to deliver (?:the )?message after",
            r"failing for a long time",
            r"have been failing",
            r"delivery attempts will continue",
            r"not (?:been )?(?:collected|delivered) (?:after|within)",
            r"could not find a gateway for",
            r"failed to deliver to domain",
            r"server did not respond",
            r"retry timeout exceeded",
            r"was not reachable within",
            r"delivery failed \d+ attempts",  # IMail
            r"did not accept our requests to connect",  # Gmail
            r"expired",
            r"no answer from host",
            r"will retry",
            r"will be retried",
        ),
    ),
    (
        "networkerror",
        _rx(
            r"(?<!aliasing/)(?:mail|forwarding|routing) loop",  # Sendmail's aliasing loop is its own error
            r"loop (?:detected|count)",
            r"too many hops",
            r"hop count",
            r"message looping",
            r"no route to host",
            r"host is unreachable",
            r"network (?:error|unreachable|is unreachable)",
            r"connection (?:reset|closed|lost)",
            r"(?:name server|dns) (?:error|failure|timeout|reply)",
            r"malformed (?:or unexpected )?name server reply",
            r"host name lookup failure",
            r"unable to resolve route",
            r"could not connect",
            r"(?:unable|wasn'?t able) to establish an smtp connection",  # qmail
            r"temporary (?:lookup|dns) failure",
            r"try again later",
            r"lost connection",
        ),
    ),
    (
        "blocked",
        _rx(
            r"block(?:ed|list(?:ed)?)",
            r"black ?list(?:ed)?",
            r"deny ?list",
            r"banned",
            r"\bbanned\b",
            r"(?:ip|client|host|network|connection) (?:address )?(?:is )?(?:rejected|refused|not allowed|denied|prohibited)",
            r"refused to talk",
            r"not allowed to connect",
            r"access (?:refused|forbidden)",
            r"client host (?:rejected|\[)",
            r"(?:your|the) (?:ip|server|host|domain|network) .*(?:listed|blocked|rejected|refused|not allowed|reputation)",
            r"please use the smtp server of your isp",
            r"invalid ip for sending",  # Yahoo
            r"not accepting connections",
            r"contact your internet service provider",
            r"messages from \d+\.\d+\.\d+\.\d+",
            r"dynamic ip",
            r"dial-?up",
            r"(?:listed|found) (?:in|on|at) .*(?:bl|rbl|spamhaus|spamcop|sorbs)",
            r"spamhaus|spamcop|sorbs|barracudacentral",
            r"connection (?:refused|rejected|dropped)",
            r"hostname (?:lookup|verification) fail",
            r"(?:helo|ehlo) .*(?:rejected|invalid|refused|denied)",
            r"invalid (?:helo|ehlo)",
            r"greylist",
            r"poor reputation",
            r"domain .*(?:has been )?(?:blocked|blacklisted)",
            r"service unavailable.*(?:client|host|ip)",
        ),
    ),
    (
        "securityerror",
        _rx(
            r"authentication (?:required|failed|credentials)",
            r"starttls",
            r"tls (?:required|is required|negotiation)",
            r"encryption (?:required|needed)",
            r"must (?:issue|use) .*starttls",
            r"security",
            r"certificate",
            r"authentication",
            r"unauthorized",
            r"not authorized",
        ),
    ),
    (
        "systemerror",
        _rx(
            r"system (?:config(?:uration)? )?error",
            r"configuration error",
            r"internal (?:server )?error",
            r"local error",
            r"server (?:error|misconfigured|configuration error)",
            r"temporary local (?:problem|failure|error)",
            r"service (?:currently )?(?:not )?(?:available|unavailable)",
            r"interrupted system call",
            r"could not load drd for domain",  # MXLogic
            r"unable to contact ldap server",  # qmail-ldap
            r"queue file write error",
            r"can'?t create user output file",
            r"aliasing/forwarding loop",
            r"loops back to myself",
            r"mail for .* loops back",
            r"timeout waiting for input",
            r"transaction failed",
            r"error while being processed",
            r"unexpected error",
            r"try again",
        ),
    ),
    (
        "syntaxerror",
        _rx(
            r"syntax error",
            r"command (?:not )?(?:recognized|unrecognized|unknown)",
            r"bad sequence of commands",
            r"unrecognized command",
            r"improper command",
            r"line too long",
        ),
    ),
]
_TIER12 = TIER1 + TIER2
# Reasons whose phrases should beat a specific status code: these state a
# cause more precise than most 5.7.x/5.1.x codes do.
PHRASE_BEATS_CODE = {"authfailure", "requireptr", "notcompliantrfc", "badreputation", "speeding"}
TIER2_BEATS_CODE = [(name, rx) for name, rx in TIER2 if name in PHRASE_BEATS_CODE]
# They lead TIER2, so "first match in TIER2 is one of them" == "one of them matches".
assert [n for n, _ in TIER2[: len(TIER2_BEATS_CODE)]] == [n for n, _ in TIER2_BEATS_CODE]


_FIRST_REPLY = re.compile(r"([245]\d\d)[ -]([245]\.\d{1,3}\.\d{1,3})")


def fold(text: str) -> str:
    """Lower-case and fold whitespace, as every phrase table expects.

    Multi-line SMTP replies repeat the codes on every line ("550-5.7.1 ... 550
    5.7.1 ..."); inside a sentence they would break the phrases, so every
    repetition after the first is dropped.
    """
    t = re.sub(r"\s+", " ", text).lower().strip()
    m = _FIRST_REPLY.search(t)
    if m is None:
        return t
    again = re.compile(r"\s" + m.group(1) + r"[ -]" + re.escape(m.group(2)) + r"(?=\s)")
    return t[: m.end()] + again.sub("", t[m.end() :])


# Phrases sit in the first lines of a diagnostic; a whole quoted report is
# not worth 30 scans.
PHRASE_WINDOW = 2000


_FLAT: dict[int, tuple[list[tuple[str, Phrases]], _Branches]] = {}


def _flat(table: list[tuple[str, Phrases]]) -> _Branches:
    """A table as one list of (reason, guard words, phrase) in order: one loop, no calls."""
    entry = _FLAT.get(id(table))
    if entry is None or entry[0] is not table:
        entry = _FLAT[id(table)] = (
            table,
            [(reason, words, rx) for reason, ph in table for _, words, rx in ph._branches],
        )
    return entry[1]


def phrase_reason(text: str, order: list[tuple[str, Phrases]] | None = None) -> str | None:
    """The first reason whose phrases occur in ``text`` (already folded), or None."""
    if not text:
        return None
    return _scan(_flat(order if order is not None else _TIER12), text[:PHRASE_WINDOW])


def find_status(text: str) -> str | None:
    """The most specific enhanced status code in ``text``, or None."""
    best = None
    for m in STATUS_RE.finditer(text or ""):
        code = f"{m.group(1)}.{int(m.group(2))}.{int(m.group(3))}"
        if int(m.group(2)) > 7:
            continue
        if best is None or (best.endswith(".0.0") and not code.endswith(".0.0")):
            best = code
        if not code.endswith(".0"):
            break
    return best


def find_reply_code(text: str) -> str | None:
    """The SMTP reply code in ``text`` (prefers 4xx/5xx), or None."""
    for m in REPLY_RE.finditer(text or ""):
        code = m.group(1)
        if code[0] in "45":
            return code
    return None


_COMMAND = re.compile(
    r"(?:after|in reply to|response to|for|did not like our)\s+(?:end of\s+)?(?:the\s+)?(mail from|rcpt to|data|ehlo|helo|connect|initial connection|final data)\b"
    r"|>>> ?(mail from|rcpt to|data|ehlo|helo)\b|smtp command:?\s+(mail from|rcpt to|data)\b|\[(rcpt_to|mail_from)\]"
    # GMX/Exim "SMTP error from remote server after RCPT command"; Trend Micro/X3 "SMTP:RCPT host ...".
    r"|after (rcpt|mail|data)(?: to| from)? command|\bsmtp:(rcpt|mail|data) host\b"
    # qmail-remote: "does not like recipient" (RCPT refused), "... sender" (MAIL), "failed on DATA command".
    r"|does not like (recipient|sender)\b|failed on (data) command",
)


def find_command(text: str) -> str | None:
    """The SMTP command a diagnostic says failed (MAIL, RCPT, DATA, EHLO, CONN), or None."""
    found = None
    for m in _COMMAND.finditer((text or "").lower()):
        c = next(g for g in m.groups() if g).upper()
        found = {
            "MAIL FROM": "MAIL",
            "RCPT TO": "RCPT",
            "INITIAL CONNECTION": "CONN",
            "CONNECT": "CONN",
            "FINAL DATA": "DATA",
            "RCPT_TO": "RCPT",
            "MAIL_FROM": "MAIL",
            "RECIPIENT": "RCPT",
            "SENDER": "MAIL",
        }.get(c, c)
    return found


def action_of(action: str | None) -> str:
    """The DSN Action keyword, lower-cased ("failed", "delayed", ...)."""
    return (action or "").strip().lower().split(" ")[0] if action else ""


def clean_status(value: str | None) -> str | None:
    """The x.y.z code out of a Status field ("5.0.0 (permanent failure)" -> 5.0.0)."""
    if not value:
        return None
    m = STATUS_RE.search(value)
    if m:
        return f"{m.group(1)}.{int(m.group(2))}.{int(m.group(3))}"
    return None


@dataclass(frozen=True)
class Verdict:
    """What the tables concluded for one recipient."""

    reason: str
    status: str | None
    bounce_type: str
    bounce_subtype: str


def decide(
    status: str | None,
    diagnostic: str,
    *,
    action: str | None = None,
    reply_code: str | None = None,
    diagnostic_type: str | None = None,
    command: str | None = None,
    hint: str | None = None,
    permanent_hint: bool | None = None,
) -> Verdict:
    """Reason, status and SES type for one bounced recipient.

    ``hint`` is a reason a detector already knows from the format (an SES
    suppression, a provider's documented code); it wins over the tables.
    ``permanent_hint`` is what the surrounding text says of the failure
    (qmail's "This is a permanent error", Exim's "retry timeout exceeded").
    """
    text = fold(diagnostic)
    code_in_text = find_status(text)
    st = clean_status(status)
    remote = _REMOTE_STATUS.search(text)
    if (
        remote
        and (st is None or remote.group(1)[0] == st[0])
        and (st is None or st.endswith(".0.0") or not st.endswith(".0"))
    ):
        # The remote server's own code ("550-'5.7.1 ... Access denied'")
        # is more precise than a generic Status field.
        st = clean_status(remote.group(1))
    elif (st is None or st.endswith(".0.0")) and code_in_text and (st is None or code_in_text[0] == st[0]):
        st = code_in_text
    if st and st[0] == "4" and remote and remote.group(1)[0] == "5" and action_of(action) == "failed":
        # "Action: failed" with a 4.x.x Status over the remote's own 5.x.x:
        # the delivery failed for good, and the remote said why.
        st = clean_status(remote.group(1))
    reply = reply_code or find_reply_code(text)
    action_l = (action or "").strip().lower()

    command = command or find_command(text)
    reason = hint
    if reason is None:
        reason = _reason(st, text, action_l, diagnostic_type, command, reply)
        if reason == "userunknown" and _unknown_after_data(st, text, command):
            # "User unknown" that the server did not give in answer to RCPT
            # TO, under a status that is not about the address (5.0.0, 5.2.1
            # "mailbox disabled", 5.7.1): the recipient was accepted and the
            # message refused later, which is a filter's doing rather than a
            # verdict on the mailbox. Sisimai reads it the same way.
            reason = "filtered"
        if reason == "hostunknown" and ((st or "").startswith("4") or (reply or "").startswith("4")):
            # A domain that fails to resolve *temporarily* (SERVFAIL, a
            # timeout, "try again") says nothing about the address: the
            # failure is the network's, and must not hard-bounce it.
            reason = "networkerror"

    if st is None:
        # Derive the class: the SMTP reply code, then what the report says.
        if reply and reply[0] in "45":
            st = f"{reply[0]}.0.0"
        elif action_l.startswith(("delayed", "relayed", "delivered", "expanded")) and action_l.startswith("delayed"):
            st = "4.0.0"
        elif permanent_hint is False:
            st = "4.0.0"
        else:
            # A non-delivery report that does not say the failure is
            # temporary reports a failed delivery.
            st = "5.0.0"
    bounce_type, subtype = ses_type(reason, st, text)
    return Verdict(reason=reason, status=st, bounce_type=bounce_type, bounce_subtype=subtype)


_ADDRESS_CODE = re.compile(r"^[45]\.1\.")
# Commands before DATA: a refusal there is about the envelope, so "user
# unknown" in answer to one of them is the directory's verdict.
_ENVELOPE_COMMANDS = {"RCPT", "MAIL", "CONN", "EHLO", "HELO"}
# Statements only a mailbox host's own directory makes, whatever the status
# and the SMTP stage: these stay "userunknown".
DIRECTORY_VERDICTS = Phrases(
    (
        r"not listed in (?:the )?(?:domino directory|public name (?:&|and) address book)",  # Lotus Notes/Domino
        r"\(000c05a6\)",  # Exchange 2000/2003 "The recipient name is not recognized"
        r"invalid final delivery userid",  # IMail
        r"^unknown user: \S+@",  # IMail's whole report
        r"no valid recipients for this mm",  # Verizon MMS gateway
        r"address couldn'?t be found",  # Gmail, Google Workspace
        r"this user doesn'?t have an? \S+ account",  # Yahoo refuses unknown users after DATA
        r"delivery error: dd not a valid recipient",  # Yahoo, the same
        r"domino ディレクトリには見つかりません",  # Domino, Japanese
        r"the email account that you tried to reach does not exist",  # Gmail
        r"mail\.local: unknown user",  # Sendmail's local delivery agent
        r"no mailbox here by that name",  # qmail-local, on the mailbox host itself
        r"recipient address rejected: access denied",  # Exchange Online directory-based edge blocking (5.4.1)
        r"resolver\.adr\.(?:ex)?recipnotfound",  # Exchange
    )
)


# Sendmail answers RCPT TO with "550 5.1.1 <rcpt>... User unknown"; its
# "address... reason" form (also McAfee, MessageLabs) marks an envelope reply.
_SENDMAIL_RCPT_REPLY = re.compile(r"[45]\d\d(?: [45]\.\d\.\d+)? <?[^\s<>]+@[^\s<>]+?>?\.\.\. ")


def _unknown_after_data(st: str | None, text: str, command: str | None) -> bool:
    if _ADDRESS_CODE.match(st or "") or (command or "").upper() in _ENVELOPE_COMMANDS:
        return False
    if (st or "")[1:4] == ".5.":
        # X.5.x is a protocol status (RFC 3463): a command was refused, and
        # "user unknown" then refused RCPT (Outlook.com's "550 5.5.0 Requested
        # action not taken: mailbox unavailable", mail.local's 5.5.0).
        return False
    if command is None and (st or "")[1:4] != ".2." and _SENDMAIL_RCPT_REPLY.search(text):
        # ... but 5.2.1 "mailbox disabled" says the mailbox exists.
        return False
    return provider_reason(text) is None and not DIRECTORY_VERDICTS.search(text)


def _reason(
    st: str | None,
    text: str,
    action: str,
    diagnostic_type: str | None,
    command: str | None,
    reply: str | None,
) -> str:
    if st and st.startswith("2."):
        return "delivered"
    r = provider_reason(text) or phrase_reason(text, TIER0)
    if r:
        return r
    # Tier 1: explicit statements about the mailbox or message size.
    r = phrase_reason(text, TIER1)
    if r == "mesgtoobig" and status_reason(st) == "exceedlimit":
        # Both say "too large"; 5.2.3 says which limit.
        return "exceedlimit"
    if r:
        return r
    by_code = status_reason(st)
    dtype = (diagnostic_type or "").upper()
    if dtype == "X-UNIX" and (by_code is None or by_code in WEAK_REASONS):
        # The local delivery program (a pipe, procmail) failed: whatever it
        # printed, the mailer is the cause.
        return "mailererror"
    if by_code and by_code not in WEAK_REASONS and st not in WEAK_CODES:
        # A specific code: only the causes it cannot express can override it.
        return phrase_reason(text, TIER2_BEATS_CODE) or by_code
    by_text = phrase_reason(text, TIER2)
    if by_text:
        return by_text
    if by_code:
        return by_code
    if dtype in ("X-UNIX", "X-POSTFIX"):
        return "mailererror"
    if st:
        sub = st.split(".")[1]
        if sub == "6":
            return "contenterror"
        if sub == "7":
            return "securityerror"
    if reply in ("500", "501", "502", "503", "504"):
        return "syntaxerror"
    if action.startswith(("delayed", "expired")):
        return "expired"
    if (command or "").upper() in ("EHLO", "HELO", "CONN"):
        return "blocked"
    if text:
        return "onhold"
    return "undefined"


# SES bounce types. Permanent means "this address will not take mail": only
# the reasons about the address itself. A 5xx for our IP, content or policy is
# not the address's fault and must not suppress it, so it is Transient (as SES
# itself reports ContentRejected and friends).
_SUBTYPE = {
    "mailboxfull": "MailboxFull",
    "mesgtoobig": "MessageTooLarge",
    "exceedlimit": "MessageTooLarge",
    "spamdetected": "ContentRejected",
    "virusdetected": "ContentRejected",
    "contenterror": "ContentRejected",
    "policyviolation": "ContentRejected",
    "notcompliantrfc": "ContentRejected",
}


def ses_type(reason: str, status: str | None, text: str = "") -> tuple[str, str]:
    """(bounce_type, bounce_subtype) in SES's vocabulary for a reason."""
    if reason in ("userunknown", "hasmoved"):
        return PERMANENT, "NoEmail"
    if reason == "hostunknown":
        return PERMANENT, "General"
    if reason == "suppressed":
        if "suppression list for your account" in text:
            return PERMANENT, "OnAccountSuppressionList"
        return PERMANENT, "Suppressed"
    if reason == "notaccept":
        if status and status.startswith("4"):
            return TRANSIENT, "General"
        return PERMANENT, "General"
    if reason in ("undefined",) and not status:
        return UNDETERMINED, "Undetermined"
    if reason in ("virusdetected", "contenterror") and "attachment" in text:
        return TRANSIENT, "AttachmentRejected"
    return TRANSIENT, _SUBTYPE.get(reason, "General")
