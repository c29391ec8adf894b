"""Readers of documentation pages: the ``[[autodoc]]`` sections of a model's doc page, with positions.

Kept apart from ``readers`` (Python files) so that each page layout is one reader here.
"""

from __future__ import annotations

import re
from typing import Optional

from tfintegrity.facts import AutodocEntry, DocPageFacts

_AUTODOC = re.compile(r"\[\[autodoc\]\]\s+(\S+)")
_MEMBER = re.compile(r"\s+-\s+(\S+)")


def read_doc_page(path: str, text: str) -> DocPageFacts:
    lines = text.splitlines()
    entries = []
    for index, line in enumerate(lines):
        match = _AUTODOC.match(line)
        if match is None:
            continue
        written = match.group(1)
        header: Optional[str] = None
        start = index
        above = index - 1
        while above >= 0 and not lines[above].strip():
            above -= 1
        if above >= 0 and lines[above].startswith("#"):
            header = lines[above].lstrip("#").strip()
            start = above
        members = []
        end = index
        below = index + 1
        while below < len(lines):
            member = _MEMBER.match(lines[below])
            if member is None:
                break
            members.append(member.group(1))
            end = below
            below += 1
        entries.append(
            AutodocEntry(
                name=written.rsplit(".", 1)[-1],
                written=written,
                header=header,
                line=start + 1,
                autodoc_line=index + 1,
                members=tuple(members),
                end_line=end + 1,
            )
        )
    return DocPageFacts(path=path, entries=tuple(entries))
