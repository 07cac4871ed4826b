"""Sending MTAs' own fixed wordings: the reason each stands for.

Each wording is the MTA's (its source, or the Sisimai Lhost module that
lists it); the sentence around it is ours.
"""

from __future__ import annotations

import pytest

from feedback.reasons import decide


@pytest.mark.parametrize(
    ("diagnostic", "reason", "bounce_type"),
    [
        # au by KDDI
        (
            "Could not be delivered to: <rin@example.jp> Due to the following SMTP relay error",
            "norelaying",
            "Transient",
        ),
        ("Could not be delivered to: <rin@example.jp> As the remote domain doesnt exist.", "hostunknown", "Permanent"),
        # IBM Domino / Lotus Notes, English, French, Japanese
        ("User sol (sol@example.com) not listed in Domino Directory", "userunknown", "Permanent"),
        ("User sol (sol@example.fr) non répertorié dans l'annuaire Domino", "userunknown", "Permanent"),
        ("ユーザーはディレクトリのリストにありません sol@example.jp", "userunknown", "Permanent"),
        ("Cannot route mail to user (sol@example.com)", "filtered", "Transient"),
        ("Several matches found in Domino Directory", "systemerror", "Transient"),
        # qmail-remote.c and the qmail-ldap patch
        ("Connected to 192.0.2.5 but my name was rejected.", "blocked", "Transient"),
        ("Connected to 192.0.2.5 but sender was rejected.", "rejected", "Transient"),
        ("The message exeeded the maximum size the user accepts", "exceedlimit", "Transient"),
        # amavisd-new's blocking categories
        ("554 5.7.0 Reject, id=123-01 - BAD HEADER: MIME error", "contenterror", "Transient"),
    ],
)
def test_mta_wording(diagnostic, reason, bounce_type):
    v = decide(None, diagnostic, action="failed")
    assert (v.reason, v.bounce_type) == (reason, bounce_type)
