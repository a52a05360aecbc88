#!/usr/bin/env bash
# `make test` runs this first: a venv under .build/export-venv holding `cryptography` from PyPI
# (scripts/export_requirements.txt), for scripts/export_verify.py, the independent reader of
# Candor's export format that ExportCommandTests runs against an export Candor made.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=.build/export-venv
"$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || scripts/need-packages.sh /usr/share/doc/python3-venv python3-venv
if ! "$VENV/bin/python" -c 'import cryptography' 2>/dev/null; then
  echo "== installing cryptography into $VENV"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r scripts/export_requirements.txt
fi
"$VENV/bin/python" -c 'import cryptography; print("export venv: cryptography", cryptography.__version__)'
