"""deploy/: the docker-compose file, HAProxy's configuration, the Kubernetes example and the image.

No container runtime here: the files are parsed, the mock's command lines in them are read by
the real CLI parser, HAProxy checks its own configuration, and the same topology (replicas
sharing a redis-server behind HAProxy, with the compose file's command line and HAProxy's file)
runs for real as processes on loopback.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from mock_server.cli import _parser

from .helpers import GET_RESULT_PATH, access_token, h5_session
from .processes import MockProcess, RedisServer, free_port

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
ADMIN_TOKEN = "deploy-test-admin-token"


def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())  # type: ignore[no-any-return]


def kubernetes() -> list[dict]:  # type: ignore[type-arg]
    return list(yaml.safe_load_all((DEPLOY / "kubernetes.yaml").read_text()))


def mock_command_lines() -> dict[str, list[str]]:
    """Every liveness-mock command line the files give (the image's entry point is liveness-mock)."""
    k8s = next(d for d in kubernetes() if d["kind"] == "Deployment" and d["metadata"]["name"] == "liveness-mock")
    cmd = re.search(r"^CMD (.+)$", (DEPLOY / "Dockerfile").read_text(), re.MULTILINE)
    assert cmd is not None
    return {
        "compose": compose()["services"]["mock"]["command"],
        "kubernetes": k8s["spec"]["template"]["spec"]["containers"][0]["args"],
        "Dockerfile": json.loads(cmd[1]),
    }


def test_the_compose_file_runs_replicas_of_the_mock_behind_a_balancer_with_redis() -> None:
    services = compose()["services"]
    assert set(services) == {"redis", "mock", "lb"} and services["mock"]["deploy"]["replicas"] >= 2
    assert "./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in services["lb"]["volumes"]
    assert "LIVENESS_MOCK_ADMIN_TOKEN" in services["mock"]["environment"]


def test_the_kubernetes_example_has_the_mock_its_service_and_redis() -> None:
    kinds = sorted((d["kind"], d["metadata"]["name"]) for d in kubernetes())
    assert kinds == [
        ("Deployment", "liveness-mock"),
        ("Deployment", "liveness-mock-redis"),
        ("Service", "liveness-mock"),
        ("Service", "liveness-mock-redis"),
    ]
    for document in kubernetes():
        if document["kind"] == "Deployment":
            selector = document["spec"]["selector"]["matchLabels"]
            assert selector.items() <= document["spec"]["template"]["metadata"]["labels"].items()
    mock = next(d for d in kubernetes() if d["metadata"]["name"] == "liveness-mock" and d["kind"] == "Deployment")
    assert mock["spec"]["replicas"] >= 2
    container = mock["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"] == {"path": "/__admin/health", "port": 8080}


@pytest.mark.parametrize("source", ["compose", "kubernetes", "Dockerfile"])
def test_the_cli_accepts_every_command_line(source: str) -> None:
    args = _parser().parse_args(mock_command_lines()[source])
    assert args.command == "serve" and (args.host, args.port) == ("0.0.0.0", 8080)
    if source != "Dockerfile":
        assert args.state.startswith("redis://") and args.public_url


def test_haproxy_accepts_its_configuration() -> None:
    checked = subprocess.run([HAPROXY, "-c", "-f", str(DEPLOY / "haproxy.cfg")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def on_loopback(command: list[str], state: str, public_url: str) -> list[str]:
    """The compose file's command line as a process here runs it: loopback, a free port, the test's Redis."""
    values = {"0.0.0.0": "127.0.0.1", "8080": "0"}
    out = [values.get(arg, arg) for arg in command]
    out[out.index("--state") + 1] = state
    out[out.index("--public-url") + 1] = public_url
    return out[1:]  # without "serve": MockProcess adds it


def balanced(config: str, lb_port: int, replicas: list[str]) -> str:
    """HAProxy's file, listening on ``lb_port`` and balancing ``replicas`` instead of Docker's DNS."""
    servers = "\n".join(f"  server mock{n} {url.removeprefix('http://')} check" for n, url in enumerate(replicas))
    config = re.sub(r"^\s*server-template .*$", servers, config, flags=re.MULTILINE)
    return re.sub(r"^\s*bind :8080$", f"  bind 127.0.0.1:{lb_port}", config, flags=re.MULTILINE)


@pytest.fixture
def topology(redis_server: RedisServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Two replicas (the compose file's command) sharing the session's redis-server, behind HAProxy."""
    lb_port = free_port()
    monkeypatch.setenv("LIVENESS_MOCK_ADMIN_TOKEN", ADMIN_TOKEN)
    command = on_loopback(compose()["services"]["mock"]["command"], redis_server.url.replace("/0", "/4"),
                          f"http://127.0.0.1:{lb_port}")  # fmt: skip
    replicas = [MockProcess(*command), MockProcess(*command)]
    starting = [threading.Thread(target=r.start) for r in replicas]
    for thread in starting:
        thread.start()
    for thread in starting:
        thread.join()
    config = tmp_path / "haproxy.cfg"
    config.write_text(balanced((DEPLOY / "haproxy.cfg").read_text(), lb_port, [r.url for r in replicas]))
    lb = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        with replicas[0].client(headers={"X-Admin-Token": ADMIN_TOKEN}) as admin:
            admin.post("/__admin/reset").raise_for_status()
        yield f"http://127.0.0.1:{lb_port}"
    finally:
        lb.terminate()
        lb.communicate(timeout=10)
        for replica in replicas:
            replica.stop()


def test_the_compose_topology_serves_one_mock_through_the_balancer(topology: str) -> None:
    headers = {"X-Admin-Token": ADMIN_TOKEN, "Connection": "close"}  # a new connection: round robin
    with httpx.Client(base_url=topology, timeout=10, headers=headers) as client:
        members = {client.get("/__admin/state").json()["member"] for _ in range(4)}
        token = access_token(client)
        session = h5_session(client, token)
        assert session["url"].startswith(topology)  # --public-url: the links name the balancer
        assert client.post(httpx.URL(session["url"]).path + "/complete", json={"outcome": "pass"}).status_code == 200
        codes = {
            client.post(
                GET_RESULT_PATH, json={"signatureId": session["signatureId"]}, headers={"X-ACCESS-TOKEN": token}
            ).json()["code"]
            for _ in range(4)
        }
    assert len(members) == 2 and codes == {"SUCCESS"}


CI = DEPLOY / "ci"


def ci_files() -> dict[str, dict]:  # type: ignore[type-arg]
    """The examples that run tests against the mock (drift.yml, the scheduled drift report, has
    its own tests in tests/drift/test_ci_job.py)."""
    return {
        path.name: yaml.safe_load(path.read_text()) for path in sorted(CI.glob("*.yml")) if path.name != "drift.yml"
    }


def dockerfile_instruction(name: str) -> list[str]:
    """The exec-form arguments of a Dockerfile instruction (HEALTHCHECK: those after its CMD)."""
    line = next(line for line in (DEPLOY / "Dockerfile").read_text().splitlines() if line.startswith(name + " "))
    return json.loads(line.split(" CMD ", 1)[1] if name == "HEALTHCHECK" else line.split(" ", 1)[1])


def workflow_mock_commands() -> list[list[str]]:
    """Every ``liveness-mock serve`` command line the CI examples run (shell lines and GitLab's
    service command), as argument lists without the program name."""
    found: list[list[str]] = []
    for document in ci_files().values():
        lines: list[str] = []
        for job in document.get("jobs", {}).values():
            lines += [step["run"] for step in job.get("steps", []) if "run" in step]
        for job in (v for v in document.values() if isinstance(v, dict) and "script" in v):
            lines += job["script"]
            found += [service["command"] for service in job.get("services", []) if "command" in service]
        for line in lines:
            words = shlex.split(line)
            if words[:1] == ["liveness-mock"]:
                end = next((i for i, w in enumerate(words) if w in (">", "&", "2>&1", "&&", "|")), len(words))
                found.append(words[1:end])
    return found


def test_the_image_runs_as_a_user_on_a_slim_base_and_checks_its_health() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.\d+-slim$", text, re.MULTILINE)
    assert re.search(r"^USER (?!root)\w+$", text, re.MULTILINE)
    assert "/__admin/health" in " ".join(dockerfile_instruction("HEALTHCHECK"))
    assert "ADMIN_TOKEN" not in text.split("\nENV ", 1)[1]  # the token comes at run time, not baked in


def test_every_ci_example_parses_and_runs_the_suite_against_the_mock() -> None:
    files = ci_files()
    assert set(files) == {"github-pip.yml", "github-service-container.yml", "gitlab-ci.yml"}
    service = files["github-service-container.yml"]["jobs"]["test"]["services"]["liveness-mock"]
    assert "/__admin/health" in service["options"] and "LIVENESS_MOCK_ADMIN_TOKEN" in service["env"]
    for name, document in files.items():
        assert "pytest_plugin.suite" in yaml.safe_dump(document), name
    assert len(workflow_mock_commands()) == 2  # the pip workflow's serve, GitLab's service command


@pytest.mark.parametrize("source", ["Dockerfile", "github-pip.yml", "gitlab-ci.yml"])
def test_the_images_and_workflows_command_lines_serve_and_pass_the_health_check(source: str) -> None:
    """The same command line outside a container: on loopback, a free port; then the image's own
    HEALTHCHECK command (its port rewritten) exits 0."""
    commands = {"Dockerfile": dockerfile_instruction("CMD")}
    pip_command, gitlab_command = workflow_mock_commands()
    commands.update({"github-pip.yml": pip_command, "gitlab-ci.yml": gitlab_command})
    args = _parser().parse_args(commands[source])
    assert args.command == "serve" and args.port == 8080
    local = [{"0.0.0.0": "127.0.0.1", "8080": "0"}.get(arg, arg) for arg in commands[source][1:]]
    process = MockProcess(*local, "--admin-token", ADMIN_TOKEN).start()
    try:
        check = [sys.executable if word == "python" else word for word in dockerfile_instruction("HEALTHCHECK")]
        check = [word.replace("http://127.0.0.1:8080", process.url) for word in check]
        assert subprocess.run(check, timeout=30).returncode == 0
        assert httpx.get(process.url + "/__admin/clock", timeout=5).status_code == 401  # the rest needs the token
    finally:
        process.stop()
