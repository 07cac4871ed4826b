"""NetEase (163.com, 126.com, yeah.net, and NetEase enterprise mail).

NetEase ends most refusals with a three-part code ("554 DT:SPM 163 mx...",
"421 HL:ICC", "550 MI:SPF"): HL: is the sending host's behaviour, MI: the
message or sender, RP: the recipients, DT: the content, WM: allow lists. Its
page "企业退信的常见问题" (http://help.163.com/09/1224/17/5RAJ4LMH00753VB8.html)
gives the meaning of each; the rules below follow it. Only "Invalid User" says
the recipient does not exist; "User in blacklist" and "User suspended" are
about a user the page names: the sender (not allowed to mail NetEase users) and
a frozen mailbox.
"""

from __future__ import annotations

from .base import Receiver, Rule

PAGE = "http://help.163.com/09/1224/17/5RAJ4LMH00753VB8.html"

RULES: tuple[Rule, ...] = (
    Rule(r"\binvalid user\b", "userunknown", PAGE),
    Rule(r"\buser suspended\b", "suspend", PAGE),
    # "该用户不被允许给网易用户发信": the sender may not mail NetEase users.
    Rule(r"\buser in blacklist\b|\bmi:spb\b|\bwm:blu\b", "rejected", PAGE),
    Rule(r"\bmi:imf\b|null sender is not allowed|local user only|no smtp mx only", "rejected", PAGE),
    Rule(r"\bmi:(?:spf|dma)\b", "authfailure", PAGE),
    # Host behaviour: suspended for spam or abnormal connections, not on the
    # allow list, many unknown recipients, forged sender domains.
    Rule(r"\bhl:(?:ihu|ipb|rep|mep)\b|\bdt:rbl\b|\bwm:bli\b|ip in blacklist", "blocked", PAGE),
    Rule(r"ip is rejected, smtp auth error limit exceed", "blocked", PAGE),
    Rule(r"\bhl:icc\b", "toomanyconn", PAGE),
    Rule(
        r"\bhl:(?:ifc|ifq)\b|\bmi:(?:dmc|sfq|stc)\b|\brp:(?:drc|qrc|trc|rcl)\b|too much recipient",
        "ratelimited",
        PAGE,
    ),
    Rule(r"\b(?:mi|rp):(?:cel|ccl)\b|\bmi:nhd\b|bad syntax", "syntaxerror", PAGE),
    Rule(r"\brp:frl\b", "norelaying", PAGE),
    Rule(r"\bdt:spm\b", "spamdetected", PAGE),
    # Envelope sender and header sender do not match.
    Rule(r"\bdt:sum\b|illegal attachment", "policyviolation", PAGE),
    Rule(r"exceeded mailsize limit", "mesgtoobig", PAGE),
    Rule(r"authentication is required|too much fail authentication", "securityerror", PAGE),
    Rule(r"local error in processing", "systemerror", PAGE),
)

RECEIVER = Receiver(
    name="netease",
    hosts=("netease.com", "163.com", "126.com", "yeah.net"),
    domains=("163.com", "126.com", "yeah.net", "188.com"),
    rules=RULES,
    markers=("mail.163.com/help", "help.163.com"),
    source=PAGE,
)
