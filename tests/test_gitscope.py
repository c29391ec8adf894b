"""``--base REF``: only the models touched since the merge-base with REF (tfintegrity.gitscope)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from synthtree import write_example_tree
from tfintegrity.errors import TfiError
from tfintegrity.gitscope import changed_paths

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BERT_TF = "src/transformers/models/bert/modeling_tf_bert.py"
NEW_CLASS = "\n\nclass TFBertForTokenClassification(TFBertPreTrainedModel):\n    pass\n"


def git_env() -> Dict[str, str]:
    """A hermetic git: no user or system configuration, fixed identities."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.com",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.com",
    )
    return env


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=git_env(), capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)} failed: {done.stderr}"
    return done.stdout


def tfi(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tfintegrity", "check", *args], cwd=cwd, env=git_env(), capture_output=True, text=True
    )


def models_reported(cwd: Path, *args: str) -> Dict[str, List[str]]:
    done = tfi(cwd, "--format", "json", *args)
    assert done.returncode in (0, 1), done.stderr
    out: Dict[str, List[str]] = {}
    for finding in json.loads(done.stdout)["findings"]:
        out.setdefault(finding["model"], []).append(finding["symbol"])
    return out


def append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example tree (gaps in brand_new_bert) committed on ``main``, with ``feature`` checked out."""
    for key in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(key)
    for key, value in git_env().items():
        if key.startswith("GIT_"):
            monkeypatch.setenv(key, value)
    root = tmp_path / "transformers"
    root.mkdir()
    write_example_tree(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    git(root, "checkout", "-q", "-b", "feature")
    return root


# --------------------------------------------------------------------------- the CLI


def test_base_reports_only_the_changed_model(repo: Path) -> None:
    append(repo / BERT_TF, NEW_CLASS)
    git(repo, "commit", "-q", "-am", "add a TF head")
    everything = models_reported(repo)
    assert set(everything) == {"bert", "brand_new_bert"}
    scoped = models_reported(repo, "--base", "main")
    assert set(scoped) == {"bert"}
    assert set(scoped["bert"]) == {"TFBertForTokenClassification"}
    assert len(scoped["bert"]) >= 5
    text = tfi(repo, "--base", "main")
    assert text.returncode == 1
    assert "TFBertForTokenClassification" in text.stdout and "TFBrandNewBert" not in text.stdout


def test_base_counts_unstaged_staged_and_untracked_changes(repo: Path) -> None:
    append(repo / BERT_TF, NEW_CLASS)  # unstaged
    assert set(models_reported(repo, "--base", "main")) == {"bert"}
    git(repo, "add", BERT_TF)  # staged
    assert set(models_reported(repo, "--base", "main")) == {"bert"}
    (repo / "src/transformers/models/brand_new_bert/notes.py").write_text("# new\n", encoding="utf-8")  # untracked
    assert set(models_reported(repo, "--base", "main")) == {"bert", "brand_new_bert"}


def test_base_without_changes_reports_nothing(repo: Path) -> None:
    done = tfi(repo, "--base", "main")
    assert done.returncode == 0, done.stdout + done.stderr
    assert models_reported(repo, "--base", "main") == {}


def test_base_shared_file_change_reports_every_model(repo: Path) -> None:
    append(repo / BERT_TF, NEW_CLASS)
    git(repo, "commit", "-q", "-am", "add a TF head")
    append(repo / "src/transformers/__init__.py", "# touched\n")
    git(repo, "commit", "-q", "-am", "touch the top-level init")
    assert set(models_reported(repo, "--base", "main")) == {"bert", "brand_new_bert"}


SHARED = (
    "utils/documentation_tests.txt",
    "src/transformers/models/auto/modeling_tf_auto.py",
    "src/transformers/models/auto/modeling_auto.py",
    "src/transformers/utils/dummy_tf_objects.py",
)


@pytest.mark.parametrize("shared", SHARED)
def test_base_other_shared_files_report_every_model(repo: Path, shared: str) -> None:
    append(repo / shared, "\n" if shared.endswith(".txt") else "# touched\n")
    assert "brand_new_bert" in models_reported(repo, "--base", "main")


def test_base_doc_page_change_reports_its_model(repo: Path) -> None:
    append(repo / "docs/source/en/model_doc/brand-new-bert.md", "\nMore text.\n")
    assert set(models_reported(repo, "--base", "main")) == {"brand_new_bert"}


def test_base_uses_the_merge_base_not_the_tip(repo: Path) -> None:
    """A change made on main after the branch point is not this branch's change."""
    git(repo, "checkout", "-q", "main")
    append(repo / "src/transformers/models/brand_new_bert/modeling_brand_new_bert.py", "# on main\n")
    git(repo, "commit", "-q", "-am", "main moves on")
    git(repo, "checkout", "-q", "feature")
    append(repo / BERT_TF, NEW_CLASS)
    git(repo, "commit", "-q", "-am", "add a TF head")
    assert set(models_reported(repo, "--base", "main")) == {"bert"}
    assert changed_paths(repo, "main") == [BERT_TF]


def test_base_combines_with_paths(repo: Path) -> None:
    append(repo / BERT_TF, NEW_CLASS)
    assert models_reported(repo, "--base", "main", "src/transformers/models/brand_new_bert/__init__.py") == {}
    assert set(models_reported(repo, "--base", "main", BERT_TF)) == {"bert"}


def _one_line_error(done: subprocess.CompletedProcess, expected: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert expected in lines[0]
    assert "Traceback" not in done.stderr


def test_unknown_ref_is_a_one_line_error(repo: Path) -> None:
    _one_line_error(tfi(repo, "--base", "no-such-branch"), "error: unknown git ref 'no-such-branch' (--base)")


def test_option_like_ref_is_rejected(repo: Path) -> None:
    _one_line_error(tfi(repo, "--base=--output=/tmp/x"), "unknown git ref '--output=/tmp/x' (--base)")


def test_non_git_root_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "plain"
    root.mkdir()
    write_example_tree(root)
    _one_line_error(tfi(root, "--base", "main"), "error: not a git repository (needed by --base)")


def test_no_merge_base_is_a_one_line_error(repo: Path) -> None:
    git(repo, "checkout", "-q", "--orphan", "unrelated")
    git(repo, "commit", "-q", "-m", "unrelated history")
    _one_line_error(tfi(repo, "--base", "main"), "error: no merge-base between 'main' and HEAD (--base)")


def test_unborn_head_is_a_one_line_error(repo: Path) -> None:
    git(repo, "checkout", "-q", "--orphan", "fresh")
    _one_line_error(tfi(repo, "--base", "main"), "error: HEAD has no commit yet")


# --------------------------------------------------------------------------- changed_paths itself


def test_changed_paths_kinds_of_change(repo: Path) -> None:
    models = repo / "src/transformers/models"
    append(models / "tiny/modeling_tiny.py", "# committed\n")
    git(repo, "commit", "-q", "-am", "committed change")
    llama = "src/transformers/models/llama/"
    git(repo, "mv", llama + "modeling_llama.py", llama + "modeling_llama2.py")
    git(repo, "rm", "-q", "src/transformers/models/tiny/configuration_tiny.py")
    append(models / "bert/modeling_bert.py", "# staged\n")
    git(repo, "add", "src/transformers/models/bert/modeling_bert.py")
    append(models / "bert/configuration_bert.py", "# unstaged\n")
    (models / "bert" / "new file ü.py").write_text("# untracked\n", encoding="utf-8")
    (repo / ".gitignore").write_text("*.log\n", encoding="utf-8")
    (models / "bert" / "ignored.log").write_text("ignored\n", encoding="utf-8")
    (models / "brand_new_bert/configuration_brand_new_bert.py").unlink()  # deleted, not staged
    assert changed_paths(repo, "main") == sorted(
        [
            ".gitignore",
            "src/transformers/models/bert/configuration_bert.py",
            "src/transformers/models/bert/modeling_bert.py",
            "src/transformers/models/bert/new file ü.py",
            "src/transformers/models/brand_new_bert/configuration_brand_new_bert.py",
            "src/transformers/models/llama/modeling_llama.py",
            "src/transformers/models/llama/modeling_llama2.py",
            "src/transformers/models/tiny/configuration_tiny.py",
            "src/transformers/models/tiny/modeling_tiny.py",
        ]
    )


def test_changed_paths_change_undone_in_the_working_tree_still_counts(repo: Path) -> None:
    path = repo / BERT_TF
    original = path.read_text(encoding="utf-8")
    append(path, NEW_CLASS)
    git(repo, "commit", "-q", "-am", "add")
    path.write_text(original, encoding="utf-8")
    assert changed_paths(repo, "main") == [BERT_TF]


def test_changed_paths_accepts_shas_and_relative_refs(repo: Path) -> None:
    append(repo / BERT_TF, NEW_CLASS)
    git(repo, "commit", "-q", "-am", "add")
    sha = git(repo, "rev-parse", "main").strip()
    assert changed_paths(repo, sha) == changed_paths(repo, "HEAD~1") == [BERT_TF]
    assert changed_paths(repo, "HEAD") == []


def test_changed_paths_root_below_the_work_tree_top(tmp_path: Path) -> None:
    top = tmp_path / "mono"
    root = top / "libs" / "transformers"
    root.mkdir(parents=True)
    write_example_tree(root)
    (top / "README").write_text("monorepo\n", encoding="utf-8")
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "initial")
    append(root / BERT_TF, NEW_CLASS)
    append(top / "README", "more\n")
    assert changed_paths(root, "main") == [BERT_TF]
    assert set(models_reported(root, "--base", "main")) == {"bert"}


def test_changed_paths_errors(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(TfiError, match=r"^unknown git ref 'nope' \(--base\)$"):
        changed_paths(repo, "nope")
    with pytest.raises(TfiError, match="unknown git ref"):
        changed_paths(repo, "")
    with pytest.raises(TfiError, match=r"not a git repository \(needed by --base\)"):
        changed_paths(tmp_path / "does-not-exist", "main")

