"""For applications in Python: read the database without the rest of the tool.

Plain sqlite3, read-only, so an app that only asks "may I mail this address?"
needs nothing else installed and never takes a write lock.
"""

from __future__ import annotations

import sqlite3
from typing import Any


def _connect(db_path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def _key(address: str) -> str:
    local, at, domain = address.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if at else address.strip().lower()


def is_suppressed(db_path: str, address: str, identity: str | None = None) -> bool:
    """Whether ``address`` is suppressed (globally, or for ``identity`` when given)."""
    scopes = ["global"] + ([identity] if identity else [])
    with _connect(db_path) as conn:
        row = conn.execute(
            f"SELECT 1 FROM suppressed WHERE address = ? AND scope IN ({','.join('?' * len(scopes))}) LIMIT 1",
            [_key(address), *scopes],
        ).fetchone()
    return row is not None


def query(db_path: str, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """Rows of a read-only query as dicts, e.g. ``query(db, "SELECT * FROM bounces_daily")``."""
    with _connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params).fetchall()]
