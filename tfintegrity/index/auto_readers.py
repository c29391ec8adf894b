"""Readers of auto modules (``models/auto/modeling_*auto.py``): the mappings a class must be in.

Kept apart from ``readers`` so that each shape of mapping is one reader here. Which shapes a release
writes is the rule's data (``AutoLayout``); a file is read in the first layout that finds a mapping:

* ``strings`` entries, ``NAME_MAPPING_NAMES = OrderedDict([("bert", "TFBertModel"), ...])`` (4.10 on);
* ``objects`` entries, ``NAME_MAPPING = OrderedDict([(BertConfig, TFBertModel), ...])`` (4.2), whose
  names the file imports at the top (``from ..bert.modeling_tf_bert import (...)``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import Callable, Dict, Optional, Sequence, Tuple

from tfintegrity.errors import TfiError
from tfintegrity.facts import AutoFacts, ImportBlock, Located, MappingEntry, MappingFacts
from tfintegrity.index.readers import parse_python, strings_of

ENTRY_FORMS = ("strings", "objects")
KEY_KINDS = ("model_type", "config_class")


@dataclass(frozen=True)
class AutoLayout:
    """One way an auto module writes its mappings.

    ``mapping_suffix``: what the mapping names end with (``_MAPPING_NAMES``); ``entries``: ``strings``
    (quoted names) or ``objects`` (bare names the file imports); ``key``: what an entry is keyed by, the
    ``model_type`` string or the configuration class.
    """

    name: str
    mapping_suffix: str
    entries: str
    key: str


STRINGS = AutoLayout("names", "_MAPPING_NAMES", "strings", "model_type")

# --------------------------------------------------------------------------- auto mappings


def read_auto(path: str, text: str, suffix: str = "_MAPPING_NAMES") -> AutoFacts:
    """The ``*_MAPPING_NAMES`` mappings of string entries (the layout of 4.10 and later)."""
    tree = parse_python(path, text)
    return AutoFacts(path=path, mappings=_mappings(path, tree, suffix, "strings", _lines(text)))


def read_auto_layouts(path: str, text: str, layouts: Sequence[AutoLayout]) -> AutoFacts:
    """The mappings in the first of ``layouts`` that finds any (``layout`` names it; "" when none does)."""
    tree = parse_python(path, text)
    imports = _imports(tree)
    lines = _lines(text)
    for layout in layouts:
        mappings = _mappings(path, tree, layout.mapping_suffix, layout.entries, lines)
        if mappings:
            return AutoFacts(path=path, mappings=mappings, layout=layout.name, imports=imports)
    return AutoFacts(path=path, mappings={}, imports=imports)


def _lines(text: str) -> Tuple[bytes, ...]:
    """The file's lines as UTF-8 bytes (``ast`` columns are byte offsets)."""
    return tuple(line.rstrip("\r").encode("utf-8") for line in text.split("\n"))


def trailing_comment(lines: Sequence[bytes], node: ast.expr) -> Optional[str]:
    """The comment after ``node`` and its comma on the node's last line (``),  # XLM can be ...``), if any."""
    end = (node.end_lineno or node.lineno) - 1
    if end >= len(lines) or node.end_col_offset is None:
        return None
    rest = lines[end][node.end_col_offset :].decode("utf-8", errors="replace").strip()
    if rest.startswith(","):
        rest = rest[1:].strip()
    return rest if rest.startswith("#") else None


def _mappings(
    path: str, tree: ast.Module, suffix: str, form: str, lines: Sequence[bytes] = ()
) -> Dict[str, MappingFacts]:
    """Each top-level ``NAME<suffix> = OrderedDict([...])``; a call of anything but a literal list (such as
    ``_LazyAutoMapping(CONFIG_MAPPING_NAMES, ...)``) is not a mapping literal and is left out. Each entry
    carries the comment after it on its last line (``lines``: the file's, as bytes)."""
    read_entry = _ENTRY_READERS[form]
    mappings: Dict[str, MappingFacts] = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        name = node.targets[0].id
        if not name.endswith(suffix):
            continue
        value = node.value
        if not (isinstance(value, ast.Call) and value.args and isinstance(value.args[0], (ast.List, ast.Tuple))):
            continue
        entries = []
        for elt in value.args[0].elts:
            entry = read_entry(elt)
            if entry is None:
                shape = '("model_type", "Class")' if form == "strings" else "(ConfigClass, Class)"
                raise TfiError(f"{name}: an entry that is not a {shape} pair", path, elt.lineno)
            comment = trailing_comment(lines, elt)
            entries.append(entry if comment is None else replace(entry, comment=comment))
        mappings[name] = MappingFacts(name, node.lineno, node.end_lineno or node.lineno, tuple(entries))
    return mappings


def _string_entry(node: ast.expr) -> Optional[MappingEntry]:
    if not (isinstance(node, ast.Tuple) and len(node.elts) == 2):
        return None
    key, value = node.elts
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return None
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        values: Tuple[str, ...] = (value.value,)
    else:
        names = strings_of(value)
        if names is None:
            return None
        values = tuple(n.name for n in names)
    return MappingEntry(key.value, values, node.lineno, node.end_lineno or node.lineno, node.col_offset + 1)


def _object_entry(node: ast.expr) -> Optional[MappingEntry]:
    if not (isinstance(node, ast.Tuple) and len(node.elts) == 2):
        return None
    key, value = node.elts
    if not isinstance(key, ast.Name):
        return None
    if isinstance(value, ast.Name):
        values: Tuple[str, ...] = (value.id,)
    elif isinstance(value, (ast.Tuple, ast.List)) and value.elts and all(isinstance(e, ast.Name) for e in value.elts):
        values = tuple(e.id for e in value.elts)  # type: ignore[attr-defined]
    else:
        return None
    return MappingEntry(key.id, values, node.lineno, node.end_lineno or node.lineno, node.col_offset + 1)


_ENTRY_READERS: Dict[str, Callable[[ast.expr], Optional[MappingEntry]]] = {
    "strings": _string_entry,
    "objects": _object_entry,
}


def read_entry(node: ast.expr, form: str) -> Optional[MappingEntry]:
    """One entry of a mapping list written in ``form`` (``strings`` or ``objects``), ``None`` if it is not one."""
    return _ENTRY_READERS[form](node)


def _imports(tree: ast.Module) -> Tuple[ImportBlock, ...]:
    """The top-level ``from x import a, b`` statements (names imported under another name left out)."""
    out = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            names = tuple(
                Located(
                    alias.name,
                    getattr(alias, "lineno", node.lineno),
                    getattr(alias, "col_offset", node.col_offset) + 1,
                )
                for alias in node.names
                if alias.asname is None
            )
            out.append(
                ImportBlock(
                    node.module or "",
                    node.level,
                    names,
                    node.lineno,
                    node.end_lineno or node.lineno,
                    star=any(alias.name == "*" for alias in node.names),
                )
            )
    return tuple(out)
