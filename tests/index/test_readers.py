"""Reading long files in runs of top-level statements (tfintegrity/index/readers.py ``top_statements``):
the statements, their lines and the errors are those of one parse of the whole file."""

from __future__ import annotations

import ast
import warnings
from typing import List

import pytest

from tfintegrity.errors import TfiError
from tfintegrity.index import readers


@pytest.fixture(autouse=True)
def small_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "CHUNKED_OVER", 200)
    monkeypatch.setattr(readers, "CHUNK_SIZE", 60)


def dumped(nodes: List[ast.stmt]) -> List[str]:
    return [ast.dump(n, include_attributes=True) for n in nodes]


def same_as_one_parse(text: str) -> None:
    assert len(text) > readers.CHUNKED_OVER
    assert dumped(list(readers.top_statements("x.py", text))) == dumped(ast.parse(text).body)


def test_statements_and_lines_are_those_of_one_parse() -> None:
    text = "".join(
        f"class TFModel{i}(Base):\n    _backends = ['tf']\n\n\ndef helper_{i}():\n    pass\n" for i in range(30)
    )
    same_as_one_parse(text)


@pytest.mark.parametrize(
    "awkward",
    [
        'DOC = """\nclass NotAClass:\n    pass\n' + "x = 1\n" * 20 + '"""\n',  # a cut inside a string
        "VALUE = (\n" + "    1,\n" * 20 + "name_at_column_zero)\n",  # a cut inside brackets
        "@decorator\n" * 3 + "class Decorated:\n    pass\n",  # a cut after a decorator
        "if True:\n    a = 1\n" + "    b = 2\n" * 20 + "else:\n    c = 3\n",  # else at column 0
        "if True:\n" + "    a = 1\n\n" * 20 + "    # a comment\n# at column 0\n    b = 2\n",  # blank lines, comments in a block
        "page_break = 1\x0c\nform = 2  # a\u2028b\ntext = 'c\u2028d'\n" * 10,  # not line breaks to Python
    ],
)
def test_an_awkward_cut_still_gives_the_whole_file(awkward: str) -> None:
    head = "".join(f"first_{i} = {i}\n" for i in range(20))
    tail = "".join(f"last_{i} = {i}\n" for i in range(20))
    same_as_one_parse(head + awkward + tail)


def test_a_lone_carriage_return_is_read_in_one_parse() -> None:
    same_as_one_parse("".join(f"name_{i} = {i}\r" for i in range(40)) + "end = 1\n")


def test_an_error_names_its_line() -> None:
    text = (
        "".join(f"name_{i} = {i}\n" for i in range(40))
        + "broken = (\n"
        + "".join(f"after_{i} = {i}\n" for i in range(10))
    )
    with pytest.raises(TfiError) as caught:
        list(readers.top_statements("x.py", text))
    assert "x.py:41" in caught.value.render()


def test_the_checked_codes_compiler_warnings_are_not_the_checks_output(tmp_path) -> None:
    """An invalid escape in a checked file (4.20.0's modeling_glpn.py) warns at compile time; the check
    parses such files without a word of it."""
    text = 'PATTERN = "\\s+"\n\n\nclass A:\n    pass\n'
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tree = readers.parse_python("src/x.py", text)
    assert [n.__class__.__name__ for n in tree.body] == ["Assign", "ClassDef"]
    assert caught == []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compile(text, "src/x.py", "exec")
    assert caught, "the sample no longer makes the compiler warn"
