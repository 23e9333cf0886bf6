"""wrk: installed from Debian when missing, driven by a generated Lua script, summarised as JSON.

A single request is set statically (wrk builds it once); several requests (the Tencent pool) are
rotated by a Lua ``request()`` function. The same script is used for the mock and the ceiling, so
wrk's own cost is the same on both sides. ``done()`` prints one ``WRKJSON`` line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .calls import Load, Request

APT_TIMEOUT_S = 600
MARKER = "WRKJSON "

DONE = r"""
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d,' ..
    '"lat_mean_us":%.1f,"lat_p50_us":%d,"lat_p90_us":%d,"lat_p99_us":%d,"lat_max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
"""


class WrkMissing(RuntimeError):
    """wrk is not installed and could not be installed."""


def ensure_wrk() -> str:
    """The wrk binary; installs Debian's package with apt-get (as root, or with sudo -n) if missing."""
    found = shutil.which("wrk")
    if found:
        return found
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (
        ["apt-get", "install", "-y", "-qq", "wrk"],
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "wrk"],
    ):
        try:
            subprocess.run(prefix + argv, env=env, timeout=APT_TIMEOUT_S, check=False, capture_output=True)
        except (OSError, subprocess.TimeoutExpired):
            continue
        found = shutil.which("wrk")
        if found:
            return found
    raise WrkMissing(
        "wrk is not installed and `apt-get install wrk` failed (needs root or passwordless sudo and a "
        "Debian/Ubuntu package source); install wrk and run again"
    )


def wrk_version(wrk: str) -> str:
    out = subprocess.run([wrk, "-v"], capture_output=True, text=True, timeout=10, check=False)
    return (out.stdout + out.stderr).splitlines()[0].strip() if (out.stdout + out.stderr) else "?"


def write_script(load: Load, path: Path) -> Path:
    """The Lua script for ``load``; it holds tokens and signatures, so it stays in the work dir."""
    body = _static(load.requests[0]) if len(load.requests) == 1 else _rotating(load.requests)
    path.write_text(body + DONE)
    path.chmod(0o600)
    return path


def _static(request: Request) -> str:
    lines = [f"wrk.method = {_lua(request.method)}", f"wrk.path = {_lua(request.path)}"]
    if request.body:
        lines.append(f"wrk.body = {_lua(request.body.decode())}")
    lines += [f"wrk.headers[{_lua(k)}] = {_lua(v)}" for k, v in request.headers.items()]
    return "\n".join(lines) + "\n"


def _rotating(requests: list[Request]) -> str:
    """Each thread formats every request once in init(), then hands them out round-robin."""
    specs = ",\n".join(
        "  {" + f"{_lua(r.method)}, {_lua(r.path)}, {_lua_table(r.headers)}, {_lua(r.body.decode())}" + "}"
        for r in requests
    )
    return (
        f"local specs = {{\n{specs}\n}}\n"
        "local reqs, n, i = {}, 0, 0\n"
        "function init(args)\n"
        "  for k, s in ipairs(specs) do reqs[k] = wrk.format(s[1], s[2], s[3], s[4]) end\n"
        "  n = #reqs\n"
        "  i = math.random(n) - 1\n"
        "end\n"
        "function request()\n"
        "  i = (i % n) + 1\n"
        "  return reqs[i]\n"
        "end\n"
    )


def _lua(text: str) -> str:
    """A Lua string literal (JSON bodies, paths and header values are ASCII)."""
    out = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            out.extend(f"\\{b}" for b in ch.encode())
    return '"' + "".join(out) + '"'


def _lua_table(headers: dict[str, str]) -> str:
    return "{" + ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in headers.items()) + "}"


def run(
    wrk: str, url: str, script: Path, *, duration_s: int, threads: int, connections: int, log: Path
) -> dict[str, Any] | None:
    """One bounded wrk run (``-d``, whole seconds, plus a hard timeout); its WRKJSON summary, or None."""
    argv = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration_s}s", "--latency", "-s", str(script), url]
    try:
        out = subprocess.run(
            argv, capture_output=True, text=True, timeout=duration_s + 30, check=False, start_new_session=True
        )
        text = out.stdout + out.stderr
    except subprocess.TimeoutExpired as exc:
        text = f"wrk timed out after {exc.timeout} s\n"
    log.write_text(text)
    for line in text.splitlines():
        if line.startswith(MARKER):
            return dict(json.loads(line[len(MARKER) :]))
    return None
