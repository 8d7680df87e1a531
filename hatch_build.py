"""The wheel's build step: compile the message catalogues (claimtrack/locales/*/LC_MESSAGES/
*.po, the files translators edit and the repository keeps) into the .mo files gettext reads,
so that a plain `pip install .` ships them. A checkout run without a build compiles them in
memory instead (claimtrack/language.py)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogues(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        self._folder = Path(tempfile.mkdtemp(prefix="claimtrack-mo-"))
        locales = Path(self.root) / "claimtrack" / "locales"
        for po in sorted(locales.glob("*/LC_MESSAGES/*.po")):
            relative = po.relative_to(locales).with_suffix(".mo")
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=relative.parts[0])
            compiled = self._folder / relative
            compiled.parent.mkdir(parents=True, exist_ok=True)
            with compiled.open("wb") as out:
                write_mo(out, catalog, use_fuzzy=False)  # a fuzzy entry is not a translation
            build_data["force_include"][str(compiled)] = f"claimtrack/locales/{relative}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)
