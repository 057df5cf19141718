"""One `awsrec record` run: settings from options, the child's environment, CMD's lifetime."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from awsrec.normalize import load_rules_file
from recorder import upstream as upstream_id
from recorder.credentials import CredentialSource
from recorder.errors import RecorderError
from recorder.launcher import Recorder
from recorder.settings import Mode, RecorderSettings, UpstreamCredentials
from recorder.status import LiveStatus

# Variables that would send the SDK somewhere else, or around the proxy, in proxy mode.
_PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")
_NO_PROXY_VARS = ("NO_PROXY", "no_proxy")
# An in-process workload instead of CMD (built-in scenarios): gets CMD's environment, returns
# an exit code.
Workload = Callable[[dict[str, str]], int]


@dataclass(frozen=True, slots=True)
class RecordOptions:
    """The `awsrec record` options, as typed values."""

    out: Path | None = None
    mode: Mode = "endpoint"
    upstream: str | None = None
    upstream_credentials: str | None = None
    rules: Path | None = None
    split_by: str | None = None
    only_aws: bool = False
    port: int = 0


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def resolve_out(out: Path | None, split: bool) -> Path:
    """The cassette file (or, with --split-by header, the directory) to record into."""
    if split:
        target = out or Path.cwd() / f"recording-{_stamp()}"
        if target.is_file():
            raise RecorderError(
                f"--split-by header needs a directory, {target} is a file", usage=True
            )
        return target
    if out is None:
        return Path.cwd() / f"recording-{_stamp()}.awsrec"
    if out.is_dir() or str(out).endswith(os.sep):
        return out / f"recording-{_stamp()}.awsrec"
    return out


def _region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def make_settings(opts: RecordOptions, confdir: Path, out: Path | None = None) -> RecorderSettings:
    """Settings for the child; `out` overrides the resolved output (used by --learn-noise)."""
    if opts.split_by not in (None, "header"):
        raise RecorderError("--split-by supports only 'header'", usage=True)
    if opts.rules is not None:
        if not opts.rules.is_file():
            raise RecorderError(f"--rules file not found: {opts.rules}", usage=True)
        # Now, before anything starts: the writer loads it again, and a bad file there would
        # only surface as every request answered 502 (RulesError names file, rule and field).
        load_rules_file(opts.rules)
    creds = opts.upstream_credentials
    explicit = UpstreamCredentials.parse(creds) if creds else None
    if opts.mode == "endpoint":
        CredentialSource(explicit).get()  # fail now, not on the first request
    return RecorderSettings(
        out=str((out or resolve_out(opts.out, opts.split_by == "header")).absolute()),
        mode=opts.mode,
        upstream=opts.upstream.rstrip("/") if opts.upstream else None,
        upstream_credentials=explicit,
        upstream_identity=upstream_id.identify(opts.upstream),
        rules=str(opts.rules.absolute()) if opts.rules else None,
        split_by="header" if opts.split_by == "header" else None,
        only_aws=opts.only_aws,
        region=_region(),
        port=opts.port,
        confdir=str(confdir),
    )


def client_env(recorder: Recorder, base: dict[str, str]) -> dict[str, str]:
    """The environment CMD runs with, so that its SDK talks through the recorder."""
    env = dict(base)
    settings = recorder.settings
    # The recorder's CA: trust it to reach the endpoint over https (then boto3 sends its default
    # aws-chunked uploads), and in proxy mode for everything.
    env["AWSREC_RECORDER_CA"] = str(recorder.ca_file)
    if settings.mode == "endpoint":
        env["AWS_ENDPOINT_URL"] = recorder.url
        for name in _NO_PROXY_VARS:  # a proxy set for other traffic must not capture ours
            env[name] = ",".join(v for v in (env.get(name), "127.0.0.1", "localhost") if v)
        return env
    for name in _PROXY_VARS:
        env[name] = recorder.url
    for name in _NO_PROXY_VARS:
        env.pop(name, None)  # else 127.0.0.1 upstreams (tests, local emulators) bypass us
    env["AWS_CA_BUNDLE"] = str(recorder.ca_file)
    if settings.upstream:
        env["AWS_ENDPOINT_URL"] = settings.upstream
    return env


def _run_command(command: list[str], env: dict[str, str]) -> int:
    try:
        proc = subprocess.Popen(command, env=env)
    except OSError as e:
        raise RecorderError(f"cannot run {command[0]}: {e}") from e
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            continue  # CMD got the same Ctrl-C; its exit decides when we stop


def _wait_for_interrupt(recorder: Recorder) -> None:
    env = client_env(recorder, {})
    for name, value in sorted(env.items()):
        print(f"export {name}={value}")
    if recorder.settings.mode == "endpoint":
        print("unset HTTPS_PROXY HTTP_PROXY https_proxy http_proxy")
    print("# recording; press Ctrl-C to stop", file=sys.stderr, flush=True)
    sys.stdout.flush()
    try:
        recorder.wait()
    except KeyboardInterrupt:
        return
    raise RecorderError(f"mitmdump exited unexpectedly: {recorder.output_tail() or 'no output'}")


def record_once(
    settings: RecorderSettings,
    command: list[str] | None,
    workdir: Path,
    workload: Workload | None = None,
) -> int:
    """Record one run of `command` or `workload` (or until Ctrl-C); its exit code, or raise."""
    status = LiveStatus(settings.out)
    recorder = Recorder(settings, workdir, on_event=status)
    code = 0
    with status:
        recorder.start()
        try:
            if command:
                code = _run_command(command, client_env(recorder, dict(os.environ)))
            elif workload is not None:
                code = workload(client_env(recorder, dict(os.environ)))
            else:
                _wait_for_interrupt(recorder)
        finally:
            child_code = recorder.stop()
    if recorder.errors:
        more = f" (and {len(recorder.errors) - 1} more)" if len(recorder.errors) > 1 else ""
        raise RecorderError(f"{recorder.errors[0]}{more}; those exchanges were not recorded")
    if child_code != 0:
        raise RecorderError(f"mitmdump exited with {child_code}: {recorder.output_tail()}")
    return code


def run(opts: RecordOptions, command: list[str] | None, workload: Workload | None = None) -> int:
    """`awsrec record`: record CMD or `workload` (or until Ctrl-C); return its exit code."""
    with tempfile.TemporaryDirectory(prefix="awsrec-record-") as tmp:
        work = Path(tmp)
        settings = make_settings(opts, work / "mitmproxy")
        if workload is None:
            # Nothing reads the cassette before CMD ends: answer first, write in the writer.
            settings = replace(settings, offload=True)
        return record_once(settings, command, work, workload)
