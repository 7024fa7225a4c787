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

# A malformed record's positions name lines of the input, not of the record (which is one line):
# on line 1, and on lines after blank and CRLF lines, on the last line without its '\n'. Columns
# counted by hand. The same bytes on one thread and on two, from the file and from stdin.
positions="$TMP/positions.ndjson"
{
  printf '{"claim_id":"A",\n'                       # 1: the text ends inside the object
  printf '\n'                                       # 2: blank
  one_line "$approve"; printf '\r\n'                # 3
  printf '\r\n'                                     # 4: only '\r'
  printf '{"claim_id":"B", "note": "a\\qb"}\r\n'    # 5: a bad escape in an unknown field
  one_line "$medicare"; printf '\r\n'               # 6
  printf '{"claim_id":"C"]\r\n'                     # 7: `]` closing `{`
  printf '{"claim_id":"D",'                         # 8: the last line, no '\n'
} >"$positions"
run eval --ndjson "$POLICIES" "$positions"
expect_rc 1 "malformed records' positions"
check "positions: 8 lines" test "$(wc -l <"$OUT")" = 8
check "positions: line 1" test "$(line 1)" = \
  '{"claim_id":null,"error":"malformed json: the text ends before the `{` opened at line 1, column 1 is closed (line 1, column 17)"}'
check "positions: line 5, after blank and CRLF lines" test "$(line 5)" = \
  '{"claim_id":"B","error":"malformed json: the string escape `\\q` is not a JSON escape (near /note, line 5, column 28)"}'
check "positions: line 7" test "$(line 7)" = \
  '{"claim_id":null,"error":"malformed json: `]` where the `{` opened at line 7, column 1 needs `}` (line 7, column 16)"}'
check "positions: line 8, the last" test "$(line 8)" = \
  '{"claim_id":null,"error":"malformed json: the text ends before the `{` opened at line 8, column 1 is closed (line 8, column 17)"}'
cp "$OUT" "$TMP/positions.out"
run eval --ndjson --threads 2 "$POLICIES" "$positions"
check "positions, --threads 2: the same bytes" cmp -s "$OUT" "$TMP/positions.out"
for t in 1 2; do
  run_stdin "$positions" eval --ndjson --threads "$t" "$POLICIES" -
  check "positions from stdin, --threads $t: the same bytes" cmp -s "$OUT" "$TMP/positions.out"
done
# A CRLF line's '\r' is the line break's: the text ends at column 17 there too, where an editor
# shows it.
printf '{"claim_id":"A",\r\n' >"$TMP/crlf-end.ndjson"
run eval --ndjson "$POLICIES" "$TMP/crlf-end.ndjson"
check "positions: a CRLF line ends before its \\r" test "$(line 1)" = \
  '{"claim_id":null,"error":"malformed json: the text ends before the `{` opened at line 1, column 1 is closed (line 1, column 17)"}'
# Two inputs in one run: each counts its own lines (the second file's line 1 is line 1), on one
# thread and on two.
for t in 1 2; do
  run eval --ndjson --threads "$t" "$POLICIES" "$positions" "$positions"
  check "positions, two inputs, --threads $t: each counts its own lines" \
    test "$(cat "$OUT")" = "$(cat "$TMP/positions.out" "$TMP/positions.out")"
done

run eval --ndjson "$POLICIES" "$TMP"
expect_rc 1 "ndjson from a directory"
expect_stderr 'cannot read: Is a directory' "ndjson from a directory"

: >"$TMP/empty.ndjson"
run eval --ndjson "$POLICIES" "$TMP/empty.ndjson"
expect_rc 0 "empty ndjson"
expect_stdout_empty "empty ndjson: no output"

# --threads N reads a regular file in byte ranges of 256 KiB (FileRanges::kRangeBytes), each
# thread its own; a record belongs to the range where its first byte lies. Whatever the lines
# at a range boundary, N threads print what one thread (which reads the file as a stream) prints.
range=262144
claim="$(one_line "$approve")"

# fill FILE SIZE [END]: appends decided claims padded with spaces, each ending in '\n' (the last
# one in END), until FILE holds exactly SIZE bytes.
fill() {
  local file="$1" size="$2" end="${3:-\n}" width=4096 left
  left=$((size - $(wc -c <"$file")))
  while ((left > 2 * width)); do
    printf '%s%*s\n' "$claim" $((width - ${#claim} - 1)) '' >>"$file"
    left=$((left - width))
  done
  printf "%s%*s$end" "$claim" $((left - ${#claim} - $(printf "$end" | wc -c))) '' >>"$file"
}

# expect_threads_same WHAT FILE LINES: --threads 2, 3 and 8 print the same bytes, stderr and exit
# status as one thread, which prints LINES lines.
expect_threads_same() {
  local what="$1" file="$2" lines="$3" n want
  "$PPLC" eval --ndjson "$POLICIES" "$file" >"$TMP/one.out" 2>"$TMP/one.err"
  want=$?
  check "$what: one thread prints $lines lines" test "$(wc -l <"$TMP/one.out")" = "$lines"
  for n in 2 3 8; do
    run eval --ndjson --threads "$n" "$POLICIES" "$file"
    expect_rc "$want" "$what, --threads $n: exit status"
    check "$what, --threads $n: stdout is byte-identical to one thread" cmp -s "$OUT" "$TMP/one.out"
    check "$what, --threads $n: stderr is identical" cmp -s "$ERR" "$TMP/one.err"
  done
}

b="$TMP/boundary.ndjson"
: >"$b"
fill "$b" $((range - 100))
{ echo "$claim"; echo "$claim"; } >>"$b"                  # the boundary inside a line
fill "$b" $((2 * range))                                      # a '\n' the last byte of a range
echo "$claim" >>"$b"
fill "$b" $((3 * range + 1))                                  # a '\n' the first byte of a range
fill "$b" $((4 * range + 1)) '\r\n'                           # '\r' and '\n' on each side
fill "$b" $((5 * range)) '\r\n'                               # "\r\n" ending a range
fill "$b" $((6 * range + 2)) '\r\n'                           # "\r\n" beginning a range
printf '\r\n' >>"$b"                                          # a line holding only '\r'
fill "$b" $((7 * range - 5))
printf '%s' "$claim" >>"$b"                                   # the last line, no '\n', across a boundary
expect_threads_same "range boundaries in and between lines" "$b" "$(($(wc -l <"$b") + 1))"
check "range boundaries: one error line (the '\r' line)" test "$(grep -c '"error"' "$TMP/one.out")" = 1

broken='{"claim_id": "CLM-BROK'
: >"$b"
fill "$b" $((range - ${#broken} - 1))
echo "$broken" >>"$b"                                         # a bad record ending a range
echo "$broken" >>"$b"                                         # and one beginning the next
fill "$b" $((2 * range - 10))
echo "$broken" >>"$b"                                         # one across a boundary
echo >>"$b"                                                   # a blank line after it
fill "$b" $((3 * range))
echo >>"$b"                                                   # a blank line beginning a range
echo "$claim" | sed 's/"units": *40/"units": -1/' >>"$b"     # a schema-invalid record after it
expect_threads_same "bad records at range boundaries" "$b" "$(wc -l <"$b")"
check "bad records at range boundaries: each reported" test "$(grep -c '"error"' "$TMP/one.out")" = 6
check "bad records at range boundaries: counted" grep -q '6 of ' "$TMP/one.err"
# Output line N is input line N's record: each position an error names is on that line, in every
# range (one thread checked here; the others print the same bytes).
check "bad records at range boundaries: their positions name their lines of the file" \
  test "$(grep -o '^.*line [0-9]*, column' "$TMP/one.out" | wc -l)" = 3 -a \
  "$(awk '{ s = $0; while (match(s, /line [0-9]+, column/)) { n = substr(s, RSTART + 5, RLENGTH - 13) + 0; \
           if (n != NR) bad++; s = substr(s, RSTART + RLENGTH) } } END { print bad + 0 }' "$TMP/one.out")" = 0
run_stdin "$b" eval --ndjson --threads 2 "$POLICIES" -
check "bad records at range boundaries, from stdin on two threads: the same bytes" cmp -s "$OUT" "$TMP/one.out"

: >"$b"
printf '%s%*s\n' "$claim" $((3 * range)) '' >>"$b"           # one line longer than three ranges
echo "$claim" >>"$b"
printf '%s%*s' "$claim" $((range + 7)) '' >>"$b"              # and a last one, without '\n'
expect_threads_same "lines longer than a range" "$b" 3
check "lines longer than a range: all decided" test "$(grep -c '"error"' "$TMP/one.out")" = 0

# A range is read with 16 KiB more (FileRanges::read's kReadAhead) to finish its last line in
# one system call; a longer one is read on. pad LENGTH: a line of LENGTH bytes with its '\n', a
# decided claim after spaces (a line cut short is then a bad record, not the same claim).
ahead=16384
pad() { printf '%*s%s\n' $(($1 - ${#claim} - 1)) '' "$claim"; }
: >"$b"
fill "$b" $((range - 50))
pad $((ahead + 50)) >>"$b"                                    # its '\n' the last byte read ahead
fill "$b" $((2 * range - 50))
pad $((ahead + 52)) >>"$b"                                    # its brace and '\n' past that byte
fill "$b" $((3 * range - 50))
pad $((ahead + 49)) >>"$b"                                    # its '\n' the byte before
fill "$b" $((4 * range + ahead + 100))
expect_threads_same "lines ending at the end of a range's read-ahead" "$b" "$(wc -l <"$b")"
check "read-ahead: all decided" test "$(grep -c '"error"' "$TMP/one.out")" = 0

printf '%s%*s' "$claim" $((2 * range)) '' >"$b"                # a file of one line, no '\n'
expect_threads_same "a file of one long line" "$b" 1
expect_threads_same "a file smaller than a range" "$input" 8
: >"$b"
expect_threads_same "an empty file" "$b" 0
run eval --ndjson --threads 2 "$POLICIES" "$TMP"
expect_rc 1 "--threads 2 from a directory"
expect_stderr 'cannot read: Is a directory' "--threads 2 from a directory"

finish
