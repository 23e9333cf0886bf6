"""The fixtures in a team's own tests: the mock, the clients, markers, skips and the report line."""

from __future__ import annotations

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
