"""Readers that turn one file's text into facts, with the standard library's ``ast``.

Nothing here imports or executes the code it reads. Every file is parsed completely, so a file Python
cannot compile is always an error with its line; the index caches the facts per content, so a file is
parsed once, not on every run.
"""

from __future__ import annotations

import ast
import sys
import warnings
from typing import Dict, Iterator, List, Optional, Tuple

from tfintegrity.errors import TfiError
from tfintegrity.facts import (
    ClassFact,
    ConfigFacts,
    DummyFacts,
    DummyObject,
    ExportList,
    GuardBlock,
    ImportBlock,
    ImportedName,
    InitFacts,
    Located,
    ModuleFacts,
    StructureList,
    TextListFacts,
)
from tfintegrity.index.quiet import gc_paused

STRUCTURE_NAME = "_import_structure"
# The call that builds the import structure from the modules' ``__all__`` (4.4x model inits).
STRUCTURE_CALL = "define_import_structure"


def parse_python(path: str, text: str) -> ast.Module:
    """Parse ``text`` completely or raise a one-line ``TfiError`` naming the file and line."""
    try:
        return _parse_quietly(text, path)
    except (SyntaxError, ValueError) as exc:  # a NUL byte: ValueError, or SyntaxError without a line
        line = getattr(exc, "lineno", None)
        if line is None and "\x00" in text:
            line = text.count("\n", 0, text.index("\x00")) + 1
        raise TfiError(f"cannot parse Python: {getattr(exc, 'msg', None) or exc}", path, line) from None
    except (MemoryError, RecursionError) as exc:
        raise TfiError(
            f"cannot parse Python: {type(exc).__name__}: input too large or too deeply nested", path
        ) from None


# Texts longer than this are parsed in runs of top-level statements, so the syntax tree of one run is in
# memory at a time: a dummies file of a tree with thousands of models is 3 MB of text and 300 MB of tree.
CHUNKED_OVER = 1 << 18
CHUNK_SIZE = 1 << 17
_NOT_A_START = ("else", "elif", "except", "finally", "case")


def top_statements(path: str, text: str) -> Iterator[ast.stmt]:
    """The file's top-level statements, every byte parsed (an error names the file and line).

    A long text is cut before lines that look like the start of a top-level statement and each run is
    parsed on its own, at its own line numbers. A cut inside a string, a bracket, a continuation or after
    a decorator leaves a run that does not parse; then the whole text is parsed and the statements after
    the last run that did are taken from it, so the result is always the whole file's statements.
    """
    if len(text) <= CHUNKED_OVER or "\r" in text:  # Python counts a lone CR as a line break; cuts do not
        yield from parse_python(path, text).body
        return
    done = 0  # the last line of the statements yielded so far
    for offset, chunk in _runs(text):
        try:
            tree = _parse_quietly("\n" * offset + chunk, path)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            break
        yield from tree.body
        done = offset + chunk.count("\n")
    else:
        return
    for node in parse_python(path, text).body:
        if node.lineno > done:
            yield node


def _parse_quietly(text: str, path: str) -> ast.Module:
    """``ast.parse`` with the cyclic garbage collector paused (a syntax tree has no cycles) and the
    compiler's warnings about the checked code (``invalid escape sequence '\\s'`` in PyTorch files of
    4.20.0) silenced: they are the code's business, not the check's output."""
    with gc_paused(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, filename=path)


def _runs(text: str) -> Iterator[Tuple[int, str]]:
    """(lines before it, text) of consecutive runs of about CHUNK_SIZE characters, cut at plausible
    statement starts."""
    # Only "\n" ends a line here, as for Python's tokenizer (a form feed or U+2028 does not).
    lines = text.split("\n")
    start, size = 0, 0
    for index, line in enumerate(lines):
        if size >= CHUNK_SIZE and _may_start(line) and not lines[index - 1].startswith("@"):
            yield start, "\n".join(lines[start:index]) + "\n"
            start, size = index, 0
        size += len(line) + 1
    yield start, "\n".join(lines[start:])


def _may_start(line: str) -> bool:
    """A line at column 0 that is no comment, no blank line (both may sit inside an indented block) and no
    continuation clause: where a top-level statement may begin."""
    first = line[:1]
    return first != "" and (first.isalpha() or first in "_@") and not line.startswith(_NOT_A_START)


# --------------------------------------------------------------------------- modeling files


def read_module(path: str, text: str) -> ModuleFacts:
    classes: Dict[str, ClassFact] = {}
    defined = set()
    imports: Dict[str, ImportedName] = {}
    all_names: Optional[ExportList] = None
    for node in top_statements(path, text):
        if isinstance(node, ast.ClassDef):
            classes[node.name] = ClassFact(
                name=node.name,
                line=node.lineno,
                col=node.col_offset + 1,
                bases=tuple(_dotted_tail(b) for b in node.bases),
                methods=tuple(n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))),
                decorators=tuple(_dotted_tail(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list),
            )
            defined.add(node.name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    defined.add(target.id)
                    if target.id == "__all__":
                        exported = strings_of(node.value)
                        all_names = ExportList(
                            exported or (), node.lineno, node.end_lineno or node.lineno, exported is not None
                        )
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defined.add(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name != "*":
                    imports[alias.asname or alias.name] = _imported(node.module or "", node.level, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imports[alias.asname or alias.name.split(".")[0]] = _imported(alias.name, 0, "")
    return ModuleFacts(path=path, classes=classes, defined=frozenset(defined), imports=imports, all_names=all_names)


_IMPORTED: Dict[Tuple[str, int, str], ImportedName] = {}


def _imported(module: str, level: int, name: str) -> ImportedName:
    """One shared (frozen) ImportedName per distinct import: thousands of modeling files import the same
    names from the same modules."""
    key = (module, level, name)
    found = _IMPORTED.get(key)
    if found is None:
        found = _IMPORTED[key] = ImportedName(sys.intern(module), level, name)
    return found


def shared_import(imported: ImportedName) -> ImportedName:
    return _imported(imported.module, imported.level, imported.name)


def _dotted_tail(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _dotted_tail(node.value)
    return ""


# --------------------------------------------------------------------------- lazy inits


def strings_of(node: ast.expr) -> Optional[Tuple[Located, ...]]:
    if not isinstance(node, (ast.List, ast.Tuple)):
        return None
    names = []
    for elt in node.elts:
        if not (isinstance(elt, ast.Constant) and isinstance(elt.value, str)):
            return None
        names.append(Located(elt.value, elt.lineno, elt.col_offset + 1))
    return tuple(names)


def _structure_statement(node: ast.stmt) -> Optional[StructureList]:
    """``_import_structure["k"] = [...]`` or ``_import_structure["k"].extend([...])`` / ``.append("x")``."""
    end = node.end_lineno or node.lineno
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        key = _structure_key(target)
        if key is not None:
            names = strings_of(node.value)
            return StructureList(key, names or (), node.lineno, end, "assign" if names is not None else "other")
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        call = node.value
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in ("extend", "append") and len(call.args) == 1:
            key = _structure_key(func.value)
            if key is None:
                return None
            arg = call.args[0]
            if func.attr == "append":
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    return StructureList(
                        key, (Located(arg.value, arg.lineno, arg.col_offset + 1),), node.lineno, end, "append"
                    )
                return StructureList(key, (), node.lineno, end, "other")
            names = strings_of(arg)
            return StructureList(key, names or (), node.lineno, end, "extend" if names is not None else "other")
    return None


def _structure_key(node: ast.expr) -> Optional[str]:
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == STRUCTURE_NAME
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
    ):
        return node.slice.value
    return None


def guard_of(node: ast.stmt) -> Optional[Tuple[str, ...]]:
    """The availability functions a guarded block tests.

    The usual form is ``try: if not is_x_available(): raise ...`` / ``else:``; the legacy form
    ``if is_x_available():`` (still in data2vec's init in 4.31; with an ``else:`` that imports the
    dummies in the top-level init up to 4.19) is recognized too.
    """
    if isinstance(node, ast.If):
        names = _availability_calls(node.test)
        return names if names and all(n.startswith("is_") and n.endswith("_available") for n in names) else None
    if not isinstance(node, ast.Try) or not node.body:
        return None
    first = node.body[0]
    if not (isinstance(first, ast.If) and isinstance(first.test, ast.UnaryOp) and isinstance(first.test.op, ast.Not)):
        return None
    if not (first.body and isinstance(first.body[0], ast.Raise)):
        return None
    return _availability_calls(first.test.operand)


def _availability_calls(operand: ast.expr) -> Optional[Tuple[str, ...]]:
    calls = operand.values if isinstance(operand, ast.BoolOp) and isinstance(operand.op, ast.And) else [operand]
    names = []
    for call in calls:
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            return None
        names.append(call.func.id)
    return tuple(names)


def guarded_body(node: ast.stmt) -> List[ast.stmt]:
    """The statements that run when the guard holds."""
    return node.body if isinstance(node, ast.If) else node.orelse  # type: ignore[attr-defined]


def _import_block(node: ast.ImportFrom) -> ImportBlock:
    located = []
    for alias in node.names:
        if alias.name == "*":
            continue
        line, col = getattr(alias, "lineno", node.lineno), getattr(alias, "col_offset", node.col_offset)
        located.append(Located(alias.asname or alias.name, line, col + 1))
    return ImportBlock(
        module=node.module or "",
        level=node.level,
        names=tuple(located),
        line=node.lineno,
        end_line=node.end_lineno or node.lineno,
        star=any(a.name == "*" for a in node.names),
    )


def read_init(path: str, text: str) -> InitFacts:
    base_structure: List[StructureList] = []
    structure_guards: List[GuardBlock] = []
    base_imports: List[ImportBlock] = []
    type_checking_guards: List[GuardBlock] = []
    type_checking_line: Optional[int] = None
    structure_line: Optional[int] = None
    structure_call = False
    for node in top_statements(path, text):
        guard = guard_of(node)
        if guard is not None:
            body = guarded_body(node)
            statements = tuple(s for s in map(_structure_statement, body) if s is not None)
            unread = tuple(s.lineno for s in body if _structure_statement(s) is None)
            end = node.end_lineno or node.lineno
            form = "if" if isinstance(node, ast.If) else "try"
            structure_guards.append(GuardBlock(guard, node.lineno, end, statements, (), unread, form))
            continue
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if (
            isinstance(node, (ast.Assign, ast.AnnAssign))
            and isinstance(target, ast.Name)
            and target.id == STRUCTURE_NAME
        ):
            structure_line = node.lineno
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == STRUCTURE_NAME
            and isinstance(node.value, ast.Dict)
        ):
            for key, value in zip(node.value.keys, node.value.values):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    names = strings_of(value)
                    base_structure.append(
                        StructureList(key.value, names or (), key.lineno, value.end_lineno or key.lineno, "dict")
                    )
            continue
        statement = _structure_statement(node)
        if statement is not None:
            base_structure.append(statement)
            continue
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            type_checking_line = node.lineno
            structure_call = structure_call or any(
                isinstance(call, ast.Call) and _dotted_tail(call.func) == STRUCTURE_CALL
                for inner in node.orelse
                for call in ast.walk(inner)
            )
            for inner in node.body:
                inner_guard = guard_of(inner)
                if inner_guard is not None:
                    body = guarded_body(inner)
                    blocks = tuple(_import_block(s) for s in body if isinstance(s, ast.ImportFrom))
                    unread = tuple(s.lineno for s in body if not isinstance(s, ast.ImportFrom) or _is_star(s))
                    end = inner.end_lineno or inner.lineno
                    form = "if" if isinstance(inner, ast.If) else "try"
                    type_checking_guards.append(GuardBlock(inner_guard, inner.lineno, end, (), blocks, unread, form))
                elif isinstance(inner, ast.ImportFrom):
                    base_imports.append(_import_block(inner))
    return InitFacts(
        path=path,
        base_structure=tuple(base_structure),
        structure_guards=tuple(structure_guards),
        base_imports=tuple(base_imports),
        type_checking_guards=tuple(type_checking_guards),
        type_checking_line=type_checking_line,
        structure_line=structure_line,
        computed=structure_call,
    )


def _is_star(node: ast.ImportFrom) -> bool:
    return any(alias.name == "*" for alias in node.names)


# --------------------------------------------------------------------------- dummies, configs


def read_dummies(path: str, text: str) -> DummyFacts:
    objects = []
    for node in top_statements(path, text):
        if isinstance(node, ast.ClassDef):
            objects.append(DummyObject(node.name, "class", node.lineno))
        elif isinstance(node, ast.FunctionDef):
            objects.append(DummyObject(node.name, "function", node.lineno))
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    objects.append(DummyObject(target.id, "constant", node.lineno))
    return DummyFacts(path=path, objects=tuple(objects))


def read_config(path: str, text: str) -> ConfigFacts:
    found = []
    for node in top_statements(path, text):
        if not isinstance(node, ast.ClassDef):
            continue
        for stmt in node.body:
            target: Optional[ast.expr] = None
            value: Optional[ast.expr] = None
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target, value = stmt.targets[0], stmt.value
            elif isinstance(stmt, ast.AnnAssign):
                target, value = stmt.target, stmt.value
            if (
                isinstance(target, ast.Name)
                and target.id == "model_type"
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                found.append((value.value, node.name))
    return ConfigFacts(path=path, model_types=tuple(found))


# --------------------------------------------------------------------------- text files


def read_text_list(path: str, text: str) -> TextListFacts:
    return TextListFacts(path=path, lines=tuple(text.splitlines()))
