"""Fail CI unless every PostgreSQL test and every browser test ran (none skipped).

Locally both halves may be skipped (no server, no Chromium); on CI, where .ci/run provides
both, a skip would hide a part of the suite that never ran.
"""

import re
import sys
import xml.etree.ElementTree as ET

cases = list(ET.parse(sys.argv[1]).iter("testcase"))
groups = {
    "PostgreSQL": [c for c in cases if re.search(r"\[(.*-)?postgresql(-.*)?\]", c.get("name", ""))],
    "browser": [c for c in cases if c.get("classname", "").endswith("test_browser")],
}
failed = False
for name, group in groups.items():
    ran = [case for case in group if case.find("skipped") is None]
    print(f"CI: {len(ran)} of {len(group)} {name} tests ran")
    failed |= not group or len(ran) != len(group)
sys.exit(1 if failed else 0)
