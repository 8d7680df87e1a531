"""Fail CI unless every test parametrized for PostgreSQL ran there (none skipped)."""

import re
import sys
import xml.etree.ElementTree as ET

cases = [
    case
    for case in ET.parse(sys.argv[1]).iter("testcase")
    if re.search(r"\[(.*-)?postgresql(-.*)?\]", case.get("name", ""))
]
ran = [case for case in cases if case.find("skipped") is None]
print(f"CI: {len(ran)} of {len(cases)} PostgreSQL tests ran")
sys.exit(0 if cases and len(ran) == len(cases) else 1)
