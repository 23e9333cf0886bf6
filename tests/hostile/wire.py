"""Raw HTTP over a socket, for what httpx will not send: bytes as given, split, pipelined, cut off.

``exchange`` sends the segments of a ``Probe`` (pausing between them if asked), then reads until
the server closes, and parses every answer with h11 (a strict parser: a malformed answer is a
finding too). A log handler (``LogTap``) keeps what the server logs, to look for tracebacks.
"""

from __future__ import annotations

import logging
import socket
import time
from dataclasses import dataclass, field

import h11

READ_TIMEOUT_S = 10.0


@dataclass
class Probe:
    """What a client does: send ``segments`` (pausing ``pause_s`` between them), then read the
    answers (``answers`` of them: 2 when pipelined), or close without reading (``vanish``)."""

    segments: list[bytes]
    methods: list[str] = field(default_factory=lambda: ["POST"])  # one per answer (HEAD has no body)
    pause_s: float = 0.0
    vanish: bool = False

    @property
    def requests(self) -> int:
        return len(self.methods)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()


@dataclass
class Outcome:
    answers: list[Answer]
    problem: str = ""  # the connection or the answers' framing went wrong


def exchange(address: tuple[str, int], probe: Probe) -> Outcome:
    """Send ``probe``; read until every answer it expects is in, or the server closes."""
    with socket.create_connection(address, timeout=READ_TIMEOUT_S) as sock:
        sent_all = _send(sock, probe)
        if probe.vanish:
            return Outcome([])
        raw, problem, parse_at = bytearray(), "", 0
        try:
            while chunk := sock.recv(1 << 16):
                raw += chunk
                if len(raw) < parse_at:
                    continue  # parse again once the answer doubled: linear in its size
                answers, _ = parse_answers(bytes(raw), probe.methods)
                if len(answers) == len(probe.methods):
                    return Outcome(answers)
                parse_at = 2 * len(raw)
        except ConnectionResetError:
            problem = "" if raw else "connection reset without an answer"
        except TimeoutError:
            problem = f"no complete answer within {READ_TIMEOUT_S} s"
    answers, parse_problem = parse_answers(bytes(raw), probe.methods)
    if not answers and not sent_all:
        problem = problem or "the server closed the connection while the request was being sent, without an answer"
    return Outcome(answers, problem or parse_problem)


def _send(sock: socket.socket, probe: Probe) -> bool:
    for index, segment in enumerate(probe.segments):
        if index and probe.pause_s:
            time.sleep(probe.pause_s)
        try:
            sock.sendall(segment)
        except (BrokenPipeError, ConnectionResetError):
            return False  # the server answered early (413) and closed: read what it said
    return True


def parse_answers(raw: bytes, methods: list[str]) -> tuple[list[Answer], str]:
    """Every HTTP answer in ``raw`` (one per method sent, in order), and what was wrong with them."""
    answers: list[Answer] = []
    conn = h11.Connection(h11.CLIENT)
    conn.receive_data(raw)
    conn.receive_data(b"")
    for method in methods:
        if answers:
            try:
                conn.start_next_cycle()
            except h11.LocalProtocolError:
                return answers, f"{len(answers)} answer(s) of {len(methods)}, then the connection closed"
        conn.send(h11.Request(method=method, target="/", headers=[("Host", "probe")]))
        conn.send(h11.EndOfMessage())
        try:
            answer = _next_answer(conn)
        except h11.RemoteProtocolError as exc:
            return answers, f"a malformed answer: {exc}"
        if answer is None:
            return answers, "no answer" if not answers else f"{len(answers)} answer(s) of {len(methods)}"
        answers.append(answer)
    return answers, ""


def _next_answer(conn: h11.Connection) -> Answer | None:
    answer: Answer | None = None
    body: list[bytes] = []
    while True:
        event = conn.next_event()
        if isinstance(event, h11.InformationalResponse):
            continue  # 100 Continue
        if isinstance(event, h11.Response):
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in event.headers}
            answer = Answer(event.status_code, headers, b"")
        elif isinstance(event, h11.Data):
            body.append(bytes(event.data))
        elif isinstance(event, h11.EndOfMessage) and answer is not None:
            answer.body = b"".join(body)
            return answer
        elif event is h11.NEED_DATA or isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
            return None


class LogTap(logging.Handler):
    """Keeps every record logged while attached (formatted, with any traceback)."""

    LOGGERS = ("", "uvicorn", "uvicorn.error", "mock_server")

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def take(self) -> list[str]:
        taken, self.lines = self.lines, []
        return taken

    def __enter__(self) -> LogTap:
        for name in self.LOGGERS:
            logging.getLogger(name).addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        for name in self.LOGGERS:
            logging.getLogger(name).removeHandler(self)


def is_bad_log(line: str) -> bool:
    """A traceback or an error: what hostile input must never cause."""
    return "Traceback" in line or line.startswith(("ERROR", "CRITICAL"))
