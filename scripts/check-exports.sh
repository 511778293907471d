#!/usr/bin/env bash
# Exports every sample, the hostile-name fixture and the reference models to every format
# and checks each file with the reference tool for that format
# (../shared/validators/README.md):
#   mermaid, mermaid-architecture  mermaid.parse and @mermaid-js/parser
#   dot                            Graphviz `dot`
#   plantuml                       `plantuml -checkonly` (Debian's 1.2020)
#   drawio                         check_drawio.py
#   svg                            xmllint, and resvg renders it (the png export)
#   markdown (design document)     markdownlint with .markdownlint.jsonc
#   html (design document)         html5lib's strict HTML5 parser (scripts/check-html.py)
#   terraform (aws, gcp, azure)    terraform_schema_check.py: the real provider schemas
#   compose                        the Compose Specification schema (scripts/check-compose.py)
# Usage: scripts/check-exports.sh ARCHSMITH_BINARY VALIDATORS_DIR OUT_DIR
# VALIDATORS_HOME is where ../shared/validators/setup.sh installed its tools.
set -euo pipefail
archsmith="$1"
validators="$2"
out="$3"
mkdir -p "$out"

models=(samples/*.ron tests/fixtures/hostile.ron tests/fixtures/reference/*.ron)
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
  "$archsmith" export "$model" --format markdown -o "$out/$name-design"
  "$archsmith" export "$model" --format html -o "$out/$name.html"
  "$archsmith" export "$model" --format compose -o "$out/$name.compose.yml"
  for provider in aws gcp azure; do
    "$archsmith" export "$model" --format terraform --provider "$provider" -o "$out/$name-tf-$provider"
    # Two roots: the environment's, and the registries every environment shares.
    for root in "$out/$name-tf-$provider" "$out/$name-tf-$provider/registry"; do
      [ -d "$root" ] || continue  # a model with no code of its own has no registries
      if ! "$VALIDATORS_HOME/venv/bin/python" "$validators/terraform_schema_check.py" "$root" > "$root.log"; then
        cat "$root.log"
        echo "terraform schema check failed: $root ($model, $provider)"
        exit 1
      fi
      tail -1 "$root.log"
    done
  done

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
"$VALIDATORS_HOME/npm/node_modules/.bin/markdownlint" --config .markdownlint.jsonc "$out"/*-design/design.md
echo "markdownlint ok: $(ls -d "$out"/*-design | wc -l) design documents"
"$VALIDATORS_HOME/venv/bin/pip" install --quiet html5lib
"$VALIDATORS_HOME/venv/bin/python" scripts/check-html.py "$out"/*.html
"$VALIDATORS_HOME/venv/bin/python" scripts/check-compose.py "$out"/*.compose.yml
