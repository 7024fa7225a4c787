#!/usr/bin/env bash
# Bad policies are bad input (exit 1) reported as file:line:col; the real pack checks clean.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bad="$TMP/bad.ppl"
cat >"$bad" <<'PPL'
policy bad-pack version "1"
  line of business "commercial"

rule R-1 "a rule with a broken expression"
  require 1 + else deny CO 50
PPL

run check "$bad"
expect_rc 1 "check: syntax error"
expect_stderr 'bad\.ppl:[0-9]+:[0-9]+: error' "check: syntax error located as file:line:col"

run check --werror "$bad"
expect_rc 1 "check --werror: syntax error"

run eval "$bad" "$(example commercial-approve)"
expect_rc 1 "eval: bad policy"
expect_stderr 'bad\.ppl:[0-9]+:[0-9]+: error' "eval: bad policy located as file:line:col"
expect_stdout_empty "eval: bad policy decides nothing"

run disasm "$bad"
expect_rc 1 "disasm: bad policy"
expect_stderr 'bad\.ppl:[0-9]+:[0-9]+: error' "disasm: bad policy located"

run check "$TMP/no-such-policy.ppl"
expect_rc 1 "check: missing file"
expect_stderr 'no-such-policy\.ppl' "check: missing file named"

# Errors about no file in particular carry no file's name (they once blamed the built-in schema).
mkdir -p "$TMP/no-policies"
run check "$TMP/no-policies"
expect_rc 1 "check: a directory without policies"
expect_stderr '^error: no `\.ppl` files in `.*no-policies`' "check: a directory without policies, said so"
check "check: a directory without policies, no file blamed" bash -c '! grep -q "<builtin>" "$1"' _ "$ERR"

# What only code generation finds is found by `check` too: what it passes must build.
{
  printf 'policy p version "1"\n  line of business "commercial"\n  governs lines where line.hcpcs = "J9027"\n'
  printf 'define d0 = line.units\n'
  for i in $(seq 1 260); do printf 'define d%d = d%d + 1\n' "$i" "$((i - 1))"; done
  printf 'rule R "r"\n  require d260 > 0 else deny CO 50\n'
} >"$TMP/registers.ppl"
run check "$TMP/registers.ppl"
expect_rc 1 "check: a rule needing more than 256 registers"
expect_stderr 'registers\.ppl:[0-9]+:[0-9]+: error: this rule needs more than 256 registers' "check: the register limit, located"

# Modules that use each other are an error even before a policy uses them.
mkdir -p "$TMP/cycle"
printf 'module a\nuse b\nconst x = 1\n' >"$TMP/cycle/a.ppl"
printf 'module b\nuse a\nconst y = 2\n' >"$TMP/cycle/b.ppl"
run check "$TMP/cycle"
expect_rc 1 "check: modules that use each other"
expect_stderr 'b\.ppl:2:5: error: module `a` uses itself \(`a` -> `b` -> `a`\)' "check: a use cycle, at the use that closes it"

run check "$POLICIES"
expect_rc 0 "check: the policy pack"

run check --werror "$POLICIES"
expect_rc 0 "check --werror: the policy pack"

# --rules: each policy's rules in reason order, with their outcomes (j9027-policies.md: PA is
# deny CO-197 M62, imported first; Part B's MB-DX group depends on the ABN).
run check --rules "$POLICIES"
expect_rc 0 "check --rules: the policy pack"
expect_stdout '^acme-commercial-j9027@2026\.1: .*\(line of business: commercial; from 2020-01-01\), 14 rules$' "check --rules: the commercial policy's header"
expect_stdout '^  PA +deny CO-197 M62 +[^ ]*prior-authorization\.ppl:20 +an approved authorization covers the date of service$' "check --rules: PA with its outcome and place"
expect_stdout '^  C-DOSE +pend CO-252 M127; deny CO-151 N362 ' "check --rules: a rule with two outcomes"
expect_stdout '^  MB-DX +deny \?-50 N115 ' "check --rules: a computed group"
expect_stdout '^  MB-340B +deny CO-4 +[^ ]*medicare-part-b\.ppl' "check --rules: three clauses with one outcome list it once"
check "check --rules: PA listed first for commercial" bash -c 'sed -n 2p "$1" | grep -q "^  PA "' _ "$OUT"
# The mistake it is for: a `use` dropped from one policy loses its rules there, silently.
mkdir -p "$TMP/no-pa-use"
cp "$POLICIES"/*.ppl "$TMP/no-pa-use/"
sed -i '/^use prior-authorization$/d' "$TMP/no-pa-use/acme-commercial-j9027.ppl"
run check --rules "$TMP/no-pa-use"
expect_rc 0 "check --rules: a policy that lost a use still checks"
expect_stdout '^acme-commercial-j9027@2026\.1: .*, 12 rules$' "check --rules: the lost rules are not counted"
check "check --rules: commercial lists no PA once its use is gone" \
  bash -c 'sed -n "/^acme-commercial/,/^medicare/p" "$1" | grep -q "^  PA " && exit 1; exit 0' _ "$OUT"
run check --rules "$POLICIES/pack.ppl"
expect_rc 1 "check --rules: a module alone has no policy to list"
expect_stderr 'no policy among the files given' "check --rules: a module alone, said so"

# --werror keeps the lint's name on the error it makes of a warning (CI output named no lint).
printf 'policy p version "1"\n  line of business "commercial"\n  governs lines where line.hcpcs = "J9027"\nrule R "r"\n  require line.units > 0 else deny CO 50\n' >"$TMP/nomessage.ppl"
run check --werror "$TMP/nomessage.ppl"
expect_rc 1 "check --werror: a warning"
expect_stderr 'nomessage\.ppl:5:[0-9]+: error: rule `R` fails without a message: .* \[missing-message\]$' "check --werror: the lint named"

# A `.ppl` link in a policy directory whose file is gone is an error, not a file skipped.
mkdir -p "$TMP/broken-link"
cp "$POLICIES"/*.ppl "$TMP/broken-link/"
ln -s "$TMP/no-such-policy.ppl" "$TMP/broken-link/gone.ppl"
run check "$TMP/broken-link"
expect_rc 1 "check: a broken link to a policy"
expect_stderr "^error: \`$TMP/broken-link/gone.ppl\` is a link to a file that does not exist$" "check: a broken link, named"

# A warning nobody can read (stderr on a full disk) does not pass as a clean check.
run check "$TMP/nomessage.ppl"
expect_rc 0 "check: a warning"
if [ -c /dev/full ]; then
  "$PPLC" check "$TMP/nomessage.ppl" 2>/dev/full
  RC=$?
  expect_rc 1 "check: a warning to a full stderr"
fi

# An adjustment's message would never be shown: an error at the message.
printf 'policy p version "1"\n  line of business "commercial"\n  governs lines where line.hcpcs = "J9027"\nrule R "r"\n  adjust CO 45 by 20%% when line.units > 1 "twenty off"\n' >"$TMP/adjustmessage.ppl"
run check "$TMP/adjustmessage.ppl"
expect_rc 1 "check: a message on an adjustment"
expect_stderr 'adjustmessage\.ppl:5:43: error: an adjustment has no message' "check: a message on an adjustment, at the message"

# A rule whose clauses were lost passes every line: `--werror` refuses it (it once checked clean).
printf 'policy p version "1"\n  line of business "commercial"\n  governs lines where line.hcpcs = "J9027"\nrule C-STEP "docetaxel was tried first"\n' >"$TMP/emptyrule.ppl"
run check --werror "$TMP/emptyrule.ppl"
expect_rc 1 "check --werror: a rule without clauses"
expect_stderr 'emptyrule\.ppl:4:6: error: rule `C-STEP` does nothing: it has no `require`, `deny`, `pend` or `adjust` clause \[empty-rule\]$' "check --werror: a rule without clauses, the lint named"

# An empty version would make decisions name the policy `p@`.
printf 'policy p version ""\n  line of business "commercial"\n  governs lines where line.hcpcs = "J9027"\n' >"$TMP/emptyversion.ppl"
run check "$TMP/emptyversion.ppl"
expect_rc 1 "check: an empty version"
expect_stderr 'emptyversion\.ppl:1:18: error: a version cannot be empty$' "check: an empty version, at the version"

# One mistake is one error: the next rule's `rule` is not blamed as well (review17a F15).
printf 'policy p version "1"\n  line of business "commercial"\n  governs lines where line.hcpcs = "J9027"\nrule R "r"\n  require line.units < 3\n    otherwise deny CO 50 "m"\nrule S "s"\n  require true else deny CO 50 "m"\n' >"$TMP/onemistake.ppl"
run check "$TMP/onemistake.ppl"
expect_rc 1 "check: one syntax mistake"
expect_stderr 'onemistake\.ppl:6:5: error: unexpected `otherwise`, expected `else`$' "check: one syntax mistake, at the word"
expect_stderr '^pplc check: 1 error, 0 warnings$' "check: one syntax mistake, one error"

# A misspelt clause keyword is named with the one meant (review17a F6).
printf 'policy p version "1"\n  line of business "commercial"\n  governs lines where line.hcpcs = "J9027"\nrule R "r"\n  aplies to governed\n  require line.units < 3 else deny CO 50 "m"\n' >"$TMP/misspelt.ppl"
run check "$TMP/misspelt.ppl"
expect_rc 1 "check: a misspelt clause keyword"
expect_stderr 'misspelt\.ppl:5:3: error: unexpected `aplies`, expected a declaration or end of file$' "check: a misspelt clause keyword, at the word"
expect_stderr '^  note: did you mean `applies`\?$' "check: a misspelt clause keyword, the keyword meant"

# A define's missing `=` is named, `(` only as the rarer choice (review17d F8).
printf 'policy p version "1"\n  line of business "commercial"\n  governs lines where line.hcpcs = "J9027"\ndefine f 3\n' >"$TMP/defineequals.ppl"
run check "$TMP/defineequals.ppl"
expect_rc 1 "check: a define without its ="
expect_stderr 'defineequals\.ppl:4:10: error: unexpected `3`, expected `=` \(or `\(` for a define with parameters\)$' "check: a define without its =, the = named"

# A message hole's mistake is reported beside another rule's, in the order of the text (review17d F3).
printf 'policy p version "1"\n  line of business "commercial"\n  governs lines where line.hcpcs = "J9027"\nrule R1 "one"\n  require line.units < 5\n    else deny CO 4 "see {line.units +}"\nrule R3 "three"\n  require line.units < )\n    else deny CO 4 "z"\n' >"$TMP/holeerror.ppl"
run check "$TMP/holeerror.ppl"
expect_rc 1 "check: a hole's error and another rule's"
check "check: a hole's error and another rule's, both, in order" bash -c \
  'grep -E "^[^ ].*error:" "$1" | sed "s|.*/||" | diff - <(printf "%s\n" "holeerror.ppl:6:38: error: unexpected end of the expression, expected an expression" "holeerror.ppl:8:24: error: unexpected \`)\`, expected an expression")' _ "$ERR"

# An empty file, or one of comments only, is said so, with no caret on a blank line (review17a F18).
: >"$TMP/empty.ppl"
run check "$TMP/empty.ppl"
expect_rc 1 "check: an empty file"
expect_stderr 'empty\.ppl: error: the file is empty: a policy starts with `policy`, a module with `module`$' "check: an empty file, said so"
printf '// docetaxel policy, to do\n\n// ask medical director\n' >"$TMP/comments.ppl"
run check "$TMP/comments.ppl"
expect_rc 1 "check: a file of comments"
expect_stderr 'comments\.ppl: error: the file holds only comments: a policy starts with `policy`, a module with `module`$' "check: a file of comments, said so"
check "check: a file of comments, no caret" bash -c '! grep -q "\^" "$1"' _ "$ERR"

# A directory stands for its top-level `.ppl` files (modules are found beside the file that uses
# them); a policy filed in a subdirectory, or saved as `X.PPL`, is said to be left out, by
# `check` (so that `--werror` fails) and by `build`, never skipped silently (review18c H1).
ok='policy p version "1"\n  line of business "commercial"\n  governs lines where line.hcpcs = "J9027"\nrule R "r"\n  require line.units > 0 else deny CO 50 "m"\n'
U="$TMP/unread"
mkdir -p "$U/regional/deep"
printf "$ok" >"$U/p.ppl"
q="${ok/p version/q version}"
printf "${q/commercial/medicare_advantage}" >"$U/regional/q.ppl"
printf 'policy x@1\n' >"$U/NEWPOLICY.PPL"
r="${ok/p version/r version}"
printf "${r/commercial/medicare_part_b}" >"$U/regional/deep/r.Ppl"
printf 'not a policy\n' >"$U/regional/notes.txt"
cat >"$TMP/unread.expected" <<EXPECTED
warning: \`$U/NEWPOLICY.PPL\` is not read: only names ending in \`.ppl\`, in lower case, are read [unread-file]
  note: rename it \`NEWPOLICY.ppl\`
warning: \`$U/regional/deep/r.Ppl\` is not read: it is in the subdirectory \`$U/regional/deep\`, and a directory stands for the \`.ppl\` files at its top level only [unread-file]
  note: name the subdirectory too (\`$U/regional/deep\`), or move the file up into \`$U\`
  note: rename it \`r.ppl\` as well: only names ending in \`.ppl\`, in lower case, are read
warning: \`$U/regional/q.ppl\` is not read: it is in the subdirectory \`$U/regional\`, and a directory stands for the \`.ppl\` files at its top level only [unread-file]
  note: name the subdirectory too (\`$U/regional\`), or move the file up into \`$U\`
pplc check: 0 errors, 3 warnings
EXPECTED
run check "$U"
expect_rc 0 "check: files a directory holds but does not read"
check "check: files not read, each named with why and what to do" diff "$TMP/unread.expected" "$ERR"
run check --werror "$U"
expect_rc 1 "check --werror: files a directory holds but does not read"
expect_stderr "^error: \`$U/regional/q\\.ppl\` is not read: it is in the subdirectory \`$U/regional\`, and a directory stands for the \`\\.ppl\` files at its top level only \\[unread-file\\]$" "check --werror: a file not read is an error"
expect_stderr '^pplc check: 3 errors, 0 warnings$' "check --werror: files not read, counted"
# A subdirectory named too is read, and not warned about; its own subdirectory still is.
run check "$U" "$U/regional"
expect_rc 0 "check: a directory and its subdirectory"
check "check: a subdirectory named is not warned about" bash -c '! grep -q "regional/q.ppl" "$1"' _ "$ERR"
expect_stderr "^warning: \`$U/regional/deep/r\\.Ppl\` is not read" "check: a subdirectory named, its own subdirectory still warned about"
run build "$U" -o "$TMP/unread.pplb"
expect_rc 0 "build: files a directory holds but does not read"
check "build: files not read, the same warnings on stderr" bash -c 'diff <(head -n 7 "$1") "$2"' _ "$TMP/unread.expected" "$ERR"
run disasm "$TMP/unread.pplb"
check "build: the policy in a subdirectory is not in the pack" bash -c '! grep -q "q@1" "$1"' _ "$OUT"
expect_stdout 'p@1' "build: the top-level policy is in the pack"

finish
