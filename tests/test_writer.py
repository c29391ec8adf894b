"""Tests for tfintegrity.writer: validation, atomic all-or-nothing writes, rollback, and the tree lock."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict, List

import pytest

from tfintegrity import writer
from tfintegrity.errors import TfiError
from tfintegrity.writer import PlannedWrite, lock_path, repo_lock, write_all


def _snapshot(root: Path) -> Dict[str, bytes]:
    """Every regular file under ``root`` with its bytes (symlinks skipped)."""
    out: Dict[str, bytes] = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


def _temps(root: Path) -> List[Path]:
    """Leftover temporary files anywhere under ``root``."""
    return [p for p in root.rglob(".tfintegrity-*")]


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """A small tree with three files, one of them executable."""
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "a.py").write_bytes(b"a = 1\n")
    (root / "pkg" / "b.py").write_bytes(b"b = 1\r\n")
    (root / "run.sh").write_bytes(b"#!/bin/sh\necho old\n")
    os.chmod(root / "run.sh", 0o755)
    os.chmod(root / "a.py", 0o640)
    return root


def _three(root: Path) -> List[PlannedWrite]:
    """Planned writes to the three files of the ``tree`` fixture."""
    return [
        PlannedWrite("a.py", (root / "a.py").read_bytes(), b"a = 2\n"),
        PlannedWrite("pkg/b.py", (root / "pkg/b.py").read_bytes(), b"b = 2\r\n"),
        PlannedWrite("run.sh", (root / "run.sh").read_bytes(), b"#!/bin/sh\necho new\n"),
    ]


def test_writes_several_files_preserving_bytes_and_mode(tree: Path) -> None:
    writes = _three(tree) + [PlannedWrite("pkg/new/c.py", None, b"c = 3\n")]
    old_umask = os.umask(0o022)
    try:
        result = write_all(tree, list(reversed(writes)))
    finally:
        os.umask(old_umask)
    assert result == ["a.py", "pkg/b.py", "pkg/new/c.py", "run.sh"]
    assert (tree / "a.py").read_bytes() == b"a = 2\n"
    assert (tree / "pkg/b.py").read_bytes() == b"b = 2\r\n"  # bytes as given, CRLF kept
    assert (tree / "run.sh").read_bytes() == b"#!/bin/sh\necho new\n"
    assert (tree / "pkg/new/c.py").read_bytes() == b"c = 3\n"
    assert stat.S_IMODE((tree / "run.sh").stat().st_mode) == 0o755
    assert stat.S_IMODE((tree / "a.py").stat().st_mode) == 0o640
    assert stat.S_IMODE((tree / "pkg/new/c.py").stat().st_mode) == 0o644
    assert _temps(tree) == []


def test_new_file_mode_respects_umask(tree: Path) -> None:
    old_umask = os.umask(0o077)
    try:
        write_all(tree, [PlannedWrite("fresh.py", None, b"x = 1\n")])
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tree / "fresh.py").stat().st_mode) == 0o600


def test_empty_plan_writes_nothing(tree: Path) -> None:
    before = _snapshot(tree)
    assert write_all(tree, []) == []
    assert _snapshot(tree) == before


def test_verify_failure_writes_nothing_and_names_file(tree: Path) -> None:
    before = _snapshot(tree)
    seen: List[str] = []

    def verify(path: str, new: bytes) -> None:
        seen.append(path)
        if path == "pkg/b.py":
            raise TfiError("does not parse", path, 1)

    with pytest.raises(TfiError) as info:
        write_all(tree, _three(tree), verify=verify)
    assert info.value.path == "pkg/b.py"
    assert "pkg/b.py" in info.value.render()
    assert seen == ["a.py", "pkg/b.py"]
    assert _snapshot(tree) == before
    assert _temps(tree) == []


def test_verify_receives_new_bytes(tree: Path) -> None:
    got: Dict[str, bytes] = {}
    write_all(tree, _three(tree), verify=lambda p, b: got.__setitem__(p, b))
    assert got["a.py"] == b"a = 2\n"
    assert set(got) == {"a.py", "pkg/b.py", "run.sh"}


@pytest.mark.parametrize("bad", ["../outside.py", "pkg/../../outside.py", "/etc/tfintegrity-never.py"])
def test_refuses_path_escaping_root(tree: Path, bad: str) -> None:
    before = _snapshot(tree.parent)
    writes = _three(tree) + [PlannedWrite(bad, None, b"evil\n")]
    with pytest.raises(TfiError) as info:
        write_all(tree, writes)
    assert info.value.message == "refusing to write outside the root"
    assert info.value.path == bad
    assert _snapshot(tree.parent) == before
    assert not Path("/etc/tfintegrity-never.py").exists()


def test_refuses_symlinked_directory_pointing_outside(tree: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.py").write_bytes(b"x = 0\n")
    (tree / "link").symlink_to(outside, target_is_directory=True)
    before_in, before_out = _snapshot(tree), _snapshot(outside)
    writes = _three(tree) + [PlannedWrite("link/x.py", b"x = 0\n", b"x = 1\n")]
    with pytest.raises(TfiError) as info:
        write_all(tree, writes)
    assert info.value.message == "refusing to write outside the root"
    assert info.value.path == "link/x.py"
    assert _snapshot(tree) == before_in
    assert _snapshot(outside) == before_out


def test_refuses_symlinked_file_pointing_outside(tree: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.py"
    outside.write_bytes(b"s = 0\n")
    (tree / "s.py").symlink_to(outside)
    with pytest.raises(TfiError, match="outside the root"):
        write_all(tree, [PlannedWrite("s.py", b"s = 0\n", b"s = 1\n")])
    assert outside.read_bytes() == b"s = 0\n"


def test_refuses_the_root_itself(tree: Path) -> None:
    with pytest.raises(TfiError, match="outside the root"):
        write_all(tree, [PlannedWrite(".", None, b"x")])


def test_symlink_inside_root_writes_resolved_target(tree: Path) -> None:
    (tree / "alias.py").symlink_to("pkg/b.py")
    write_all(tree, [PlannedWrite("alias.py", b"b = 1\r\n", b"b = 9\n")])
    assert (tree / "alias.py").is_symlink()
    assert (tree / "pkg/b.py").read_bytes() == b"b = 9\n"


def test_root_given_through_symlink(tree: Path, tmp_path: Path) -> None:
    via = tmp_path / "via"
    via.symlink_to(tree, target_is_directory=True)
    write_all(via, [PlannedWrite("a.py", b"a = 1\n", b"a = 5\n")])
    assert (tree / "a.py").read_bytes() == b"a = 5\n"


def test_two_plans_for_one_file_refused(tree: Path) -> None:
    (tree / "alias.py").symlink_to("a.py")
    before = _snapshot(tree)
    with pytest.raises(TfiError, match="planned twice"):
        write_all(tree, [PlannedWrite("a.py", b"a = 1\n", b"1"), PlannedWrite("alias.py", b"a = 1\n", b"2")])
    assert _snapshot(tree) == before


def test_old_mismatch_refused(tree: Path) -> None:
    writes = _three(tree)
    (tree / "run.sh").write_bytes(b"#!/bin/sh\necho edited meanwhile\n")
    before = _snapshot(tree)
    with pytest.raises(TfiError) as info:
        write_all(tree, writes)
    assert info.value.path == "run.sh"
    assert "changed on disk since it was read; run again" in info.value.message
    assert _snapshot(tree) == before


def test_new_file_that_appeared_meanwhile_refused(tree: Path) -> None:
    (tree / "c.py").write_bytes(b"someone else\n")
    with pytest.raises(TfiError, match="changed on disk"):
        write_all(tree, [PlannedWrite("c.py", None, b"mine\n")])
    assert (tree / "c.py").read_bytes() == b"someone else\n"


def test_file_deleted_meanwhile_refused(tree: Path) -> None:
    writes = _three(tree)
    (tree / "a.py").unlink()
    with pytest.raises(TfiError, match="changed on disk"):
        write_all(tree, writes)
    assert not (tree / "a.py").exists()
    assert (tree / "run.sh").read_bytes() == b"#!/bin/sh\necho old\n"


def test_mkstemp_enospc_on_second_file(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _snapshot(tree)
    real_mkstemp = tempfile.mkstemp
    calls = {"n": 0}

    def fake_mkstemp(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_mkstemp(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tempfile, "mkstemp", fake_mkstemp)
    with pytest.raises(TfiError) as info:
        write_all(tree, _three(tree))
    assert info.value.path == "pkg/b.py"
    assert info.value.message == f"cannot write: {os.strerror(errno.ENOSPC)}"
    assert _snapshot(tree) == before
    assert _temps(tree) == []


def test_os_write_failure_cleans_up(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _snapshot(tree)
    real_write = os.write
    calls = {"n": 0}

    def fake_write(fd: int, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", fake_write)
    with pytest.raises(TfiError) as info:
        write_all(tree, _three(tree))
    assert info.value.path == "run.sh"
    assert _snapshot(tree) == before
    assert _temps(tree) == []


def test_short_writes_are_completed(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:2])))
    write_all(tree, _three(tree))
    assert (tree / "run.sh").read_bytes() == b"#!/bin/sh\necho new\n"


def test_created_directories_removed_on_failure(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_mkstemp = tempfile.mkstemp
    calls = {"n": 0}

    def fake_mkstemp(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_mkstemp(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tempfile, "mkstemp", fake_mkstemp)
    with pytest.raises(TfiError):
        write_all(tree, [PlannedWrite("deep/er/c.py", None, b"c\n"), PlannedWrite("a.py", b"a = 1\n", b"x\n")])
    assert not (tree / "deep").exists()


def test_replace_failure_on_second_rename_rolls_back(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writes = _three(tree) + [PlannedWrite("new.py", None, b"n\n")]
    writes = [writes[3], writes[0], writes[1], writes[2]]  # a created file is rolled back too
    before = _snapshot(tree)
    real_replace = os.replace
    calls = {"n": 0}

    def fake_replace(src: str, dst: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.EACCES, os.strerror(errno.EACCES))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fake_replace)
    with pytest.raises(TfiError) as info:
        write_all(tree, writes)
    assert info.value.path == "pkg/b.py"
    assert "no file was changed" in info.value.message
    assert _snapshot(tree) == before
    assert not (tree / "new.py").exists()
    assert stat.S_IMODE((tree / "a.py").stat().st_mode) == 0o640
    assert _temps(tree) == []


def test_replace_failure_exactly_second_call(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _snapshot(tree)
    real_replace = os.replace
    calls = {"n": 0}

    def fake_replace(src: str, dst: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fake_replace)
    with pytest.raises(TfiError) as info:
        write_all(tree, _three(tree))
    assert info.value.path == "pkg/b.py"
    assert (tree / "a.py").read_bytes() == b"a = 1\n"
    assert _snapshot(tree) == before
    assert _temps(tree) == []


def test_rollback_failure_is_reported(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = os.replace
    calls = {"n": 0}

    def fake_replace(src: str, dst: object) -> None:
        calls["n"] += 1
        if calls["n"] >= 2:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fake_replace)
    with pytest.raises(TfiError) as info:
        write_all(tree, _three(tree))
    assert info.value.path == "pkg/b.py"
    assert "could not restore a.py" in info.value.message
    assert _temps(tree) == []


def test_kill_between_renames_leaves_whole_files(tree: Path) -> None:
    writes = _three(tree)
    old = {w.path: w.old for w in writes}
    new = {w.path: w.new for w in writes}
    seen: List[str] = []

    def before_each(path: str) -> None:
        seen.append(path)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_all(tree, writes, before_each=before_each)
    for path in old:
        assert (tree / path).read_bytes() in (old[path], new[path])
    assert (tree / "a.py").read_bytes() == old["a.py"]  # an interrupt in-process also rolls back
    assert _temps(tree) == []


def test_changed_on_disk_during_renames_rolls_back(tree: Path) -> None:
    writes = _three(tree)
    before = _snapshot(tree)

    def before_each(path: str) -> None:
        if path == "run.sh":
            (tree / "run.sh").write_bytes(b"#!/bin/sh\necho racing\n")
            before["run.sh"] = b"#!/bin/sh\necho racing\n"

    with pytest.raises(TfiError) as info:
        write_all(tree, writes, before_each=before_each)
    assert info.value.path == "run.sh"
    assert "changed on disk" in info.value.message
    assert _snapshot(tree) == before
    assert _temps(tree) == []


def test_before_each_called_for_every_file(tree: Path) -> None:
    seen: List[str] = []
    write_all(tree, _three(tree), before_each=seen.append)
    assert seen == ["a.py", "pkg/b.py", "run.sh"]


# --- repo_lock ------------------------------------------------------------------------------------


def test_lock_file_inside_dot_git(tree: Path) -> None:
    (tree / ".git").mkdir()
    with repo_lock(tree) as path:
        assert path == tree.resolve() / ".git" / "tfintegrity.lock"
        assert path.exists()


def test_lock_file_outside_tree_without_git(tree: Path) -> None:
    before = sorted(p.name for p in tree.iterdir())
    with repo_lock(tree) as path:
        assert not path.resolve().is_relative_to(tree.resolve())
        assert path.parent == Path(tempfile.gettempdir())
    assert sorted(p.name for p in tree.iterdir()) == before
    assert lock_path(tree) != lock_path(tree / "pkg")


def test_lock_file_when_dot_git_is_a_file(tree: Path) -> None:
    (tree / ".git").write_text("gitdir: elsewhere\n")
    assert not lock_path(tree).is_relative_to(tree.resolve())


def test_lock_times_out_while_held_by_thread(tree: Path) -> None:
    held = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with repo_lock(tree):
            held.set()
            release.wait(10)

    t = threading.Thread(target=holder)
    t.start()
    try:
        assert held.wait(5)
        start = time.monotonic()
        with pytest.raises(TfiError) as info:
            with repo_lock(tree, timeout=0.3):
                pass
        assert time.monotonic() - start >= 0.25
        assert info.value.message == "another tfintegrity --fix is running on this tree"
    finally:
        release.set()
        t.join()
    with repo_lock(tree, timeout=0.3):
        pass


def test_second_locker_waits_for_first(tree: Path) -> None:
    (tree / ".git").mkdir()
    events: List[str] = []
    held = threading.Event()

    def holder() -> None:
        with repo_lock(tree):
            held.set()
            time.sleep(0.4)
            events.append("first released")

    t = threading.Thread(target=holder)
    t.start()
    assert held.wait(5)
    with repo_lock(tree, timeout=5):
        events.append("second acquired")
    t.join()
    assert events == ["first released", "second acquired"]


def test_lock_contended_across_processes(tree: Path) -> None:
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from tfintegrity.writer import repo_lock\n"
        "with repo_lock(Path(sys.argv[1])):\n"
        "    print('locked', flush=True)\n"
        "    sys.stdin.readline()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code, str(tree)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        cwd=str(Path(writer.__file__).resolve().parent.parent),
    ) as proc:
        try:
            assert proc.stdout is not None and proc.stdin is not None
            assert proc.stdout.readline().strip() == "locked"
            with pytest.raises(TfiError, match="another tfintegrity --fix is running"):
                with repo_lock(tree, timeout=0.2):
                    pass
            proc.stdin.write("\n")
            proc.stdin.flush()
            assert proc.wait(10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
    with repo_lock(tree, timeout=2):
        pass
