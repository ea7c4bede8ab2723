"""The README cannot drift: its example commands are run and their output compared."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from drivekg.cli import parser

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
_BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def examples() -> list[tuple[str, str]]:
    """(command, shown output) for every `$ drivekg …` line of the README's console blocks."""
    found = []
    for block in _BLOCK.findall(README):
        chunks = re.split(r"^\$ ", block, flags=re.M)
        for chunk in chunks[1:]:
            command, _, output = chunk.partition("\n")
            if command.startswith("drivekg "):
                found.append((command, output.rstrip("\n")))
    return found


RUNNABLE = [
    (command, output)
    for command, output in examples()
    if command.split()[1] in {"build", "query"} or "--get" in command
]


def test_every_command_is_documented() -> None:
    """Each CLI subcommand appears in the README's command table."""
    sub = next(a for a in parser()._actions if a.dest == "command")
    commands = set(sub.choices)  # type: ignore[arg-type]
    assert commands == {"build", "validate", "query", "publish", "serve"}
    for command in commands:
        assert f"`drivekg {command}" in README, command


def test_the_two_commands_exist() -> None:
    assert "bash scripts/build.sh" in README and "bash scripts/test.sh" in README
    assert (ROOT / "scripts" / "build.sh").exists() and (ROOT / "scripts" / "test.sh").exists()
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_examples_are_found() -> None:
    assert len(RUNNABLE) >= 4


@pytest.mark.parametrize(("command", "shown"), RUNNABLE, ids=[c for c, _ in RUNNABLE])
def test_readme_example_output_is_real(command: str, shown: str, tmp_path: Path) -> None:
    """Running the README's command prints what the README shows (build timing aside)."""
    pipeline, _, head = command.partition(" | head -")
    argv = shlex.split(pipeline)[1:]
    shown_out = "out"
    if argv[0] == "build":
        if "--out" in argv:  # the README's own output directory, written to tmp_path instead
            at = argv.index("--out")
            shown_out = argv[at + 1].rstrip("/")
            del argv[at : at + 2]
        argv += ["--out", str(tmp_path / "out")]
    result = subprocess.run(
        [sys.executable, "-m", "drivekg", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout.replace("\r\n", "\n").replace(str(tmp_path / "out"), shown_out)
    if head:
        output = "\n".join(output.splitlines()[: int(head)])
    normalize = re.compile(r"\d+\.\d s\b")
    assert normalize.sub("N s", output.rstrip("\n")) == normalize.sub("N s", shown)
