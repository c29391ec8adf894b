"""The pre-commit hooks of ``.pre-commit-hooks.yaml``, run by the real ``pre-commit``.

The project is copied into a fresh git repository first (``pre-commit try-repo`` installs a hook
repository from its committed HEAD, and the working copy may hold uncommitted work). Each
``try-repo`` call installs the hook environment with pip (try-repo uses a throw-away store); when
that needs a package index that cannot be reached, the test is skipped with the reason printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from synthtree import write_tree

PROJECT = Path(__file__).resolve().parent.parent
BERT_TF = "src/transformers/models/bert/modeling_tf_bert.py"
BERT_INIT = "src/transformers/models/bert/__init__.py"
BERT_DOC = "docs/source/en/model_doc/bert.md"
NEW_CLASS = "\n\nclass TFBertForTokenClassification(TFBertPreTrainedModel):\n    pass\n"
SECOND_CLASS = "\n\nclass TFBertForMultipleChoice(TFBertPreTrainedModel):\n    pass\n"

# pip failures that mean "no package index here", not "the package is broken".
OFFLINE_MARKERS = (
    "Could not find a version that satisfies",
    "No matching distribution found",
    "NewConnectionError",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "Failed to establish a new connection",
    "ProxyError",
)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def pre_commit_command() -> Optional[List[str]]:
    candidate = Path(sys.executable).parent / "pre-commit"
    if candidate.exists():
        return [str(candidate)]
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "pre_commit"]


def make_env(home: Path) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.com",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.com",
        PRE_COMMIT_HOME=str(home / "pre-commit-home"),
        PRE_COMMIT_COLOR="never",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        TERM="dumb",
    )
    env.pop("VIRTUAL_ENV", None)
    return env


def run(cmd: List[str], cwd: Path, env: Dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    done.stdout = done.stdout + done.stderr  # one stream for the assertions below
    return done


def git(cwd: Path, env: Dict[str, str], *args: str) -> str:
    done = run(["git", *args], cwd, env)
    assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stdout}"
    return done.stdout


def skip_if_offline(done: subprocess.CompletedProcess) -> None:
    if done.returncode != 0 and "An unexpected error has occurred" in done.stdout:
        marker = next((m for m in OFFLINE_MARKERS if m in done.stdout), None)
        if marker is not None:
            reason = f"pre-commit could not install the hook environment (pip: {marker!r}); no package index?"
            print(f"SKIP pre-commit test: {reason}")
            pytest.skip(reason)


def copy_project(dest: Path, env: Dict[str, str]) -> str:
    """The installable part of the project, committed in a fresh repository. Returns the commit."""
    dest.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")
    for name in ("tfintegrity", "rules"):
        shutil.copytree(PROJECT / name, dest / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "setup.cfg", "README.md", "LICENSE", "MANIFEST.in",
                 ".pre-commit-hooks.yaml"):
        if (PROJECT / name).exists():
            shutil.copy2(PROJECT / name, dest / name)
    git(dest, env, "init", "-q", "-b", "main")
    git(dest, env, "add", "-A")
    git(dest, env, "commit", "-q", "-m", "tfintegrity under test")
    return git(dest, env, "rev-parse", "HEAD").strip()


def append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def test_manifest_is_valid() -> None:
    yaml = pytest.importorskip("yaml")
    hooks = {h["id"]: h for h in yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"tfintegrity", "tfintegrity-fix"}
    assert hooks["tfintegrity"]["entry"] == "tfintegrity check"
    assert hooks["tfintegrity-fix"]["entry"] == "tfintegrity check --fix"
    import re

    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is True and hook["require_serial"] is True
        pattern = re.compile(hook["files"])
        for path in (BERT_TF, "src/transformers/__init__.py", "docs/source/en/model_doc/bert.md",
                     "docs/source/en/model_doc/bert.mdx", "docs/source/model_doc/bert.mdx",
                     "docs/source/model_doc/bert.rst", "utils/documentation_tests.txt", "utils/not_doctested.txt"):
            assert pattern.search(path), path
        for path in ("setup.py", "tests/models/bert/test_modeling_tf_bert.py", "docs/source/en/index.md",
                     "utils/documentation_tests.txt.bak", "src/transformers/models/bert/README.md"):
            assert not pattern.search(path), path
    pre_commit = pre_commit_command()
    if pre_commit is not None:
        from pre_commit.clientlib import load_manifest

        assert [h["id"] for h in load_manifest(str(PROJECT / ".pre-commit-hooks.yaml"))] == list(hooks)


def test_hooks_with_real_pre_commit(tmp_path: Path) -> None:
    pre_commit = pre_commit_command()
    if pre_commit is None:
        print("SKIP pre-commit test: pre-commit is not installed")
        pytest.skip("pre-commit is not installed")
    env = make_env(tmp_path)
    hook_repo = tmp_path / "tfintegrity"
    rev = copy_project(hook_repo, env)
    repo = tmp_path / "transformers"
    repo.mkdir()
    write_tree(repo)
    git(repo, env, "init", "-q", "-b", "main")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "initial")

    def pc(*args: str) -> subprocess.CompletedProcess:
        done = run([*pre_commit, *args], repo, env)
        skip_if_offline(done)
        return done

    # 1. `pre-commit try-repo`: a new TF class without its integrations fails, findings printed.
    #    (try-repo installs into a throw-away store, so it is used once; the rest shares
    #    PRE_COMMIT_HOME through a configuration file, which installs the hook environment once.)
    append(repo / BERT_TF, NEW_CLASS)
    git(repo, env, "add", BERT_TF)
    done = pc("try-repo", str(hook_repo), "tfintegrity", "--files", BERT_TF)
    assert done.returncode == 1, done.stdout
    assert "Failed" in done.stdout and "exit code: 1" in done.stdout
    for code in ("TFI001", "TFI002", "TFI003", "TFI004", "TFI008"):
        assert code in done.stdout, done.stdout
    assert "TFBertForTokenClassification is missing from" in done.stdout
    assert "files were modified" not in done.stdout
    assert git(repo, env, "status", "--porcelain") == f"M  {BERT_TF}\n"  # the check-only hook wrote nothing

    # 2. The configuration docs/integrations.md shows, pointing at the same hook repository.
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hook_repo.as_posix()}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: tfintegrity\n"
        "      - id: tfintegrity-fix\n"
        "        stages: [manual]\n",
        encoding="utf-8",
    )
    git(repo, env, "add", ".pre-commit-config.yaml")
    done = pc("run", "tfintegrity", "--files", BERT_TF)
    assert done.returncode == 1, done.stdout
    assert "TFBertForTokenClassification is missing from" in done.stdout

    # 3. The fix hook writes the integrations; pre-commit fails the run because files changed.
    done = pc("run", "--hook-stage", "manual", "tfintegrity-fix", "--files", BERT_TF)
    assert done.returncode == 1, done.stdout
    assert "files were modified by this hook" in done.stdout
    assert "TFBertForTokenClassification" in (repo / BERT_INIT).read_text(encoding="utf-8")
    assert "[[autodoc]] TFBertForTokenClassification" in (repo / BERT_DOC).read_text(encoding="utf-8")
    modified = git(repo, env, "status", "--porcelain").splitlines()
    assert f" M {BERT_INIT}" in modified and f" M {BERT_DOC}" in modified

    # 4. Once the fixes are staged, the hooks pass on the staged files (what a commit runs) and on
    #    all files, and the fix hook has nothing left to write.
    git(repo, env, "add", "-A")
    done = pc("run", "tfintegrity")
    assert done.returncode == 0, done.stdout
    assert "Passed" in done.stdout
    before = git(repo, env, "status", "--porcelain")
    done = pc("run", "--hook-stage", "manual", "tfintegrity-fix", "--all-files")
    assert done.returncode == 0, done.stdout
    assert git(repo, env, "status", "--porcelain") == before

    # 5. As an installed git hook: the clean commit goes through, a commit adding an unintegrated
    #    class is refused.
    done = pc("install")
    assert done.returncode == 0, done.stdout
    done = run(["git", "commit", "-m", "add TFBertForTokenClassification"], repo, env)
    assert done.returncode == 0, done.stdout
    assert "tfintegrity" in done.stdout and "Passed" in done.stdout
    append(repo / BERT_TF, SECOND_CLASS)
    done = run(["git", "commit", "-am", "an unintegrated class"], repo, env)
    assert done.returncode == 1, done.stdout
    assert "TFBertForMultipleChoice is missing from" in done.stdout
    assert git(repo, env, "rev-list", "--count", "HEAD").strip() == "2"
    # A commit touching none of the hook's files skips it.
    git(repo, env, "checkout", "-q", "--", BERT_TF)
    (repo / "notes.txt").write_text("notes\n", encoding="utf-8")
    git(repo, env, "add", "notes.txt")
    done = run(["git", "commit", "-m", "notes"], repo, env)
    assert done.returncode == 0, done.stdout
    assert "(no files to check)Skipped" in done.stdout
