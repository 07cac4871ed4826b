#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run them:
# Dovecot (the IMAP tests' real server), a virtualenv with the package and
# its test tools, lint, type check, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dovecot >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq dovecot-imapd >/dev/null
  else
    echo "dovecot-imapd is missing: run as root or 'sudo apt-get install -y dovecot-imapd'" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -e '.[test]'
# An editable install ships no bytecode, and PYTHONDONTWRITEBYTECODE may forbid
# writing it on import: compile once so every `feedback` start is as fast as an installed one.
.venv/bin/python -m compileall -q feedback >/dev/null

.venv/bin/ruff check feedback tests benchmarks
.venv/bin/ruff format --check feedback tests benchmarks
.venv/bin/mypy
.venv/bin/pytest -q "$@"
