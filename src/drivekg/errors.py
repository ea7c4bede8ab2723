"""Errors drivekg raises on purpose. Anything else escaping the CLI is a bug.

::

    DriveKGError                 base; the CLI turns it into one line and exit code 2
    ├── SourceError              the article or the claims file cannot be read as expected
    │   │                        (carries source and line: ``article.txt:41: what is wrong``)
    │   └── TooLargeError        it states more facts than the build is allowed to hold
    ├── OutputError              out/ cannot be written (nothing in it was changed)
    ├── QueryError               a SPARQL query is malformed or refused (remote access)
    │   ├── RemoteRefused        the query asks for remote data (SERVICE, FROM) or tried to reach
    │   │                        the network
    │   └── SandboxError         queries cannot be run without network access here (no seccomp)
    └── PublishError             a triplestore refused or could not be reached
"""

from __future__ import annotations


class DriveKGError(Exception):
    """Base of every error drivekg raises on purpose."""


class SourceError(DriveKGError):
    """The article (or claims file) cannot be read as this program expects."""

    def __init__(self, message: str, *, source: str, line: int | None = None) -> None:
        super().__init__(message)
        self.source, self.line = source, line

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.args[0]}"


class TooLargeError(SourceError):
    """The input states more facts than the limit a build was given (``count`` > ``limit``)."""

    def __init__(self, message: str, *, source: str, count: int, limit: int) -> None:
        super().__init__(message, source=source)
        self.count, self.limit = count, limit


class OutputError(DriveKGError):
    """The output directory cannot be written; its previous contents are untouched."""


class QueryError(DriveKGError):
    """A SPARQL query cannot be run: malformed, unknown, or asking for remote data."""


class RemoteRefused(QueryError):
    """The query asks for remote data, or tried to open a network connection, and may not."""


class SandboxError(QueryError):
    """The network sandbox for the SPARQL engine cannot be set up on this machine."""


class PublishError(DriveKGError):
    """A triplestore refused the upload or could not be reached."""
