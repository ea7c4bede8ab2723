#!/usr/bin/env bash
# Create .venv and install drivekg into it (editable). Usage: scripts/setup.sh [EXTRA]
# EXTRA "test" also installs what the test suite needs (pytest, the oxigraph server, readers).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "${1:-}" = "test" ]; then
  .venv/bin/python -m pip install --quiet -e ".[test]"
else
  .venv/bin/python -m pip install --quiet -e .
fi
