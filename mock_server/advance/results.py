"""What Get Result, Liveness Detection and Get Video report for a session or an SDK record.

Images and videos are real files (``fixtures/media``): base64 where the docs say base64, links
served by the mock where they say URL (images valid 24 h, videos 1 day, on the mock clock).
"""

from __future__ import annotations

import base64
from collections.abc import Coroutine
from functools import cache
from typing import Any

from ..clock import DAY_MS
from ..contract.outcome import ApiError, Outcome
from ..gateway.call import Call
from ..media import MediaLibrary, MediaLinks, public_base_url
from ..store import Result, Session, Store
from ..store.base import PipelinedPolls
from .billing import Billing
from .journey import Journey

IMAGE_LINK_MS = DAY_MS  # "the url will remain valid for only 24 hours" (002)
VIDEO_LINK_MS = DAY_MS  # "a link that will be expired in 1 day" (000)
FAR, NEAR, WEBM, MP4 = "face_far.jpg", "face_near.jpg", "liveness.webm", "liveness.mp4"
AUDIT = "audit_image.zip"  # "Will return audit image in a link, format is zip" (002)


class Results:
    def __init__(
        self, journey: Journey, store: Store, library: MediaLibrary, links: MediaLinks, billing: Billing
    ) -> None:
        self.journey = journey
        self.store = store
        self.links = links
        self.billing = billing
        self._b64 = cache(lambda name: base64.b64encode(library[name].content).decode("ascii"))
        self._pipelined = store if isinstance(store, PipelinedPolls) else None

    def get_result(self, call: Call) -> Outcome | Coroutine[Any, Any, Outcome]:
        if self._pipelined is not None:
            return self._get_result_pipelined(self._pipelined, call)
        return self._result_of(call, self.journey.session_for(call, call.params["signatureId"], poll=True))

    async def _get_result_pipelined(self, store: PipelinedPolls, call: Call) -> Outcome:
        return self._result_of(call, await self.journey.polled(store, call, call.params["signatureId"]))

    def _result_of(self, call: Call, session: Session | None) -> Outcome:
        if session is None:
            raise ApiError("SIGNATURE_NOT_EXIST")
        if session.status == "cleared":
            raise ApiError("RESULT_NOT_FOUND")
        if session.result is None:
            raise ApiError("LIVENESS_NO_RESULT")
        return Outcome(session.result.code, self._h5_data(call, session.signature_id, session.result))

    def liveness_detection(self, call: Call) -> Outcome:
        owner, result = self._find(
            call, missing_liveness="LIVENESS_ID_NOT_EXISTED", missing_signature="RESULT_NOT_FOUND"
        )
        if result is None:
            raise ApiError("RESULT_NOT_FOUND")
        as_url = call.params.get("resultType") != "IMAGE_BASE64"
        self.billing.charge(call)
        return Outcome("SUCCESS", self._detection_data(call, owner, result, as_url))

    def get_video(self, call: Call) -> Outcome:
        owner, result = self._find(
            call, missing_liveness="LIVENESS_ID_NOT_EXIST", missing_signature="SIGNATURE_ID_NOT_EXIST"
        )
        recording = call.account is not None and call.account.video_recording
        if result is None or not result.video or not recording:
            raise ApiError("VIDEO_NOT_FOUND")
        url = self._link(call, MP4, owner, VIDEO_LINK_MS)
        return Outcome("SUCCESS", {"videoUrl": url, "videoCreateTime": result.completed_ms})

    def _find(self, call: Call, *, missing_liveness: str, missing_signature: str) -> tuple[str, Result | None]:
        """(owner id, result) by signatureId (preferred, as the docs advise) or livenessId."""
        signature_id = call.params.get("signatureId")
        if signature_id:
            session = self.journey.session_for(call, signature_id, poll=False)
            if session is None:
                raise ApiError(missing_signature)
            return signature_id, session.result
        liveness_id = call.params["livenessId"]
        record = self.store.liveness(liveness_id)
        if record is None or call.account is None or record.account != call.account.name:
            raise ApiError(missing_liveness)
        return liveness_id, record.result

    def _h5_data(self, call: Call, owner: str, result: Result) -> dict[str, Any]:
        scored = result.score is not None
        cross_device = {"multiDevice": True, "useSlaveUrl": True} if result.cross_device else {}
        return {
            "image": self._b64(FAR),
            "imageFar": self._b64(FAR),
            "imageNear": self._b64(NEAR) if scored else None,
            "farImageTime": result.far_ms,
            "nearImageTime": result.near_ms,
            "auditImageUrl": self._audit(call, owner),
            "score": result.score,
            "cameraType": "WEB_CAMERA",
            "video": self._b64(WEBM) if result.video else None,
            "attackType": result.attack_type,
            **({} if scored else {"multiDevice": False, "useSlaveUrl": False}),
            **cross_device,
        }

    def _detection_data(self, call: Call, owner: str, result: Result, as_url: bool) -> dict[str, Any]:
        scored = result.score is not None
        score = 0.0 if result.score is None else float(result.score)  # a double: 100.0 (002)
        far = self._link(call, FAR, owner, IMAGE_LINK_MS)
        return {
            "detectionResult": far if as_url else self._b64(FAR),
            "livenessScore": score,
            "auditImageUrl": self._audit(call, owner),
            "imageFarUrl": far,
            "imageNearUrl": self._link(call, NEAR, owner, IMAGE_LINK_MS) if scored else None,
            "farImageTime": result.far_ms,
            "nearImageTime": result.near_ms,
            "attackType": result.attack_type if scored else 3,
            "attackSubType": None,
        }

    def _audit(self, call: Call, owner: str) -> str | None:
        """A link to the audit images' zip for an account that configured them, else null (002)."""
        if call.account is None or not call.account.audit_image:
            return None
        return self._link(call, AUDIT, owner, IMAGE_LINK_MS)

    def _link(self, call: Call, asset: str, owner: str, lifetime_ms: int) -> str:
        return public_base_url(call.request, self.journey.public_url) + self.links.publish(asset, owner, lifetime_ms)
