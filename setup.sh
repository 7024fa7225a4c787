#!/usr/bin/env bash
# Installs the Debian packages PPL's build needs (only those missing) and builds the tree into
# build/ (the CLI at build/pplc). Safe to run again: a built tree is left as it is, quickly.
#
#   ./setup.sh            install what is missing, configure once, build incrementally
#
# Works as root, or as a user with sudo.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="$root/build"

# python3 runs the differential test against tests/oracle/ and scripts/bad-records.py.
packages=(antlr4 libantlr4-runtime-dev libfmt-dev catch2 libsimdjson-dev nlohmann-json3-dev cmake make g++ python3)
# ANTLR's tool runs on Java: bring a runtime only when there is none.
if ! command -v java >/dev/null 2>&1; then
  packages+=(default-jre-headless)
fi

missing=()
for p in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}"
  sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "setup: not root and no sudo: install these packages first: ${missing[*]}" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build_dir" -j"$(nproc)"
echo "setup: built $build_dir/pplc"
