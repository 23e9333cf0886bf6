"""``liveness-mock proxy``: its options and how it starts (``add_parser`` is all ``cli`` calls)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import Any

from .. import __version__
from ..settings import Settings
from .upstream import DEFAULT_UPSTREAM, SECRET_ID_ENV, SECRET_KEY_ENV, BadHostMap, TencentSigner


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    proxy = subparsers.add_parser(
        "proxy", help="forward to the real service, check every answer against the contract, record it"
    )
    proxy.add_argument(
        "--upstream",
        default=DEFAULT_UPSTREAM,
        metavar="URL",
        help="where requests go; {host} is the documented host (default https://{host}: the vendor itself)",
    )
    proxy.add_argument(
        "--host-map",
        action="append",
        default=[],
        metavar="LABEL=URL",
        help="send one host (its first label or whole name) to URL instead (repeatable)",
    )
    proxy.add_argument("--record", type=Path, metavar="DIR", help="write each distinct real answer as a scenario")
    proxy.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    proxy.add_argument("--port", type=int, default=8081, help="port to bind, 0 for any free port (default 8081)")
    proxy.add_argument("--timeout", type=float, default=30.0, metavar="S", help="upstream timeout in seconds (30)")
    proxy.add_argument("--seed", type=int, default=None, help="replay the scenarios' random draws")
    proxy.add_argument("--fixtures", action="append", default=[], type=Path, metavar="DIR", help="extra fixtures")
    proxy.add_argument(
        "--scenario", action="append", default=[], metavar="NAME", help="activate a scenario (repeatable)"
    )
    proxy.add_argument("--journal-size", type=int, default=1000, metavar="N", help="requests the journal keeps")
    proxy.add_argument(
        "--admin-token",
        default=os.environ.get("LIVENESS_MOCK_ADMIN_TOKEN"),
        metavar="TOKEN",
        help="token every /__admin call needs (required off loopback; default $LIVENESS_MOCK_ADMIN_TOKEN)",
    )
    proxy.set_defaults(run=run)
    return proxy  # type: ignore[no-any-return]


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from ..server import base_url, bind, uvicorn_config
    from .app import ProxyOptions, create_proxy_app

    settings = Settings(
        host=args.host,
        port=args.port,
        seed=args.seed,
        fixtures=tuple(args.fixtures),
        scenarios=tuple(args.scenario),
        admin_token=args.admin_token,
        journal_size=max(1, args.journal_size),
    )
    options = ProxyOptions(args.upstream, tuple(args.host_map), args.record, args.timeout)
    signer = TencentSigner.from_env()
    if signer is None:
        print(
            f"liveness-mock proxy: no {SECRET_ID_ENV}/{SECRET_KEY_ENV}: Tencent requests go upstream as the caller"
            " signed them (for the proxy's host, which the upstream will refuse)",
            file=sys.stderr,
        )
    try:
        app = create_proxy_app(settings, options, signer)
    except (ValueError, LookupError, RuntimeError, BadHostMap) as exc:
        print(f"liveness-mock proxy: {exc}", file=sys.stderr)
        return 2
    config = uvicorn_config(app, settings)
    sock = bind(config)
    print(f"liveness-mock {__version__} proxy to {args.upstream} serving on {base_url(sock)} (Ctrl-C to stop)")
    sys.stdout.flush()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: None)
    uvicorn.Server(config).run(sockets=[sock])
    print("liveness-mock proxy stopped", flush=True)
    return 0
