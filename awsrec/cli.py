"""The `awsrec` command line: thin wiring from verbs to the packages that do the work."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional, TextIO

import typer

from awsrec.errors import AwsrecError, UsageError

if TYPE_CHECKING:
    from recorder.session import RecordOptions

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


RecordMode = Annotated[
    str, typer.Option("--mode", help="endpoint (AWS_ENDPOINT_URL, default) or proxy (HTTPS_PROXY).")
]
RecordOut = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional here
    typer.Option("--out", help="Cassette file, or directory (required form with --split-by)."),
]


@app.command(context_settings={"allow_interspersed_args": False})
def record(
    command: Annotated[
        Optional[list[str]],  # noqa: UP045 - typer needs Optional here
        typer.Argument(help="-- CMD ARGS...: run CMD through the recorder, stop when it exits."),
    ] = None,
    out: RecordOut = None,
    mode: RecordMode = "endpoint",
    upstream: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Send everything to this compatible endpoint instead of AWS."),
    ] = None,
    upstream_credentials: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="KEY:SECRET[:TOKEN] to sign with instead of botocore's chain."),
    ] = None,
    rules: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Extra normalisation rules file."),
    ] = None,
    split_by: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="'header': new cassette per x-awsrec-cassette request header."),
    ] = None,
    only_aws: Annotated[bool, typer.Option(help="Skip non-AWS traffic.")] = False,
    learn_noise: Annotated[
        bool, typer.Option(help="Run CMD twice and propose rules for values that differ.")
    ] = False,
    port: Annotated[int, typer.Option(help="Listen port (0: a free one).", min=0, max=65535)] = 0,
    scenarios: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--scenarios",
            help="Record built-in scenarios instead of CMD: SERVICE[:TAG][,...] or all; "
            "one cassette per scenario under --out.",
        ),
    ] = None,
    skip: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="With --scenarios: leave out these tags/features (multipart,...)."),
    ] = None,
    seed: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(help="With --scenarios: seed of the generated parameters."),
    ] = None,
) -> int:
    """Record SDK traffic to AWS (or --upstream) into a cassette."""
    from recorder.session import RecordOptions, run

    opts = RecordOptions(
        out=out,
        mode=mode,  # type: ignore[arg-type]  # checked by RecorderSettings
        upstream=upstream,
        upstream_credentials=upstream_credentials,
        rules=rules,
        split_by=split_by,
        only_aws=only_aws,
        port=port,
    )
    if scenarios is not None or skip is not None or seed is not None:
        return _record_scenarios(opts, command, scenarios, skip, seed)
    if learn_noise:
        from recorder.learn import learn

        return learn(opts, command or [])
    return run(opts, command or None)


def _record_scenarios(
    opts: RecordOptions, command: list[str] | None, selection: str | None,
    skip: str | None, seed: int | None,
) -> int:  # fmt: skip
    from dataclasses import replace

    from recorder.session import run
    from scenarios.record import scenario_workload
    from scenarios.registry import parse_skip, select
    from scenarios.runner import DEFAULT_SEED

    if not selection:
        raise UsageError("--skip and --seed go with --scenarios SERVICE[:TAG][,...]")
    if command:
        raise UsageError("--scenarios records the built-in scenarios; give no CMD with it")
    chosen = select(selection, parse_skip(skip))
    if not chosen:
        raise UsageError(f"no scenario matches --scenarios {selection} (after --skip)")
    workload = scenario_workload(chosen, DEFAULT_SEED if seed is None else seed, opts.upstream)
    return run(replace(opts, split_by="header"), None, workload)


@app.command()
def serve(
    cassettes: Annotated[
        Optional[list[Path]],  # noqa: UP045 - typer needs Optional here
        typer.Argument(help="Cassette files or directories of *.awsrec files."),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=0, max=65535)] = 4566,
    strict: Annotated[
        bool, typer.Option(help="Every request must match the next recorded interaction.")
    ] = False,
    state_dir: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Keep state in this directory (survives restarts)."),
    ] = None,
    faults: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Fault rules file (YAML or JSON)."),
    ] = None,
    account: Annotated[str, typer.Option(help="Account id to answer as.")] = "000000000000",
    region: Annotated[str, typer.Option(help="Region for unsigned requests.")] = "us-east-1",
    admin_token: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Require x-awsrec-admin-token on /_awsrec/ (any client address)."),
    ] = None,
    auth: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="sigv4: verify request signatures against --credentials."),
    ] = None,
    credentials: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Shared-credentials INI file of the access keys --auth accepts."),
    ] = None,
) -> int:
    """Serve cassettes statefully on one local port (default 127.0.0.1:4566)."""
    from replayer.server.config import ServeConfig
    from replayer.server.main import serve as run_serve

    config = ServeConfig(
        cassettes=list(cassettes or []),
        host=host,
        port=port,
        strict=strict,
        state_dir=state_dir,
        faults_file=faults,
        account=account,
        region=region,
        admin_token=admin_token,
        auth=auth,
        credentials_file=credentials,
        debug=_state["debug"],
    )
    return run_serve(config)


@app.command()
def diff(
    cassettes: Annotated[list[Path], typer.Argument(help="Cassette files or directories.")],
    target: Annotated[
        list[str],
        typer.Option(help="NAME=URL of an emulator (repeatable); keys: http://KEY:SECRET@h:p."),
    ],
    report_dir: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional here
        typer.Option("--report", help="Directory to write report files into."),
    ] = None,
    formats: Annotated[
        str, typer.Option("--format", help="Report files for --report: md,html,json,junit.")
    ] = "md,html,json,junit",
    label: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Release label of the targets (kept with --history)."),
    ] = None,
    history: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Directory keeping one result per target and label."),
    ] = None,
    fail_under: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(
            help="Exit 1 when a target's fidelity (percent) is below this.", min=0, max=100
        ),
    ] = None,
    no_regressions: Annotated[
        bool,
        typer.Option(
            "--no-regressions/--allow-regressions",
            help="Exit 1 when an operation passing under the last label fails.",
        ),
    ] = False,
    only: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(help="Compare only SERVICE or SERVICE/Operation (repeatable)."),
    ] = None,
    ignore: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(help="header:NAME or an XML/JSON body path to leave out (repeatable)."),
    ] = None,
    calibrate: Annotated[
        bool, typer.Option(help="Replay twice; differences varying between runs are noise.")
    ] = False,
    jobs: Annotated[int, typer.Option(help="Cassettes replayed in parallel.", min=1)] = 1,
    region: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Region to sign for (default: each cassette's)."),
    ] = None,
    rules: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Extra normalisation rules file (YAML), applied to both sides."),
    ] = None,
) -> int:
    """Replay cassettes against emulators and report their fidelity."""
    from rich.console import Console

    from replayer.diff.command import Gates, parse_target, run_diff_command
    from replayer.diff.model import DiffSettings

    settings = DiffSettings(
        targets=tuple(parse_target(t) for t in target),
        only=tuple(only or ()),
        ignore=tuple(ignore or ()),
        calibrate=calibrate,
        jobs=jobs,
        region=region,
    )
    return run_diff_command(
        cassettes,
        settings,
        report_dir=report_dir,
        formats=formats,
        label=label,
        history=history,
        gates=Gates(fail_under, no_regressions),
        console=Console(stderr=False),
        rules_file=rules,
    )


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="Cassette file (NAME.awsrec).")],
    output_format: Annotated[
        str, typer.Option("--format", help="yaml (default) or json.")
    ] = "yaml",
) -> None:
    """Print a cassette as readable YAML (usable as a git textconv driver)."""
    from awsrec.show import show_to_stdout

    show_to_stdout(file, output_format)


@app.command()
def scenarios(
    action: Annotated[str, typer.Argument(help="list: print the scenarios and their tags.")],
    service: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option(help="Only this service: s3, dynamodb or lambda."),
    ] = None,
    tag: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Only scenarios with this tag or feature."),
    ] = None,
    skip: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Leave out these tags/features (comma-separated)."),
    ] = None,
) -> None:
    """List the built-in contract scenarios (record them with `awsrec record --scenarios`)."""
    from scenarios.registry import parse_skip, select
    from scenarios.table import print_scenarios

    if action != "list":
        raise UsageError(f"unknown action {action!r}: use `awsrec scenarios list`")
    print_scenarios(select(service=service, tag=tag, skip=parse_skip(skip)))


@app.command()
def report(
    history: Annotated[Path, typer.Argument(help="A `awsrec diff --history` directory.")],
    report_dir: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional here
        typer.Option("--report", help="Directory to write history.{md,html,json} into."),
    ] = None,
    formats: Annotated[str, typer.Option("--format", help="md,html,json.")] = "md,html,json",
    fail_under: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(
            help="Exit 1 when a target's latest fidelity (percent) is below this.", min=0, max=100
        ),
    ] = None,
    no_regressions: Annotated[
        bool,
        typer.Option(
            "--no-regressions/--allow-regressions",
            help="Exit 1 when an operation regressed since the previous label.",
        ),
    ] = False,
) -> int:
    """Render the fidelity matrix and trend from a --history directory."""
    from rich.console import Console

    from replayer.diff.command import Gates, run_report_command

    return run_report_command(
        history,
        report_dir=report_dir,
        formats=formats,
        gates=Gates(fail_under, no_regressions),
        console=Console(),
    )


def _one_line_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    print(f"awsrec: warning: {message}", file=file or sys.stderr)


def main() -> None:
    """Entry point: run the app, turning awsrec errors into one line and an exit code."""
    # Warnings (e.g. a cassette's torn tail dropped on load) are one line, like errors.
    warnings.showwarning = _one_line_warning
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
    except Exception as e:
        # A bug of ours: still one line for the user; --debug shows the traceback.
        if _state["debug"]:
            raise
        print(
            f"awsrec: internal error: {type(e).__name__}: {e} (rerun with --debug for details)",
            file=sys.stderr,
        )
        sys.exit(3)
    sys.exit(code if isinstance(code, int) else 0)
