"""The only module that writes files. Writes are all-or-nothing.

``write_tree`` writes every output into a staging directory beside the target (``.out.new-*``)
and swaps it in with one atomic step, so ``out/`` is at every instant either the complete old tree
or the complete new one, also when the build is killed (``kill -9``) at any point:

- On Linux, ``renameat2(RENAME_EXCHANGE)`` swaps the staged tree and ``out/`` in one system call;
  ``out/`` stays a real directory. The old tree is then at the staging path and is removed.
- Where the kernel, file system or C library cannot exchange (``EINVAL``, ``ENOSYS``,
  ``EOPNOTSUPP``; not Linux), ``out/`` becomes a symlink to a sibling ``.out.tree-*`` directory
  and each build replaces the symlink atomically (``rename`` of a new symlink over it). The first
  such build over a real directory has one unavoidable moment between two renames where ``out/``
  does not exist; a build killed there leaves the old tree in ``.out.old-*``, and the next build
  puts it back before anything else.

Builds into the same ``out/`` take turns: each holds ``fcntl.flock`` on ``.out.lock`` (beside
``out/``; it stays there) from before it cleans up until its swap is finished. So whatever staging
directory exists when a build gets the lock was left by a killed build and is removed. (No lock on
Windows, which has no ``flock``.)

``set_pause`` installs a test-only hook called at named points of ``write_tree``; by default it does
nothing (``cli.py`` installs one only when ``DRIVEKG_TEST_PAUSE`` is set).
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from drivekg.errors import OutputError, SourceError

MARKER = "graph.ttl"  # a directory holding this is a drivekg output directory
STAGES = ("new", "old", "link", "tree")  # sibling directories: .{out}.{stage}-XXXX
PAUSE_POINTS = ("locked", "cleaned", "staging", "staged", "gap", "swapped", "done")

_pause: Callable[[str], None] = lambda point: None  # noqa: E731


def set_pause(hook: Callable[[str], None]) -> None:
    """Call ``hook(point)`` at each of ``PAUSE_POINTS`` in ``write_tree`` (tests only)."""
    global _pause
    _pause = hook


def pause_at(point: str, marker: Path) -> None:
    """Test hook: at ``point``, create ``marker`` and wait while it exists."""
    if point not in PAUSE_POINTS:
        raise ValueError(f"no pause point {point!r}; there are {', '.join(PAUSE_POINTS)}")

    def hook(at: str) -> None:
        if at == point:
            marker.touch()
            while marker.exists():
                time.sleep(0.01)

    set_pause(hook)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _sibling(out_dir: Path, stage: str) -> str:
    return f".{out_dir.name}.{stage}-"


def _managed_link(path: Path) -> str | None:
    """The tree a symlink ``out/`` written by the fallback points to, else None."""
    if not path.is_symlink():
        return None
    target = os.readlink(path)
    return target if target.startswith(_sibling(path, "tree")) and "/" not in target else None


def _target(out_dir: Path) -> Path:
    """``out_dir`` made absolute; a symlink is followed unless it is one this module made."""
    path = out_dir.absolute().parent.resolve() / out_dir.name
    if path.is_symlink() and _managed_link(path) is None:
        path = path.resolve()
    return path


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """Hold the lock of ``out_dir`` (``.NAME.lock`` beside it); waits for another build's turn."""
    with open(out_dir.parent / f".{out_dir.name}.lock", "a+b") as handle:
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield  # the lock goes with the file descriptor


def _remove(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _recover_and_clean(out_dir: Path) -> None:
    """Undo what killed builds left (call with the lock held: no other build is writing)."""
    def left(stage: str) -> list[Path]:  # (not glob: the name of out/ may hold * or [)
        prefix = _sibling(out_dir, stage)
        return sorted(p for p in out_dir.parent.iterdir() if p.name.startswith(prefix))

    if not os.path.lexists(out_dir):  # killed in the fallback's gap: put the old tree back
        for holder in left("old"):
            if (holder / out_dir.name).exists():
                os.rename(holder / out_dir.name, out_dir)
                break
    keep = _managed_link(out_dir)
    for stage in STAGES:
        for stale in left(stage):
            if stale.name != keep:
                _remove(stale)



def _renameat2() -> Callable[[int, bytes, int, bytes, int], int] | None:
    """glibc's ``renameat2`` (Python has no ``os.renameat2``), or None where there is none."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    c_int, c_path = ctypes.c_int, ctypes.c_char_p
    function.argtypes = [c_int, c_path, c_int, c_path, ctypes.c_uint]
    function.restype = ctypes.c_int
    found: Callable[[int, bytes, int, bytes, int], int] = function
    return found



AT_FDCWD, RENAME_EXCHANGE = -100, 2
UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP}


def exchange(a: Path, b: Path) -> None:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); OSError if it cannot."""
    function = _renameat2() if sys.platform == "linux" else None
    if function is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available", str(a))
    if function(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def _sync_directory(path: Path) -> None:
    if sys.platform == "win32":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap_in(staging: Path, out_dir: Path) -> list[Path]:
    """Make the staged tree ``out_dir`` atomically; returns what is left to delete."""
    if not os.path.lexists(out_dir):
        os.rename(staging, out_dir)
        return []
    old_link = _managed_link(out_dir)
    try:
        exchange(staging, out_dir)
    except OSError as exc:
        if exc.errno not in UNSUPPORTED:
            raise
    else:  # out_dir is the new tree; the old one (or the old symlink) is at the staging path
        return [staging] if old_link is None else [staging, out_dir.parent / old_link]
    # The fallback: out_dir is (or becomes) a symlink to a sibling tree, replaced atomically.
    tree = Path(tempfile.mkdtemp(prefix=_sibling(out_dir, "tree"), dir=out_dir.parent))
    os.replace(staging, tree)
    link = Path(tempfile.mkdtemp(prefix=_sibling(out_dir, "link"), dir=out_dir.parent))
    os.rmdir(link)
    os.symlink(tree.name, link)
    if old_link is not None:
        os.replace(link, out_dir)
        return [out_dir.parent / old_link]
    holder = Path(tempfile.mkdtemp(prefix=_sibling(out_dir, "old"), dir=out_dir.parent))
    os.rename(out_dir, holder / out_dir.name)
    _pause("gap")
    try:
        os.replace(link, out_dir)
    except OSError:
        os.rename(holder / out_dir.name, out_dir)
        raise
    return [holder]


def write_tree(out_dir: Path, files: Mapping[str, bytes]) -> None:
    """Make ``out_dir`` hold exactly ``files`` (relative path -> bytes), atomically."""
    for relative in files:
        if Path(relative).is_absolute() or ".." in Path(relative).parts:
            raise OutputError(f"refusing to write outside the output directory: {relative}")
    out_dir = _target(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        with _locked(out_dir):
            _pause("locked")
            _write_locked(out_dir, files)
    except OSError as exc:
        raise OutputError(f"cannot write {out_dir}: {exc.strerror or exc}") from exc


def _write_locked(out_dir: Path, files: Mapping[str, bytes]) -> None:
    _recover_and_clean(out_dir)
    if out_dir.exists() and (
        not out_dir.is_dir() or (any(out_dir.iterdir()) and not (out_dir / MARKER).exists())
    ):
        raise OutputError(
            f"refusing to replace {out_dir}: it is not empty and holds no {MARKER}, "
            "so it does not look like a drivekg output directory"
        )
    _pause("cleaned")
    staging = Path(tempfile.mkdtemp(prefix=_sibling(out_dir, "new"), dir=out_dir.parent))
    try:
        for number, (relative, data) in enumerate(sorted(files.items())):
            try:
                _write(staging / relative, data)
            except OSError as exc:  # name the file (an entity's name can be too long for one)
                shown = str(out_dir / relative)
                shown = shown if len(shown) <= 120 else shown[:100] + "…" + shown[-10:]
                raise OutputError(f"cannot write {shown}: {exc.strerror or exc}") from exc
            if number == 0:

                _pause("staging")
        staging.chmod(0o755)
        _pause("staged")
        leftovers = _swap_in(staging, out_dir)
    except BaseException:
        _remove(staging)
        raise
    _sync_directory(out_dir.parent)
    _pause("swapped")
    for leftover in leftovers:
        _remove(leftover)
    _pause("done")


def write_file(path: Path, data: bytes) -> None:
    """Write one file atomically (temporary file in the same directory, then rename)."""
    path = path.resolve()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc


def read_bytes(path: Path, *, limit: int, shown: str | None = None) -> bytes:
    """A file's bytes, at most ``limit`` of them: a larger file is a ``SourceError``."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise SourceError(
            f"larger than the limit of {limit:,} bytes (raise it with --max-size)",
            source=shown or str(path),
        )
    return data


def read_text(path: Path, *, shown: str | None = None) -> str:
    """A UTF-8 text file; bytes that are not UTF-8 are a ``SourceError`` naming their line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})", source=shown or str(path), line=line
        ) from exc
