"""Lazy ``__init__.py`` places: the ``_import_structure`` half, the ``TYPE_CHECKING`` half, and
where each imported name comes from.

The same primitives serve a model's own init (one entry per modeling module, ``scope = "model"``)
and the package's top-level init (one entry per model, ``scope = "package"``); the rule's
``key`` / ``module`` template says how an entry is named.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from tfintegrity.context import Context, finding, require_params
from tfintegrity.facts import GuardBlock, InitFacts, Located, memo
from tfintegrity.findings import Finding
from tfintegrity.fixes import pysource
from tfintegrity.index.catalog import Model
from tfintegrity.ruleset import Rule

SCOPES = ("model", "package")


@dataclass(frozen=True)
class Entry:
    """What one statement of an init should hold."""

    model: Model
    key: str  # structure key ("modeling_tf_bert", "models.bert") or import module ("modeling_tf_bert")
    names: Tuple[str, ...]  # sorted as the place keeps them
    anchor: Tuple[str, int, int]  # (path, line, col) to point at when the statement is missing


def init_path(ctx: Context, rule: Rule, model: Model) -> str:
    return ctx.path(rule.target, folder=model.folder, dotted=model.dotted)


def compound_guarded(init: Optional[InitFacts], guard: str) -> Set[str]:
    """Names an init lists under a guard that tests the backend's and more (4.16.0's qdqbert, under
    ``is_torch_available() and is_pytorch_quantization_available()``): exported there, with their dummies in
    that guard's own dummy file, so no place of the backend's own guard needs them."""
    if init is None:
        return set()

    def build() -> Set[str]:
        found: Set[str] = set()
        for block in (*init.structure_guards, *init.type_checking_guards):
            if guard in block.guard and len(block.guard) > 1:
                found.update(n.name for s in block.structure for n in s.names)
                found.update(n.name for i in block.imports for n in i.names)
        return found

    return memo(init, "_compound_" + guard, build)


def expected_entries(
    ctx: Context, rule: Rule, template: str, sort: Callable[[Iterable[str]], List[str]]
) -> List[Entry]:
    entries = []
    package_scope = rule.params.get("scope", "model") != "model"
    others = compound_guarded(ctx.index.init(ctx.path(rule.target, folder="", dotted="")), ctx.backend.guard) \
        if package_scope else set()
    for model in ctx.models():
        if not model.exports:
            continue
        first = model.classes[0] if model.classes else None
        anchor = (first.path, first.line, first.col) if first else (model.init_path, 1, 1)
        if rule.params.get("scope", "model") == "model":
            for stem in model.main_modules:
                names = [n for n, source in model.exports.items() if source == stem]
                if names:
                    key = template.format(module=stem, folder=model.folder, dotted=model.dotted)
                    entries.append(Entry(model, key, tuple(sort(names)), anchor))
        else:
            key = template.format(module="", folder=model.folder, dotted=model.dotted)
            names = [n for n in model.package_exports if n not in others]
            if names:
                entries.append(Entry(model, key, tuple(sort(names)), anchor))
    return entries


def guard_blocks(init: InitFacts, guard: str, type_checking: bool) -> Tuple[GuardBlock, ...]:
    blocks = init.type_checking_guards if type_checking else init.structure_guards
    return tuple(b for b in blocks if b.guard == (guard,))


def _order_findings(
    rule: Rule, entry: Entry, path: str, written: Sequence[Located], wanted_order: Sequence[str], line: int, place: str
) -> List[Finding]:
    names = [n.name for n in written]
    counts = Counter(names)
    out = []
    for name, count in sorted(counts.items()):
        if count > 1:
            second = [n for n in written if n.name == name][1]
            out.append(
                finding(
                    rule,
                    "duplicate",
                    name,
                    entry.model.folder,
                    path,
                    second.line,
                    second.col,
                    f"{name} is listed {count} times in {entry.key}",
                    place=place,
                )
            )
    unique = list(dict.fromkeys(names))
    if unique != [n for n in wanted_order if n in counts] and len(unique) > 1:
        out.append(
            finding(
                rule,
                "order",
                entry.key,
                entry.model.folder,
                path,
                line,
                1,
                f"names of {entry.key} are not in the order Transformers keeps",
                place=place,
            )
        )
    return out


class _InitPlace:
    """Shared logic of the two halves."""

    name = ""
    reads = "init"  # the facts it reads of its target (read early, with the models', see api._collect)
    half = ""
    type_checking = False
    template_param = ""

    @staticmethod
    def sort(names: Iterable[str]) -> List[str]:
        """The order the place keeps its names in."""
        raise NotImplementedError

    def validate_params(self, params: Mapping[str, Any]) -> Optional[str]:
        problem = require_params(
            params,
            {"scope": str, self.template_param: str, "form": str, "sibling_guards": list},
            optional=("form", "sibling_guards"),
        )
        if problem is None and params["scope"] not in SCOPES:
            return f"scope must be one of {', '.join(SCOPES)}"
        return problem

    def _written(self, init: InitFacts, guard: str, key: str) -> Tuple[List[Located], Optional[Tuple[int, int]]]:
        raise NotImplementedError

    def check(self, ctx: Context, rule: Rule) -> List[Finding]:
        out: List[Finding] = []
        defined = ctx.catalog.defined_anywhere()
        unreadable: Set[str] = set()
        for entry in expected_entries(ctx, rule, rule.params[self.template_param], self.sort):
            path = init_path(ctx, rule, entry.model)
            init = ctx.index.init(path)
            place = f"{path}:{rule.slug}:{entry.key}"
            if init is None:
                for name in entry.names:
                    out.append(
                        finding(
                            rule,
                            "missing",
                            name,
                            entry.model.folder,
                            entry.anchor[0],
                            entry.anchor[1],
                            entry.anchor[2],
                            f"{name} is not in {path}: the file does not exist",
                            fixable=False,
                            place=place,
                        )
                    )
                continue
            if init.computed:
                continue  # the init lists no names: each module's ``__all__`` is the place (its own rule)
            if not init.lazy:
                if path not in unreadable:
                    unreadable.add(path)
                    out.append(
                        finding(
                            rule,
                            "missing",
                            path,
                            entry.model.folder if rule.params.get("scope", "model") == "model" else "",
                            path,
                            1,
                            1,
                            f"{path} is not a lazy init (no `_import_structure = {{...}}` and `if TYPE_CHECKING:`); "
                            f"cannot check its {self.half}; nothing in it is changed",
                            fixable=False,
                            place=f"{path}:{rule.slug}",
                        )
                    )
                continue
            written, where = self._written(init, ctx.backend.guard, entry.key)
            if where is None:
                blocks = guard_blocks(init, ctx.backend.guard, self.type_checking)
                line = blocks[0].line if blocks else (init.type_checking_line or 1) if self.type_checking else 1
                where = (line, 1)
            present = {n.name for n in written}
            for name in entry.names:
                if name not in present:
                    out.append(
                        finding(
                            rule,
                            "missing",
                            name,
                            entry.model.folder,
                            path,
                            where[0],
                            where[1],
                            f"{name} is missing from {self.describe(entry.key)}",
                            place=place,
                        )
                    )
            for located in written:
                if located.name in defined:
                    continue
                if not ctx.catalog.is_stale(located.name, entry.model.folder):
                    if not ctx.catalog.defines_anywhere(located.name) and not (
                        ctx.catalog.defined_by_modeling_file(located.name, entry.model.folder)
                    ):
                        # Only a module of the model that is no modeling file defines it (a processor or
                        # feature extractor that needs the backend): the guard is the init's choice.
                        continue
                    # Defined by another backend's modeling file (a PyTorch constant in the TF block, say):
                    # no evidence that it can go, so it is reported and left for a person to move.
                    out.append(
                        finding(
                            rule,
                            "wrong",
                            located.name,
                            entry.model.folder,
                            path,
                            located.line,
                            located.col,
                            f"{located.name} is listed in {self.describe(entry.key)} but no {ctx.backend.name} "
                            f"modeling file defines it (another module of {entry.model.folder} does); "
                            "move or remove it by hand",
                            fixable=False,
                            place=place,
                        )
                    )
                else:
                    out.append(
                        finding(
                            rule,
                            "stale",
                            located.name,
                            entry.model.folder,
                            path,
                            located.line,
                            located.col,
                            f"{located.name} is listed in {self.describe(entry.key)} but no "
                            f"{ctx.backend.name} modeling file defines it",
                            place=place,
                        )
                    )
            wanted = self.sort(dict.fromkeys(n.name for n in written))
            out.extend(_order_findings(rule, entry, path, written, wanted, where[0], place))
        return out

    def describe(self, key: str) -> str:
        raise NotImplementedError

    def describe_layout(self, ctx: Context, rule: Rule) -> str:
        return describe_init_layout(ctx, rule, self.type_checking)

    def plan(self, ctx: Context, rule: Rule, findings: Sequence[Finding]) -> Dict[str, str]:
        from tfintegrity.fixes.inits import plan_init_place

        return plan_init_place(ctx, rule, findings, self)


class InitStructure(_InitPlace):
    """``_import_structure[key]`` lists inside the backend's ``try/else`` block."""

    name = "init_structure"
    half = "`_import_structure` half"
    type_checking = False
    template_param = "key"
    sort = staticmethod(pysource.sort_objects)

    def _written(self, init: InitFacts, guard: str, key: str) -> Tuple[List[Located], Optional[Tuple[int, int]]]:
        statements = init.structure_for(guard, key)
        names = [n for s in statements for n in s.names]
        return names, ((statements[0].line, 1) if statements else None)

    def describe(self, key: str) -> str:
        return f'_import_structure["{key}"]'


class InitImports(_InitPlace):
    """``from .<module> import (...)`` inside ``if TYPE_CHECKING:`` and the backend's ``try/else``."""

    name = "init_imports"
    half = "`TYPE_CHECKING` half"
    type_checking = True
    template_param = "module"
    sort = staticmethod(pysource.isort_names)

    def _written(self, init: InitFacts, guard: str, key: str) -> Tuple[List[Located], Optional[Tuple[int, int]]]:
        blocks = init.imports_for(guard, key)
        names = [n for b in blocks for n in b.names]
        return names, ((blocks[0].line, 1) if blocks else None)

    def describe(self, key: str) -> str:
        return f"the TYPE_CHECKING import from .{key}"


def init_form(init: Optional[InitFacts], guard: str, type_checking: bool) -> str:
    """``try`` / ``if`` blocks, ``computed`` (``define_import_structure``), ``no block``, or why unreadable."""
    if init is None:
        return "missing"
    if init.computed:
        return "computed"
    if not init.lazy:
        return "not a lazy init"
    blocks = init.type_checking_guards if type_checking else init.structure_guards
    mine = [b.form for b in blocks if b.guard == (guard,)] or [b.form for b in blocks]
    return f"{mine[0]} blocks" if mine else "no guarded block"


def describe_init_layout(ctx: Context, rule: Rule, type_checking: bool) -> str:
    if rule.params.get("scope", "model") == "package":
        return f"{ctx.path(rule.target, folder='', dotted='')}: " + init_form(
            ctx.index.init(ctx.path(rule.target, folder="", dotted="")), ctx.backend.guard, type_checking
        )
    counts = Counter(
        init_form(ctx.index.init(init_path(ctx, rule, m)), ctx.backend.guard, type_checking) for m in ctx.models()
    )
    shown = ", ".join(f"{n} {form}" for form, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"model inits of {ctx.backend.name} models: {shown or 'none'}"


class ImportSource:
    """Names an init takes from a module (either half) that does not define or import them."""

    name = "import_source"

    def validate_params(self, params: Mapping[str, Any]) -> Optional[str]:
        return require_params(params, {"scope": str})

    def targets(self, ctx: Context, rule: Rule) -> List[str]:
        if rule.params["scope"] == "model":
            return [init_path(ctx, rule, m) for m in ctx.models()]
        return [ctx.path(rule.target, folder="", dotted="")]

    def wrong_names(self, ctx: Context, rule: Rule) -> List[Tuple[str, str, str, Located]]:
        """(init path, half, source module, name) of every name taken from a module that lacks it."""
        defined = ctx.catalog.defined_anywhere()
        out = []
        # A scoped run reports only names of its models (and names of no model): skip the others early.
        skip: Set[str] = set()
        if ctx.only_models is not None:
            models = ctx.catalog.models()
            skip = {n for k, m in models.items() if k not in ctx.only_models for n in m.exports}
            skip -= {n for k, m in models.items() if k in ctx.only_models for n in m.exports}
        for path in self.targets(ctx, rule):
            init = ctx.index.init(path)
            if init is None or not init.lazy:
                continue
            sources: List[Tuple[str, str, Located]] = []
            for statement in init.guarded_structure(ctx.backend.guard):
                sources.extend(("structure", statement.key, n) for n in statement.names)
            for block in init.guarded_imports(ctx.backend.guard):
                if block.level == 1:
                    sources.extend(("imports", block.module, n) for n in block.names)
            for half, module, located in sources:
                if located.name in skip:
                    continue
                if located.name not in defined and ctx.catalog.is_stale(located.name, self.folder(ctx, path, module)):
                    continue  # stale: reported by the place's own rule
                if not self.exposes(ctx, path, module, located.name):
                    out.append((path, half, module, located))
        return out

    @staticmethod
    def folder(ctx: Context, init_path_: str, module: str) -> Optional[str]:
        """The model folder a statement of this init is about."""
        models = f"{ctx.package}/models/"
        if init_path_.startswith(models):
            return init_path_[len(models) : -len("/__init__.py")]
        return ctx.catalog.folder_of_module(module)

    @staticmethod
    def module_path(init_path_: str, module: str) -> str:
        """The root-relative path, without suffix, of a relative ``module`` of the init at ``init_path_``."""
        return init_path_.rsplit("/", 1)[0] + "/" + module.replace(".", "/")

    def lacks(self, ctx: Context, init_path_: str, module: str) -> str:
        rel = self.module_path(init_path_, module)
        return "does not define it" if ctx.index.exists(rel + ".py") or ctx.index.is_dir(rel) else "does not exist"

    def exposes(self, ctx: Context, init_path_: str, module: str, name: str) -> bool:
        rel = self.module_path(init_path_, module)
        facts, init = ctx.index.resolve(rel)
        if facts is not None:
            return facts.exposes(name)
        if init is not None:
            if init.computed:
                # The init exports every module's ``__all__``: any module of the package may be the home.
                return not ctx.catalog.is_stale(name, self.folder(ctx, init_path_, module))
            listed = init.listed_names()
            # A backend modeling file of that package defines it: the package's own init is what lacks it.
            homes = ctx.catalog.defined_anywhere().get(name, [])
            return name in listed or any(h.startswith(rel + "/") for h in homes)
        if ctx.index.is_dir(rel) or ctx.index.glob(rel.rsplit("/", 1)[0], rel.rsplit("/", 1)[1] + ".*"):
            return True  # a package without an init, a compiled or generated module: do not guess
        return False  # no such module: the import cannot work

    def describe_layout(self, ctx: Context, rule: Rule) -> str:
        return describe_init_layout(ctx, rule, False) + " (both halves read)"

    def check(self, ctx: Context, rule: Rule) -> List[Finding]:
        out = []
        defined = ctx.catalog.defined_anywhere()
        for path, half, module, located in self.wrong_names(ctx, rule):
            model = self.model_of(ctx, located.name)
            if model is not None and not ctx.in_scope(model):
                continue
            homes = ", ".join(defined.get(located.name, [])[:3]) or f"a non-{ctx.backend.name} module"
            where = f'_import_structure["{module}"]' if half == "structure" else f"from .{module} import"
            # Removing the name is safe only where the init place's own rule puts it back where it belongs.
            fixable = model is not None
            hint = "" if fixable else "; it is no export of any model, so move or remove it by hand"
            out.append(
                finding(
                    rule,
                    "wrong",
                    located.name,
                    model or "",
                    path,
                    located.line,
                    located.col,
                    f"{where} takes {located.name} from .{module}, which {self.lacks(ctx, path, module)} "
                    f"(defined in {homes})" + hint,
                    fixable=fixable,
                    place=f"{path}:{rule.slug}:{half}:{module}",
                )
            )
        return out

    def model_of(self, ctx: Context, name: str) -> Optional[str]:
        for model in ctx.catalog.models().values():
            if name in model.exports:
                return model.folder
        return None

    def plan(self, ctx: Context, rule: Rule, findings: Sequence[Finding]) -> Dict[str, str]:
        from tfintegrity.fixes.inits import plan_import_source

        return plan_import_source(ctx, rule, findings, self)
