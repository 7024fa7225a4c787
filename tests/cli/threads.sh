#!/usr/bin/env bash
# `pplc eval --ndjson --threads N`: the same output bytes, exit status and stderr as one thread,
# on a few thousand generated claims (bench/generate.cpp) with bad records among them.
#   bash tests/cli/threads.sh PPLC SOURCE_DIR GENERATOR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
GENERATE="${3:?usage: threads.sh PPLC SOURCE_DIR GENERATOR}"

input="$TMP/claims.ndjson"
"$GENERATE" --count 3000 --seed 11 >"$input"
check "generated 3000 claims" test "$(wc -l <"$input")" = 3000

# Bad records among the good ones, and a line longer than a batch (an unknown field of 300 kB).
mixed="$TMP/mixed.ndjson"
{
  sed -n '1,700p' "$input"
  echo '{"claim_id": "CLM-BROK'
  sed -n '701,1500p' "$input"
  echo
  printf '{"note": "'; head -c 300000 /dev/zero | tr '\0' x; printf '", '; head -n 1 "$input" | cut -c 2-
  sed -n '1501,2999p' "$input" | sed '1200s/"units":[0-9]*/"units":-1/'
  sed -n '3000p' "$input" | tr -d '\n'  # the last line has no '\n'
} >"$mixed"

# expect_same WHAT FILE ARGS...: --threads N for N in 2 3 8 prints what one thread prints.
expect_same() {
  local what="$1" file="$2"
  shift 2
  "$PPLC" eval --ndjson "$@" "$file" >"$TMP/one.out" 2>"$TMP/one.err"
  local want=$?
  local n
  for n in 2 3 8; do
    run eval --ndjson --threads "$n" "$@" "$file"
    expect_rc "$want" "$what, --threads $n: exit status"
    check "$what, --threads $n: stdout is byte-identical to one thread" cmp -s "$OUT" "$TMP/one.out"
    check "$what, --threads $n: stderr is identical" cmp -s "$ERR" "$TMP/one.err"
  done
}

expect_same "good claims" "$input" "$POLICIES"
check "good claims: one line each" test "$(wc -l <"$TMP/one.out")" = 3000
check "good claims: every one decided" test "$(grep -c '"error"' "$TMP/one.out")" = 0

"$PPLC" build "$POLICIES" -o "$TMP/pack.pplb" >/dev/null 2>&1
expect_same "bad records among them, from a .pplb" "$mixed" "$TMP/pack.pplb"
check "bad records: one line each" test "$(wc -l <"$TMP/one.out")" = 3003
check "bad records: malformed, blank and schema-invalid ones reported" test "$(grep -c '"error"' "$TMP/one.out")" = 3
check "bad records: the long line is decided (a second decision of claim 1)" \
  test "$(grep -c '^{"claim_id":"BENCH-00000001","policy"' "$TMP/one.out")" = 2

run_stdin "$mixed" eval --ndjson --threads 2 "$TMP/pack.pplb" -
expect_rc 1 "stdin, --threads 2"
check "stdin, --threads 2: the same output as from the file" cmp -s "$OUT" "$TMP/one.out"

: >"$TMP/empty.ndjson"
run eval --ndjson --threads 2 "$POLICIES" "$TMP/empty.ndjson"
expect_rc 0 "empty input, --threads 2"
expect_stdout_empty "empty input, --threads 2"

run eval --ndjson --threads 0 "$POLICIES" "$input"
expect_rc 2 "--threads 0"
expect_stderr 'needs a number of threads from 1 to 256' "--threads 0"
run eval --threads 2 "$POLICIES" "$(example commercial-approve)"
expect_rc 2 "--threads without --ndjson"
expect_stderr 'works with `--ndjson` only' "--threads without --ndjson"

finish
