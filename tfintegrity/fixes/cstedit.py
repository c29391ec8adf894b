"""Structured edits of lazy ``__init__.py`` files and auto mappings, through libcst.

Targets are found by content (keys, module names, guards), never by line numbers. Every edited
statement is rendered by ``pysource`` (black's layout at line length 119), parsed with
``libcst.parse_statement`` and put in place of the old one, so every byte outside the edited
statements (comments, blank lines, CRLF line endings) is kept: libcst round-trips exactly, and
rendered statements are parsed with ``\\n`` newlines, which libcst writes back as the module's own.

Placement rules (all measured on Transformers 4.31.0):

* a new ``_import_structure[...]`` statement goes before the first statement of its block whose key
  sorts after its own (plain string order) and takes over that statement's leading blank/comment
  lines (a section comment stays above the section); a key that sorts after all goes after the last.
* a new ``from .x import ...`` goes the same way among the block's relative from-imports.
* a removed statement hands its leading lines to the statement after it; a guarded block whose
  ``else:`` body becomes empty is removed with its leading lines.
* ``EnsureGuard`` adds the ``try: if not is_x_available(): raise OptionalDependencyNotAvailable()``
  block to each half that lacks it, one blank line before it; a new block that no ``SetStructure`` /
  ``SetImport`` of the same call fills is dropped again, and the guard function (and
  ``OptionalDependencyNotAvailable``) is added to ``from ...utils import`` when a new block is kept.
* guarded blocks are recognized as ``readers.guard_of`` does, the legacy ``if is_x_available():`` form too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import ast

import libcst as cst

from tfintegrity.fixes.pysource import (
    isort_names,
    render_import,
    render_structure,
)

STRUCTURE_NAME = "_import_structure"
ODNA = "OptionalDependencyNotAvailable"


# --------------------------------------------------------------------------- edit descriptions


@dataclass(frozen=True)
class Block:
    """Where statements live in a lazy ``__init__.py``.

    ``type_checking``: False for the ``_import_structure`` half (module level), True for the body of
    ``if TYPE_CHECKING:``. ``guard``: ``"is_tf_available"`` for the ``else:`` body of the block guarded
    by it (several guards joined by ``" and "``); None for statements directly in the half.
    """

    type_checking: bool
    guard: Optional[str] = None


def _names_tuple(value: Sequence[str]) -> Tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError("names must be a sequence of names, not a string")
    return tuple(value)


@dataclass(frozen=True)
class SetStructure:
    """Make ``_import_structure[key]`` in ``block`` hold exactly ``names`` (empty: remove the statement).

    ``form`` ("assign", "extend", "append") is used for a new statement; an existing one keeps its
    form, except that ``.append`` becomes ``.extend`` for several names and an ``.extend`` that drops
    to one name becomes ``.append`` (the top init's convention). ``exploded`` is the style of a new
    statement (True: one name per line as with a magic trailing comma; None: black's default); an
    existing statement keeps its magic trailing comma.
    """

    block: Block
    key: str
    names: Tuple[str, ...]
    form: str = "assign"
    exploded: Optional[bool] = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", _names_tuple(self.names))
        if self.form not in ("assign", "extend", "append"):
            raise ValueError(f"unknown structure form {self.form!r}")


@dataclass(frozen=True)
class SetImport:
    """Make ``from <level dots><module> import ...`` in ``block`` import exactly ``names`` (empty: remove it)."""

    block: Block
    module: str
    level: int
    names: Tuple[str, ...]
    exploded: Optional[bool] = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", _names_tuple(self.names))


@dataclass(frozen=True)
class EnsureGuard:
    """Give each half that lacks one a block guarded by ``guard`` (after the last ``after`` guard block, else
    before the first ``before`` one, else after the last guard block, else after ``_import_structure = {...}``
    / at the end of the ``TYPE_CHECKING`` body). Blocks left empty by the call's other edits are dropped."""

    guard: str
    before: Tuple[str, ...] = ("is_flax_available",)
    after: Tuple[str, ...] = ("is_torch_available",)


InitEdit = Union[SetStructure, SetImport, EnsureGuard]


# --------------------------------------------------------------------------- recognizing statements


@dataclass(frozen=True)
class _Struct:
    key: str
    form: str  # assign, extend, append, other
    names: Tuple[str, ...]
    magic: bool


@dataclass(frozen=True)
class _Import:
    module: str
    level: int
    names: Tuple[str, ...]
    magic: bool
    plain: bool  # no "as" aliases, no star: can be re-rendered


def _string(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        raw = node.value
        # A plain "Name" (no prefix, no escape) is its own value: the common case, without literal_eval.
        if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'" and "\\" not in raw and raw[0] not in raw[1:-1]:
            return raw[1:-1]
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _strings(node: cst.BaseExpression) -> Optional[Tuple[Tuple[str, ...], bool]]:
    if not isinstance(node, (cst.List, cst.Tuple)):
        return None
    names = []
    for element in node.elements:
        if not isinstance(element, cst.Element):
            return None
        value = _string(element.value)
        if value is None:
            return None
        names.append(value)
    magic = bool(node.elements) and isinstance(node.elements[-1].comma, cst.Comma)
    return tuple(names), magic


def _structure_key(node: cst.BaseExpression) -> Optional[str]:
    if not isinstance(node, cst.Subscript):
        return None
    if not (isinstance(node.value, cst.Name) and node.value.value == STRUCTURE_NAME):
        return None
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    return _string(node.slice[0].slice.value)


def _structure(stmt: cst.CSTNode) -> Optional[_Struct]:
    """``_import_structure["k"] = [...]`` / ``.extend([...])`` / ``.append("x")``.

    The same statements as ``readers._structure_statement``; form "other" when the value is not a
    plain list of strings.
    """
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return None
    small = stmt.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        key = _structure_key(small.targets[0].target)
        if key is None:
            return None
        found = _strings(small.value)
        if found is None:
            return _Struct(key, "other", (), False)
        return _Struct(key, "assign", found[0], found[1])
    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
        call = small.value
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("extend", "append") and len(call.args) == 1:
            key = _structure_key(func.value)
            if key is None:
                return None
            arg = call.args[0]
            if arg.keyword is not None or arg.star:
                return _Struct(key, "other", (), False)
            if func.attr.value == "append":
                value = _string(arg.value)
                if value is None:
                    return _Struct(key, "other", (), False)
                return _Struct(key, "append", (value,), isinstance(arg.comma, cst.Comma))
            found = _strings(arg.value)
            if found is None:
                return _Struct(key, "other", (), False)
            return _Struct(key, "extend", found[0], found[1])
    return None


def _dotted(node: Optional[cst.BaseExpression]) -> Optional[str]:
    if node is None:
        return ""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        left = _dotted(node.value)
        return None if left is None else f"{left}.{node.attr.value}"
    return None


def _import(stmt: cst.CSTNode) -> Optional[_Import]:
    """A relative ``from .x import ...`` statement."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return None
    node = stmt.body[0]
    if not isinstance(node, cst.ImportFrom) or not node.relative:
        return None
    module = _dotted(node.module)
    if module is None:
        return None
    if isinstance(node.names, cst.ImportStar):
        return _Import(module, len(node.relative), (), False, False)
    names = []
    plain = True
    for alias in node.names:
        name = _dotted(alias.name)
        if name is None or alias.asname is not None:
            plain = False
        names.append(name or "")
    magic = node.lpar is not None and isinstance(node.names[-1].comma, cst.Comma)
    return _Import(module, len(node.relative), tuple(names), magic, plain)


def _availability_calls(operand: cst.BaseExpression) -> Optional[Tuple[str, ...]]:
    calls: List[cst.BaseExpression] = []
    while isinstance(operand, cst.BooleanOperation) and isinstance(operand.operator, cst.And):
        calls.insert(0, operand.right)
        operand = operand.left
        if isinstance(operand, cst.BooleanOperation) and operand.lpar:
            return None
    calls.insert(0, operand)
    names = []
    for call in calls:
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Name)):
            return None
        names.append(call.func.value)
    return tuple(names)


def _guard(node: cst.CSTNode) -> Optional[Tuple[str, ...]]:
    """The availability functions a guarded block tests (as ``readers.guard_of``).

    The usual ``try: if not is_x_available(): raise ...`` / ``else:`` form, and the legacy
    ``if is_x_available():`` form (data2vec's init in 4.31.0; the inits up to 4.19, whose top-level
    ``else:`` imports the dummies).
    """
    if isinstance(node, cst.If):
        names = _availability_calls(node.test)
        if names and all(n.startswith("is_") and n.endswith("_available") for n in names):
            return names
        return None
    if not (isinstance(node, cst.Try) and isinstance(node.body, cst.IndentedBlock) and node.body.body):
        return None
    first = node.body.body[0]
    if not (isinstance(first, cst.If) and isinstance(first.test, cst.UnaryOperation)):
        return None
    if not isinstance(first.test.operator, cst.Not):
        return None
    inner = first.body.body
    head = inner[0] if inner else None
    if isinstance(head, cst.SimpleStatementLine):
        head = head.body[0] if head.body else None
    if not isinstance(head, cst.Raise):
        return None
    return _availability_calls(first.test.expression)


def _guarded_body(node: cst.CSTNode) -> Optional[cst.BaseSuite]:
    """The suite that runs when the guard holds: the ``else:`` body of a try, the body of a legacy if."""
    if isinstance(node, cst.If):
        return node.body
    if isinstance(node, cst.Try) and node.orelse is not None:
        return node.orelse.body
    return None


def _with_guarded_body(node: cst.CSTNode, body: cst.BaseSuite) -> cst.CSTNode:
    if isinstance(node, cst.If):
        return node.with_changes(body=body)
    assert isinstance(node, cst.Try) and node.orelse is not None
    return node.with_changes(orelse=node.orelse.with_changes(body=body))


def _is_type_checking(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.If) and isinstance(node.test, cst.Name) and node.test.value == "TYPE_CHECKING"


def _guard_tuple(guard: str) -> Tuple[str, ...]:
    return tuple(part.strip() for part in guard.split(" and "))


def _half_name(type_checking: bool) -> str:
    return "the TYPE_CHECKING half" if type_checking else "the _import_structure half"


def _block_name(block: Block) -> str:
    where = f"the {block.guard} block" if block.guard else "directly"
    return f"{where} in {_half_name(block.type_checking)}"


# --------------------------------------------------------------------------- rendering into nodes


def _parse(text: str, indent: str = "") -> cst.BaseStatement:
    """Parse a statement rendered with ``indent`` before every line (rendered at its real depth so that
    line lengths are right); libcst re-adds the block's indentation when the module is written."""
    if indent:
        lines = text.split("\n")
        if not all(line.startswith(indent) for line in lines if line):
            raise AssertionError(f"rendered statement not indented by {indent!r}: {text!r}")
        text = "\n".join(line[len(indent) :] for line in lines)
    return cst.parse_statement(text)


def _blank() -> cst.EmptyLine:
    return cst.EmptyLine(indent=False)


def _guard_block(guard: str, legacy: bool) -> Union[cst.Try, cst.If]:
    """A new, empty guarded block: ``try: if not g(): raise ... else:``, or ``if g():`` where the file's
    blocks use that older form."""
    names = _guard_tuple(guard)
    if legacy:
        node = _parse(f"if {' and '.join(f'{n}()' for n in names)}:\n    pass\n")
        assert isinstance(node, cst.If)
        return node.with_changes(leading_lines=(_blank(),))
    test = f"{names[0]}()" if len(names) == 1 else "(" + " and ".join(f"{n}()" for n in names) + ")"
    text = f"try:\n    if not {test}:\n        raise {ODNA}()\nexcept {ODNA}:\n    pass\nelse:\n    pass\n"
    node = _parse(text)
    assert isinstance(node, cst.Try)
    return node.with_changes(leading_lines=(_blank(),))


def _body_of(node: Union[cst.Try, cst.If]) -> cst.IndentedBlock:
    suite = _guarded_body(node)
    assert isinstance(suite, cst.IndentedBlock)
    return suite


def _has_inner_comment(module: cst.Module, stmt: cst.SimpleStatementLine) -> bool:
    return any("#" in module.code_for_node(small) for small in stmt.body)


def _insert_name(names: Sequence[str], name: str) -> Tuple[str, ...]:
    """``names`` with ``name`` added before the first name ruff's isort puts after it."""
    out = list(names)
    for index, existing in enumerate(out):
        if isort_names([name, existing])[0] == name:
            out.insert(index, name)
            return tuple(out)
    out.append(name)
    return tuple(out)


# --------------------------------------------------------------------------- the init editor


class _InitEditor:
    def __init__(self, text: str, base_indent: str = "") -> None:
        self.base_indent = base_indent  # the column the text stands at in its file (a block cut out of it)
        self.module = cst.parse_module(text)
        self.top: List[cst.BaseStatement] = list(self.module.body)
        self.tc_node: Optional[cst.If] = next((n for n in self.top if _is_type_checking(n)), None)
        self.tc: List[cst.BaseStatement] = list(self.tc_node.body.body) if self.tc_node is not None else []
        self.placeholders: List[cst.CSTNode] = []
        self.new_blocks: List[Block] = []
        self.tc_else_lines: Optional[Tuple[cst.EmptyLine, ...]] = None  # new blank lines before its ``else:``

    # -- navigation

    def half(self, type_checking: bool) -> List[cst.BaseStatement]:
        if type_checking and self.tc_node is None:
            raise ValueError("no `if TYPE_CHECKING:` block in this init")
        return self.tc if type_checking else self.top

    def _try_index(self, block: Block) -> Optional[int]:
        wanted = _guard_tuple(block.guard or "")
        for index, node in enumerate(self.half(block.type_checking)):
            if _guard(node) == wanted:
                return index
        return None

    def statements(self, block: Block) -> Tuple[List[cst.BaseStatement], Callable[[List[cst.BaseStatement]], None]]:
        """The block's statement list and a function that writes a changed list back."""
        half = self.half(block.type_checking)
        if block.guard is None:

            def write_half(stmts: List[cst.BaseStatement]) -> None:
                half[:] = stmts

            return list(half), write_half
        index = self._try_index(block)
        if index is None:
            raise ValueError(f"no block guarded by {block.guard} in {_half_name(block.type_checking)}")
        node = half[index]
        body = _guarded_body(node)
        if not isinstance(body, cst.IndentedBlock):
            raise ValueError(f"the body of the {block.guard} block is not an indented block")

        def write_block(stmts: List[cst.BaseStatement]) -> None:
            if not stmts:
                # emptied: a placeholder keeps the block until the end of the call (a later edit may fill
                # it again); blocks still holding only a placeholder are removed by code()
                placeholder = cst.SimpleStatementLine(body=(cst.Pass(),))
                self.placeholders.append(placeholder)
                stmts = [placeholder]
            half[index] = _with_guarded_body(node, body.with_changes(body=tuple(stmts)))

        return list(body.body), write_block

    def _is_placeholder(self, stmt: cst.CSTNode) -> bool:
        return any(stmt is p for p in self.placeholders)

    # -- generic list surgery

    def _insert_sorted(
        self,
        stmts: List[cst.BaseStatement],
        new: cst.BaseStatement,
        key: str,
        key_of: Callable[[cst.CSTNode], Optional[str]],
        fallback: Callable[[List[cst.BaseStatement]], int],
    ) -> None:
        if len(stmts) == 1 and self._is_placeholder(stmts[0]):
            stmts[0] = new
            return
        last = None
        for index, stmt in enumerate(stmts):
            other = key_of(stmt)
            if other is None:
                continue
            if other > key:
                new = new.with_changes(leading_lines=stmt.leading_lines)
                stmts[index] = stmt.with_changes(leading_lines=())
                stmts.insert(index, new)
                return
            last = index
        position = last + 1 if last is not None else fallback(stmts)
        stmts.insert(position, new)

    @staticmethod
    def _remove(stmts: List[cst.BaseStatement], index: int) -> None:
        removed = stmts.pop(index)
        if removed.leading_lines and index < len(stmts):
            following = stmts[index]
            lines = tuple(removed.leading_lines) + tuple(following.leading_lines)
            stmts[index] = following.with_changes(leading_lines=lines)

    def indent(self, block: Block) -> str:
        """The indentation of the statements of ``block``."""
        depth = (1 if block.type_checking else 0) + (1 if block.guard is not None else 0)
        return self.base_indent + self.module.default_indent * depth

    def _replace(self, stmts: List[cst.BaseStatement], index: int, text: str, what: str, indent: str = "") -> None:
        old = stmts[index]
        assert isinstance(old, cst.SimpleStatementLine)
        if _has_inner_comment(self.module, old):
            raise ValueError(f"{what} has comments inside it: edit it by hand")
        new = _parse(text, indent)
        changes: Dict[str, object] = {"leading_lines": old.leading_lines}
        if old.trailing_whitespace.comment is not None:
            changes["trailing_whitespace"] = old.trailing_whitespace
        stmts[index] = new.with_changes(**changes)

    # -- edits

    def set_structure(self, edit: SetStructure) -> None:
        stmts, write = self.statements(edit.block)
        what = f'_import_structure["{edit.key}"] {_block_name(edit.block)}'
        found = [(i, s) for i, s in enumerate(stmts) for s in [_structure(s)] if s is not None and s.key == edit.key]
        if found:
            index, current = found[0]
            if current.form == "other":
                raise ValueError(f"{what} is not a plain list of strings: edit it by hand")
            if not edit.names:
                self._remove(stmts, index)
            elif edit.names == current.names:
                return
            else:
                form, magic = current.form, current.magic
                if form == "append" and len(edit.names) > 1:
                    form, magic = "extend", False
                elif form == "extend" and len(edit.names) == 1 and len(current.names) > 1:
                    form, magic = "append", False
                indent = self.indent(edit.block)
                text = render_structure(edit.key, edit.names, form, indent, magic)
                self._replace(stmts, index, text, what, indent)
        else:
            if not edit.names:
                return
            if edit.block == Block(False) and any(_dict_has_key(stmt, edit.key) for stmt in stmts):
                raise ValueError(
                    f'_import_structure["{edit.key}"] is a key of the `_import_structure = {{...}}` literal'
                )
            form = "extend" if edit.form == "append" and len(edit.names) > 1 else edit.form
            indent = self.indent(edit.block)
            new = _parse(render_structure(edit.key, edit.names, form, indent, edit.exploded), indent)

            def key_of(stmt: cst.CSTNode) -> Optional[str]:
                found_struct = _structure(stmt)
                return found_struct.key if found_struct is not None else None

            self._insert_sorted(stmts, new, edit.key, key_of, self._structure_fallback(edit.block))
        write(stmts)

    def set_import(self, edit: SetImport) -> None:
        stmts, write = self.statements(edit.block)
        what = f"from {'.' * edit.level}{edit.module} import ... {_block_name(edit.block)}"
        found = [
            (i, s)
            for i, s in enumerate(stmts)
            for s in [_import(s)]
            if s is not None and s.names and s.module == edit.module and s.level == edit.level
        ]
        if found:
            index, current = found[0]
            if not current.plain:
                raise ValueError(f"{what} uses aliases: edit it by hand")
            if not edit.names:
                self._remove(stmts, index)
            elif edit.names == current.names:
                return
            else:
                indent = self.indent(edit.block)
                text = render_import(edit.module, edit.level, edit.names, indent, current.magic)
                self._replace(stmts, index, text, what, indent)
        else:
            if not edit.names:
                return
            indent = self.indent(edit.block)
            new = _parse(render_import(edit.module, edit.level, edit.names, indent, edit.exploded), indent)

            def key_of(stmt: cst.CSTNode) -> Optional[str]:
                found_import = _import(stmt)
                if found_import is None or not found_import.names:
                    return None
                return found_import.module

            self._insert_sorted(stmts, new, edit.module, key_of, self._import_fallback(edit.block))
        write(stmts)

    def _structure_fallback(self, block: Block) -> Callable[[List[cst.BaseStatement]], int]:
        def fallback(stmts: List[cst.BaseStatement]) -> int:
            if block.guard is not None:
                return len(stmts)
            for index, stmt in enumerate(stmts):
                if _is_structure_assignment(stmt):
                    return index + 1
            raise ValueError("no `_import_structure = {...}` assignment to place the statement after")

        return fallback

    @staticmethod
    def _import_fallback(block: Block) -> Callable[[List[cst.BaseStatement]], int]:
        def fallback(stmts: List[cst.BaseStatement]) -> int:
            return len(stmts) if block.guard is not None else 0

        return fallback

    def ensure_guard(self, edit: EnsureGuard) -> None:
        wanted = _guard_tuple(edit.guard)
        for type_checking in (False, True):
            if type_checking and self.tc_node is None:
                raise ValueError("no `if TYPE_CHECKING:` block in this init")
            half = self.half(type_checking)
            guards = [(i, _guard(n)) for i, n in enumerate(half)]
            guards = [(i, g) for i, g in guards if g is not None]
            if any(g == wanted for _, g in guards):
                continue
            after = [i for i, g in guards if len(g) == 1 and g[0] in edit.after]
            before = [i for i, g in guards if len(g) == 1 and g[0] in edit.before]
            # The new block takes the form of the block it goes next to (the file's own form).
            beside = (after[-1:] or before[:1] or [i for i, _ in guards[-1:]] or [None])[0]
            legacy = beside is not None and isinstance(half[beside], cst.If)
            node = _guard_block(edit.guard, legacy)
            self.placeholders.append(_body_of(node).body[0])
            self.new_blocks.append(Block(type_checking, edit.guard))
            if after:
                position = after[-1] + 1
            elif before:
                position = before[0]
            elif guards:
                position = guards[-1][0] + 1
            elif type_checking:
                position = len(half)
            else:
                position = self._after_structure_assignment()
            half.insert(position, node)

    def _after_structure_assignment(self) -> int:
        position = None
        for index, stmt in enumerate(self.top):
            if _is_type_checking(stmt):
                break
            if _is_structure_assignment(stmt) or (position is not None and _structure(stmt) is not None):
                position = index + 1
        if position is None:
            raise ValueError("no `_import_structure = {...}` assignment to place the new block after")
        return position

    def _ensure_utils_names(self, wanted: Sequence[str]) -> None:
        """Add ``wanted`` to the import that brings the file's other availability functions (``...utils``
        from 4.17 on, ``...file_utils`` before)."""
        for index, stmt in enumerate(self.top):
            found = _import(stmt)
            if found is None or not found.names:
                continue
            if not any(n.startswith("is_") and n.endswith("_available") or n == "_LazyModule" for n in found.names):
                continue
            if not found.plain:
                raise ValueError("the `from ...utils import` statement uses aliases: edit it by hand")
            names = found.names
            for name in wanted:
                if name not in names:
                    names = _insert_name(names, name)
            if names != found.names:
                text = render_import(found.module, found.level, names, "", found.magic)
                self._replace(self.top, index, text, "the `from ...utils import` statement")
            return
        raise ValueError("no import of the availability functions (`from ...utils import ...`) to add the guard to")

    def _space_new_block(self, type_checking: bool, index: int) -> None:
        """Blank lines around a new block that follows another guarded block, from the gap it went into.

        The block brings one blank line. Between two guarded blocks a gap of blank lines is how the file
        separates its blocks: the new block stands that far from both (at most black's maximum: 2 lines at
        module level, 1 inside a block). Before any other statement (``if TYPE_CHECKING:``) the brought
        line goes before the block and the gap's lines stay after it, those beyond black's maximum going
        before it too. Where the gap is none, the block joins its neighbours if most of the half's blocks
        stand joined, else its line goes before it; at the end of the ``TYPE_CHECKING`` body with no blank
        line before ``else:``, the block joins the one before it and its line goes before ``else:``.
        """
        half = self.half(type_checking)
        if index == 0 or _guard(half[index - 1]) is None:
            return
        own_limit = 1 if type_checking else 2
        following = half[index + 1] if index + 1 < len(half) else None
        if following is not None:
            lines = tuple(following.leading_lines)
            limit = own_limit
        elif type_checking and self.tc_node is not None and self.tc_node.orelse is not None:
            lines = tuple(self.tc_node.orelse.leading_lines)
            limit = 2
        else:
            return
        if any(line.comment is not None for line in lines):
            return
        gap = len(lines)
        between_blocks = following is not None and _guard(following) is not None
        if gap == 0 and between_blocks and self._blocks_stand_joined(half, index):
            before = after = 0
        elif gap == 0:
            before, after = (1, 0) if following is not None else (0, 1)
        elif between_blocks:
            before = after = min(gap, own_limit)
        else:
            after = min(gap, limit)
            before = min(1 + gap - after, own_limit)
        half[index] = half[index].with_changes(leading_lines=tuple(_blank() for _ in range(before)))
        kept = lines[:after] + tuple(_blank() for _ in range(after - len(lines)))
        if kept == lines:
            return
        if following is not None:
            half[index + 1] = following.with_changes(leading_lines=kept)
            if following is self.tc_node:
                self.tc_node = half[index + 1]  # type: ignore[assignment]
        else:
            self.tc_else_lines = kept

    @staticmethod
    def _blocks_stand_joined(half: Sequence[cst.BaseStatement], new: int) -> bool:
        """Most guarded blocks of the half that follow another one (``new`` left out) have no blank line above."""
        rest = [node for i, node in enumerate(half) if i != new]
        gaps = [
            len(b.leading_lines) for a, b in zip(rest, rest[1:]) if _guard(a) is not None and _guard(b) is not None
        ]
        return sum(1 for g in gaps if g == 0) > sum(1 for g in gaps if g > 0)

    # -- result

    def code(self) -> str:
        # blocks left holding only a placeholder (new and unfilled, or emptied) are removed, with their
        # leading lines; the guard function is imported when a new block is kept
        for type_checking in (False, True) if self.tc_node is not None else (False,):
            half = self.half(type_checking)
            for index in reversed(range(len(half))):
                body = _guarded_body(half[index]) if _guard(half[index]) is not None else None
                if body is not None and len(body.body) == 1 and self._is_placeholder(body.body[0]):
                    del half[index]
        imported: List[str] = []
        needs_odna = False
        for block in self.new_blocks:
            index = self._try_index(block)
            if index is not None:
                self._space_new_block(block.type_checking, index)
                imported.extend(n for n in _guard_tuple(block.guard or "") if n not in imported)
                needs_odna = needs_odna or isinstance(self.half(block.type_checking)[index], cst.Try)
        if imported:
            self._ensure_utils_names(imported + ([ODNA] if needs_odna else []))
        top = list(self.top)
        if self.tc_node is not None:
            index = next(i for i, n in enumerate(top) if n is self.tc_node)
            node = self.tc_node.with_changes(body=self.tc_node.body.with_changes(body=tuple(self.tc)))
            if self.tc_else_lines is not None and node.orelse is not None:
                node = node.with_changes(orelse=node.orelse.with_changes(leading_lines=self.tc_else_lines))
            top[index] = node
        return self.module.with_changes(body=tuple(top)).code


def _dict_has_key(stmt: cst.CSTNode, key: str) -> bool:
    if not _is_structure_assignment(stmt):
        return False
    value = stmt.body[0].value  # type: ignore[attr-defined]
    return isinstance(value, cst.Dict) and any(
        isinstance(e, cst.DictElement) and _string(e.key) == key for e in value.elements
    )


def _is_structure_assignment(stmt: cst.CSTNode) -> bool:
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return False
    small = stmt.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        return isinstance(target, cst.Name) and target.value == STRUCTURE_NAME
    if isinstance(small, cst.AnnAssign):
        return isinstance(small.target, cst.Name) and small.target.value == STRUCTURE_NAME
    return False


def edit_init(text: str, edits: Sequence[InitEdit]) -> str:
    """Apply ``edits`` to the lazy init ``text`` and return the new text.

    ``EnsureGuard`` edits run first, then the others in the given order. Raises ``ValueError`` when a
    target cannot be found or cannot be edited safely (comments inside a statement, aliases, a list
    that is not plain strings).
    """
    if not edits:
        return text
    fast = _edit_blocks(text, edits)
    if fast is not None:
        return fast
    return _edit_module(text, edits)


def _edit_module(text: str, edits: Sequence[InitEdit], base_indent: str = "") -> str:
    editor = _InitEditor(text, base_indent)
    for edit in edits:
        if isinstance(edit, EnsureGuard):
            editor.ensure_guard(edit)
    for edit in edits:
        if isinstance(edit, SetStructure):
            editor.set_structure(edit)
        elif isinstance(edit, SetImport):
            editor.set_import(edit)
        elif not isinstance(edit, EnsureGuard):
            raise TypeError(f"not an init edit: {edit!r}")
    return editor.code()


def _guarded_ranges(text: str) -> Optional[Dict[Tuple[bool, Tuple[str, ...]], Tuple[int, int, int]]]:
    """(half, guard) -> (first line, last line, column) of the first block of each guard, read with ``ast``."""
    from tfintegrity.index.readers import guard_of

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    found: Dict[Tuple[bool, Tuple[str, ...]], Tuple[int, int, int]] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for inner in node.body:
                guard = guard_of(inner)
                if guard is not None:
                    found.setdefault((True, guard), (inner.lineno, inner.end_lineno or inner.lineno, inner.col_offset))
        else:
            guard = guard_of(node)
            if guard is not None:
                found.setdefault((False, guard), (node.lineno, node.end_lineno or node.lineno, node.col_offset))
    return found


def _edit_blocks(text: str, edits: Sequence[InitEdit]) -> Optional[str]:
    """The same edits made on each guarded block alone, cut out of the file and put back: a large init is
    parsed with libcst one block at a time. ``None`` when the edits need the whole file (a new block, a
    statement outside a block, a block that may end empty, CRLF text)."""
    if "\r" in text or any(isinstance(e, EnsureGuard) for e in edits):
        return None
    groups: Dict[Tuple[bool, Tuple[str, ...]], List[InitEdit]] = {}
    for edit in edits:
        block = edit.block  # type: ignore[union-attr]
        if block.guard is None or not edit.names:  # type: ignore[union-attr]
            return None
        groups.setdefault((block.type_checking, _guard_tuple(block.guard)), []).append(edit)
    ranges = _guarded_ranges(text)
    if ranges is None or any(key not in ranges for key in groups):
        return None
    lines = text.split("\n")
    for key in sorted(groups, key=lambda k: ranges[k][0], reverse=True):
        first, last, column = ranges[key]
        cut = lines[first - 1 : last]
        indent = " " * column
        if any(line and not line.startswith(indent) for line in cut):
            return None
        piece = "\n".join(line[column:] for line in cut) + "\n"
        local = [replace(e, block=Block(False, e.block.guard)) for e in groups[key]]  # type: ignore[union-attr]
        edited = _edit_module(piece, local, indent)
        new_cut = [indent + line if line else line for line in edited[:-1].split("\n")]
        lines[first - 1 : last] = new_cut
    return "\n".join(lines)


__all__ = ["Block", "EnsureGuard", "InitEdit", "SetImport", "SetStructure", "edit_init"]
