"""``liveness-mock`` (also ``python -m mock_server``): serve, routes, openapi, drift."""

from __future__ import annotations

import argparse
import functools
import json
import os
import signal
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .drift import cli as drift_cli
from .proxy import cli as proxy_cli
from .settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:  # `liveness-mock routes | head`: the reader left, which is no error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _serve_options() -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """``liveness-mock serve``'s options, as data: (flags, argparse keywords)."""
    many: dict[str, Any] = {"action": "append", "default": []}
    return [
        (("--host",), {"default": "127.0.0.1", "help": "address to bind (default 127.0.0.1)"}),
        (("--port",), {"type": int, "default": 8080, "help": "port to bind, 0 for any free port (default 8080)"}),
        (("--seed",), {"type": int, "default": None, "help": "replay ids and random draws"}),
        (("--fixtures",), {**many, "type": Path, "metavar": "DIR", "help": "extra fixture folder"}),
        (
            ("--strict",),
            {"action": "store_true", "help": "answer 500 rather than send a response that breaks its schema"},
        ),
        (("--clock-ms",), {"type": _clock_ms, "metavar": "N", "help": "start the mock clock at N ms since the epoch"}),
        (("--public-url",), {"metavar": "URL", "help": "base URL of the links the mock hands out"}),
        (
            ("--callback-host",),
            {**many, "metavar": "HOST", "help": "also send IDVS callbacks to HOST (loopback always)"},
        ),
        (("--scenario",), {**many, "metavar": "NAME", "help": "activate a scenario from the start (repeatable)"}),
        (("--no-scenario-header",), {"action": "store_true", "help": "ignore X-Mock-Scenario request headers"}),
        (
            ("--journal-size",),
            {"type": _positive, "default": 1000, "metavar": "N", "help": "requests the journal keeps"},
        ),
        (("--header-timeout",), _seconds("a connection must send a complete request head within", 10.0)),
        (("--body-timeout",), _seconds("then its body within", 30.0)),
        (("--keep-alive-timeout",), _seconds("an idle keep-alive connection is closed after", 5.0)),
        (
            ("--state",),
            {
                "default": os.environ.get("LIVENESS_MOCK_STATE", "memory"),
                "metavar": "URL",
                "help": "where the state lives: memory (default), sqlite:///path/state.db (one machine, several"
                " processes), redis://host:port/db (many machines); default $LIVENESS_MOCK_STATE",
            },
        ),
        (
            ("--workers",),
            {
                "type": _positive,
                "default": 1,
                "metavar": "N",
                "help": "processes serving the port (needs a shared --state)",
            },
        ),
        (
            ("--retention",),
            {
                "type": _positive,
                "default": 7 * 24 * 3600,
                "metavar": "SECONDS",
                "help": "how long finished sessions, SDK records and expired SdkTokens are kept (default 7 days)",
            },
        ),
        (
            ("--admin-token",),
            {
                "default": os.environ.get("LIVENESS_MOCK_ADMIN_TOKEN"),
                "metavar": "TOKEN",
                "help": "token every /__admin call needs (required off loopback; default $LIVENESS_MOCK_ADMIN_TOKEN)",
            },
        ),
        (
            ("--link-secret",),
            {
                "default": os.environ.get("LIVENESS_MOCK_LINK_SECRET"),
                "metavar": "SECRET",
                "help": "key of the media links, shared by processes that serve each other's links "
                "(default $LIVENESS_MOCK_LINK_SECRET, else derived from --seed, else random)",
            },
        ),
    ]


def _seconds(what: str, default: float) -> dict[str, Any]:
    return {"type": _positive_seconds, "default": default, "metavar": "S", "help": f"{what} S seconds ({default:g})"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="liveness-mock", description="Offline twin of ADVANCE AI's liveness APIs.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="start the mock server")
    for flags, options in _serve_options():
        serve.add_argument(*flags, **options)
    serve.set_defaults(run=_serve)
    routes = sub.add_parser("routes", help="print every (host, method, path) served")
    routes.add_argument(
        "--mock-url", metavar="URL", help="print each route as this mock's URL for it (URL/@sg-api/path...)"
    )
    routes.set_defaults(run=_routes)
    openapi = sub.add_parser("openapi", help="print the OpenAPI 3.1 document")
    openapi.add_argument("--format", choices=("json", "yaml"), default="json")
    openapi.add_argument(
        "--mock-url",
        metavar="URL",
        help="servers at this mock (http://127.0.0.1:8080/@sg-api...) instead of the vendor's hosts",
    )
    openapi.set_defaults(run=_openapi)
    proxy_cli.add_parser(sub)
    drift_cli.add_parser(sub)
    return parser


def _clock_ms(text: str) -> int:
    from .clock import CLOCK_RANGE

    value = int(text)
    if not CLOCK_RANGE[0] <= value <= CLOCK_RANGE[1]:
        raise argparse.ArgumentTypeError(f"must be 13-digit milliseconds, {CLOCK_RANGE[0]} to {CLOCK_RANGE[1]}")
    return value


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app
    from .server import base_url, bind, uvicorn_config

    settings = _settings(args)
    if settings.workers > 1 and settings.state == "memory":
        print(
            f"liveness-mock: --workers {settings.workers} needs a shared --state (sqlite:///path/state.db or"
            " redis://host:port/db): in memory each worker would have its own tokens and sessions",
            file=sys.stderr,
        )
        return 2
    try:
        app = create_app(settings)  # with workers, a check: each worker builds its own
    except (
        ValueError,
        LookupError,
        RuntimeError,
    ) as exc:  # a bad fixture or state, an unknown scenario, an unsafe bind
        print(f"liveness-mock: {exc}", file=sys.stderr)
        return 2
    config = uvicorn_config(app, settings)
    sock = bind(config)
    print(f"liveness-mock {__version__} serving on {base_url(sock)} (Ctrl-C to stop)", flush=True)
    if settings.workers > 1:
        app.state.mock.store.close()
        _run_workers(settings, sock)
    else:
        # uvicorn handles SIGINT/SIGTERM, then re-raises them to the handlers it found: make those
        # quiet so a requested stop ends with status 0 rather than a traceback or -15.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: None)
        uvicorn.Server(config).run(sockets=[sock])
    print("liveness-mock stopped", flush=True)
    return 0


def _run_workers(settings: Settings, sock: socket.socket) -> None:
    """``settings.workers`` processes serving ``sock``, each building its own app (uvicorn spawns
    them and starts a new one when one dies); until SIGINT or SIGTERM."""
    from uvicorn.supervisors.multiprocess import Multiprocess

    from .app import create_app
    from .server import uvicorn_config

    factory = functools.partial(create_app, settings)
    config = uvicorn_config(factory, settings, factory=True, workers=settings.workers)
    Multiprocess(config, sockets=[sock]).run()


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(
        host=args.host,
        port=args.port,
        seed=args.seed,
        fixtures=tuple(args.fixtures),
        strict=args.strict,
        clock_ms=args.clock_ms,
        public_url=args.public_url,
        callback_hosts=tuple(args.callback_host),
        scenarios=tuple(args.scenario),
        scenario_header=not args.no_scenario_header,
        journal_size=args.journal_size,
        admin_token=args.admin_token,
        link_secret=args.link_secret,
        header_timeout_s=args.header_timeout,
        body_timeout_s=args.body_timeout,
        keep_alive_s=args.keep_alive_timeout,
        state=args.state,
        workers=args.workers,
        retention_ms=args.retention * 1000,
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _positive_seconds(text: str) -> float:
    value = float(text)
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text}")
    return value


def _routes(args: argparse.Namespace) -> int:
    from .contract.catalog_loader import load_catalog
    from .contract.resources import schemas_dir

    catalog = load_catalog(schemas_dir())
    rows = sorted((r.host, r.method, r.path, r.endpoint_id, r.action) for r in catalog.routes())
    width = max(len(r[0]) for r in rows)
    base = args.mock_url.rstrip("/") if args.mock_url else None
    for host, method, path, endpoint, action in rows:
        selector = f"  X-TC-Action: {action}" if action else ""
        where = f"{base}/@{host.split('.', 1)[0]}{path}" if base else path
        print(f"{host:<{width}}  {method:<4}  {where}{selector}  ({endpoint})")
    return 0


def _openapi(args: argparse.Namespace) -> int:
    from .contract.catalog_loader import load_catalog
    from .contract.examples import load_examples
    from .contract.openapi import OpenApiBuilder
    from .contract.resources import fixtures_dir, schemas_dir
    from .contract.schemas import load_contract

    catalog = load_catalog(schemas_dir())
    examples = load_examples(fixtures_dir() / "examples")
    builder = OpenApiBuilder(catalog, load_contract(catalog, schemas_dir()), examples, mock_url=args.mock_url)
    document = builder.build()
    if args.format == "yaml":
        import yaml

        sys.stdout.write(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    else:
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0
