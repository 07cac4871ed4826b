"""How addresses compare: the whole address, without case (pure; no I/O, nothing heavy to import)."""

from __future__ import annotations

# ASCII letters only: exactly what SQLite's NOCASE folds, so the library and an
# app's plain SQL on the `suppressed` view give the same answer for any address.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def bare_address(text: str) -> str:
    """``addr``, ``<addr>`` or ``Name <addr>`` -> ``addr`` (as written)."""
    a = text.strip()
    if a.endswith(">") and "<" in a:
        a = a[a.rindex("<") + 1 : -1].strip()
    return a


def address_key(address: str) -> str:
    """The key an address is stored and looked up by: bare, ASCII letters lower-cased.

    SES, SendGrid, Mailgun, Postmark and listmonk compare addresses without case;
    a suppression that missed ``Nobody@`` would let an app keep mailing a dead address.
    """
    return bare_address(address).translate(_ASCII_LOWER)
