"""The shipped contract suite, run through the validation proxy against a faithful upstream: every
test passes and the proxy flags no answer (only the requests the suite breaks on purpose)."""

from __future__ import annotations

import os
import subprocess
import sys

from ..conftest import ROOT
from .conftest import Chain

CALLER = {  # the suite signs as another Tencent account than the proxy's: the proxy signs again
    "LIVENESS_ACCESS_KEY": "sampleaccesskey",
    "LIVENESS_SECRET_KEY": "samplesecretkey",
    "TENCENTCLOUD_SECRET_ID": "AKIDcallerofproxy",
    "TENCENTCLOUD_SECRET_KEY": "callerofproxysecretkey",
}


def test_the_contract_suite_through_the_proxy_finds_no_difference(clean: Chain) -> None:
    command = [sys.executable, "-m", "pytest", "--pyargs", "pytest_plugin.suite", "-p", "no:randomly", "-q"]
    command += ["--liveness-target=sandbox", f"--liveness-base-url={clean.proxy.url}", "--liveness-rate=0"]
    # The proxy signs Tencent requests as its own SecretId: a caller's wrong key or unknown SecretId
    # cannot reach the upstream, so those two cases of the suite cannot fail there as they should.
    command += ["-k", "not (signing_mistake and (SecretKey or SecretId))"]
    command += ["--liveness-max-calls=100000", "--liveness-max-billable=100000", "-p", "no:cacheprovider"]
    done = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **CALLER}, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout[-4000:]
    journal = clean.journal()
    assert len(journal) >= 100
    answers = [e for e in journal if e["endpoint"]]  # the suite also sends paths no route has, on purpose
    flagged = {(e["endpoint"], item) for e in answers for item in e["contract"] if not item.startswith("request ")}
    assert flagged == set()
    assert {item for e in journal if not e["endpoint"] for item in e["contract"]} <= {"undocumented route"}
    kept = [(e["endpoint"], e["code"], e["path"]) for e in journal if e["endpoint"] and "upstream" not in e]
    assert kept == [], f"every vendor request went upstream: {kept}"
