"""The form of new doc-page sections, derived from the page (``tfintegrity.fixes.doc_page``).

Each case writes the synthetic bert page (``BertModel``, ``BertForMaskedLM``, ``BertForSequenceClassification``
and their TF counterparts) with given blank lines between its sections, removes TF sections, runs ``--fix`` and
requires the page back byte for byte: the blank lines (their count and what they hold) come from the PyTorch
run, the TF run and their neighbours, the order from the sections left on the page.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence, Tuple

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks import doc_page, make_tree, read  # noqa: E402

from tfintegrity import api  # noqa: E402
from tfintegrity.fixes.doc_page import choose_order  # noqa: E402

PAGE = doc_page("bert")
PT = ("BertModel", "BertForMaskedLM", "BertForSequenceClassification")
TF = tuple(f"TF{name}" for name in PT)
FLAX = ("FlaxBertModel", "FlaxBertForMaskedLM")
MEMBER = {"": "forward", "TF": "call", "Flax": "__call__"}

# A page body: (section name, the blank lines after it); the last section's gap is the end of the page.
Body = Sequence[Tuple[str, Sequence[str]]]


def _section(name: str) -> str:
    prefix = next(p for p in ("TF", "Flax", "") if name.startswith(p))
    return f"## {name}\n\n[[autodoc]] {name}\n    - {MEMBER[prefix]}"


def _write(body: Body) -> str:
    return "\n".join(_section(name) + "\n" + "\n".join(gap) for name, gap in body)


def _gaps(*counts: int) -> Sequence[Sequence[str]]:
    return [[""] * count for count in counts]


def _body(names: Sequence[str], gaps: Sequence[Sequence[str]]) -> Body:
    return list(zip(names, gaps))


def _tree_with(tmp_path: Path, body: Body) -> Tuple[Path, str]:
    root = make_tree(tmp_path)
    text = read(root, PAGE)
    head = text[: text.index("## BertModel\n")]
    page = head + _write(body)
    (root / PAGE).write_text(page, encoding="utf-8", newline="\n")
    return root, page


def _without(body: Body, names: Sequence[str]) -> str:
    """The page with ``names`` removed as a person deletes a section: with the blank lines after it (before it,
    for the page's last section)."""
    kept = [list(item) for item in body]
    for name in names:
        index = [n for n, _ in kept].index(name)
        if index == len(kept) - 1:
            kept[index - 1][1] = kept[index][1]
        del kept[index]
    return _write([(n, g) for n, g in kept])


def _restored(tmp_path: Path, body: Body, removed: Sequence[str]) -> bool:
    root, page = _tree_with(tmp_path, body)
    head = page[: page.index("## BertModel\n")]
    (root / PAGE).write_text(head + _without(body, removed), encoding="utf-8", newline="\n")
    api.run(api.Options(root=root, fix=True, use_baseline=False, select=("TFI008",)))
    return read(root, PAGE) == page


def _pristine_is_complete(tmp_path: Path, body: Body) -> None:
    (tmp_path / "pristine").mkdir()
    root, _ = _tree_with(tmp_path / "pristine", body)
    result, _ = api.run(api.Options(root=root, use_baseline=False, select=("TFI008",)))
    assert result.findings == ()


# Tapas (4.16.0-4.32.0): two of the three gaps of each run hold four spaces, the PyTorch run's and the TF run's alike.
SPACES = [["    "], [""], [""], ["    "], [""], []]
# Whisper (4.28.0 on): one blank line inside each run, two between the runs.
WHISPER = _gaps(1, 1, 2, 1, 1, 2, 1, 0)
# Regnet (4.28.0 on): the TF run one line below the PyTorch run, two inside it and before the Flax run.
REGNET = _gaps(2, 2, 1, 2, 2, 2, 2, 0)
# Blip (4.31.0): the PyTorch run's gaps vary (one, then two) and the TF run mirrors them.
MIRRORED = _gaps(1, 2, 2, 1, 2, 0)


@pytest.mark.parametrize("removed", [[name] for name in TF] + [list(TF)], ids=lambda r: "+".join(r))
@pytest.mark.parametrize(
    "case, names, gaps",
    [
        ("spaces", PT + TF, SPACES),
        ("whisper", PT + TF + FLAX, WHISPER),
        ("regnet", PT + TF + FLAX, REGNET),
        ("mirrored", PT + TF, MIRRORED),
    ],
)
def test_removed_sections_come_back_with_the_page_spacing(
    tmp_path: Path, case: str, names: Sequence[str], gaps: Sequence[Sequence[str]], removed: Sequence[str]
) -> None:
    body = _body(names, gaps)
    _pristine_is_complete(tmp_path, body)
    assert _restored(tmp_path, body, removed), case


def test_whole_model_sections_go_in_page_order(tmp_path: Path) -> None:
    """The PyTorch sections keep SequenceClassification before MaskedLM (not the model file's order) and their
    gaps vary; the TF sections, written one after the other in that order, each take their counterpart's gap."""
    names = ("BertModel", "BertForSequenceClassification", "BertForMaskedLM")
    body = _body([*names, *(f"TF{n}" for n in names)], _gaps(1, 2, 2, 1, 2, 0))
    assert _restored(tmp_path, body, list(TF))


@pytest.mark.parametrize(
    "page, expected",
    [
        # Longformer (4.2.0-4.32.0): the page follows neither order; without SequenceClassification, what is left
        # agrees with more of the model file's order (QuestionAnswering after MaskedLM) than of the PyTorch one.
        (["M", "MLM", "QA", "TC", "MC"], ["M", "MLM", "QA", "SC", "MC", "TC"]),
        # Both orders agree as far: the PyTorch one.
        (["M", "MLM", "SC", "MC"], ["M", "MLM", "SC", "MC", "TC", "QA"]),
        # Nothing of the model's on the page yet: the PyTorch one.
        ([], ["M", "MLM", "SC", "MC", "TC", "QA"]),
    ],
)
def test_order_that_agrees_with_more_of_the_page(page: Sequence[str], expected: Sequence[str]) -> None:
    classes = ["TFM", "TFMLM", "TFQA", "TFSC", "TFMC", "TFTC"]  # the model file's order
    pytorch = ["M", "MLM", "SC", "MC", "TC", "QA"]
    on_page = pytorch + [f"TF{name}" for name in page]
    assert choose_order(classes, on_page, "TF") == [f"TF{name}" for name in expected]


@pytest.mark.parametrize("removed", [[TF[1]], list(TF)], ids=["one", "all"])
def test_a_blank_line_before_the_members_is_kept(tmp_path: Path, removed: Sequence[str]) -> None:
    """4.32.0's imagegpt page writes a blank line between ``[[autodoc]] X`` and ``    - forward``: a new section
    does too, with the members indented as the page's (not the blank line's indent, which would leave the
    member unread and the fix adding it again on every round)."""
    def spaced(name: str) -> str:
        prefix = next(p for p in ("TF", "Flax", "") if name.startswith(p))
        return f"## {name}\n\n[[autodoc]] {name}\n\n    - {MEMBER[prefix]}\n"

    root, page = _tree_with(tmp_path, _body(PT + TF, _gaps(1, 1, 1, 1, 1, 0)))
    head = page[: page.index("## BertModel\n")]
    full = head + "\n".join(spaced(n) for n in PT + TF)
    (root / PAGE).write_text(full, encoding="utf-8", newline="\n")
    result, _ = api.run(api.Options(root=root, use_baseline=False, select=("TFI008",)))
    assert result.findings == ()
    (root / PAGE).write_text(head + "\n".join(spaced(n) for n in PT + TF if n not in removed), encoding="utf-8",
                             newline="\n")
    api.run(api.Options(root=root, fix=True, use_baseline=False, select=("TFI008",)))
    assert read(root, PAGE) == full
