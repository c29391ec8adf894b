"""A text file that lists repository paths, one per line (``utils/documentation_tests.txt``,
``utils/not_doctested.txt``): which file the tree has and what being listed means are the rule's data."""

from __future__ import annotations

import bisect
import fnmatch
from dataclasses import dataclass
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


def twin_line(line: str, twin: Optional[Sequence[str]]) -> Optional[str]:
    """The line of the file ``line`` is the backend twin of (``twin``: the part to replace, and by what)."""
    if not twin or twin[0] not in line:
        return None
    return line.replace(twin[0], twin[1], 1)


def follows_twin(lines: Sequence[str], twin: Optional[Sequence[str]]) -> bool:
    """Whether the list writes each backend file right after its twin: most of its backend lines whose twin
    is listed sit on the line after it (4.20-4.28's lists, which keep no order, even where the TF file
    sorts first: modeling_vit.py, then modeling_tf_vit.py)."""
    where = {line: number for number, line in enumerate(lines)}
    after = elsewhere = 0
    for number, line in enumerate(lines):
        other = twin_line(line, twin)
        if other is not None and other in where:
            if where[other] == number - 1:
                after += 1
            else:
                elsewhere += 1
    return after > elsewhere


@dataclass(frozen=True)
class ListLayout:
    """One form of the list: where it is, and what being listed means.

    ``required``: every backend modeling file with a public class must be listed; ``listed``: a file is in
    the job when it is listed, so every such file must be, once the list names any of the backend's files
    (4.10's and 4.16's doctest lists name none: those trees do not doctest them through it); ``excluded``: a
    file is in the job unless it is listed (``utils/not_doctested.txt`` from 4.32 on), so nothing is
    required and listed paths must exist.
    """

    path: str
    mode: str


MODES = ("required", "listed", "excluded")


def _layouts(rule: Rule) -> List[ListLayout]:
    given = rule.params.get("lists") or [{"path": rule.target, "mode": "required"}]
    return [ListLayout(item["path"], item["mode"]) for item in given]


def kept_sorted(lines: Sequence[str], share: float) -> bool:
    """Whether the list keeps an order: all but ``1 - share`` of its lines lie on its longest sorted run (in
    file order, not necessarily adjacent). A long list sorted but for a line or two is (4.31's 491 lines); a
    short one must be sorted whole (4.18's 42 lines put three doc pages first in reading order); a list
    whose sections follow no order (4.28's) is not, and then no line is out of order."""
    tails: List[str] = []
    for line in lines:
        at = bisect.bisect_right(tails, line)
        if at == len(tails):
            tails.append(line)
        else:
            tails[at] = line
    return len(lines) - len(tails) <= int((1 - share) * len(lines))


class ListedPath:
    name = "listed_path"

    def validate_params(self, params: Mapping[str, Any]) -> Optional[str]:
        problem = require_params(
            params,
            {"entry": str, "lists": list, "sorted_share": float, "twin": list},
            ("lists", "sorted_share", "twin"),
        )
        twin = params.get("twin")
        if problem is None and twin is not None and not (
            len(twin) == 2 and all(isinstance(t, str) and t for t in twin) and twin[0] != twin[1]
        ):
            problem = "parameter 'twin' must be two different strings: a backend file's part and its twin's"
        if problem is None:
            for item in params.get("lists", []):
                if not (isinstance(item, dict) and isinstance(item.get("path"), str) and item.get("mode") in MODES):
                    return f"each of lists must have a path and a mode ({', '.join(MODES)})"
        return problem

    def layout(self, ctx: Context, rule: Rule) -> Optional[ListLayout]:
        """The first of the rule's list layouts the tree has; else a ``required`` one (reported missing)."""
        layouts = _layouts(rule)
        for layout in layouts:
            if ctx.index.exists(ctx.path(layout.path)):
                return layout
        return next((layout for layout in layouts if layout.mode == "required"), None)

    def describe_layout(self, ctx: Context, rule: Rule) -> str:
        layout = self.layout(ctx, rule)
        if layout is None:
            return "no list (nothing to check)"
        meaning = "a listed file is out of the job" if layout.mode == "excluded" else "a listed file is in the job"
        return f"{ctx.path(layout.path)} ({layout.mode}: {meaning})"

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
        layout = self.layout(ctx, rule)
        if layout is None:
            where = " or ".join(ctx.path(item.path) for item in _layouts(rule))
            ctx.note(f"{rule.code}: this tree has no {where}; nothing to check")
            return []
        path = ctx.path(layout.path)
        facts = ctx.index.text_list(path)
        lines = list(facts.lines) if facts else []
        place = f"{path}:{rule.slug}"
        pattern = rule.params["entry"].format(path=f"{ctx.package}/models/*/{ctx.backend.modeling_glob}")
        out: List[Finding] = []
        present = {line.strip() for line in lines}  # the doctest job splits the list on whitespace
        ordered = sorted(lines)
        if layout.mode == "listed" and not any(fnmatch.fnmatchcase(line, pattern) for line in lines):
            ctx.note(
                f"{rule.code}: {path} lists no {ctx.backend.name} modeling file (this tree does not run them "
                "through it); nothing to check"
            )
        elif layout.mode in ("listed", "required"):
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
                            f"{line_text} is not listed in {path}" + ("" if facts else " (the file does not exist)"),
                            fixable=facts is not None,
                            place=place,
                        )
                    )
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
        if lines != ordered and kept_sorted(lines, rule.params.get("sorted_share", 0.98)):
            out.append(finding(rule, "order", path, "", path, 1, 1, f"{path} is not sorted", place=place))
        return out

    def plan(self, ctx: Context, rule: Rule, findings: Sequence[Finding]) -> Dict[str, str]:
        layout = self.layout(ctx, rule)
        if layout is None:
            return {}
        path = ctx.path(layout.path)
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
        # A list that keeps no order but writes backend files after their twins gets the new line there.
        twin = rule.params.get("twin")
        beside = not kept_sorted(kept, rule.params.get("sorted_share", 0.98)) and follows_twin(kept, twin)
        for line_text in sorted(set(missing)):
            if line_text not in kept:
                other = twin_line(line_text, twin) if beside else None
                at = kept.index(other) + 1 if other in kept else sorted_position(kept, line_text)
                kept.insert(at, line_text)
        ending = newline if text.endswith(("\n", "\r")) else ""
        new = newline.join(kept) + ending
        return {} if new == text else {path: new}
