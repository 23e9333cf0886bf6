"""Secrets audit: every secret, signature and token a client gives the mock is nowhere it shows.

A real ``liveness-mock serve`` process with an admin token gets the traffic of an integrator and of
a careless one: Token Authentication for every account (right and wrong signatures, the key
spelled ``"signatur\\u0065"``, in a body of 8 KB and more, broken JSON around a signature), the
access token on every endpoint (header, query string, body), typos that become near misses,
Tencent calls with real and wrong TC3 and v1 signatures (v1's in query strings and form bodies,
parsed or kept as text), the admin token in each accepted form and a wrong one. Then every place
the mock shows things is searched (``spellings.spelled_in``: any case, JSON escapes,
percent-encoding, HTML entities, base64, hex): the journal, the near misses, the dashboard and the
other admin pages, the server's own output, and every answer it gave (but the Token
Authentication answer that hands a token out). Zero hits.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field

import httpx
import pytest
import yaml

from mock_server.contract.resources import fixtures_dir

from ..helpers import GET_RESULT_PATH, GET_TOKEN_PATH, RETURN_URL, TOKEN_PATH, VIDEO_PATH, serve_process, signed_body
from ..tencent.signer import Signed
from ..tencent.v1_signer import V1
from .spellings import spelled_in

ADMIN_TOKEN = "audit-admin-" + secrets.token_hex(12)
V1_HOST = "faceid.intl.tencentcloudapi.com"
PAD = 8_300  # past the 8 KB the journal keeps of a body it did not parse


@dataclass
class Seen:
    """The secrets given to the mock, and every answer it gave back."""

    secrets: dict[str, str] = field(default_factory=dict)  # the secret -> what it is
    answers: list[tuple[str, str]] = field(default_factory=list)  # (request, answer text)

    def keep(self, what: str, secret: str) -> str:
        self.secrets[secret] = what
        return secret

    def send(
        self, http: httpx.Client, method: str, path: str, minted: bool = False, **options: object
    ) -> httpx.Response:
        answer = http.request(method, path, **options)  # type: ignore[arg-type]
        text = answer.text
        if minted and answer.status_code == 200 and answer.json().get("code") == "SUCCESS":
            token = answer.json()["data"]["token"]
            self.keep("an access token", token)
            text = text.replace(token, "<the token this answer hands out>")
        self.answers.append((f"{method} {path}", text))
        return answer


def accounts() -> list[dict[str, object]]:
    return list(yaml.safe_load((fixtures_dir() / "accounts.yaml").read_text())["accounts"])


def signature_of(access_key: str, secret_key: str, timestamp: int) -> str:
    return hashlib.sha256(f"{access_key}{secret_key}{timestamp}".encode()).hexdigest()


def token_authentication(http: httpx.Client, seen: Seen) -> str:
    """Every account, right and wrong; escaped keys, big and broken bodies. The default's token."""
    for account in accounts():
        access, secret = str(account["accessKey"]), seen.keep("a secretKey", str(account["secretKey"]))
        body = signed_body(access, secret)
        seen.keep("a Token Authentication signature", str(body["signature"]))
        seen.send(http, "POST", TOKEN_PATH, minted=True, json=body)
        wrong = signed_body(access, secret + "x")
        seen.send(http, "POST", TOKEN_PATH, json={**wrong, "signature": seen.keep("a signature", wrong["signature"])})
        if isinstance(account.get("tencent"), dict):
            seen.keep("a Tencent SecretKey", str(account["tencent"]["secretKey"]))  # type: ignore[index]
    now = time.time_ns() // 1_000_000
    for index, shape in enumerate(ESCAPED_BODIES):
        what = f"a Token Authentication signature (ESCAPED_BODIES[{index}])"
        signature = seen.keep(what, signature_of("sampleaccesskey", "samplesecretkey", now))
        raw = shape.replace("<sig>", signature).replace("<ts>", str(now)).replace("<pad>", "x" * PAD)
        seen.send(
            http, "POST", TOKEN_PATH, minted=True, content=raw.encode(), headers={"Content-Type": "application/json"}
        )
        now += 1
    body = signed_body()
    seen.keep("a Token Authentication signature", str(body["signature"]))
    token = seen.send(http, "POST", TOKEN_PATH, minted=True, json=body).json()["data"]["token"]
    return str(token)


ESCAPED_BODIES = [
    '{"accessKey": "sampleaccesskey", "timestamp": <ts>, "signatur\\u0065": "<sig>"}',
    '{"accessKey": "sampleaccesskey", "timestamp": <ts>, "pad": "<pad>", "signatur\\u0065": "<sig>"}',
    '{"signatur\\u0065": "<sig>", "pad": "<pad>", "accessKey": "sampleaccesskey", "timestamp": <ts>}',
    '{"\\u0073\\u0069gnature": "<sig>", "accessKey": "sampleaccesskey", "timestamp": <ts>, "pad": "<pad>"}',
    '{"accessKey": "sampleaccesskey", "timestamp": <ts>, "Signature": "<sig>", "SIGNATURE": "<sig>"}',
    '{"accessKey": "sampleaccesskey", "timestamp": <ts>, "signature": "<sig>",',  # broken JSON
    '{"accessKey": "sampleaccesskey", "pad": "<pad>", "timestamp": <ts>, "signature": "<sig>",',  # broken and big
    "accessKey=sampleaccesskey&timestamp=<ts>&signature=<sig>",  # a form body
]


def with_the_token(http: httpx.Client, seen: Seen, token: str) -> None:
    """The token where it belongs and where a careless client puts it."""
    auth = {"X-ACCESS-TOKEN": token}
    session = seen.send(http, "POST", GET_TOKEN_PATH, json={"returnUrl": RETURN_URL, "region": "IDN"}, headers=auth)
    signature_id = session.json()["data"]["signatureId"]
    seen.send(http, "POST", GET_RESULT_PATH, json={"signatureId": signature_id}, headers=auth)
    seen.send(http, "POST", GET_RESULT_PATH, json={"signatureId": signature_id, "token": token}, headers=auth)
    seen.send(http, "POST", GET_RESULT_PATH, json={"signatureId": signature_id, "accessToken": token})
    seen.send(http, "GET", VIDEO_PATH, params={"signatureId": signature_id, "token": token}, headers=auth)
    seen.send(http, "GET", VIDEO_PATH, params={"signatureId": signature_id, "X-ACCESS-TOKEN": token})
    seen.send(
        http, "POST", GET_RESULT_PATH, content=f'{{"signatureId": "{signature_id}", "token": "{token}",', headers=auth
    )
    seen.send(http, "POST", GET_RESULT_PATH, json={"signatureId": "x"}, headers={"Authorization": f"Bearer {token}"})
    seen.send(http, "POST", "/openapi/liveness/v4/h5/get-reslt", json={"signatureId": signature_id}, headers=auth)
    seen.send(http, "POST", TOKEN_PATH.replace("token", "tokne"), json=signed_body())  # a near miss with a signature
    seen.send(http, "GET", "/liveness/ext/v1/get-vide", params={"token": token}, headers={"Cookie": f"t={token}"})


def tencent(http: httpx.Client, seen: Seen) -> None:
    for action, params in [("ApplyLivenessToken", {}), ("GetLivenessResult", {"SdkToken": "not-issued"})]:
        for secret_key in ("mocksamplesecretkey", "a-wrong-secret-key"):
            signed = Signed(action=action, params=params, secret_key=secret_key)
            headers = signed.headers()
            seen.keep("a TC3 signature", signed.signature)
            seen.send(http, "POST", "/", content=signed.content(), headers=headers)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for method, signature_method, action in [
        ("POST", "HmacSHA256", "GetLivenessResult"),
        ("GET", "HmacSHA1", "ApplyLivenessToken"),
        ("POST", "HmacSHA1", "NoSuchAction"),  # a miss: the journal keeps the form body as text
    ]:
        for secret_key in ("mocksamplesecretkey", "a-wrong-secret-key"):
            request = V1(action, {"SdkToken": "not-issued"}, method, signature_method, secret_key=secret_key)
            encoded = request.encoded(V1_HOST)
            seen.keep("a v1 signature", request.signed(V1_HOST)["Signature"])
            if method == "GET":
                seen.send(http, "GET", f"/?{encoded}", headers={"Host": V1_HOST})
            else:
                seen.send(http, "POST", "/", content=encoded, headers=form | {"Host": V1_HOST})
    twice = request.encoded(V1_HOST) + "&Action=GetLivenessResult"  # a parameter twice: not parsed, kept as text
    seen.send(http, "POST", "/", content=twice, headers=form | {"Host": V1_HOST})


def admin(url: str, seen: Seen) -> list[tuple[str, str]]:
    """The admin token in each accepted form and a wrong one; what every admin page shows."""
    seen.keep("the admin token", ADMIN_TOKEN)
    pages = []
    forms = [{"X-Admin-Token": ADMIN_TOKEN}, {"Authorization": f"Bearer {ADMIN_TOKEN}"}]
    with httpx.Client(base_url=url, timeout=30, auth=("admin", ADMIN_TOKEN)) as basic:
        pages.append(("GET /__admin/ (Basic)", basic.get("/__admin/").text))
    for headers in forms:
        with httpx.Client(base_url=url, timeout=30, headers=headers) as http:
            for path in ["/__admin/requests?limit=1000", "/__admin/near-misses?limit=1000", "/__admin/sessions"]:
                pages.append((f"GET {path}", http.get(path).text))
            for path in ["/__admin/", "/__admin/scenarios", "/__admin/clock", "/__admin/outcomes"]:
                pages.append((f"GET {path}", http.get(path).text))
    with httpx.Client(base_url=url, timeout=30) as http:
        seen.send(http, "GET", "/__admin/requests", headers={"X-Admin-Token": ADMIN_TOKEN[:-1] + "x"})
        seen.send(http, "POST", "/__admin/reset", headers={"Authorization": f"Bearer {ADMIN_TOKEN}x"})
    return pages


@dataclass
class Audit:
    seen: Seen
    places: dict[str, list[tuple[str, str]]]  # where -> [(what exactly, text)]

    def hits(self, place: str) -> list[str]:
        found = []
        for where, text in self.places[place]:
            for secret, what in self.seen.secrets.items():
                spelling = spelled_in(secret, text)
                if spelling:
                    found.append(f"{what} ({secret[:6]}…) {spelling} in {where}")
        return found


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    out = tmp_path_factory.mktemp("serve") / "output.txt"
    seen = Seen()
    with serve_process(out, "--strict", "--admin-token", ADMIN_TOKEN) as (url, process):
        with httpx.Client(base_url=url, timeout=30) as http:
            with_the_token(http, seen, token_authentication(http, seen))
            tencent(http, seen)
        pages = admin(url, seen)
        process.terminate()
        process.wait(timeout=15)
    places = {"journal and admin pages": pages, "answers": seen.answers, "server output": [("output", out.read_text())]}
    return Audit(seen, places)


@pytest.mark.parametrize("place", ["journal and admin pages", "answers", "server output"])
def test_no_secret_shows_in(audit: Audit, place: str) -> None:
    hits = list(dict.fromkeys(audit.hits(place)))
    assert hits == [], f"{len(hits)} secret(s) shown:\n  " + "\n  ".join(hits)


def test_the_audit_had_secrets_to_look_for_and_pages_to_look_in(audit: Audit) -> None:
    kinds = {what.split(" (")[0] for what in audit.seen.secrets.values()}
    expected = {"a secretKey", "a Tencent SecretKey", "an access token", "a TC3 signature", "a v1 signature"}
    expected |= {"the admin token"}
    assert expected | {"a Token Authentication signature"} <= kinds
    assert len(audit.seen.secrets) >= 30 and len(audit.places["journal and admin pages"]) == 15
    journal = json.loads(audit.places["journal and admin pages"][1][1])
    assert len(journal["requests"]) >= 30, "the traffic reached the journal"


SECRET = "samplesecretkey"
SPELLINGS = {
    "plain": f"...{SECRET}...",
    "upper case": SECRET.upper(),
    "json escapes, in part": '"sampl\\u0065s\\u0065cretkey"',
    "json escapes, escaped twice": '"\\\\u0073amplesecretkey"',
    "percent-encoded": "%73ample%53ECRETkey",
    "html entity": "&#115;amplesecretkey",
    "base64": base64.b64encode(SECRET.encode()).decode(),
    "base64 inside a blob": base64.b64encode(b"a" + SECRET.encode() + b"zz").decode(),
    "url-safe base64 inside a blob": base64.urlsafe_b64encode(b"ab" + SECRET.encode() + b"!").decode(),
    "hex": SECRET.encode().hex(),
}


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_audit_finds_a_secret_in_any_spelling(spelling: str) -> None:
    assert spelled_in(SECRET, SPELLINGS[spelling]) is not None
    broken = SPELLINGS[spelling].replace("c", "k").replace("C", "K").replace("Y", "Q").replace("6", "7")
    assert spelled_in(SECRET, broken) is None
