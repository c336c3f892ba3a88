#!/usr/bin/env bash
# Configures and builds bellows. Usage: scripts/build.sh [BUILD_DIR] [BUILD_TYPE] [SANITIZERS]
#   scripts/build.sh                          -> build/, RelWithDebInfo
#   scripts/build.sh build-asan Debug address,undefined
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build}"
type="${2:-RelWithDebInfo}"
sanitize="${3:-}"
jobs="$(nproc 2>/dev/null || echo 2)"
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" -DBELLOWS_SANITIZE="$sanitize" \
  -DBELLOWS_UNITY_BUILD="${BELLOWS_UNITY_BUILD:-ON}" >/dev/null
cmake --build "$dir" -j "$jobs"
