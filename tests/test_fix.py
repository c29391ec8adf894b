"""--fix and --diff on the synthetic tree and the shipped example (issue 3, items 1, 4, 5)."""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import pytest
from click.testing import CliRunner

import mutations
import synthtree
from tfintegrity import api, cli
from tfintegrity.index.catalog import Catalog
from tfintegrity.index.repo import RepoIndex


def snapshot(root: Path) -> Dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def invoke(*args: str):
    return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)


@pytest.fixture
def complete(tmp_path: Path) -> Path:
    root = tmp_path / "complete"
    synthtree.write_tree(root)
    return root


def test_fix_repairs_the_example_like_the_complete_tree(example: Path, complete: Path) -> None:
    result = invoke("check", "--fix", "--root", str(example))
    assert result.exit_code == 0, result.output
    assert "Fixed 7 findings in 6 files." in result.output, result.output
    assert snapshot(example) == snapshot(complete)


def test_second_fix_changes_nothing_and_check_is_clean(example: Path) -> None:
    invoke("check", "--fix", "--root", str(example))
    before = snapshot(example)
    again = invoke("check", "--fix", "--root", str(example))
    assert again.exit_code == 0 and "Fixed" not in again.output
    assert snapshot(example) == before
    assert invoke("check", "--root", str(example)).exit_code == 0


def test_diff_prints_what_fix_writes_and_writes_nothing(example: Path, tmp_path: Path) -> None:
    before = snapshot(example)
    result = invoke("check", "--diff", "--root", str(example))
    assert result.exit_code == 1
    assert snapshot(example) == before
    assert "+++ b/src/transformers/models/brand_new_bert/__init__.py" in result.output
    assert '+        "TFBrandNewBertForCausalLM",' in result.output
    invoke("check", "--fix", "--root", str(example))
    clean = invoke("check", "--diff", "--root", str(example))
    assert clean.exit_code == 0 and "+++" not in clean.output


def test_text_output_marks_fixable_findings(example: Path) -> None:
    result = invoke("check", "--root", str(example))
    lines = [ln for ln in result.output.splitlines() if ": TFI" in ln]
    assert lines and all("[*]" in ln for ln in lines)


@pytest.mark.parametrize("folder", ["tiny", "brand_new_bert"])
def test_whole_model_integration_comes_back(complete: Path, folder: str) -> None:
    """The contributor's situation: only the model's TF modeling file is left of its TF part (for
    brand_new_bert the release-style extra export TFBrandNewBertMainLayer stays, see mutations)."""
    expected = snapshot(complete)
    session = api.open_session(api.Options(root=complete, use_baseline=False))
    index = RepoIndex(session.root, session.config.package)
    catalog = Catalog(index, session.ruleset.backends["tf"])
    model = catalog.models()[folder]
    removed = mutations.remove_whole_model(index, catalog, model)
    assert len(removed) >= 5
    for rel, text in removed.items():
        (complete / rel).write_text(text, encoding="utf-8")
    init = (complete / model.init_path).read_text()
    assert ("is_tf_available" in init) == bool(mutations.extra_exports(model))
    result = invoke("check", "--fix", "--root", str(complete))
    assert result.exit_code == 0, result.output
    assert snapshot(complete) == expected


def test_crlf_file_stays_crlf(example: Path) -> None:
    rel = "src/transformers/models/brand_new_bert/__init__.py"
    path = example / rel
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    invoke("check", "--fix", "--root", str(example))
    data = path.read_bytes()
    assert b"TFBrandNewBertForCausalLM" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_unfixable_finding_says_why(example: Path) -> None:
    (example / "docs/source/en/model_doc/brand-new-bert.md").unlink()
    result = invoke("check", "--fix", "--root", str(example))
    assert result.exit_code == 1
    assert "could not fix:" in result.output and "brand-new-bert.md does not exist" in result.output


def test_mdx_doc_pages_of_older_releases(example: Path) -> None:
    page = example / "docs/source/en/model_doc/brand-new-bert.md"
    page.rename(page.with_suffix(".mdx"))
    result = invoke("check", "--root", str(example), "--select", "TFI008")
    assert "brand-new-bert.mdx" in result.output and result.exit_code == 1
    invoke("check", "--fix", "--root", str(example), "--select", "TFI008")
    assert invoke("check", "--root", str(example), "--select", "TFI008").exit_code == 0


def test_a_fix_loop_that_does_not_converge_says_so(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tfintegrity.fixes import loop
    from tfintegrity.primitives import PRIMITIVES

    def restless(ctx, rule, findings):  # each round writes something new and fixes nothing
        path = ctx.path(rule.target)
        return {path: (ctx.index.text(path) or "") + "# again\n"}

    monkeypatch.setattr(PRIMITIVES["listed_path"], "plan", restless)
    before = (example / "utils/documentation_tests.txt").read_text()
    result = invoke("check", "--fix", "--select", "TFI007", "--root", str(example))
    assert result.exit_code == 1
    assert "converge" in result.output
    written = (example / "utils/documentation_tests.txt").read_text()
    assert written.count("# again") == loop.ROUNDS and written.startswith(before)
