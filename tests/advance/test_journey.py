"""The whole liveness journey over real HTTP, for every outcome and both kinds of session."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from mock_server.contract.schemas import ContractSchemas

from ..helpers import (
    CLEAR_PATH,
    DETECTION_PATH,
    GET_RESULT_PATH,
    RETURN_URL,
    VIDEO_PATH,
    access_token,
    complete,
    envelope,
    h5_session,
    idvs_session,
)

OUTCOMES = {
    # outcome: (Get Result code, score range or None, attack types)
    "pass": ("SUCCESS", (50, 100), {None}),
    "cross_device": ("SUCCESS", (50, 100), {None}),
    "fail": ("SUCCESS", (0, 49.99), {1, 2, 3}),
    "presentation_attack": ("SUCCESS", (0, 0), {1}),
    "injection_attack": ("SUCCESS", (0, 0), {2}),
    "unsure_attack": ("SUCCESS", (0, 0), {3}),
    "too_many_faces": ("TOO_MANY_FACES_DETECTED", None, {None}),
    "no_face": ("NO_FACE_DETECTED", None, {None}),
    "invalid_face": ("INVALID_FACE_DETECTED", None, {None}),
    "face_occluded": ("FACE_OCCLUDED", None, {None}),
    "face_quality_too_poor": ("FACE_QUALITY_TOO_POOR", None, {None}),
}
REGIONAL_DETECTION = [
    ("api.advance.ai", DETECTION_PATH),
    ("sg-api.advance.ai", "/intl/openapi/face-identity/v1/liveness-detection"),
    ("my-api.advance.ai", "/my/openapi/face-identity/v1/liveness-detection"),
    ("nga-api.advance.ai", "/nga/openapi/face-identity/v1/liveness-detection"),
]


class Journey:
    """One client's view of the vendor, checking every answer against its schema."""

    def __init__(self, api: httpx.Client, contract: ContractSchemas) -> None:
        self.api = api
        self.contract = contract

    def call(
        self, endpoint: str, method: str, path: str, params: dict[str, Any], host: str = "api.advance.ai"
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"params": params} if method == "GET" else {"json": params}
        body = envelope(self.api.request(method, path, headers={"Host": host}, **kwargs))
        assert self.contract.response_problems(endpoint, body) == [], body
        return body

    def result(self, signature_id: str) -> dict[str, Any]:
        return self.call("get_result", "POST", GET_RESULT_PATH, {"signatureId": signature_id})

    def detection(
        self, params: dict[str, Any], host: str = "api.advance.ai", path: str = DETECTION_PATH
    ) -> dict[str, Any]:
        return self.call("liveness_detection", "POST", path, params, host)

    def video(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.call("get_video", "GET", VIDEO_PATH, params)

    def clear(self, signature_id: str) -> dict[str, Any]:
        return self.call("pii_clear_data", "GET", CLEAR_PATH, {"signatureId": signature_id})


@pytest.fixture
def journey(api: httpx.Client, contract: ContractSchemas) -> Journey:
    return Journey(api, contract)


def new_session(http: httpx.Client, token: str, kind: str) -> str:
    data = h5_session(http, token) if kind == "h5" else idvs_session(http, token)
    return str(data["signatureId"])


@pytest.mark.parametrize("kind", ["h5", "idvs"])
@pytest.mark.parametrize("outcome", list(OUTCOMES))
def test_the_journey_for_each_outcome(
    http: httpx.Client, token: str, journey: Journey, kind: str, outcome: str
) -> None:
    code, score_range, attacks = OUTCOMES[outcome]
    signature_id = new_session(http, token, kind)
    assert journey.result(signature_id)["code"] == "LIVENESS_NO_RESULT"
    assert journey.detection({"signatureId": signature_id})["code"] == "RESULT_NOT_FOUND"
    complete(http, signature_id, outcome)

    result = journey.result(signature_id)
    assert result["code"] == code and result["pricingStrategy"] == "FREE"
    data = result["data"]
    assert base64.b64decode(data["image"])[:3] == b"\xff\xd8\xff"  # a real JPEG
    assert data["attackType"] in attacks
    if score_range:
        assert score_range[0] <= data["score"] <= score_range[1]
        assert base64.b64decode(data["video"])[:4] == b"\x1a\x45\xdf\xa3"  # a real WebM (EBML)
    else:
        assert data["score"] is None and data["video"] is None and data["imageNear"] is None

    detection = journey.detection({"signatureId": signature_id, "resultType": "IMAGE_BASE64"})
    assert detection["code"] == "SUCCESS" and detection["pricingStrategy"] == "PAY"
    assert base64.b64decode(detection["data"]["detectionResult"])[:3] == b"\xff\xd8\xff"
    assert (detection["data"]["livenessScore"] < 50) == (outcome not in ("pass", "cross_device"))

    video = journey.video({"signatureId": signature_id})
    assert video["code"] == ("SUCCESS" if score_range else "VIDEO_NOT_FOUND")

    assert journey.clear(signature_id)["code"] == "SUCCESS"
    assert journey.result(signature_id)["code"] == "RESULT_NOT_FOUND"
    assert journey.detection({"signatureId": signature_id})["code"] == "RESULT_NOT_FOUND"
    assert journey.video({"signatureId": signature_id})["code"] == "VIDEO_NOT_FOUND"


@pytest.mark.parametrize(("host", "path"), REGIONAL_DETECTION)
def test_image_url_results_on_regional_hosts_are_served_by_the_mock(
    http: httpx.Client, token: str, journey: Journey, host: str, path: str
) -> None:
    signature_id = new_session(http, token, "idvs")
    complete(http, signature_id, "pass")
    data = journey.detection({"signatureId": signature_id, "region": "SGP"}, host=host, path=path)["data"]
    for key in ("detectionResult", "imageFarUrl", "imageNearUrl"):
        image = http.get(data[key])
        assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
        assert image.content[:3] == b"\xff\xd8\xff"
    assert data["farImageTime"] < data["nearImageTime"]


def test_get_video_serves_a_real_video_with_its_creation_time(http: httpx.Client, token: str, journey: Journey) -> None:
    signature_id = new_session(http, token, "h5")
    completed_at = complete(http, signature_id, "pass")
    video = journey.video({"signatureId": signature_id})["data"]
    assert video["videoCreateTime"] >= completed_at["createdMs"]
    served = http.get(video["videoUrl"])
    assert served.headers["content-type"] == "video/mp4" and served.content[4:8] == b"ftyp"


def test_clear_data_stops_the_media_links(http: httpx.Client, token: str, journey: Journey) -> None:
    signature_id = new_session(http, token, "h5")
    complete(http, signature_id, "pass")
    image_url = journey.detection({"signatureId": signature_id})["data"]["imageFarUrl"]
    video_url = journey.video({"signatureId": signature_id})["data"]["videoUrl"]
    journey.clear(signature_id)
    assert http.get(image_url).status_code == 404 and http.get(video_url).status_code == 404


def test_clear_data_of_an_unknown_or_foreign_id_is_a_harmless_success(
    http: httpx.Client, token: str, journey: Journey
) -> None:
    assert journey.clear("0000000000000000")["code"] == "SUCCESS"


def test_sdk_liveness_records_by_liveness_id(http: httpx.Client, journey: Journey) -> None:
    liveness_id = http.post("/__admin/liveness", json={"outcome": "unsure_attack", "video": True}).json()["livenessId"]
    detection = journey.detection({"livenessId": liveness_id, "resultType": "IMAGE_URL"})
    assert detection["data"]["attackType"] == 3 and detection["data"]["livenessScore"] == 0.0
    assert http.get(detection["data"]["detectionResult"]).status_code == 200
    assert journey.video({"livenessId": liveness_id})["code"] == "SUCCESS"
    silent = http.post("/__admin/liveness", json={"outcome": "pass", "video": False}).json()["livenessId"]
    assert journey.video({"livenessId": silent})["code"] == "VIDEO_NOT_FOUND"


def test_unknown_ids_get_their_documented_codes(journey: Journey) -> None:
    assert journey.result("0123456789abcdef")["code"] == "SIGNATURE_NOT_EXIST"
    assert journey.detection({"livenessId": "nope"})["code"] == "LIVENESS_ID_NOT_EXISTED"
    assert journey.detection({"signatureId": "0123456789abcdef"})["code"] == "RESULT_NOT_FOUND"
    assert journey.video({"livenessId": "nope"})["code"] == "LIVENESS_ID_NOT_EXIST"
    assert journey.video({"signatureId": "0123456789abcdef"})["code"] == "SIGNATURE_ID_NOT_EXIST"


def test_another_account_cannot_see_or_clear_a_session(
    http: httpx.Client, token: str, contract: ContractSchemas
) -> None:
    signature_id = new_session(http, token, "h5")
    complete(http, signature_id, "pass")
    other = access_token(http, "novideoaccesskey", "novideosecretkey")
    with httpx.Client(base_url=str(http.base_url), headers={"X-ACCESS-TOKEN": other}) as client:
        foreign = Journey(client, contract)
        assert foreign.result(signature_id)["code"] == "SIGNATURE_NOT_EXIST"
        assert foreign.video({"signatureId": signature_id})["code"] == "SIGNATURE_ID_NOT_EXIST"
        assert foreign.clear(signature_id)["code"] == "SUCCESS"
    owner = http.post(GET_RESULT_PATH, json={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": token})
    assert owner.json()["code"] == "SUCCESS"  # the foreign clear-data deleted nothing


REGIONAL_GET_TOKEN = "/intl/openapi/face-identity/v2/h5/token"  # public integrations' path, not in the docs


@pytest.mark.parametrize("host", ["sg-api.advance.ai", "ph-api.advance.ai", "nga-api.advance.ai"])
def test_regional_get_token_is_get_token_v2(http: httpx.Client, token: str, journey: Journey, host: str) -> None:
    """An alias beyond the docs: the session it opens is Get Token (H5 v2)'s, read by Get Result."""
    created = journey.call("get_token", "POST", REGIONAL_GET_TOKEN, {"returnUrl": RETURN_URL, "region": "IDN"}, host)
    assert created["code"] == "SUCCESS" and created["pricingStrategy"] == "FREE"
    refused = journey.call("get_token", "POST", REGIONAL_GET_TOKEN, {"returnUrl": RETURN_URL, "region": "ID"}, host)
    assert (refused["code"], refused["message"]) == ("REGION_WRONG", "Region is wrong")
    signature_id = created["data"]["signatureId"]
    complete(http, signature_id, "pass")
    assert journey.result(signature_id)["code"] == "SUCCESS"
    entry = http.get("/__admin/requests", params={"path": REGIONAL_GET_TOKEN, "limit": 1}).json()
    assert entry["requests"][0]["endpoint"] == "get_token"


def test_regional_get_token_is_not_on_api_advance_ai(api: httpx.Client) -> None:
    body = {"returnUrl": RETURN_URL, "region": "IDN"}
    assert api.post(REGIONAL_GET_TOKEN, json=body, headers={"Host": "api.advance.ai"}).status_code == 404
