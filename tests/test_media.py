from __future__ import annotations

from mock_server.clock import MockClock
from mock_server.contract.resources import fixtures_dir
from mock_server.ids import IdFactory
from mock_server.media import MediaLibrary, MediaLinks


def links(**limits: int) -> tuple[MediaLinks, MockClock]:
    clock = MockClock(1_700_000_000_000, wall=lambda: 0)
    return MediaLinks(MediaLibrary(fixtures_dir() / "media"), clock, IdFactory(1), **limits), clock


def token(path: str) -> str:
    return path.split("/")[3]


def test_the_library_holds_real_files() -> None:
    library = MediaLibrary(fixtures_dir() / "media")
    assert library["face_far.jpg"].content[:3] == b"\xff\xd8\xff"
    assert library["liveness.mp4"].media_type == "video/mp4" and library["liveness.mp4"].size > 1000
    assert len(library["liveness.webm"].md5) == 32


def test_a_link_lives_exactly_its_lifetime() -> None:
    media, clock = links()
    path = media.publish("face_far.jpg", "s1", 1_000)
    assert path.startswith("/__mock/media/") and path.endswith("/face_far.jpg")
    clock.advance(999)
    assert media.resolve(token(path)) is not None
    clock.advance(1)
    assert media.resolve(token(path)) is None


def test_an_owner_keeps_its_newest_links_per_asset() -> None:
    media, _ = links(per_asset=2)
    first, second, third = (media.publish("face_far.jpg", "s1", 10_000) for _ in range(3))
    other = media.publish("face_near.jpg", "s1", 10_000)
    assert media.resolve(token(first)) is None
    assert all(media.resolve(token(p)) is not None for p in (second, third, other))


def test_the_table_is_bounded() -> None:
    media, _ = links(max_links=3)
    paths = [media.publish("face_far.jpg", f"owner{i}", 10_000) for i in range(5)]
    assert [media.resolve(token(p)) is not None for p in paths] == [False, False, True, True, True]


def test_revoke_kills_every_link_of_an_owner_only() -> None:
    media, _ = links()
    mine = [media.publish(name, "s1", 10_000) for name in ("face_far.jpg", "liveness.mp4")]
    theirs = media.publish("face_far.jpg", "s2", 10_000)
    assert media.revoke("s1") == 2 and media.revoke("s1") == 0
    assert all(media.resolve(token(p)) is None for p in mine)
    assert media.resolve(token(theirs)) is not None
