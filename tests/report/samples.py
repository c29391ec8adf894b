"""Hand-built findings, rules and results for the reporter tests."""

from __future__ import annotations

from typing import Dict, List

from tfintegrity.findings import CheckResult, Finding, Unfixed
from tfintegrity.ruleset import Rule

HOSTILE_PATH = "src/odd,dir/we:ird%name\n.py"
HOSTILE_SYMBOL = "TFOdd%Model,X:Y\nZ"
HOSTILE_MESSAGE = "entry for `TFOdd|X` is 100% <missing>:\nadd it, please\r\n::error::injected"


def make_rule(code: str, slug: str, summary: str = "", example: str = "") -> Rule:
    return Rule(
        code=code,
        slug=slug,
        summary=summary or f"{slug} summary",
        what=f"Checks that every TensorFlow model has its {slug}.",
        why="Without it, users cannot import the class the documented way.",
        example=example or "from transformers import TFBertModel  # ImportError",
        fix_safety="The fix is safe: it only inserts a sorted entry.",
        backend="tf",
        applies_to="required",
        primitive="mapping_entry",
        target="{package}/models/auto/modeling_tf_auto.py",
    )


RULES: Dict[str, Rule] = {
    rule.code: rule
    for rule in (
        make_rule("TFI001", "auto-mapping-entry", "Model is in the TF auto mapping"),
        make_rule("TFI002", "init-export", "Class is exported from the package __init__"),
        make_rule("TFI003", "dummy-object", "Dummy object exists for the class"),
        make_rule("TFI004", "doc-entry", "Class is documented", example='doc = """```py\n[[autodoc]] TFBertModel\n```"""'),
    )
}


def make_finding(
    code: str = "TFI001",
    symbol: str = "TFBertModel",
    path: str = "src/transformers/models/auto/modeling_tf_auto.py",
    line: int = 120,
    column: int = 9,
    message: str = "",
    fixable: bool = True,
    kind: str = "missing",
    model: str = "bert",
    place: str = "",
) -> Finding:
    rule = RULES[code].slug if code in RULES else code.lower()
    return Finding(
        code=code,
        rule=rule,
        kind=kind,
        symbol=symbol,
        model=model,
        path=path,
        line=line,
        column=column,
        message=message or f"`{symbol}` is missing from the {rule}",
        fixable=fixable,
        place=place or f"{path}:{rule}",
    )


def sample_findings() -> List[Finding]:
    """Four findings, deliberately out of order, one of them hostile."""
    return [
        make_finding("TFI001", "TFBertModel", line=120, column=9),
        make_finding("TFI003", "TFBertModel", "src/transformers/utils/dummy_tf_objects.py", 10, 1,
                     "dummy object `TFBertModel` is stale", fixable=False, kind="stale"),
        make_finding("TFI002", "TFBertForMaskedLM", "src/transformers/__init__.py", 40, 5),
        make_finding("TFI002", HOSTILE_SYMBOL, HOSTILE_PATH, 3, 7, HOSTILE_MESSAGE, fixable=False, model="odd"),
    ]


def sample_result() -> CheckResult:
    return CheckResult(findings=tuple(sample_findings()), files_checked=12)


def fix_result() -> CheckResult:
    """A ``--fix`` run: two fixed, one unfixed, some baselined, a stale baseline, no convergence."""
    remaining = sample_findings()[1:3]
    return CheckResult(
        findings=tuple(remaining),
        fixed=(
            make_finding("TFI001", "TFBertModel"),
            make_finding("TFI001", "TFGPT2Model", line=130, model="gpt2"),
        ),
        changed_files=("src/transformers/models/auto/modeling_tf_auto.py", "src/transformers/__init__.py"),
        unfixed=(Unfixed(remaining[1], "the __init__ has no TF block to insert into"),),
        baselined=3,
        baseline_gone=(("TFI004", "TFOldModel", "docs/source/en/model_doc/old.md:doc", "missing"),),
        converged=False,
    )
