"""Structured edits of auto mappings (``NAME = OrderedDict([...])``), through libcst.

The mapping statement is found by its name; entries are compared by content. Unchanged entries keep
their exact text and the comment lines above them; new entries are rendered by ``pysource``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import libcst as cst

from tfintegrity.fixes.pysource import render_mapping, render_mapping_entry

# --------------------------------------------------------------------------- auto mappings


@dataclass
class _Unit:
    text: List[str]  # the lines: preceding comment/blank lines, then the entry
    entry_end: Tuple[int, int]  # (line index within text, column) just after the entry's closing parenthesis
    has_comma: bool


def _mapping_statement(module: cst.Module, mapping: str) -> Tuple[int, cst.SimpleStatementLine]:
    for index, stmt in enumerate(module.body):
        if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
            continue
        small = stmt.body[0]
        if (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name)
            and small.targets[0].target.value == mapping
        ):
            value = small.value
            if isinstance(value, cst.Call) and value.args and isinstance(value.args[0].value, cst.List):
                return index, stmt
            raise ValueError(f"{mapping} is not `OrderedDict([...])`")
    raise ValueError(f"no mapping {mapping} in this file")


def _entry_of(node: ast.expr) -> Optional[Tuple[str, Tuple[str, ...]]]:
    if not (isinstance(node, ast.Tuple) and len(node.elts) == 2):
        return None
    key, value = node.elts
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return None
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return key.value, (value.value,)
    if isinstance(value, (ast.Tuple, ast.List)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
    ):
        return key.value, tuple(e.value for e in value.elts)  # type: ignore[attr-defined]
    return None


def _col(line: str, offset: int) -> int:
    """The character index of ``ast``'s UTF-8 byte column ``offset`` in ``line``."""
    return len(line.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))


def _only_comments(lines: Sequence[str]) -> bool:
    return all(not line.strip() or line.strip().startswith("#") for line in lines)


def edit_mapping(text: str, mapping: str, entries: Sequence[Tuple[str, Sequence[str]]]) -> str:
    """Make the list of ``mapping = OrderedDict([...])`` hold exactly ``entries`` (in that order).

    Unchanged entries keep their exact text and the comment lines above them; comment lines above
    the first entry stay at the top of the list; new entries are rendered by ``render_mapping_entry``.
    """
    wanted = [(key, tuple(values)) for key, values in entries]
    module = cst.parse_module(text)
    index, stmt = _mapping_statement(module, mapping)
    newline = module.default_newline
    old_code = module.code_for_node(stmt.with_changes(leading_lines=()))
    code = old_code.replace(newline, "\n") if newline != "\n" else old_code
    tree = ast.parse(code)
    assign = tree.body[0]
    assert isinstance(assign, ast.Assign) and isinstance(assign.value, ast.Call)
    listed = assign.value.args[0]
    assert isinstance(listed, ast.List)
    current = []
    for element in listed.elts:
        entry = _entry_of(element)
        if entry is None:
            raise ValueError(f'{mapping}: an entry that is not a ("model_type", "Class") pair')
        current.append(entry)
    if current == wanted:
        return text
    lines = code.split("\n")
    new_code = _mapping_by_lines(lines, listed, current, wanted)
    if new_code is None:
        if any("#" in line for line in lines):
            raise ValueError(f"{mapping} is not one entry per line and has comments: edit it by hand")
        magic = bool(listed.elts) and _trailing_comma(lines, listed)
        new_code = render_mapping(mapping, wanted, "", magic)
        if stmt.trailing_whitespace.comment is not None:
            raise ValueError(f"{mapping} has a trailing comment: edit it by hand")
    new = cst.parse_statement(new_code).with_changes(leading_lines=stmt.leading_lines)
    body = list(module.body)
    body[index] = new
    return module.with_changes(body=tuple(body)).code


def _trailing_comma(lines: Sequence[str], listed: ast.List) -> bool:
    last = listed.elts[-1]
    rest = (
        lines[last.end_lineno - 1][last.end_col_offset :]
        + "".join(  # type: ignore[operator]
            lines[last.end_lineno : listed.end_lineno]  # type: ignore[misc]
        )
    )
    return rest.lstrip().startswith(",")


def _mapping_by_lines(
    lines: List[str],
    listed: ast.List,
    current: List[Tuple[str, Tuple[str, ...]]],
    wanted: List[Tuple[str, Tuple[str, ...]]],
) -> Optional[str]:
    """The statement with the list's entries replaced line by line, or None if it is not one entry per line."""
    open_line = listed.lineno - 1
    close_line = listed.end_lineno - 1  # type: ignore[operator]
    if lines[open_line][_col(lines[open_line], listed.col_offset) + 1 :].strip():
        return None
    if lines[close_line][: _col(lines[close_line], listed.end_col_offset) - 1].strip():  # type: ignore[arg-type]
        return None
    if not listed.elts:
        # an empty list kept open by comments: new entries go below them
        if close_line <= open_line or not _only_comments(lines[open_line + 1 : close_line]):
            return None
        indent = " " * (len(lines[open_line]) - len(lines[open_line].lstrip()) + 4)
        rendered = [render_mapping_entry(k, v, indent).rstrip("\n").split("\n") for k, v in wanted]
        return "\n".join(lines[:close_line] + [line for entry in rendered for line in entry] + lines[close_line:])
    first = listed.elts[0]
    if first.lineno - 1 <= open_line:
        return None
    header_end = first.lineno - 1
    units: Dict[Tuple[str, Tuple[str, ...]], List[_Unit]] = {}
    previous_end = header_end
    indent = " " * first.col_offset
    for element, entry in zip(listed.elts, current):
        start, end = element.lineno - 1, element.end_lineno - 1  # type: ignore[operator]
        if start < previous_end or lines[start][: _col(lines[start], element.col_offset)].strip():
            return None
        between = lines[previous_end:start] if element is not first else []
        if not _only_comments(between):
            return None
        end_col = _col(lines[end], element.end_col_offset)  # type: ignore[arg-type]
        stripped = lines[end][end_col:].strip()
        if stripped not in ("", ","):
            return None
        text = between + lines[start : end + 1]
        units.setdefault(entry, []).append(_Unit(text, (len(text) - 1, end_col), stripped == ","))
        previous_end = end + 1
    if close_line < previous_end or not _only_comments(lines[previous_end:close_line]):
        return None
    out = lines[:header_end]
    for position, entry in enumerate(wanted):
        last = position == len(wanted) - 1
        pool = units.get(entry)
        if pool:
            unit = pool.pop(0)
            text = list(unit.text)
            if not unit.has_comma and not last:
                row, col = unit.entry_end
                text[row] = text[row][:col] + "," + text[row][col:]
            out.extend(text)
        else:
            out.extend(render_mapping_entry(entry[0], entry[1], indent).rstrip("\n").split("\n"))
    out.extend(lines[previous_end:])
    return "\n".join(out)

