#!/usr/bin/env python3
"""Writes tests/fixtures/terraform-schemas.json: the provider schemas of exactly the resource
and data-source types Archsmith's Terraform exporter can emit, for the Rust test that checks
every generated argument and block against them.

The types are read from the exporter's source (every `resource("...")`, `base("...")` and
`data` label in src/export/terraform/). The schemas come from the CDKTF provider npm packages:
  --from-npm   install @cdktf/provider-aws, -google and -azurerm with npm and run
               ../shared/validators/extract_cdktf_schema.py on each (slow: the packages are big);
  (default)    read ../shared/validators/*_schema.json, extracted by that same script from
               those same packages.
usage: extract-terraform-schemas.py [--from-npm]
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VALIDATORS = os.path.join(ROOT, "..", "shared", "validators")
OUT = os.path.join(ROOT, "tests", "fixtures", "terraform-schemas.json")
PROVIDERS = {
    "aws": "@cdktf/provider-aws",
    "google": "@cdktf/provider-google",
    "azurerm": "@cdktf/provider-azurerm",
}

source = "".join(open(p).read() for p in glob.glob(os.path.join(ROOT, "src/export/terraform/**/*.rs"), recursive=True))
# Every provider-prefixed string literal in the exporter that names a type.
named = set(re.findall(r'"((?:aws|google|azurerm)_[a-z0-9_]+)"', source))
data_sources = set(re.findall(r'\.add_label\("((?:aws|google|azurerm)_[a-z0-9_]+)"\)', source))


def full_schema(provider, work):
    if "--from-npm" not in sys.argv:
        return json.load(open(os.path.join(VALIDATORS, f"{provider}_schema.json")))
    package = PROVIDERS[provider]
    subprocess.run(["npm", "install", "--silent", "--prefix", work, package], check=True)
    out = os.path.join(work, f"{provider}.json")
    subprocess.run(
        [sys.executable, os.path.join(VALIDATORS, "extract_cdktf_schema.py"),
         os.path.join(work, "node_modules", package), out],
        check=True,
    )
    return json.load(open(out))


extract = {}
with tempfile.TemporaryDirectory() as work:
    for provider in PROVIDERS:
        schema = full_schema(provider, work)
        mine = {
            "resource": {t: s for t, s in schema["resource"].items() if t in named},
            "data": {t: s for t, s in schema["data"].items() if t in data_sources},
            "provider": schema["provider"],
            "source": schema.get("_meta", {}),
        }
        extract[provider] = mine

known = {t for p in extract.values() for t in p["resource"]}
emitted = set(re.findall(r'(?:resource|base)\(\s*"([a-z0-9_]+)"', source))
# Kubernetes workloads use the hashicorp/kubernetes provider and generated credentials the
# hashicorp/random one, which have no CDKTF schema here; the reference checker reports them
# as "no schema loaded" too.
missing = sorted(
    t for t in emitted - known if not t.startswith(("kubernetes_", "random_"))
)
if missing:
    sys.exit(f"the exporter emits types no provider schema has: {missing}")
with open(OUT, "w") as handle:
    json.dump(extract, handle, indent=1, sort_keys=True)
    handle.write("\n")
print(f"wrote {OUT}: {len(known)} resource types, {len(data_sources)} data sources")
