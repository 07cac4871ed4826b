"""Diagnostic phrases, per reason, in tiers: the generic wording of SMTP replies.

Phrases are regular expressions over folded diagnostic text (see
``text.fold``). Each group names the MTA or provider whose wording it is;
the groups without a provider are the common English wordings of RFC 5321
replies that every MTA uses (Sisimai's ``Reason/*.pm`` modules index them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import compress
from typing import NamedTuple


class PhraseRule(NamedTuple):
    """The phrase that decided: its reason, its pattern and where the wording comes from."""

    reason: str
    pattern: str
    source: str


class Phrases:
    """A reason's phrases, each guarded by literal words.

    Python's ``re`` tries every alternative at every position, so one big
    alternation costs as much as all its branches. Each phrase is kept as its
    own pattern behind the words every match of it must contain: a substring
    test (C speed) rules out nearly all of them, and only the few whose words
    occur are run. The guard never changes an answer; a phrase without such
    words is always run.
    """

    __slots__ = ("pattern", "phrases", "source", "_branches", "_guarded")

    def __init__(self, phrases: tuple[str, ...], source: str = "") -> None:
        self.pattern = "|".join(f"(?:{p})" for p in phrases)
        self.phrases = phrases
        self.source = source
        self._branches: _Branches = [(_ANY, required_words(p), LazyPattern(p)) for p in phrases]
        self._guarded: _Guarded | None = None  # laid out on the first search

    @property
    def _rx(self) -> re.Pattern[str]:
        """The unguarded whole (tests compare against it); compiled on demand."""
        return re.compile(self.pattern)

    def search(self, text: str) -> bool:
        """Whether any phrase occurs in ``text`` (folded)."""
        if self._guarded is None:
            self._guarded = _Guarded(self._branches)
        return _scan(self._guarded, text) is not None


class LazyPattern:
    """A pattern compiled on its first search: a run needs few of the hundreds of
    phrases (their guard words rule the rest out), and compiling them all would
    be most of the start-up time. The legacy detector's layouts use it too."""

    __slots__ = ("pattern", "flags", "_rx")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._rx: re.Pattern[str] | None = None

    @property
    def rx(self) -> re.Pattern[str]:
        """The compiled pattern."""
        if self._rx is None:
            self._rx = re.compile(self.pattern, self.flags)
        return self._rx

    def search(self, text: str) -> re.Match[str] | None:
        """``re.search`` of the pattern in ``text``."""
        return (self._rx or self.rx).search(text)


_Branches = list[tuple[PhraseRule, tuple[str, ...] | None, LazyPattern]]
_ANY = PhraseRule("", "", "")


class _Guarded:
    """Branches laid out for ``_scan``: one (guard word, branch number) pair per guard word.

    ``map(text.__contains__, words)`` then tests every guard in C, and only the
    branches whose words occur reach Python, in table order. A branch without
    guard words gets the empty word, which every text contains.
    """

    __slots__ = ("branches", "words", "owners")

    def __init__(self, branches: _Branches) -> None:
        self.branches = branches
        words: list[str] = []
        owners: list[int] = []
        for i, (_, guard, _) in enumerate(branches):
            for w in guard if guard is not None else ("",):
                words.append(w)
                owners.append(i)
        self.words = tuple(words)
        self.owners = tuple(owners)


def _scan(guarded: _Guarded, text: str) -> PhraseRule | None:
    """The tag of the first (tag, guard words, pattern) that matches ``text``, or None."""
    branches = guarded.branches
    last = -1
    for i in compress(guarded.owners, map(text.__contains__, guarded.words)):
        if i == last:
            continue  # two of its words occur: already tried
        last = i
        tag, _, rx = branches[i]
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


def top_level_alternatives(pattern: str) -> list[str]:
    """``pattern`` split at its top-level ``|`` (not inside a group or a class)."""
    alts: list[str] = []
    depth, start, i, n = 0, 0, 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            # A class ends at the first "]" that is not its first character.
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            alts.append(pattern[start:i])
            start = i + 1
        i += 1
    alts.append(pattern[start:])
    return alts


def guard_words(pattern: str, *, fold: bool = False) -> tuple[str, ...] | None:
    """Words one of which every match of ``pattern`` contains (lower-cased with
    ``fold``, for re.I; then ASCII only), or None when some alternative has none."""
    words: list[str] = []
    for alt in top_level_alternatives(pattern):
        # A leading \b only narrows the matches: the words after it are still required.
        required = required_words(alt.removeprefix("\\b"))
        if required is None or (fold and not all(w.isascii() for w in required)):
            return None
        words.extend(w.lower() if fold else w for w in required)
    return tuple(dict.fromkeys(words)) or None


class GuardedPattern:
    """A compiled pattern run only when a word that every match contains occurs.

    Python's ``re`` tries each alternative of ``a|b|c`` at every position of the
    text; a pattern of many alternatives costs a hundred microseconds on a
    short diagnostic. The guard words (``required_words`` of each top-level
    alternative) are tested first, in C; when none occurs the pattern cannot
    match and is not run. When it runs, the answer is the pattern's own.

    With ``re.I`` the words are looked for in the lower-cased text, and only
    in ASCII text: ``re.I`` also lets a few non-ASCII letters (the Kelvin sign,
    the long s) match ASCII ones, which ``lower()`` does not know.
    """

    __slots__ = ("rx", "words", "_fold")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        if flags & ~re.I:
            raise ValueError("only re.I is supported")
        self.rx = re.compile(pattern, flags)
        self._fold = bool(flags & re.I)
        self.words: tuple[str, ...] | None = guard_words(pattern, fold=self._fold)

    @property
    def pattern(self) -> str:
        return self.rx.pattern

    def possible(self, text: str) -> bool:
        """False only when no match can exist in ``text``."""
        if self.words is None:
            return True
        if self._fold:
            if not text.isascii():
                return True
            text = text.lower()
        return any(map(text.__contains__, self.words))

    def search(self, text: str) -> re.Match[str] | None:
        """``re.search`` of the pattern in ``text``."""
        return self.rx.search(text) if self.possible(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """``re.finditer`` of the pattern in ``text``."""
        return self.rx.finditer(text) if self.possible(text) else iter(())

    def sub(self, repl: str, text: str) -> str:
        """``re.sub`` of the pattern in ``text``."""
        return self.rx.sub(repl, text) if self.possible(text) else text


def _rx(*phrases: str, source: str = "") -> Phrases:
    return Phrases(phrases, source)


# Tier 0: statements precise enough to beat any status code, each one a
# provider's wording for a cause its code does not distinguish.
TIER0: list[tuple[str, Phrases]] = [
    # Postfix: the recipient domain's MX answer is unusable (an MX naming an
    # IP address, a CNAME...). Postfix's smtp_addr.c reports DNS_INVAL as a
    # permanent 5.4.4, the domain cannot take mail as published; under a 4.x.x
    # (a temporary lookup failure) decide() reads it as networkerror.
    (
        "hostunknown",
        _rx(
            r"malformed or unexpected name server reply",
            r"malformed name server reply",
            source="Postfix src/smtp/smtp_addr.c (DNS_INVAL: 5.4.4, permanent)",
        ),
    ),
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
            r"disk ?(?:space )?quota",
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
            # Mail::DeliveryStatus::BounceParser 1.543 _std_reason over_quota:
            # IMail, German Exim setups, Mirapoint.
            r"user mailbox exceeds allowed size",
            r"benutzer hat zuviele mails auf dem server",
            r"exceeded its disk space limit",
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
            # Any "size limit" named in a refusal ("Class=size limit=15728640",
            # "over the size limit"): the mailbox's own limit is mailboxfull and
            # is read before this (Sisimai Reason/MesgTooBig.pm indexes "size limit").
            r"(?<!mailbox )\bsize limit\b",
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
            # The mailbox exists but is switched off, in the wordings MTAs use
            # for it (Sisimai Reason/Suspend.pm's index: "inactive account",
            # "archived recipient", "user is terminated", "mailbox disabled").
            r"inactive account",
            r"archived recipient",
            r"user is terminated",
            r"mailbox (?:is )?disabled",
            r"user or domain is disabled",
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
            r"that domain isn'?t in my list of allowed rcpthosts?",
            r"not a gateway",
            r"not configured to relay",
            r"email address is not verified",  # SES: sending identity not verified in that region
            r"not local host",
            r"requires authentication when attempting to send to a non-local",
        ),
    ),
]

# Tier 1b: the address does not exist, in so many words.
ADDRESS: list[tuple[str, Phrases]] = [
    # The mailbox host's own statement that the address does not exist: RFC
    # 5321 4.2.2 / RFC 3463 X.1.1 "bad destination mailbox address" in words.
    # Stated, it decides whatever the status and whatever the SMTP stage: a
    # report rarely says the stage, and SES reads these as hard bounces.
    (
        "userunknown",
        _rx(
            r"user(?:name)? (?:is )?unknown",
            r"unknown (?:local[- ]part|user|recipient|mailbox|e-?mail address|account)",
            r"no such (?:user|mailbox|recipient|account|local user|person)",
            r"(?:user|recipient|mailbox|address|account|addressee|e-?mail) (?:does ?n[o']t|doesnt|dosn'?t) exist",
            r"(?:user|recipient|mailbox|account|addressee) (?:was |is )?not (?:found|known|exist)",
            r"(?:user|recipient|mailbox|account) not found",
            r"address (?:unknown|not found|does not exist|no longer exists)",
            r"recipient (?:unknown|not found)",
            r"the recipient.*does not exist",
            r"<[^<>\s]+@[^<>\s]+> (?:does ?n[o']t|doesnt) exist",
            r"non-?existent (?:user|address|account|mailbox)",
            r"is not a known user",
            r"not a (?:valid|known) (?:user|recipient|mailbox)",
            r"is not a valid mailbox",
            r"destination addresses were unknown",
            r"no account by that name",
            r"no mailbox here by that name",  # qmail-local
            r"no mail ?box available for this user",
            r"invalid (?:recipient|mailbox|user|account)\b(?! syntax)",
            r"invalid (?:final delivery )?userid",  # IMail
            r"(?:this user|recipient) doesn'?t have an? \S+ account",  # Gmail, Yahoo
            r"address couldn'?t be found",  # Gmail, Google Workspace
            r"the email account that you tried to reach does not exist",  # Gmail
            r"no such address",
            r"delivery error: dd not a valid recipient",  # Yahoo
            r"resolver\.adr\.(?:ex)?recipnotfound",  # Exchange
            r"not listed in (?:the )?(?:domino directory|public name (?:&|and) address book)",  # Lotus Domino
            r"ディレクトリには見つかりません",  # Domino, Japanese: "not found in the directory"
            # Notes (Japanese) and Domino (French) for the same, as Sisimai's Notes and Domino modules list them.
            r"ディレクトリのリストにありません",
            r"non r.pertori. dans l'annuaire domino",
            r"\(000c05a6\)",  # Exchange 2000/2003 "The recipient name is not recognized"
            r"mail\.local: unknown user",  # Sendmail's local delivery agent
            # The address named, then the verdict: "user kiji does not exist",
            # "mailbox <kiji@example.org> was not found", "account kiji does not
            # exist at the organization" (Exchange Online), "<kiji@example.org> not found".
            r"(?:user|mailbox|recipient|account|address|addressee) (?!(?:is|was|has|are|rejected|name)\b)"
            r"[<\"'(]?[^\s<>\"'()]{1,80}[>\"')]?:? (?:does ?n[o']t exist|doesnt exist|(?:was |is )?not found|(?:is )?unknown\b(?! domain))",
            r"(?:^|\b[45]\d\d[ -](?:[45]\.\d{1,3}\.\d{1,3} )?)<[^<>\s]+@[^<>\s]+>:? (?:not found|unknown)\b",
            r"unknown virtual user",  # vpopmail's vdelivermail
            # qmail's badrcptto / validrcptto patches: the site's list of its mailboxes
            r"badrcptto",
            r"not in my validrcptto list",
            r"there is no one at this address",
            r"no mailbox (?:found|by that name)",
            r"mailbox (?:not present|invalid)\b",
            r"address (?:could ?n[o']t|cannot|can ?not) be found",
            r"e-?mail name is not found",
            r"is wrong or no longer valid",
            r"resolver\.adr\.recipient ?notfound",  # Exchange, spelled out
            # Postfix smtpd answering RCPT from a recipient access(5) table's
            # REJECT, and Exchange Online's Directory-Based Edge Blocking
            # (550 5.4.1: the address is not in the organisation's directory):
            # the refusal names the recipient's address alone, under 5.7.1 too.
            r"recipient address rejected: access denied",
            # "user unknown" in the languages of the MTAs that localise it
            # (Sisimai Reason/UserUnknown.pm's index: French, Spanish, Italian).
            r"utilisateur inconnu",
            r"destinataire inconnu",
            r"no existe (?:dicha persona|ese usuario)",
            r"nessun utente simile",
            # Mail::DeliveryStatus::BounceParser 1.543 _std_reason user_unknown.
            r"user mail-?box not found",
            r"address(?: is)? not known here",
            r"doesn'?t handle mail for that user",  # MailFoundry
            source="RFC 3463 3.2 X.1.1; RFC 5321 4.2.2 (550: mailbox not found); the MTA named beside a wording",
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
            r"couldn'?t find any host (?:named|by that name)",  # qmail-remote.c: "(#5.1.2)"
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
            # Exchange's "DNS records for the destination computer could not be
            # found": the lookup failed, which a missing domain is only one cause
            # of (Sisimai Reason/NetworkError.pm reads it so too).
            r"dns records? for the destination",
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
    # Sending MTAs' own fixed wordings, as their Sisimai Lhost modules list them.
    ("norelaying", _rx(r"due to the following smtp relay error", source="au by KDDI notices (Sisimai Lhost/KDDI.pm)")),
    ("filtered", _rx(r"cannot route mail to user", source="IBM Domino (Sisimai Lhost/Domino.pm)")),
    ("systemerror", _rx(r"several matches found in domino directory", source="IBM Domino (Sisimai Lhost/Domino.pm)")),
    # qmail-remote.c: the greeting's HELO, or MAIL FROM, refused by the remote.
    ("blocked", _rx(r"connected to \S+ but my name was rejected", source="qmail-remote.c (HELO refused)")),
    ("rejected", _rx(r"connected to \S+ but sender was rejected", source="qmail-remote.c (MAIL FROM refused)")),
    (
        "exceedlimit",
        _rx(r"the message exeeded the maximum size the user accepts", source="qmail-ldap patch (5.2.3)"),
    ),
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
        # "mailbox unavailable (not enough free space)": the server's disk, not the address (qmail clones).
        _rx(
            r"mail system full",
            r"system (?:is )?full",
            r"out of (?:disk )?space",
            r"no space left",
            r"not enough free space",
        ),
    ),
    (
        "notaccept",
        _rx(
            r"null ?mx",
            # "... does not accept mail from <sender>" refuses the sender, and
            # "... over IPv6" our connection, not the domain.
            r"does not accept (?:e-?)?mail(?! from| over| via| using)",
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
    # Wordings that usually mean a missing mailbox but also cover policy
    # refusals (RFC 5321's own 550 text is "mailbox unavailable (e.g.,
    # mailbox not found, no access, or command rejected for policy reasons)"):
    # after the status code, so that a specific code says which.
    (
        "userunknown",
        _rx(
            r"invalid (?:address|e-?mail address)",
            r"recipient (?:address )?(?:is )?invalid",
            # ... but "bad address syntax" is RFC 5321's 501, a malformed command argument
            r"(?:bad|illegal)[ _](?:destination[ _])?(?:mailbox|recipient|address)(?! syntax)",
            r"mailbox (?:unavailable|not available|is unavailable)",
            r"address (?:invalid|not valid)",
            r"recipient address rejected: (?:unknown(?! domain)|invalid|user|no such|undeliverable|access denied)",
            r"recipient (?:address )?rejected\.(?:\s|$)",
            r"recipient no longer",
            r"unknown or illegal alias",
            r"not our customer",
            r"user doesn'?t have",
            r"account (?:is )?(?:unavailable|not available)",
            r"(?:user|recipient) unavailable",
            r"550 5\.1\.1",
            r"#5\.1\.1",
            r"does not have an? (?:email|mail) ?(?:account|address)",
            r"we do not relay",
            r"no valid recipients(?! from)",  # "no valid recipients from <our IP>" refuses the host
            r"requested action not taken: mailbox unavailable",
            r"(?:user|recipient|address|mailbox|account|addressee)\b.{0,60}\bnot listed in",
            r"not listed in (?:the |our )?(?:\S+ )?(?:directory|address book|user list|recipient list)",
            r"no such person",
            r"unknown address",
            r"address not present in directory",
            r"mailbox (?:is )?not (?:available|known)",
            r"this address no longer accepts mail",
            r"(?:address|recipient|mailbox|user|account|addressee)(?: [<\"']?[^\s<>\"']+[>\"']?)? is not valid",
            r"(?:not|n't) an active address",
            source="RFC 5321 4.2.2 (550 text), RFC 3463 X.1.1; wordings indexed by Sisimai Reason/UserUnknown.pm",
        ),
    ),
    (
        "filtered",
        _rx(
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
            r"(?:bad|invalid|bogus|unroutable) (?:sender|mail from|envelope sender)(?! ip)",
            r"domain of sender address .* does not exist",
            r"sender domain (?:must exist|is empty|not found|does not exist|rejected)",
            r"null sender is not allowed",
            r"empty envelope senders? not allowed",
            r"mail from not owned by user",
            r"batv",
            r"backscatter",
            r"returned mail not accepted here",
            r"does not accept (?:e-?)?mail from",  # "this server does not accept mail from <sender>"
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
    # Our IP refused for the spam it sent: the host, not this message's content
    # (qmail's rblsmtpd "your remotehost looks suspiciously like spammer"; Free's
    # "too many spams from your IP"; Sisimai Reason/Blocked.pm's index).
    (
        "blocked",
        _rx(
            r"remotehost looks suspiciously like spammer",
            r"(?:spams?|unwanted messages) (?:have been sent )?from (?:your|the following) ip",
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
            r"no mx found for (?:domain|destination)",  # OpenSMTPD's MX lookup (Sisimai Lhost/OpenSMTPD.pm)
            r"loop (?:detected|count)",
            r"too many hops",
            r"hop count",
            r"message looping",
            r"no route to host",
            r"host is unreachable",
            r"network (?:error|unreachable|is unreachable)",
            r"connection (?:reset|closed|lost)",
            r"(?:name server|dns) (?:error|failure|timeout|reply)",
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
            r"domain .*(?:has been )?(?:blocked|blacklisted)",
            r"service unavailable.*(?:client|host|ip)",
            # Refusals that name our IP or host in other words (Sisimai
            # Reason/Blocked.pm's index; Microsoft, Yahoo, qmail's rblsmtpd,
            # Sendmail's srvrsmtp.c "Rejecting open proxy").
            r"bad (?:sender )?ip",
            r"accepting mail from your ip",
            r"(?:network|ip) is on our block ?list",
            r"sent from the following ip address",
            r"listed as abusive",
            r"\bin an? \S*rbl\b",
            r"\bdnsbl\b",
            r"(?:blocked|refused) - see https?:",
            r"rejecting open proxy",
            r"sending mta or the sender has not passed validation",
            r"unexpected volume or user complaints",  # Yahoo's TS codes
            r"no access from mail server",
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
            r"lmtp error after",  # Exim: the local store refused the hand-over (Sisimai Lhost/Exim.pm)
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
_TIER12 = TIER1 + ADDRESS + TIER2
# Reasons whose phrases should beat a specific status code: these state a
# cause more precise than most 5.7.x/5.1.x codes do.
PHRASE_BEATS_CODE = {"authfailure", "requireptr", "notcompliantrfc", "badreputation", "speeding"}
TIER2_BEATS_CODE = [(name, rx) for name, rx in TIER2 if name in PHRASE_BEATS_CODE]
# They lead TIER2, so "first match in TIER2 is one of them" == "one of them matches".
assert [n for n, _ in TIER2[: len(TIER2_BEATS_CODE)]] == [n for n, _ in TIER2_BEATS_CODE]


# Phrases sit in the first lines of a diagnostic; a whole quoted report is
# not worth 30 scans.
PHRASE_WINDOW = 2000


_FLAT: dict[int, tuple[list[tuple[str, Phrases]], _Guarded]] = {}
# Where a group names no source of its own: the common wordings of a cause,
# as Sisimai's per-reason modules collect them from many MTAs.
_DEFAULT_SOURCE = "common MTA wording (index: Sisimai lib/Sisimai/Reason/{}.pm)"


def _flat(table: list[tuple[str, Phrases]]) -> _Guarded:
    """A table as one list of (rule, guard words, phrase) in order, laid out for ``_scan``."""
    entry = _FLAT.get(id(table))
    if entry is None or entry[0] is not table:
        entry = _FLAT[id(table)] = (
            table,
            _Guarded(
                [
                    (PhraseRule(reason, rx.pattern, ph.source or _DEFAULT_SOURCE.format(reason.title())), words, rx)
                    for reason, ph in table
                    for _, words, rx in ph._branches
                ]
            ),
        )
    return entry[1]


def phrase_rule(text: str, order: list[tuple[str, Phrases]]) -> PhraseRule | None:
    """The first phrase of ``order`` that occurs in ``text`` (already folded), or None."""
    if not text:
        return None
    return _scan(_flat(order), text[:PHRASE_WINDOW])


def phrase_reason(text: str, order: list[tuple[str, Phrases]] | None = None) -> str | None:
    """The first reason whose phrases occur in ``text`` (already folded), or None."""
    r = phrase_rule(text, order if order is not None else _TIER12)
    return r.reason if r else None
