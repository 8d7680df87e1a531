"""Fail CI unless every PostgreSQL test, every browser test, the accessibility check (axe)
and the API contract check (schemathesis) ran, none skipped.

Locally these may be skipped (no server, no Chromium); on CI, where .ci/run provides them
all, a skip would hide a part of the suite that never ran.
"""

import re
import sys
import xml.etree.ElementTree as ET

cases = list(ET.parse(sys.argv[1]).iter("testcase"))
groups = {
    "PostgreSQL": [c for c in cases if re.search(r"\[(.*-)?postgresql(-.*)?\]", c.get("name", ""))],
    "browser": [c for c in cases if c.get("classname", "").endswith("test_browser")],
    "accessibility (axe)": [c for c in cases if "wcag" in c.get("name", "")],
    "API contract (schemathesis)": [
        c for c in cases if c.get("classname", "").endswith("test_web_schema")
    ],
}
failed = False
for name, group in groups.items():
    ran = [case for case in group if case.find("skipped") is None]
    print(f"CI: {len(ran)} of {len(group)} {name} tests ran")
    failed |= not group or len(ran) != len(group)
sys.exit(1 if failed else 0)
