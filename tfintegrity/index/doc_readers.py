"""Readers of documentation pages: the autodoc sections of a model's doc page, with positions.

Kept apart from ``readers`` (Python files). Each page shape is one reader, chosen by the page's suffix
through ``SHAPES``: Markdown (``.md``, ``.mdx``: ``## X`` / ``[[autodoc]] X`` / ``    - call``) and
reStructuredText (``.rst``: ``X`` / ``~~~`` / ``.. autoclass:: transformers.X`` / ``    :members: call``).
Both give the same facts (``AutodocEntry``), so the check does not know which shape it reads.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from tfintegrity.errors import TfiError
from tfintegrity.facts import AutodocEntry, DocPageFacts

MARKDOWN = "markdown"
RST = "rst"

# Page suffix -> shape. A suffix missing here has no reader (a rule naming one is refused).
SHAPES: Dict[str, str] = {".md": MARKDOWN, ".mdx": MARKDOWN, ".rst": RST}


def shape_of(path: str) -> str:
    """The shape of the page at ``path`` (by suffix); Markdown for a suffix without a reader of its own."""
    dot = path.rfind(".")
    return SHAPES.get(path[dot:] if dot > path.rfind("/") else "", MARKDOWN)


def read_doc_page(path: str, text: str) -> DocPageFacts:
    return READERS[shape_of(path)](path, text)


def _section_start(
    lines: List[str], index: int, header_above: Callable[[List[str], int], Optional[int]], floor: int,
    hidden: Sequence[bool] = (),
) -> Tuple[Optional[str], int]:
    """The header of the section whose directive is at ``index``, and the section's first line: the nearest
    header above it, over blank lines and prose (``See BartModel for ...``) but not over another directive
    (line ``floor``) or a code block (``hidden`` lines)."""
    above = index - 1
    while above > floor and not (hidden and hidden[above]):
        if lines[above].strip():
            start = header_above(lines, above)
            if start is not None and start > floor:
                return _header_text(lines[start]), start
        above -= 1
    return None, index


def _header_text(line: str) -> str:
    return line.lstrip("#").strip()


# --------------------------------------------------------------------------- Markdown

_AUTODOC = re.compile(r"\[\[autodoc\]\](.*)$")
_MEMBER = re.compile(r"\s+-\s+(\S+)")


def _markdown_header(lines: List[str], above: int) -> Optional[int]:
    return above if lines[above].startswith("#") else None


def _fenced(lines: List[str]) -> List[bool]:
    """Which lines are inside (or open or close) a fenced code block: a ``# comment`` there is no header."""
    out = []
    inside = False
    for line in lines:
        fence = line.lstrip().startswith(("```", "~~~"))
        out.append(inside or fence)
        if fence:
            inside = not inside
    return out


def read_markdown_page(path: str, text: str) -> DocPageFacts:
    lines = text.splitlines()
    fenced = _fenced(lines)
    entries: List[AutodocEntry] = []
    for index, line in enumerate(lines):
        match = _AUTODOC.match(line)
        if match is None:
            continue
        target = match.group(1).split()
        if not target:
            raise TfiError("`[[autodoc]]` names no object", path, index + 1)
        written = target[0]
        floor = entries[-1].end_line - 1 if entries else -1
        header, start = _section_start(lines, index, _markdown_header, floor, fenced)
        members = []
        end = index
        if index + 2 < len(lines) and not lines[index + 1].strip() and _MEMBER.match(lines[index + 2]):
            end += 1  # a blank line between the directive and its members (imagegpt's page, 4.31.0)
        while end + 1 < len(lines):
            member = _MEMBER.match(lines[end + 1])
            if member is None:
                break
            members.append(member.group(1))
            end += 1
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


# --------------------------------------------------------------------------- reStructuredText

_DIRECTIVE = re.compile(r"\.\. autoclass::(.*)$")
_OPTION = re.compile(r"\s+:([\w-]+):(.*)$")
# A section underline: one punctuation character repeated (the characters docutils allows).
_UNDERLINE = re.compile(r"([=\-`:'\"~^_*+#<>.!$%&,/;?@\\|])\1{2,}\s*")


def is_underline(line: str) -> bool:
    return _UNDERLINE.fullmatch(line) is not None


def _rst_header(lines: List[str], above: int) -> Optional[int]:
    """The title line of an underlined section title ending at ``above``."""
    if above >= 1 and is_underline(lines[above]) and lines[above - 1].strip() and not is_underline(lines[above - 1]):
        return above - 1
    return None


def read_rst_page(path: str, text: str) -> DocPageFacts:
    lines = text.splitlines()
    entries: List[AutodocEntry] = []
    for index, line in enumerate(lines):
        match = _DIRECTIVE.match(line)
        if match is None:
            continue
        target = match.group(1).split()
        if not target:
            raise TfiError("`.. autoclass::` names no object", path, index + 1)
        written = target[0]
        floor = entries[-1].end_line - 1 if entries else -1
        header, start = _section_start(lines, index, _rst_header, floor)
        # The directive's options: the indented lines right below it; a value goes on over deeper lines.
        members: List[str] = []
        all_members = False
        end = index
        option: Optional[str] = None
        while end + 1 < len(lines) and lines[end + 1].strip() and lines[end + 1][:1].isspace():
            end += 1
            found = _OPTION.match(lines[end])
            if found is not None:
                option = found.group(1)
                value = found.group(2)
                if option == "members":
                    all_members = not value.strip()
            else:
                value = lines[end]
            if option == "members":
                members.extend(m.strip() for m in value.split(",") if m.strip())
        if members:
            all_members = False
        entries.append(
            AutodocEntry(
                name=written.rsplit(".", 1)[-1],
                written=written,
                header=header,
                line=start + 1,
                autodoc_line=index + 1,
                members=tuple(members),
                end_line=end + 1,
                all_members=all_members,
            )
        )
    return DocPageFacts(path=path, entries=tuple(entries))


READERS: Dict[str, Callable[[str, str], DocPageFacts]] = {MARKDOWN: read_markdown_page, RST: read_rst_page}
