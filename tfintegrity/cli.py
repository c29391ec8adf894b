"""The command line: parses options, calls one api function, prints, picks the exit code.

Exit codes: 0 no findings, 1 findings (or, with ``--diff``, a diff), 2 an error. No traceback ever
reaches the user: an unexpected error prints one line saying where to report it.
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path
from typing import Any, Callable, List, Optional, Sequence, Tuple

import click

from tfintegrity import __version__
from tfintegrity.errors import TfiError

ISSUES_URL = "https://github.com/tfintegrity/tfintegrity/issues"
FORMAT_CHOICES = ("text", "json", "github", "sarif")


def _codes(values: Sequence[str]) -> Tuple[str, ...]:
    out: List[str] = []
    for value in values:
        out.extend(c.strip().upper() for c in value.split(",") if c.strip())
    return tuple(out)


def _names(values: Sequence[str]) -> Tuple[str, ...]:
    """Comma-separated names (backends), as written."""
    return tuple(n.strip() for v in values for n in v.split(",") if n.strip())


def _guarded(action: Callable[[], int]) -> None:
    try:
        code = action()
    except TfiError as exc:
        click.echo(exc.render(), err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        sys.exit(2)
    except BrokenPipeError:
        # The reader went away (`tfintegrity check | head`): stop quietly, as other CLI tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except RecursionError:
        click.echo("error: input too deeply nested to read", err=True)
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - the promise is: never a traceback
        if os.environ.get("TFINTEGRITY_DEBUG"):
            raise
        click.echo(
            f"error: internal error ({type(exc).__name__}: {exc}); please report it at {ISSUES_URL} "
            "(set TFINTEGRITY_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(2)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tfintegrity")
def main() -> None:
    """Check and fix how TensorFlow models are integrated into a Transformers-shaped repository.

    Every TF public class must appear in the model's __init__.py (both halves), the top-level
    __init__.py (both halves), the TF auto mappings, utils/dummy_tf_objects.py,
    utils/documentation_tests.txt and the model's doc page. Run `tfintegrity check` in the
    repository; `tfintegrity check --fix` writes what is missing.
    """


root_option = click.option(
    "--root",
    type=click.Path(path_type=Path),
    default=None,
    help="Repository root (default: found upwards from the current directory).",
)
backends_option = click.option(
    "--backends",
    multiple=True,
    help="The backends whose rules run (comma-separated: tf, pt, flax); default: `backends` in "
    "[tool.tfintegrity], else tf.",
)
rules_dir_option = click.option(
    "--rules-dir",
    "rules_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="An extra folder of rule files (*.toml, backends/*.toml). Repeatable.",
)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@root_option
@click.option("--fix", is_flag=True, help="Write the fixes.")
@click.option("--diff", is_flag=True, help="Print the unified diff --fix would write; write nothing.")
@click.option(
    "--format",
    "--output-format",
    "output_format",
    type=click.Choice(FORMAT_CHOICES),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--select", multiple=True, help="Only these rule codes (comma-separated, prefixes allowed).")
@click.option("--ignore", multiple=True, help="Skip these rule codes (comma-separated, prefixes allowed).")
@rules_dir_option
@backends_option
@click.option("--base", default=None, help="Only models changed since the merge-base with this git ref.")
@click.option("--statistics", is_flag=True, help="Print counts per rule instead of each finding.")
@click.option("--no-baseline", is_flag=True, help="Report findings recorded in the baseline file too.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Neither read nor write the fact cache in .tfintegrity_cache/ (also: TFINTEGRITY_NO_CACHE=1).",
)
@click.option(
    "--summary-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a Markdown summary of all findings here (the GitHub Action passes $GITHUB_STEP_SUMMARY).",
)
def check(
    paths: Tuple[str, ...],
    root: Optional[Path],
    fix: bool,
    diff: bool,
    output_format: str,
    select: Tuple[str, ...],
    ignore: Tuple[str, ...],
    rules_dirs: Tuple[Path, ...],
    backends: Tuple[str, ...],
    base: Optional[str],
    statistics: bool,
    no_baseline: bool,
    exit_zero: bool,
    no_cache: bool,
    summary_file: Optional[Path],
) -> None:
    """Report integration gaps (and fix them with --fix).

    PATHS (as pre-commit passes them) limit the check to the models those files belong to; a
    change to a shared file (top-level init, auto mappings, dummies, documentation_tests.txt)
    checks every model.
    """

    def action() -> int:
        from tfintegrity import api
        from tfintegrity.report import FORMATS, ReportOptions, markdown_summary, should_use_color

        if fix and diff:
            raise TfiError("--fix and --diff cannot be used together")
        options = api.Options(
            root=root,
            select=_codes(select),
            ignore=_codes(ignore),
            rules_dirs=tuple(rules_dirs),
            backends=_names(backends),
            fix=fix,
            diff=diff,
            paths=tuple(paths) if paths else None,
            base=base,
            use_baseline=not no_baseline,
            use_cache=not no_cache,
        )
        result, session = api.run(options)
        report_options = ReportOptions(
            rules={r.code: r for r in session.ruleset.rules},
            color=output_format == "text" and should_use_color(sys.stdout),
            statistics=statistics,
            tool_version=__version__,
            fix_mode=fix,
            diff_mode=diff,
        )
        output = FORMATS[output_format](result, report_options)
        click.echo(output, nl=False)
        if summary_file is not None:
            with open(summary_file, "a", encoding="utf-8") as handle:
                handle.write(markdown_summary(result, report_options))
        if exit_zero:
            return 0
        if diff:
            return 1 if result.diff else 0
        return 1 if result.findings else 0

    _guarded(action)


@main.command()
@root_option
@rules_dir_option
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text", show_default=True)
def rules(root: Optional[Path], rules_dirs: Tuple[Path, ...], output_format: str) -> None:
    """List the rules: code, name, summary."""

    def action() -> int:
        import json

        from tfintegrity import api

        known, on = api.known_rules(api.Options(root=root, rules_dirs=tuple(rules_dirs)))
        groups = api.rules_by_backend(known, on)
        if output_format == "json":
            listed = [_rule_dict(rule, backend in on) for backend, group in groups for rule in group]
            click.echo(json.dumps(listed, indent=2))
            return 0
        width = max((len(rule.slug) for _, group in groups for rule in group), default=0)
        for backend, group in groups:
            state = "on" if backend in on else "off: add it to `backends` in [tool.tfintegrity], or --backends"
            click.echo(f"{backend} ({state})")
            for rule in group:
                click.echo(f"  {rule.code}  {rule.slug.ljust(width)}  {rule.summary}")
        return 0

    _guarded(action)


def _rule_dict(rule: Any, active: bool) -> dict:
    return {
        "code": rule.code,
        "name": rule.slug,
        "summary": rule.summary,
        "backend": rule.backend,
        "active": active,
        "primitive": rule.primitive,
        "target": rule.target,
        "source": rule.source,
    }


@main.command()
@click.argument("code")
@root_option
@rules_dir_option
@backends_option
def explain(code: str, root: Optional[Path], rules_dirs: Tuple[Path, ...], backends: Tuple[str, ...]) -> None:
    """Print the documentation of one rule (e.g. `tfintegrity explain TFI005`), or of the active backends'
    rules for one place (e.g. `tfintegrity explain auto-mapping --backends tf,pt`)."""

    def action() -> int:
        from tfintegrity import api

        rules, active = api.known_rules(
            api.Options(root=root, rules_dirs=tuple(rules_dirs), backends=_names(backends))
        )
        wanted = code.strip().upper()
        chosen = [rule for rule in rules if rule.code == wanted]
        if not chosen:
            # A slug names one place, which each backend has: explain the active backends' rules for it.
            chosen = [
                rule
                for backend, group in api.rules_by_backend(rules, active)
                if backend in active
                for rule in group
                if rule.slug == code.strip()
            ]
        if not chosen:
            raise TfiError(f"unknown rule {code!r}; `tfintegrity rules` lists them")
        click.echo("\n\n".join(render_explanation(rule) for rule in chosen))
        return 0

    _guarded(action)


def render_explanation(rule: Any) -> str:
    parts = [
        f"# {rule.slug} ({rule.code})",
        "",
        f"Backend: {rule.backend}. Place: {rule.target}. Checked by the `{rule.primitive}` primitive.",
        "",
        "## What it does",
        rule.what,
        "",
        "## Why is this bad?",
        rule.why,
        "",
        "## Example",
        textwrap.indent(rule.example, "    "),
        "",
        "## Fix safety",
        rule.fix_safety,
    ]
    return "\n".join(parts)


@main.command()
@root_option
@rules_dir_option
@backends_option
@click.option("--select", multiple=True, help="Only these rule codes (comma-separated, prefixes allowed).")
def layout(
    root: Optional[Path], rules_dirs: Tuple[Path, ...], backends: Tuple[str, ...], select: Tuple[str, ...]
) -> None:
    """Print how the tree writes each rule's place (the layout the checks read and the fixes write)."""

    def action() -> int:
        from tfintegrity import api

        options = api.Options(
            root=root, rules_dirs=tuple(rules_dirs), select=_codes(select), backends=_names(backends)
        )
        for rule, text in api.describe_layouts(options):
            click.echo(f"{rule.code}  {rule.slug}: {text}")
        return 0

    _guarded(action)


@main.command()
@root_option
@rules_dir_option
@backends_option
def baseline(root: Optional[Path], rules_dirs: Tuple[Path, ...], backends: Tuple[str, ...]) -> None:
    """Record the current findings in the baseline file so that `check` reports only new ones."""

    def action() -> int:
        from tfintegrity import api

        options = api.Options(root=root, rules_dirs=tuple(rules_dirs), backends=_names(backends))
        count, path = api.write_baseline(options)
        click.echo(f"Wrote {count} findings to {path}.")
        return 0

    _guarded(action)


@main.command()
@root_option
def clean(root: Optional[Path]) -> None:
    """Remove the fact cache (.tfintegrity_cache/ at the repository root)."""

    def action() -> int:
        from tfintegrity import api

        removed, folder = api.clean_cache(api.Options(root=root))
        if removed:
            click.echo(f"Removed {folder} ({removed} file{'s' if removed != 1 else ''}).")
        else:
            click.echo(f"No cache at {folder}.")
        return 0

    _guarded(action)


if __name__ == "__main__":  # pragma: no cover
    main()
