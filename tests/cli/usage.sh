#!/usr/bin/env bash
# pplc's command line: help, version, and exit status 2 for every usage error, with a hint.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

run
expect_rc 2 "no arguments"
expect_stderr 'pplc --help' "no arguments: hint to --help"

run frobnicate
expect_rc 2 "unknown command"
expect_stderr 'unknown command `frobnicate`' "unknown command: named"

run --bogus
expect_rc 2 "unknown global option"

for cmd in check build eval disasm test; do
  run "$cmd" --bogus "$POLICIES"
  expect_rc 2 "$cmd: unknown option"
  expect_stderr "unknown option \`--bogus\`" "$cmd: unknown option named"
  expect_stderr "pplc $cmd --help" "$cmd: hint to --help"
  expect_stdout_empty "$cmd: unknown option"

  run "$cmd"
  expect_rc 2 "$cmd: no operands"

  # `-` where only files are read (audit19b): a usage error, not "no such file". eval reads its
  # claims from `-`, never its policies.
  case "$cmd" in
    build) run build - -o "$TMP/stdin.pplb" ;;
    eval) run eval - "$SRC/examples/claims/commercial-approve.json" ;;
    *) run "$cmd" - ;;
  esac
  expect_rc 2 "$cmd -: standard input is not read"
  expect_stderr "pplc $cmd: \`-\`: " "$cmd -: said so"

  run "$cmd" --help
  expect_rc 0 "$cmd --help"
  expect_stdout "^Usage: pplc $cmd" "$cmd --help: usage line"

  run help "$cmd"
  expect_rc 0 "help $cmd"
  expect_stdout "^Usage: pplc $cmd" "help $cmd: usage line"
done

run build "$POLICIES"
expect_rc 2 "build without -o"
expect_stderr '-o' "build without -o: says what is missing"

run build "$POLICIES" -o
expect_rc 2 "build with -o and no file"

run eval "$POLICIES"
expect_rc 2 "eval without a claim"

run eval --format=xml "$POLICIES" "$(example commercial-approve)"
expect_rc 2 "eval with an unknown format"
expect_stderr 'unknown format `xml`: expected json, table or explain' "eval with an unknown format: the formats named"

run eval --ndjson --format=table "$POLICIES" "$(example commercial-approve)"
expect_rc 2 "eval --ndjson with --format=table"
expect_stderr '`--format=table` cannot be combined with `--ndjson`' "eval --ndjson with --format=table: said"

run eval "$POLICIES" - -
expect_rc 2 "eval reading stdin twice"

for h in --help -h help; do
  run "$h"
  expect_rc 0 "pplc $h"
  expect_stdout '^Usage: pplc COMMAND' "pplc $h: usage line"
  expect_stdout '^  eval ' "pplc $h: lists eval"
  expect_stdout '^  test ' "pplc $h: lists test"
done

# An output option given twice, or as `-` where the output is a file, is a usage error (the
# last one won, and `-` made a file named `-`).
run build "$POLICIES" -o "$TMP/a.pplb" -o "$TMP/b.pplb"
expect_rc 2 "build -o twice"
run build "$POLICIES" -o -
expect_rc 2 "build -o -"
check "build -o -: no file named -" test ! -e -
run test --junit "$TMP/a.xml" --junit "$TMP/b.xml" "$POLICIES/tests"
expect_rc 2 "test --junit twice"
run test --junit - "$POLICIES/tests"
expect_rc 2 "test --junit -"

run help --help
expect_rc 0 "help --help"
expect_stdout '^Usage: pplc COMMAND' "help --help: the usage (it said to try itself)"

run help frobnicate
expect_rc 2 "help for an unknown command"

run --version
expect_rc 0 "--version"
expect_stdout '^pplc [0-9]' "--version: prints the version"

# Help and the version lost to a full disk are an error, said on stderr.
if [ -c /dev/full ]; then
  for args in "--version" "help" "help eval" "eval --help"; do
    # shellcheck disable=SC2086
    "$PPLC" $args >/dev/full 2>"$ERR"
    RC=$?
    expect_rc 1 "$args to a full disk"
    expect_stderr '^pplc: cannot write the output$' "$args to a full disk: said"
  done
fi

finish
