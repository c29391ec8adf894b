"""Doc pages: an autodoc section (``## X`` / ``[[autodoc]] X`` / ``    - call``, or its reStructuredText
form) for each documented public class.

Where the pages are is data: the rule lists candidate folders (the first the tree has wins) and page
suffixes; the page's suffix picks the reader (``index.doc_readers``) and the renderer (``fixes.doc_page``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from tfintegrity.context import Context, finding, require_params
from tfintegrity.facts import AutodocEntry, DocPageFacts
from tfintegrity.findings import Finding
from tfintegrity.index import doc_readers
from tfintegrity.index.catalog import Model, PublicClass
from tfintegrity.ruleset import Rule

# What a section's directive and a member line are called in each shape, for messages.
DIRECTIVE = {doc_readers.MARKDOWN: "[[autodoc]]", doc_readers.RST: ".. autoclass::"}
MEMBER_LINE = {doc_readers.MARKDOWN: "    - {member}", doc_readers.RST: ":members: {member}"}


@dataclass(frozen=True)
class PageLayout:
    """Where a tree keeps its model doc pages: the folder, and the suffixes pages are looked for with."""

    doc_dir: str
    suffixes: Tuple[str, ...]  # lookup order; the first is what the folder's pages are written as
    present: bool = True  # False: none of the rule's folders exists (a source distribution without docs)

    def new_page(self, stem: str) -> str:
        return f"{self.doc_dir}/{stem}{self.suffixes[0]}"


def _strings(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)


class Autodoc:
    name = "autodoc"

    def validate_params(self, params: Mapping[str, Any]) -> Optional[str]:
        spec: Dict[str, type] = {
            "doc_dirs": list,
            "doc_dir": str,  # one folder: the same as ``doc_dirs = [doc_dir]``
            "doc_suffixes": list,
            "exclude_pattern": str,
            "stale_pattern": str,
            "before_pattern": str,
            "counterpart_member": str,
            # Backends whose sections on the page a new section's place may follow: PyTorch's follow
            # the order of their TF and Flax twins' sections where those document every one of them.
            "mirror_prefixes": list,
            # The other backends' class prefixes ("" for PyTorch): a class the exclude_pattern leaves out is
            # documented after all where the page documents its twin of one of them (deberta's pages
            # document DebertaPreTrainedModel, and so TFDebertaPreTrainedModel too).
            "twin_prefixes": list,
        }
        optional = ("doc_dirs", "doc_dir", "doc_suffixes", "mirror_prefixes", "twin_prefixes")
        problem = require_params(params, spec, optional=optional)
        if problem is None and "mirror_prefixes" in params and not _strings(params["mirror_prefixes"]):
            problem = "parameter 'mirror_prefixes' must be a non-empty list of class prefixes such as 'TF'"
        twins = params.get("twin_prefixes")
        if problem is None and twins is not None and not (twins and all(isinstance(t, str) for t in twins)):
            problem = "parameter 'twin_prefixes' must be a non-empty list of class prefixes such as 'Flax' (\"\" for none)"
        if problem is None and ("doc_dirs" in params) == ("doc_dir" in params):
            problem = "give the page folders as exactly one of 'doc_dirs' (a list) or 'doc_dir'"
        if problem is None and "doc_dirs" in params and not _strings(params["doc_dirs"]):
            problem = "parameter 'doc_dirs' must be a non-empty list of folder names"
        if problem is None and "doc_suffixes" in params:
            suffixes = params["doc_suffixes"]
            if not _strings(suffixes):
                problem = "parameter 'doc_suffixes' must be a non-empty list of suffixes such as '.md'"
            else:
                unknown = [s for s in suffixes if s not in doc_readers.SHAPES]
                if unknown:
                    problem = (
                        f"doc_suffixes: no reader for {unknown[0]!r} (known: {', '.join(doc_readers.SHAPES)})"
                    )
        for key in ("exclude_pattern", "stale_pattern", "before_pattern"):
            if problem is None:
                try:
                    re.compile(params[key])
                except re.error as exc:
                    problem = f"{key} is not a regular expression: {exc}"
        return problem

    # ------------------------------------------------------------------ where the pages are

    def layout(self, ctx: Context, rule: Rule) -> PageLayout:
        """The first of the rule's folders the tree has, with the suffix its pages are written with first."""
        dirs: Sequence[str] = rule.params.get("doc_dirs") or [rule.params["doc_dir"]]
        suffixes: Sequence[str] = rule.params.get("doc_suffixes") or list(doc_readers.SHAPES)
        for doc_dir in (ctx.path(d) for d in dirs):
            if not ctx.index.is_dir(doc_dir):
                continue
            names = ctx.index.listdir(doc_dir)
            written = next((s for s in suffixes if any(n.endswith(s) for n in names)), suffixes[0])
            return PageLayout(doc_dir, (written, *(s for s in suffixes if s != written)))
        return PageLayout(ctx.path(dirs[0]), tuple(suffixes), present=False)

    def describe_layout(self, ctx: Context, rule: Rule) -> str:
        layout = self.layout(ctx, rule)
        if not layout.present:
            return "no doc folder (nothing to check)"
        return f"{layout.doc_dir}/*{layout.suffixes[0]}"

    def page_of(
        self, ctx: Context, rule: Rule, model: Model, layout: Optional[PageLayout] = None,
        owners: Optional[Dict[str, List[str]]] = None,
    ) -> Tuple[str, bool]:
        """The model's page and whether it exists: named after a model_type or the folder, else the page
        that documents the model's configuration (``gpt.rst`` for openai-gpt, ``transformerxl.rst``).
        ``owners`` (see ``owners``) saves reading the folder again for each model."""
        layout = layout or self.layout(ctx, rule)
        named = self._named_page(ctx, model, layout)
        if named is not None:
            return named, True
        owned = self._page_documenting(model, ctx.backend.class_prefix, owners or self.owners(ctx, layout))
        if owned is not None:
            return owned, True
        stems = self._stems(model)
        return layout.new_page(stems[0] if model.model_types else stems[-1]), False

    @staticmethod
    def _stems(model: Model) -> List[str]:
        base = model.folder.rsplit("/", 1)[-1]
        return [t for t, _ in model.model_types] + [base, base.replace("_", "-")]

    def _named_page(self, ctx: Context, model: Model, layout: PageLayout) -> Optional[str]:
        for stem in self._stems(model):
            for suffix in layout.suffixes:
                rel = f"{layout.doc_dir}/{stem}{suffix}"
                if ctx.index.exists(rel):
                    return rel
        return None

    def owners(self, ctx: Context, layout: PageLayout) -> Dict[str, List[str]]:
        """Documented name -> the pages of the folder that document it."""
        out: Dict[str, List[str]] = {}
        for page in ctx.index.listdir(layout.doc_dir):
            if not page.endswith(layout.suffixes):
                continue
            facts = ctx.index.doc_page(f"{layout.doc_dir}/{page}")
            for entry in facts.entries if facts else ():
                out.setdefault(entry.name, []).append(f"{layout.doc_dir}/{page}")
        return out

    @staticmethod
    def _page_documenting(model: Model, prefix: str, owners: Mapping[str, List[str]]) -> Optional[str]:
        """The page documenting the model's configuration class, else most of its classes or their counterparts."""
        configs = [c for _, c in model.model_types]
        names = [c.name for c in model.classes] + [c.name[len(prefix) :] for c in model.classes if c.name.startswith(prefix)]
        score: Dict[str, Tuple[int, int]] = {}
        for name in configs + names:
            for page in owners.get(name, ()):
                has_config, count = score.get(page, (0, 0))
                score[page] = (has_config or int(name in configs), count + 1)
        if not score:
            return None
        return max(sorted(score), key=lambda p: score[p])

    # ------------------------------------------------------------------ the check

    def documented(
        self, rule: Rule, model: Model, prefix: str = "", entries: Sequence[AutodocEntry] = ()
    ) -> List[PublicClass]:
        """The model's classes its page must document: all but those ``exclude_pattern`` leaves out, unless
        the page's ``entries`` document a twin of one (the same name under one of ``twin_prefixes``)."""
        excluded = re.compile(rule.params["exclude_pattern"])
        on_page = {e.name for e in entries}
        twins = rule.params.get("twin_prefixes", ())

        def wanted(name: str) -> bool:
            if not excluded.search(name):
                return True
            base = name[len(prefix) :] if prefix and name.startswith(prefix) else name
            return any(t + base in on_page for t in twins if t + base != name)

        return [c for c in model.classes if wanted(c.name)]

    def check(self, ctx: Context, rule: Rule) -> List[Finding]:
        out: List[Finding] = []
        layout = self.layout(ctx, rule)
        wanted = [(m, self.documented(rule, m)) for m in ctx.models()]
        wanted = [(m, classes) for m, classes in wanted if classes]
        if not layout.present:
            if wanted:  # one line for the whole tree, never one per class: nothing is missing, nothing is read
                dirs = rule.params.get("doc_dirs") or [rule.params["doc_dir"]]
                ctx.note(
                    f"{rule.code}: this tree has no {' or '.join(ctx.path(d) for d in dirs)} (a source distribution?); "
                    f"nothing to check ({sum(len(c) for _, c in wanted)} classes of {len(wanted)} models have no doc pages here)"
                )
            return out
        owners: Optional[Dict[str, List[str]]] = None  # read once, for the first page not named after its model
        for model, classes in wanted:
            if owners is None and self._named_page(ctx, model, layout) is None:
                owners = self.owners(ctx, layout)
            page, exists = self.page_of(ctx, rule, model, layout, owners)
            if not exists:
                out.extend(self._no_page(rule, model, classes, page))
                continue
            facts = ctx.index.doc_page(page)
            assert facts is not None
            classes = self.documented(rule, model, ctx.backend.class_prefix, facts.entries)
            out.extend(self._sections(ctx, rule, model, classes, facts))
            out.extend(self._duplicates(rule, model, facts))
            out.extend(self._stale(ctx, rule, model, facts))
        return out

    @staticmethod
    def _no_page(rule: Rule, model: Model, classes: Sequence[PublicClass], page: str) -> List[Finding]:
        return [
            finding(
                rule,
                "missing",
                cls.name,
                model.folder,
                cls.path,
                cls.line,
                cls.col,
                f"{cls.name} has no doc page: {page} does not exist; create it, then run --fix",
                fixable=False,
                place=f"{page}:{rule.slug}",
            )
            for cls in classes
        ]

    def _sections(
        self, ctx: Context, rule: Rule, model: Model, classes: Sequence[PublicClass], facts: DocPageFacts
    ) -> List[Finding]:
        out: List[Finding] = []
        page = facts.path
        place = f"{page}:{rule.slug}"
        member = ctx.backend.doc_member
        prefix = ctx.backend.class_prefix
        shape = doc_readers.shape_of(page)
        directive = DIRECTIVE[shape]
        by_name: Dict[str, AutodocEntry] = {e.name: e for e in facts.entries}
        anchor = self.insert_line(facts, prefix)
        for cls in classes:
            entry = by_name.get(cls.name)
            at = entry.autodoc_line if entry is not None else anchor
            message: Optional[str] = None
            symbol = f"{cls.name}.{member}"
            fixable = True
            if entry is None:
                symbol, message = cls.name, f"{cls.name} has no {directive} section in {page}"
            elif entry.all_members or member in entry.members:
                continue
            elif not cls.name.startswith(prefix) and rule.params["counterpart_member"] in entry.members:
                # A class named without the backend's prefix: the section of that name is its counterpart's.
                symbol, fixable = cls.name, False
                message = (
                    f"{cls.name} has no section of its own: {directive} {entry.written} in {page} documents the "
                    f"class of the same name (`{rule.params['counterpart_member']}`); the {ctx.backend.name} class "
                    f"needs its {prefix} name"
                )
            elif entry.members:
                message = f"{directive} {cls.name} does not list `{member}`"
            else:
                message = f"{directive} {cls.name} has no member list; add `{MEMBER_LINE[shape].format(member=member)}`"
            out.append(finding(rule, "missing", symbol, model.folder, page, at, 1, message, fixable=fixable, place=place))
        return out

    @staticmethod
    def _duplicates(rule: Rule, model: Model, facts: DocPageFacts) -> List[Finding]:
        out: List[Finding] = []
        seen = set()
        for entry in facts.entries:
            if entry.name in seen:
                out.append(
                    finding(
                        rule,
                        "duplicate",
                        entry.name,
                        model.folder,
                        facts.path,
                        entry.line,
                        1,
                        f"{DIRECTIVE[doc_readers.shape_of(facts.path)]} {entry.written} is documented twice in {facts.path}",
                        fixable=False,
                        place=f"{facts.path}:{rule.slug}",
                    )
                )
            seen.add(entry.name)
        return out

    def _stale(self, ctx: Context, rule: Rule, model: Model, facts: DocPageFacts) -> List[Finding]:
        stale = re.compile(rule.params["stale_pattern"])
        directive = DIRECTIVE[doc_readers.shape_of(facts.path)]
        return [
            finding(
                rule,
                "stale",
                entry.name,
                model.folder,
                facts.path,
                entry.line,
                1,
                f"{directive} {entry.written} documents a class that no longer exists",
                place=f"{facts.path}:{rule.slug}",
            )
            for entry in facts.entries
            if stale.match(entry.name)
            and not self._exists(ctx, entry.name)
            and ctx.catalog.is_stale(entry.name, model.folder)
            and not self._in_module(ctx, entry.written)
        ]

    def _exists(self, ctx: Context, name: str) -> bool:
        """Defined by a backend modeling file, or exported by the top-level init from a module that
        really defines it (``TFBertTokenizer`` lives in a tokenization file)."""
        if name in ctx.catalog.defined_anywhere():
            return True
        top = ctx.index.init(f"{ctx.package}/__init__.py")
        if top is None:
            return False
        modules = [b.module for b in top.all_imports() if b.level == 1 and name in {n.name for n in b.names}]
        return any(self._exported_for_real(ctx, module, name) for module in modules)

    @staticmethod
    def _exported_for_real(ctx: Context, module: str, name: str) -> bool:
        """``from .<module> import name`` in the top-level init: the module (or, for a package, the
        module its init names for it) defines or imports ``name``."""
        rel = f"{ctx.package}/{module.replace('.', '/')}"
        facts, init = ctx.index.resolve(rel)
        if facts is not None:
            return facts.exposes(name)
        if init is None:
            return False
        for statement in init.all_structure():
            if name in {n.name for n in statement.names}:
                source, _ = ctx.index.resolve(f"{rel}/{statement.key.replace('.', '/')}")
                if source is not None and source.exposes(name):
                    return True
        return False

    @staticmethod
    def _in_module(ctx: Context, written: str) -> bool:
        """``[[autodoc]] modeling_tf_outputs.TFX``: the named module of the package defines X."""
        parts = written.split(".")
        if parts[0] == "transformers":
            parts = parts[1:]
        if len(parts) < 2:
            return False
        facts, _ = ctx.index.resolve(f"{ctx.package}/{'/'.join(parts[:-1])}")
        return facts is not None and facts.exposes(parts[-1])

    @staticmethod
    def insert_line(facts: DocPageFacts, prefix: str) -> int:
        runs = [e for e in facts.entries if e.name.startswith(prefix)]
        if runs:
            return runs[-1].end_line
        return facts.entries[-1].end_line if facts.entries else 1

    def plan(self, ctx: Context, rule: Rule, findings: Sequence[Finding]) -> Dict[str, str]:
        from tfintegrity.fixes.doc_page import plan_doc_page

        return plan_doc_page(ctx, rule, findings, self)
