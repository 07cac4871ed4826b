"""feedback: turn Amazon SES bounce and complaint mail into events in SQLite."""

__version__ = "0.1.0"
CLASSIFIER_VERSION = "1"


def is_suppressed(db_path: str, address: str, identity: str | None = None) -> bool:
    """Whether ``address`` is suppressed in the database at ``db_path`` (see feedback.api)."""
    from .api import is_suppressed as _is_suppressed

    return _is_suppressed(db_path, address, identity)


def query(db_path: str, sql: str, params: object = ()) -> list[dict[str, object]]:
    """Rows of a read-only SQL query against the database, as dicts (see feedback.api)."""
    from .api import query as _query

    return _query(db_path, sql, params)
