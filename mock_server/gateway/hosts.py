"""Which documented host a request is for, from its ``Host`` header.

The port is ignored; ``<prefix>.localhost`` stands for the documented host whose first label is
``<prefix>`` (``my-api.localhost`` -> ``my-api.advance.ai``); anything else (127.0.0.1,
localhost, an unknown name) is the default host, ``api.advance.ai``.

For clients that can set neither a Host header nor a name that resolves (most SDKs, generated
clients, Schemathesis), the host can lead the path instead: ``/@sg-api/intl/openapi/...`` (the
first label, or the whole host name) is that host's ``/intl/openapi/...``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

_CACHE_LIMIT = 1024
PATH_PREFIX = "/@"


class HostResolver:
    def __init__(self, hosts: Iterable[str], default: str) -> None:
        ordered = list(hosts)
        self.hosts = frozenset(ordered)
        self.default = default
        self._by_label: dict[str, str] = {}
        for host in ordered:  # in catalog order: of two hosts with one first label, the first is <label>.localhost
            self._by_label.setdefault(host.split(".", 1)[0], host)
        self._cache: dict[str, str] = {}
        self.ports: dict[int, str] = {}  # --host-ports: a listening port that is one host

    def named(self, name: str) -> str | None:
        """The documented host called ``name`` (its first label or the whole host name)."""
        name = name.lower()
        return name if name in self.hosts else self._by_label.get(name)

    def pin(self, port: int, name: str) -> str:
        """Requests arriving on ``port`` are for host ``name``; port 0 only checks the name."""
        host = self.named(name)
        if host is None:
            close = difflib.get_close_matches(name.lower(), [*self._by_label, *self.hosts], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(sorted(self._by_label))})"
            raise LookupError(f"no regional host named {name!r}{hint}")
        if port:
            self.ports[port] = host
        return host

    def at_port(self, server: tuple[str, int] | None, otherwise: str) -> str:
        """The host pinned to the port a request came in on, else ``otherwise``."""
        return self.ports.get(server[1], otherwise) if server else otherwise

    def split_path(self, path: str) -> tuple[str, str] | None:
        """``/@<label or host>/rest`` -> (the documented host, ``/rest``); None when it names no host."""
        name, _, rest = path[len(PATH_PREFIX) :].partition("/")
        host = self.named(name)
        return None if host is None else (host, "/" + rest)

    def names_documented(self, header: str | None) -> bool:
        """Whether a Host header names a documented host (or its ``<prefix>.localhost``), rather
        than falling back to the default one (127.0.0.1, localhost, an unknown name)."""
        name = strip_port(header or "").lower().rstrip(".")
        return name in self.hosts or (name.endswith(".localhost") and name[: -len(".localhost")] in self._by_label)

    def resolve(self, header: str | None) -> str:
        """The canonical host for a raw ``Host`` header value (memoised: headers repeat)."""
        if header is None:
            return self.default
        found = self._cache.get(header)
        if found is None:
            found = self._resolve(header)
            if len(self._cache) < _CACHE_LIMIT:
                self._cache[header] = found
        return found

    def _resolve(self, header: str) -> str:
        name = strip_port(header).lower().rstrip(".")
        if name in self.hosts:
            return name
        if name.endswith(".localhost"):
            return self._by_label.get(name[: -len(".localhost")], self.default)
        return self.default


def strip_port(header: str) -> str:
    """``host:port`` -> ``host``; ``[::1]:80`` -> ``[::1]``."""
    if header.startswith("["):
        return header[: header.find("]") + 1] if "]" in header else header
    return header.rsplit(":", 1)[0] if ":" in header else header


def host_spellings(header: str | None) -> list[str]:
    """The hosts a signing client may have meant by this Host header: as sent, then without its port
    (Tencent's Python SDK signs ``127.0.0.1:8080``, its Node SDKs ``127.0.0.1`` under TC3)."""
    sent = (header or "").strip()
    if not sent:
        return []
    name = strip_port(sent)
    return [sent] if name == sent else [sent, name]
