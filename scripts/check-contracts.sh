#!/usr/bin/env bash
# Exports every sample (and the hostile-name fixture) as API contracts and checks each file
# with the reference tool for its format:
#   openapi   openapi-spec-validator (PyPI), OpenAPI 3.1
#   asyncapi  @asyncapi/parser (npm), AsyncAPI 3 (scripts/check-asyncapi.cjs)
#   proto     protoc (Debian's protobuf-compiler), every file compiled to a descriptor set
#   sql       pglast (PostgreSQL's parser) and sqlglot's MySQL dialect (scripts/check-sql.py)
#   github-actions  check-jsonschema's GitHub workflow schema (vendor.github-workflows), each cloud
#   grafana   check-jsonschema against Grafana's dashboard schema (scripts/schemas/)
# The tools are pinned and installed here, into their own folders under the cache, so a
# fresh machine gets exactly these versions; nothing is assumed to be on the machine.
# Usage: scripts/check-contracts.sh ARCHSMITH_BINARY OUT_DIR
set -euo pipefail
archsmith="$1"
out="$2"
rm -rf "$out"
mkdir -p "$out/logs"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/archsmith-contracts"
openapi_version="0.9.0"
pglast_version="8.8"
sqlglot_version="30.31.0"
jsonschema_version="0.39.0"
asyncapi_version="3.6.6"

if ! "$cache/venv/bin/pip" show openapi-spec-validator 2>/dev/null | grep -qx "Version: $openapi_version" \
  || ! "$cache/venv/bin/pip" show pglast 2>/dev/null | grep -qx "Version: $pglast_version" \
  || ! "$cache/venv/bin/pip" show sqlglot 2>/dev/null | grep -qx "Version: $sqlglot_version" \
  || ! "$cache/venv/bin/pip" show check-jsonschema 2>/dev/null | grep -qx "Version: $jsonschema_version"; then
  rm -rf "$cache/venv"
  python3 -m venv "$cache/venv"
  "$cache/venv/bin/pip" install --quiet "openapi-spec-validator==$openapi_version" \
    "pglast==$pglast_version" "sqlglot==$sqlglot_version" "check-jsonschema==$jsonschema_version"
fi
if ! grep -qs "\"version\": \"$asyncapi_version\"" "$cache/npm/node_modules/@asyncapi/parser/package.json"; then
  rm -rf "$cache/npm"
  mkdir -p "$cache/npm"
  npm install --silent --prefix "$cache/npm" --no-audit --no-fund "@asyncapi/parser@$asyncapi_version" >/dev/null
fi
if ! command -v protoc >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler >/dev/null
  fi
fi
echo "contract checkers: openapi-spec-validator $openapi_version, @asyncapi/parser $asyncapi_version, $(protoc --version)"

openapi_files=0
sql_files=()
workflow_files=()
dashboard_files=()
asyncapi_files=()
proto_files=0
for model in samples/*.ron tests/fixtures/hostile.ron; do
  name="$(basename "$model" .ron)"
  "$archsmith" export "$model" --format openapi -o "$out/$name-openapi"
  "$archsmith" export "$model" --format asyncapi -o "$out/$name-asyncapi"
  "$archsmith" export "$model" --format proto -o "$out/$name-proto"
  "$archsmith" export "$model" --format sql -o "$out/$name-sql"
  for file in "$out/$name-sql"/*.sql; do
    [ -e "$file" ] && sql_files+=("$file")
  done
  "$archsmith" export "$model" --format grafana -o "$out/$name-grafana" 2>/dev/null
  for file in "$out/$name-grafana"/dashboards/*.json; do
    [ -e "$file" ] && dashboard_files+=("$file")
  done
  for provider in aws gcp azure; do
    "$archsmith" export "$model" --format github-actions --provider "$provider" -o "$out/$name-actions-$provider" 2>/dev/null
    for file in "$out/$name-actions-$provider"/.github/workflows/*.yml; do
      workflow_files+=("$file")
    done
  done
  for file in "$out/$name-openapi"/*.yaml; do
    [ -e "$file" ] || continue
    log="$out/logs/$name-$(basename "$file").log"
    if ! "$cache/venv/bin/openapi-spec-validator" "$file" > "$log" 2>&1; then
      cat "$log"
      echo "openapi-spec-validator rejects $file"
      exit 1
    fi
    openapi_files=$((openapi_files + 1))
  done
  for file in "$out/$name-asyncapi"/*.yaml; do
    [ -e "$file" ] && asyncapi_files+=("$file")
  done
  while IFS= read -r -d '' file; do
    if ! protoc --proto_path="$out/$name-proto" --proto_path=/usr/include \
      --descriptor_set_out=/dev/null "$file" 2> "$out/logs/protoc.log"; then
      cat "$out/logs/protoc.log"
      echo "protoc rejects $file"
      exit 1
    fi
    proto_files=$((proto_files + 1))
  done < <(find "$out/$name-proto" -name '*.proto' -print0)
done
NODE_PATH="$cache/npm/node_modules" node scripts/check-asyncapi.cjs "${asyncapi_files[@]}"
"$cache/venv/bin/python" scripts/check-sql.py "${sql_files[@]}"
"$cache/venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows "${workflow_files[@]}"
"$cache/venv/bin/check-jsonschema" --schemafile scripts/schemas/grafana-dashboard.jsonschema.json "${dashboard_files[@]}"
echo "contracts ok: $openapi_files OpenAPI, ${#asyncapi_files[@]} AsyncAPI, $proto_files proto, ${#sql_files[@]} SQL, ${#workflow_files[@]} workflow, ${#dashboard_files[@]} dashboard files"
# A check that found nothing to check proves nothing.
if [ "$openapi_files" -eq 0 ] || [ "${#asyncapi_files[@]}" -eq 0 ] || [ "$proto_files" -eq 0 ] \
  || [ "${#sql_files[@]}" -eq 0 ] || [ "${#workflow_files[@]}" -eq 0 ] \
  || [ "${#dashboard_files[@]}" -eq 0 ]; then
  echo "expected every contract format among the samples"
  exit 1
fi
