"""Which documented host a request is for, from its ``Host`` header.

The port is ignored; ``<prefix>.localhost`` stands for the documented host whose first label is
``<prefix>`` (``my-api.localhost`` -> ``my-api.advance.ai``); anything else (127.0.0.1,
localhost, an unknown name) is the default host, ``api.advance.ai``.

For clients that can set neither a Host header nor a name that resolves (most SDKs, generated
clients, Schemathesis), the host can lead the path instead: ``/@sg-api/intl/openapi/...`` (the
first label, or the whole host name) is that host's ``/intl/openapi/...``.
"""

from __future__ import annotations

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

    def split_path(self, path: str) -> tuple[str, str] | None:
        """``/@<label or host>/rest`` -> (the documented host, ``/rest``); None when it names no host."""
        name, _, rest = path[len(PATH_PREFIX) :].partition("/")
        host = name.lower() if name.lower() in self.hosts else self._by_label.get(name.lower())
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
