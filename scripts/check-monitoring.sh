#!/usr/bin/env bash
# Exports every sample (and the hostile-name fixture) as Prometheus and Alertmanager
# configuration and checks it with the tools that run it: `promtool check config` (which
# loads the rule files too), `promtool check rules`, and `amtool check-config`. Debian's
# prometheus and prometheus-alertmanager packages provide them; they are installed when
# missing, so a fresh machine runs the same checks.
# Usage: scripts/check-monitoring.sh ARCHSMITH_BINARY OUT_DIR
set -euo pipefail
archsmith="$1"
out="$2"
rm -rf "$out"
mkdir -p "$out"
if ! command -v promtool >/dev/null || ! command -v amtool >/dev/null; then
  sudo_if_needed=""
  [ "$(id -u)" -eq 0 ] || sudo_if_needed="sudo"
  $sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_if_needed apt-get install -y -qq prometheus prometheus-alertmanager >/dev/null
fi
echo "monitoring checkers: $(promtool --version 2>&1 | head -1); $(amtool --version 2>&1 | head -1)"

configs=0
alertmanagers=0
for model in samples/*.ron tests/fixtures/hostile.ron; do
  name="$(basename "$model" .ron)"
  folder="$out/$name-prometheus"
  "$archsmith" export "$model" --format prometheus -o "$folder" 2>/dev/null
  if ! promtool check config "$folder/prometheus.yml" > "$out/$name.promtool.log" 2>&1; then
    cat "$out/$name.promtool.log"
    echo "promtool rejects $folder/prometheus.yml"
    exit 1
  fi
  promtool check rules "$folder"/rules/*.yml > "$out/$name.rules.log" 2>&1 || {
    cat "$out/$name.rules.log"
    echo "promtool rejects the rules of $model"
    exit 1
  }
  configs=$((configs + 1))
  if [ -f "$folder/alertmanager.yml" ]; then
    if ! amtool check-config "$folder/alertmanager.yml" > "$out/$name.amtool.log" 2>&1; then
      cat "$out/$name.amtool.log"
      echo "amtool rejects $folder/alertmanager.yml"
      exit 1
    fi
    alertmanagers=$((alertmanagers + 1))
  fi
  echo "monitoring ok: $model ($(grep -c 'alert:' "$folder/rules/alerts.yml" || true) alerts)"
done
echo "monitoring ok: $configs Prometheus configurations, $alertmanagers Alertmanager configurations"
if [ "$alertmanagers" -eq 0 ]; then
  echo "expected an Alertmanager among the samples"
  exit 1
fi
