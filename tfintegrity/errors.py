"""The one exception type that turns into a one-line error and exit code 2."""

from __future__ import annotations

from typing import Optional


class TfiError(Exception):
    """A user-facing error: bad input, bad configuration, or a write that failed.

    Rendered as ``path:line: error: message`` (or without line/path when unknown).
    """

    def __init__(self, message: str, path: Optional[str] = None, line: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def render(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path + (f":{self.line}" if self.line else "") + ": "
        return f"{where}error: {self.message}"
