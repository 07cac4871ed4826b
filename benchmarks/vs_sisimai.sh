#!/usr/bin/env bash
# Accuracy and speed beside Sisimai on the shared corpus (needs Debian's libsisimai-perl):
#   bash benchmarks/vs_sisimai.sh [REPEAT]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
../shared/tools/score-corpus --sisimai --repeat "${1:-10}"
