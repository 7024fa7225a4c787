#!/usr/bin/env bash
# `pplc eval --ndjson`: one output line per input line, in order; bad records become error
# lines and the run goes on; exit 1 when any record was bad.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

approve="$(example commercial-approve)"
medicare="$(example medicare-approve)"
waste="$(example commercial-waste-after-pended-dose)"
progression="$(example commercial-progression)"
noauth="$(example commercial-no-auth)"

input="$TMP/claims.ndjson"
{
  one_line "$approve"; echo
  one_line "$medicare"; echo
  one_line "$waste"; echo
  echo '{"claim_id": "CLM-BROK'                                     # malformed JSON
  one_line "$approve" | sed 's/"units": 40/"units": -1/'; echo     # schema-invalid
  echo                                                              # blank
  one_line "$progression"; echo
  one_line "$noauth"                                                # last line, no '\n'
} >"$input"
check "input has 8 lines" test "$(awk 'END { print NR }' "$input")" = 8

# Prints line N of stdout.
line() { sed -n "${1}p" "$OUT"; }

expect_ndjson_output() {
  local what="$1"
  check "$what: exactly 8 lines" test "$(wc -l <"$OUT")" = 8
  check "$what: line 1 decided" grep -Eq '^\{"claim_id": ?"CLM-COMMERCIAL-APPROVE",.*"decision": ?"approve"' <(line 1)
  check "$what: line 2 decided" grep -Eq '^\{"claim_id": ?"CLM-MEDICARE-APPROVE",.*"decision"' <(line 2)
  check "$what: line 3 decided" grep -Eq '^\{"claim_id": ?"CLM-COMMERCIAL-WASTE-AFTER-PENDED-DOSE",.*"decision": ?"deny"' <(line 3)
  check "$what: line 4 malformed" grep -Eq '^\{"claim_id": ?null, ?"error": ?"[^"]+' <(line 4)
  check "$what: line 5 schema-invalid, id echoed" \
    grep -Eq '^\{"claim_id": ?"CLM-COMMERCIAL-APPROVE", ?"error": ?"/lines/0/units: ' <(line 5)
  check "$what: line 6 blank" grep -Eq '^\{"claim_id": ?null, ?"error": ?"empty line"\}$' <(line 6)
  check "$what: line 7 decided" grep -Eq '^\{"claim_id": ?"CLM-COMMERCIAL-PROGRESSION",.*"decision"' <(line 7)
  check "$what: line 8 (no final newline) decided" grep -Eq '^\{"claim_id": ?"CLM-COMMERCIAL-NO-AUTH",.*"decision"' <(line 8)
  check "$what: decisions carry no error" test "$(grep -c '"error"' "$OUT")" = 3
}

run eval --ndjson "$POLICIES" "$input"
expect_rc 1 "ndjson with bad records"
expect_ndjson_output "from a file"
expect_stderr '3 of 8 records' "ndjson: bad records counted on stderr"

run_stdin "$input" eval --ndjson "$POLICIES" -
expect_rc 1 "ndjson on stdin"
expect_ndjson_output "from stdin"

# A final '\n' ends the last record: no empty record after it.
echo >>"$input"
run eval --ndjson "$POLICIES" "$input"
expect_rc 1 "ndjson ending in a newline"
expect_ndjson_output "ending in a newline"

good="$TMP/good.ndjson"
{ one_line "$approve"; echo; one_line "$medicare"; echo; } >"$good"
run eval --ndjson "$POLICIES" "$good"
expect_rc 0 "ndjson, every record decided"
check "ndjson, every record decided: 2 lines" test "$(wc -l <"$OUT")" = 2
check "ndjson, every record decided: same as pretty output, on one line" \
  test "$(line 1)" = "$("$PPLC" eval "$POLICIES" "$approve" | tr -d '\n' | sed 's/\([:,]\) */\1/g; s/\([[{]\) */\1/g; s/ *\([]}]\)/\1/g')"

# CRLF line ends: the '\r' is JSON whitespace, so the claim is decided; a line holding only
# "\r" is blank. The same bytes when the input arrives through a pipe a few bytes at a time.
crlf="$TMP/crlf.ndjson"
{ one_line "$approve"; printf '\r\n\r\n'; one_line "$medicare"; printf '\r\n'; } >"$crlf"
run eval --ndjson "$POLICIES" "$crlf"
expect_rc 1 "ndjson with CRLF"
check "ndjson with CRLF: 3 lines" test "$(wc -l <"$OUT")" = 3
check "ndjson with CRLF: line 1 decided" grep -Eq '^\{"claim_id":"CLM-COMMERCIAL-APPROVE",.*"decision":"approve"' <(line 1)
check "ndjson with CRLF: line 2 blank" grep -Eq '^\{"claim_id":null,"error":"empty line"\}$' <(line 2)
cp "$OUT" "$TMP/crlf.out"
"$PPLC" eval --ndjson "$POLICIES" - < <(while IFS= read -r -n 97 chunk; do printf '%s' "$chunk"; [ ${#chunk} -lt 97 ] && printf '\n'; sleep 0.001; done <"$crlf") >"$TMP/trickled.out" 2>/dev/null
check "ndjson with CRLF through a pipe in pieces: the same output" cmp -s "$TMP/trickled.out" "$TMP/crlf.out"

run eval --ndjson "$POLICIES" "$TMP"
expect_rc 1 "ndjson from a directory"
expect_stderr 'cannot read: Is a directory' "ndjson from a directory"

: >"$TMP/empty.ndjson"
run eval --ndjson "$POLICIES" "$TMP/empty.ndjson"
expect_rc 0 "empty ndjson"
expect_stdout_empty "empty ndjson: no output"

finish
