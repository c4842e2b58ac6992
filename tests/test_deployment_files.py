"""The container and Kubernetes files, checked against the code they start (no Docker engine or
cluster needed): docker-compose.yml, Dockerfile, .dockerignore and docs/kubernetes/*.yaml.

What is compared comes from the sources, not from lists kept here: the variables bot/settings.py,
endpoints.yml and credentials.yml read, the commands the supervisor runs, the lock-store variables
bot.settings derives from REDIS_URL, the environment bot.training gives rasa, what training needs.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import shlex
from functools import lru_cache
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import pytest
import yaml
from packaging.specifiers import SpecifierSet

import bot.settings
from bot import training
from bot.interfaces import refusal
from bot.nlp.build_pipeline import PATTERNS_DIR
from bot.settings import GENERATED_SECRETS, PROJECT_ROOT, Settings, load_settings, lock_store_environment
from bot.supervisor import service_commands

ROOT = PROJECT_ROOT
KUBERNETES_DIR = ROOT / "docs" / "kubernetes"
WAYPOINT = ("migrate", "actions", "rasa", "gateway")  # the parts that run Waypoint's image
COMPONENT_LABEL = "app.kubernetes.io/component"
LOCK_STORE_VARIABLES = tuple(lock_store_environment(""))
# The third-party images' own variables (not Waypoint's settings).
IMAGE_VARIABLES = {"postgres": {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"}, "redis": {"REDISCLI_AUTH"}}
SECRET_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|AUTH)$")
REFERENCE = re.compile(r"\$\{(\w+)(:?[?-][^}]*)?\}")


# --- reading the files ---------------------------------------------------------------------


@lru_cache(maxsize=None)
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def fake(name: str) -> str:
    """A stand-in for a secret, safe inside a URL."""
    return "fake-" + name.lower().replace("_", "-")


def interpolate(value) -> str:
    """A compose value with each ${NAME...} replaced by fake(NAME), as compose would from .env."""
    return REFERENCE.sub(lambda match: fake(match[1]), str(value))


def compose_environment(service: str) -> dict[str, str]:
    return {name: interpolate(value) for name, value in (compose()["services"][service].get("environment") or {}).items()}


def settings_from(environment: dict[str, str], tmp_path: Path) -> Settings:
    return load_settings(environment, env_file=tmp_path / f"{len(list(tmp_path.iterdir()))}.env")


def supervisor_command(name: str, environment: dict[str, str], tmp_path: Path) -> list[str]:
    """What bot.supervisor would run for `name` given a container's environment, as a container says it."""
    model = training.MODELS_DIR.relative_to(ROOT)
    [service] = [s for s in service_commands(settings_from(environment, tmp_path), model) if s.name == name]
    program = Path(service.command[0]).name
    return ["python" if program.startswith("python") else program, *service.command[1:]]


@lru_cache(maxsize=None)
def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments left out."""
    instructions, current = [], ""
    for raw in (ROOT / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        keyword, _, arguments = (current + line).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        current = ""
    return instructions


def dockerfile_user() -> int:
    [*_, user] = [arguments for keyword, arguments in dockerfile() if keyword == "USER"]
    return int(user.split(":")[0])


@lru_cache(maxsize=None)
def manifests() -> tuple[dict, ...]:
    paths = sorted(KUBERNETES_DIR.glob("*.yaml"))
    assert paths, "docs/kubernetes/ holds no manifests"
    return tuple(doc for path in paths for doc in yaml.safe_load_all(path.read_text()) if doc)


def of_kind(*kinds: str) -> list[dict]:
    return [doc for doc in manifests() if doc["kind"] in kinds]


def workloads() -> dict[str, dict]:
    """Deployments, StatefulSets and Jobs by their pods' component label."""
    found = {}
    for doc in of_kind("Deployment", "StatefulSet", "Job"):
        component = doc["spec"]["template"]["metadata"]["labels"][COMPONENT_LABEL]
        assert component not in found, f"two workloads for {component}"
        found[component] = doc
    return found


def container(component: str) -> dict:
    [only] = workloads()[component]["spec"]["template"]["spec"]["containers"]
    return only


def pod_labels(component: str) -> dict:
    return workloads()[component]["spec"]["template"]["metadata"]["labels"]


def secret_keys_used() -> set[str]:
    return {
        entry["valueFrom"]["secretKeyRef"]["key"]
        for component in workloads()
        for entry in container(component).get("env", [])
        if "secretKeyRef" in entry.get("valueFrom", {})
    }


def kubernetes_environment(component: str) -> dict[str, str]:
    """A container's environment, with fakes for what the operator's Secret holds."""
    spec = container(component)
    environment = {}
    if spec.get("envFrom"):
        # The Secret made from the env file: the generated secrets and every key the manifests name.
        environment.update((key, in_secret(key)) for key in {*GENERATED_SECRETS, *secret_keys_used()})
    for entry in spec.get("env", []):
        if "value" in entry:
            environment[entry["name"]] = str(entry["value"])
        else:
            environment[entry["name"]] = in_secret(entry["valueFrom"]["secretKeyRef"]["key"])
    return environment


def in_secret(key: str) -> str:
    return "postgresql://waypoint:fake@postgres:5432/waypoint" if key == "DATABASE_URL" else fake(key)


def service_named(name: str) -> dict:
    [service] = [doc for doc in of_kind("Service") if doc["metadata"]["name"] == name]
    return service


def component_behind(service: dict) -> str:
    selector = service["spec"]["selector"]
    [component] = [c for c in workloads() if selector.items() <= pod_labels(c).items()]
    return component


def container_port(component: str, port) -> int:
    """A container port by number or name."""
    for entry in container(component).get("ports", []):
        if port in (entry["containerPort"], entry.get("name")):
            return entry["containerPort"]
    raise AssertionError(f"{component} has no container port {port!r}")


def reads_from_environment() -> set[str]:
    """Every variable bot/settings.py reads (env.get("X"), env["X"]), parsed from its source."""
    names = set()
    for node in ast.walk(ast.parse(Path(bot.settings.__file__).read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "env"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "env":
            if isinstance(node.slice, ast.Constant):
                names.add(node.slice.value)
    assert {"DATABASE_URL", "REDIS_URL", *GENERATED_SECRETS} <= names, "the parser no longer finds what settings.py reads"
    return names


def rasa_reads() -> set[str]:
    """The ${...} variables of endpoints.yml and credentials.yml."""
    return {name for file in ("endpoints.yml", "credentials.yml") for name in re.findall(r"\$\{(\w+)\}", (ROOT / file).read_text())}


def supervisor_extras() -> dict[str, str]:
    """What bot.training.rasa_environment() adds for every process under the supervisor."""
    with mock.patch.dict(os.environ, clear=True):
        return training.rasa_environment()


def known_variables() -> set[str]:
    return reads_from_environment() | rasa_reads() | set(supervisor_extras())


def module_file(module: str) -> Path:
    path = ROOT.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def runnable(module: str) -> bool:
    """`python -m module` does something: the file exists and has a __main__ block (or is a package with __main__.py)."""
    path = ROOT.joinpath(*module.split("."))
    if path.is_dir():
        return (path / "__main__.py").exists()
    return path.with_suffix(".py").exists() and '__name__ == "__main__"' in path.with_suffix(".py").read_text()


def project_imports(module: str, seen: set[str] | None = None) -> set[str]:
    """`module` and every module of the project it imports, transitively, with their packages."""
    seen = set() if seen is None else seen
    if module in seen:
        return seen
    seen.add(module)
    names = [module.rsplit(".", 1)[0]] if "." in module else []  # its package runs first
    for node in ast.walk(ast.parse(module_file(module).read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    for name in names:
        if name.split(".")[0] in ("bot", "actions") and module_file(name).exists():
            project_imports(name, seen)
    return seen


def copies() -> list[tuple[int, list[str], str]]:
    """(position, sources, destination) of every COPY."""
    found = []
    for position, (keyword, arguments) in enumerate(dockerfile()):
        if keyword == "COPY":
            words = [word for word in shlex.split(arguments) if not word.startswith("--")]
            found.append((position, words[:-1], words[-1]))
    return found


def copied_before(position: int) -> list[str]:
    return [source for at, sources, _ in copies() if at < position for source in sources]


def is_under(path: str, roots: list[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


# --- docker-compose.yml --------------------------------------------------------------------


def test_compose_has_the_five_services_and_a_one_shot_migration():
    assert set(compose()["services"]) == {"gateway", "rasa", "actions", "postgres", "redis", "migrate"}


def test_only_the_gateway_publishes_a_port_and_it_is_the_one_it_listens_on(tmp_path):
    services = compose()["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"gateway"}
    assert not any(service.get("network_mode") == "host" for service in services.values())
    settings = settings_from(compose_environment("gateway"), tmp_path)
    assert settings.gateway_host == "0.0.0.0"
    [mapping] = services["gateway"]["ports"]
    assert str(mapping).rsplit(":", 1)[1] == str(settings.gateway_port)


def test_everything_but_the_gateway_is_only_on_internal_networks():
    networks = compose()["networks"]
    for name, service in compose()["services"].items():
        if name != "gateway":
            assert service.get("networks"), f"{name} would be on the default network"
            assert all(networks[network].get("internal") for network in service["networks"]), name


@pytest.mark.parametrize("name", ["gateway", "actions", "rasa"])
def test_commands_are_what_the_supervisor_runs(name, tmp_path):
    assert compose()["services"][name]["command"] == supervisor_command(name, compose_environment(name), tmp_path)


def test_migrate_runs_once_before_the_gateway_and_the_action_server():
    services = compose()["services"]
    command = services["migrate"]["command"]
    assert command[:2] == ["python", "-m"] and runnable(command[2]) and command[2] == "bot.storage.migrate"
    assert services["migrate"]["restart"] == "no"  # anything else would run it again and again
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("gateway", "actions"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    for store in ("postgres", "redis"):
        assert services["rasa"]["depends_on"][store]["condition"] == "service_healthy"


def test_compose_sets_only_variables_that_waypoint_or_the_images_read():
    known = known_variables()
    for name, service in compose()["services"].items():
        unknown = set(service.get("environment") or {}) - (known if name in WAYPOINT else IMAGE_VARIABLES[name])
        assert not unknown, f"{name} sets variables nothing reads: {sorted(unknown)}"


def test_rasa_gets_every_variable_its_endpoints_and_credentials_read():
    assert rasa_reads() <= set(compose_environment("rasa"))


def test_the_parts_find_each_other_and_listen_where_they_are_called(tmp_path):
    services = compose()["services"]
    gateway = settings_from(compose_environment("gateway"), tmp_path)
    rasa_command = services["rasa"]["command"]
    for url in gateway.rasa_urls:
        parts = urlsplit(url)
        assert parts.hostname in services and services[parts.hostname]["command"][0] == "rasa"
        assert str(parts.port) == rasa_command[rasa_command.index("--port") + 1]
    for name in ("gateway", "rasa"):  # the gateway checks its /health, Rasa calls its webhook
        target = urlsplit(settings_from(compose_environment(name), tmp_path).action_server_url)
        assert target.hostname == "actions"
        assert target.port == settings_from(compose_environment("actions"), tmp_path).action_server_port


def test_rasa_and_the_action_server_may_listen_on_the_private_network(tmp_path):
    for name in ("actions", "rasa"):
        settings = settings_from(compose_environment(name), tmp_path)
        assert refusal("Rasa", "RASA_INTERFACE", settings.rasa_interface, settings.allow_public_interfaces) is None
        assert refusal("actions", "ACTION_SERVER_INTERFACE", settings.action_server_interface, settings.allow_public_interfaces) is None


def test_lock_store_variables_agree_with_redis_url_and_the_redis_service():
    environment = compose_environment("rasa")
    assert lock_store_environment(environment["REDIS_URL"]) == {name: environment[name] for name in LOCK_STORE_VARIABLES}
    assert environment["LOCK_STORE_TYPE"] == "redis"
    assert environment["REDIS_HOST"] in compose()["services"]
    redis_command = [interpolate(word) for word in compose()["services"]["redis"]["command"]]
    assert redis_command[redis_command.index("--requirepass") + 1] == environment["REDIS_PASSWORD"]


def test_database_urls_point_at_the_postgres_service_with_its_user_database_and_password():
    postgres = compose_environment("postgres")
    for name in WAYPOINT:
        environment = compose_environment(name)
        for variable in ("DATABASE_URL", "TRACKER_STORE_URL"):
            url = urlsplit(environment[variable])
            assert (url.hostname, url.username, url.password, url.path.lstrip("/")) == (
                "postgres",
                postgres["POSTGRES_USER"],
                postgres["POSTGRES_PASSWORD"],
                postgres["POSTGRES_DB"],
            ), (name, variable)


def test_no_secret_is_written_in_the_compose_file():
    for name, service in compose()["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            value = str(value)
            if SECRET_NAME.search(variable):
                assert REFERENCE.fullmatch(value), f"{name}: {variable} must come from .env as ${{{variable}:?...}}"
            password = urlsplit(interpolate(value)).password if "://" in value else None
            if password:
                referenced = {fake(match[1]) for match in REFERENCE.finditer(value)}
                assert password in referenced, f"{name}: the password in {variable} must come from .env"
        if name == "redis":
            command = service["command"]
            assert REFERENCE.fullmatch(command[command.index("--requirepass") + 1])
    # A missing secret stops `docker compose up` instead of starting parts that disagree.
    text = (ROOT / "docker-compose.yml").read_text()
    for match in REFERENCE.finditer(text):
        assert match[2] and match[2].startswith(":?"), f"${{{match[1]}}} must fail when missing: ${{{match[1]}:?...}}"


def test_healthchecks_ask_the_port_each_part_listens_on(tmp_path):
    services = compose()["services"]
    listening = {
        "gateway": settings_from(compose_environment("gateway"), tmp_path).gateway_port,
        "actions": settings_from(compose_environment("actions"), tmp_path).action_server_port,
        "rasa": int(services["rasa"]["command"][services["rasa"]["command"].index("--port") + 1]),
    }
    for name, port in listening.items():
        [asked] = re.findall(r"http://127\.0\.0\.1:(\d+)/", " ".join(services[name]["healthcheck"]["test"]))
        assert int(asked) == port, name
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"]


def test_gateway_and_action_server_share_the_media_volume_at_media_dir(tmp_path):
    mounts = {}
    for name in ("gateway", "actions"):
        media = str(settings_from(compose_environment(name), tmp_path).media_dir)
        [volume] = [v.split(":")[0] for v in compose()["services"][name]["volumes"] if v.split(":")[1] == media]
        mounts[name] = volume
    assert mounts["gateway"] == mounts["actions"] and mounts["gateway"] in compose()["volumes"]


def test_waypoint_services_run_the_one_image_built_here():
    services = compose()["services"]
    assert len({(services[name]["image"], services[name]["build"]) for name in WAYPOINT}) == 1
    assert services["gateway"]["build"] == "."


# --- Dockerfile and .dockerignore ----------------------------------------------------------


def test_base_image_is_the_python_the_project_needs():
    [(_, image)] = [(k, a) for k, a in dockerfile() if k == "FROM"]
    version = re.match(r"python:(\d+\.\d+)-slim", image)
    requires = re.search(r'requires-python\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text())[1]
    assert version and SpecifierSet(requires).contains(f"{version[1]}.0")


def test_copied_files_exist_keep_their_paths_and_are_not_ignored():
    ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip() and not line.startswith("#")]
    for _, sources, destination in copies():
        for source in sources:
            assert (ROOT / source).exists(), source
            kept = destination in ("./", ".") and "/" not in source or destination.rstrip("/") in (source, str(Path(source).parent))
            assert kept, f"COPY {source} {destination} would not keep its path"
            parts = Path(source).parts
            for pattern in ignored:
                assert not any(fnmatch.fnmatch("/".join(parts[: n + 1]), pattern.lstrip("/")) for n in range(len(parts))), (
                    f"{source} is excluded by .dockerignore ({pattern})"
                )
    assert {".env", ".venv", "var", "models"} <= set(ignored)  # no secrets, no local state in the context


def test_run_steps_use_the_lock_file_and_modules_that_exist():
    runs = " ".join(arguments for keyword, arguments in dockerfile() if keyword == "RUN")
    assert "-r requirements/lock.txt" in runs and (ROOT / "requirements/lock.txt").exists()
    modules = re.findall(r"python -m ([\w.]+)", runs)
    assert "bot.training" in modules
    for module in modules:
        if module.split(".")[0] in ("bot", "actions"):
            assert runnable(module), module
    assert "bot.prepare" not in modules  # it would write .env and a SQLite database into the image


def test_everything_training_reads_is_copied_before_training():
    [position] = [n for n, (k, a) in enumerate(dockerfile()) if k == "RUN" and "bot.training" in a]
    before = copied_before(position)
    needed = [str(path.relative_to(ROOT)) for path in training.training_inputs()]
    needed += [str(PATTERNS_DIR.relative_to(ROOT))]
    for module in project_imports("bot.training") | project_imports("bot.nlp.build_pipeline"):
        needed.append(str(module_file(module).relative_to(ROOT)))
    missing = [path for path in needed if not is_under(path, before)]
    assert not missing, f"copied only after training: {missing}"


def test_rasa_finds_its_model_and_configuration_in_the_working_directory():
    command = compose()["services"]["rasa"]["command"]
    assert command[command.index("--model") + 1] == str(training.MODELS_DIR.relative_to(ROOT))
    copied = [source for _, sources, _ in copies() for source in sources]
    for option in ("--endpoints", "--credentials"):
        assert command[command.index(option) + 1] in copied


def test_image_environment_is_what_the_supervisor_gives_rasa():
    environment = {}
    for keyword, arguments in dockerfile():
        if keyword == "ENV":
            environment.update(word.split("=", 1) for word in shlex.split(arguments))
    extras = supervisor_extras()
    assert extras and {name: environment.get(name) for name in extras} == extras


def test_image_runs_as_an_unprivileged_user_who_owns_media():
    uid = dockerfile_user()
    assert uid != 0
    runs = " ".join(arguments for keyword, arguments in dockerfile() if keyword == "RUN")
    assert re.search(rf"useradd [^&]*--uid {uid}\b", runs)
    # Every secret comes from the environment, so load_settings() writes no .env (see tests/test_settings.py).
    assert ".env" not in runs
    media = compose_environment("gateway")["MEDIA_DIR"]
    assert re.search(rf"mkdir -p {re.escape(media)}\b", runs) and re.search(rf"chown {uid}(:\d+)? {re.escape(media)}\b", runs)
    [(_, default)] = [(k, a) for k, a in dockerfile() if k == "CMD"]
    assert yaml.safe_load(default) == compose()["services"]["gateway"]["command"]


# --- docs/kubernetes -----------------------------------------------------------------------


def test_manifests_parse_and_run_the_same_commands_as_compose():
    assert set(workloads()) == set(WAYPOINT)
    for component in WAYPOINT:
        assert container(component)["command"] == compose()["services"][component]["command"], component
    assert len({container(component)["image"] for component in WAYPOINT}) == 1


def test_pods_run_as_the_image_user_and_not_as_root():
    for component, workload in workloads().items():
        context = workload["spec"]["template"]["spec"]["securityContext"]
        assert context["runAsNonRoot"] is True and context["runAsUser"] == dockerfile_user(), component
        assert not workload["spec"]["template"]["spec"].get("hostNetwork")


def test_manifests_set_only_variables_that_waypoint_reads():
    known = known_variables()
    for component in WAYPOINT:
        unknown = {entry["name"] for entry in container(component).get("env", [])} - known
        assert not unknown, f"{component} sets variables nothing reads: {sorted(unknown)}"


def test_no_secret_is_written_in_the_manifests():
    assert not of_kind("Secret"), "the operator creates the Secret from the env file"
    for component in WAYPOINT:
        for entry in container(component).get("env", []):
            if "value" in entry:
                assert not SECRET_NAME.search(entry["name"]), f"{component}: {entry['name']} must come from the Secret"
                assert not ("://" in str(entry["value"]) and urlsplit(str(entry["value"])).password), entry["name"]


def test_the_gateway_is_a_single_replica_replaced_not_rolled():
    gateway = workloads()["gateway"]
    assert gateway["kind"] == "Deployment" and gateway["spec"]["replicas"] == 1
    assert gateway["spec"]["strategy"]["type"] == "Recreate"


def test_rasa_urls_name_every_pod_of_the_rasa_statefulset(tmp_path):
    rasa = workloads()["rasa"]
    assert rasa["kind"] == "StatefulSet"
    headless = service_named(rasa["spec"]["serviceName"])
    assert headless["spec"]["clusterIP"] == "None" and component_behind(headless) == "rasa"
    command = container("rasa")["command"]
    port = int(command[command.index("--port") + 1])
    assert container_port("rasa", port) == port
    expected = [f"http://rasa-{n}.{headless['metadata']['name']}:{port}" for n in range(rasa["spec"]["replicas"])]
    assert settings_from(kubernetes_environment("gateway"), tmp_path).rasa_urls == expected


def test_several_rasa_pods_share_the_redis_lock_store():
    assert workloads()["rasa"]["spec"]["replicas"] > 1
    environment = kubernetes_environment("rasa")
    assert environment["LOCK_STORE_TYPE"] == "redis"
    url = f"redis://:{environment['REDIS_PASSWORD']}@{environment['REDIS_HOST']}:{environment['REDIS_PORT']}/{environment['REDIS_DB']}"
    assert lock_store_environment(url) == {name: environment[name] for name in LOCK_STORE_VARIABLES}
    assert rasa_reads() <= set(environment), "rasa takes nothing from envFrom: each variable must be listed"


def test_action_server_url_reaches_the_action_server_through_its_service(tmp_path):
    listens_on = settings_from(kubernetes_environment("actions"), tmp_path).action_server_port
    for component in ("gateway", "rasa"):
        target = urlsplit(settings_from(kubernetes_environment(component), tmp_path).action_server_url)
        service = service_named(target.hostname)
        [port] = [p for p in service["spec"]["ports"] if p["port"] == target.port]
        assert component_behind(service) == "actions"
        assert container_port("actions", port["targetPort"]) == listens_on


def test_action_server_may_listen_on_the_pod_network(tmp_path):
    settings = settings_from(kubernetes_environment("actions"), tmp_path)
    assert refusal("actions", "ACTION_SERVER_INTERFACE", settings.action_server_interface, settings.allow_public_interfaces) is None


def test_services_select_pods_on_ports_they_have_and_only_the_gateway_is_exposed():
    for service in of_kind("Service"):
        component = component_behind(service)
        assert service["spec"].get("type", "ClusterIP") == "ClusterIP", service["metadata"]["name"]
        for port in service["spec"]["ports"]:
            container_port(component, port.get("targetPort", port["port"]))
    for spec in (container(component) for component in WAYPOINT):
        assert not any("hostPort" in port for port in spec.get("ports", []))
    backends = {
        path["backend"]["service"]["name"]
        for ingress in of_kind("Ingress")
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert backends and {component_behind(service_named(name)) for name in backends} == {"gateway"}


def test_network_policies_let_in_exactly_the_callers_of_rasa_and_the_action_server(tmp_path):
    callers = {"rasa": set(), "actions": set()}
    for component in ("gateway", "rasa"):
        settings = settings_from(kubernetes_environment(component), tmp_path)
        if component == "gateway":
            callers["rasa"].add(component)
        callers[component_behind(service_named(urlsplit(settings.action_server_url).hostname))].add(component)
    assert callers == {"rasa": {"gateway"}, "actions": {"gateway", "rasa"}}  # the gateway checks /health before each turn
    for target, expected in callers.items():
        [policy] = [p for p in of_kind("NetworkPolicy") if p["spec"]["podSelector"]["matchLabels"].items() <= pod_labels(target).items()]
        allowed = set()
        for rule in policy["spec"]["ingress"]:
            ports = {port["port"] for port in rule["ports"]}
            assert ports == {container_port(target, port) for port in ports}
            for source in rule["from"]:
                assert set(source) == {"podSelector"} and source["podSelector"]["matchLabels"], "only named pods"
                allowed |= {c for c in WAYPOINT if source["podSelector"]["matchLabels"].items() <= pod_labels(c).items()}
        assert allowed == expected, target


def test_gateway_and_action_server_mount_the_media_claim_at_media_dir(tmp_path):
    claims = set()
    for component in ("gateway", "actions"):
        media = str(settings_from(kubernetes_environment(component), tmp_path).media_dir)
        pod = workloads()[component]["spec"]["template"]["spec"]
        [mount] = [m for m in container(component)["volumeMounts"] if m["mountPath"] == media]
        [volume] = [v for v in pod["volumes"] if v["name"] == mount["name"]]
        claims.add(volume["persistentVolumeClaim"]["claimName"])
    [claim] = claims
    assert claim in {doc["metadata"]["name"] for doc in of_kind("PersistentVolumeClaim")}


def test_the_guide_creates_the_secret_the_manifests_read_and_names_its_keys():
    guide = (ROOT / "docs" / "kubernetes.md").read_text()
    names = {
        source["secretRef"]["name"] for component in WAYPOINT for source in container(component).get("envFrom", [])
    } | {
        entry["valueFrom"]["secretKeyRef"]["name"]
        for component in WAYPOINT
        for entry in container(component).get("env", [])
        if "valueFrom" in entry
    }
    [name] = names
    assert f"kubectl -n waypoint create secret generic {name} --from-env-file=.env" in guide
    for key in {*GENERATED_SECRETS, *secret_keys_used()}:
        assert f"`{key}`" in guide, key
    for path in KUBERNETES_DIR.glob("*.yaml"):
        assert path.name in guide, path.name


def test_commands_the_guides_tell_operators_to_run_exist():
    for guide in (ROOT / "docker-compose.yml", ROOT / "docs" / "kubernetes.md"):
        text = guide.read_text()
        modules = [m for m in re.findall(r"python3? -m ([\w.]+)", text) if m.split(".")[0] in ("bot", "actions")]
        assert modules, guide.name
        for module in modules:
            assert runnable(module), f"{guide.name}: python -m {module}"
        snippets = re.findall(r"from ([\w.]+) import (\w+); \w+\(\)", text)
        assert snippets, f"{guide.name} no longer says how to create the secrets"
        for module, name in snippets:
            assert callable(getattr(__import__(module, fromlist=[name]), name, None)), f"{guide.name}: {module}.{name}"
