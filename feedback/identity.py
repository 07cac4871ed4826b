"""Which SES identity sent the original, and SES's own ids (message id, region, feedback id)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_SES_MSGID = re.compile(
    r"<?([0-9a-f]{16}-[0-9a-f-]{36}-[0-9a-f]{6})@(?:([a-z]{2}-[a-z]+-\d)\.)?(?:email\.)?amazonses\.com>?", re.I
)
_REGION = re.compile(r"\b([a-z]{2}-(?:gov-)?[a-z]+-\d)\b")
_FEEDBACK_ID_REGION = re.compile(r"^1\.([a-z]{2}-(?:gov-)?[a-z]+-\d)\.", re.I)


def ses_message_id(message_id: str | None) -> tuple[str | None, str | None]:
    """(SES message id, region) from an SES Message-ID header value."""
    if not message_id:
        return None, None
    m = _SES_MSGID.search(message_id)
    if not m:
        return None, None
    region = m.group(2)
    if region is None and "@email.amazonses.com" in message_id.lower():
        region = "us-east-1"
    return m.group(1), region


def region_from(*values: str | None) -> str | None:
    """The AWS region named in a Feedback-ID, an SES host name or a Message-ID."""
    for v in values:
        if not v:
            continue
        m = _FEEDBACK_ID_REGION.match(v.strip())
        if m:
            return m.group(1).lower()
        if "amazonses.com" in v.lower():
            r = _REGION.search(v.lower())
            if r:
                return r.group(1)
    return None


def normalise_identities(identities: Iterable[str]) -> tuple[str, ...]:
    """Identities lower-cased in the domain; an address keeps its local part."""
    out = []
    for ident in identities:
        ident = ident.strip()
        if not ident:
            continue
        if "@" in ident:
            local, _, dom = ident.rpartition("@")
            out.append(f"{local}@{dom.lower()}")
        else:
            out.append(ident.lower().lstrip("@."))
    return tuple(out)


def resolve_identity(identities: Sequence[str], candidates: Sequence[str | None]) -> str | None:
    """The configured identity that sent the mail: exact address, else domain, else parent domain.

    ``candidates`` are the addresses to match (the original's From; the
    forwarded To only when the original is missing). An exact address identity
    beats any domain match.
    """
    if not identities:
        return None
    idents = normalise_identities(identities)
    addrs = [c for c in candidates if c and "@" in c]
    lowered = {i.lower(): i for i in idents}
    for a in addrs:
        if a.lower() in lowered and "@" in a:
            return lowered[a.lower()]
    domains = {i for i in idents if "@" not in i}
    for a in addrs:
        dom = a.rpartition("@")[2].lower()
        if dom in domains:
            return dom
    for a in addrs:
        labels = a.rpartition("@")[2].lower().split(".")
        for k in range(1, len(labels) - 1):
            parent = ".".join(labels[k:])
            if parent in domains:
                return parent
    return None


_AR_DKIM = re.compile(r"\bdkim=pass\b[^;]*?\bheader\.(?:d|i)=@?(?:[\w.-]+\.)?amazonses\.com\b", re.I)
_AR_SPF = re.compile(r"\bspf=pass\b[^;]*?\bsmtp\.mailfrom=(?:[^;\s]*@)?(?:[\w.-]+\.)?amazonses\.com\b", re.I)


def ses_authenticated(authentication_results: str | None) -> bool:
    """Whether an Authentication-Results value says Amazon SES sent the message.

    Only the topmost header should be given: it is the one our own receiving
    server added; headers further down came with the message and anyone can
    write them.
    """
    if not authentication_results:
        return False
    return bool(_AR_DKIM.search(authentication_results) or _AR_SPF.search(authentication_results))
