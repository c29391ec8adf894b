"""What a check reports: one finding per symbol and place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

KINDS = ("missing", "stale", "order", "wrong", "duplicate")


@dataclass(frozen=True)
class Finding:
    """One integration gap.

    ``place`` names the place independently of line numbers (for baselines and SARIF fingerprints),
    e.g. ``src/transformers/__init__.py:tf-structure``; ``line``/``column`` point where the entry
    belongs, or at the class definition when the place has no natural line.
    """

    code: str
    rule: str  # the rule's slug
    kind: str  # one of KINDS
    symbol: str
    model: str  # the model folder, "" when the finding is not about one model
    path: str  # root-relative, forward slashes
    line: int
    column: int
    message: str
    fixable: bool
    place: str

    @property
    def key(self) -> tuple:
        """Identity that survives edits: no line numbers."""
        return (self.code, self.symbol, self.place, self.kind)

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.symbol)


@dataclass(frozen=True)
class Unfixed:
    """A finding ``--fix`` could not repair, and why."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class CheckResult:
    """Everything one run produced; reporters render it, the CLI picks the exit code from it."""

    findings: Tuple[Finding, ...]  # what remains (after fixing, when fixing)
    fixed: Tuple[Finding, ...] = ()
    changed_files: Tuple[str, ...] = ()
    unfixed: Tuple[Unfixed, ...] = ()
    diff: str = ""  # unified diff of the planned edits (``--diff``)
    baselined: int = 0  # findings hidden by the baseline
    baseline_gone: Tuple[Tuple[str, str, str, str], ...] = ()  # baseline keys that no longer occur
    converged: bool = True
    files_checked: int = 0
    # What a rule could not check and why it is not a finding (a tree without docs/, say): one line each.
    notes: Tuple[str, ...] = ()
