#!/usr/bin/env bash
# Do two pplc binaries decide alike? Runs both on the same inputs and compares every output
# byte for byte: stdout, stderr and exit status. Prints "same", or the first difference (and
# exits 1). For changes meant to leave every output as it was (performance work).
#
#   scripts/same-decisions.sh OLD_PPLC NEW_PPLC [DIR]
#
# Inputs (made here, deterministically; kept in DIR when given, else in a temporary directory):
#   - 200,000 generated claims (bench/generate.cpp, seed 1; PPL_SAME_CLAIMS to change the count)
#     from the file at 1, 2 and 3 threads, and from standard input (redirected, and a pipe);
#   - 4,000 bad and odd records made from generated claims by scripts/bad-records.py (cut off,
#     retyped and deleted fields, bad dates, bad UTF-8, blank lines, CRLF...; no final newline)
#     at 1, 2 and 3 threads, from the file and through a pipe;
#   - the example claims (examples/claims/*.json), one file each, all in one run, as a table, and
#     as NDJSON; a missing file and a directory as input.
# Each binary decides with its own pack, built from this tree's policies/ (`pplc build`), and
# runs in a directory of its own, so messages naming files read the same. The claim generator
# is PPL_GENERATE, by default bench/ppl_bench_generate beside NEW_PPLC.
set -uo pipefail

if (($# < 2 || $# > 3)); then
  echo "usage: $0 OLD_PPLC NEW_PPLC [DIR]" >&2
  exit 2
fi
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
old="$(abs "$1")"
new="$(abs "$2")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
generate="${PPL_GENERATE:-$(dirname "$new")/bench/ppl_bench_generate}"
count="${PPL_SAME_CLAIMS:-200000}"
for f in "$old" "$new" "$generate"; do
  if [[ ! -x "$f" ]]; then
    echo "same-decisions.sh: $f is not an executable (set PPL_GENERATE for the claim generator)" >&2
    exit 2
  fi
done

if (($# == 3)); then
  dir="$3"
  mkdir -p "$dir"
else
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' EXIT
fi
dir="$(cd "$dir" && pwd)"
in="$dir/inputs"
mkdir -p "$in" "$dir/old" "$dir/new"

# Inputs, remade only when missing.
if [[ ! -s "$in/claims.ndjson" || "$(cat "$in/claims.args" 2>/dev/null)" != "$count" ]]; then
  "$generate" --count "$count" --seed 1 >"$in/claims.ndjson" || exit 2
  echo "$count" >"$in/claims.args"
fi
if [[ ! -s "$in/bad.ndjson" ]]; then
  "$generate" --count 3000 --seed 7 | python3 "$root/scripts/bad-records.py" --count 4000 --seed 7 \
    >"$in/bad.ndjson" || exit 2
fi
examples=()
for f in "$root"/examples/claims/*.json; do
  [[ "$f" == *.expected.json ]] || examples+=("$f")
done
python3 -c '
import json, sys
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        print(json.dumps(json.load(f), separators=(",", ":"), ensure_ascii=False))
' "${examples[@]}" >"$in/examples.ndjson" || exit 2
mkdir -p "$in/a-directory"

for side in old new; do
  bin="$old"
  [[ "$side" == new ]] && bin="$new"
  (cd "$dir/$side" && "$bin" build "$root/policies" -o pack.pplb >build.out 2>build.err) || {
    echo "differs: $side could not build the pack ($dir/$side/build.err)"
    exit 1
  }
done

cases=0
# first_difference OLD_FILE NEW_FILE: where the two outputs first differ, and those lines.
first_difference() {
  local a="$1" b="$2"
  local at
  at="$(cmp "$a" "$b" 2>&1 | head -n 1)"
  echo "  $at"
  local line
  line="$(cmp "$a" "$b" 2>/dev/null | sed -n 's/.* line \([0-9]*\)$/\1/p')"
  if [[ -n "$line" ]]; then
    echo "  old: $(sed -n "${line}p" "$a" | cut -c 1-300)"
    echo "  new: $(sed -n "${line}p" "$b" | cut -c 1-300)"
  fi
}

# same NAME STDIN_MODE ARGS...: runs `pplc ARGS...` with each binary (STDIN_MODE: `-` for none,
# `<FILE` redirected, `|FILE` through a pipe) and compares stdout, stderr and exit status.
same() {
  local name="$1" mode="$2"
  shift 2
  local side bin
  for side in old new; do
    bin="$old"
    [[ "$side" == new ]] && bin="$new"
    (
      cd "$dir/$side" || exit 99
      case "$mode" in
        -) "$bin" "$@" </dev/null >"$name.out" 2>"$name.err" ;;
        \<*) "$bin" "$@" <"${mode#<}" >"$name.out" 2>"$name.err" ;;
        \|*) cat "${mode#|}" | "$bin" "$@" >"$name.out" 2>"$name.err" ;;
      esac
      echo $? >"$name.rc"
    )
  done
  cases=$((cases + 1))
  local stream
  for stream in rc err out; do
    if ! cmp -s "$dir/old/$name.$stream" "$dir/new/$name.$stream"; then
      echo "differs: $name ($*): $(case $stream in rc) echo "exit status $(cat "$dir/old/$name.rc") against $(cat "$dir/new/$name.rc")" ;; err) echo stderr ;; out) echo stdout ;; esac)"
      [[ "$stream" != rc ]] && first_difference "$dir/old/$name.$stream" "$dir/new/$name.$stream"
      exit 1
    fi
  done
  rm -f "$dir/old/$name.out" "$dir/new/$name.out"  # the large ones
}

for t in 1 2 3; do
  same "claims-t$t" - eval --ndjson --threads "$t" pack.pplb "$in/claims.ndjson"
  same "bad-t$t" - eval --ndjson --threads "$t" pack.pplb "$in/bad.ndjson"
  same "bad-pipe-t$t" "|$in/bad.ndjson" eval --ndjson --threads "$t" pack.pplb -
done
same "claims-stdin-t1" "<$in/claims.ndjson" eval --ndjson pack.pplb -
same "claims-stdin-t2" "<$in/claims.ndjson" eval --ndjson --threads 2 pack.pplb -
same "claims-pipe-t3" "|$in/claims.ndjson" eval --ndjson --threads 3 pack.pplb -
same "bad-no-threads-option" - eval --ndjson pack.pplb "$in/bad.ndjson"
same "bad-from-source" - eval --ndjson "$root/policies" "$in/bad.ndjson"
same "examples-ndjson-t1" - eval --ndjson pack.pplb "$in/examples.ndjson"
same "examples-ndjson-t2" - eval --ndjson --threads 2 pack.pplb "$in/examples.ndjson"
same "examples-together" - eval pack.pplb "${examples[@]}"
same "examples-table" - eval --format=table pack.pplb "${examples[@]}"
same "examples-stdin" "<${examples[0]}" eval pack.pplb -
for f in "${examples[@]}"; do
  same "example-$(basename "$f" .json)" - eval pack.pplb "$f"
done
same "missing-file" - eval --ndjson --threads 2 pack.pplb "$in/no-such-file.ndjson"
same "directory" - eval --ndjson --threads 2 pack.pplb "$in/a-directory"
same "two-inputs" - eval --ndjson --threads 2 pack.pplb "$in/examples.ndjson" "$in/bad.ndjson"

echo "same"
echo "($cases cases: stdout, stderr and exit status of each)" >&2
