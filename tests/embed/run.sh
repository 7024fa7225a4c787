#!/usr/bin/env bash
# The installed package works downstream. Installs the build into a temporary prefix, compiles
# the J9027 pack with the installed pplc, builds examples/embed-c and examples/embed-cpp as
# separate CMake projects against the installed package (find_package(ppl CONFIG)), and checks
# that for every example claim their stdout equals `pplc eval PACK.pplb CLAIM.json` and their
# accessor summary equals the `pplc eval --format=table` row. Also: the C example built with
# pkg-config alone, a consumer of ppl::compiler, and no ANTLR or compiler code in libppl.a.
#
# Usage (ctest runs it): run.sh PPLC SOURCE_DIR BUILD_DIR [SANITIZER_FLAGS]
# SANITIZER_FLAGS ("-fsanitize=address,undefined") are passed to the downstream builds when the
# build under test is sanitized, since exported targets do not carry link options.
set -uo pipefail

if (($# < 3)); then
  echo "usage: $0 PPLC SOURCE_DIR BUILD_DIR [SANITIZER_FLAGS]" >&2
  exit 2
fi
PPLC="$1"
SRC="$2"
BUILD="$3"
SANITIZE="${4:-}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
PREFIX="$TMP/prefix"
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*"
}
check() {
  local what="$1"
  shift
  if "$@"; then pass; else fail "$what"; fi
}
# show FILE: the first lines of a log, for a failure.
show() { head -n 30 "$1" | sed 's/^/  | /'; }
finish() {
  echo "$(basename "$0" .sh): $passed passed, $failed failed"
  ((failed == 0))
  exit $?
}

flags=()
if [[ -n "$SANITIZE" ]]; then
  flags=(-DCMAKE_C_FLAGS="$SANITIZE" -DCMAKE_CXX_FLAGS="$SANITIZE" -DCMAKE_EXE_LINKER_FLAGS="$SANITIZE")
fi

# 1. Install.
if ! cmake --install "$BUILD" --prefix "$PREFIX" >"$TMP/install.log" 2>&1; then
  fail "cmake --install"
  show "$TMP/install.log"
  finish
fi
pass
libdir="$(dirname "$(find "$PREFIX" -name libppl.a | head -n 1)")"
for f in include/ppl/ppl.h include/ppl/ppl.hpp bin/pplc; do
  check "installed $f" test -f "$PREFIX/$f"
done
check "installed libppl.a" test -f "$libdir/libppl.a"
check "installed ppl-config.cmake" test -f "$libdir/cmake/ppl/ppl-config.cmake"
check "installed ppl.pc" test -f "$libdir/pkgconfig/ppl.pc"
check "installed the compiler library" test -f "$libdir/libppl_compiler.a"

# The embedding library holds the VM and nothing of the front end.
nm -C "$libdir/libppl.a" 2>/dev/null >"$TMP/nm.txt"
check "libppl.a defines ppl_decide_json" grep -q ' T ppl_decide_json$' "$TMP/nm.txt"
check "libppl.a has no ANTLR" bash -c "! grep -qi antlr '$TMP/nm.txt'"
check "libppl.a has no compiler code" bash -c "! grep -qE 'ppl::(compilePolicies|Checker|Parser|CodeGen)' '$TMP/nm.txt'"

# 2. The pack, compiled by the installed pplc.
PACK="$TMP/j9027.pplb"
check "installed pplc builds the pack" "$PREFIX/bin/pplc" build "$SRC/policies" -o "$PACK"

claims=()
for f in "$SRC"/examples/claims/*.json; do
  [[ "$f" == *.expected.json ]] && continue
  claims+=("$f")
done
check "example claims found" test "${#claims[@]}" -gt 0

# What pplc says, per claim and for all claims in one run.
for claim in "${claims[@]}"; do
  name="$(basename "$claim" .json)"
  "$PPLC" eval "$PACK" "$claim" >"$TMP/$name.want.json" 2>/dev/null
  "$PPLC" eval --format=table "$PACK" "$claim" 2>/dev/null | tail -n +2 | tr -s ' ' >"$TMP/$name.want.txt"
done
"$PPLC" eval "$PACK" "${claims[@]}" >"$TMP/want-all.json" 2>/dev/null

# 3. The examples, each a separate CMake project against the installed package.
for example in embed-c embed-cpp; do
  dir="$TMP/build-$example"
  if ! cmake -S "$SRC/examples/$example" -B "$dir" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "${flags[@]}" >"$TMP/$example-configure.log" 2>&1; then
    fail "$example: configure against the installed package"
    show "$TMP/$example-configure.log"
    continue
  fi
  if ! cmake --build "$dir" >"$TMP/$example-build.log" 2>&1; then
    fail "$example: build"
    show "$TMP/$example-build.log"
    continue
  fi
  pass
  bin="$dir/$example"

  # Every claim on its own: the JSON equals pplc's, the summary equals pplc's table row.
  for claim in "${claims[@]}"; do
    name="$(basename "$claim" .json)"
    if ! "$bin" "$PACK" "$claim" >"$TMP/got.json" 2>"$TMP/got.txt"; then
      fail "$example $name: exit status"
      show "$TMP/got.txt"
      continue
    fi
    if cmp -s "$TMP/$name.want.json" "$TMP/got.json"; then pass; else
      fail "$example $name: decision JSON differs from pplc eval"
      diff "$TMP/$name.want.json" "$TMP/got.json" | head -n 20 | sed 's/^/  | /'
    fi
    if cmp -s "$TMP/$name.want.txt" "$TMP/got.txt"; then pass; else
      fail "$example $name: accessor summary differs from pplc eval --format=table"
      diff "$TMP/$name.want.txt" "$TMP/got.txt" | sed 's/^/  | /'
    fi
  done

  # All claims in one run (one evaluator reused): the same as pplc deciding them together.
  "$bin" "$PACK" "${claims[@]}" >"$TMP/got-all.json" 2>/dev/null
  check "$example: all claims in one run equal pplc eval" cmp -s "$TMP/want-all.json" "$TMP/got-all.json"

  # Bad input: a damaged pack and a bad claim are reported, exit 1, no crash.
  head -c 100 "$PACK" >"$TMP/short.pplb"
  "$bin" "$TMP/short.pplb" "${claims[0]}" >/dev/null 2>"$TMP/err.txt"
  check "$example: damaged pack exits 1" test $? -eq 1
  check "$example: damaged pack reported" grep -q "not a valid compiled policy pack" "$TMP/err.txt"
  sed '0,/"units": [0-9]*/s//"units": -1/' "${claims[0]}" >"$TMP/bad.json"
  "$bin" "$PACK" "$TMP/bad.json" >/dev/null 2>"$TMP/err.txt"
  check "$example: bad claim exits 1" test $? -eq 1
  check "$example: bad claim reported with its path" grep -q "bad.json: /lines/0/units: must be" "$TMP/err.txt"
  # An empty claim is bad input, reported as pplc reports it.
  : >"$TMP/empty.json"
  "$bin" "$PACK" "$TMP/empty.json" >/dev/null 2>"$TMP/err.txt"
  check "$example: empty claim exits 1" test $? -eq 1
  "$PPLC" eval "$PACK" "$TMP/empty.json" >/dev/null 2>"$TMP/want-err.txt"
  check "$example: empty claim reported as pplc eval reports it" cmp -s "$TMP/want-err.txt" "$TMP/err.txt"
done

# 4. pkg-config alone (no CMake): the C example.
if command -v pkg-config >/dev/null; then
  export PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  # shellcheck disable=SC2046
  if cc -std=c11 -Wall -Wextra -Werror $SANITIZE $(pkg-config --cflags ppl) "$SRC/examples/embed-c/main.c" \
    -o "$TMP/embed-c-pc" $(pkg-config --libs ppl) $SANITIZE >"$TMP/pc.log" 2>&1; then
    pass
    "$TMP/embed-c-pc" "$PACK" "${claims[@]}" >"$TMP/got-pc.json" 2>/dev/null
    check "pkg-config build: same output as pplc eval" cmp -s "$TMP/want-all.json" "$TMP/got-pc.json"
  else
    fail "pkg-config build of examples/embed-c"
    show "$TMP/pc.log"
  fi
fi

# 5. ppl::compiler: a consumer compiles the policies with the installed compiler library.
mkdir -p "$TMP/compiler-consumer"
cat >"$TMP/compiler-consumer/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.25)
project(compiler_consumer LANGUAGES CXX)
find_package(ppl CONFIG REQUIRED COMPONENTS compiler)
add_executable(consumer main.cpp)
set_target_properties(consumer PROPERTIES CXX_STANDARD 17)
target_link_libraries(consumer PRIVATE ppl::compiler)
EOF
cat >"$TMP/compiler-consumer/main.cpp" <<'EOF'
#include <cstdio>
#include "compiler/compiler.h"
int main(int argc, char** argv) {
  ppl::Program program;
  ppl::Diagnostics diags;
  ppl::SourceManager sources;
  if (argc < 2 || !ppl::compilePolicies({argv[1]}, program, diags, sources)) return 1;
  std::printf("%zu policies\n", program.policies.size());
  return 0;
}
EOF
if cmake -S "$TMP/compiler-consumer" -B "$TMP/compiler-consumer/build" -DCMAKE_PREFIX_PATH="$PREFIX" "${flags[@]}" \
  >"$TMP/cc.log" 2>&1 && cmake --build "$TMP/compiler-consumer/build" >>"$TMP/cc.log" 2>&1; then
  pass
  check "ppl::compiler consumer compiles the pack" \
    bash -c "'$TMP/compiler-consumer/build/consumer' '$SRC/policies' | grep -qE '^[1-9][0-9]* policies$'"
else
  fail "ppl::compiler consumer: configure and build"
  show "$TMP/cc.log"
fi

finish
