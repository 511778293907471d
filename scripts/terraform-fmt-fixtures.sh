#!/usr/bin/env bash
# Regenerates tests/fixtures/terraform-fmt: the exporter's modules for samples and reference
# models (tests/fixtures/reference), formatted
# by the real `terraform fmt`, keeping the files the fixture set already has.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v terraform >/dev/null || { echo "needs terraform on PATH" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for fixture in tests/fixtures/terraform-fmt/*/; do
  name="$(basename "$fixture")"
  sample="${name%-*}"
  provider="${name##*-}"
  model="samples/$sample.ron"
  [ -f "$model" ] || model="tests/fixtures/reference/$sample.ron"
  cargo run -q --bin archsmith -- export "$model" --format terraform --provider "$provider" -o "$work/$name" >/dev/null
  terraform fmt "$work/$name" >/dev/null
  for file in "$fixture"*.tf; do
    cp "$work/$name/$(basename "$file")" "$file"
  done
done
echo "regenerated $(ls tests/fixtures/terraform-fmt/*/*.tf | wc -l) files"
