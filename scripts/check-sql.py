"""Parses each SQL file the `sql` export wrote with a real parser for its dialect:
PostgreSQL files with pglast (libpg_query, PostgreSQL's own parser), MySQL files with
sqlglot's MySQL dialect, errors raised. The dialect is read from the file's header
comment ("-- The tables of X (PostgreSQL).").

Usage: python check-sql.py FILE...
"""

import sys

import pglast
import sqlglot
from sqlglot.errors import ErrorLevel


def main(paths):
    if not paths:
        sys.exit("no SQL files given")
    counts = {"PostgreSQL": 0, "MySQL": 0}
    for path in paths:
        text = open(path, encoding="utf-8").read()
        header = text.splitlines()[1] if text.count("\n") > 1 else ""
        if header.endswith("(PostgreSQL)."):
            statements = pglast.parse_sql(text)
            counts["PostgreSQL"] += 1
        elif header.endswith("(MySQL)."):
            statements = sqlglot.parse(text, read="mysql", error_level=ErrorLevel.RAISE)
            counts["MySQL"] += 1
        else:
            sys.exit(f"{path}: no dialect in the header: {header!r}")
        if not statements:
            sys.exit(f"{path}: no statements")
        print(f"sql ok: {path} ({len(statements)} statements)")
    print(f"sql ok: {counts['PostgreSQL']} PostgreSQL and {counts['MySQL']} MySQL files")


if __name__ == "__main__":
    main(sys.argv[1:])
