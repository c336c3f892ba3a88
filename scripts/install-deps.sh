#!/usr/bin/env bash
# Installs what bellows needs to build, test and run its demo on Debian 12 (with --fuzz, also
# what scripts/fuzz.sh needs). Idempotent: installs only what is missing, so it is quick when
# everything is there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git clang-format
  libsqlite3-dev sqlite3
  libpqxx-dev default-libmysqlclient-dev
  libcli11-dev libyaml-cpp-dev libssl-dev doctest-dev nlohmann-json3-dev
  postgresql mariadb-server
)
# Fuzzing only (scripts/fuzz.sh runs install-deps.sh --fuzz): clang with libFuzzer and the
# ASan/UBSan runtimes, which clang-14 only recommends.
fuzz_packages=(clang-14 libclang-rt-14-dev)
if [ "${1:-}" = "--fuzz" ]; then packages+=("${fuzz_packages[@]}"); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
