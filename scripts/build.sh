#!/usr/bin/env bash
# Set up and build: the graph, its validation report and the site into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/drivekg build "$@"
