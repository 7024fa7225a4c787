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

# A line too long for the memory left (120 MB under a 150 MB address-space limit): the lines
# before it are decided and written, on one thread and on two, then the run stops with exit 1.
# Not under a sanitizer, whose runtime reserves far more address space than the limit.
libraries="$(ldd "$PPLC" 2>/dev/null || true)"  # not piped to grep -q: pipefail and SIGPIPE
if [[ "$libraries" != *libasan* && "$libraries" != *libtsan* ]]; then
  approve_line="$(tr -d '\n' <"$(example commercial-approve)")"
  { echo "$approve_line"; echo "$approve_line"; head -c 120000000 /dev/zero | tr '\0' ' '; echo; echo "$approve_line"; } \
    >"$TMP/huge.ndjson"
  for t in 1 2; do
    (ulimit -v 150000; "$PPLC" eval --ndjson --threads "$t" "$TMP/pack.pplb" "$TMP/huge.ndjson" >"$OUT" 2>"$ERR")
    RC=$?
    expect_rc 1 "a line too long to hold, --threads $t"
    check "a line too long to hold, --threads $t: the two lines before it decided" \
      test "$(grep -c '^{"claim_id":"CLM-COMMERCIAL-APPROVE","policy"' "$OUT")" = 2
    expect_stderr 'cannot read: out of memory: a line is too long to hold' "a line too long to hold, --threads $t"
  done
  rm -f "$TMP/huge.ndjson"
fi

run eval --ndjson --threads 0 "$POLICIES" "$input"
expect_rc 2 "--threads 0"
expect_stderr 'needs a number of threads from 1 to 256' "--threads 0"
run eval --threads 2 "$POLICIES" "$(example commercial-approve)"
expect_rc 2 "--threads without --ndjson"
expect_stderr 'works with `--ndjson` only' "--threads without --ndjson"

finish
