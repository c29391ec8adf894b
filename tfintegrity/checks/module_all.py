"""A modeling file's export list (``__all__``) and the init's import of the module, for models whose init
computes its import structure from those lists (``define_import_structure``, Transformers 4.4x).

Such an init lists no names: ``if TYPE_CHECKING:`` star-imports each module (``from .modeling_tf_bert
import *``) and the lazy module reads every module's ``__all__``. So each main modeling file's ``__all__``
must list the module's required names (public classes, archive constants), nothing the module does not
bind, in the order the rule names; and the init must star-import the module. Inits that list names are
left to the init rules: there this rule does nothing.

What is data (the rule's ``[params]``): the name of the export list, the import template, the sort, the
blank lines before a new list. Check and fix planner live side by side; the fix edits through libcst,
renders each edited statement as black writes it, and keeps every other byte.
"""

from __future__ import annotations

import ast
import keyword
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

import libcst as cst

from tfintegrity.context import Context, finding, require_params
from tfintegrity.facts import ExportList, ImportBlock, InitFacts, Located, ModuleFacts
from tfintegrity.findings import Finding
from tfintegrity.fixes import pysource
from tfintegrity.fixes.inits import merge_names
from tfintegrity.index.catalog import Model
from tfintegrity.index.readers import parse_python, strings_of
from tfintegrity.ruleset import Rule

# The list name the module reader keeps (``ModuleFacts.all_names``); another name is read with a parse of its own.
READER_LIST_NAME = "__all__"
ORDERS: Mapping[str, Callable[[Iterable[str]], List[str]]] = {
    "isort": pysource.isort_names,  # ruff isort / RUF022: constants, classes, others; case-insensitive, natural
    "objects": pysource.sort_objects,  # custom_init_isort: constants, classes, functions; lower, no "_"
}
# Calls and statements through which a module can bind names no statement names: no evidence of absence.
_DYNAMIC_CALLS = {"globals", "vars", "exec", "setattr"}
# Nodes that bind a plain name attribute (the match patterns exist from Python 3.10 on).
_NAMED_TARGETS = (ast.ExceptHandler,) + tuple(
    getattr(ast, kind) for kind in ("MatchAs", "MatchStar", "MatchMapping") if hasattr(ast, kind)
)


# --------------------------------------------------------------------------- the rule's data


@dataclass(frozen=True)
class ImportForm:
    """What the init's import of one module looks like, parsed from the rule's template."""

    level: int
    module: str
    star: bool
    names: Tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    """The rule's parameters, typed."""

    list_name: str
    init_target: str
    import_template: str
    order: Callable[[Iterable[str]], List[str]]
    blank_lines: int
    check_order: bool

    @staticmethod
    def of(rule: Rule) -> "Layout":
        params = rule.params
        return Layout(
            list_name=params["list_name"],
            init_target=params["init"],
            import_template=params["import"],
            order=ORDERS[params["order"]],
            blank_lines=params["blank_lines"],
            check_order=params.get("check_order", True),
        )

    def import_text(self, module: str) -> str:
        return self.import_template.format(module=module) + "\n"

    def import_form(self, module: str) -> ImportForm:
        parsed = _parse_import(self.import_text(module))
        assert parsed is not None  # validated with the rule
        return parsed


def _parse_import(text: str) -> Optional[ImportForm]:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.ImportFrom):
        return None
    node = tree.body[0]
    star = any(alias.name == "*" for alias in node.names)
    return ImportForm(node.level, node.module or "", star, tuple(a.asname or a.name for a in node.names if not star))


# --------------------------------------------------------------------------- what each module should hold


@dataclass(frozen=True)
class ModulePlace:
    """One main modeling file of a model with a computed init, and what its ``__all__`` must list."""

    model: Model
    stem: str
    path: str
    init_path: str
    required: Tuple[str, ...]  # in the rule's order
    anchors: Mapping[str, Tuple[int, int]]  # required name -> (line, col) of its definition


def _helper_module(ctx: Context, model: Model, stem: str, listed: bool, imported: bool) -> bool:
    """A building part of a sibling module, not an exported module: it has no export list, the init does not
    import it, and another modeling file of the model imports from it (blip's ``modeling_tf_blip_text``)."""
    if listed or imported:
        return False
    for other in model.modules:
        if other == stem:
            continue
        sibling = ctx.index.module(model.module_path(ctx.package, other))
        if sibling is not None and any(i.level == 1 and i.module == stem for i in sibling.imports.values()):
            return True
    return False


def _imports_module(init: InitFacts, form: ImportForm) -> bool:
    return any(_matches(block, form) for block in init.base_imports)


def _matches(block: ImportBlock, form: ImportForm) -> bool:
    if block.level != form.level or block.module != form.module:
        return False
    if form.star:
        return block.star
    return set(form.names) <= {n.name for n in block.names}


def module_places(ctx: Context, rule: Rule, layout: Layout) -> List[Tuple[ModulePlace, InitFacts, ModuleFacts]]:
    out = []
    for model in ctx.models():
        init_path = ctx.path(layout.init_target, folder=model.folder, dotted=model.dotted)
        init = ctx.index.init(init_path)
        if init is None or not init.computed:
            continue  # an init that lists its names: the init rules' place
        for stem in model.main_modules:
            path = ctx.path(rule.target, folder=model.folder, dotted=model.dotted, module=stem)
            facts = ctx.index.module(path)
            if facts is None:
                continue
            imported = _imports_module(init, layout.import_form(stem))
            listed = export_list(ctx, path, facts, layout.list_name) is not None
            if _helper_module(ctx, model, stem, listed, imported):
                continue
            mine = [c for c in (*model.constants, *model.classes) if c.module == stem]
            anchors = {c.name: (c.line, c.col) for c in mine}
            required = tuple(layout.order(dict.fromkeys(c.name for c in mine)))
            out.append((ModulePlace(model, stem, path, init_path, required, anchors), init, facts))
    return out


# --------------------------------------------------------------------------- reading the export list


def export_list(ctx: Context, path: str, facts: ModuleFacts, name: str) -> Optional[ExportList]:
    """The module's ``name = [...]``: from the module facts for ``__all__``, else from a parse of its own."""
    if name == READER_LIST_NAME:
        return facts.all_names
    text = ctx.index.text(path) or ""
    if name not in text:
        return None
    found = None
    for node in parse_python(path, text).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            names = strings_of(node.value)
            found = ExportList(names or (), node.lineno, node.end_lineno or node.lineno, names is not None)
    return found


def _other_writes(text: str, path: str, name: str, line: int) -> bool:
    """Whether a top-level statement other than the one at ``line`` assigns, extends or augments ``name``."""
    if text.count(name) <= 1:
        return False
    for node in parse_python(path, text).body:
        if node.lineno == line:
            continue
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            func = node.value.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == name:
                return True
    return False


def _module_scope(tree: ast.Module) -> Iterable[ast.AST]:
    """Every node whose bindings land in the module's namespace (function, class and lambda bodies excluded;
    a comprehension's own variables are included, which only makes the evidence stricter)."""
    pending: List[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            pending.extend(ast.iter_child_nodes(node))


def _is_self(node: ast.expr) -> bool:
    """``self`` / ``cls``: ``setattr`` on them sets an attribute, never a module name."""
    return isinstance(node, ast.Name) and node.id in ("self", "cls")


BOUND, DYNAMIC, UNBOUND = "bound", "dynamic", "unbound"


def binding_evidence(text: str, path: str, name: str) -> str:
    """Whether the module binds ``name`` at module level: ``BOUND`` when a statement does (at any depth of
    module-level ``if``/``try``/``with``/``for``, or through ``global``); ``DYNAMIC`` when none does but the
    module may bind names no statement names (a star import, ``globals()``, ``vars()``, ``exec``, ``setattr``
    on anything but ``self``/``cls``, a module ``__getattr__``); ``UNBOUND`` otherwise: the evidence that a
    listed name is stale."""
    tree = parse_python(path, text)
    dynamic = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _DYNAMIC_CALLS:
            dynamic = dynamic or not (node.func.id == "setattr" and bool(node.args) and _is_self(node.args[0]))
        if isinstance(node, ast.Global) and name in node.names:
            return BOUND
    for node in _module_scope(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == name:
                return BOUND
            dynamic = dynamic or node.name == "__getattr__"
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    dynamic = True
                elif (alias.asname or alias.name.split(".")[0]) == name:
                    return BOUND
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            if node.id == name:
                return BOUND
        elif isinstance(node, _NAMED_TARGETS) and (getattr(node, "name", None) or getattr(node, "rest", None)) == name:
            return BOUND  # ``except E as name``, ``case ... as name``, ``case [*name]``, ``case {**name}``
    return DYNAMIC if dynamic else UNBOUND


# --------------------------------------------------------------------------- the primitive


class ModuleAll:
    """``__all__`` of each main modeling file of a model with a computed init, and the init's import of it."""

    name = "module_all"

    def validate_params(self, params: Mapping[str, Any]) -> Optional[str]:
        problem = require_params(
            params,
            {"list_name": str, "init": str, "import": str, "order": str, "blank_lines": int, "check_order": bool},
            optional=("check_order",),
        )
        if problem is not None:
            return problem
        if not params["list_name"].isidentifier() or keyword.iskeyword(params["list_name"]):
            return f"list_name must be a Python name, not {params['list_name']!r}"
        if params["order"] not in ORDERS:
            return f"order must be one of {', '.join(sorted(ORDERS))}, not {params['order']!r}"
        if isinstance(params["blank_lines"], bool) or not 0 <= params["blank_lines"] <= 2:
            return "blank_lines must be 0, 1 or 2"
        template = params["import"]
        if "{module}" not in template:
            return "import must contain {module}"
        try:
            rendered = template.format(module="modeling_x")
        except (KeyError, IndexError, ValueError) as exc:
            return f"import is not a template with only {{module}}: {exc}"
        form = None if "\n" in rendered else _parse_import(rendered + "\n")
        if form is None or form.level == 0:
            return f"import must be one relative `from .{{module}} import ...` statement, not {template!r}"
        return None

    # ------------------------------------------------------------------ check

    def check(self, ctx: Context, rule: Rule) -> List[Finding]:
        layout = Layout.of(rule)
        out: List[Finding] = []
        for place, init, facts in module_places(ctx, rule, layout):
            out.extend(self._check_list(ctx, rule, layout, place, facts))
            if (place.required or export_list(ctx, place.path, facts, layout.list_name) is not None) and not (
                _imports_module(init, layout.import_form(place.stem))
            ):
                statement = layout.import_text(place.stem).strip()
                out.append(
                    finding(
                        rule,
                        "missing",
                        place.stem,
                        place.model.folder,
                        place.init_path,
                        init.type_checking_line or 1,
                        1,
                        f"`{statement}` is missing from the TYPE_CHECKING block of {place.init_path}",
                        place=f"{place.init_path}:{rule.slug}:{place.stem}",
                    )
                )
        return out

    def _check_list(
        self, ctx: Context, rule: Rule, layout: Layout, place: ModulePlace, facts: ModuleFacts
    ) -> List[Finding]:
        name = layout.list_name
        folder = place.model.folder
        where = f"{name} of {place.path}"
        written = export_list(ctx, place.path, facts, name)
        if written is None:
            return [
                finding(
                    rule,
                    "missing",
                    symbol,
                    folder,
                    place.path,
                    place.anchors[symbol][0],
                    place.anchors[symbol][1],
                    f"{symbol} is not exported: {place.path} has no `{name} = [...]`",
                )
                for symbol in place.required
            ]
        text = ctx.index.text(place.path) or ""
        if not written.literal or _other_writes(text, place.path, name, written.line):
            why = "is not a literal list of strings" if not written.literal else "is built by more than one statement"
            return [
                finding(
                    rule,
                    "wrong",
                    place.stem,
                    folder,
                    place.path,
                    written.line,
                    1,
                    f"{where} {why}; cannot check it; nothing in it is changed",
                    fixable=False,
                )
            ]
        out = []
        listed = {n.name for n in written.names}
        for symbol in place.required:
            if symbol not in listed:
                out.append(
                    finding(
                        rule,
                        "missing",
                        symbol,
                        folder,
                        place.path,
                        written.line,
                        1,
                        f"{symbol} is missing from {where}",
                    )
                )
        for located in written.names:
            if facts.exposes(located.name) or located.name in place.anchors:
                continue
            evidence = binding_evidence(text, place.path, located.name)
            if evidence == BOUND:
                continue  # bound by a statement the module facts do not keep (inside ``try:``, say)
            fixable = evidence == UNBOUND
            if fixable:
                message = f"{located.name} is listed in {where} but the module does not define or import it"
            else:
                message = (
                    f"{located.name} is listed in {where}; no statement of the module defines or imports it, but "
                    "the module may bind names dynamically (a star import, globals(), setattr, exec, a module "
                    "__getattr__), so nothing proves it stale: remove it by hand"
                )
            out.append(
                finding(rule, "stale", located.name, folder, place.path, located.line, located.col, message, fixable)
            )
        out.extend(self._order(rule, layout, place, written, where))
        return out

    def _order(self, rule: Rule, layout: Layout, place: ModulePlace, written: ExportList, where: str) -> List[Finding]:
        out = []
        counts = Counter(n.name for n in written.names)
        for symbol, count in sorted(counts.items()):
            if count > 1:
                second: Located = [n for n in written.names if n.name == symbol][1]
                out.append(
                    finding(
                        rule,
                        "duplicate",
                        symbol,
                        place.model.folder,
                        place.path,
                        second.line,
                        second.col,
                        f"{symbol} is listed {count} times in {where}",
                    )
                )
        unique = list(counts)
        if layout.check_order and len(unique) > 1 and unique != layout.order(unique):
            out.append(
                finding(
                    rule,
                    "order",
                    place.stem,
                    place.model.folder,
                    place.path,
                    written.line,
                    1,
                    f"names of {where} are not in {rule.params['order']} order",
                )
            )
        return out

    # ------------------------------------------------------------------ fix

    def plan(self, ctx: Context, rule: Rule, findings: Sequence[Finding]) -> Dict[str, str]:
        layout = Layout.of(rule)
        by_path: Dict[str, List[Finding]] = {}
        for item in findings:
            if item.fixable:
                by_path.setdefault(item.path, []).append(item)
        out: Dict[str, str] = {}
        star_imports: Dict[str, List[str]] = {}
        for place, _init, facts in module_places(ctx, rule, layout):
            mine = by_path.get(place.path, [])
            if mine:
                text = ctx.index.text(place.path)
                if text is not None:
                    new = self._plan_list(ctx, layout, place, facts, text, mine)
                    if new != text:
                        out[place.path] = new
            wanted = {f.symbol for f in by_path.get(place.init_path, []) if f.kind == "missing"}
            if place.stem in wanted:
                star_imports.setdefault(place.init_path, []).append(place.stem)
        for init_path, stems in star_imports.items():
            text = ctx.index.text(init_path)
            if text is not None:
                new = add_imports(text, [layout.import_text(s) for s in stems], init_path)
                if new != text:
                    out[init_path] = new
        return out

    def _plan_list(
        self, ctx: Context, layout: Layout, place: ModulePlace, facts: ModuleFacts, text: str, mine: Sequence[Finding]
    ) -> str:
        written = export_list(ctx, place.path, facts, layout.list_name)
        add = [f.symbol for f in mine if f.kind == "missing"]
        if written is None:
            names = tuple(layout.order(dict.fromkeys(add)))
            return append_list(text, layout, names, place.path) if names else text
        drop: Set[str] = {f.symbol for f in mine if f.kind == "stale"}
        resort = any(f.kind == "order" for f in mine)
        names = merge_names([n.name for n in written.names], add, drop, layout.order, resort)
        return set_list(text, layout, names, place.path)


# --------------------------------------------------------------------------- rendering and editing


def render_list(name: str, names: Sequence[str], exploded: bool) -> str:
    """``name = [...]`` as black writes it (line length 119): one line when it fits and no magic trailing
    comma asks otherwise, else one name per line with a trailing comma (a lone name stays bare)."""
    items = [f'"{n}"' for n in names]
    one = f"{name} = [{', '.join(items)}]"
    if not items or (not exploded and len(one) <= pysource.LINE_LENGTH):
        return one + "\n"
    if len(items) == 1 and not exploded:
        return f"{name} = [\n{pysource.INDENT}{items[0]}\n]\n"
    return f"{name} = [\n" + "".join(f"{pysource.INDENT}{item},\n" for item in items) + "]\n"


class _Comments(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = False

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found = True


def _list_statement(node: cst.CSTNode, name: str) -> Optional[cst.Assign]:
    if not (
        isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1 and isinstance(node.body[0], cst.Assign)
    ):
        return None
    assign = node.body[0]
    target = assign.targets[0].target if len(assign.targets) == 1 else None
    return assign if isinstance(target, cst.Name) and target.value == name else None


def _verified(text: str, path: str) -> str:
    try:
        ast.parse(text, filename=path)
    except SyntaxError as exc:
        raise ValueError(f"the edited {path} would not parse ({exc.msg})") from None
    return text


def set_list(text: str, layout: Layout, names: Sequence[str], path: str) -> str:
    """``text`` with its one top-level ``name = [...]`` holding exactly ``names`` (black's layout; the old
    statement's leading lines and end-of-line comment kept)."""
    module = cst.parse_module(text)
    body = list(module.body)
    hits = [i for i, node in enumerate(body) if _list_statement(node, layout.list_name) is not None]
    if len(hits) != 1:
        raise ValueError(f"{path} has {len(hits)} top-level `{layout.list_name} = ...` statements; edit it by hand")
    old = body[hits[0]]
    assert isinstance(old, cst.SimpleStatementLine)
    assign = _list_statement(old, layout.list_name)
    assert assign is not None
    value = assign.value
    if not isinstance(value, (cst.List, cst.Tuple)) or not all(
        isinstance(e, cst.Element) and isinstance(e.value, cst.SimpleString) for e in value.elements
    ):
        raise ValueError(f"{layout.list_name} of {path} is not a plain list of strings; edit it by hand")
    comments = _Comments()
    assign.visit(comments)
    if comments.found:
        raise ValueError(f"{layout.list_name} of {path} has comments inside; edit it by hand")
    if isinstance(value, cst.Tuple):
        raise ValueError(f"{layout.list_name} of {path} is a tuple; edit it by hand")
    magic = bool(value.elements) and isinstance(value.elements[-1].comma, cst.Comma)
    new = cst.parse_statement(render_list(layout.list_name, names, magic))
    assert isinstance(new, cst.SimpleStatementLine)
    body[hits[0]] = new.with_changes(leading_lines=old.leading_lines, trailing_whitespace=old.trailing_whitespace)
    result = module.with_changes(body=tuple(body)).code
    return _verified(result, path) if result != text else text


def append_list(text: str, layout: Layout, names: Sequence[str], path: str) -> str:
    """``text`` with ``name = [...]`` appended as its last statement, ``blank_lines`` blank lines before it;
    trailing comment lines of the file stay above it."""
    module = cst.parse_module(text)
    footer = list(module.footer)
    while footer and footer[-1].comment is None:
        footer.pop()  # trailing blank lines: the new statement's spacing replaces them
    blank = [cst.EmptyLine(indent=False)] * (layout.blank_lines if module.body or footer else 0)
    new = cst.parse_statement(render_list(layout.list_name, names, False))
    new = new.with_changes(leading_lines=tuple(footer + blank))
    # the new statement ends its line, as every statement of a black-formatted file does
    result = module.with_changes(body=(*module.body, new), footer=(), has_trailing_newline=True).code
    return _verified(result, path)


def _is_type_checking(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.If) and isinstance(node.test, cst.Name) and node.test.value == "TYPE_CHECKING"


def _module_of(node: cst.CSTNode) -> Optional[str]:
    """The module of a relative ``from .m import ...`` statement (without its dots), else ``None``."""
    if not (isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1):
        return None
    small = node.body[0]
    if not isinstance(small, cst.ImportFrom) or not small.relative:
        return None
    return cst.Module(body=()).code_for_node(small.module) if small.module is not None else ""


def _module_key(module: str) -> Tuple[str, str]:
    # ruff's isort orders from-imports by module, ignoring case (4.48: all 273 computed inits are in this order)
    return (module.lower(), module)


def add_imports(text: str, statements: Sequence[str], path: str) -> str:
    """``text`` with each ``from .m import ...`` statement added to the ``if TYPE_CHECKING:`` body, before the
    first relative import whose module sorts after its own (taking over that statement's leading lines),
    else after the last relative import, else at the end of the body."""
    module = cst.parse_module(text)
    top = list(module.body)
    index = next((i for i, node in enumerate(top) if _is_type_checking(node)), None)
    if index is None:
        raise ValueError(f"{path} has no `if TYPE_CHECKING:` block to add the import to")
    block = top[index]
    assert isinstance(block, cst.If)
    if not isinstance(block.body, cst.IndentedBlock):
        raise ValueError(f"the `if TYPE_CHECKING:` block of {path} is on one line; edit it by hand")
    body = list(block.body.body)
    for statement in statements:
        new = cst.parse_statement(statement)
        new_module = _module_of(new)
        assert new_module is not None
        relative = [(i, m) for i, m in ((i, _module_of(n)) for i, n in enumerate(body)) if m is not None]
        after = [i for i, m in relative if _module_key(m) > _module_key(new_module)]
        if after:
            position = after[0]
            successor = body[position]
            new = new.with_changes(leading_lines=successor.leading_lines)
            body[position] = successor.with_changes(leading_lines=())
        else:
            position = relative[-1][0] + 1 if relative else len(body)
        body.insert(position, new)
    top[index] = block.with_changes(body=block.body.with_changes(body=tuple(body)))
    return _verified(module.with_changes(body=tuple(top)).code, path)


__all__ = ["ModuleAll", "add_imports", "append_list", "binding_evidence", "render_list", "set_list"]
