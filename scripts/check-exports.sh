#!/usr/bin/env bash
# Exports every sample (and the hostile-name fixture) to every format and checks each file
# with the reference tool for that format (../shared/validators/README.md):
#   mermaid, mermaid-architecture  mermaid.parse and @mermaid-js/parser
#   dot                            Graphviz `dot`
#   plantuml                       `plantuml -checkonly` (Debian's 1.2020)
#   drawio                         check_drawio.py
#   svg                            xmllint, and resvg renders it (the png export)
# Usage: scripts/check-exports.sh ARCHSMITH_BINARY VALIDATORS_DIR OUT_DIR
set -euo pipefail
archsmith="$1"
validators="$2"
out="$3"
mkdir -p "$out"

models=(samples/*.ron tests/fixtures/hostile.ron)
for model in "${models[@]}"; do
  name="$(basename "$model" .ron)"
  "$archsmith" export "$model" --format mermaid -o "$out/$name.flowchart.mmd"
  "$archsmith" export "$model" --format mermaid-architecture -o "$out/$name.architecture.mmd"
  "$archsmith" export "$model" --format dot -o "$out/$name.dot"
  "$archsmith" export "$model" --format plantuml -o "$out/$name.puml"
  "$archsmith" export "$model" --format drawio -o "$out/$name.drawio"
  "$archsmith" export "$model" --format structurizr -o "$out/$name.dsl"
  "$archsmith" export "$model" --format svg --findings -o "$out/$name.svg"
  "$archsmith" export "$model" --format png --findings --background white -o "$out/$name.png"

  dot -Tsvg "$out/$name.dot" -o /dev/null
  xmllint --noout "$out/$name.svg"
  if ! plantuml -Djava.awt.headless=true -checkonly "$out/$name.puml"; then
    echo "plantuml rejects $out/$name.puml"
    exit 1
  fi
  echo "exports ok: $model"
done
node "$validators/validate_mermaid.mjs" "$out"/*.mmd
python3 "$validators/check_drawio.py" "$out"/*.drawio
