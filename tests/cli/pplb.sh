#!/usr/bin/env bash
# `pplc build` writes a .pplb that decides exactly as the sources do; a damaged .pplb is bad
# input (exit 1, with a message naming the file), never a crash.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pack="$TMP/pack.pplb"
run build "$POLICIES" -o "$pack"
expect_rc 0 "build"
check "build: wrote a non-empty file" test -s "$pack"
check "build: no temporary file left" test ! -e "$pack.tmp"

mapfile -t all < <(example_claims)

# Pretty output for every example claim: the same from the .pplb as from the sources.
"$PPLC" eval "$POLICIES" "${all[@]}" >"$TMP/from-source.json" 2>/dev/null
run eval "$pack" "${all[@]}"
expect_rc 0 "eval from .pplb"
check "eval from .pplb: same output as from source" cmp -s "$OUT" "$TMP/from-source.json"

for f in "${all[@]}"; do one_line "$f"; echo; done >"$TMP/all.ndjson"
"$PPLC" eval --ndjson "$POLICIES" "$TMP/all.ndjson" >"$TMP/from-source.ndjson" 2>/dev/null
run eval --ndjson "$pack" "$TMP/all.ndjson"
expect_rc 0 "eval --ndjson from .pplb"
check "eval --ndjson from .pplb: same output as from source" cmp -s "$OUT" "$TMP/from-source.ndjson"

"$PPLC" disasm "$POLICIES" >"$TMP/disasm-source.txt" 2>/dev/null
run disasm "$pack"
expect_rc 0 "disasm from .pplb"
check "disasm from .pplb: not empty" test -s "$OUT"
check "disasm from .pplb: same as from source" cmp -s "$OUT" "$TMP/disasm-source.txt"

# The same pack built twice is the same bytes.
run build "$POLICIES" -o "$TMP/again.pplb"
check "build: deterministic" cmp -s "$pack" "$TMP/again.pplb"

# Where the pack goes: never over a policy source; through a symbolic link to its target (the
# link stays); in place into what is not a regular file, so a full device is an error, not a
# regular file put where /dev/full was.
cp -r "$POLICIES" "$TMP/own"
run build "$TMP/own" -o "$TMP/own/prior-authorization.ppl"
expect_rc 2 "build -o a policy source"
expect_stderr 'would overwrite a policy source' "build -o a policy source: said why"
check "build -o a policy source: the source is intact" cmp -s "$TMP/own/prior-authorization.ppl" "$POLICIES/prior-authorization.ppl"
: >"$TMP/target.pplb"
ln -s target.pplb "$TMP/link.pplb"
run build "$POLICIES" -o "$TMP/link.pplb"
expect_rc 0 "build -o a symbolic link"
check "build -o a symbolic link: still a link" test -L "$TMP/link.pplb"
check "build -o a symbolic link: the target written" cmp -s "$TMP/target.pplb" "$pack"
: >"$TMP/mode.pplb"
chmod 604 "$TMP/mode.pplb"
run build "$POLICIES" -o "$TMP/mode.pplb"
check "build -o an existing file: its permissions are kept" test "$(stat -c %a "$TMP/mode.pplb")" == 604
check "build -o: no temporary file left" test -z "$(find "$TMP" -maxdepth 1 -name '.*.tmp')"
if [ -c /dev/full ]; then
  run build "$POLICIES" -o /dev/full
  expect_rc 1 "build -o /dev/full"
  expect_stderr '/dev/full: cannot write: No space left on device' "build -o /dev/full: said why"
  check "build -o /dev/full: still a device" test -c /dev/full
fi

# Damaged packs: one byte flipped (in the header, the middle, the last byte), truncated, empty.
size="$(wc -c <"$pack")"
approve="$(example commercial-approve)"
for offset in 0 8 $((size / 3)) $((size / 2)) $((size - 1)); do
  damaged="$TMP/flipped-$offset.pplb"
  cp "$pack" "$damaged"
  flip_byte "$damaged" "$offset"
  run eval "$damaged" "$approve"
  expect_rc 1 "byte $offset of $size flipped: eval"
  expect_stderr "flipped-$offset\\.pplb: " "byte $offset flipped: eval names the file"
  expect_stdout_empty "byte $offset flipped: no decision"
  run disasm "$damaged"
  expect_rc 1 "byte $offset of $size flipped: disasm"
done

head -c $((size / 2)) "$pack" >"$TMP/truncated.pplb"
run eval "$TMP/truncated.pplb" "$approve"
expect_rc 1 "truncated .pplb"
expect_stderr 'truncated\.pplb: ' "truncated .pplb: file named"

: >"$TMP/empty.pplb"
run eval "$TMP/empty.pplb" "$approve"
expect_rc 1 "empty .pplb"
expect_stderr 'empty\.pplb: ' "empty .pplb: file named"

run eval "$TMP/no-such.pplb" "$approve"
expect_rc 1 "missing .pplb"
expect_stderr 'no-such\.pplb: ' "missing .pplb: file named"

# A policy with errors writes nothing.
cat >"$TMP/bad.ppl" <<'PPL'
policy bad-pack version "1"
rule R-1 require 1 + else deny CO 50
PPL
run build "$TMP/bad.ppl" -o "$TMP/bad.pplb"
expect_rc 1 "build: bad policy"
check "build: bad policy writes no file" test ! -e "$TMP/bad.pplb"

# A pack is known by its magic whatever its name, and is never read as policy source or as a claim.
cp "$pack" "$TMP/PACK.PPLB"
cp "$pack" "$TMP/pack.bin"
for other in "$TMP/PACK.PPLB" "$TMP/pack.bin"; do
  run eval "$other" "${all[0]}"
  expect_rc 0 "eval from a pack named $(basename "$other")"
  check "eval from a pack named $(basename "$other"): decided as from source" \
    cmp -s "$OUT" <("$PPLC" eval "$POLICIES" "${all[0]}" 2>/dev/null)
  run build "$other" -o "$TMP/again.pplb"
  expect_rc 2 "build from a pack named $(basename "$other")"
  expect_stderr 'is already compiled' "build from a pack named $(basename "$other"): said"
done
run disasm "$pack" "$POLICIES"
expect_rc 2 "disasm of a pack beside sources: a usage error"
expect_stderr 'must be the only input' "disasm of a pack beside sources: said"
run eval "$POLICIES" "$pack"
expect_rc 1 "a pack given as the claim"
expect_stderr 'pack\.pplb: the input is a compiled policy pack \(\.pplb\), not a claim$' "a pack given as the claim: said"

run build "$POLICIES" -o "$TMP/no-such-dir/pack.pplb"
expect_rc 1 "build: unwritable output"
expect_stderr 'no-such-dir/pack\.pplb: ' "build: unwritable output named"

# The same sources build the same bytes however the directory is written: each source path is
# stored normalised, relative to the current directory when under it (review18c M3).
mkdir -p "$TMP/repro"
cp -r "$POLICIES" "$TMP/repro/policies"
(cd "$TMP/repro" && "$PPLC" build policies -o plain.pplb && "$PPLC" build ./policies -o dot.pplb &&
  "$PPLC" build "$PWD/policies" -o absolute.pplb && "$PPLC" build policies/ -o slash.pplb) >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "build: one pack, the directory written four ways"
for form in dot absolute slash; do
  check "build: \`policies\` and the $form form give identical bytes" cmp "$TMP/repro/plain.pplb" "$TMP/repro/$form.pplb"
done
check "build: the current directory is not in the pack" bash -c '! grep -qaF "$1" "$2"' _ "$TMP/repro" "$TMP/repro/absolute.pplb"
run disasm "$TMP/repro/absolute.pplb"
expect_stdout '; policies/prior-authorization\.ppl:20:6$' "build: a source named relative to the current directory"
# ... and however the files are ordered on the command line: sources are taken in the order of
# their stored paths.
(cd "$TMP/repro" &&
  "$PPLC" build policies/acme-commercial-j9027.ppl policies/medicare-part-b-j9027.ppl -o ab.pplb &&
  "$PPLC" build "$PWD/policies/medicare-part-b-j9027.ppl" ./policies/acme-commercial-j9027.ppl -o ba.pplb) \
  >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "build: two policies, in either order"
check "build: two policies give identical bytes in either order" cmp "$TMP/repro/ab.pplb" "$TMP/repro/ba.pplb"

finish
