# Shared by the CLI tests (sourced, not run). Each test is run by ctest as
#   bash tests/cli/TEST.sh PATH/TO/pplc SOURCE_DIR
# and reports `N passed, N failed`; it exits non-zero when any check failed.
set -uo pipefail

if (($# < 2)); then
  echo "usage: $0 PPLC SOURCE_DIR" >&2
  exit 2
fi
PPLC="$1"
SRC="$2"
POLICIES="$SRC/policies"
CLAIMS="$SRC/examples/claims"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
OUT="$TMP/stdout"
ERR="$TMP/stderr"
RC=0
passed=0
failed=0

# run ARGS...: runs pplc with ARGS; sets RC, and leaves its output in $OUT and $ERR.
run() {
  "$PPLC" "$@" >"$OUT" 2>"$ERR"
  RC=$?
}

# run_stdin FILE ARGS...: as run, with FILE on standard input.
run_stdin() {
  local input="$1"
  shift
  "$PPLC" "$@" <"$input" >"$OUT" 2>"$ERR"
  RC=$?
}

pass() {
  passed=$((passed + 1))
}

fail() {
  failed=$((failed + 1))
  echo "FAIL: $*"
  echo "  --- stdout (first lines)"
  head -n 8 "$OUT" 2>/dev/null | sed 's/^/  | /'
  echo "  --- stderr (first lines)"
  head -n 8 "$ERR" 2>/dev/null | sed 's/^/  | /'
}

# check DESCRIPTION CONDITION...: passes when the command CONDITION... succeeds.
check() {
  local what="$1"
  shift
  if "$@"; then pass; else fail "$what"; fi
}

expect_rc() {
  local want="$1" what="$2"
  if [[ "$RC" == "$want" ]]; then pass; else fail "$what: exit $RC, expected $want"; fi
}

# expect_stderr REGEX WHAT / expect_stdout REGEX WHAT: an extended regex matches some line.
expect_stderr() {
  if grep -Eq -- "$1" "$ERR"; then pass; else fail "$2: stderr does not match /$1/"; fi
}
expect_stdout() {
  if grep -Eq -- "$1" "$OUT"; then pass; else fail "$2: stdout does not match /$1/"; fi
}

expect_stdout_empty() {
  if [[ ! -s "$OUT" ]]; then pass; else fail "$1: stdout is not empty"; fi
}

# example NAME: the path of an example claim.
example() {
  echo "$CLAIMS/$1.json"
}

# The example claims (not their expected decisions), in name order.
example_claims() {
  local f
  for f in "$CLAIMS"/*.json; do
    [[ "$f" == *.expected.json ]] && continue
    echo "$f"
  done
}

# one_line FILE: the claim in FILE on one line (JSON strings hold no raw newlines).
one_line() {
  tr -d '\n' <"$1"
}

# deep_unknown_field FILE: the claim in FILE with a first key `zzz` holding arrays nested 100,000
# deep. First, because the JSON library copies a value (recursively) when later keys move it.
deep_unknown_field() {
  python3 -c '
import json, sys
claim = dict(zzz="@", **json.load(open(sys.argv[1])))
print(json.dumps(claim).replace("\"@\"", "[" * 100000 + "]" * 100000))
' "$1"
}

# flip_byte FILE OFFSET: inverts the bits of one byte in place.
flip_byte() {
  local file="$1" offset="$2" byte
  byte="$(od -An -tu1 -j "$offset" -N1 "$file" | tr -d ' \n')"
  printf "$(printf '\\%03o' $((byte ^ 0xFF)))" |
    dd of="$file" bs=1 seek="$offset" conv=notrunc status=none
}

finish() {
  echo "$(basename "$0" .sh): $passed passed, $failed failed"
  ((failed == 0))
}
