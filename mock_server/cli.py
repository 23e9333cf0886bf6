"""``liveness-mock`` (also ``python -m mock_server``): serve, routes, openapi, drift."""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import os
import signal
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import ConfigError, Option, read_file, resolve
from .drift import cli as drift_cli
from .logs import FORMATS, LEVELS, log_config
from .proxy import cli as proxy_cli
from .settings import Settings
from .version import __version__

if TYPE_CHECKING:
    from .contract.catalog import Catalog

CONFIG_ENV = "LIVENESS_MOCK_CONFIG"


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
                "default": "memory",
                "metavar": "URL",
                "help": "where the state lives: memory (default), sqlite:///path/state.db (one machine, several"
                " processes), redis://host:port/db (many machines)",
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
                "default": None,
                "metavar": "TOKEN",
                "help": "token every /__admin call needs (required off loopback; better from the environment)",
            },
        ),
        (
            ("--link-secret",),
            {
                "default": None,
                "metavar": "SECRET",
                "help": "key of the media links, shared by processes that serve each other's links "
                "(default: derived from --seed, else random)",
            },
        ),
        (
            ("--host-ports",),
            {
                "action": "extend",
                "type": _host_ports,
                "default": [],
                "metavar": "HOST=PORT,...",
                "help": "extra ports, each serving one regional host whatever the Host header (sg-api=8081,my-api=8082;"
                " port 0: any free one; repeatable)",
            },
        ),
        (
            ("--log-level",),
            {"choices": LEVELS, "default": "warning", "help": "what the mock and uvicorn log (warning)"},
        ),
        (
            ("--log-format",),
            {"choices": FORMATS, "default": "text", "help": "log lines as text or one JSON object each"},
        ),
        (
            ("--access-log",),
            {
                "action": "store_true",
                "help": "one line per request on stdout: method host path endpoint code status ms",
            },
        ),
    ]


def _seconds(what: str, default: float) -> dict[str, Any]:
    return {"type": _positive_seconds, "default": default, "metavar": "S", "help": f"{what} S seconds ({default:g})"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="liveness-mock", description="Offline twin of ADVANCE AI's liveness APIs.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser(
        "serve",
        help="start the mock server",
        epilog="Every option may also come from the environment (LIVENESS_MOCK_<OPTION>, e.g. LIVENESS_MOCK_PORT=8081)"
        " or from the TOML file of --config (port = 8081): the command line wins over the environment, which wins"
        " over the file.",
    )
    serve.add_argument("--config", metavar="FILE", type=Path, help=f"a TOML file of options (default ${CONFIG_ENV})")
    for flags, options in _serve_options():
        serve.add_argument(*flags, **{**options, "default": argparse.SUPPRESS})  # unset: the other layers decide
    serve.set_defaults(run=_serve)
    routes = sub.add_parser("routes", help="print every (host, method, path) served")
    routes.add_argument(
        "--mock-url", metavar="URL", help="print each route as this mock's URL for it (URL/@sg-api/path...)"
    )
    routes.add_argument(*_HOST_PORTS_FLAGS, **_HOST_PORTS_LISTED)
    routes.set_defaults(run=_routes)
    openapi = sub.add_parser("openapi", help="print the OpenAPI 3.1 document")
    openapi.add_argument("--format", choices=("json", "yaml"), default="json")
    openapi.add_argument(
        "--mock-url",
        metavar="URL",
        help="servers at this mock (http://127.0.0.1:8080/@sg-api...) instead of the vendor's hosts",
    )
    openapi.add_argument(*_HOST_PORTS_FLAGS, **_HOST_PORTS_LISTED)
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

    try:
        values = serve_values(args, os.environ)
    except ConfigError as exc:
        return _fail(str(exc))
    settings = _settings_of(values)
    if settings.workers > 1 and settings.state == "memory":
        return _fail(
            f"--workers {settings.workers} needs a shared --state (sqlite:///path/state.db or"
            " redis://host:port/db): in memory each worker would have its own tokens and sessions"
        )
    logging = log_config(values["log_level"], values["log_format"])
    try:
        app = create_app(settings)  # with workers, a check: each worker builds its own
        config = uvicorn_config(app, settings, log_config=logging, log_level=values["log_level"])
        sock = bind(config)
        extra = [(label, bind(config, port, f"--host-ports {label}=")) for label, port in settings.host_ports]
    except (
        ValueError,
        LookupError,
        RuntimeError,
    ) as exc:  # a bad fixture or state, an unknown scenario or host, a busy port
        return _fail(str(exc))
    ports = tuple((label, s.getsockname()[1]) for label, s in extra)
    for label, port in ports:
        app.pin_port(label, port)
    settings = dataclasses.replace(settings, host_ports=ports)
    sockets = [sock, *(s for _, s in extra)]
    server = None
    if settings.workers <= 1:
        # uvicorn handles SIGINT/SIGTERM, then re-raises them to the handlers it found: make those
        # quiet so a requested stop ends with status 0 rather than a traceback or -15. Installed
        # before the start-up line, so a stop that comes right after it still ends cleanly.
        server = uvicorn.Server(config)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: setattr(server, "should_exit", True))
        freeze_startup_objects()
    print(_banner(base_url(sock), settings, [(label, base_url(s)) for label, s in extra]), flush=True)
    if server is None:
        app.state.mock.store.close()
        _run_workers(settings, sockets, logging, values["log_level"])
    else:
        server.run(sockets=sockets)
    print("liveness-mock stopped", flush=True)
    return 0


def _fail(message: str) -> int:
    """One line on stderr, exit status 2: what a user can act on, never a traceback."""
    print(f"liveness-mock: {message}", file=sys.stderr)
    return 2


def _banner(url: str, settings: Settings, extra: list[tuple[str, str]]) -> str:
    """The start-up line: where to call, where to look, what is active (never a secret). The
    dashboard's address is one a browser can open: --public-url, or this machine for 0.0.0.0."""
    scenarios = ", ".join(settings.scenarios) or "none"
    ports = "".join(f"; {label} on {where}" for label, where in extra)
    browse = (settings.public_url or url.replace("//0.0.0.0:", "//127.0.0.1:").replace("//[::]:", "//[::1]:")).rstrip(
        "/"
    )
    return (
        f"liveness-mock {__version__} serving on {url} (dashboard {browse}/__admin/;"
        f" state {settings.state.split(':', 1)[0]}; scenarios: {scenarios}{ports}; Ctrl-C to stop)"
    )


def _run_workers(settings: Settings, sockets: list[socket.socket], logging: dict[str, Any], level: str) -> None:
    """``settings.workers`` processes serving ``sockets``, each building its own app (uvicorn spawns
    them and starts a new one when one dies); until SIGINT or SIGTERM."""
    from uvicorn.supervisors.multiprocess import Multiprocess

    from .server import uvicorn_config

    factory = functools.partial(_worker_app, settings)
    config = uvicorn_config(
        factory, settings, factory=True, workers=settings.workers, log_config=logging, log_level=level
    )
    Multiprocess(config, sockets=sockets).run()


def _worker_app(settings: Settings) -> Any:
    """A worker's app (module level: uvicorn pickles the factory into each process)."""
    from .app import create_app

    app = create_app(settings)
    freeze_startup_objects()
    return app


def freeze_startup_objects() -> None:
    """Move what start-up built (catalog, schemas, routes: most of the heap) out of the garbage
    collector's way: a full collection then walks only what requests made, so its pauses under
    load are short (the serving process's own objects; never done in a test process)."""
    import gc

    gc.freeze()


def serve_options() -> list[Option]:
    """``serve``'s options as the configuration layers see them (flag, variable, file key, default)."""
    parser = argparse.ArgumentParser(add_help=False)
    options = []
    for flags, keywords in _serve_options():
        action = parser.add_argument(*flags, **keywords)
        options.append(Option.of(action, keywords.get("default")))
    return options


def serve_values(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, Any]:
    """Each ``serve`` option's value: the command line, else the environment, else ``--config``'s
    file, else the default (ConfigError: a bad value, naming where it came from)."""
    options = serve_options()
    path = getattr(args, "config", None) or (Path(environ[CONFIG_ENV]) if environ.get(CONFIG_ENV) else None)
    file = read_file(path, options) if path is not None else {}
    values: dict[str, Any] = resolve(options, vars(args), environ, file, f"config file {path}")
    return values


def options_table() -> str:
    """The Markdown table of every ``serve`` option (docs/configuration.md carries it, checked)."""
    rows = ["| Flag | Environment variable | TOML key | Default | What |", "| --- | --- | --- | --- | --- |"]
    for option in serve_options():
        default = option.default
        shown = "off" if option.kind == "switch" else "none" if default in (None, []) else str(default)
        what = option.help.replace("|", "\\|")
        rows.append(f"| `{option.flag}` | `{option.env}` | `{option.key}` | {shown} | {what} |")
    return "\n".join(rows) + "\n"


def _settings(args: argparse.Namespace) -> Settings:
    """The Settings of a parsed ``serve`` command line, with the environment and --config's file."""
    return _settings_of(serve_values(args, os.environ))


def _settings_of(values: Mapping[str, Any]) -> Settings:
    return Settings(
        host=values["host"],
        port=values["port"],
        seed=values["seed"],
        fixtures=tuple(values["fixtures"]),
        strict=values["strict"],
        clock_ms=values["clock_ms"],
        public_url=values["public_url"],
        callback_hosts=tuple(values["callback_host"]),
        scenarios=tuple(values["scenario"]),
        scenario_header=not values["no_scenario_header"],
        journal_size=values["journal_size"],
        admin_token=values["admin_token"],
        link_secret=values["link_secret"],
        header_timeout_s=values["header_timeout"],
        body_timeout_s=values["body_timeout"],
        keep_alive_s=values["keep_alive_timeout"],
        state=values["state"],
        workers=values["workers"],
        retention_ms=values["retention"] * 1000,
        access_log=values["access_log"],
        host_ports=tuple(values["host_ports"]),
    )


def _host_ports(text: str) -> list[tuple[str, int]]:
    """``sg-api=8081,my-api=8082`` -> [("sg-api", 8081), ("my-api", 8082)]."""
    pairs = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        label, equals, port = item.partition("=")
        if not equals or not label.strip() or not port.strip().isdigit() or int(port) > 65535:
            raise argparse.ArgumentTypeError(f"give HOST=PORT pairs, like sg-api=8081 (port 0 to 65535), not {item!r}")
        pairs.append((label.strip(), int(port)))
    return pairs


_HOST_PORTS_FLAGS = ("--host-ports",)
_HOST_PORTS_LISTED: dict[str, Any] = {
    "action": "extend",
    "type": _host_ports,
    "default": [],
    "metavar": "HOST=PORT,...",
    "help": "with --mock-url: hosts served on their own port (as given to serve --host-ports)",
}


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
    try:
        own = _host_urls(catalog, args)
    except (ValueError, LookupError) as exc:
        return _fail(str(exc))
    rows = sorted((r.host, r.method, r.path, r.endpoint_id, r.action) for r in catalog.routes())
    width = max(len(r[0]) for r in rows)
    base = args.mock_url.rstrip("/") if args.mock_url else None
    for host, method, path, endpoint, action in rows:
        selector = f"  X-TC-Action: {action}" if action else ""
        where = own[host] + path if host in own else f"{base}/@{host.split('.', 1)[0]}{path}" if base else path
        print(f"{host:<{width}}  {method:<4}  {where}{selector}  ({endpoint})")
    return 0


def _host_urls(catalog: Catalog, args: argparse.Namespace) -> dict[str, str]:
    """``--host-ports`` with ``--mock-url``: each named host's own base URL (the mock's, on its port)."""
    from urllib.parse import urlsplit

    from .gateway.hosts import HostResolver

    if not args.host_ports:
        return {}
    if not args.mock_url:
        raise ValueError("--host-ports names ports of a mock: give its --mock-url too")
    url = urlsplit(args.mock_url.rstrip("/"))
    resolver = HostResolver(catalog.hosts, catalog.default_host)
    hostname = f"[{url.hostname}]" if url.hostname and ":" in url.hostname else url.hostname
    return {
        resolver.pin(0, label): url._replace(netloc=f"{hostname}:{port}").geturl() for label, port in args.host_ports
    }


def _openapi(args: argparse.Namespace) -> int:
    from .contract.catalog_loader import load_catalog
    from .contract.examples import load_examples
    from .contract.openapi import OpenApiBuilder
    from .contract.resources import fixtures_dir, schemas_dir
    from .contract.schemas import load_contract

    catalog = load_catalog(schemas_dir())
    try:
        own = _host_urls(catalog, args)
    except (ValueError, LookupError) as exc:
        return _fail(str(exc))
    examples = load_examples(fixtures_dir() / "examples")
    contract = load_contract(catalog, schemas_dir())
    builder = OpenApiBuilder(catalog, contract, examples, mock_url=args.mock_url, host_urls=own)
    document = builder.build()
    if args.format == "yaml":
        import yaml

        sys.stdout.write(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    else:
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0
