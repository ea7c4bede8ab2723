"""out/ is always a complete tree: real `drivekg build` processes killed (SIGKILL) at every step.

Each step of files.write_tree that changes the disk is one system call, so the states a reader or a
`kill -9` can meet are exactly the states between those steps. A build started with
``DRIVEKG_TEST_PAUSE=POINT:FILE`` creates FILE at POINT and waits there; the test looks at out/,
kills the process, and runs the next build, which must clean up what the killed one left.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drivekg import files
from drivekg.cli import main
from drivekg.errors import OutputError

from .conftest import DATA

ARTICLE = DATA / "articles" / "neon-harbor.txt"
OLD_BASE, NEW_BASE = "http://old.example/id/", "http://new.example/id/"
# Where a killed build leaves out/ (the fallback's "gap" is tested on its own below).
EXPECTED = {
    "locked": "old",
    "cleaned": "old",
    "staging": "old",
    "staged": "old",
    "swapped": "new",
    "done": "new",
}
# Forces the fallback of systems without RENAME_EXCHANGE in a real `drivekg build` process.
FALLBACK = (
    "import errno, sys\n"
    "import drivekg.files as f\n"
    "def refuse(a, b): raise OSError(errno.EINVAL, 'no RENAME_EXCHANGE here')\n"
    "f.exchange = refuse\n"
    "from drivekg.cli import entry\n"
    "entry()\n"
)


def tree(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The tree before the build ("old") and the tree the build writes ("new")."""
    made = {}
    for name, base in (("old", OLD_BASE), ("new", NEW_BASE)):
        out = tmp_path_factory.mktemp(name) / "out"
        assert main(["build", str(ARTICLE), "--out", str(out), "--base", base]) == 0
        made[name] = out
    return made


@pytest.fixture(scope="module")
def contents(trees: dict[str, Path]) -> dict[str, dict[str, bytes]]:
    return {name: tree(out) for name, out in trees.items()}


def which(out: Path, contents: dict[str, dict[str, bytes]]) -> str:
    """"old" or "new" when out/ is exactly that complete tree; otherwise what it is."""
    if not out.exists():
        return "missing"
    now = tree(out)
    return next((name for name, t in contents.items() if now == t), f"partial ({len(now)} files)")


def leftovers(out: Path) -> list[str]:
    """Everything beside out/ but out/ and its lock file."""
    return sorted(p.name for p in out.parent.iterdir() if p.name not in {out.name, ".out.lock"})


def marker(out: Path, name: str = "paused") -> Path:
    """The file a paused build creates (outside out/'s directory)."""
    return out.parent.with_name(f"{out.parent.name}.{name}")


def start(
    out: Path, *, pause: str | None = None, fallback: bool = False
) -> subprocess.Popen[bytes]:
    """A real `drivekg build` of the new tree into ``out`` (paused at ``pause``, if given)."""
    env = {k: v for k, v in os.environ.items() if k != "DRIVEKG_TEST_PAUSE"}
    if pause:
        env["DRIVEKG_TEST_PAUSE"] = f"{pause}:{marker(out)}"
    program = ["-c", FALLBACK] if fallback else ["-m", "drivekg"]
    argv = ["build", str(ARTICLE), "--out", str(out), "--base", NEW_BASE]
    return subprocess.Popen(
        [sys.executable, *program, *argv], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def wait_paused(process: subprocess.Popen[bytes], flag: Path) -> None:
    deadline = time.monotonic() + 60
    while not flag.exists():
        if process.poll() is not None:
            raise AssertionError(f"the build ended ({process.returncode}) before pausing")
        assert time.monotonic() < deadline, "the build never reached its pause point"
        time.sleep(0.01)


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait()


def next_build(out: Path) -> None:
    assert main(["build", str(ARTICLE), "--out", str(out), "--base", NEW_BASE]) == 0


def prepare(root: Path, trees: dict[str, Path], name: str) -> Path:
    out = root / name / "out"
    shutil.copytree(trees["old"], out)
    return out


def kill_at_points(
    root: Path, trees: dict[str, Path], contents: dict[str, dict[str, bytes]], fallback: bool
) -> dict[str, tuple[str, list[str], str, list[str]]]:
    """Kill one build at each pause point (all started at once); what each left, and after."""
    outs = {point: prepare(root, trees, point) for point in EXPECTED}
    if fallback:  # out/ is already the fallback's symlink (the step from a real directory is below)
        for out in outs.values():
            shutil.rmtree(out)
            shutil.copytree(trees["old"], out.parent / ".out.tree-first")
            out.symlink_to(".out.tree-first")
    processes = {point: start(out, pause=point, fallback=fallback) for point, out in outs.items()}
    seen = {}
    for point, process in processes.items():
        wait_paused(process, marker(outs[point]))
        kill(process)
        left = leftovers(outs[point])
        state = which(outs[point], contents)
        next_build(outs[point])
        seen[point] = (state, left, which(outs[point], contents), leftovers(outs[point]))
    return seen


def test_a_build_killed_at_any_step_leaves_a_complete_out(
    tmp_path: Path, trees: dict[str, Path], contents: dict[str, dict[str, bytes]]
) -> None:
    """Killed at each step of the swap, out/ is the whole old or new tree; the next build cleans."""
    seen = kill_at_points(tmp_path, trees, contents, fallback=False)
    assert {point: s[0] for point, s in seen.items()} == EXPECTED
    assert seen["staged"][1] != [], "the killed build left its staging directory"
    assert {point: s[2:] for point, s in seen.items()} == {p: ("new", []) for p in EXPECTED}
    for point in EXPECTED:
        out = tmp_path / point / "out"
        assert out.is_dir() and not out.is_symlink(), "out/ stays a real directory"


def test_builds_killed_at_random_moments_leave_a_complete_out(
    tmp_path: Path, trees: dict[str, Path], contents: dict[str, dict[str, bytes]]
) -> None:
    """SIGKILL at random moments of whole builds: out/ is old or new, never missing or partial."""
    chance = random.Random(11)
    outs = [prepare(tmp_path, trees, f"t{trial}") for trial in range(5)]
    started = time.monotonic()
    processes = [(chance.uniform(0.2, 2.0), out, start(out)) for out in outs]
    for moment, out, process in sorted(processes, key=lambda p: p[0]):
        time.sleep(max(0.0, started + moment - time.monotonic()))
        kill(process)
        assert which(out, contents) in {"old", "new"}
    for out in outs:
        next_build(out)
        assert (which(out, contents), leftovers(out)) == ("new", [])


def test_fallback_symlink_killed_at_any_step_leaves_a_complete_out(
    tmp_path: Path, trees: dict[str, Path], contents: dict[str, dict[str, bytes]]
) -> None:
    """Without RENAME_EXCHANGE, out/ is a symlink swapped atomically: complete at every step."""
    seen = kill_at_points(tmp_path, trees, contents, fallback=True)
    assert {point: s[0] for point, s in seen.items()} == EXPECTED
    assert {point: s[2:] for point, s in seen.items()} == {p: ("new", []) for p in EXPECTED}


def test_fallback_killed_between_its_renames_is_repaired_by_the_next_build(
    tmp_path: Path, trees: dict[str, Path], contents: dict[str, dict[str, bytes]]
) -> None:
    """The fallback's one gap (out/ made a symlink): the next build puts the old tree back."""
    out = prepare(tmp_path, trees, "gap")
    process = start(out, pause="gap", fallback=True)
    wait_paused(process, marker(out))
    kill(process)
    assert not out.exists()
    (held,) = out.parent.glob(".out.old-*")
    assert tree(held / "out") == contents["old"]
    main_code = subprocess.run(
        [sys.executable, "-c", FALLBACK, "build", str(ARTICLE), "--out", str(out), "--base",
         OLD_BASE], capture_output=True, check=False,
    ).returncode
    assert main_code == 0
    assert (which(out, contents), leftovers(out)) == ("old", [out.resolve().name])


def test_fallback_symlink_turns_back_into_a_directory(
    tmp_path: Path, trees: dict[str, Path], contents: dict[str, dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fallback build makes out/ a symlink; a build that can exchange makes it a directory."""
    import errno

    out = prepare(tmp_path, trees, "back")

    def refuse(a: Path, b: Path) -> None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")

    with monkeypatch.context() as patch:
        patch.setattr(files, "exchange", refuse)
        next_build(out)
    assert out.is_symlink() and which(out, contents) == "new"
    next_build(out)
    assert out.is_dir() and not out.is_symlink()
    assert (which(out, contents), leftovers(out)) == ("new", [])


def test_concurrent_builds_take_turns(
    tmp_path: Path, trees: dict[str, Path], contents: dict[str, dict[str, bytes]]
) -> None:
    """A second build waits for the first's swap and leaves its staging directory alone."""
    out = prepare(tmp_path, trees, "both")
    first = start(out, pause="staged")
    wait_paused(first, marker(out))
    staging = leftovers(out)
    assert len(staging) == 1 and staging[0].startswith(".out.new-")
    env = {**os.environ, "DRIVEKG_TEST_PAUSE": f"locked:{marker(out, 'second')}"}
    second = subprocess.Popen(
        [sys.executable, "-m", "drivekg", "build", str(ARTICLE), "--out", str(out), "--base",
         OLD_BASE], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(3)  # long enough for the second build to reach the lock (it builds in ~1 s)
    assert second.poll() is None and not (marker(out, "second")).exists()
    assert leftovers(out) == staging
    (marker(out)).unlink()  # the first build goes on, swaps, and releases the lock
    assert first.wait(timeout=60) == 0
    wait_paused(second, marker(out, "second"))
    assert which(out, contents) == "new"
    (marker(out, "second")).unlink()
    assert second.wait(timeout=60) == 0
    assert (which(out, contents), leftovers(out)) == ("old", [])


def test_only_this_outs_leftovers_are_removed(
    tmp_path: Path, contents: dict[str, dict[str, bytes]]
) -> None:
    """A build removes its own out/'s stale staging (even named `out[1]`), nothing of others."""
    out = tmp_path / "out[1]"
    next_build(out)
    (tmp_path / ".out[1].new-killed").mkdir()
    (tmp_path / ".out[1].new-killed" / "graph.ttl").write_text("half")
    (tmp_path / ".out1.new-other").mkdir()
    (tmp_path / ".out.new-other").mkdir()
    next_build(out)
    assert which(out, contents) == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".out.new-other", ".out1.new-other", ".out[1].lock", "out[1]"
    ]


def test_a_file_name_too_long_is_named_and_out_is_untouched(
    tmp_path: Path, trees: dict[str, Path], contents: dict[str, dict[str, bytes]]
) -> None:
    """A file name over 255 bytes: the error names the file, and out/ is as it was."""
    out = prepare(tmp_path, trees, "long")
    with pytest.raises(OutputError) as refused:
        files.write_tree(out, {"graph.ttl": b"", f"site/id/{'x' * 300}.html": b""})
    message = str(refused.value)
    assert f"{out}/site/id/xxxx" in message and "File name too long" in message
    assert (which(out, contents), leftovers(out)) == ("old", [])
