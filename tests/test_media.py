"""Media links: self-contained and signed, so they live their whole documented life with
nothing stored per link; revocation (clear-data) and reset still kill them."""

from __future__ import annotations

import pytest

from mock_server.clock import DAY_MS, MockClock
from mock_server.contract.resources import fixtures_dir
from mock_server.media import MAX_LINK_LIFETIME_MS, MediaLibrary, MediaLinks, link_key
from mock_server.store import MemoryStore

LIBRARY = MediaLibrary(fixtures_dir() / "media")
KEY = link_key(seed=7)


def links(key: bytes = KEY, store: MemoryStore | None = None, **limits: int) -> tuple[MediaLinks, MockClock]:
    clock = MockClock(1_700_000_000_000, wall=lambda: 0)
    return MediaLinks(LIBRARY, clock, key, store or MemoryStore(), **limits), clock


def served(media: MediaLinks, path: str) -> bool:
    token, name = path.split("/")[3:5]
    return media.resolve(token, name) is not None


def test_the_library_holds_real_files() -> None:
    library = LIBRARY
    assert library["face_far.jpg"].content[:3] == b"\xff\xd8\xff"
    assert library["liveness.mp4"].media_type == "video/mp4" and library["liveness.mp4"].size > 1000
    assert len(library["liveness.webm"].md5) == 32


def test_a_link_lives_exactly_its_lifetime() -> None:
    media, clock = links()
    path = media.publish("face_far.jpg", "s1", 1_000)
    assert path.startswith("/__mock/media/") and path.endswith("/face_far.jpg")
    clock.advance(999)
    assert served(media, path)
    clock.advance(1)
    assert not served(media, path)


def test_a_link_carries_its_expiry_and_no_owner_in_clear() -> None:
    media, clock = links()
    path = media.publish("liveness.mp4", "SDK-TOKEN-SECRET", DAY_MS)
    tag, stamp, expires, mac = path.split("/")[3].split(".")
    assert (int(stamp), int(expires)) == (clock.now_ms(), clock.now_ms() + DAY_MS)
    assert "SDK-TOKEN-SECRET" not in path and len(tag) == 24 and len(mac) == 32


def test_a_thousand_later_links_leave_the_first_alive() -> None:
    media, clock = links()
    first = media.publish("face_far.jpg", "s1", DAY_MS)
    later = [media.publish("face_far.jpg", "s1", DAY_MS) for _ in range(1_000)]
    clock.advance(DAY_MS - 1)
    assert served(media, first) and served(media, later[-1])


def test_no_link_outlives_a_day() -> None:
    media, clock = links()
    path = media.publish("face_far.jpg", "s1", 10 * DAY_MS)
    clock.advance(MAX_LINK_LIFETIME_MS)
    assert not served(media, path)


def tampered(path: str, part: int, value: str) -> str:
    token, name = path.split("/")[3:5]
    pieces = token.split(".")
    if part == 4:
        return f"/__mock/media/{token}/{value}"
    pieces[part] = value
    return f"/__mock/media/{'.'.join(pieces)}/{name}"


@pytest.mark.parametrize(
    ("part", "change"),
    [
        (0, lambda v: "0" * 24),  # another owner
        (1, lambda v: str(int(v) + 1)),  # the stamp
        (2, lambda v: str(int(v) + DAY_MS)),  # a later expiry
        (3, lambda v: ("1" if v[0] != "1" else "2") + v[1:]),  # the MAC
        (4, lambda v: "face_near.jpg"),  # another asset
        (2, lambda v: "9" * 40),  # absurd numbers
        (3, lambda v: v.upper()),
        (1, lambda v: "-1"),
    ],
)
def test_a_tampered_link_is_refused(part: int, change: object) -> None:
    media, _ = links()
    path = media.publish("face_far.jpg", "s1", DAY_MS)
    original = path.split("/")[4] if part == 4 else path.split("/")[3].split(".")[part]
    assert served(media, path)
    assert not served(media, tampered(path, part, change(original)))  # type: ignore[operator]


def test_malformed_tokens_are_refused() -> None:
    media, _ = links()
    for token in ["", "a.b.c", "a.b.c.d.e", "x" * 200, "..."]:
        assert media.resolve(token, "face_far.jpg") is None


def test_revoke_kills_every_link_of_an_owner_only_and_later_links_live() -> None:
    media, _ = links()
    mine = [media.publish(name, "s1", 10_000) for name in ("face_far.jpg", "liveness.mp4")]
    theirs = media.publish("face_far.jpg", "s2", 10_000)
    media.revoke("s1")
    assert not any(served(media, p) for p in mine)
    assert served(media, theirs)
    again = media.publish("face_far.jpg", "s1", 10_000)  # the same millisecond as the revocation
    assert served(media, again) and not any(served(media, p) for p in mine)


def test_revoke_covers_links_issued_before_the_clock_was_moved_back() -> None:
    media, clock = links()
    path = media.publish("face_far.jpg", "s1", DAY_MS)
    clock.advance(-60_000)
    media.revoke("s1")
    assert not served(media, path)


def test_revocations_are_bounded() -> None:
    media, _ = links(max_revocations=3)
    for i in range(10):
        media.revoke(f"owner{i}")
    assert media.revocations == 3


def test_reset_refuses_links_issued_before_it() -> None:
    store = MemoryStore()
    media, _ = links(store=store)
    before = media.publish("face_far.jpg", "s1", DAY_MS)
    store.reset()
    media.reset()
    assert not served(media, before)
    assert served(media, media.publish("face_far.jpg", "s1", DAY_MS))


def test_instances_with_one_key_accept_each_others_links_and_only_they() -> None:
    issuer, _ = links(link_key(secret="shared"))
    twin, _ = links(link_key(secret="shared"))
    stranger, _ = links(link_key(secret="another"))
    path = issuer.publish("liveness.mp4", "s1", DAY_MS)
    assert served(twin, path) and not served(stranger, path)
    assert link_key(seed=7) == link_key(seed=7) != link_key(seed=8)
    assert link_key() != link_key()  # no seed, no secret: random per instance


def test_a_revocation_through_one_instance_is_followed_by_another_on_the_same_store() -> None:
    """What two processes on one shared state do (tests/store/test_fleet.py runs them for real)."""
    store = MemoryStore()
    issuer, _ = links(store=store)
    other, _ = links(store=store)
    path = issuer.publish("face_far.jpg", "s1", DAY_MS)
    assert served(other, path)
    issuer.revoke("s1")
    assert served(other, path)  # not followed yet: the fleet calls follow once the log moved
    other.follow(store.control().revocations)
    assert not served(other, path) and not served(issuer, path)
    assert served(other, other.publish("face_far.jpg", "s1", DAY_MS))
