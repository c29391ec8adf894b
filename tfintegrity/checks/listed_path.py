"""A text file that lists repository paths, one per line (``utils/documentation_tests.txt``)."""

from __future__ import annotations

import bisect
import fnmatch
from typing import Any, Dict, List, Mapping, Optional, Sequence

from tfintegrity.context import Context, finding, require_params
from tfintegrity.findings import Finding
from tfintegrity.ruleset import Rule


def sorted_position(lines: Sequence[str], new: str) -> int:
    """Where ``new`` goes: between two neighbours it sorts between (the first such place; in a sorted list,
    its sorted place), else next to the one neighbour it sorts beside, else after the last line."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not filled:
        return len(lines)
    one_sided = None
    for rank, index in enumerate(filled + [None]):  # a place before each line, and one after the last
        prev = lines[filled[rank - 1]] if rank > 0 else None
        nxt = lines[index] if index is not None else None
        if (prev is None or prev <= new) and (nxt is None or new <= nxt):
            at = index if index is not None else filled[-1] + 1
            if prev is not None and nxt is not None:
                return at
            one_sided = at if one_sided is None else one_sided
    return one_sided if one_sided is not None else filled[-1] + 1


class ListedPath:
    name = "listed_path"

    def validate_params(self, params: Mapping[str, Any]) -> Optional[str]:
        return require_params(params, {"entry": str})

    def wanted(self, ctx: Context, rule: Rule) -> Dict[str, str]:
        """Line -> model folder for every backend modeling file with at least one public class."""
        out: Dict[str, str] = {}
        for model in ctx.models():
            for stem in model.modules:
                path = model.module_path(ctx.package, stem)
                if ctx.catalog.public_classes(path):
                    out[rule.params["entry"].format(path=path)] = model.folder
        return out

    def check(self, ctx: Context, rule: Rule) -> List[Finding]:
        path = ctx.path(rule.target)
        facts = ctx.index.text_list(path)
        lines = list(facts.lines) if facts else []
        place = f"{path}:{rule.slug}"
        out: List[Finding] = []
        present = set(lines)
        ordered = sorted(lines)
        for line_text, folder in sorted(self.wanted(ctx, rule).items()):
            if line_text not in present:
                at = bisect.bisect_left(ordered, line_text) + 1
                out.append(
                    finding(
                        rule,
                        "missing",
                        line_text,
                        folder,
                        path,
                        min(at, max(len(lines), 1)),
                        1,
                        f"{line_text} is not listed in {path}",
                        place=place,
                    )
                )
        pattern = rule.params["entry"].format(path=f"{ctx.package}/models/*/{ctx.backend.modeling_glob}")
        for number, line_text in enumerate(lines, 1):
            if fnmatch.fnmatchcase(line_text, pattern) and not ctx.index.exists(line_text):
                out.append(
                    finding(
                        rule,
                        "stale",
                        line_text,
                        "",
                        path,
                        number,
                        1,
                        f"{line_text} is listed in {path} but does not exist",
                        place=place,
                    )
                )
        seen = set()
        for number, line_text in enumerate(lines, 1):
            if line_text in seen and fnmatch.fnmatchcase(line_text, pattern):
                out.append(
                    finding(
                        rule,
                        "duplicate",
                        line_text,
                        "",
                        path,
                        number,
                        1,
                        f"{line_text} is listed twice in {path}",
                        place=place,
                    )
                )
            seen.add(line_text)
        if lines != ordered and ctx.only_models is None:
            out.append(finding(rule, "order", path, "", path, 1, 1, f"{path} is not sorted", place=place))
        return [f for f in out if not f.model or ctx.in_scope(f.model)]

    def plan(self, ctx: Context, rule: Rule, findings: Sequence[Finding]) -> Dict[str, str]:
        path = ctx.path(rule.target)
        text = ctx.index.text(path)
        if text is None:
            return {}
        newline = "\r\n" if "\r\n" in text else "\n"
        lines = text.splitlines()
        stale = {f.symbol for f in findings if f.kind == "stale"}
        missing = [f.symbol for f in findings if f.kind == "missing"]
        kept = [ln for ln in lines if ln not in stale]
        if any(f.kind == "duplicate" for f in findings):
            kept = [ln for i, ln in enumerate(kept) if not ln.strip() or ln not in kept[:i]]
        if any(f.kind == "order" for f in findings):
            kept = sorted(kept)
        for line_text in sorted(set(missing)):
            if line_text not in kept:
                kept.insert(sorted_position(kept, line_text), line_text)
        ending = newline if text.endswith(("\n", "\r")) else ""
        new = newline.join(kept) + ending
        return {} if new == text else {path: new}
