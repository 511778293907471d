#!/usr/bin/env python3
"""Runs checkov on every folder under each DIR (one checkov framework per DIR) and compares
its failed checks with the allowlist (.ci/checkov-allowlist.txt: `<CHECK_ID> <reason>` per
line).

Fails on a failed check the allowlist does not name, on an allowlist line without a reason,
and on an allowlisted check that no longer fails anywhere (so the list stays true).
usage: check-checkov.py CHECKOV_BINARY ALLOWLIST FRAMEWORK:DIR [FRAMEWORK:DIR ...]
  e.g. check-checkov.py checkov .ci/checkov-allowlist.txt terraform:out/tf kubernetes:out/k8s
"""
import collections
import json
import os
import subprocess
import sys


def allowlist(path):
    allowed = {}
    for number, line in enumerate(open(path), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        check, _, reason = line.partition(" ")
        if not reason.strip():
            sys.exit(f"{path}:{number}: `{check}` needs a reason")
        allowed[check] = reason.strip()
    return allowed


def failures(checkov, framework, module):
    run = subprocess.run(
        [checkov, "-d", module, "--framework", framework, "--quiet", "--compact", "-o", "json"],
        capture_output=True, text=True,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        sys.exit(f"checkov gave no report for {module}:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
    reports = report if isinstance(report, list) else [report]
    for report in reports:
        summary = report.get("summary", {})
        if summary.get("parsing_errors"):
            sys.exit(f"checkov could not parse {module}")
        for check in report.get("results", {}).get("failed_checks", []):
            yield check["check_id"], check["resource"], check.get("check_name", "")


def main():
    checkov, allowed_path = sys.argv[1:3]
    allowed = allowlist(allowed_path)
    seen = collections.Counter()
    unexpected = []
    modules = []
    for target in sys.argv[3:]:
        framework, _, root = target.partition(":")
        for module in sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d))):
            modules.append(module)
            for check, resource, name in failures(checkov, framework, os.path.join(root, module)):
                seen[check] += 1
                if check not in allowed:
                    unexpected.append(f"{framework} {module}: {check} {resource}: {name}")
    stale = sorted(set(allowed) - set(seen))
    total = sum(seen.values())
    print(f"checkov: {len(modules)} folders, {total} failed checks, all allowlisted" if not unexpected
          else f"checkov: {len(unexpected)} failed checks not in the allowlist:")
    for line in unexpected:
        print("  " + line)
    for check in stale:
        print(f"  {check} is allowlisted but no longer fails: remove it from {allowed_path}")
    if unexpected or stale:
        sys.exit(1)


if __name__ == "__main__":
    main()
