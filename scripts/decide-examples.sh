#!/usr/bin/env bash
# The main job on the bundled examples: decides every claim in examples/claims/ under the
# policy pack in policies/, first as a table, then all together as one NDJSON stream.
# Run ./setup.sh first (it builds build/pplc).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
pplc=build/pplc
if [[ ! -x "$pplc" ]]; then
  echo "decide-examples: $pplc is missing: run ./setup.sh first" >&2
  exit 1
fi

claims=()
for f in examples/claims/*.json; do
  [[ "$f" == *.expected.json ]] && continue
  claims+=("$f")
done

status=0
echo "== ${#claims[@]} example claims under policies/"
"$pplc" eval --format=table policies/ "${claims[@]}" || status=1

# One claim per line: JSON strings hold no raw newlines, so deleting them keeps each claim whole.
ndjson=build/examples.ndjson
for f in "${claims[@]}"; do
  tr -d '\n' <"$f"
  echo
done >"$ndjson"

echo
echo "== the same claims as NDJSON ($ndjson), one decision per line"
"$pplc" eval --ndjson policies/ "$ndjson" || status=1
exit "$status"
