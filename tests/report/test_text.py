"""The text reporter (ruff-like), statistics, colour, and ``should_use_color``."""

from __future__ import annotations

import io
import re

import pytest

from tfintegrity.findings import CheckResult
from tfintegrity.report import FORMATS, ReportOptions, should_use_color
from tfintegrity.report.text import render

from .samples import RULES, fix_result, make_finding, sample_findings, sample_result

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_golden_text(options, golden):
    golden("text.txt", render(sample_result(), options))


def test_golden_statistics(golden):
    findings = sample_findings() + [make_finding("TFI001", f"TFModel{i}", line=200 + i) for i in range(11)]
    out = render(CheckResult(tuple(findings)), ReportOptions(rules=RULES, statistics=True))
    golden("statistics.txt", out)
    lines = out.splitlines()
    assert lines[0] == "  12  TFI001  [*] auto-mapping-entry"
    assert lines[1] == "   2  TFI002  [*] init-export"
    assert lines[2] == "   1  TFI003      dummy-object"
    assert "TFModel3" not in out


def test_golden_fix_mode(golden):
    out = render(fix_result(), ReportOptions(rules=RULES, fix_mode=True))
    golden("text_fix.txt", out)
    assert "Fixed 2 findings in 2 files." in out
    assert "  src/transformers/__init__.py\n" in out
    assert (
        "could not fix: src/transformers/__init__.py:40:5: TFI002 `TFBertForMaskedLM` is missing from the "
        "init-export (the __init__ has no TF block to insert into)" in out
    )
    assert "3 findings hidden by the baseline." in out
    assert "TFI004 TFOldModel" in out and "`tfintegrity baseline`" in out
    assert "did not converge" in out
    assert "fixable with" not in out  # no --fix hint after --fix


def test_lines_are_sorted_and_marked(options):
    out = render(sample_result(), options)
    lines = out.splitlines()
    # the hostile path sorts first; line breaks are shown escaped so one finding stays one line
    assert lines[0] == (
        "src/odd,dir/we:ird%name\\n.py:3:7: TFI002 entry for `TFOdd|X` is 100% <missing>:\\nadd it, please"
        "\\r\\n::error::injected"
    )
    assert len(lines) == 4 + 2
    assert "src/transformers/__init__.py:40:5: TFI002 [*] `TFBertForMaskedLM` is missing from the init-export" in lines
    assert "src/transformers/utils/dummy_tf_objects.py:10:1: TFI003 dummy object `TFBertModel` is stale" in lines
    order = [line.split(":")[0] for line in lines if line.startswith("src/transformers")]
    assert order == sorted(order)
    assert lines[-2:] == ["Found 4 findings.", "[*] 2 fixable with `tfintegrity check --fix`."]


def test_no_findings():
    assert render(CheckResult(()), ReportOptions(rules=RULES)) == "All checks passed!\n"


def test_singular():
    out = render(CheckResult((make_finding(fixable=False),)), ReportOptions(rules=RULES))
    assert out.endswith("Found 1 finding.\n")
    assert "[*]" not in out


def test_show_fixes_off_hides_markers(options):
    out = render(sample_result(), ReportOptions(rules=RULES, show_fixes=False))
    assert "[*]" not in out


def test_baseline_notes_outside_fix_mode():
    result = CheckResult((), baselined=1, baseline_gone=(("TFI001", "TFX", "p:q", "missing"),))
    out = render(result, ReportOptions(rules=RULES))
    assert "1 finding hidden by the baseline." in out
    assert "1 baseline entry no longer occurs:" in out
    assert "  TFI001 TFX at p:q (missing)" in out


def test_diff_mode_prints_the_diff():
    diff = "--- a/x.py\n+++ b/x.py\n@@ -1 +1,2 @@\n a\n+b\n"
    result = CheckResult((), fixed=(make_finding(),), changed_files=("x.py",), diff=diff)
    out = render(result, ReportOptions(rules=RULES, diff_mode=True))
    assert out.startswith(diff)
    assert "Would fix 1 finding in 1 file." in out


def test_colour_only_when_asked(options):
    plain = render(sample_result(), options)
    assert not ANSI.search(plain)
    coloured = render(sample_result(), ReportOptions(rules=RULES, color=True))
    assert "\x1b[1msrc/transformers/__init__.py\x1b[0m" in coloured
    assert "\x1b[1m\x1b[31mTFI002\x1b[0m" in coloured
    assert "\x1b[36m[*]\x1b[0m" in coloured
    assert ANSI.sub("", coloured) == plain


def test_colour_statistics_keeps_alignment():
    opts = ReportOptions(rules=RULES, statistics=True)
    plain = render(sample_result(), opts)
    coloured = render(sample_result(), ReportOptions(rules=RULES, statistics=True, color=True))
    assert ANSI.sub("", coloured) == plain


class FakeStream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.fixture
def clean_env(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return monkeypatch


def test_colour_on_a_tty(clean_env):
    assert should_use_color(FakeStream(True))
    assert not should_use_color(FakeStream(False))


@pytest.mark.parametrize("value", ["1", "0", "true", "anything"])
def test_no_color_disables(clean_env, value):
    clean_env.setenv("NO_COLOR", value)
    assert not should_use_color(FakeStream(True))
    clean_env.setenv("FORCE_COLOR", "1")
    assert not should_use_color(FakeStream(True))  # NO_COLOR wins


def test_empty_no_color_is_ignored(clean_env):
    clean_env.setenv("NO_COLOR", "")
    assert should_use_color(FakeStream(True))


def test_force_color(clean_env):
    clean_env.setenv("FORCE_COLOR", "1")
    assert should_use_color(FakeStream(False))
    clean_env.setenv("FORCE_COLOR", "")
    assert not should_use_color(FakeStream(False))


def test_streams_without_isatty_or_closed(clean_env):
    assert not should_use_color(object())
    closed = io.StringIO()
    closed.close()
    assert not should_use_color(closed)


def test_formats_table():
    assert set(FORMATS) == {"text", "json", "github", "sarif"}
    assert FORMATS["text"] is render
    for name, reporter in FORMATS.items():
        for result in (sample_result(), CheckResult(()), fix_result()):
            out = reporter(result, ReportOptions(rules=RULES))
            assert isinstance(out, str) and out.endswith("\n"), name


def test_options_are_frozen():
    opts = ReportOptions(rules=RULES)
    with pytest.raises(Exception):
        opts.color = True  # type: ignore[misc]
    assert (opts.color, opts.statistics, opts.show_fixes, opts.tool_version, opts.fix_mode, opts.diff_mode) == (
        False, False, True, "", False, False,
    )


def test_notes_come_before_the_summary():
    out = render(CheckResult(findings=(), notes=("no docs/ folder in this tree: TFI008 has nothing to check",)),
                 ReportOptions(rules=RULES))
    assert out == "note: no docs/ folder in this tree: TFI008 has nothing to check\nAll checks passed!\n"
