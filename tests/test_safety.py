"""Hostile input and failure: nothing executed, one-line errors, nothing written, crash-safe fixes.

Every bad input of the catalogue must end in either exit 2 with ONE line on stderr that names the
file (and the line when there is one) and no traceback, or in a finding when that is the right
answer; and with ``check`` as with ``check --fix`` no byte of the tree may change.

Most tests call the CLI in-process through click's ``CliRunner`` (fast); the "nothing executed"
test and the lock test use real subprocesses (``sys.executable -m tfintegrity``), because an
``os._exit`` in imported code, or two processes racing, can only be observed from outside.

Crash safety is tested in-process: ``api.write_changes`` is wrapped so that the writer's
``before_each`` hook raises ``KeyboardInterrupt`` (a stand-in for SIGKILL/Ctrl-C: a BaseException
the writer does not turn into an error) just before the second rename; then every file must be
wholly old or wholly new, and the next ``--fix`` must converge.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthtree  # noqa: E402

from tfintegrity import api, cli, writer  # noqa: E402
from tfintegrity.errors import TfiError  # noqa: E402

PKG = "src/transformers"
TOP_INIT = f"{PKG}/__init__.py"
MODEL_INIT = f"{PKG}/models/bert/__init__.py"
BNB_INIT = f"{PKG}/models/brand_new_bert/__init__.py"
TF_MODELING = f"{PKG}/models/bert/modeling_tf_bert.py"
CONFIGURATION = f"{PKG}/models/bert/configuration_bert.py"
TF_AUTO = f"{PKG}/models/auto/modeling_tf_auto.py"
PT_AUTO = f"{PKG}/models/auto/modeling_auto.py"
DUMMY = f"{PKG}/utils/dummy_tf_objects.py"
DOCTESTS = "utils/documentation_tests.txt"
DOC_PAGE = "docs/source/en/model_doc/bert.md"
BNB_DOC_PAGE = "docs/source/en/model_doc/brand-new-bert.md"
REPO = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- helpers


def snapshot(root: Path) -> Dict[str, bytes]:
    """Every entry under ``root``: a file's bytes, a symlink's target, a directory's presence."""
    out: Dict[str, bytes] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = b"-> " + os.fsencode(os.readlink(p))
        elif p.is_dir():
            out[rel] = b"<dir>"
        else:
            out[rel] = p.read_bytes()
    return out


def tree(tmp_path: Path, example: bool = False) -> Path:
    root = tmp_path / "repo"
    (synthtree.write_example_tree if example else synthtree.write_tree)(root)
    return root


def invoke(root: Optional[Path], *args: str) -> Tuple[int, str, str]:
    """``tfintegrity check`` in-process: (exit code, stdout, stderr)."""
    argv = ["check", *args] + (["--root", str(root)] if root is not None else [])
    result = CliRunner().invoke(cli.main, argv, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {result.exception!r}") from result.exception
    return result.exit_code, result.stdout, result.stderr


def assert_no_traceback(out: str, err: str) -> None:
    assert "Traceback" not in err and "Traceback" not in out, err


def assert_one_line_error(code: int, out: str, err: str, path: Optional[str] = None, line: Optional[int] = None) -> None:
    assert_no_traceback(out, err)
    assert code == 2, (code, out, err)
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err
    assert "error" in lines[0], err
    if path is not None:
        assert path in lines[0], err
    if line is not None:
        assert f"{path}:{line}" in lines[0], err


def check_both(root: Path, *extra: str) -> List[Tuple[int, str, str]]:
    """Run ``check`` and ``check --fix``; assert no byte of the tree changed; return both outcomes."""
    before = snapshot(root)
    outcomes = []
    for args in ((), ("--fix",)):
        outcomes.append(invoke(root, *args, *extra))
        assert snapshot(root) == before, f"check {' '.join(args)} changed the tree"
    return outcomes


def expect_error(root: Path, path: Optional[str], line: Optional[int] = None, *extra: str) -> str:
    """Both runs end in one error line naming ``path`` (and ``line``); nothing written."""
    outcomes = check_both(root, *extra)
    for code, out, err in outcomes:
        assert_one_line_error(code, out, err, path, line)
    return outcomes[0][2]


def expect_error_or_finding(root: Path, path: str) -> None:
    """Either a one-line error naming ``path`` or findings; never a traceback; nothing written by check."""
    before = snapshot(root)
    code, out, err = invoke(root)
    assert snapshot(root) == before
    assert_no_traceback(out, err)
    if code == 2:
        assert_one_line_error(code, out, err, path)
    else:
        assert code in (0, 1), (code, out, err)


# --------------------------------------------------------------------------- 1. nothing executed


HOSTILE = '''import os, sys
open({marker!r}, "w").write("executed")
sys.exit(3)
os._exit(4)
'''


def test_nothing_is_imported_or_executed(tmp_path: Path) -> None:
    root = tree(tmp_path, example=True)
    marker = tmp_path / "marker"
    code = HOSTILE.format(marker=str(marker))
    for rel in (TF_MODELING, CONFIGURATION, MODEL_INIT):
        path = root / rel
        # prepended so that it is top-level code that would run at import; the rest stays readable
        path.write_text(code + path.read_text(encoding="utf-8"), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(root / "src"))
    for args in (["check"], ["check", "--fix"]):
        proc = subprocess.run(
            [sys.executable, "-m", "tfintegrity", *args, "--root", str(root)],
            capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=60,
        )
        assert proc.returncode in (0, 1, 2), proc.stderr
        assert proc.returncode not in (3, 4)
        assert "Traceback" not in proc.stderr
        assert not marker.exists(), f"`{' '.join(args)}` executed code from the tree"


# --------------------------------------------------------------------------- 2. catalogue of bad input


SYNTAX_TARGETS = [MODEL_INIT, TOP_INIT, TF_MODELING, CONFIGURATION, TF_AUTO, PT_AUTO, DUMMY]


@pytest.mark.parametrize("rel", SYNTAX_TARGETS)
def test_syntax_error_in_each_file_read(tmp_path: Path, rel: str) -> None:
    root = tree(tmp_path, example=True)
    path = root / rel
    lines = path.read_text(encoding="utf-8").split("\n")
    # a broken top-level statement at line 15 (a fresh line, not inside anything)
    lines.insert(14, "def broken(:")
    path.write_text("\n".join(lines), encoding="utf-8")
    expect_error(root, rel, 15)


@pytest.mark.parametrize("rel", [MODEL_INIT, TF_MODELING, DOCTESTS, DOC_PAGE])
def test_bytes_that_are_not_utf8(tmp_path: Path, rel: str) -> None:
    root = tree(tmp_path, example=True)
    path = root / rel
    data = path.read_bytes().split(b"\n")
    data[2] = data[2] + b" \xff\xfe caf\xe9"
    path.write_bytes(b"\n".join(data))
    expect_error(root, rel, 3)


def test_byte_order_mark_works_and_fix_keeps_it(tmp_path: Path) -> None:
    root = tree(tmp_path, example=True)
    bommed = [BNB_INIT, TOP_INIT, DUMMY, TF_MODELING, CONFIGURATION]
    for rel in bommed:
        path = root / rel
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, out, err = invoke(root)
    assert code == 1 and err == "", err
    assert "TFBrandNewBertForCausalLM" in out
    code, out, err = invoke(root, "--fix")
    assert_no_traceback(out, err)
    assert code in (0, 1), err
    for rel in bommed:
        data = (root / rel).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf" * 2), rel
    # the fixed init holds the name, and the BOM did not hide anything
    assert b'"TFBrandNewBertForCausalLM"' in (root / BNB_INIT).read_bytes()


def test_crlf_line_endings_work_and_fix_keeps_them(tmp_path: Path) -> None:
    root = tree(tmp_path, example=True)
    for path in root.rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    lf_root = tmp_path / "lf"
    synthtree.write_example_tree(lf_root)
    crlf_code, crlf_out, crlf_err = invoke(root)
    lf_code, lf_out, _ = invoke(lf_root)
    assert crlf_err == "" and crlf_code == lf_code == 1
    assert crlf_out.replace(str(root), "R") == lf_out.replace(str(lf_root), "R")
    before = snapshot(root)
    code, out, err = invoke(root, "--fix")
    assert_no_traceback(out, err)
    after = snapshot(root)
    touched = [rel for rel in after if after[rel] != before.get(rel)]
    assert touched, "the fix changed nothing"
    for rel in touched:
        data = after[rel]
        assert b"\n" not in data.replace(b"\r\n", b""), f"{rel} has a bare LF after --fix"


def test_tabs(tmp_path: Path) -> None:
    root = tree(tmp_path)
    # a tab-indented function body in the modeling file, a tab-indented member line in the doc page
    path = root / TF_MODELING
    path.write_text(path.read_text(encoding="utf-8") + "\ndef helper():\n\treturn 1\n", encoding="utf-8")
    doc = root / DOC_PAGE
    doc.write_text(doc.read_text(encoding="utf-8").replace("    - call", "\t- call"), encoding="utf-8")
    for code, out, err in check_both(root):
        assert_no_traceback(out, err)
        assert code == 0, (out, err)


def test_tab_indented_init_is_read(tmp_path: Path) -> None:
    root = tree(tmp_path, example=True)
    path = root / BNB_INIT
    path.write_bytes(path.read_bytes().replace(b"    ", b"\t"))
    code, out, err = invoke(root)
    assert_no_traceback(out, err)
    assert code == 1 and "TFBrandNewBertForCausalLM" in out


@pytest.mark.parametrize("rel", [TF_MODELING, MODEL_INIT, CONFIGURATION, DUMMY, TF_AUTO, DOCTESTS, DOC_PAGE])
def test_empty_file(tmp_path: Path, rel: str) -> None:
    root = tree(tmp_path)
    (root / rel).write_bytes(b"")
    expect_error_or_finding(root, rel)
    code, out, err = invoke(root, "--fix")
    assert_no_traceback(out, err)
    assert code in (0, 1, 2)


def test_empty_modeling_tf_file_is_not_a_crash(tmp_path: Path) -> None:
    root = tree(tmp_path)
    (root / TF_MODELING).write_bytes(b"")
    code, out, err = invoke(root)
    assert_no_traceback(out, err)
    assert code in (0, 1), err  # an empty module defines nothing: stale names, not an error


@pytest.mark.parametrize(
    "missing",
    [DUMMY, TF_AUTO, "docs", DOCTESTS, PT_AUTO, f"{PKG}/models/auto"],
)
def test_missing_place(tmp_path: Path, missing: str) -> None:
    root = tree(tmp_path)
    target = root / missing
    if target.is_dir():
        import shutil

        shutil.rmtree(target)
    else:
        target.unlink()
    before = snapshot(root)
    code, out, err = invoke(root)
    assert_no_traceback(out, err)
    assert snapshot(root) == before
    if code == 2:
        assert_one_line_error(code, out, err)
    else:
        assert code in (0, 1)
    code, out, err = invoke(root, "--fix")
    assert_no_traceback(out, err)
    assert code in (0, 1, 2), err
    if code == 2:
        assert_one_line_error(code, out, err)


DUPLICATES = {
    "model-init-structure": (MODEL_INIT, '        "TFBertModel",\n'),
    "model-init-type-checking": (MODEL_INIT, "            TFBertModel,\n"),
    "top-init-structure": (TOP_INIT, '            "TFBertModel",\n'),
    "auto-mapping": (TF_AUTO, '        ("bert", "TFBertModel"),\n'),
    "dummy": (DUMMY, 'class TFBertModel(metaclass=DummyObject):\n    _backends = ["tf"]\n\n'
                     "    def __init__(self, *args, **kwargs):\n        requires_backends(self, [\"tf\"])\n\n\n"),
    "doctest-list": (DOCTESTS, f"{PKG}/models/bert/modeling_tf_bert.py\n"),
    "doc-page": (DOC_PAGE, "## TFBertForMaskedLM\n\n[[autodoc]] TFBertForMaskedLM\n    - call\n\n"),
}


@pytest.mark.parametrize("place", sorted(DUPLICATES))
def test_duplicate_entry_is_a_finding(tmp_path: Path, place: str) -> None:
    rel, snippet = DUPLICATES[place]
    root = tree(tmp_path)
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(snippet) == 1, place
    path.write_text(text.replace(snippet, snippet + snippet), encoding="utf-8")
    before = snapshot(root)
    code, out, err = invoke(root)
    assert_no_traceback(out, err)
    assert snapshot(root) == before
    assert code == 1 and rel in out, f"a name listed twice in {rel} is not a finding: {out!r}"


def test_auto_mapping_value_that_is_a_tuple_of_names(tmp_path: Path) -> None:
    root = tree(tmp_path)
    path = root / TF_AUTO
    text = path.read_text(encoding="utf-8")
    old = '        ("bert", "TFBertModel"),\n'
    assert old in text
    path.write_text(text.replace(old, '        ("bert", ("TFBertModel", "TFBertForMaskedLM")),\n'), encoding="utf-8")
    for code, out, err in check_both(root):
        assert_no_traceback(out, err)
        assert code in (0, 1), err


@pytest.mark.parametrize(
    "body, line",
    [
        ("[tool.tfintegrity]\nselect = [\"TFI001\"\nignore = []\n", 3),
        ("[tool.tfintegrity]\npackage = 'src/transformers'\n= oops\n", 3),
        ("[project]\nname = \"x\"\n[project]\nname = \"y\"\n", 3),
    ],
)
def test_malformed_pyproject(tmp_path: Path, body: str, line: int) -> None:
    root = tree(tmp_path)
    (root / "pyproject.toml").write_text(body, encoding="utf-8")
    expect_error(root, "pyproject.toml", line)


def _rules_dir(tmp_path: Path, rule: str) -> Path:
    folder = tmp_path / "extra_rules"
    folder.mkdir()
    (folder / "XYZ001-custom.toml").write_text(rule, encoding="utf-8")
    return folder


GOOD_RULE = '''code = "XYZ001"
slug = "custom"
summary = "s"
what = "w"
why = "y"
example = "e"
fix_safety = "f"
backend = "tf"
applies_to = "exports"
primitive = "init_structure"
target = "{package}/models/{folder}/__init__.py"

[params]
scope = "model"
key = "{module}"
form = "assign"
'''


@pytest.mark.parametrize(
    "rule, needle",
    [
        (GOOD_RULE.replace('primitive = "init_structure"', 'primitive = "no_such_primitive"'), "no_such_primitive"),
        (GOOD_RULE.replace('slug = "custom"\n', ""), "slug"),
        (GOOD_RULE.replace('summary = "s"', "summary = 3"), "summary"),
        (GOOD_RULE.replace('applies_to = "exports"', 'applies_to = ["exports"]'), "applies_to"),
        (GOOD_RULE.replace('why = "y"', 'why = "y'), None),
    ],
)
def test_bad_rule_file(tmp_path: Path, rule: str, needle: Optional[str]) -> None:
    root = tree(tmp_path)
    folder = _rules_dir(tmp_path, rule)
    err = expect_error(root, "XYZ001-custom.toml", None, "--rules-dir", str(folder))
    if needle is not None:
        assert needle in err


def test_good_rule_file_is_accepted(tmp_path: Path) -> None:
    """Guard for the test above: the unmodified rule loads, so each error is due to the one change."""
    root = tree(tmp_path)
    folder = _rules_dir(tmp_path, GOOD_RULE)
    code, out, err = invoke(root, "--rules-dir", str(folder))
    assert code == 0, (out, err)


def test_missing_rules_dir(tmp_path: Path) -> None:
    root = tree(tmp_path)
    expect_error(root, "nope", None, "--rules-dir", str(tmp_path / "nope"))


@pytest.mark.parametrize("select", ["TFI999", "XYZ", "tfi00x", ","])
def test_unknown_code_in_select(tmp_path: Path, select: str) -> None:
    root = tree(tmp_path)
    before = snapshot(root)
    code, out, err = invoke(root, "--select", select)
    assert snapshot(root) == before
    if select == ",":  # no code at all: the same as no --select
        assert code == 0, err
        return
    assert_one_line_error(code, out, err)
    assert select.upper() in err


@pytest.mark.parametrize("shape", ["empty", "no_models", "file", "missing"])
def test_root_that_is_not_a_transformers_tree(tmp_path: Path, shape: str) -> None:
    root = tmp_path / "notatree"
    if shape == "empty":
        root.mkdir()
    elif shape == "no_models":
        (root / PKG).mkdir(parents=True)
        (root / TOP_INIT).write_text("x = 1\n", encoding="utf-8")
    elif shape == "file":
        root.write_text("hello\n", encoding="utf-8")
    code, out, err = invoke(root)
    assert_one_line_error(code, out, err)
    code, out, err = invoke(root, "--fix")
    assert_one_line_error(code, out, err)


def test_no_root_found_upwards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    code, out, err = invoke(None)
    assert_one_line_error(code, out, err)


@pytest.mark.parametrize("rel", [TF_MODELING, BNB_INIT, DOCTESTS])
def test_symlink_pointing_outside_the_root(tmp_path: Path, rel: str) -> None:
    root = tree(tmp_path, example=True)
    outside = tmp_path / "outside" / Path(rel).name
    outside.parent.mkdir()
    outside.write_bytes((root / rel).read_bytes())
    (root / rel).unlink()
    os.symlink(outside, root / rel)
    outside_before = outside.read_bytes()
    expect_error(root, rel)
    assert outside.read_bytes() == outside_before


def test_symlinked_folder_pointing_outside_the_root(tmp_path: Path) -> None:
    root = tree(tmp_path, example=True)
    folder = root / PKG / "models" / "brand_new_bert"
    outside = tmp_path / "outside_models" / "brand_new_bert"
    outside.parent.mkdir()
    folder.rename(outside)
    os.symlink(outside, folder)
    outside_before = snapshot(outside)
    expect_error(root, f"{PKG}/models/brand_new_bert")
    assert snapshot(outside) == outside_before


def test_symlink_inside_the_root_is_fine(tmp_path: Path) -> None:
    root = tree(tmp_path)
    real = root / "elsewhere" / "modeling_tf_bert.py"
    real.parent.mkdir()
    (root / TF_MODELING).rename(real)
    os.symlink(real, root / TF_MODELING)
    code, out, err = invoke(root)
    assert code == 0, (out, err)


def test_symlink_loop(tmp_path: Path) -> None:
    root = tree(tmp_path)
    (root / TF_MODELING).unlink()
    os.symlink(TF_MODELING.rsplit("/", 1)[-1], root / TF_MODELING)
    err = expect_error(root, TF_MODELING)
    assert "internal error" not in err


def test_fifo_instead_of_a_file_does_not_block(tmp_path: Path) -> None:
    root = tree(tmp_path)
    (root / TF_MODELING).unlink()
    os.mkfifo(root / TF_MODELING)
    outcome: List[Tuple[int, str, str]] = []
    worker = threading.Thread(target=lambda: outcome.append(invoke(root)), daemon=True)
    worker.start()
    worker.join(20)
    if worker.is_alive():  # unblock the reader so the test process can exit
        fd = os.open(root / TF_MODELING, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        pytest.fail("check blocked reading a FIFO")
    code, out, err = outcome[0]
    assert_no_traceback(out, err)
    assert code in (0, 1) or (code == 2 and TF_MODELING in err and len(err.strip().split("\n")) == 1), err


@pytest.mark.parametrize("rel", [BNB_INIT, TF_MODELING, DUMMY])
def test_nul_byte(tmp_path: Path, rel: str) -> None:
    root = tree(tmp_path)
    path = root / rel
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4] + b"\x00"
    path.write_bytes(b"\n".join(lines))
    expect_error(root, rel, 5)  # every file is parsed completely: a NUL in a comment is an error too


def test_unwritable_file_during_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path, example=True)
    before = snapshot(root)
    real_replace = os.replace
    calls = []

    def refuse(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(dst)
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied", str(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(writer.os, "replace", refuse)
    with pytest.raises(TfiError) as caught:
        api.run(api.Options(root=root, fix=True))
    assert "Permission denied" in caught.value.render()
    assert "\n" not in caught.value.render()
    monkeypatch.setattr(writer.os, "replace", real_replace)
    assert snapshot(root) == before, "a failed write left a changed file"
    assert len(calls) >= 2


def test_unwritable_file_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path, example=True)
    before = snapshot(root)

    def refuse(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(writer.os, "replace", refuse)
    code, out, err = invoke(root, "--fix")
    monkeypatch.undo()
    assert_one_line_error(code, out, err)
    assert "Permission denied" in err
    assert snapshot(root) == before
    assert not list(root.rglob(writer.TEMP_PREFIX + "*"))


def test_fifty_megabyte_file(tmp_path: Path) -> None:
    import time

    root = tree(tmp_path)
    path = root / TF_MODELING
    chunk = ("# " + "x" * 98 + "\n") * 10_000  # 1 MB of comments
    long_string = 'BLOB = "' + "y" * 1_000_000 + '"\n'
    body = path.read_text(encoding="utf-8")
    path.write_text(body + (chunk + long_string) * 25, encoding="utf-8")
    assert path.stat().st_size > 50_000_000
    start = time.monotonic()
    code, out, err = invoke(root)
    elapsed = time.monotonic() - start
    assert_no_traceback(out, err)
    assert code in (0, 2), err
    if code == 2:
        assert_one_line_error(code, out, err, TF_MODELING)
    assert elapsed < 30, f"check took {elapsed:.1f}s on a 50 MB file"


@pytest.mark.parametrize("rel", [BNB_INIT, TF_MODELING, TF_AUTO])
def test_deeply_nested_expression(tmp_path: Path, rel: str) -> None:
    root = tree(tmp_path)
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8") + "x = " + "(" * 10_000 + "1" + ")" * 10_000 + "\n", encoding="utf-8")
    expect_error(root, rel)


def test_deep_but_parsable_nesting(tmp_path: Path) -> None:
    """Nesting the parser accepts (below its bracket limit) but that is deep for a recursive walker."""
    root = tree(tmp_path)
    path = root / BNB_INIT
    deep = "x = " + "-" * 50_000 + "1\n"
    path.write_text(path.read_text(encoding="utf-8") + deep, encoding="utf-8")
    outcomes = check_both(root)
    for code, out, err in outcomes:
        assert_no_traceback(out, err)
        if code == 2:
            assert_one_line_error(code, out, err, BNB_INIT)
        else:
            assert code == 0


def test_unexpected_internal_error_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path)
    monkeypatch.delenv("TFINTEGRITY_DEBUG", raising=False)

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("kaboom")

    monkeypatch.setattr(api, "collect", boom)
    code, out, err = invoke(root)
    assert_one_line_error(code, out, err)
    assert "kaboom" in err and cli.ISSUES_URL in err


def test_interrupt_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path)

    def interrupt(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "collect", interrupt)
    code, out, err = invoke(root)
    assert_one_line_error(code, out, err)


@pytest.mark.parametrize("rel", [BNB_INIT, TOP_INIT])
def test_file_replaced_by_a_directory(tmp_path: Path, rel: str) -> None:
    root = tree(tmp_path, example=True)
    (root / rel).unlink()
    (root / rel).mkdir()
    before = snapshot(root)
    code, out, err = invoke(root)
    assert snapshot(root) == before
    assert_no_traceback(out, err)
    if code == 2:
        assert_one_line_error(code, out, err, rel)


# --------------------------------------------------------------------------- 3. crash safety and the lock


def _fixed_tree_bytes(tmp_path: Path) -> Dict[str, bytes]:
    """What one uninterrupted ``--fix`` of the example tree produces."""
    root = tmp_path / "reference"
    synthtree.write_example_tree(root)
    api.run(api.Options(root=root, fix=True))
    return snapshot(root)


def test_fix_interrupted_between_two_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = {k: v for k, v in _fixed_tree_bytes(tmp_path).items()}
    root = tree(tmp_path, example=True)
    old = snapshot(root)
    real_write_all = writer.write_all
    renames: List[str] = []

    def before_each(path: str) -> None:
        renames.append(path)
        if len(renames) == 2:
            raise KeyboardInterrupt  # the process dies between the first and the second rename

    def interrupted_write_all(*args, **kwargs):  # type: ignore[no-untyped-def]
        return real_write_all(*args, **kwargs, before_each=before_each)

    monkeypatch.setattr(writer, "write_all", interrupted_write_all)
    with pytest.raises(KeyboardInterrupt):
        api.run(api.Options(root=root, fix=True))
    monkeypatch.setattr(writer, "write_all", real_write_all)
    assert len(renames) == 2, "the fix planned fewer than two writes"

    middle = snapshot(root)
    assert set(middle) == set(old) | (set(middle) - set(old))
    for rel, data in middle.items():
        assert data in (old.get(rel), expected.get(rel)), f"{rel} is neither wholly old nor wholly new"
    assert not list(root.rglob(writer.TEMP_PREFIX + "*")), "temporary files left behind"

    api.run(api.Options(root=root, fix=True))
    assert snapshot(root) == expected
    result, _ = api.run(api.Options(root=root, fix=True))
    assert not result.fixed and not result.changed_files, "a second --fix still had something to fix"


def _fix_in_subprocess(root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tfintegrity", "check", "--fix", "--root", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(root.parent),
    )


def test_two_concurrent_fixes_are_serialized(tmp_path: Path) -> None:
    expected = _fixed_tree_bytes(tmp_path)
    root = tree(tmp_path, example=True)
    procs = [_fix_in_subprocess(root) for _ in range(2)]
    outputs = [p.communicate(timeout=90) for p in procs]
    assert snapshot(root) == expected, "two concurrent --fix runs did not give one run's result"
    for proc, (out, err) in zip(procs, outputs):
        assert "Traceback" not in err
        # neither one fails: the lock must cover reading and planning too, so the second run waits,
        # then reads the first one's result and has nothing left to do
        assert proc.returncode in (0, 1), err


def test_two_concurrent_fixes_in_threads(tmp_path: Path) -> None:
    expected = _fixed_tree_bytes(tmp_path)
    root = tree(tmp_path, example=True)
    errors: List[BaseException] = []
    start = threading.Barrier(2)

    def one() -> None:
        start.wait()
        try:
            api.run(api.Options(root=root, fix=True))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert snapshot(root) == expected
    assert not errors, errors


def test_lock_held_by_another_process_blocks_the_fix(tmp_path: Path) -> None:
    """While the lock is held, a --fix waits (does not write); once released, it completes."""
    root = tree(tmp_path, example=True)
    before = snapshot(root)
    with writer.repo_lock(root):
        proc = _fix_in_subprocess(root)
        try:
            proc.wait(timeout=1.5)
            finished = True
        except subprocess.TimeoutExpired:
            finished = False
        assert snapshot(root) == before, "a --fix wrote while another held the lock"
    out, err = proc.communicate(timeout=60)
    assert not finished or proc.returncode == 2
    assert "Traceback" not in err
