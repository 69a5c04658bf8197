"""Server harness shared by the extension self-tests (``test_*_ext.py``); not a test or an extension itself.

A self-test calls :func:`setUp` from its ``setUpModule`` and :func:`tearDown` from its ``tearDownModule``:
:func:`setUp` starts ``server.py`` (every extension applied) with this Python on a free loopback port, its output
going to a temporary file, and waits until moto's API answers; :func:`tearDown` stops the server by PID. In between
:data:`ENDPOINT` is the server's URL, :func:`client_factory` makes boto3 clients for it, :func:`reset_moto` clears
moto's state and :func:`raw_request` sends a request boto3 wouldn't.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "server.py")
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10

_server: subprocess.Popen[bytes] | None = None
_server_log: Any = None
# The running server's URL (``http://127.0.0.1:<port>``), set by setUp(); read it as ``harness.ENDPOINT``.
ENDPOINT = ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def log() -> str:
    """Everything the server wrote so far (stdout and stderr)."""
    if _server_log is None:
        return ""
    _server_log.flush()
    _server_log.seek(0)
    return str(_server_log.read().decode(errors="replace"))


def log_tail() -> str:
    return log()[-4000:]


def setUp() -> None:
    """Start ``server.py`` on a free port and wait (at most START_TIMEOUT_S) until it answers."""
    global _server, _server_log, ENDPOINT
    port = free_port()
    ENDPOINT = f"http://127.0.0.1:{port}"
    _server_log = tempfile.TemporaryFile()
    _server = subprocess.Popen(
        [sys.executable, SERVER, "-H", "127.0.0.1", "-p", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=_server_log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if _server.poll() is not None:
            raise RuntimeError(f"server.py exited early ({_server.returncode}):\n{log_tail()}")
        try:
            with urllib.request.urlopen(f"{ENDPOINT}/moto-api/", timeout=2):
                break
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                tearDown()
                raise RuntimeError(f"server.py did not answer within {START_TIMEOUT_S} s:\n{log_tail()}")
            time.sleep(0.2)


def tearDown() -> None:
    """Stop the server by PID: terminate, then kill after STOP_TIMEOUT_S."""
    global _server
    if _server is not None and _server.poll() is None:
        _server.terminate()
        try:
            _server.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            _server.kill()
            _server.wait(STOP_TIMEOUT_S)
    _server = None
    if _server_log is not None:
        _server_log.close()


def client(service: str, region: str = "us-east-1", validate: bool = True, **credentials: str) -> Any:
    """A boto3 client for the server (dummy credentials unless given, one attempt); ``validate=False`` sends what
    botocore's parameter validation would refuse."""
    creds = credentials or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=ENDPOINT,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, parameter_validation=validate),
        **creds,
    )


def client_factory(default_service: str) -> Callable[..., Any]:
    """:func:`client` with ``service`` defaulting to the service under test: ``client()``, ``client("sts")``,
    ``client(region="eu-west-1")``, ``client(aws_access_key_id=..., ...)``."""

    def make(service: str = default_service, region: str = "us-east-1", validate: bool = True,
             **credentials: str) -> Any:
        return client(service, region, validate, **credentials)

    return make


def reset_moto() -> None:
    req = urllib.request.Request(f"{ENDPOINT}/moto-api/reset", method="POST")
    with urllib.request.urlopen(req, timeout=10):
        pass


def raw_request(
    service: str, method: str, path: str, body: Any = None, region: str = "us-east-1", target: str | None = None
) -> tuple[int, dict[str, Any]]:
    """An unsigned request to the server: ``body`` as JSON (None: no body), ``target`` the ``X-Amz-Target`` of a
    JSON 1.1 service (None: a REST-JSON request). moto routes by the SigV4 credential scope (service and region)
    and checks no signature. Returns the HTTP status and the JSON answer (``{"raw": text}`` if it isn't JSON)."""
    headers = {"Content-Type": "application/json"}
    signed = "host"
    if target is not None:
        headers = {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"}
        signed = "host;x-amz-target"
    headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential=testing/20250101/{region}/{service}/aws4_request, "
        f"SignedHeaders={signed}, Signature=0"
    )
    req = urllib.request.Request(
        f"{ENDPOINT}{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers=headers,
        method=method,
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as e:
        data = e.read()
        try:
            return e.code, json.loads(data or b"{}")
        except ValueError:
            return e.code, {"raw": data.decode(errors="replace")}
