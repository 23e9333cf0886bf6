"""The bad-input catalogue as data: kind name -> how to turn a route's plausible request into it.

Each builder takes a ``Target`` and returns the ``Probe`` a hostile client would send. Value kinds
put one bad value into the route's focus field (the body, or the query of a GET), keeping the
rest of the request valid so the value gets as deep as it can; the others break the body, the
headers, the path, the method or the framing.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from urllib.parse import quote

from .targets import Target
from .wire import Probe

Builder = Callable[[Target], Probe]
MIB = 1 << 20


def request(
    t: Target,
    *,
    method: str | None = None,
    target: str | None = None,
    body: bytes | None = None,
    content_type: str | None = "application/json",
    extra: list[tuple[bytes, bytes]] | None = None,
    host: bytes | None = None,
    version: bytes = b"HTTP/1.1",
    framing: str = "length",  # length, chunked, both, none
    close: bool = True,
) -> bytes:
    """One request, byte for byte: ``t``'s unless told otherwise."""
    body = default_body(t) if body is None else body
    line_target = (target or t.path + query_string(t.query)).encode("utf-8", "surrogateescape")
    lines = [(method or t.method).encode() + b" " + line_target + b" " + version]
    headers: list[tuple[bytes, bytes]] = []
    if host is not None or t.host:
        headers.append((b"Host", host if host is not None else t.host.encode()))
    headers += [(k.encode(), v.encode()) for k, v in t.auth_headers(body).items()]
    if content_type and (body or t.body is not None):
        headers.append((b"Content-Type", content_type.encode()))
    if framing in ("length", "both") and (body or t.body is not None):
        headers.append((b"Content-Length", str(len(body)).encode()))
    if framing in ("chunked", "both"):
        headers.append((b"Transfer-Encoding", b"chunked"))
        body = chunked(body)
    if close:
        headers.append((b"Connection", b"close"))
    headers += extra or []
    lines += [name + b": " + value for name, value in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def default_body(t: Target) -> bytes:
    return json.dumps(t.body).encode() if t.body is not None else b""


def query_string(query: dict[str, str], raw_tail: str = "") -> str:
    pairs = [f"{quote(k)}={quote(v)}" for k, v in query.items()]
    if raw_tail:
        pairs.append(raw_tail)
    return "?" + "&".join(pairs) if pairs else ""


def chunked(body: bytes, size: int = 64 * 1024) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size]) for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def one(t: Target, raw: bytes, **options: object) -> Probe:
    return Probe([raw], methods=[t.method], **options)  # type: ignore[arg-type]


# --- value kinds: one bad value in the focus field -------------------------------------------


def with_value(json_text: bytes, query_text: str) -> Builder:
    """The focus field set to ``json_text`` (raw JSON) in a body, or ``query_text`` (raw, already
    percent-encoded or not) in the query of a body-less request."""

    def build(t: Target) -> Probe:
        if t.body is None:
            rest = {k: v for k, v in t.query.items() if k != t.focus}
            target = t.path + query_string(rest, f"{quote(t.focus)}={query_text}")
            return one(t, request(t, target=target))
        rest_json = json.dumps({k: v for k, v in t.body.items() if k != t.focus}).encode()
        joiner = b", " if len(rest_json) > 2 else b""
        body = rest_json[:-1] + joiner + json.dumps(t.focus).encode() + b": " + json_text + b"}"
        return one(t, request(t, body=body))

    return build


NESTED_600 = b'{"a": [' * 300 + b"1" + b"]}" * 300
VALUES: dict[str, Builder] = {
    "huge-float-1e400": with_value(b"1e400", "1e400"),
    "huge-integer-400-digits": with_value(b"1" + b"0" * 400, "1" + "0" * 400),
    "nan": with_value(b"NaN", "NaN"),
    "infinity": with_value(b"-Infinity", "-Infinity"),
    "lone-surrogate-escaped": with_value(b'"\\ud800"', "%ED%A0%80"),
    "lone-surrogate-raw-bytes": with_value(b'"\xed\xa0\x80"', "\udced\udca0\udc80"),
    "invalid-utf8": with_value(b'"\xff\xfe\xc3"', "%FF%FE%C3"),
    "control-characters-escaped": with_value(b'"\\u0000\\u0007\\u001b"', "%00%07%1B"),
    "control-characters-raw": with_value(b'"\x01\x07\x1b"', "\x01\x07"),
    "long-string-200k": with_value(b'"' + b"x" * 200_000 + b'"', "x" * 60_000),
    "nested-600-levels": with_value(NESTED_600, quote(NESTED_600.decode())),
    "operator-object": with_value(b'{"$ne": null, "__proto__": {"polluted": true}}', "%7B%22%24ne%22%3Anull%7D"),
}


def escaped_key(t: Target) -> Probe:
    """The focus key spelled with a \\u escape (``"signatur\\u0065"``): the same key to a parser."""
    if t.body is None:
        return with_value(b'""', "%5Cu0065")(t)
    key = json.dumps(t.focus)[:-2] + f"\\u{ord(t.focus[-1]):04x}" + '"'
    rest = json.dumps({k: v for k, v in t.body.items() if k != t.focus})
    value = json.dumps(t.body.get(t.focus, "x"))
    body = (rest[:-1] + (", " if len(rest) > 2 else "") + f"{key}: {value}}}").encode()
    return one(t, request(t, body=body))


# --- whole-body kinds ------------------------------------------------------------------------


def with_body(body: bytes, content_type: str | None = "application/json", framing: str = "length") -> Builder:
    return lambda t: one(t, request(t, body=body, content_type=content_type, framing=framing))


def truncated(t: Target) -> Probe:
    whole = default_body(t) or b'{"probe": "truncated"}'
    return one(t, request(t, body=whole[: len(whole) // 2]))


def with_bom(t: Target) -> Probe:
    return one(t, request(t, body=b"\xef\xbb\xbf" + (default_body(t) or b"{}")))


def duplicate_keys(t: Target) -> Probe:
    whole = default_body(t) or b'{"probe": 1}'
    return one(t, request(t, body=whole[:-1] + b', "' + t.focus.encode() + b'": [1, 2]}'))


def huge_body(framing: str) -> Builder:
    body = b'{"probe": "' + b"x" * (2 * MIB) + b'"}'
    return lambda t: one(t, request(t, body=body, framing=framing))


def short_length(t: Target) -> Probe:
    """Content-Length shorter than the body: the rest arrives as a second, broken request."""
    whole = default_body(t) or b'{"probe": "rest"}'
    raw = request(t, body=whole[:5])
    return Probe([raw + whole[5:] + b"\r\n\r\n"], methods=[t.method])


def form(content_type: str, body: bytes) -> Builder:
    return lambda t: one(t, request(t, body=body, content_type=content_type))


MULTIPART = b'--b\r\nContent-Disposition: form-data; name="signatureId"\r\n\r\nabc\r\n--b--\r\n'
BODIES: dict[str, Builder] = {
    "malformed-json": with_body(b'{"signatureId": "abc",, }'),
    "truncated-json": truncated,
    "non-object-array": with_body(b"[1, 2, 3]"),
    "non-object-string": with_body(b'"just a string"'),
    "non-object-null": with_body(b"null"),
    "empty-body": with_body(b""),
    "deep-nesting-10000": with_body(b"[" * 10_000 + b"]" * 10_000),
    "bom": with_bom,
    "duplicate-keys": duplicate_keys,
    "escaped-key": escaped_key,
    "huge-body-with-length": huge_body("length"),
    "huge-body-chunked": huge_body("chunked"),
    "chunked-small": lambda t: one(t, request(t, framing="chunked")),
    "chunked-and-length": lambda t: one(t, request(t, framing="both")),
    "length-shorter-than-body": short_length,
    "content-type-text-plain": lambda t: one(t, request(t, content_type="text/plain")),
    "content-type-form": form("application/x-www-form-urlencoded", b"signatureId=abc&region=IDN"),
    "content-type-multipart": form("multipart/form-data; boundary=b", MULTIPART),
    "no-content-type": lambda t: one(t, request(t, content_type=None)),
}


# --- headers and hosts -----------------------------------------------------------------------


def with_headers(*extra: tuple[bytes, bytes]) -> Builder:
    return lambda t: one(t, request(t, extra=list(extra)))


def with_host(host: bytes) -> Builder:
    return lambda t: one(t, request(t, host=host))


def without_host(t: Target) -> Probe:
    raw = request(t, host=b"")
    return one(t, raw.replace(b"Host: \r\n", b"", 1))


HEADERS: dict[str, Builder] = {
    "header-invalid-utf8": with_headers((b"X-Probe", b"\xff\xfe\xc3"), (b"X-Mock-Caller", b"\xff")),
    "header-lone-surrogate": with_headers((b"X-Access-Token", b"\xed\xa0\x80"), (b"X-Mock-Scenario", b"\xed\xa0\x80")),
    "header-control-characters": with_headers((b"X-Probe", b"a\x01b\x7f")),
    "header-huge-1mib": with_headers((b"X-Probe", b"x" * MIB)),
    "headers-many-2000": with_headers(*[(b"X-Probe-%d" % i, b"v") for i in range(2000)]),
    "host-empty": with_host(b""),
    "host-missing": without_host,
    "host-duplicate": with_headers((b"Host", b"sg-api.advance.ai")),
    "host-odd-values": with_host(b"api.advance.ai:99999999@evil.example\\..%00"),
    "host-non-ascii": with_host(b"\xff\xfe.advance.ai"),
}


# --- paths and methods -----------------------------------------------------------------------


def traversal(step: str) -> Builder:
    """``step`` (a spelling of ``../``) four times inside the route's path, then a system file."""

    def build(t: Target) -> Probe:
        head, _, tail = t.path.rpartition("/")
        return one(t, request(t, target=f"{head}/{step * 4}etc/passwd?{tail}"))

    return build


def with_method(method: str, target: str | None = None) -> Builder:
    return lambda t: Probe([request(t, method=method, target=target)], methods=[method])


PATHS: dict[str, Builder] = {
    "traversal-dot-dot": traversal("../"),
    "traversal-percent": traversal("%2e%2e/"),
    "traversal-encoded-slash": traversal("..%2f"),
    "traversal-double-encoded": traversal("%252e%252e%252f"),
    "traversal-backslash": traversal("..\\"),
    "traversal-overlong-utf8": traversal("%c0%ae%c0%ae%c0%af"),
    "path-null-byte": lambda t: one(t, request(t, target=t.path + "%00.json")),
    "path-8k-long": lambda t: one(t, request(t, target=t.path + "/" + "a" * 8192)),
    "absolute-form-target": lambda t: one(t, request(t, target=f"http://evil.example{t.path}")),
    "method-propfind": with_method("PROPFIND"),
    "method-trace": with_method("TRACE"),
    "method-connect": with_method("CONNECT", "api.advance.ai:443"),
    "method-options": with_method("OPTIONS"),
    "method-lowercase": lambda t: Probe([request(t, method=t.method.lower())], methods=[t.method]),
    "method-unknown": with_method("FROBNICATE"),
}


# --- framing, protocol, timing ----------------------------------------------------------------


def pipelined(t: Target) -> Probe:
    return Probe([request(t, close=False) + request(t)], methods=[t.method, t.method])


def upgrade(*headers: tuple[bytes, bytes]) -> Builder:
    """A GET (no body) asking to switch protocols."""

    def build(t: Target) -> Probe:
        extra = [(b"Connection", b"Upgrade"), *headers]
        raw = request(t, method="GET", body=b"", content_type=None, framing="none", close=False, extra=extra)
        return Probe([raw], methods=["GET"])

    return build


def slow(t: Target) -> Probe:
    raw = request(t)
    cut = [0, len(raw) // 3, 2 * len(raw) // 3, len(raw)]
    return Probe([raw[a:b] for a, b in itertools.pairwise(cut)], methods=[t.method], pause_s=0.005)


def vanish(at: str) -> Builder:
    def build(t: Target) -> Probe:
        raw = request(t, body=default_body(t) or b'{"probe": "gone"}')
        head, _, body = raw.partition(b"\r\n\r\n")
        sent = head[: len(head) // 2] if at == "head" else head + b"\r\n\r\n" + body[: len(body) // 2]
        return Probe([sent], methods=[t.method], vanish=True)

    return build


WEBSOCKET = [
    (b"Upgrade", b"websocket"),
    (b"Sec-WebSocket-Key", b"dGhlIHNhbXBsZSBub25jZQ=="),
    (b"Sec-WebSocket-Version", b"13"),
]
PROTOCOL: dict[str, Builder] = {
    "http-1.0": lambda t: one(t, request(t, version=b"HTTP/1.0", close=False)),
    "pipelining": pipelined,
    "upgrade-websocket": upgrade(*WEBSOCKET),
    "upgrade-h2c": upgrade((b"Upgrade", b"h2c"), (b"HTTP2-Settings", b"AAMAAABkAAQAAP__")),
    "http2-preface": lambda t: Probe([b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"], methods=["GET"]),
    "expect-100-continue": with_headers((b"Expect", b"100-continue")),
    "slow-client": slow,
    "vanish-mid-head": vanish("head"),
    "vanish-mid-body": vanish("body"),
}

KINDS: dict[str, Builder] = {**VALUES, **BODIES, **HEADERS, **PATHS, **PROTOCOL}
