"""Readers of auto modules (``models/auto/modeling_*auto.py``): the mappings a class must be in.

Kept apart from ``readers`` so that each shape of mapping is one reader here.
"""

from __future__ import annotations

import ast
from typing import Dict, Optional, Tuple

from tfintegrity.errors import TfiError
from tfintegrity.facts import AutoFacts, MappingEntry, MappingFacts
from tfintegrity.index.readers import parse_python, strings_of

# --------------------------------------------------------------------------- auto mappings


def read_auto(path: str, text: str, suffix: str = "_MAPPING_NAMES") -> AutoFacts:
    tree = parse_python(path, text)
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
            entry = _mapping_entry(elt)
            if entry is None:
                raise TfiError(f'{name}: an entry that is not a ("model_type", "Class") pair', path, elt.lineno)
            entries.append(entry)
        mappings[name] = MappingFacts(name, node.lineno, node.end_lineno or node.lineno, tuple(entries))
    return AutoFacts(path=path, mappings=mappings)


def _mapping_entry(node: ast.expr) -> Optional[MappingEntry]:
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


