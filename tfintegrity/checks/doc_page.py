"""Doc pages: a ``## X`` / ``[[autodoc]] X`` / ``    - call`` section for each documented public class."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from tfintegrity.context import Context, finding, require_params
from tfintegrity.facts import AutodocEntry, DocPageFacts
from tfintegrity.findings import Finding
from tfintegrity.index.catalog import Model, PublicClass
from tfintegrity.ruleset import Rule


class Autodoc:
    name = "autodoc"

    def validate_params(self, params: Mapping[str, Any]) -> Optional[str]:
        problem = require_params(
            params,
            {
                "doc_dir": str,
                "exclude_pattern": str,
                "stale_pattern": str,
                "before_pattern": str,
                "counterpart_member": str,
            },
        )
        for key in ("exclude_pattern", "stale_pattern", "before_pattern"):
            if problem is None:
                try:
                    re.compile(params[key])
                except re.error as exc:
                    problem = f"{key} is not a regular expression: {exc}"
        return problem

    def documented(self, rule: Rule, model: Model) -> List[PublicClass]:
        excluded = re.compile(rule.params["exclude_pattern"])
        return [c for c in model.classes if not excluded.search(c.name)]

    def page_of(self, ctx: Context, rule: Rule, model: Model) -> Tuple[str, bool]:
        return ctx.catalog.doc_page(model, ctx.path(rule.params["doc_dir"]))

    def check(self, ctx: Context, rule: Rule) -> List[Finding]:
        out: List[Finding] = []
        member = ctx.backend.doc_member
        for model in ctx.models():
            classes = self.documented(rule, model)
            if not classes:
                continue
            page, exists = self.page_of(ctx, rule, model)
            place = f"{page}:{rule.slug}"
            if not exists:
                for cls in classes:
                    out.append(
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
                            place=place,
                        )
                    )
                continue
            facts = ctx.index.doc_page(page)
            assert facts is not None
            by_name: Dict[str, AutodocEntry] = {e.name: e for e in facts.entries}
            anchor = self.insert_line(facts, ctx.backend.class_prefix)
            for cls in classes:
                entry = by_name.get(cls.name)
                if entry is None:
                    out.append(
                        finding(
                            rule,
                            "missing",
                            cls.name,
                            model.folder,
                            page,
                            anchor,
                            1,
                            f"{cls.name} has no [[autodoc]] section in {page}",
                            place=place,
                        )
                    )
                elif member not in entry.members and entry.members:
                    out.append(
                        finding(
                            rule,
                            "missing",
                            f"{cls.name}.{member}",
                            model.folder,
                            page,
                            entry.autodoc_line,
                            1,
                            f"[[autodoc]] {cls.name} does not list `- {member}`",
                            place=place,
                        )
                    )
                elif not entry.members:
                    out.append(
                        finding(
                            rule,
                            "missing",
                            f"{cls.name}.{member}",
                            model.folder,
                            page,
                            entry.autodoc_line,
                            1,
                            f"[[autodoc]] {cls.name} has no member list; add `    - {member}`",
                            place=place,
                        )
                    )
            seen = set()
            for entry in facts.entries:
                if entry.name in seen:
                    out.append(
                        finding(
                            rule,
                            "duplicate",
                            entry.name,
                            model.folder,
                            page,
                            entry.line,
                            1,
                            f"[[autodoc]] {entry.name} is documented twice in {page}",
                            fixable=False,
                            place=place,
                        )
                    )
                seen.add(entry.name)
            stale = re.compile(rule.params["stale_pattern"])
            for entry in facts.entries:
                if (
                    stale.match(entry.name)
                    and not self._exists(ctx, entry.name)
                    and ctx.catalog.is_stale(entry.name, model.folder)
                    and not self._in_module(ctx, entry.written)
                ):
                    out.append(
                        finding(
                            rule,
                            "stale",
                            entry.name,
                            model.folder,
                            page,
                            entry.line,
                            1,
                            f"[[autodoc]] {entry.written} documents a class that no longer exists",
                            place=place,
                        )
                    )
        return out

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
