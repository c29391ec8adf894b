"""The per-file fact cache (tfintegrity/index/cache.py): what it stores, when it is used, and that a warm run
always says what a run without it says (issue 11)."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
from click.testing import CliRunner

import synthtree
from tfintegrity import api, cli
from tfintegrity.index import cache, readers
from tfintegrity.index.repo import RepoIndex

PKG = "src/transformers"
TF_MODELING = f"{PKG}/models/bert/modeling_tf_bert.py"
TOP_INIT = f"{PKG}/__init__.py"
DOC_PAGE = "docs/source/en/model_doc/bert.md"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(api.NO_CACHE_ENV, raising=False)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    synthtree.write_example_tree(tmp_path)
    return tmp_path


def run(root: Path, use_cache: bool = True, **options: object) -> api.CheckResult:
    return api.run(api.Options(root=root, use_baseline=False, use_cache=use_cache, **options))[0]  # type: ignore[arg-type]


def outcome(result: api.CheckResult) -> Tuple[object, ...]:
    return (tuple(asdict(f) for f in result.findings), result.notes, result.files_checked)


def cache_files(root: Path) -> List[str]:
    folder = root / cache.CACHE_DIR
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def reads_counted(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """Record every modeling-file read by the index's reader."""
    seen: List[str] = []
    real = readers.read_module

    def counting(path: str, text: str):  # type: ignore[no-untyped-def]
        seen.append(path)
        return real(path, text)

    monkeypatch.setattr(readers, "read_module", counting)
    return seen


# --------------------------------------------------------------------------- values


def test_every_fact_of_a_tree_comes_back_equal(root: Path) -> None:
    index = RepoIndex(root, PKG)
    api.collect(api.open_session(api.Options(root=root, use_baseline=False)), index, None)
    facts = list(index._facts.values())
    assert (
        len({type(f).__name__ for f in facts if f is not None}) >= 6
    )  # modules, inits, auto, dummies, configs, pages
    for value in facts:
        assert cache.restricted_loads(pickle.dumps(value)) == value
        if value is not None and type(value).__name__ != "AutoFacts":
            assert cache.decode(json.loads(json.dumps(cache.encode(value)))) == value


def test_unpickling_refuses_anything_but_fact_classes() -> None:
    class Evil:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.system, ("echo owned",))

    for bad in (pickle.dumps(Evil()), pickle.dumps(os.system), pickle.dumps(Path("x")), b"\x80\x05garbage"):
        with pytest.raises(Exception):
            cache.restricted_loads(bad)


def test_decoding_refuses_what_encode_never_writes() -> None:
    for bad in (
        ["c", "os:system", "echo"],
        ["c", "tfintegrity.facts:Located", "x"],
        ["?", 1],
        ["c", "json:JSONDecoder"],
    ):
        with pytest.raises(ValueError):
            cache.decode(bad)
    with pytest.raises(cache.Uncacheable):
        cache.encode(object())


# --------------------------------------------------------------------------- the folder


def test_a_run_writes_the_cache_with_its_own_gitignore(root: Path) -> None:
    run(root)
    names = cache_files(root)
    assert ".gitignore" in names and any(n.startswith("facts-") for n in names), names
    assert (root / cache.CACHE_DIR / ".gitignore").read_text().splitlines()[-1] == "*"


def test_no_cache_writes_nothing(root: Path) -> None:
    run(root, use_cache=False)
    assert cache_files(root) == []
    code = CliRunner().invoke(cli.main, ["check", "--root", str(root), "--no-cache"]).exit_code
    assert code == 1 and cache_files(root) == []


def test_the_environment_turns_it_off(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(api.NO_CACHE_ENV, "1")
    run(root)
    assert cache_files(root) == []


def test_clean_removes_it(root: Path) -> None:
    run(root)
    result = CliRunner().invoke(cli.main, ["clean", "--root", str(root)])
    assert result.exit_code == 0 and "Removed" in result.output, result.output
    assert not (root / cache.CACHE_DIR).exists()
    again = CliRunner().invoke(cli.main, ["clean", "--root", str(root)])
    assert again.exit_code == 0 and "No cache" in again.output


def test_an_unwritable_cache_is_skipped(root: Path) -> None:
    (root / cache.CACHE_DIR).write_text("a file where the folder would be\n")
    cold = run(root, use_cache=False)
    assert outcome(run(root)) == outcome(cold)
    assert (root / cache.CACHE_DIR).read_text() == "a file where the folder would be\n"


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign", "wrong-class", "wrong-fields"])
def test_a_damaged_or_foreign_cache_is_ignored_and_rewritten(root: Path, damage: str) -> None:
    run(root)
    folder = root / cache.CACHE_DIR
    facts_file = next(folder.glob("facts-*.pickle"))
    results_file = next(folder.glob("results-*.json"))
    for path in (facts_file, results_file):
        data = path.read_bytes()
        if damage == "garbage":
            path.write_bytes(b"\x00\xff not a cache")
        elif damage == "truncated":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "foreign":
            path.write_bytes(
                pickle.dumps({"format": 99, "entries": {"x": 1}}) if path == facts_file else b'{"format": 99}'
            )
    if damage in ("wrong-class", "wrong-fields"):
        payload = cache.restricted_loads(facts_file.read_bytes())
        for key, (digest, _) in list(payload["entries"].items()):
            evil = pickle.dumps(os.system) if damage == "wrong-class" else pickle.dumps(("not", "facts"))
            payload["entries"][key] = (digest, evil if damage == "wrong-class" else b"\x80\x05\x95")
        facts_file.write_bytes(pickle.dumps(payload))
        results = json.loads(results_file.read_bytes())
        for record in results["entries"].values():
            findings = record["value"][1]
            for item in findings[1:]:
                if damage == "wrong-class":
                    item[1] = "os:system"
                else:
                    item.append(1)
        results_file.write_text(json.dumps(results))
    # Damaged results must not be used, damaged facts must be read again: the result is the cold one.
    (root / TF_MODELING).write_text((root / TF_MODELING).read_text() + "\n")
    cold = run(root, use_cache=False)
    assert outcome(run(root)) == outcome(cold)
    assert outcome(run(root)) == outcome(cold)  # and from what was rewritten
    assert cache.restricted_loads(facts_file.read_bytes())["format"] == cache.FORMAT
    assert json.loads(results_file.read_bytes())["format"] == cache.FORMAT


def test_entries_of_deleted_files_are_pruned(root: Path) -> None:
    run(root)
    doomed = f"{PKG}/models/brand_new_bert/modeling_tf_brand_new_bert.py"
    facts_file = next((root / cache.CACHE_DIR).glob("facts-*.pickle"))
    assert any(key.endswith("\0" + doomed) for key in cache.restricted_loads(facts_file.read_bytes())["entries"])
    (root / doomed).unlink()
    run(root)
    assert not any(key.endswith("\0" + doomed) for key in cache.restricted_loads(facts_file.read_bytes())["entries"])


def test_two_runs_at_once(root: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != api.NO_CACHE_ENV}
    command = [sys.executable, "-m", "tfintegrity", "check", "--root", str(root), "--format", "json"]
    for _ in range(3):
        procs = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO)
            for _ in range(2)
        ]
        outputs = [p.communicate() for p in procs]
        assert [p.returncode for p in procs] == [1, 1], outputs
        assert outputs[0][0] == outputs[1][0]
    cache.restricted_loads(next((root / cache.CACHE_DIR).glob("facts-*.pickle")).read_bytes())
    json.loads(next((root / cache.CACHE_DIR).glob("results-*.json")).read_bytes())
    assert not list((root / cache.CACHE_DIR).glob(".tmp-*")), "a temporary file was left behind"


# --------------------------------------------------------------------------- what a warm run reads


def test_an_unchanged_tree_reads_no_fact(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = run(root)
    seen = reads_counted(monkeypatch)
    assert outcome(run(root)) == outcome(cold)
    assert seen == []


def test_a_changed_file_is_the_only_one_read_again(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(root)
    (root / TF_MODELING).write_text((root / TF_MODELING).read_text() + "\n# an edit\n")
    seen = reads_counted(monkeypatch)
    warm = run(root)
    assert seen == [TF_MODELING]
    assert outcome(warm) == outcome(run(root, use_cache=False))


def test_a_scoped_run_after_an_edit_reuses_the_facts(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(root)
    (root / TF_MODELING).write_text((root / TF_MODELING).read_text() + "\n# an edit\n")
    seen = reads_counted(monkeypatch)
    warm = run(root, paths=(str(root / TF_MODELING),))
    assert seen == [TF_MODELING]
    assert outcome(warm) == outcome(run(root, use_cache=False, paths=(str(root / TF_MODELING),)))


# --------------------------------------------------------------------------- every file validated

# What is appended to a modeling file, and the line (after the file's own) Python stops at.
BROKEN = {
    "nul": ("\n# fine so far\x00\n", 2),
    "deep": ("\nx = " + "(" * 400 + "1" + ")" * 400 + "\n", 2),
    "indent": ("\nx = 1\n        stray = 2\n", 3),
    "string": ('\nx = "never closed\n', 2),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
def test_a_modeling_file_python_cannot_compile_is_an_error(root: Path, kind: str, warm: bool) -> None:
    if warm:
        run(root)
    path = root / TF_MODELING
    original = path.read_text()
    path.write_text(original + BROKEN[kind][0])
    line = original.count("\n") + BROKEN[kind][1]
    result = CliRunner().invoke(cli.main, ["check", "--root", str(root)])
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert "\n" not in message and "Traceback" not in message
    assert f"{TF_MODELING}:" in message, message
    assert f"{TF_MODELING}:{line}" in message, message
    assert path.read_text() == original + BROKEN[kind][0]


def test_a_python_file_read_only_as_text_is_validated_too(root: Path) -> None:
    """A reader that does not parse a Python file (here: the doc-page reader pointed at one) leaves it to
    validate_read, so a file that does not compile is an error wherever it is read from."""
    index = RepoIndex(root, PKG, cache=cache.FactCache.at(root, "t"))
    rel = f"{PKG}/models/bert/broken.py"
    (root / rel).write_text("def broken(:\n")
    index.derived("text-only", rel, lambda path, text: len(text), parses=False)
    with pytest.raises(api.TfiError) as caught:
        index.validate_read()
    assert f"{rel}:1" in caught.value.render()


# --------------------------------------------------------------------------- warm equals cold


def edits(root: Path) -> Iterator[Tuple[str, str, bytes]]:
    """(label, path, new bytes or b"" to delete) for a file of each place."""
    top = (root / TOP_INIT).read_text()
    name = '"TFBertForMaskedLM",\n'
    assert name in top
    yield "entry removed", TOP_INIT, top.replace(name, "", 1).encode()
    modeling = (root / TF_MODELING).read_text()
    yield (
        "class renamed",
        TF_MODELING,
        modeling.replace("class TFBertForMaskedLM(", "class TFBertForMaskedLMX(").encode(),
    )
    yield "file deleted", DOC_PAGE, b""
    page = (root / DOC_PAGE).read_bytes()
    swapped = page.replace(b"TFBertForMaskedLM", b"TFBertForMaskedLm")
    assert len(swapped) == len(page) and swapped != page
    yield "same size and mtime, other bytes", DOC_PAGE, swapped


def assert_warm_equals_cold(root: Path, **options: object) -> int:
    run(root, **options)  # warm the cache
    checked = 0
    for label, rel, data in list(edits(root)):
        path = root / rel
        before = path.read_bytes()
        stat = path.stat()
        if data:
            path.write_bytes(data)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        else:
            path.unlink()
        warm = outcome(run(root, **options))
        cold = outcome(run(root, use_cache=False, **options))
        assert warm == cold, label
        path.write_bytes(before)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert outcome(run(root, **options)) == outcome(run(root, use_cache=False, **options)), f"{label}, undone"
        checked += 1
    return checked


def test_warm_equals_cold_after_each_change(root: Path) -> None:
    assert assert_warm_equals_cold(root) == 4


def test_warm_equals_cold_after_each_change_scoped(root: Path) -> None:
    assert assert_warm_equals_cold(root, paths=(str(root / TF_MODELING),)) == 4


def test_warm_equals_cold_on_the_real_tree(real_tree: Path) -> None:
    assert assert_warm_equals_cold(real_tree) == 4


# --------------------------------------------------------------------------- the parallel prefetch


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_prefetch_reads_what_a_lazy_run_reads(root: Path, monkeypatch: pytest.MonkeyPatch, jobs: str) -> None:
    """With a second process (the threshold lowered so the small tree uses it) or without, a run reads the
    same files and says the same, and a file that does not parse is still the run's one error."""
    from tfintegrity.index import repo

    lazy = run(root, use_cache=False)
    monkeypatch.setattr(repo, "PARALLEL_OVER", 0)
    monkeypatch.setenv(repo.JOBS_ENV, jobs)
    assert outcome(run(root, use_cache=False)) == outcome(lazy)
    assert outcome(run(root)) == outcome(lazy)  # and through the cache
    path = root / TF_MODELING
    path.write_text(path.read_text() + "\nx = (\n")
    result = CliRunner().invoke(cli.main, ["check", "--root", str(root), "--no-cache"])
    assert result.exit_code == 2 and f"{TF_MODELING}:" in result.output, result.output


# --------------------------------------------------------------------------- file status and derived values

MINI = f"{PKG}/models/mini"
MINI_MODELING = """from ..bert.modeling_tf_bert import TFBertMainLayer, TFBertPreTrainedModel


class TFMiniModel(TFBertPreTrainedModel):
    pass
"""
MINI_INIT = """from typing import TYPE_CHECKING

from ...utils import OptionalDependencyNotAvailable, _LazyModule, is_tf_available


_import_structure = {}

try:
    if not is_tf_available():
        raise OptionalDependencyNotAvailable()
except OptionalDependencyNotAvailable:
    pass
else:
    _import_structure["modeling_tf_mini"] = ["TFBertMainLayer", "TFMiniModel"]
"""


def models_of(root: Path, use_cache: bool = True) -> dict:
    """The TF catalog's models of the tree, through the cache or without it (and the cache written)."""
    from tfintegrity.index.catalog import Catalog

    options = api.Options(root=root, use_baseline=False, use_cache=use_cache)
    session = api.open_session(options)
    index = api.open_index(session, options)
    models = dict(Catalog(index, session.ruleset.backends["tf"]).models())
    api.save_cache(index)
    return models


def with_mini(root: Path, modeling: str = MINI_MODELING) -> None:
    (root / MINI).mkdir()
    (root / MINI / "__init__.py").write_text(MINI_INIT)
    (root / MINI / "modeling_tf_mini.py").write_text(modeling)


def test_a_model_kept_across_runs_follows_the_files_its_classes_come_from(root: Path) -> None:
    """mini's class is public through bert's base class: when bert's base no longer leads to
    TFPreTrainedModel, the kept model of mini (whose own files did not change) is built again."""
    with_mini(root)
    assert [c.name for c in models_of(root)["mini"].classes] == ["TFMiniModel"]
    modeling = root / TF_MODELING
    text = modeling.read_text()
    assert "class TFBertPreTrainedModel(TFPreTrainedModel):" in text
    base = "class TFBertPreTrainedModel(TFPreTrainedModel):"
    modeling.write_text(text.replace(base, "class TFBertPreTrainedModel:"))
    warm = models_of(root)
    assert warm == models_of(root, use_cache=False)
    assert warm["mini"].classes == ()


def test_a_model_kept_across_runs_follows_the_names_it_looked_up_elsewhere(root: Path) -> None:
    """mini's init exports bert's main layer, an export only while some modeling file defines it: when bert
    renames it, mini's kept model drops it although no file mini's model is built from changed (its class
    derives from TFPreTrainedModel directly, so bert's file is not one of them)."""
    own_base = MINI_MODELING.replace("TFBertMainLayer, TFBertPreTrainedModel", "TFBertMainLayer").replace(
        "class TFMiniModel(TFBertPreTrainedModel):",
        "from ...modeling_tf_utils import TFPreTrainedModel\n\n\nclass TFMiniModel(TFPreTrainedModel):",
    )
    with_mini(root, own_base)
    assert "TFBertMainLayer" in models_of(root)["mini"].exports
    modeling = root / TF_MODELING
    modeling.write_text(modeling.read_text().replace("TFBertMainLayer", "TFBertMainLayerX"))
    warm = models_of(root)
    assert warm == models_of(root, use_cache=False)
    assert "TFBertMainLayer" not in warm["mini"].exports


def reads_of_bytes(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """Every file whose bytes the index reads from disk."""
    from tfintegrity.index import repo

    seen: List[str] = []
    real = repo._read_regular

    def counting(path: Path):  # type: ignore[no-untyped-def]
        seen.append(str(path))
        return real(path)

    monkeypatch.setattr(repo, "_read_regular", counting)
    return seen


def test_a_file_with_the_status_the_cache_saw_is_not_read_again(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 0)  # the tree was written just now
    cold = run(root)
    seen = reads_of_bytes(monkeypatch)
    assert outcome(run(root)) == outcome(cold)
    assert seen == []
    (root / TF_MODELING).write_text((root / TF_MODELING).read_text() + "\n# an edit\n")
    warm = run(root, paths=(str(root / TF_MODELING),))
    # Of the models' files only the edited one is read, once (the dummies file is read for its text).
    assert [p for p in seen if "/models/" in p] == [str(root / TF_MODELING)]
    assert outcome(warm) == outcome(run(root, use_cache=False, paths=(str(root / TF_MODELING),)))


def test_a_file_changed_just_before_it_was_read_is_read_again(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Within RACY_NS of a change, a status proves nothing (a second change in the same tick keeps it): such
    a file is hashed again on the next run (here every file is that recent)."""
    monkeypatch.setattr(cache, "RACY_NS", 1 << 62)
    run(root)
    seen = reads_of_bytes(monkeypatch)
    run(root)
    assert str(root / TF_MODELING) in seen
    stats = [p for p in cache_files(root) if p.startswith("stats-")]
    assert all(json.loads((root / cache.CACHE_DIR / p).read_text())["entries"] == {} for p in stats)


def test_rule_files_parsed_in_an_earlier_run_are_not_parsed_again(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tfintegrity import ruleset

    parsed: List[str] = []
    real = ruleset._parse_toml

    def counting(path: Path, data: bytes):  # type: ignore[no-untyped-def]
        parsed.append(path.name)
        return real(path, data)

    monkeypatch.setattr(ruleset, "_parse_toml", counting)

    def fresh_process_run(**options: object) -> api.CheckResult:
        ruleset._PARSED.clear()  # what a new process starts without
        parsed.clear()
        return run(root, **options)

    assert fresh_process_run(use_cache=False) and parsed and "rules.json" not in cache_files(root)
    first = fresh_process_run()
    assert len(parsed) >= 33 and "rules.json" in cache_files(root)
    assert outcome(fresh_process_run()) == outcome(first) and parsed == []
    extra = tmp_path / "extra-rules"
    extra.mkdir()
    rule = (ruleset.BUILTIN_RULES_DIR / "TFI007-documentation-tests.toml").read_text(encoding="utf-8")
    (extra / "TFX007-doctests.toml").write_text(rule.replace('"TFI007"', '"TFX007"'), encoding="utf-8")
    fresh_process_run(rules_dirs=(extra,))
    assert parsed == ["TFX007-doctests.toml"]  # only the file it had not seen
    (extra / "TFX007-doctests.toml").write_text(rule.replace('"TFI007"', '"TFX008"'), encoding="utf-8")
    result = fresh_process_run(rules_dirs=(extra,))
    assert parsed == ["TFX007-doctests.toml"] and {f.code for f in result.findings} >= {"TFX008"}
