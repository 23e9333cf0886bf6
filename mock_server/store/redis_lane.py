"""One Redis connection this process's requests use directly: a command costs its round trip.

redis-py's client methods add pool checkout, retry and observability wrappers to each call
(about as long again as a loopback round trip); the store's request path instead sends through
one of redis-py's own ``Connection`` objects (its RESP packing, its hiredis parser) held for the
process. Admin paths (scans, pipelines) keep using the client.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from redis.commands.core import Script

T = TypeVar("T")


class FastLane:
    def __init__(self, client: redis.Redis) -> None:
        self.pool = client.connection_pool
        self._conn: Any = None
        self._lock = threading.Lock()  # requests run on the event loop; tests and admin may call from others

    def call(self, *args: Any) -> Any:
        """Send one command, read its reply."""

        def one(conn: Any) -> Any:
            conn.send_command(*args, check_health=False)
            return conn.read_response()

        return self._round_trip(one)

    def pipeline(self, commands: list[tuple[Any, ...]]) -> list[Any]:
        """Send several commands in one write and read their replies (one round trip); a reply that
        is an error comes back as its exception."""

        def many(conn: Any) -> list[Any]:
            conn.send_packed_command(conn.pack_commands(commands), check_health=False)
            return [_reply(conn) for _ in commands]

        return self._round_trip(many)

    def _round_trip(self, exchange: Callable[[Any], T]) -> T:
        """``exchange`` on the held connection. A connection found dead (a restarted server) is
        replaced once: the commands never reached a server then, so sending them again is safe."""
        with self._lock:
            for attempt in (1, 2):
                conn = self._conn if self._conn is not None else self._connect()
                try:
                    return exchange(conn)
                except (redis.ConnectionError, redis.TimeoutError, OSError):
                    conn.disconnect()
                    self._conn = None
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")  # pragma: no cover

    def script(self, script: Script, keys: list[Any], args: list[Any]) -> Any:
        """EVALSHA, loading the script if the server does not know it (it restarted)."""
        try:
            return self.call("EVALSHA", script.sha, len(keys), *keys, *args)
        except redis.exceptions.NoScriptError:
            self.call("SCRIPT", "LOAD", script.script)
            return self.call("EVALSHA", script.sha, len(keys), *keys, *args)

    def _connect(self) -> Any:
        self._conn = self.pool.make_connection()
        self._conn.connect()
        return self._conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.disconnect()
                self._conn = None


def _reply(conn: Any) -> Any:
    try:
        return conn.read_response()
    except redis.ResponseError as exc:  # this command's error: the following replies are still to read
        return exc


class Batcher:
    """Scripts sent by concurrent requests, pipelined: the first of a turn of the event loop
    schedules one round trip at the end of the turn for all those sent meanwhile; each awaits its
    own reply. Under load a round trip carries several requests' calls, and no request blocks the
    others while Redis answers."""

    def __init__(self, lane: FastLane) -> None:
        self.lane = lane
        self._pending: list[tuple[Script, tuple[Any, ...], asyncio.Future[Any]]] = []

    def script(self, script: Script, keys: list[Any], args: list[Any]) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append((script, ("EVALSHA", script.sha, len(keys), *keys, *args), future))
        if len(self._pending) == 1:
            loop.call_soon(self._send)
        return future

    def _send(self) -> None:
        pending, self._pending = self._pending, []
        try:
            replies = self.lane.pipeline([command for _, command, _ in pending])
            unknown = {s.script for (s, _, _), r in zip(pending, replies, strict=True) if _no_script(r)}
            if unknown:  # the server restarted and forgot them: load, then send again
                for source in unknown:
                    self.lane.call("SCRIPT", "LOAD", source)
                replies = self.lane.pipeline([command for _, command, _ in pending])
        except (redis.RedisError, OSError) as exc:
            for _, _, future in pending:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, _, future), reply in zip(pending, replies, strict=True):
            if future.done():  # its request went away (the client left)
                continue
            if isinstance(reply, Exception):
                future.set_exception(reply)
            else:
                future.set_result(reply)


def _no_script(reply: Any) -> bool:
    return isinstance(reply, redis.exceptions.NoScriptError)
