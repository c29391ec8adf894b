"""The GitHub Actions reporter: escaping, the ten-annotation cap, no command injection."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tfintegrity.findings import CheckResult, Unfixed
from tfintegrity.report import ReportOptions
from tfintegrity.report.github import MAX_ANNOTATIONS, escape_data, escape_property, render

from .samples import RULES, fix_result, make_finding, sample_result


def unescape(value: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(escaped, raw)
    return value


def test_golden_github(options, golden):
    golden("github.txt", render(sample_result(), options))


def test_golden_github_fix(golden):
    golden("github_fix.txt", render(fix_result(), ReportOptions(rules=RULES, fix_mode=True)))


def test_annotation_format(options):
    lines = render(sample_result(), options).splitlines()
    assert (
        "::error file=src/transformers/__init__.py,line=40,col=5,title=TFI002 init-export (tf)::"
        "`TFBertForMaskedLM` is missing from the init-export" in lines
    )


def test_hostile_values_are_escaped(options):
    lines = render(sample_result(), options).splitlines()
    hostile = lines[0]
    assert hostile == (
        "::error file=src/odd%2Cdir/we%3Aird%25name%0A.py,line=3,col=7,title=TFI002 init-export (tf)::"
        "entry for `TFOdd|X` is 100%25 <missing>:%0Aadd it, please%0D%0A::error::injected"
    )
    assert len(lines) == 4 + 2  # four annotations, "Found" and the fix hint: nothing was split


def test_cap_at_ten_annotations(options):
    findings = tuple(make_finding("TFI001", f"TFModel{i:02d}", line=i + 1) for i in range(12))
    lines = render(CheckResult(findings), options).splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    notices = [line for line in lines if line.startswith("::notice")]
    assert len(errors) == MAX_ANNOTATIONS == 10
    assert [e.split(",")[1] for e in errors] == [f"line={i + 1}" for i in range(10)]  # the first ten, sorted
    assert notices == ["::notice::2 more findings; see the job summary"]
    assert lines[-2] == "Found 12 findings."


def test_exactly_ten_and_eleven(options):
    ten = tuple(make_finding(symbol=f"TFM{i}", line=i + 1) for i in range(10))
    assert "::notice" not in render(CheckResult(ten), options)
    eleven = ten + (make_finding(symbol="TFM10", line=11),)
    assert "::notice::1 more finding; see the job summary\n" in render(CheckResult(eleven), options)


def test_no_findings(options):
    assert render(CheckResult(()), options) == "All checks passed!\n"


def test_plain_lines_cannot_inject_commands():
    hostile = make_finding(symbol="X", path="a.py", message="oops\n::error::pwned", fixable=False)
    result = CheckResult((hostile,), unfixed=(Unfixed(hostile, "reason\n::warning::x"),))
    out = render(result, ReportOptions(rules=RULES, fix_mode=True))
    commands = [line for line in out.splitlines() if line.lstrip().startswith("::")]
    assert len(commands) == 1 and commands[0].startswith("::error file=a.py,")


@given(st.text())
def test_escape_data_round_trips(value):
    escaped = escape_data(value)
    assert "\n" not in escaped and "\r" not in escaped
    assert unescape(escaped) == value


@given(st.text())
def test_escape_property_round_trips(value):
    escaped = escape_property(value)
    assert not set("\r\n:,") & set(escaped)
    assert unescape(escaped) == value
