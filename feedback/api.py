"""For applications in Python: read the database without the rest of the tool.

Plain sqlite3, read-only, so an app that only asks "may I mail this address?"
needs nothing else installed and never takes a write lock.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from .addresses import address_key

# What a read may do: read tables and views, call functions, recurse, ask a
# pragma without setting it. Anything else (ATTACH, VACUUM INTO, writes, a
# temp table) is refused before it runs: mode=ro alone still lets VACUUM INTO
# and ATTACH write other files.
_READ_ONLY = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE}


def _authorize(action: int, arg1: str | None, arg2: str | None, db: str | None, trigger: str | None) -> int:
    if action in _READ_ONLY:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION and arg2 != "load_extension":
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and arg2 is None:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _connect(db_path: str) -> sqlite3.Connection:
    # A path is not a URI: as_uri() escapes "#", "?" and "%", which would otherwise open another file.
    uri = Path(db_path).absolute().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.set_authorizer(_authorize)
    return conn


def is_suppressed(db_path: str, address: str, identity: str | None = None) -> bool:
    """Whether ``address`` (``addr``, ``<addr>`` or ``Name <addr>``, any case) is suppressed.

    Globally, or for ``identity`` when given.
    """
    scopes = ["global"] + ([identity] if identity else [])
    conn = _connect(db_path)
    try:
        row = conn.execute(
            f"SELECT 1 FROM suppressed WHERE address = ? AND scope IN ({','.join('?' * len(scopes))}) LIMIT 1",
            [address_key(address), *scopes],
        ).fetchone()
    finally:
        conn.close()
    return row is not None


def query(db_path: str, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """Rows of a read-only query as dicts, e.g. ``query(db, "SELECT * FROM bounces_daily")``.

    Statements that would write anything, here or in another file, raise sqlite3.DatabaseError.
    """
    conn = _connect(db_path)
    try:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params).fetchall()]
    finally:
        conn.close()
