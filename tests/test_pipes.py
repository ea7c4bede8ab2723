"""`drivekg … | head -1`: when the reader goes away, a command stops quietly with exit code 0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import DATA

ARTICLE = DATA / "articles" / "neon-harbor.txt"


def test_build_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`drivekg build` whose reader has gone: exit 0, nothing on stderr, and out/ is written."""
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "drivekg", "build", str(ARTICLE), "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # as `head -1` does once it has its line: every write now fails
    err = process.stderr.read()
    process.stderr.close()
    assert (process.wait(timeout=60), err) == (0, b"")
    assert (out / "graph.ttl").exists()


def test_validate_piped_into_head_ends_quietly(tmp_path: Path) -> None:
    """`drivekg validate … | head -1` on a long report: one line read, exit 0, no traceback."""
    doc = tmp_path / "albums.ttl"
    doc.write_text(
        "".join(f"<https://w3id.org/drivekg/id/a{i}> a <https://schema.org/MusicAlbum> .\n"
                for i in range(600))
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "drivekg", "validate", str(doc)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read()
    process.stderr.close()
    assert first.startswith(f"{doc}: DOES NOT CONFORM".encode())
    assert (process.wait(timeout=60), err) == (0, b"")


def test_build_piped_into_head_through_a_shell(tmp_path: Path) -> None:
    """The same through a real shell pipeline: `drivekg build | head -1` prints one line."""
    out = tmp_path / "out"
    script = (
        f"{sys.executable} -m drivekg build {ARTICLE} --out {out} 2>{tmp_path / 'err'} | head -1;"
        " exit ${PIPESTATUS[0]}"
    )
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith(f"built {out}/ from ") and result.stdout.count("\n") == 1
    assert (tmp_path / "err").read_text() == ""
