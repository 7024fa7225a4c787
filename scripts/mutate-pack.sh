#!/usr/bin/env bash
# Mutation testing of the policy pack's test suite.
#
# For each mutable literal or operator in POLICY_DIR/*.ppl (numbers ±1, dates ±1 day, durations
# ±1 day, percentages ±1, CARC/RARC/HCPCS/NDC/modifier/POS/... codes replaced by another valid
# code, CO<->PR, deny<->pend, comparisons, and/or, in/not in, present/absent, true/false, ...),
# copy POLICY_DIR to a temporary directory, apply that one mutation, run `pplc check` (a mutant
# that does not compile is counted and skipped) and `pplc test` on the copy. A mutant is *killed*
# when some case fails, and *survives* when every case still passes: a survivor is a change to
# the pack that no test notices. Survivors are printed as FILE:LINE: OLD -> NEW.
#
# usage: scripts/mutate-pack.sh [-j N] [--pplc PATH] [--equivalent FILE] [--list] [-v] [POLICY_DIR]
#   POLICY_DIR  default: policies/ (its tests are found by `pplc test` under it)
#   -j N        mutants run N at a time (default 2)
#   --pplc PATH the pplc binary (default: build/pplc)
#   --equivalent FILE  the known equivalent mutants (default POLICY_DIR/tests/equivalent-mutants.txt):
#               survivors listed there are reported but do not fail the run
#   --list      print the mutants and exit
#   -v          also list the mutants that were killed or did not compile
# Exit status: 0 no mutant survived but the known equivalent ones, 1 some other survived (or the
# unmutated suite fails), 2 usage. docs/testing.md ("Mutation testing") says how to read a
# survivor. Not run by ctest: it takes minutes.
set -euo pipefail
export LC_ALL=C

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# --- a single mutant, run by the workers --------------------------------------------------------
if [[ "${1:-}" == "--run-one" ]]; then
  id="$2"
  IFS=$'\037' read -r file line col len old new kind text < <(sed -n "${id}p" "$MUT_LIST")
  dir="$MUT_WORK/m$id"
  cp -r "$MUT_SRC" "$dir"
  awk -v L="$line" -v C="$col" -v N="$len" -v R="$new" \
    'NR == L { $0 = substr($0, 1, C - 1) R substr($0, C + N) } { print }' \
    "$MUT_SRC/$file" > "$dir/$file"
  if ! "$MUT_PPLC" check "$dir" > /dev/null 2>&1; then
    result=nocompile
  else
    set +e
    "$MUT_PPLC" test "$dir" > "$dir.out" 2>&1
    rc=$?
    set -e
    case $rc in
      0) result=survived ;;
      1) result=killed ;;
      *) result="error($rc)" ;;
    esac
  fi
  printf '%s\037%s\n' "$id" "$result" >> "$MUT_RESULTS"
  rm -rf "$dir" "$dir.out"
  exit 0
fi

jobs=2
pplc="$here/build/pplc"
equivalent=""
list_only=0
verbose=0
src=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -j) jobs="$2"; shift 2 ;;
    -j*) jobs="${1#-j}"; shift ;;
    --pplc) pplc="$2"; shift 2 ;;
    --list) list_only=1; shift ;;
    --equivalent) equivalent="$2"; shift 2 ;;
    -v) verbose=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "mutate-pack.sh: unknown option $1" >&2; exit 2 ;;
    *) [[ -z "$src" ]] || { echo "mutate-pack.sh: one POLICY_DIR only" >&2; exit 2; }; src="$1"; shift ;;
  esac
done
src="${src:-$here/policies}"
[[ -d "$src" ]] || { echo "mutate-pack.sh: no directory $src" >&2; exit 2; }
src="$(cd "$src" && pwd)"
equivalent="${equivalent:-$src/tests/equivalent-mutants.txt}"
[[ -f "$equivalent" ]] || equivalent=/dev/null
[[ -x "$pplc" ]] || { echo "mutate-pack.sh: no pplc at $pplc (build first, or --pplc PATH)" >&2; exit 2; }
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "mutate-pack.sh: -j needs a positive number" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/mutate-pack.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# --- enumerate the mutants ----------------------------------------------------------------------
# One row per mutant, fields separated by \037 (not a tab: `read` would merge empty fields):
# file, line, column (bytes, 1-based), length, old text, new text, kind, the source line trimmed.
enumerate() {
  local f
  for f in "$src"/*.ppl; do
    awk -v FILE="$(basename "$f")" '
    function dfc(y, m, d,   era, yoe, doy, doe) {   # days from civil (H. Hinnant)
      y -= (m <= 2); era = int((y >= 0 ? y : y - 399) / 400); yoe = y - era * 400
      doy = int((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1
      doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
      return era * 146097 + doe - 719468
    }
    function cfd(z,   era, doe, yoe, y, doy, mp, d, m) {   # civil from days
      z += 719468; era = int((z >= 0 ? z : z - 146096) / 146097); doe = z - era * 146097
      yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
      y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
      mp = int((5 * doy + 2) / 153); d = doy - int((153 * mp + 2) / 5) + 1
      m = mp < 10 ? mp + 3 : mp - 9
      return sprintf("%04d-%02d-%02d", y + (m <= 2), m, d)
    }
    function out(col, len, old, new, kind) {
      if (old != new) printf "%s\037%d\037%d\037%d\037%s\037%s\037%s\037%s\n", FILE, NR, col, len, old, new, kind, TEXT
    }
    function bump_last_digit(s, delta,   i, c, d) {   # the last digit of s moved by delta (mod 10)
      for (i = length(s); i > 0; i--) {
        c = substr(s, i, 1)
        if (c ~ /[0-9]/) { d = (c + delta + 10) % 10; return substr(s, 1, i - 1) d substr(s, i + 1) }
      }
      return s "X"
    }
    BEGIN {
      # Each code is replaced by another valid code of its kind.
      n = split("4 16 45 50 58 96 151 197 198 252", carcs, " ")
      for (i = 1; i <= n; i++) carc_next[carcs[i]] = carcs[i % n + 1]
      n = split("M62 M119 M127 MA130 N54 N115 N130 N362 N822 N823", rarcs, " ")
      for (i = 1; i <= n; i++) rarc_next[rarcs[i]] = rarcs[i % n + 1]
      split("J9027:J9043 J9043:J9027 J9171:J9173 11:12 19:21 22:21 12:11 21:22 49:11 " \
            "JW:JZ JZ:JW JG:TB TB:JG GA:GZ GZ:GA C61:C62 Z19.2:Z19.1 Z19.1:Z19.2 " \
            "prednisone:hydrocortisone prednisolone:hydrocortisone dexamethasone:hydrocortisone " \
            "docetaxel:paclitaxel brown_bag:buy_and_bill specialty_pharmacy:buy_and_bill " \
            "buy_and_bill:340b 340b:buy_and_bill approved:pending pending:approved " \
            "progression:stable stable:progression response:progression " \
            "institutional:professional professional:institutional deny:not_applicable " \
            "pend:not_applicable approve:pend commercial:medicare_advantage " \
            "medicare_part_b:commercial medicare_advantage:medicare_part_b psa:imaging imaging:psa", pairs, " ")
      for (i in pairs) { split(pairs[i], kv, ":"); code_next[kv[1]] = kv[2] }
      swap["and"] = "or"; swap["or"] = "and"; swap["present"] = "absent"; swap["absent"] = "present"
      swap["true"] = "false"; swap["false"] = "true"; swap["deny"] = "pend"; swap["pend"] = "deny"
      swap["CO"] = "PR"; swap["PR"] = "CO"; swap["OA"] = "CO"; swap["ceil"] = "floor"; swap["floor"] = "ceil"
      swap["earliest"] = "latest"; swap["latest"] = "earliest"; swap["any"] = "no"
      swap["<="] = "<"; swap["<"] = "<="; swap[">="] = ">"; swap[">"] = ">="; swap["="] = "!="; swap["!="] = "="
      swap["+"] = "-"; swap["-"] = "+"; swap["*"] = "/"; swap["/"] = "*"
      applies_next["governed"] = "administration"; applies_next["administration"] = "governed"
      applies_next["waste"] = "governed"
      quant["any"] = quant["no"] = quant["every"] = quant["count"] = quant["sum"] = quant["for"] = 1
    }
    {
      TEXT = $0; sub(/^[ \t]+/, "", TEXT); sub(/[ \t]+$/, "", TEXT)
      s = $0; pos = 1; p1 = p2 = ""; eqs = 0; inrarc = 0; in_between = 0
      first = s; sub(/^[ \t]+/, "", first); sub(/[ \t].*/, "", first)
      while (length(s) > 0) {
        if (match(s, /^[ \t]+/)) { pos += RLENGTH; s = substr(s, RLENGTH + 1); continue }
        if (substr(s, 1, 2) == "//") break
        tok = ""; kind = ""
        if (match(s, /^"[^"]*"/)) { tok = substr(s, 1, RLENGTH); kind = "string" }
        else if (match(s, /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]/)) { tok = substr(s, 1, RLENGTH); kind = "date" }
        else if (match(s, /^[0-9]+(\.[0-9]+)?/)) { tok = substr(s, 1, RLENGTH); kind = "number" }
        else if (match(s, /^[A-Za-z_][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*/)) { tok = substr(s, 1, RLENGTH); kind = "word" }
        else if (match(s, /^(<=|>=|!=|\?\?|[-<>=+*\/])/)) { tok = substr(s, 1, RLENGTH); kind = "op" }
        else { tok = substr(s, 1, 1); kind = "punct" }
        len = length(tok)
        if (kind == "string") {
          v = substr(tok, 2, len - 2)
          if (v !~ /[ {]/ && v != "") {           # codes and values; titles and messages are prose
            if (v in code_next) nv = code_next[v]
            else nv = bump_last_digit(v, 1)
            out(pos, len, tok, "\"" nv "\"", "code")
          }
        } else if (kind == "date") {
          d = dfc(substr(tok, 1, 4) + 0, substr(tok, 6, 2) + 0, substr(tok, 9, 2) + 0)
          out(pos, len, tok, cfd(d - 1), "date -1 day"); out(pos, len, tok, cfd(d + 1), "date +1 day")
        } else if (kind == "number") {
          if ((p1 == "CO" || p1 == "PR" || p1 == "OA" || p1 == "abn_group") && (p2 == "deny" || p2 == "pend" || p2 == "adjust")) {
            if (tok in carc_next) out(pos, len, tok, carc_next[tok], "CARC")
            else out(pos, len, tok, bump_last_digit(tok, 1), "CARC")
          } else {
            what = "number"
            if (substr(s, len + 1, 5) == " days") what = "duration"
            else if (substr(s, len + 1, 1) == "%") what = "percent"
            if (tok ~ /\./) { out(pos, len, tok, bump_last_digit(tok, -1), what " -1 in the last digit"); out(pos, len, tok, bump_last_digit(tok, 1), what " +1 in the last digit") }
            else { if (tok + 0 > 0) out(pos, len, tok, tok - 1, what " -1"); out(pos, len, tok, tok + 1, what " +1") }
          }
        } else if (kind == "word") {
          if (inrarc && (tok in rarc_next)) out(pos, len, tok, rarc_next[tok], "RARC")
          else if (tok == "not" && substr(s, 4, 4) == " in ") out(pos, 6, "not in", "in", "operator")
          else if (tok == "not") out(pos, 4, "not ", "", "negation removed")
          else if (tok == "in" && p1 != "not" && !(p2 in quant)) out(pos, len, "in", "not in", "operator")
          else if (tok == "any" && first == "require") out(pos, len, tok, "no", "quantifier")
          else if (p1 == "to" && p2 == "applies" && (tok in applies_next)) out(pos, len, tok, applies_next[tok], "applies to")
          else if (tok == "when" && p1 == "only") {            # the rule applies whatever its condition
            rest = substr(s, 6); sub(/[ \t]*(\/\/.*)?$/, "", rest)
            out(pos + 5, length(rest), rest, "true", "only when dropped")
          }
          else if (tok == "between") in_between = 1
          else if (tok == "and" && in_between) in_between = 0      # `x between a and b`: not logic
          else if (tok in swap && tok != "any") {
            if ((tok == "deny" || tok == "pend") && !(p1 == "else" || p1 == "" )) {}
            else out(pos, len, tok, swap[tok], "keyword")
          }
        } else if (kind == "op") {
          if (tok == "=") {
            eqs++
            if (first == "use" || ((first == "const" || first == "define" || first == "let" || first == "param") && eqs == 1)) tok = ""
          }
          if (tok in swap) {
            if ((tok == "+" || tok == "-" || tok == "*" || tok == "/") && !(substr(s, 2, 1) == " " && substr($0, pos - 1, 1) == " ")) {}
            else out(pos, len, tok, swap[tok], "operator")
          }
          if (tok == "") tok = "="
        }
        if (kind == "punct" && tok == "[" && p1 ~ /^[0-9]+$/) inrarc = 1
        if (kind == "punct" && tok == "]") inrarc = 0
        p2 = p1; p1 = tok
        pos += len; s = substr(s, len + 1)
      }
    }' "$f"
  done
}

enumerate > "$work/mutants.tsv"
total=$(wc -l < "$work/mutants.tsv")
if [[ $list_only -eq 1 ]]; then
  awk -F'\037' '{ printf "%s:%s:%s: `%s` -> `%s` (%s)\n", $1, $2, $3, $5, $6, $7 }' "$work/mutants.tsv"
  echo "$total mutants"
  exit 0
fi

# --- the unmutated suite must pass --------------------------------------------------------------
if ! "$pplc" test "$src" > "$work/baseline.out" 2>&1; then
  echo "mutate-pack.sh: the unmutated suite fails; fix it first:" >&2
  tail -20 "$work/baseline.out" >&2
  exit 1
fi

echo "mutate-pack.sh: $total mutants of $src/*.ppl, $jobs at a time"
export MUT_LIST="$work/mutants.tsv" MUT_WORK="$work" MUT_SRC="$src" MUT_PPLC="$pplc" MUT_RESULTS="$work/results.tsv"
: > "$MUT_RESULTS"
seq 1 "$total" | xargs -P "$jobs" -n 1 bash "${BASH_SOURCE[0]}" --run-one

# --- report -------------------------------------------------------------------------------------
# Known equivalent mutants (EQUIVALENT_FILE: `FILE | SOURCE LINE | OLD -> NEW | why`, `#` comments)
# are reported as such and do not fail the run; every other survivor does.
sort -n "$MUT_RESULTS" | awk -F'\037' -v V="$verbose" -v SRC="$(basename "$src")" '
  FILENAME == EQ {
    if ($0 ~ /^[ \t]*(#|$)/) next
    n = split($0, f, / \| /); split(f[3], on, / -> /)
    if (n >= 3) { key = f[1] "\037" f[2] "\037" on[1] "\037" on[2]; eqv[key] = 1; eqn++ }
    next
  }
  FILENAME == "-" { res[$1] = $2; next }
  {
    r = res[FNR]; loc = sprintf("%s/%s:%s:%s", SRC, $1, $2, $3); m++
    key = $1 "\037" $8 "\037" $5 "\037" $6
    if (r == "survived" && (key in eqv)) { q++; used[key] = 1; if (V) printf "equivalent %s: `%s` -> `%s` (%s)\n", loc, $5, $6, $7 }
    else if (r == "survived") { printf "SURVIVED %s: `%s` -> `%s` (%s)\n", loc, $5, $6, $7; s++ }
    else if (r == "killed") { k++; if (V) printf "killed   %s: `%s` -> `%s` (%s)\n", loc, $5, $6, $7 }
    else if (r == "nocompile") { c++; if (V) printf "no-compile %s: `%s` -> `%s` (%s)\n", loc, $5, $6, $7 }
    else { e++; printf "ERROR %s %s: `%s` -> `%s` (%s)\n", r, loc, $5, $6, $7 }
  }
  END {
    for (key in eqv) if (!(key in used)) { split(key, u, "\037"); printf "note: listed as equivalent but not a survivor: %s: %s (`%s` -> `%s`)\n", u[1], u[2], u[3], u[4] }
    printf "%d mutants: %d killed, %d survived, %d not compiled", m, k, s + q, c
    if (q) printf " (%d of the survivors known equivalent)", q
    if (e) printf ", %d errors", e
    printf "\n"
    exit (s > 0 || e > 0) ? 1 : 0
  }' EQ="$equivalent" "$equivalent" - "$MUT_LIST"
