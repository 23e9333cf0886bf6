"""ApplyLivenessToken and GetLivenessResult: what the two actions do once a request passed its guard.

GetLivenessResult answers an SdkToken of the calling account (or one the admin API issued for
any account) as many times as asked until it expires; BestFrame and Video are FileInfo objects
whose Url the mock serves and whose MD5 and Size are those of the served bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..contract.outcome import ApiError, Outcome
from ..gateway.call import Action, Call
from ..media import MediaLinks, public_base_url
from .tokens import BEST_FRAME_FILE, VIDEO_FILE, LivenessOutcome, SdkToken, SdkTokens

_FILES = {"BestFrame": BEST_FRAME_FILE, "Video": VIDEO_FILE}


class LivenessActions:
    def __init__(
        self, tokens: SdkTokens, media: MediaLinks, results: Mapping[str, str], public_url: str | None = None
    ) -> None:
        self.tokens = tokens
        self.media = media
        self.success = LivenessOutcome("0", results["0"])
        self.public_url = public_url

    def table(self) -> dict[str, Action]:
        return {"apply_liveness_token": self.apply_liveness_token, "get_liveness_result": self.get_liveness_result}

    def apply_liveness_token(self, call: Call) -> Outcome:
        owner = call.account.name if call.account else None
        entry = self.tokens.issue(owner, self.success)
        return Outcome("SUCCESS", {"SdkToken": entry.token})

    def get_liveness_result(self, call: Call) -> Outcome:
        entry = self._token(call)
        base = public_base_url(call.request, self.public_url)
        data = {
            "Result": entry.outcome.result,
            "Description": entry.outcome.description,
            "BestFrame": self._file(entry, "BestFrame", base),
            "Video": self._file(entry, "Video", base),
        }
        return Outcome("SUCCESS", data)

    def _token(self, call: Call) -> SdkToken:
        entry = self.tokens.find(call.params["SdkToken"])
        caller = call.account.name if call.account else None
        if entry is None or entry.owner not in (None, caller):
            raise ApiError("InvalidParameterValue.BizTokenIllegal")
        if self.tokens.is_expired(entry):
            raise ApiError("InvalidParameterValue.BizTokenExpired")
        return entry

    def _file(self, entry: SdkToken, field: str, base: str) -> dict[str, Any] | None:
        path = entry.links.get(field)
        if path is None:
            return None
        asset = self.media.library[_FILES[field]]
        return {"Url": base + path, "MD5": asset.md5, "Size": asset.size}
