"""The only module that writes files. Writes are all-or-nothing.

``write_tree`` writes every output into a staging directory beside the target and then swaps it
in with two renames, so a failed build (or a crash while writing) leaves the previous output
exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from drivekg.errors import OutputError, SourceError

MARKER = "graph.ttl"  # a directory holding this is a drivekg output directory


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_tree(out_dir: Path, files: Mapping[str, bytes]) -> None:
    """Make ``out_dir`` hold exactly ``files`` (relative path -> bytes)."""
    out_dir = out_dir.resolve()
    if out_dir.exists() and (
        not out_dir.is_dir() or (any(out_dir.iterdir()) and not (out_dir / MARKER).exists())
    ):
        raise OutputError(
            f"refusing to replace {out_dir}: it is not empty and holds no {MARKER}, "
            "so it does not look like a drivekg output directory"
        )
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    except OSError as exc:
        raise OutputError(f"cannot write to {out_dir.parent}: {exc.strerror}") from exc
    try:
        for relative, data in sorted(files.items()):
            if Path(relative).is_absolute() or ".." in Path(relative).parts:
                raise OutputError(f"refusing to write outside the output directory: {relative}")
            _write(staging / relative, data)
        staging.chmod(0o755)
        old: Path | None = None
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.replace(out_dir, old / out_dir.name)
        try:
            os.replace(staging, out_dir)
        except OSError:
            if old is not None:  # put the previous output back
                os.replace(old / out_dir.name, out_dir)
            raise
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write {out_dir}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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
