"""Structured edits of auto mappings (``NAME = OrderedDict([...])``) and of the imports at the top of an
auto module, through libcst.

The mapping statement is found by its name; entries are compared by content. Unchanged entries keep
their exact text, the comment lines above them and a comment after them; new entries are rendered as
black writes them (quoted names by ``pysource``, bare names here). Entries are ``strings``
(``("bert", "TFBertModel")``) or ``objects`` (``(BertConfig, TFBertModel)``), as the file writes them.

Imports (``from ..bert.modeling_tf_bert import (...)``) are found by module and level; their names are
kept in isort's order and the statement is written as black writes it; a new statement goes at its
isort place among the relative imports (before the first that sorts after it, taking over its leading
comment lines), an emptied one is removed and hands its leading lines to the next statement.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

import libcst as cst

from tfintegrity.fixes.pysource import (
    INDENT,
    LINE_LENGTH,
    isort_names,
    render_import,
    render_mapping,
    render_mapping_entry,
)
from tfintegrity.index.auto_readers import read_entry

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


def _entry_of(node: ast.expr, form: str) -> Optional[Tuple[str, Tuple[str, ...]]]:
    entry = read_entry(node, form)
    return None if entry is None else (entry.key, tuple(entry.values))


def render_object_entry(key: str, values: Sequence[str], indent: str = "        ", exploded: bool = False) -> str:
    """One ``(KeyConfig, TFClass),`` entry of bare names as black writes it: one line when it fits (and not
    ``exploded``), else ``(`` / ``KeyConfig,`` / ``TFClass,`` / ``),`` (a tuple value split the same way if
    still too long)."""
    if not values:
        raise ValueError(f"mapping entry {key!r} has no class")
    value = values[0] if len(values) == 1 else "(" + ", ".join(values) + ")"
    one = f"{indent}({key}, {value}),"
    if len(one) <= LINE_LENGTH and not exploded:
        return one + "\n"
    inner = indent + INDENT
    lines = [f"{indent}(", f"{inner}{key},"]
    if len(values) == 1 or len(f"{inner}{value},") <= LINE_LENGTH:
        lines.append(f"{inner}{value},")
    else:
        lines += [f"{inner}("] + [f"{inner}{INDENT}{v}," for v in values] + [f"{inner}),"]
    lines.append(f"{indent}),")
    return "".join(line + "\n" for line in lines)


def _render_entry(key: str, values: Sequence[str], indent: str, form: str, comment: Optional[str] = None) -> str:
    """The entry as black writes it; with a trailing ``comment`` on its last line, split over lines (as black
    splits it) when the one line and the comment do not fit in the line length."""
    if form == "strings":
        text = render_mapping_entry(key, values, indent)
    else:
        text = render_object_entry(key, values, indent)
    if comment is None:
        return text
    lines = text.rstrip("\n").split("\n")
    if len(lines) == 1 and len(f"{lines[0]}  {comment}") > LINE_LENGTH:
        if form == "strings":
            text = render_mapping_entry(key, values, indent, exploded_hint=True)
        else:
            text = render_object_entry(key, values, indent, exploded=True)
        lines = text.rstrip("\n").split("\n")
    lines[-1] += f"  {comment}"
    return "".join(line + "\n" for line in lines)


def _col(line: str, offset: int) -> int:
    """The character index of ``ast``'s UTF-8 byte column ``offset`` in ``line``."""
    return len(line.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))


def _only_comments(lines: Sequence[str]) -> bool:
    return all(not line.strip() or line.strip().startswith("#") for line in lines)


def edit_mapping(
    text: str,
    mapping: str,
    entries: Sequence[Tuple[str, Sequence[str]]],
    form: str = "strings",
    comments: Optional[Mapping[Tuple[str, Tuple[str, ...]], str]] = None,
) -> str:
    """Make the list of ``mapping = OrderedDict([...])`` hold exactly ``entries`` (in that order).

    Unchanged entries keep their exact text and the comment lines above them; comment lines above
    the first entry stay at the top of the list; new entries are rendered in ``form`` (``strings``: by
    ``render_mapping_entry``; ``objects``: by ``render_object_entry``), followed by their comment in
    ``comments`` (keyed by entry) when they have one.
    """
    wanted = [(key, tuple(values)) for key, values in entries]
    notes = dict(comments or {})
    quick = _edit_in_place(text, mapping, wanted, form, notes)
    if quick is not None:
        return quick
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
        entry = _entry_of(element, form)
        if entry is None:
            shape = '("model_type", "Class")' if form == "strings" else "(ConfigClass, Class)"
            raise ValueError(f"{mapping}: an entry that is not a {shape} pair")
        current.append(entry)
    if current == wanted:
        return text
    lines = code.split("\n")
    new_code = _mapping_by_lines(lines, listed, current, wanted, form, notes)
    if new_code is None:
        if form != "strings":
            raise ValueError(f"{mapping} is not one entry per line: edit it by hand")
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


def _edit_in_place(
    text: str,
    mapping: str,
    wanted: List[Tuple[str, Tuple[str, ...]]],
    form: str,
    comments: Optional[Mapping[Tuple[str, Tuple[str, ...]], str]] = None,
) -> Optional[str]:
    """The common case without a libcst round trip of the whole module: a module-level mapping written one
    entry per line, edited line by line in the text. ``None`` when it is not that case (the caller then
    goes through libcst, which also names what is wrong)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    plain = text.replace("\r\n", "\n") if newline != "\n" else text
    if "\r" in plain:
        return None
    try:
        tree = ast.parse(plain)
    except SyntaxError:
        return None
    node = next(
        (
            n
            for n in tree.body
            if isinstance(n, ast.Assign)
            and len(n.targets) == 1
            and isinstance(n.targets[0], ast.Name)
            and n.targets[0].id == mapping
        ),
        None,
    )
    if node is None or node.col_offset != 0:
        return None
    value = node.value
    if not (isinstance(value, ast.Call) and value.args and isinstance(value.args[0], ast.List)):
        return None
    lines = plain.split("\n")
    end = node.end_lineno - 1  # type: ignore[operator]
    tail = lines[end][_col(lines[end], node.end_col_offset) :].strip()  # type: ignore[arg-type]
    if tail and not tail.startswith("#"):
        return None
    listed = value.args[0]
    current = [_entry_of(element, form) for element in listed.elts]
    if any(entry is None for entry in current):
        return None
    if current == wanted:
        return text
    edited = _mapping_by_lines(lines, listed, current, wanted, form, comments)  # type: ignore[arg-type]
    if edited is None:
        return None
    return edited.replace("\n", newline) if newline != "\n" else edited


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
    form: str = "strings",
    comments: Optional[Mapping[Tuple[str, Tuple[str, ...]], str]] = None,
) -> Optional[str]:
    """The statement with the list's entries replaced line by line, or None if it is not one entry per line."""
    notes = comments or {}
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
        rendered = [_render_entry(k, v, indent, form, notes.get((k, v))).rstrip("\n").split("\n") for k, v in wanted]
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
        has_comma = stripped.startswith(",")
        after = stripped[1:].strip() if has_comma else stripped
        if after and not after.startswith("#"):  # only a comma and a comment may follow an entry
            return None
        text = between + lines[start : end + 1]
        units.setdefault(entry, []).append(_Unit(text, (len(text) - 1, end_col), has_comma))
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
            out.extend(_render_entry(entry[0], entry[1], indent, form, notes.get(entry)).rstrip("\n").split("\n"))
    out.extend(lines[previous_end:])
    return "\n".join(out)


# --------------------------------------------------------------------------- imports at the top


@dataclass(frozen=True)
class ImportEdit:
    """Names to add to and remove from ``from <level dots><module> import ...`` (created or removed as needed)."""

    module: str
    level: int
    add: Tuple[str, ...] = ()
    remove: Tuple[str, ...] = ()


def _natural(text: str) -> List[Union[int, str]]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def import_sort_key(module: str, level: int) -> List[Union[int, str]]:
    """isort's order of from-imports: ``...x`` before ``..x`` before ``.x`` (its ``module_key`` joins the dots
    to the name with ``_``), case-insensitive, numbers as numbers."""
    return _natural(("." * level + "_" + module if level else module).lower())


def _dotted(node: Optional[Union[cst.Attribute, cst.Name]]) -> str:
    if node is None:
        return ""
    if isinstance(node, cst.Name):
        return node.value
    return _dotted(node.value) + "." + node.attr.value  # type: ignore[arg-type]


def _import_from(stmt: cst.CSTNode) -> Optional[cst.ImportFrom]:
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.ImportFrom):
        return stmt.body[0]
    return None


def edit_imports(text: str, edits: Sequence[ImportEdit]) -> str:
    """Apply ``edits`` to the module's top-level from-imports (see the module docstring for placement)."""
    quick = _edit_imports_in_place(text, edits)
    if quick is not None:
        return quick
    module = cst.parse_module(text)
    body = list(module.body)
    for edit in edits:
        found = None
        for index, stmt in enumerate(body):
            node = _import_from(stmt)
            if node is not None and len(node.relative) == edit.level and _dotted(node.module) == edit.module:
                found = index
                break
        if found is None:
            if edit.add:
                _insert_import(body, edit)
            continue
        stmt = body[found]
        node = _import_from(stmt)
        assert node is not None
        if isinstance(node.names, cst.ImportStar) or any(a.asname is not None for a in node.names):
            raise ValueError(
                f"from {'.' * edit.level}{edit.module} import ... is not a plain list of names: edit it by hand"
            )
        if "#" in module.code_for_node(stmt.with_changes(leading_lines=())):
            raise ValueError(f"from {'.' * edit.level}{edit.module} import ... has comments: edit it by hand")
        names = [_dotted(a.name) for a in node.names]  # type: ignore[arg-type]
        kept = isort_names([n for n in names if n not in edit.remove] + [n for n in edit.add if n not in names])
        if kept == names:
            continue
        if not kept:
            following = found + 1
            if following < len(body):
                moved = body[following]
                body[following] = moved.with_changes(leading_lines=(*stmt.leading_lines, *moved.leading_lines))
            del body[found]
            continue
        new = cst.parse_statement(render_import(edit.module, edit.level, kept))
        body[found] = new.with_changes(leading_lines=stmt.leading_lines)
    return module.with_changes(body=tuple(body)).code


def _edit_imports_in_place(text: str, edits: Sequence[ImportEdit]) -> Optional[str]:
    """``edit_imports`` line by line in the text, without a libcst round trip of the module, for the common
    case: each statement it touches a plain list of names on lines of its own. ``None`` when it is not that
    case (the caller then goes through libcst, which also names what is wrong)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    plain = text.replace("\r\n", "\n") if newline != "\n" else text
    if "\r" in plain:
        return None
    for edit in edits:
        try:
            tree = ast.parse(plain)
        except SyntaxError:
            return None
        lines = plain.split("\n")
        statements = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
        found = next((n for n in statements if n.level == edit.level and (n.module or "") == edit.module), None)
        if found is None:
            if not edit.add:
                continue
            place = _import_place(tree, lines, edit)
            if place is None:
                return None
            new = render_import(edit.module, edit.level, isort_names(edit.add)).rstrip("\n").split("\n")
            lines[place:place] = new
            plain = "\n".join(lines)
            continue
        if not _on_own_lines(lines, found) or any(a.name == "*" or a.asname is not None for a in found.names):
            return None
        start, end = found.lineno - 1, found.end_lineno or found.lineno
        if any("#" in line for line in lines[start:end]):
            return None
        names = [a.name for a in found.names]
        kept = isort_names([n for n in names if n not in edit.remove] + [n for n in edit.add if n not in names])
        if kept == names:
            continue
        if not kept:
            if tree.body[-1] is found:
                return None  # libcst drops its leading lines with it
            lines[start:end] = []
        else:
            lines[start:end] = render_import(edit.module, edit.level, kept).rstrip("\n").split("\n")
        plain = "\n".join(lines)
    return plain.replace("\n", newline) if newline != "\n" else plain


def _on_own_lines(lines: Sequence[str], node: ast.stmt) -> bool:
    end = (node.end_lineno or node.lineno) - 1
    return node.col_offset == 0 and not lines[end][_col(lines[end], node.end_col_offset or 0) :].strip()


def _import_place(tree: ast.Module, lines: Sequence[str], edit: ImportEdit) -> Optional[int]:
    """The line index a new statement goes to, as ``_insert_import`` places it (``None``: leave it to that)."""
    if not edit.level:
        return None
    key = import_sort_key(edit.module, edit.level)
    last: Optional[ast.ImportFrom] = None
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level:
            if not _on_own_lines(lines, node):
                return None
            if import_sort_key(node.module or "", node.level) > key:
                return node.lineno - 1
            last = node
    if last is None:
        return None
    return last.end_lineno or last.lineno


def _insert_import(body: List[cst.CSTNode], edit: ImportEdit) -> None:
    """A new statement before the first relative from-import that sorts after it (taking over its leading
    lines), else after the last relative from-import."""
    if not edit.level:
        raise ValueError(f"no `from {edit.module} import` to add {', '.join(edit.add)} to: import it by hand")
    key = import_sort_key(edit.module, edit.level)
    new = cst.parse_statement(render_import(edit.module, edit.level, isort_names(edit.add)))
    last = None
    for index, stmt in enumerate(body):
        node = _import_from(stmt)
        if node is None or not node.relative:
            continue
        if import_sort_key(_dotted(node.module), len(node.relative)) > key:
            body[index] = stmt.with_changes(leading_lines=())  # type: ignore[attr-defined]
            body.insert(index, new.with_changes(leading_lines=stmt.leading_lines))  # type: ignore[attr-defined]
            return
        last = index
    if last is None:
        raise ValueError(
            f"no relative import to place `from {'.' * edit.level}{edit.module} import` by: import it by hand"
        )
    body.insert(last + 1, new)
