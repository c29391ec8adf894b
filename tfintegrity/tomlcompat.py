"""``tomllib`` on Python 3.11+, ``tomli`` before."""

import re
import sys
from typing import Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older Pythons only
    import tomli as tomllib


def toml_error_line(exc: Exception) -> Optional[int]:
    """The line of a TOML error: an attribute from Python 3.14 on, before that only in the message."""
    line = getattr(exc, "lineno", None)
    if line is None:
        match = re.search(r"at line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
    return line


__all__ = ["tomllib", "toml_error_line"]
