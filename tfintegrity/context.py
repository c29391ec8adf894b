"""What a check or a fix planner gets: the index, the backend's catalog, and the scope of the run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Protocol, Sequence, Set

from tfintegrity.findings import Finding
from tfintegrity.index.catalog import Catalog, Model
from tfintegrity.index.repo import RepoIndex
from tfintegrity.ruleset import Backend, Rule


@dataclass
class Context:
    index: RepoIndex
    backend: Backend
    catalog: Catalog
    only_models: Optional[Set[str]] = None  # restrict findings to these model folders
    notes: Optional[List[str]] = None  # where ``note`` collects what a rule has nothing to check in

    def note(self, text: str) -> None:
        """Say once that a place has nothing to check in this tree (not a finding: nothing is missing)."""
        if self.notes is not None and text not in self.notes:
            self.notes.append(text)

    @property
    def package(self) -> str:
        return self.index.package

    def models(self) -> List[Model]:
        """Models of this backend in scope, sorted by folder."""
        found = self.catalog.models()
        return [found[k] for k in sorted(found) if self.only_models is None or k in self.only_models]

    def in_scope(self, folder: str) -> bool:
        return self.only_models is None or folder in self.only_models

    def path(self, template: str, **values: str) -> str:
        return template.format(package=self.package, **values)


def finding(
    rule: Rule,
    kind: str,
    symbol: str,
    model: str,
    path: str,
    line: int,
    column: int,
    message: str,
    fixable: bool = True,
    place: Optional[str] = None,
) -> Finding:
    return Finding(
        code=rule.code,
        rule=rule.slug,
        kind=kind,
        symbol=symbol,
        model=model,
        path=path,
        line=max(line, 1),
        column=max(column, 1),
        message=message,
        fixable=fixable,
        place=place or f"{path}:{rule.slug}",
    )


class Primitive(Protocol):
    """One kind of place: how to check it and how to plan its fix."""

    name: str

    def validate_params(self, params: Mapping[str, Any]) -> Optional[str]: ...

    def check(self, ctx: Context, rule: Rule) -> List[Finding]: ...

    def plan(self, ctx: Context, rule: Rule, findings: Sequence[Finding]) -> Dict[str, str]: ...


def require_params(params: Mapping[str, Any], spec: Mapping[str, type], optional: Sequence[str] = ()) -> Optional[str]:
    """A message naming the first problem with ``params``, or ``None``."""
    for key in params:
        if key not in spec:
            return f"unknown parameter {key!r} (known: {', '.join(sorted(spec))})"
    for key, kind in spec.items():
        if key not in params:
            if key in optional:
                continue
            return f"missing parameter {key!r}"
        if not isinstance(params[key], kind):
            return f"parameter {key!r} must be a {kind.__name__}, not {type(params[key]).__name__}"
    return None
