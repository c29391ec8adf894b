"""Facts the index reads from a repository, each with its position.

Everything here is a frozen dataclass: facts are read once and never mutated. Paths are
root-relative with forward slashes; lines are 1-based, columns 1-based (as editors show them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple


def memo(facts: object, name: str, build: Callable[[], Any]) -> Any:
    """A value derived from a frozen dataclass, computed once and kept on the object (not a field: it is
    neither compared nor cached)."""
    found = facts.__dict__.get(name)
    if found is None:
        found = build()
        object.__setattr__(facts, name, found)
    return found


@dataclass(frozen=True)
class Located:
    """A name written at a position."""

    name: str
    line: int
    col: int


@dataclass(frozen=True)
class ClassFact:
    name: str
    line: int
    col: int
    bases: Tuple[str, ...]
    decorators: Tuple[str, ...]
    methods: Tuple[str, ...] = ()  # defined directly in the class body


@dataclass(frozen=True)
class ImportedName:
    module: str  # as written, without leading dots
    level: int  # number of leading dots
    name: str  # the name in the source module


@dataclass(frozen=True)
class ExportList:
    """A module's ``__all__ = [...]``."""

    names: Tuple[Located, ...]
    line: int
    end_line: int
    literal: bool  # a plain list or tuple of strings (the only form a fix edits)


@dataclass(frozen=True)
class ModuleFacts:
    """Top-level facts of one modeling file: classes, bound names, imports, ``__all__``."""

    path: str
    classes: Mapping[str, ClassFact]
    defined: frozenset  # every top-level bound name (classes, functions, assignments)
    imports: Mapping[str, ImportedName]
    all_names: Optional[ExportList] = None

    @property
    def stem(self) -> str:
        return self.path.rsplit("/", 1)[-1][: -len(".py")]

    def exposes(self, name: str) -> bool:
        return name in self.defined or name in self.imports


@dataclass(frozen=True)
class StructureList:
    """One ``_import_structure[...]`` statement (or a key of the dict literal)."""

    key: str
    names: Tuple[Located, ...]
    line: int
    end_line: int
    form: str  # "assign" | "extend" | "append" | "dict" | "other"


@dataclass(frozen=True)
class ImportBlock:
    """One ``from .x import (...)`` statement."""

    module: str  # as written after the dots
    level: int
    names: Tuple[Located, ...]
    line: int
    end_line: int
    star: bool = False


@dataclass(frozen=True)
class GuardBlock:
    """A ``try: if not is_x_available(): raise OptionalDependencyNotAvailable()`` block and its ``else:`` body."""

    guard: Tuple[str, ...]  # the availability functions tested, e.g. ("is_tf_available",)
    line: int
    end_line: int
    structure: Tuple[StructureList, ...]
    imports: Tuple[ImportBlock, ...]
    # Lines of guarded statements the reader does not understand (a star import, a nested block): names
    # may come from them, so the block is no evidence that a name is absent.
    unread: Tuple[int, ...] = ()
    form: str = "try"  # "try" (try/except/else, 4.20 on) or "if" (``if is_x_available():``, up to 4.19)


@dataclass(frozen=True)
class InitFacts:
    """Both halves of a lazy ``__init__.py``."""

    path: str
    base_structure: Tuple[StructureList, ...]  # keys of the ``_import_structure = {...}`` literal
    structure_guards: Tuple[GuardBlock, ...]  # guarded blocks before ``if TYPE_CHECKING``
    base_imports: Tuple[ImportBlock, ...]  # unguarded imports under ``if TYPE_CHECKING``
    type_checking_guards: Tuple[GuardBlock, ...]
    type_checking_line: Optional[int]
    structure_line: Optional[int] = None  # ``_import_structure = {...}``
    # The structure is computed from the modules' ``__all__`` (``define_import_structure``): the exports
    # are the modeling files' ``__all__``, and the init lists no names.
    computed: bool = False

    @property
    def lazy(self) -> bool:
        """Both halves are there: the file is a lazy init the checks can read and the fixes can edit."""
        return self.structure_line is not None and self.type_checking_line is not None

    def guarded_structure(self, guard: str) -> Tuple[StructureList, ...]:
        return memo(
            self,
            "_structure_" + guard,
            lambda: tuple(s for g in self.structure_guards if g.guard == (guard,) for s in g.structure),
        )

    def guarded_imports(self, guard: str) -> Tuple[ImportBlock, ...]:
        return memo(
            self,
            "_imports_" + guard,
            lambda: tuple(i for g in self.type_checking_guards if g.guard == (guard,) for i in g.imports),
        )

    def structure_for(self, guard: str, key: str) -> List[StructureList]:
        """The guarded ``_import_structure[key]`` statements, in file order (indexed once per file)."""

        def build() -> Dict[str, List[StructureList]]:
            index: Dict[str, List[StructureList]] = {}
            for statement in self.guarded_structure(guard):
                index.setdefault(statement.key, []).append(statement)
            return index

        return memo(self, "_structure_by_key_" + guard, build).get(key, [])

    def imports_for(self, guard: str, module: str) -> List[ImportBlock]:
        """The guarded relative (level 1) ``from .module import`` blocks, in file order."""

        def build() -> Dict[str, List[ImportBlock]]:
            index: Dict[str, List[ImportBlock]] = {}
            for block in self.guarded_imports(guard):
                if block.level == 1:
                    index.setdefault(block.module, []).append(block)
            return index

        return memo(self, "_imports_by_module_" + guard, build).get(module, [])

    def all_structure(self) -> Tuple[StructureList, ...]:
        return self.base_structure + tuple(s for g in self.structure_guards for s in g.structure)

    def listed_names(self) -> frozenset:
        """Every name either half of the init lists (indexed once per file)."""
        return memo(
            self,
            "_listed",
            lambda: frozenset(
                {n.name for s in self.all_structure() for n in s.names}
                | {n.name for b in self.all_imports() for n in b.names}
            ),
        )

    def all_imports(self) -> Tuple[ImportBlock, ...]:
        return self.base_imports + tuple(i for g in self.type_checking_guards for i in g.imports)


@dataclass(frozen=True)
class MappingEntry:
    key: str
    values: Tuple[str, ...]
    line: int
    end_line: int
    col: int
    comment: Optional[str] = None  # the comment after the entry's comma on its last line (``# XLM can be ...``)


@dataclass(frozen=True)
class MappingFacts:
    """One ``NAME = OrderedDict([...])`` of an auto module."""

    name: str
    line: int
    end_line: int
    entries: Tuple[MappingEntry, ...]

    def entries_for(self, key: str) -> List[MappingEntry]:
        """The entries of ``key``, in file order (indexed once per mapping)."""

        def build() -> Dict[str, List[MappingEntry]]:
            index: Dict[str, List[MappingEntry]] = {}
            for entry in self.entries:
                index.setdefault(entry.key, []).append(entry)
            return index

        return memo(self, "_by_key", build).get(key, [])


@dataclass(frozen=True)
class AutoFacts:
    path: str
    mappings: Mapping[str, MappingFacts]
    layout: str = ""  # the name of the rule layout the mappings were read in ("" for ``read_auto``)
    # The file's top-level ``from x import ...`` statements (where a layout whose entries are objects
    # takes its classes from).
    imports: Tuple[ImportBlock, ...] = ()


@dataclass(frozen=True)
class DummyObject:
    name: str
    kind: str  # "constant" | "function" | "class"
    line: int


@dataclass(frozen=True)
class DummyFacts:
    path: str
    objects: Tuple[DummyObject, ...]


@dataclass(frozen=True)
class TextListFacts:
    """A file that is a list of lines, such as ``utils/documentation_tests.txt``."""

    path: str
    lines: Tuple[str, ...]


@dataclass(frozen=True)
class AutodocEntry:
    name: str  # the object documented (last dotted component)
    written: str  # as written after ``[[autodoc]]``
    header: Optional[str]  # the ``##`` header just above, if any
    line: int  # first line of the section (header, or the autodoc line)
    autodoc_line: int
    members: Tuple[str, ...]
    end_line: int  # last non-blank line of the section
    # The section documents every public member without naming them (reStructuredText's bare ``:members:``).
    all_members: bool = False


@dataclass(frozen=True)
class DocPageFacts:
    path: str
    entries: Tuple[AutodocEntry, ...]


@dataclass(frozen=True)
class ConfigFacts:
    """A ``configuration_*.py``: the config classes and their ``model_type``."""

    path: str
    model_types: Tuple[Tuple[str, str], ...] = field(default=())  # (model_type, config class)
