"""The `awsrec` command line: thin wiring from verbs to the packages that do the work."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from awsrec.errors import AwsrecError, NotBuiltError

app = typer.Typer(
    name="awsrec",
    help="Record real AWS exchanges, serve them statefully offline, diff emulators against them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_state = {"debug": False}


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for awsrec errors."),
) -> None:
    _state["debug"] = debug


def _not_built(verb: str) -> None:
    raise NotBuiltError(f"`awsrec {verb}` is not built yet")


@app.command()
def record() -> None:
    """Record SDK traffic to AWS (or --upstream) into a cassette."""
    _not_built("record")


@app.command()
def serve() -> None:
    """Serve cassettes statefully on one local port (default 127.0.0.1:4566)."""
    _not_built("serve")


@app.command()
def diff() -> None:
    """Replay cassettes against emulators and report their fidelity."""
    _not_built("diff")


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="Cassette file (NAME.awsrec).")],
    output_format: Annotated[
        str, typer.Option("--format", help="yaml (default) or json.")
    ] = "yaml",
) -> None:
    """Print a cassette as readable YAML (usable as a git textconv driver)."""
    import os

    from awsrec.show import show as show_cassette

    # UTF-8 whatever the locale: git textconv and pagers expect bytes as the file holds them.
    stdout = sys.stdout.fileno()
    try:
        with open(stdout, "w", encoding="utf-8", newline="\n", closefd=False) as out:
            show_cassette(file, out, output_format)
    except BrokenPipeError:
        # The reader (a pager, `head`) went away: stop quietly, as cat does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@app.command()
def scenarios() -> None:
    """List or run the built-in contract scenarios."""
    _not_built("scenarios")


@app.command()
def report() -> None:
    """Render the fidelity matrix and trend from a --history directory."""
    _not_built("report")


def main() -> None:
    """Entry point: run the app, turning awsrec errors into one line and an exit code."""
    try:
        code = app(standalone_mode=False)
    except typer.Abort:
        print("awsrec: aborted", file=sys.stderr)
        sys.exit(130)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except typer.TyperException as e:
        # Usage mistakes (typer's vendored click errors): one line and exit 2, no traceback.
        message = e.format_message() if hasattr(e, "format_message") else str(e)
        print(f"awsrec: error: {message}", file=sys.stderr)
        sys.exit(2)
    except AwsrecError as e:
        if _state["debug"]:
            raise
        print(f"awsrec: error: {e}", file=sys.stderr)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
