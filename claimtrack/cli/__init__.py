"""The `claimtrack` command: parses arguments, calls one service function, prints the result.

No SQL and no rules live here. Errors from the service layer become one line on stderr and
an exit code (2 bad input, 3 database unavailable). Modules beyond Click are imported inside
the commands, so `--help` and `parse-deadline` start without loading SQLAlchemy.

One module per group of commands (recording, correcting, linking, reading, monitoring,
exchange, extracting, serving, demo), each registering its commands on the group of ``common``.
"""

from __future__ import annotations

import contextvars
import sys

import click

# Each module registers its commands on the group when imported.
from claimtrack.cli import (  # noqa: F401
    correcting,
    demo,
    exchange,
    extracting,
    linking,
    monitoring,
    reading,
    recording,
    serving,
)
from claimtrack.cli.common import cli, refuse, say
from claimtrack.errors import ClaimtrackError
from claimtrack.records import storable

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every failure a user can cause ends as one line on stderr and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    for number, arg in enumerate(args, 1):
        said = storable.problem(arg)
        if said is not None:
            refuse(f"argument {number} ('{arg}') {said}")
            return 2
    try:
        # Outside standalone mode Click returns the code of an Exit instead of raising it. A
        # context of its own: the language a command speaks ends with it (tests and other
        # callers run several commands in one process).
        code = contextvars.copy_context().run(
            cli.main, args=args, prog_name="claimtrack", standalone_mode=False
        )
    except ClaimtrackError as error:
        refuse(str(error))
        return error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        hint = f" (see: {error.ctx.command_path} --help)" if getattr(error, "ctx", None) else ""
        refuse(f"{error.format_message()}{hint}")
        return 2
    except click.Abort:
        say("claimtrack: interrupted", err=True)
        return 130
    return code if isinstance(code, int) else 0
