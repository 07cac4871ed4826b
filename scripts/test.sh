#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run them:
# Dovecot (the IMAP tests' real server), Chromium (the report's browser test),
# a virtualenv with the package and its test tools, lint, type check, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_updated=
apt_install() {  # apt_install "APT OPTIONS" PACKAGE...
  local opts=$1
  shift
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
    # shellcheck disable=SC2086
    apt-get install -y -qq $opts "$@" >/dev/null
  else
    echo "$* missing: run as root or 'sudo apt-get install -y $*'" >&2
  fi
}
if ! command -v dovecot >/dev/null 2>&1; then
  apt_install "" dovecot-imapd
fi
if ! command -v chromium >/dev/null 2>&1; then
  # Headless only: no desktop helpers; one font family so that text draws.
  apt_install --no-install-recommends chromium fonts-liberation
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
