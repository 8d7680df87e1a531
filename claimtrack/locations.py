"""Where the configuration file is, and which time zone a name means.

Apart from config.py because a command needs these before it knows whether there is a
configuration to read, and most often there is none: then it loads neither TOML nor the
validation models (pydantic), about 140 ms of a command's start (bench/run.py).
"""

from __future__ import annotations

import os
from datetime import UTC, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENV_CONFIG = "CLAIMTRACK_CONFIG"


def default_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("claimtrack", appauthor=False)) / "config.toml"


def locate(path: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """The configuration file to read, and whether the user named it (then it must exist)."""
    if path:
        return Path(path).expanduser(), True
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG]).expanduser(), True
    return default_path(), False


def zone_of(name: str) -> tzinfo:
    if name.upper() == "UTC":
        return UTC
    # The longest IANA name has 32 characters; a longer one is not looked up at all, as the
    # file system would refuse its path (OSError) rather than say it is unknown.
    if len(name) <= 255:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    shown = name if len(name) <= 60 else f"{name[:57]}..."
    raise ValueError(f"'{shown}' is not a time zone; use an IANA name, e.g. Europe/Paris")
