#!/usr/bin/env bash
# Set up and run the whole test suite: Python packages into .venv, and the Debian packages the
# tests drive for real (Chromium for browser tests, raptor2-utils for an independent Turtle reader,
# libseccomp2 for the SPARQL sandbox).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v rapper >/dev/null 2>&1 || need+=(raptor2-utils)
# libseccomp: the SPARQL sandbox (pyseccomp loads it); every Debian has it, as apt needs it
ldconfig -p 2>/dev/null | grep 'libseccomp\.so\.2' >/dev/null || need+=(libseccomp2)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "test: installing Debian packages: ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
bash scripts/setup.sh test
# Every external tool is required here: a test that cannot find one fails instead of skipping.
export DRIVEKG_REQUIRE_TOOLS=1
echo "test: ruff" >&2
.venv/bin/ruff check src tests
echo "test: mypy --strict" >&2
.venv/bin/mypy
echo "test: pytest" >&2
exec .venv/bin/python -m pytest "$@"
