#!/usr/bin/env python3
"""Parses each HTML file with html5lib, a reference implementation of the WHATWG HTML5
parsing algorithm, in strict mode: any parse error fails. Also checks that the document
makes no external requests (no src/href to another origin, no @import).
usage: check-html.py FILE...   (exit 1 on errors)
"""
import re
import sys

import html5lib

bad = 0
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    problems = []
    try:
        html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)
    except Exception as error:  # html5lib raises ParseError with the position
        problems.append(f"not valid HTML5: {error}")
    for match in re.finditer(r'\b(?:src|href)\s*=\s*"(?!#)([^"]*)"', text):
        problems.append(f"external reference: {match.group(1)}")
    if "@import" in text or "url(http" in text:
        problems.append("external stylesheet or font")
    bad += bool(problems)
    print(("OK   " if not problems else "FAIL ") + path + "".join("\n  - " + p for p in problems))
sys.exit(1 if bad else 0)
