#!/usr/bin/env bash
# `pplc fmt`: --check lists what would change and exits 1, files are rewritten in place only when
# they change, `-` formats standard input, a file that does not parse is reported and untouched.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

run fmt --check "$POLICIES" "$SRC/examples" "$SRC/tests/golden" "$SRC/stdlib/claim.ppl"
expect_rc 0 "fmt --check: the repository's sources are formatted"
expect_stdout_empty "fmt --check: nothing listed for formatted sources"

dir="$TMP/pack"
mkdir -p "$dir/sub"
cp "$POLICIES"/*.ppl "$dir/"
messy="$dir/sub/messy.ppl"
printf 'module   messy\nconst x=1   // one\n\n\n\ndefine y =x+ 2\n' >"$messy"
canonical="$(printf 'module messy\nconst x = 1  // one\n\ndefine y = x + 2\n')"

run fmt --check "$dir"
expect_rc 1 "fmt --check: an unformatted file"
check "fmt --check: lists exactly the file that would change" \
  test "$(cat "$OUT")" == "$messy"
check "fmt --check: writes nothing" grep -q 'module   messy' "$messy"
run fmt --check "$messy" "$dir" "$messy"
check "fmt --check: a file named twice, and in its directory, is listed once" test "$(cat "$OUT")" == "$messy"

# A directory without .ppl files is an error, as check and build make it: `fmt --check` on a
# misspelt or emptied directory must not pass a CI job (audit19b).
mkdir -p "$TMP/no-sources/sub"
printf 'not a source\n' >"$TMP/no-sources/sub/readme.txt"
for flag in --check --stdout ""; do
  run fmt $flag "$TMP/no-sources"
  expect_rc 1 "fmt $flag: a directory without .ppl files"
  expect_stderr 'no-sources: no `\.ppl` files in this directory or under it' "fmt $flag: a directory without .ppl files: said"
done

run fmt --help
expect_rc 0 "fmt --help"
expect_stdout "^Usage: pplc fmt" "fmt --help: usage line"

run fmt --bogus "$dir"
expect_rc 2 "fmt: unknown option"
run fmt
expect_rc 2 "fmt: no operands"
run fmt --check --stdout "$dir"
expect_rc 2 "fmt: --check with --stdout"

run fmt --stdout "$messy"
expect_rc 0 "fmt --stdout"
check "fmt --stdout: prints the canonical text" test "$(cat "$OUT")" == "$canonical"
check "fmt --stdout: leaves the file" grep -q 'module   messy' "$messy"

touch -d '2001-01-01' "$dir/pack.ppl"
before="$(stat -c %Y "$dir/pack.ppl")"
run fmt "$dir"
expect_rc 0 "fmt DIR: rewrites in place"
expect_stdout_empty "fmt DIR: prints nothing"
check "fmt DIR: the messy file is canonical" test "$(cat "$messy")" == "$canonical"
check "fmt DIR: a formatted file is not rewritten" test "$(stat -c %Y "$dir/pack.ppl")" == "$before"
check "fmt DIR: no temporary file left" test -z "$(find "$dir" -name '*.tmp')"

run fmt --check "$dir"
expect_rc 0 "fmt --check after fmt"

printf 'module linked\nconst x=1\n' >"$TMP/target.ppl"
ln -s "$TMP/target.ppl" "$TMP/link.ppl"
run fmt "$TMP/link.ppl"
expect_rc 0 "fmt LINK"
check "fmt LINK: the link stays a link" test -L "$TMP/link.ppl"
check "fmt LINK: its target is formatted" test "$(cat "$TMP/target.ppl")" == "$(printf 'module linked\nconst x = 1\n')"

printf 'module kept\nconst x=1\n' >"$TMP/mode.ppl"
chmod 640 "$TMP/mode.ppl"
run fmt "$TMP/mode.ppl"
check "fmt FILE: its permissions are kept" test "$(stat -c %a "$TMP/mode.ppl")" == 640

run_stdin "$messy" fmt -
expect_rc 0 "fmt -: stdin"
check "fmt -: stdin formatted to stdout" test "$(cat "$OUT")" == "$canonical"
printf 'module m\nconst x=1\n' >"$TMP/in.ppl"
run_stdin "$TMP/in.ppl" fmt -
check "fmt -: messy stdin" test "$(cat "$OUT")" == "$(printf 'module m\nconst x = 1\n')"
run_stdin "$TMP/in.ppl" fmt --check -
expect_rc 1 "fmt --check -: stdin would change"
expect_stdout '^<stdin>$' "fmt --check -: listed as <stdin>"

bad="$TMP/bad.ppl"
printf 'module bad\nrule R\n  require 1 + else deny CO 50\n' >"$bad"
cp "$bad" "$TMP/bad.orig"
run fmt "$bad"
expect_rc 1 "fmt: syntax error"
expect_stderr 'bad\.ppl:3:[0-9]+: error' "fmt: syntax error located as file:line:col"
check "fmt: a file with errors is untouched" cmp -s "$bad" "$TMP/bad.orig"
run fmt --check "$bad"
expect_rc 1 "fmt --check: syntax error"

run fmt "$TMP/no-such.ppl"
expect_rc 1 "fmt: missing file"
expect_stderr 'no-such\.ppl' "fmt: missing file named"

finish
