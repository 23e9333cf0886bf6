"""``--state redis://host:port/db``: the state in a Redis server, for replicas on many machines.

Keys live under ``lm:``. Records are orjson strings (a session is a hash: data, owner, polls,
version) that Redis forgets by TTL when their life ends; every read-modify-write is a Lua script
(one round trip, atomic on the server): polls, compare-and-set session changes, counters,
buckets, windows. Control-plane changes are announced to every replica (``redis_announce``).
Access tokens never change once minted, so each process keeps the ones it has seen.
One standalone Redis (or a primary): not Redis Cluster (scripts address keys they compute).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from ..clock import MockClock
from . import codec, redis_scripts
from .base import CALLER_LIFETIME_MS, SessionChange, StateUnavailable, without_password
from .fleet import Outage
from .records import AccessToken, Activation, Control, LivenessRecord, SdkToken, Session
from .redis_announce import Announcer
from .redis_lane import Batcher, FastLane

PREFIX = "lm:"
SOCKET_TIMEOUT_S = 3.0  # a hung server answers 503 after this, never a hang
CONNECT_TIMEOUT_S = 1.0
MAX_CHANGE_TRIES = 50
MAX_CACHED_TOKENS = 10_000
P = ParamSpec("P")
T = TypeVar("T")


def _guarded(method: Callable[P, T]) -> Callable[P, T]:
    """Redis errors become StateUnavailable (HTTP 503), logged once per outage."""

    @functools.wraps(method)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> T:
        store: RedisStore = args[0]  # type: ignore[assignment]
        try:
            result = method(*args, **kwargs)
        except (redis.RedisError, OSError) as exc:
            raise store.outage.failed(exc) from None
        if store.outage.down:
            store.outage.recovered()
        return result

    return guarded


class RedisStore:
    shared = True

    def __init__(self, url: str, retention_ms: int, clock: MockClock) -> None:
        self.url = without_password(url)
        self.retention_ms = retention_ms
        self.clock = clock
        self.outage = Outage(self.url)
        retry = Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,))  # one reconnect
        self.r = redis.Redis.from_url(
            url, socket_timeout=SOCKET_TIMEOUT_S, socket_connect_timeout=CONNECT_TIMEOUT_S, retry=retry
        )
        try:
            self.r.ping()
        except (redis.RedisError, OSError) as exc:
            raise StateUnavailable(f"cannot reach the state {self.url}: {exc}") from None
        self.lane = FastLane(self.r)
        self.batcher = Batcher(self.lane)
        self.scripts = {name: self.r.register_script(getattr(redis_scripts, name)) for name in redis_scripts.NAMES}
        self.announcer = Announcer(self.r, PREFIX)
        self._tokens: dict[str, AccessToken] = {}
        self._generation = 0

    def _run(self, name: str, keys: list[Any], args: list[Any]) -> Any:
        return self.lane.script(self.scripts[name], keys, args)

    def _ttl(self, until_ms: int) -> int:
        """A mock-clock expiry as a Redis TTL (at least a second)."""
        return max(until_ms - self.clock.now_ms(), 1000)

    # ADVANCE AI access tokens
    @_guarded
    def put_token(self, token: AccessToken) -> None:
        value = codec.dumps([token.account, token.expires_ms])
        self.lane.call("SET", PREFIX + "t:" + token.token, value, "PX", self._ttl(token.expires_ms))

    @_guarded
    def token_expiries(self) -> list[tuple[str, int]]:
        pipe = self.r.pipeline(transaction=False)
        for key in self.r.scan_iter(match=PREFIX + "t:*", count=1000):
            pipe.get(key)
        return [(account, expires) for account, expires in map(codec.loads, filter(None, pipe.execute()))]

    @_guarded
    def token(self, token: str, now_ms: int) -> AccessToken | None:
        found = self._tokens.get(token)
        if found is None:
            raw = self.lane.call("GET", PREFIX + "t:" + token)
            if raw is None:
                return None
            account, expires = codec.loads(raw)
            found = AccessToken(token, account, expires)
            if len(self._tokens) >= MAX_CACHED_TOKENS:
                self._tokens.clear()
            self._tokens[token] = found
        if found.expires_ms <= now_ms:
            self._tokens.pop(token, None)
            self.lane.call("DEL", PREFIX + "t:" + token)  # seen expired: gone for the fleet
            return None
        return found

    # sessions
    @_guarded
    def save_session(self, session: Session) -> None:
        keys = [PREFIX + "s:" + session.signature_id, PREFIX + "p:" + session.page_token]
        finished = "0" if session.status == "pending" else "1"
        ttl = self._ttl(session.keep_until(self.retention_ms))
        args = [codec.dumps(session), session.account, session.polls, finished, ttl, session.signature_id]
        self._run("SAVE_SESSION", keys, args)

    @_guarded
    def session(self, signature_id: str) -> Session | None:
        data, polls = self.lane.call("HMGET", PREFIX + "s:" + signature_id, "d", "p")
        return None if data is None else codec.session_from(data, polls)

    @_guarded
    def session_by_page(self, page_token: str) -> Session | None:
        found = self._run("BY_PAGE", [PREFIX + "p:" + page_token], [PREFIX + "s:"])
        return None if not found else codec.session_from(found[0], found[1])

    @_guarded
    def sessions(self) -> list[Session]:
        pipe = self.r.pipeline(transaction=False)
        for key in self.r.scan_iter(match=PREFIX + "s:*", count=1000):
            pipe.hmget(key, "d", "p")
        found = [codec.session_from(d, p) for d, p in pipe.execute() if d is not None]
        return sorted(found, key=lambda s: s.created_ms)

    @_guarded
    def poll_session(self, signature_id: str, account: str) -> Session | None:
        found = self._run("POLL", [PREFIX + "s:" + signature_id], [account])
        return None if not found else codec.session_from(found[0], found[1])

    async def poll_session_async(self, signature_id: str, account: str) -> Session | None:
        """``poll_session``, pipelined with the polls of concurrent requests (``Batcher``)."""
        try:
            found = await self.batcher.script(self.scripts["POLL"], [PREFIX + "s:" + signature_id], [account])
        except (redis.RedisError, OSError) as exc:
            raise self.outage.failed(exc) from None
        if self.outage.down:
            self.outage.recovered()
        return None if not found else codec.session_from(found[0], found[1])

    @_guarded
    def change_session(self, signature_id: str, change: SessionChange) -> Session | None:
        key = PREFIX + "s:" + signature_id
        for _ in range(MAX_CHANGE_TRIES):  # optimistic: read, change, write if nobody wrote meanwhile
            data, polls, version = self.lane.call("HMGET", key, "d", "p", "v")
            if data is None:
                return None
            session = codec.session_from(data, polls)
            if not change(session):
                return session
            ttl = self._ttl(session.keep_until(self.retention_ms))
            finished = "0" if session.status == "pending" else "1"
            keys = [key, PREFIX + "p:" + session.page_token]
            if self._run("CHANGE", keys, [version, codec.dumps(session), ttl, finished]) == 1:
                return session
        raise StateUnavailable(f"session {signature_id} kept changing under {MAX_CHANGE_TRIES} tries")

    # SDK records, SdkTokens, ConfigureUI, usage
    @_guarded
    def save_liveness(self, record: LivenessRecord) -> None:
        ttl = self._ttl(record.keep_until(self.retention_ms))
        self.lane.call("SET", PREFIX + "l:" + record.liveness_id, codec.dumps(record), "PX", ttl)

    @_guarded
    def liveness(self, liveness_id: str) -> LivenessRecord | None:
        raw = self.lane.call("GET", PREFIX + "l:" + liveness_id)
        return None if raw is None else codec.liveness_from(raw)

    @_guarded
    def save_sdk_token(self, entry: SdkToken) -> None:
        ttl = self._ttl(entry.keep_until(self.retention_ms))
        self.lane.call("SET", PREFIX + "k:" + entry.token, codec.dumps(entry), "PX", ttl)

    @_guarded
    def sdk_token(self, token: str) -> SdkToken | None:
        raw = self.lane.call("GET", PREFIX + "k:" + token)
        return None if raw is None else codec.sdk_token_from(raw)

    @_guarded
    def save_ui_config(self, account: str, config: dict[str, Any]) -> None:
        self.lane.call("HSET", PREFIX + "ui", account, codec.dumps(config))

    @_guarded
    def ui_config(self, account: str) -> dict[str, Any] | None:
        return codec.json_object(self.lane.call("HGET", PREFIX + "ui", account))

    @_guarded
    def used(self, account: str) -> int:
        return int(self.lane.call("HGET", PREFIX + "used", account) or 0)

    @_guarded
    def charge(self, account: str) -> int:
        return int(self.lane.call("HINCRBY", PREFIX + "used", account, 1))

    # tallies and limits: one hash per scope and kind, so a scope goes with one DEL
    @_guarded
    def count(self, scope: str, name: str) -> int:
        return int(self._run("COUNT", [PREFIX + "n:" + scope], [name, _lifetime(scope)]))

    @_guarded
    def counts(self, scope: str) -> dict[str, int]:
        return {k.decode(): int(v) for k, v in _pairs(self.lane.call("HGETALL", PREFIX + "n:" + scope))}

    @_guarded
    def take(self, scope: str, name: str, per_second: float, burst: int, now_ms: int) -> float:
        args = [name, per_second / 1000, burst, now_ms, _lifetime(scope)]
        return float(self._run("TAKE", [PREFIX + "b:" + scope], args))

    @_guarded
    def admit(self, scope: str, name: str, limit: int, window_ms: int, now_ms: int) -> bool:
        return bool(self._run("ADMIT", [PREFIX + "w:" + scope], [name, limit, window_ms, now_ms]))

    @_guarded
    def drop(self, scope: str) -> None:
        self.lane.call("DEL", *(PREFIX + kind + scope for kind in ("n:", "b:", "w:")))

    # control plane
    @_guarded
    def control(self) -> Control:
        self.announcer.dirty = False  # before reading: an announcement from now on raises it again
        try:
            generation, offset, scenarios = self.lane.call("HMGET", PREFIX + "ctl", "gen", "clock", "scen")
        except BaseException:
            self.announcer.dirty = True  # not read: the next request tries again
            raise
        control = Control(int(generation or 1), None if offset is None else int(offset), int(scenarios or 0))
        if control.generation != self._generation:
            self._generation = control.generation
            self._tokens.clear()  # a reset happened: tokens minted before it are gone
        return control

    def changed(self) -> bool:
        return self.announcer.dirty

    @_guarded
    def join(self, seed: int) -> tuple[int, int]:
        member, agreed = self._run("JOIN", [PREFIX + "ctl"], [seed])
        return int(member), int(agreed)

    @_guarded
    def set_clock_offset(self, offset: int, *, keep_existing: bool = False) -> int:
        now_set = int(self._run("CLOCK", [PREFIX + "ctl"], [offset, "1" if keep_existing else "0"]))
        if not keep_existing:
            self.announcer.announce()
        return now_set

    @_guarded
    def activations(self) -> dict[str, Activation]:
        entries = sorted(_versioned(self.lane.call("HGETALL", PREFIX + "act")), key=lambda e: e[0])
        return {a.name: a for a in (codec.activation_from(data) for _, _, data in entries)}

    @_guarded
    def save_activation(self, activation: Activation) -> None:
        self._run("SCENARIO_WRITE", [PREFIX + "ctl", PREFIX + "act"], [activation.name, codec.dumps(activation)])
        self.announcer.announce()

    @_guarded
    def drop_activations(self, names: Iterable[str]) -> list[str]:
        dropped = self._run("SCENARIO_DROP", [PREFIX + "ctl", PREFIX + "act"], list(names))
        self.announcer.announce()
        return [n.decode() for n in dropped]

    @_guarded
    def inline_scenarios(self) -> dict[str, tuple[int, dict[str, Any]]]:
        entries = _versioned(self.lane.call("HGETALL", PREFIX + "inl"))
        return {name: (version, codec.loads(body)) for version, name, body in entries}

    @_guarded
    def define_inline(self, name: str, body: dict[str, Any]) -> int:
        revision = int(self._run("SCENARIO_WRITE", [PREFIX + "ctl", PREFIX + "inl"], [name, codec.dumps(body)]))
        self.announcer.announce()
        return revision

    @_guarded
    def caller_since(self, scope: str, caller: str, now_ms: int) -> int:
        key = f"{PREFIX}c:{scope}|{caller}"
        before = self.lane.call("SET", key, now_ms, "NX", "GET", "PX", CALLER_LIFETIME_MS)
        if before is not None:
            return int(before)
        index = PREFIX + "ci:" + scope
        self.lane.call("HSET", index, caller, now_ms)
        self.lane.call("PEXPIRE", index, CALLER_LIFETIME_MS)
        self.lane.call("DEL", *(PREFIX + kind + f"{scope}|{caller}" for kind in ("n:", "b:", "w:")))
        return now_ms

    @_guarded
    def callers(self, scope: str) -> dict[str, int]:
        oldest = self.clock.now_ms() - CALLER_LIFETIME_MS
        found = {k.decode(): int(v) for k, v in _pairs(self.lane.call("HGETALL", PREFIX + "ci:" + scope))}
        return {caller: since for caller, since in found.items() if since > oldest}

    # the request journal: capped streams (XADD MAXLEN ~), read newest first
    @_guarded
    def journal_append(self, entries: list[tuple[bytes, bool]], size: int, generation: int) -> None:
        args: list[Any] = [size, generation]
        for entry, miss in entries:
            args += [entry, "1" if miss else "0"]
        self._run("JOURNAL_APPEND", [PREFIX + "jid", PREFIX + "j", PREFIX + "jm", PREFIX + "ctl"], args)

    def generation_seen(self) -> int:
        return self._generation

    @_guarded
    def journal(self, limit: int, *, misses: bool = False) -> list[tuple[int, bytes]]:
        found = self.lane.call("XREVRANGE", PREFIX + ("jm" if misses else "j"), "+", "-", "COUNT", limit)
        return [(int(stream_id.partition(b"-")[0]), dict(_pairs(fields))[b"e"]) for stream_id, fields in found]

    @_guarded
    def journal_clear(self) -> None:
        self.lane.call("DEL", PREFIX + "j", PREFIX + "jm")

    # housekeeping: Redis forgets by TTL
    def housekeep(self, now_ms: int) -> None:
        pass

    @_guarded
    def reset(self) -> int:
        keep = {(PREFIX + "ctl").encode()}
        batch: list[bytes] = []
        for key in self.r.scan_iter(match=PREFIX + "*", count=1000):
            if key not in keep and not key.startswith((PREFIX + "ack:").encode()):
                batch.append(key)
            if len(batch) >= 1000:
                self.r.unlink(*batch)
                batch = []
        if batch:
            self.r.unlink(*batch)
        generation = int(self.lane.call("HINCRBY", PREFIX + "ctl", "gen", 1))
        self.lane.call("HDEL", PREFIX + "ctl", "clock")
        self._tokens.clear()
        self._generation = generation
        self.announcer.announce()
        return generation

    def close(self) -> None:
        self.announcer.close()
        self.lane.close()
        self.r.close()


def _lifetime(scope: str) -> int:
    """A caller's tallies (scope ``<scope>|<caller>``) last as long as the caller's state."""
    return CALLER_LIFETIME_MS if "|" in scope else 0


def _versioned(flat: list[bytes] | dict[bytes, bytes]) -> list[tuple[int, str, bytes]]:
    """(version, name, value) of the "<version>:<value>" fields the scenario scripts write."""
    found = []
    for name, raw in _pairs(flat):
        version, _, value = raw.partition(b":")
        found.append((int(version), name.decode(), value))
    return found


def _pairs(flat: list[Any] | dict[Any, Any]) -> list[tuple[Any, Any]]:
    """A reply of alternating fields and values (HGETALL, a stream entry; a map in RESP3) as pairs."""
    if isinstance(flat, dict):
        return list(flat.items())
    return list(zip(flat[::2], flat[1::2], strict=True))
