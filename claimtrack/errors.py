"""The one exception family that service functions raise.

Every message is written for a person: it names what was wrong and, where it can, a form
that would have been accepted. The CLI prints it as one line and maps the class to an exit
code, so no traceback ever reaches a user for a mistake they can fix.
"""


class ClaimtrackError(Exception):
    """Base class: a failure the user should read about, not a bug.

    ``message`` says what was wrong to anyone, in a terminal or a browser; ``hint`` is the
    command that goes on from there, which only the CLI prints (a web reader cannot run
    ``claimtrack list``)."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message


class BadInput(ClaimtrackError):
    """A value given by the user cannot be accepted (exit code 2)."""

    def __init__(self, field: str, message: str, hint: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message, hint)
        self.field = field


class NotFound(BadInput):
    """An id or name the user gave does not exist (exit code 2)."""


class Removed(NotFound):
    """The claim was removed from the record (exit code 2; 410 Gone on the web)."""


class DatabaseUnavailable(ClaimtrackError):
    """The database cannot be opened, reached, or stays locked too long (exit code 3)."""

    exit_code = 3


class Conflict(ClaimtrackError):
    """Another writer changed the same records at the same moment; nothing was written and
    the change may simply be run again (exit code 3, like a lock held too long)."""

    exit_code = 3


class Unreachable(ClaimtrackError):
    """A web page to read could not be fetched: no answer, a refused connection, a timeout
    or an HTTP error (exit code 3, as a database that cannot be reached)."""

    exit_code = 3
