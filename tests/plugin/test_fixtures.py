"""The fixtures in a team's own tests: the mock, the clients, markers, skips and the report line."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .conftest import Run

SANDBOX_SKIP = "liveness sandbox: set LIVENESS_ACCESS_KEY and LIVENESS_SECRET_KEY*"


def test_the_mock_is_started_once_and_reset_for_each_test(run: Run, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        SEEN = []

        def test_first(liveness_mock, liveness_api):
            SEEN.append(liveness_mock)
            assert liveness_mock.url.startswith("http://127.0.0.1:")
            body = liveness_api.call("get_token", {"returnUrl": "https://a.example/x", "region": "IDN"})
            assert body.code == "SUCCESS", body
            liveness_mock.advance_clock(3_600_000)
            assert len(liveness_mock.sessions()) == 1

        def test_second(liveness_mock):
            SEEN.append(liveness_mock)
            assert liveness_mock.sessions() == []
            assert abs(liveness_mock.clock()["nowMs"] - liveness_mock.clock()["wallMs"]) < 60_000
            assert SEEN[0] is SEEN[1]
        """
    )
    result = run()
    result.assert_outcomes(passed=2)
    result.stdout.re_match_lines(
        [r"liveness: mock started in-process in \d+\.\d+ s; \d+ API calls, 0 priced PAY, 0 retried"]
    )


def test_the_api_client_reaches_regional_hosts_and_caches_its_token(run: Run, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        URL = "/intl/openapi/identity-risk/idvs-h5/ekyc/v1/generate-liveness-detection-url"

        def test_hosts(liveness_api):
            sg = liveness_api.post(URL, json={"returnUrl": "https://a.example/x", "region": "SGP"}, host="sg-api.advance.ai")
            assert sg.status_code == 200 and sg.json()["code"] == "SUCCESS", sg.text
            assert sg.request.headers["host"] == "sg-api.advance.ai"
            nga = liveness_api.post(URL, json={"returnUrl": "https://a.example/x", "region": "NGA"}, host="nga-api.advance.ai")
            assert nga.status_code == 404, "Generate URL is not documented on nga-api"
            video = liveness_api.get("/intl/openapi/liveness/ext/v1/get-video", params={"livenessId": "x"}, host="col-api.advance.ai")
            assert video.json()["code"] == "LIVENESS_ID_NOT_EXIST"
            assert liveness_api.usage.calls == 4, "one Token Authentication for three calls"
        """
    )
    run().assert_outcomes(passed=1)


def test_the_async_client_does_the_same(run: Run, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio
        from concurrent.futures import ThreadPoolExecutor

        def test_async(liveness_async_api, liveness_mock):
            async def journey():
                created = await liveness_async_api.call("get_token", {"returnUrl": "https://a.example/x", "region": "IDN"})
                signature_id = created.data["signatureId"]
                liveness_mock.complete(signature_id, "pass")
                response = await liveness_async_api.post("/openapi/liveness/v4/h5/get-result", json={"signatureId": signature_id})
                return response.json()["code"]

            with ThreadPoolExecutor(1) as pool:  # a loop of its own, whatever runs in this thread
                assert pool.submit(asyncio.run, journey()).result() == "SUCCESS"
        """
    )
    run().assert_outcomes(passed=1)


def test_mock_only_tests_and_the_mock_fixture_skip_on_a_sandbox(
    run: Run, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIVENESS_ACCESS_KEY", "k")
    monkeypatch.setenv("LIVENESS_SECRET_KEY", "s")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.mock_only
        def test_marked():
            raise AssertionError("must not run")

        def test_uses_the_mock(liveness_mock):
            raise AssertionError("must not run")

        @pytest.mark.liveness_contract
        def test_plain():
            pass
        """
    )
    result = run("--liveness-target=sandbox", "--liveness-base-url=http://127.0.0.1:9")
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(["*mock-only: needs the mock's admin API, and the target is a sandbox*"])


def test_a_sandbox_run_without_credentials_skips_with_one_line(run: Run, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_one(liveness_api):
            raise AssertionError("must not run")

        def test_two(liveness_async_api):
            raise AssertionError("must not run")
        """
    )
    result = run("--liveness-target=sandbox")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(["liveness: target=sandbox (each host at https://<host>)"])
    line = f"SKIPPED [[]1[]] *{SANDBOX_SKIP}(or liveness_access_key / liveness_secret_key in the ini file)"
    result.stdout.fnmatch_lines([line, line])


def test_the_mock_settings_can_be_overridden(run: Run, pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest
        from mock_server.settings import Settings

        @pytest.fixture(scope="session")
        def liveness_mock_settings():
            return Settings(port=0, strict=True, seed=7)
        """
    )
    pytester.makepyfile(
        """
        def test_seeded(liveness_mock, liveness_api):
            first = liveness_api.call("get_result", {"signatureId": "x"}).transaction_id
            liveness_mock.reset()
            assert liveness_api.call("get_result", {"signatureId": "x"}).transaction_id != first  # token call in between
            assert liveness_mock.parts.settings.seed == 7
        """
    )
    run(quick=False).assert_outcomes(passed=1)


def test_strict_mode_refusals_fail_the_test(run: Run, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_breaks(liveness_mock):
            liveness_mock.parts.gateway.violations.append("get_result SUCCESS breaks its schema")
        """
    )
    result = run()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*strict mode: the mock refused to send answers that break its schemas*"])


def test_a_scenario_lasts_for_one_test(run: Run, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from pytest_plugin.mock import MockAdminError

        def test_busy(liveness_scenario, liveness_api):
            liveness_scenario("get_result.SERVICE_BUSY")
            busy = liveness_api.call("get_result", {"signatureId": "0123456789abcdef"})
            assert (busy.code, busy.response.headers["Retry-After"]) == ("SERVICE_BUSY", "10s")
            assert liveness_scenario.active == ["get_result.SERVICE_BUSY"]

        def test_not_busy_any_more(liveness_api):
            assert liveness_api.call("get_result", {"signatureId": "0123456789abcdef"}).code == "SIGNATURE_NOT_EXIST"

        def test_one_request_only(liveness_api, liveness_scenario):
            gone = liveness_scenario.header("get_video.VIDEO_NOT_FOUND")
            assert liveness_api.call("get_video", {"livenessId": "x"}, headers=gone).code == "VIDEO_NOT_FOUND"
            assert liveness_api.call("get_video", {"livenessId": "x"}).code == "LIVENESS_ID_NOT_EXIST"

        def test_unknown(liveness_scenario):
            with pytest.raises(MockAdminError, match="cannot activate scenario 'get_result.NOPE'.*HTTP 404"):
                liveness_scenario("get_result.NOPE")
        """
    )
    run().assert_outcomes(passed=4)


# Written from the fixtures as a team uses them: one test file with every fixture, state isolation,

GET_TOKEN = "/openapi/liveness/v2/h5/token"
GENERATE_URL = "/intl/openapi/identity-risk/idvs-h5/ekyc/v1/generate-liveness-detection-url"
GET_VIDEO = "/intl/openapi/liveness/ext/v1/get-video"


@pytest.fixture
def outer(mock_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock_url, timeout=10) as client:
        client.post("/__admin/reset").raise_for_status()
        yield client


def test_a_team_file_with_every_fixture(run: Run, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_team="""
        import asyncio
        import threading

        import httpx
        import pytest

        RETURN = "https://shop.example.com/kyc/done"

        def test_journey(liveness_mock, liveness_api):
            created = liveness_api.post("/openapi/liveness/v2/h5/token", json={"returnUrl": RETURN, "region": "IDN"})
            assert created.status_code == 200 and created.json()["code"] == "SUCCESS", created.text
            signature_id = created.json()["data"]["signatureId"]
            assert liveness_mock.complete(signature_id, "pass")["code"] == "SUCCESS"
            result = liveness_api.call("get_result", {"signatureId": signature_id})
            assert (result.code, result.pricing, len(result.transaction_id)) == ("SUCCESS", "FREE", 16)
            detection = liveness_api.call("liveness_detection", {"signatureId": signature_id})
            assert detection.pricing == "PAY" and liveness_api.fetch(detection.data["imageFarUrl"]).status_code == 200
            assert httpx.get(liveness_mock.url + "/__admin/clock").status_code == 200

        def test_sdk_record_on_a_regional_host(liveness_mock, liveness_api):
            liveness_id = liveness_mock.liveness_record("pass")
            video = liveness_api.get("/intl/openapi/liveness/ext/v1/get-video", params={"livenessId": liveness_id}, host="my-api.advance.ai")
            assert video.json()["code"] == "SUCCESS", video.text

        def test_async(liveness_async_api, liveness_mock):
            found = {}

            async def journey():
                created = await liveness_async_api.call("get_token", {"returnUrl": RETURN, "region": "IDN"})
                liveness_mock.complete(created.data["signatureId"], "fail")
                found["code"] = (await liveness_async_api.call("get_result", {"signatureId": created.data["signatureId"]})).code

            worker = threading.Thread(target=asyncio.run, args=(journey(),))
            worker.start()
            worker.join(10)
            assert found == {"code": "SUCCESS"}

        @pytest.mark.mock_only
        def test_scenario(liveness_scenario, liveness_api):
            liveness_scenario("get_token.INSUFFICIENT_BALANCE")
            refused = liveness_api.call("get_token", {"returnUrl": RETURN, "region": "IDN"})
            assert refused.code == "INSUFFICIENT_BALANCE", refused
            forced = liveness_api.call("get_result", {"signatureId": "x"}, headers=liveness_scenario.header("get_result.RETRY_LATER"))
            assert forced.code == "RETRY_LATER" and forced.response.headers["Retry-After"]

        @pytest.mark.liveness_contract
        def test_marked(liveness_api):
            assert liveness_api.call("get_result", {"signatureId": "0123456789abcdef"}).code == "SIGNATURE_NOT_EXIST"
        """
    )
    run("--strict-markers").assert_outcomes(passed=5)


def test_no_state_leaks_from_one_test_to_the_next(run: Run, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        KEPT = {}

        def test_makes_state(liveness_mock, liveness_api):
            created = liveness_api.call("get_token", {"returnUrl": "https://a.example/x", "region": "IDN"})
            KEPT["signature"] = created.data["signatureId"]
            KEPT["token"] = liveness_api.access_token()
            liveness_mock.activate_scenario("get_video.VIDEO_NOT_FOUND")
            liveness_mock.advance_clock(86_400_000)
            KEPT["sdk"] = httpx.post(liveness_mock.url + "/__admin/tencent/sdk-tokens", json={}).json()["SdkToken"]

        def test_sees_none_of_it(liveness_mock, liveness_api):
            assert httpx.get(liveness_mock.url + "/__admin/requests").json()["total"] == 0, "the journal starts empty"
            clock = liveness_mock.clock()
            assert abs(clock["nowMs"] - clock["wallMs"]) < 60_000
            assert liveness_mock.sessions() == []
            assert liveness_api.call("get_result", {"signatureId": KEPT["signature"]}).code == "SIGNATURE_NOT_EXIST"
            assert liveness_api.call("get_video", {"livenessId": "x"}).code == "LIVENESS_ID_NOT_EXIST", "scenario gone"
            stale = liveness_api.call("get_result", {"signatureId": "x"}, headers={"X-ACCESS-TOKEN": KEPT["token"]})
            assert stale.code == "IAM_FAILED", "the old access token was dropped"
            assert liveness_api.access_token() != KEPT["token"]
            settle = httpx.post(liveness_mock.url + "/__admin/tencent/sdk-tokens/" + KEPT["sdk"], json={})
            assert settle.status_code == 400, "the SdkToken was dropped"
        """
    )
    run().assert_outcomes(passed=2)


JOURNAL_COUNT = """
import httpx

def token_calls(mock):
    answer = httpx.get(mock.url + "/__admin/requests/count", params={"endpoint": "token_authentication"})
    return answer.json()["count"]
"""


def test_the_token_is_cached_and_renewed_once_the_mock_clock_passed_its_expiry(
    run: Run, pytester: pytest.Pytester
) -> None:
    pytester.makepyfile(
        helpers=JOURNAL_COUNT,
        test_tokens="""
        from helpers import token_calls

        def test_cache_and_renewal(liveness_mock, liveness_api):
            for _ in range(3):
                liveness_api.call("get_result", {"signatureId": "x"})
            assert token_calls(liveness_mock) == 1
            first = liveness_api.access_token()
            liveness_mock.advance_clock(2 * 3_600_000)  # past the one-hour token
            assert liveness_api.call("get_result", {"signatureId": "x"}).code == "SIGNATURE_NOT_EXIST"
            assert token_calls(liveness_mock) == 2 and liveness_api.access_token() != first
            for _ in range(3):
                liveness_api.call("get_result", {"signatureId": "x"})
            assert token_calls(liveness_mock) == 2, "the renewed token is cached too"
        """,
    )
    run().assert_outcomes(passed=1)


def test_the_token_is_cached_when_the_mock_clock_starts_in_the_past(run: Run, pytester: pytest.Pytester) -> None:
    """liveness_mock_settings is documented for "a seed, fixtures, a clock": a token valid for an
    hour on the mock must not be fetched again for every call."""
    pytester.makeconftest(
        """
        import pytest
        from mock_server.settings import Settings

        @pytest.fixture(scope="session")
        def liveness_mock_settings():
            return Settings(port=0, strict=True, clock_ms=1_700_000_000_000)
        """
    )
    pytester.makepyfile(
        helpers=JOURNAL_COUNT,
        test_past="""
        from helpers import token_calls

        def test_cached(liveness_mock, liveness_api):
            for _ in range(3):
                assert liveness_api.call("get_result", {"signatureId": "x"}).code == "SIGNATURE_NOT_EXIST"
            assert token_calls(liveness_mock) == 1
            assert liveness_api.usage.calls == 4
        """,
    )
    run(quick=False).assert_outcomes(passed=1)


def test_base_url_addresses_every_host_with_its_host_header(
    run: Run, pytester: pytest.Pytester, mock_url: str, outer: httpx.Client
) -> None:
    pytester.makepyfile(
        f"""
        def test_hosts(liveness_mock, liveness_api):
            assert liveness_mock.url == "{mock_url}" and liveness_mock.server is None
            answer = liveness_api.get("{GET_VIDEO}", params={{"livenessId": "x"}}, host="MY-API.advance.ai")
            assert str(answer.request.url).startswith("{mock_url}/")
            assert answer.request.headers["host"] == "my-api.advance.ai"
            assert answer.json()["code"] == "LIVENESS_ID_NOT_EXIST"
        """
    )
    run(f"--liveness-base-url={mock_url}/").assert_outcomes(passed=1)
    seen = outer.get("/__admin/requests", params={"path": GET_VIDEO}).json()["requests"]
    assert [(e["host"], e["hostHeader"]) for e in seen] == [("my-api.advance.ai", "my-api.advance.ai")]


def test_host_map_sends_each_host_to_its_own_url(
    run: Run, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, mock_url: str, outer: httpx.Client
) -> None:
    port = mock_url.rsplit(":", 1)[1]
    monkeypatch.setenv("LIVENESS_ACCESS_KEY", "sampleaccesskey")
    monkeypatch.setenv("LIVENESS_SECRET_KEY", "samplesecretkey")
    pytester.makepyfile(
        f"""
        def test_map(liveness_api):
            token = liveness_api.post("{GET_TOKEN}", json={{"returnUrl": "https://a.example/x", "region": "IDN"}})
            assert token.request.url.host == "127.0.0.1" and token.json()["code"] == "SUCCESS", token.text
            sg = liveness_api.post("{GENERATE_URL}", json={{"returnUrl": "https://a.example/x", "region": "SGP"}}, host="sg-api.advance.ai")
            assert sg.request.url.host == "localhost" and sg.request.headers["host"] == "localhost:{port}"
            video = liveness_api.get("{GET_VIDEO}", params={{"livenessId": "x"}}, host="my-api.advance.ai")
            assert video.request.url.host == "127.0.0.1" and video.request.headers["host"] == "my-api.advance.ai"
            assert video.json()["code"] == "LIVENESS_ID_NOT_EXIST"
        """
    )
    host_map = f"api.advance.ai=http://127.0.0.1:{port},sg-api.advance.ai=http://localhost:{port}"
    result = run(
        "--liveness-target=sandbox",
        f"--liveness-host-map={host_map}",
        f"--liveness-base-url={mock_url}",
        "--liveness-rate=0",
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"liveness: target=sandbox ({mock_url}, 2 host(s) mapped)"])
    hosts = {e["hostHeader"] for e in outer.get("/__admin/requests").json()["requests"]}
    assert hosts == {f"127.0.0.1:{port}", f"localhost:{port}", "my-api.advance.ai"}


INDONESIA_ONLY = """
def test_account(liveness_mock, liveness_api, liveness_credentials):
    assert liveness_credentials.access_key == "{key}"
    abroad = liveness_api.call("get_token", {{"returnUrl": "https://a.example/x", "region": "PHL"}})
    assert abroad.code == "{abroad}", abroad
    home = liveness_api.call("get_token", {{"returnUrl": "https://a.example/x", "region": "IDN"}})
    assert home.code == "SUCCESS", home
    assert {{s["account"] for s in liveness_mock.sessions()}} == {{"{account}"}}
"""


def test_ini_credentials_sign_in_on_the_mock(run: Run, pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nliveness_access_key = idonlyaccesskey\nliveness_secret_key = idonlysecretkey\n")
    pytester.makepyfile(INDONESIA_ONLY.format(key="idonlyaccesskey", abroad="IAM_FAILED", account="indonesia-only"))
    run().assert_outcomes(passed=1)


def test_environment_credentials_win_over_the_ini_file(
    run: Run, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\nliveness_access_key = idonlyaccesskey\nliveness_secret_key = idonlysecretkey\n")
    monkeypatch.setenv("LIVENESS_ACCESS_KEY", "sampleaccesskey")
    monkeypatch.setenv("LIVENESS_SECRET_KEY", "samplesecretkey")
    pytester.makepyfile(INDONESIA_ONLY.format(key="sampleaccesskey", abroad="SUCCESS", account="default"))
    run().assert_outcomes(passed=1)


@pytest.mark.parametrize("flag", ["--liveness-access-key=k", "--liveness-secret-key=s"])
def test_credentials_cannot_be_given_on_the_command_line(run: Run, pytester: pytest.Pytester, flag: str) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = run(flag, quick=False)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unrecognized arguments*"])


def test_a_sandbox_with_half_its_credentials_skips_with_the_one_line(
    run: Run, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIVENESS_ACCESS_KEY", "only-the-key")
    pytester.makepyfile("def test_one(liveness_api):\n    raise AssertionError('must not run')\n")
    result = run("--liveness-target=sandbox", "--liveness-base-url=http://127.0.0.1:9")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED*liveness sandbox: set LIVENESS_ACCESS_KEY and LIVENESS_SECRET_KEY*"])


def test_a_failing_assertion_on_the_options_does_not_print_the_secret(
    run: Run, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pytest prints the failing test's fixture arguments (their repr); CI logs are widely readable."""
    monkeypatch.setenv("LIVENESS_ACCESS_KEY", "team-access-key")
    monkeypatch.setenv("LIVENESS_SECRET_KEY", "team-secret-value-123")
    pytester.makepyfile(
        """
        def test_target(liveness_options):
            assert liveness_options.target == "production"

        def test_credentials(liveness_credentials):
            assert liveness_credentials.access_key == "someone-else"
        """
    )
    result = run("--liveness-target=sandbox", "--liveness-base-url=http://127.0.0.1:9")
    result.assert_outcomes(failed=2)
    assert "team-secret-value-123" not in result.stdout.str() + result.stderr.str()


def test_mock_only_fixtures_and_markers_skip_on_a_sandbox_with_the_reason(
    run: Run, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, mock_url: str
) -> None:
    monkeypatch.setenv("LIVENESS_ACCESS_KEY", "sampleaccesskey")
    monkeypatch.setenv("LIVENESS_SECRET_KEY", "samplesecretkey")
    pytester.makepyfile(
        """
        import pytest

        def test_scenario(liveness_scenario):
            raise AssertionError("must not run")

        def test_server(liveness_mock_server):
            raise AssertionError("must not run")

        @pytest.mark.mock_only
        class TestMarkedClass:
            def test_one(self, liveness_api):
                raise AssertionError("must not run")

        def test_runs_on_the_sandbox(liveness_api):
            assert liveness_api.call("get_result", {"signatureId": "0123456789abcdef"}).code == "SIGNATURE_NOT_EXIST"
        """
    )
    result = run("--liveness-target=sandbox", f"--liveness-base-url={mock_url}", "--liveness-rate=0")
    result.assert_outcomes(passed=1, skipped=3)
    reason = "*mock-only: needs the mock's admin API, and the target is a sandbox"
    result.stdout.fnmatch_lines([f"SKIPPED [[]1[]] {reason}"] * 3)


PROFILE_PROBE = """
from hypothesis import given, settings, strategies as st

@given(st.integers())
def test_profile(n):
    current = settings()
    assert (current.max_examples, current.deadline, current.stateful_step_count) == ({examples}, None, {steps})
"""


@pytest.mark.parametrize(("profile", "examples", "steps"), [("mock", 25, 50), ("sandbox", 5, 10)])
def test_the_named_hypothesis_profiles(
    run: Run, pytester: pytest.Pytester, profile: str, examples: int, steps: int
) -> None:
    pytester.makepyfile(PROFILE_PROBE.format(examples=examples, steps=steps))
    run(f"--hypothesis-profile={profile}", quick=False).assert_outcomes(passed=1)


def test_a_sandbox_run_uses_the_sandbox_profile_for_a_team_s_own_hypothesis_tests(
    run: Run, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, mock_url: str
) -> None:
    """Issue 5, item 6: against a sandbox, hypothesis uses deadline=None and a small example
    budget; a team's @given test that calls a paid sandbox must not default to 100 examples."""
    monkeypatch.setenv("LIVENESS_ACCESS_KEY", "sampleaccesskey")
    monkeypatch.setenv("LIVENESS_SECRET_KEY", "samplesecretkey")
    pytester.makepyfile(PROFILE_PROBE.format(examples=5, steps=10))
    run("--liveness-target=sandbox", f"--liveness-base-url={mock_url}", quick=False).assert_outcomes(passed=1)


def test_the_suite_s_profile_follows_the_target(
    run: Run, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, mock_url: str
) -> None:
    pytester.makepyfile(
        probe="""
        from hypothesis import settings

        def pytest_sessionfinish(session):
            current = settings()
            print(f"PROFILE {current.max_examples} {current.deadline} {current.stateful_step_count}")
        """
    )
    pytester.syspathinsert()
    monkeypatch.setenv("LIVENESS_ACCESS_KEY", "sampleaccesskey")
    monkeypatch.setenv("LIVENESS_SECRET_KEY", "samplesecretkey")
    selection = ("--pyargs", "pytest_plugin.suite.test_auth", "-k", "unknown_access_key", "-p", "probe", "-s")
    run(*selection, quick=False).stdout.fnmatch_lines(["*PROFILE 25 None 50"])
    sandbox = run(*selection, "--liveness-target=sandbox", f"--liveness-base-url={mock_url}", quick=False)
    sandbox.stdout.fnmatch_lines(["*PROFILE 5 None 10"])
