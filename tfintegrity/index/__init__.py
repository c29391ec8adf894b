"""The static repository index: facts read with ``ast`` and plain text, never by importing."""

from tfintegrity.index.repo import RepoIndex

__all__ = ["RepoIndex"]
