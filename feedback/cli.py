"""The ``feedback`` command: a thin click layer over the library."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from typing import Any

import click

from . import __version__
from .batch import classify_many
from .config import Config, ConfigError, load
from .models import EVENT_FIELDS, Event
from .sources.local import SourceError, iter_paths

FORMATS = ("table", "json", "jsonl", "csv")
TABLE_COLUMNS = ("kind", "recipient", "bounce_type", "bounce_subtype", "reason", "status", "source")


class Context:
    """What every command shares: the global options, config loaded on demand."""

    def __init__(self, config_path: str | None, db: str | None) -> None:
        self.config_path = config_path
        self.db = db
        self._config: Config | None = None

    def config(self) -> Config:
        if self._config is None:
            try:
                self._config = load(self.config_path)
            except ConfigError as exc:
                raise UsageFailure(str(exc)) from None
        return self._config


class UsageFailure(click.ClickException):
    """A config or usage error: one line, exit code 2."""

    exit_code = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="feedback")
@click.option(
    "--config",
    "config_path",
    envvar="FEEDBACK_CONFIG",
    type=click.Path(dir_okay=False),
    help="Config file (default ./feedback.toml).",
)
@click.option(
    "--db", envvar="FEEDBACK_DB", type=click.Path(dir_okay=False), help="SQLite database (overrides the config's)."
)
@click.pass_context
def main(ctx: click.Context, config_path: str | None, db: str | None) -> None:
    """Turn Amazon SES bounce and complaint mail into events."""
    ctx.obj = Context(config_path, db)


def _row(e: Event) -> dict[str, Any]:
    d = e.to_dict()
    return d


def jsonl_lines(events: list[Event]) -> str:
    """Events as JSON lines (module-level so worker processes can run it)."""
    return "".join(json.dumps(_row(e), ensure_ascii=False, default=str) + "\n" for e in events)


def write_events(events: Iterable[Event], fmt: str, out: Any = None) -> None:
    """Print events in one of FORMATS; streams for jsonl and csv."""
    out = out or sys.stdout
    if fmt == "jsonl":
        for e in events:
            out.write(jsonl_lines([e]))
    elif fmt == "json":
        out.write(json.dumps([_row(e) for e in events], ensure_ascii=False, indent=2, default=str) + "\n")
    elif fmt == "csv":
        w = csv.DictWriter(out, fieldnames=list(EVENT_FIELDS), extrasaction="ignore")
        w.writeheader()
        for e in events:
            row = _row(e)
            row["correlation"] = json.dumps(row["correlation"]) if row["correlation"] else ""
            w.writerow(row)
    else:
        rows = [[str(getattr(e, c) or "-") for c in TABLE_COLUMNS] for e in events]
        widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(TABLE_COLUMNS)]
        out.write("  ".join(c.ljust(widths[i]) for i, c in enumerate(TABLE_COLUMNS)).rstrip() + "\n")
        for r in rows:
            out.write("  ".join(v.ljust(widths[i]) for i, v in enumerate(r)).rstrip() + "\n")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=None, help="Processes to classify with (default: one per core)."
)
@click.pass_obj
def parse(obj: Context, paths: tuple[str, ...], fmt: str, workers: int | None) -> None:
    """Classify .eml files, folders, mbox files or Maildirs offline; stores nothing.

    Prints one event per recipient, and one with recipient null for a message
    without any; ``source`` is the message's path.
    """
    cfg = obj.config().classifier

    def events() -> Iterable[Event]:
        for evs in classify_many(iter_paths(list(paths)), cfg, workers):
            yield from evs

    try:
        if fmt == "jsonl":
            # Serialised in the workers: the parent only writes.
            out = sys.stdout
            for text in classify_many(iter_paths(list(paths)), cfg, workers, render=jsonl_lines):
                out.write(text)
        else:
            write_events(events(), fmt)
    except SourceError as exc:
        raise UsageFailure(str(exc)) from None
    except BrokenPipeError:  # `feedback parse ... | head`
        sys.stderr.close()


if __name__ == "__main__":  # pragma: no cover
    main()
