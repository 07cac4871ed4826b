"""Logging for the long-running and cron commands: levels, text or JSON lines for log shippers."""

from __future__ import annotations

import datetime
import json
import logging
import sys

LOGGER = "feedback"


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and any ``extra`` fields."""

    SKIP = set(vars(logging.makeLogRecord({})))

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for k, v in vars(record).items():
            if k not in self.SKIP and k not in out:
                out[k] = v
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(out, ensure_ascii=False, default=str)


def setup(level: str = "info", fmt: str = "text") -> logging.Logger:
    """Configure the ``feedback`` logger (to stderr); idempotent."""
    log = logging.getLogger(LOGGER)
    log.handlers.clear()
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JSONFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
    log.addHandler(handler)
    log.setLevel({"quiet": logging.WARNING, "info": logging.INFO, "verbose": logging.DEBUG}[level])
    log.propagate = False
    # APScheduler's own chatter only when asked for.
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if level == "verbose" else logging.WARNING)
    logging.getLogger("apscheduler").handlers = log.handlers
    return log
