"""No network for the SPARQL engine: a seccomp filter where queries execute.

pyoxigraph evaluates ``SERVICE <http://…>`` by opening an HTTP connection itself. drivekg does not
rely on spotting SERVICE in the query text (``store.guard`` parses with rdflib, and rdflib and
pyoxigraph read some texts differently: a bare CR ending a comment, ``\\u0022`` inside a string);
instead the code that runs a query does so where the kernel refuses to create any socket but a
Unix one:

* ``socket(domain, …)`` with a domain other than ``AF_UNIX`` fails with ``EPERM``, so no TCP, UDP
  (DNS) or raw socket can be opened; the worker's pipe to the server (``AF_UNIX``) keeps working;
* ``io_uring_setup`` fails with ``EPERM`` (io_uring could open sockets without a syscall).

``deny_network()`` installs the filter on the calling thread (``all_threads=True``: every thread
of the process; the SPARQL worker processes of ``drivekg serve`` do this first thing).
``offline(fn)`` runs ``fn`` in a fresh thread that installs the filter first, so ``drivekg query``
stays a single process and the rest of the program (and a test process calling it) keeps its
network. A seccomp filter cannot be removed: the thread or process stays offline until it ends.

Where seccomp is unavailable (not Linux, no ``libseccomp.so.2``, a kernel that refuses the filter)
``SandboxError`` says why, and drivekg refuses to run queries rather than run them unguarded;
``drivekg query --allow-remote`` is the only way to run a query with the network reachable.
"""

from __future__ import annotations

import errno
import socket
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from drivekg.errors import SandboxError

__all__ = ["deny_network", "offline", "unavailable"]

T = TypeVar("T")


def _seccomp() -> Any:
    if not sys.platform.startswith("linux"):
        raise SandboxError(f"seccomp exists only on Linux (this is {sys.platform})")
    try:
        import pyseccomp
    except ImportError as exc:
        raise SandboxError(f"the pyseccomp package is not installed ({exc})") from exc
    except (OSError, RuntimeError) as exc:  # pyseccomp raises RuntimeError without libseccomp
        raise SandboxError(f"libseccomp cannot be loaded ({exc})") from exc
    return pyseccomp


def deny_network(*, all_threads: bool = False) -> None:
    """From now on this thread (or, with ``all_threads``, this process) opens no network socket."""
    seccomp = _seccomp()
    try:
        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        if all_threads:
            rules.set_attr(seccomp.Attr.CTL_TSYNC, 1)
        refuse = seccomp.ERRNO(errno.EPERM)
        rules.add_rule(refuse, "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
        rules.add_rule(refuse, "io_uring_setup")
        rules.load()
    except OSError as exc:
        raise SandboxError(f"the kernel refused the seccomp filter ({exc})") from exc


def offline(fn: Callable[[], T]) -> T:
    """``fn()``, run in a new thread that cannot open network sockets; its result or its error."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            deny_network()
            outcome.append((True, fn()))
        except BaseException as exc:  # handed to the calling thread, without its frames' locals
            seen: BaseException | None = exc  # (pyoxigraph objects must die in this thread)
            while seen is not None:
                traceback.clear_frames(seen.__traceback__)
                seen = seen.__cause__ or seen.__context__
            outcome.append((False, exc))

    thread = threading.Thread(target=run, name="drivekg-offline", daemon=True)
    thread.start()
    thread.join()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


def unavailable() -> str | None:
    """Why queries cannot be sandboxed here, or None: a real filter is tried in a throwaway thread.

    The check also proves the filter works: inside it an IPv4 socket must fail with EPERM.
    """

    def probe() -> None:
        try:
            socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
        except PermissionError:
            return
        raise SandboxError("a socket could still be opened under the seccomp filter")

    try:
        offline(probe)
    except SandboxError as exc:
        return str(exc)
    return None
