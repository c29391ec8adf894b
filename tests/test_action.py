"""The composite GitHub Action (``action.yml``), its ``run:`` scripts executed locally with bash.

Each step is run the way the runner runs ``shell: bash`` (``bash --noprofile --norc -eo pipefail``),
after substituting the ``${{ ... }}`` expressions with the values a workflow would give them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from synthtree import write_example_tree
from tfintegrity.report.markdown import cell

yaml = pytest.importorskip("yaml")

PROJECT = Path(__file__).resolve().parent.parent
BERT_TF = "src/transformers/models/bert/modeling_tf_bert.py"
NEW_HEADS = ("ForTokenClassification", "ForMultipleChoice", "ForQuestionAnswering")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
OFFLINE_MARKERS = (
    "Could not find a version that satisfies",
    "No matching distribution found",
    "NewConnectionError",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "Failed to establish a new connection",
)

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("bash") is None, reason="git and bash are needed"
)


def action() -> dict:
    return yaml.safe_load((PROJECT / "action.yml").read_text(encoding="utf-8"))


def git_env() -> Dict[str, str]:
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


def substitute(text: str, values: Dict[str, str]) -> str:
    def one(match: "re.Match[str]") -> str:
        expression = match.group(1)
        assert expression in values, f"action.yml uses ${{{{ {expression} }}}}, which the test does not know"
        return values[expression]

    return EXPRESSION.sub(one, text)


class Runner:
    """Runs the steps of action.yml in ``workspace`` like a GitHub runner would."""

    def __init__(self, workspace: Path, tmp: Path, inputs: Dict[str, str], path_dirs: List[str]) -> None:
        self.workspace = workspace
        self.tmp = tmp
        self.summary = tmp / "step_summary.md"
        self.summary.write_text("", encoding="utf-8")
        self.inputs = inputs
        self.path_dirs = path_dirs
        self.outputs: Dict[str, Dict[str, str]] = {}

    def values(self) -> Dict[str, str]:
        out = {f"inputs.{k}": v for k, v in self.inputs.items()}
        out["github.action_path"] = str(self.tmp / "action") if (self.tmp / "action").exists() else str(PROJECT)
        for step, outputs in self.outputs.items():
            for key, value in outputs.items():
                out[f"steps.{step}.outputs.{key}"] = value
        for step in action()["runs"]["steps"]:
            out.setdefault(f"steps.{step.get('id')}.outputs.bin", "")
        return out

    def run_step(self, step_id: str) -> subprocess.CompletedProcess:
        step = next(s for s in action()["runs"]["steps"] if s.get("id") == step_id)
        assert step["shell"] == "bash"
        values = self.values()
        script = self.tmp / f"{step_id}.sh"
        script.write_text(substitute(step["run"], values), encoding="utf-8")
        output_file = self.tmp / f"{step_id}.output"
        output_file.write_text("", encoding="utf-8")
        env = git_env()
        env.update({k: substitute(str(v), values) for k, v in (step.get("env") or {}).items()})
        env.update(
            GITHUB_STEP_SUMMARY=str(self.summary),
            GITHUB_OUTPUT=str(output_file),
            GITHUB_PATH=str(self.tmp / "github_path"),
            GITHUB_WORKSPACE=str(self.workspace),
            GITHUB_ACTIONS="true",
            RUNNER_TEMP=str(self.tmp / "runner_temp"),
            PATH=os.pathsep.join([*self.path_dirs, env.get("PATH", "")]),
        )
        (self.tmp / "runner_temp").mkdir(exist_ok=True)
        env.pop("VIRTUAL_ENV", None)
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        self.outputs[step_id] = dict(
            line.split("=", 1) for line in output_file.read_text(encoding="utf-8").splitlines() if "=" in line
        )
        return done

    def check(self) -> subprocess.CompletedProcess:
        return self.run_step("check")


def tool_dir() -> str:
    """Where the already-installed ``tfintegrity`` of this test run lives (stands in for the install step)."""
    found = shutil.which("tfintegrity", path=str(Path(sys.executable).parent)) or shutil.which("tfintegrity")
    if found is None:
        pytest.skip("the tfintegrity command is not installed")
    return str(Path(found).parent)


def inputs(base: str = "", args: str = "", version: str = "") -> Dict[str, str]:
    return {"base": base, "args": args, "version": version}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The example tree (6 findings in brand_new_bert) on ``main``; ``feature`` adds 3 unintegrated
    TF heads to bert (15 more findings)."""
    root = tmp_path / "workspace"
    root.mkdir()
    write_example_tree(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    git(root, "checkout", "-q", "-b", "feature")
    with open(root / BERT_TF, "a", encoding="utf-8") as handle:
        for head in NEW_HEADS:
            handle.write(f"\n\nclass TFBert{head}(TFBertPreTrainedModel):\n    pass\n")
    git(root, "commit", "-q", "-am", "three new TF heads")
    return root


def json_findings(workspace: Path, *args: str) -> List[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "tfintegrity", "check", "--format", "json", *args],
        cwd=workspace,
        env=git_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["findings"]


def annotations(stdout: str, kind: str) -> List[str]:
    return [line for line in stdout.splitlines() if line.startswith(f"::{kind}")]


def assert_summary_lists(summary: str, findings: List[dict]) -> None:
    rows = [line for line in summary.splitlines() if line.startswith("| TFI")]
    assert len(rows) == len(findings), summary
    for finding in findings:
        assert any(
            f"| {cell(finding['code'])} | {cell(finding['symbol'])} |" in row and cell(finding["message"]) in row
            for row in rows
        ), (finding, summary)


# --------------------------------------------------------------------------- the metadata


def test_action_metadata() -> None:
    data = action()
    assert data["runs"]["using"] == "composite"
    assert set(data["inputs"]) == {"base", "args", "version"}
    assert "github.event.pull_request.base.sha" in data["inputs"]["base"]["default"]
    assert "github.event.before" in data["inputs"]["base"]["default"]
    assert data["inputs"]["args"]["default"] == "" and data["inputs"]["version"]["default"] == ""
    for step in data["runs"]["steps"]:
        assert step["shell"] == "bash"
        # Inputs reach the scripts through env, never pasted into the script (no script injection).
        assert "${{" not in step["run"], step["id"]
    script = next(s for s in data["runs"]["steps"] if s["id"] == "check")["run"]
    assert "--format github" in script and "--summary-file" in script and "--base" in script


# --------------------------------------------------------------------------- the check step


def test_findings_fail_the_step_with_ten_annotations_and_a_full_summary(workspace: Path, tmp_path: Path) -> None:
    done = Runner(workspace, tmp_path, inputs(base="main"), [tool_dir()]).check()
    runner_summary = (tmp_path / "step_summary.md").read_text(encoding="utf-8")
    assert done.returncode == 1, done.stdout + done.stderr
    errors = annotations(done.stdout, "error")
    assert len(errors) == 10, done.stdout
    assert annotations(done.stdout, "notice") == ["::notice::8 more findings; see the job summary"]
    assert all("TFBrandNewBert" not in line for line in done.stdout.splitlines())  # --base main: bert only
    expected = json_findings(workspace, "--base", "main")
    assert len(expected) == 18
    assert_summary_lists(runner_summary, expected)
    assert "Found 18 findings" in runner_summary


@pytest.mark.parametrize("base", ["", "0000000000000000000000000000000000000000"])
def test_empty_base_checks_the_whole_repository(workspace: Path, tmp_path: Path, base: str) -> None:
    done = Runner(workspace, tmp_path, inputs(base=base), [tool_dir()]).check()
    assert done.returncode == 1, done.stdout + done.stderr
    assert len(annotations(done.stdout, "error")) == 10
    assert annotations(done.stdout, "notice") == ["::notice::15 more findings; see the job summary"]
    summary = (tmp_path / "step_summary.md").read_text(encoding="utf-8")
    assert_summary_lists(summary, json_findings(workspace))
    assert "TFBrandNewBertForCausalLM" in summary


def test_base_as_a_commit_sha(workspace: Path, tmp_path: Path) -> None:
    sha = git(workspace, "rev-parse", "main").strip()
    done = Runner(workspace, tmp_path, inputs(base=sha), [tool_dir()]).check()
    assert done.returncode == 1
    assert "::notice::8 more findings" in done.stdout


def test_args_are_passed_on_split_and_unglobbed(workspace: Path, tmp_path: Path) -> None:
    (workspace / "TFI001").write_text("a file a glob would find\n", encoding="utf-8")
    done = Runner(workspace, tmp_path, inputs(base="main", args="  --select  TFI00[1]  --select TFI002 "),
                  [tool_dir()]).check()
    # "TFI00[1]" reaches tfintegrity literally (not globbed to the file TFI001) and is rejected.
    assert done.returncode == 2, done.stdout + done.stderr
    done = Runner(workspace, tmp_path, inputs(base="main", args="  --select  TFI001\t--select TFI002 "),
                  [tool_dir()]).check()
    assert done.returncode == 1, done.stdout + done.stderr
    errors = annotations(done.stdout, "error")
    assert len(errors) == 6 and all("title=TFI001" in e or "title=TFI002" in e for e in errors)
    assert annotations(done.stdout, "notice") == []


def test_clean_repository_passes(workspace: Path, tmp_path: Path) -> None:
    git(workspace, "checkout", "-q", "main")
    git(workspace, "checkout", "-q", "-b", "docs-only")
    with open(workspace / "README.md", "w", encoding="utf-8") as handle:
        handle.write("docs\n")
    done = Runner(workspace, tmp_path, inputs(base="main"), [tool_dir()]).check()
    assert done.returncode == 0, done.stdout + done.stderr
    assert annotations(done.stdout, "error") == []
    assert "No findings." in (tmp_path / "step_summary.md").read_text(encoding="utf-8")


def test_summary_is_appended_not_overwritten(workspace: Path, tmp_path: Path) -> None:
    runner = Runner(workspace, tmp_path, inputs(base="main"), [tool_dir()])
    runner.summary.write_text("## An earlier step\n\n", encoding="utf-8")
    assert runner.check().returncode == 1
    text = runner.summary.read_text(encoding="utf-8")
    assert text.startswith("## An earlier step\n") and "## tfintegrity" in text


def test_unknown_base_is_an_error(workspace: Path, tmp_path: Path) -> None:
    done = Runner(workspace, tmp_path, inputs(base="no-such-ref"), [tool_dir()]).check()
    assert done.returncode == 2
    assert "unknown git ref 'no-such-ref' (--base)" in done.stderr


def test_hostile_inputs_are_not_executed(workspace: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    done = Runner(workspace, tmp_path, inputs(base=f"main$(touch {marker})", args=f"; touch {marker}"),
                  [tool_dir()]).check()
    assert done.returncode == 2
    assert not marker.exists()


# --------------------------------------------------------------------------- install + check, for real


def copy_project(dest: Path) -> None:
    dest.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")
    for name in ("tfintegrity", "rules"):
        shutil.copytree(PROJECT / name, dest / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "setup.cfg", "README.md", "LICENSE", "MANIFEST.in", "action.yml"):
        if (PROJECT / name).exists():
            shutil.copy2(PROJECT / name, dest / name)


def test_install_step_then_check(workspace: Path, tmp_path: Path) -> None:
    """The whole action: pip-install the action's own checkout into a venv, then check."""
    copy_project(tmp_path / "action")  # github.action_path (a copy: pip builds in the source tree)
    python_dir = str(Path(sys.executable).parent)
    runner = Runner(workspace, tmp_path, inputs(base="main"), [python_dir])
    done = runner.run_step("install")
    if done.returncode != 0:
        marker: Optional[str] = next((m for m in OFFLINE_MARKERS if m in done.stdout + done.stderr), None)
        if marker is not None:
            print(f"SKIP action install test: pip could not reach a package index ({marker!r})")
            pytest.skip(f"pip could not reach a package index ({marker!r})")
    assert done.returncode == 0, done.stdout + done.stderr
    bin_dir = runner.outputs["install"]["bin"]
    assert Path(bin_dir, "tfintegrity").exists()
    assert Path(bin_dir).resolve() != Path(python_dir).resolve()
    runner.path_dirs = []  # the check step must find the tool through the install step's output
    done = runner.check()
    assert done.returncode == 1, done.stdout + done.stderr
    assert len(annotations(done.stdout, "error")) == 10
    assert annotations(done.stdout, "notice") == ["::notice::8 more findings; see the job summary"]
    assert_summary_lists(runner.summary.read_text(encoding="utf-8"), json_findings(workspace, "--base", "main"))


def test_the_step_checks_the_backends_the_repository_turns_on(workspace: Path, tmp_path: Path) -> None:
    """With ``backends = ["tf", "pt"]`` in the repository's configuration, the step reports PyTorch findings
    too, each annotation naming its backend."""
    (workspace / "pyproject.toml").write_text('[tool.tfintegrity]\nbackends = ["tf", "pt"]\n', encoding="utf-8")
    with open(workspace / "src/transformers/models/bert/modeling_bert.py", "a", encoding="utf-8") as handle:
        handle.write("\n\nclass BertForPoseEstimation(BertPreTrainedModel):\n    pass\n")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-q", "-m", "a new PyTorch head, and PyTorch turned on")
    done = Runner(workspace, tmp_path, inputs(base="main", args="--exit-zero"), [tool_dir()]).check()
    assert done.returncode == 0, done.stdout + done.stderr
    summary = (tmp_path / "step_summary.md").read_text(encoding="utf-8")
    codes = {row.split("|")[1].strip()[:3] for row in summary.splitlines() if row.startswith("| ") and "I0" in row}
    assert codes == {"TFI", "PTI"}, summary
    errors = annotations(done.stdout, "error")
    assert errors and all(" (tf)::" in line or " (pt)::" in line for line in errors), done.stdout
    assert "BertForPoseEstimation" in summary
