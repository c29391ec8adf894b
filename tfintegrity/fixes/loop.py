"""The fix loop: plan every rule's edits on an in-memory overlay, re-check, repeat (capped).

Nothing is written here: the loop returns the planned texts, and the api hands them to the writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence, Set, Tuple

from tfintegrity.context import Context
from tfintegrity.findings import Finding
from tfintegrity.index.catalog import Catalog
from tfintegrity.index.repo import RepoIndex
from tfintegrity.primitives import PRIMITIVES

if TYPE_CHECKING:
    from tfintegrity.api import Session

ROUNDS = 4


@dataclass(frozen=True)
class FixOutcome:
    remaining: List[Finding]
    changes: Dict[str, Tuple[Optional[str], str]]  # path -> (original text or None, new text)
    converged: bool
    reasons: Dict[tuple, str]  # finding key -> why it was not fixed


def fix_loop(
    session: "Session",
    index: RepoIndex,
    findings: Sequence[Finding],
    only: Optional[Set[str]],
    collect: Callable[..., List[Finding]],
    hidden: Optional[Set[tuple]] = None,
) -> FixOutcome:
    """Plan, re-check, repeat until nothing fixable is left (or ``ROUNDS`` passes)."""
    hidden = hidden or set()
    overlay: Dict[str, str] = {}
    current = list(findings)
    reasons: Dict[tuple, str] = {}
    converged = False
    for _ in range(ROUNDS):
        fixable = [f for f in current if f.fixable and f.key not in hidden and f.key not in reasons]
        if not fixable:
            converged = True
            break
        changed = False
        for rule in session.rules:
            mine = [f for f in fixable if f.code == rule.code]
            if not mine:
                continue
            backend = session.ruleset.backends[rule.backend]
            view = index.with_overlay(overlay)
            ctx = Context(view, backend, Catalog(view, backend), only)
            try:
                planned = PRIMITIVES[rule.primitive].plan(ctx, rule, mine)
            except ValueError as exc:
                for f in mine:
                    reasons[f.key] = str(exc)
                continue
            for path, text in planned.items():
                if view.text(path) != text:
                    overlay[path] = text
                    changed = True
        if not changed:
            for f in fixable:
                reasons.setdefault(f.key, "the fix made no change; the place is not in a form the tool can edit")
            continue
        # Baselined findings stay in what remains (the baseline hides them again; they still occur).
        current = collect(session, index.with_overlay(overlay), only)
    else:
        converged = not [f for f in current if f.fixable and f.key not in hidden and f.key not in reasons]
    changes: Dict[str, Tuple[Optional[str], str]] = {}
    for path, text in overlay.items():
        old = index.text(path)
        if old != text:
            changes[path] = (old, text)
    return FixOutcome(current, changes, converged, reasons)
