"""Image and video links over real HTTP: each answers for its whole documented life on the mock
clock ("the url will remain valid for only 24 hours", 002; "a link that will be expired in 1 day",
000), however many other links were issued, and no longer; tampered links are refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from mock_server.app import create_app
from mock_server.clock import DAY_MS
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from ..helpers import DETECTION_PATH, VIDEO_PATH, access_token, complete, h5_session

GONE = {"error": "this media link does not exist, has expired or was deleted"}


def image_link(http: httpx.Client, token: str, signature_id: str) -> str:
    answer = http.post(DETECTION_PATH, json={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": token})
    return str(answer.json()["data"]["imageFarUrl"])


def video_link(http: httpx.Client, token: str, signature_id: str) -> str:
    answer = http.get(VIDEO_PATH, params={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": token})
    return str(answer.json()["data"]["videoUrl"])


LinkOf = Callable[[httpx.Client, str, str], str]
KINDS = pytest.mark.parametrize("link_of", [image_link, video_link], ids=["IMAGE_URL 24 h", "video 1 day"])


def completed(http: httpx.Client, token: str) -> str:
    signature_id = str(h5_session(http, token)["signatureId"])
    complete(http, signature_id)
    return signature_id


def expiry_of(link: str) -> int:
    """A link says when it expires: ``/__mock/media/<tag>.<stamp>.<expires>.<mac>/<file>``."""
    return int(urlsplit(link).path.split("/")[3].split(".")[2])


def now(http: httpx.Client) -> int:
    return int(http.get("/__admin/clock").json()["nowMs"])


def served_just_before(http: httpx.Client, link: str, expires: int) -> bool:
    """Served with the mock clock in [expires - 100 ms, expires): the clock ticks with the wall
    clock, so each try checks afterwards that the request came before the expiry."""
    for _ in range(20):
        http.post("/__admin/clock", json={"nowMs": expires - 100})
        status = http.get(link).status_code
        if now(http) < expires:
            return status == 200
    raise AssertionError("100 ms of mock time never covered one request")


@KINDS
def test_a_link_answers_until_exactly_its_documented_life(http: httpx.Client, token: str, link_of: LinkOf) -> None:
    signature_id = completed(http, token)
    before = now(http)
    link = link_of(http, token, signature_id)
    issued_by = now(http)
    expires = expiry_of(link)
    assert before + DAY_MS <= expires <= issued_by + DAY_MS
    assert served_just_before(http, link, expires)
    http.post("/__admin/clock", json={"nowMs": expires})  # the clock only moves on from here
    gone = http.get(link)
    assert (gone.status_code, gone.json()) == (404, GONE)


def test_a_thousand_later_links_leave_the_first_alive(http: httpx.Client, token: str) -> None:
    """Once, a link died after 4 more of its asset were issued (IMAGE_URL links are made the same way)."""
    signature_id = completed(http, token)
    first = video_link(http, token, signature_id)
    later = [video_link(http, token, signature_id) for _ in range(1_000)]
    assert len(set(later)) > 1  # fresh links, as asking again gives
    http.post("/__admin/clock", json={"nowMs": expiry_of(first) - 1_000})
    assert http.get(first).status_code == 200 and http.get(later[-1]).status_code == 200


def tamper(link: str, part: int) -> str:
    """Change one part of the token (tag, stamp, expiry, MAC) or, with part 4, the file name."""
    scheme, netloc, path, _, _ = urlsplit(link)
    prefix, token, name = path.rsplit("/", 2)
    pieces = token.split(".")
    if part == 4:
        name = "face_near.jpg" if name != "face_near.jpg" else "face_far.jpg"
    elif part == 3:
        pieces[3] = ("0" if pieces[3][0] != "0" else "1") + pieces[3][1:]
    elif part == 0:
        pieces[0] = "f" * len(pieces[0])
    else:
        pieces[part] = str(int(pieces[part]) + DAY_MS)
    return f"{scheme}://{netloc}{prefix}/{'.'.join(pieces)}/{name}"


@pytest.mark.parametrize("part", [0, 1, 2, 3, 4], ids=["owner", "stamp", "expiry", "mac", "asset"])
def test_a_tampered_link_is_refused_with_the_mock_error(http: httpx.Client, token: str, part: int) -> None:
    link = image_link(http, token, completed(http, token))
    assert http.get(link).status_code == 200
    refused = http.get(tamper(link, part))
    assert (refused.status_code, refused.json()) == (404, GONE)


def test_links_issued_before_a_reset_are_refused_after_it(http: httpx.Client, token: str) -> None:
    """The choice: /__admin/reset empties everything, links included (docs/choices.md)."""
    link = video_link(http, token, completed(http, token))
    assert http.get(link).status_code == 200
    http.post("/__admin/reset")
    assert http.get(link).status_code == 404
    fresh = access_token(http)
    assert http.get(video_link(http, fresh, completed(http, fresh))).status_code == 200


@pytest.fixture(scope="module")
def twins() -> Iterator[tuple[str, str]]:
    """Two mock processes started with one --link-secret."""
    shared = Settings(port=0, link_secret="shared")
    with ThreadedServer(create_app(shared), shared) as first, ThreadedServer(create_app(shared), shared) as second:
        yield first.url, second.url


def test_processes_with_one_link_secret_serve_each_others_links(twins: tuple[str, str], server: ThreadedServer) -> None:
    first, second = twins
    with httpx.Client(base_url=first, timeout=10) as client:
        link = video_link(client, (token := access_token(client)), completed(client, token))
    path = urlsplit(link).path
    assert httpx.get(second + path, timeout=10).status_code == 200
    assert httpx.get(server.url + path, timeout=10).status_code == 404  # another key (the session's seed)
