#!/usr/bin/env bash
# Create .venv and install drivekg into it (editable). Usage: scripts/setup.sh [test]
# "test" also installs what the test suite needs (pytest, the oxigraph server, readers).
# Also fetches the SPARQL query editor from npm (scripts/vendor.py). Installs only when something
# changed: the Python version, the extra asked for, or
# pyproject.toml (source changes need no reinstall: the install is editable).
set -euo pipefail
cd "$(dirname "$0")/.."
extra="${1:-}"
spec="."
[ "$extra" = "test" ] && spec=".[test]"
stamp=.venv/.drivekg-setup
state="$(python3 --version 2>&1) $(sha256sum pyproject.toml | cut -c1-16)"
say() { echo "setup: $*" >&2; }

# The SPARQL query editor (YASGUI) from the npm registry at a pinned version, into the package's
# resources/vendor/ (git-ignored, never committed); a no-op once it is there. The test set-up
# requires it; a plain set-up without npm goes on (/sparql then explains what is missing).
python3 scripts/vendor.py ${extra:+--require}

if [ -x .venv/bin/python ] && [ -f "$stamp" ] && grep -qxF "$state $spec" "$stamp"; then
  say ".venv is up to date (pyproject.toml unchanged since the last install)"
  exit 0
fi
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $(python3 --version 2>&1)"
  python3 -m venv .venv
fi
say "installing drivekg${extra:+ with its $extra tools} into .venv (about a minute the first time)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec"
# what is installed now: the test extra includes everything the plain install has
{
  echo "$state $spec"
  [ "$spec" = ".[test]" ] && echo "$state ."
} > "$stamp"
say "done: $(.venv/bin/drivekg --version 2>/dev/null || echo drivekg) in .venv"
