"""The one table from a rule file's ``primitive`` to the code that checks and fixes that kind of place."""

from __future__ import annotations

from typing import Dict

from tfintegrity.checks.auto_mapping import AutoMapping
from tfintegrity.checks.doc_page import Autodoc
from tfintegrity.checks.dummies import DummyObjects
from tfintegrity.checks.inits import ImportSource, InitImports, InitStructure
from tfintegrity.checks.listed_path import ListedPath
from tfintegrity.checks.module_all import ModuleAll
from tfintegrity.context import Primitive

PRIMITIVES: Dict[str, Primitive] = {
    "init_structure": InitStructure(),
    "init_imports": InitImports(),
    "import_source": ImportSource(),
    "auto_mapping": AutoMapping(),
    "dummy_objects": DummyObjects(),
    "listed_path": ListedPath(),
    "autodoc": Autodoc(),
    "module_all": ModuleAll(),
}
