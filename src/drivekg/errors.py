"""Errors drivekg raises on purpose. Anything else escaping the CLI is a bug.

::

    DriveKGError                 base; the CLI turns it into one line and exit code 2
    ├── SourceError              the article or the claims file cannot be read as expected
    │   │                        (carries source and line: ``article.txt:41: what is wrong``)
    │   └── TooLargeError        it states more facts than the build is allowed to hold
    ├── OutputError              out/ cannot be written (nothing in it was changed)
    ├── QueryError               a SPARQL query cannot be run (an unknown bundled name, …)
    │   ├── QuerySyntaxError     the text is not a SPARQL query
    │   ├── QueryRefused         it may not run here
    │   │   ├── UpdateRefused    it would change the graph (INSERT, LOAD, …): always refused
    │   │   └── RemoteRefused    it asks for remote data (SERVICE, FROM) or tried to reach
    │   │                        the network
    │   ├── EvaluationFailed     the engine gave up on it (an unbound SERVICE name, …)
    │   │   └── EngineCrashed    the process running it stopped unexpectedly
    │   ├── QueryLimit           a limit of the server stopped it (``retry_after``: seconds)
    │   │   ├── QueryTimeout     it ran past the timeout
    │   │   ├── QueryMemoryLimit it needed more memory than a worker may have
    │   │   ├── AnswerTooLarge   its answer would pass the answer cap
    │   │   ├── ServerBusy       no worker is free to run it
    │   │   └── TooManyQueries   this client already has its share running
    │   │       └── SlowLaneTaken  … or already has a query in the slow lane
    │   ├── NotAcceptable        no format the client accepts can carry this answer
    │   └── SandboxError         queries cannot be run without network access here (no seccomp)
    ├── StoreError               an external SPARQL store (``serve --store``) failed or refused
    └── PublishError             a triplestore refused or could not be reached

The command line turns each into one line and exit code 2; the server maps each class to an
HTTP status and a title in one table (``web.app.STATUS``), never by reading the message.
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


class QuerySyntaxError(QueryError):
    """The text does not parse as a SPARQL query."""


class QueryRefused(QueryError):
    """The query parses but may not run here."""


class UpdateRefused(QueryRefused):
    """The text is a SPARQL update (or asks for one): querying is read-only."""


class RemoteRefused(QueryRefused):
    """The query asks for remote data, or tried to open a network connection, and may not."""


class EvaluationFailed(QueryError):
    """The engine could not evaluate the query (a SERVICE that failed, an engine error)."""


class EngineCrashed(EvaluationFailed):
    """The process running the query stopped unexpectedly."""


class QueryLimit(QueryError):
    """A limit of the server stopped or refused the query; ``retry_after`` seconds, if known."""

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class QueryTimeout(QueryLimit):
    """The query ran longer than the timeout and was stopped."""


class QueryMemoryLimit(QueryLimit):
    """The query needed more memory than a worker may have and was stopped."""


class AnswerTooLarge(QueryLimit):
    """The answer would be larger than the answer cap."""


class ServerBusy(QueryLimit):
    """No worker is free to run the query now."""


class TooManyQueries(QueryLimit):
    """This client already has its share of queries running."""


class SlowLaneTaken(TooManyQueries):
    """This client already has a query in the slow lane: one at a time."""


class NotAcceptable(QueryError):
    """No format the client accepts can carry this answer."""


class SandboxError(QueryError):
    """The network sandbox for the SPARQL engine cannot be set up on this machine."""


class StoreError(DriveKGError):
    """An external SPARQL store could not be reached or did not answer as SPARQL 1.1 says."""


class PublishError(DriveKGError):
    """A triplestore refused the upload or could not be reached."""
