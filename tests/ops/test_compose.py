"""docker-compose.yml and the Dockerfile are safe to copy into production (no engine here:
the files are parsed and their properties asserted)."""

import ipaddress
import re

import pytest
import yaml

from tests.ops.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
ONE_SHOT = {"migrate", "demo"}


def commands() -> dict[str, str]:
    return {
        name: " ".join(service["command"])
        if isinstance(service.get("command"), list)
        else service.get("command", "")
        for name, service in SERVICES.items()
    }


def test_the_services():
    assert set(SERVICES) == {"db", "redis", "migrate", "app", "proxy", "worker", "demo"}
    assert commands()["worker"] == "python manage.py run_huey"
    assert commands()["app"].startswith("gunicorn -c gunicorn.conf.py")
    assert commands()["migrate"] == "python manage.py migrate --noinput"


@pytest.mark.parametrize("name", sorted(set(SERVICES) - ONE_SHOT))
def test_every_long_running_service_has_a_health_check(name):
    healthcheck = SERVICES[name]["healthcheck"]
    assert healthcheck["test"] and not healthcheck.get("disable")


def test_one_shot_steps_do_not_restart():
    for name in ONE_SHOT:
        assert SERVICES[name]["restart"] == "no"


def test_demo_data_only_with_the_demo_profile():
    seeding = [name for name, command in commands().items() if "seed_demo" in command]
    assert seeding == ["demo"]
    assert SERVICES["demo"]["profiles"] == ["demo"]
    assert all("profiles" not in SERVICES[name] for name in set(SERVICES) - {"demo"})


def test_nothing_is_installed_or_collected_at_start():
    for name, command in commands().items():
        assert "pip" not in command, name
        assert "collectstatic" not in command, name
        assert "createcachetable" not in command, name
    for name in ("migrate", "app", "worker", "demo"):
        assert SERVICES[name]["build"] == "."
        assert SERVICES[name]["image"] == "connect-api:latest"
        assert not any(volume.startswith(".:") for volume in SERVICES[name].get("volumes", []))


def test_the_image_installs_and_collects_static_files_at_build():
    runs = re.findall(r"^RUN (.+?)(?<!\\)$", DOCKERFILE, flags=re.M | re.S)
    assert any("pip install -r requirements.txt" in run for run in runs)
    assert any("collectstatic --noinput" in run for run in runs)
    assert "USER app" in DOCKERFILE
    assert "HEALTHCHECK" in DOCKERFILE


def test_secrets_are_required_without_fallback():
    for name in ("migrate", "app", "worker", "demo"):
        environment = SERVICES[name]["environment"]
        assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
        assert "${POSTGRES_PASSWORD:?" in environment["DATABASE_URL"]
        assert environment["DEBUG"] == "false"
    assert SERVICES["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_production_services_are_used():
    environment = SERVICES["app"]["environment"]
    assert environment["CACHE_URL"].startswith("redis://redis:")
    assert environment["QUEUE_URL"].startswith("redis://redis:")
    assert environment["DATABASE_URL"].startswith("postgres://")
    for name in ("app", "worker"):
        depends = SERVICES[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["redis"]["condition"] == "service_healthy"


def test_only_the_buffering_proxy_is_published_and_it_runs_the_repository_config():
    """Slow clients meet nginx, never a gunicorn worker (tests/server/test_slow_clients.py runs
    the same template in front of a real gunicorn)."""
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"proxy"}
    proxy = SERVICES["proxy"]
    assert proxy["image"].startswith("nginx:")
    template = "./deploy/nginx/connect-api.conf.template"
    assert (ROOT / template).is_file()
    assert f"{template}:/etc/nginx/templates/default.conf.template:ro" in proxy["volumes"]
    names = set(re.findall(r"\$\{(\w+)\}", (ROOT / template).read_text()))
    assert names == set(proxy["environment"])  # envsubst leaves no ${...} for nginx to choke on
    assert proxy["environment"]["APP_UPSTREAM"] == "app:8000"
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    # the app believes the proxy by its address, fixed on the network, never by hop count
    environment = SERVICES["app"]["environment"]
    address = proxy["networks"]["default"]["ipv4_address"]
    assert address == "${PROXY_ADDRESS:-172.30.80.10}"
    assert environment["TRUSTED_PROXIES"] == f"{address}/32"
    assert environment["FORWARDED_ALLOW_IPS"] == address
    assert "TRUSTED_PROXY_COUNT" not in environment
    subnet = COMPOSE["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address("172.30.80.10") in ipaddress.ip_network(subnet.split("-")[-1][:-1])


def test_the_app_and_the_worker_get_the_mail_settings():
    for name in ("app", "worker"):
        environment = SERVICES[name]["environment"]
        assert environment["EMAIL_URL"] == "${EMAIL_URL:-consolemail://}"
        assert environment["EMAIL_BACKEND"] == "${EMAIL_BACKEND:-}"  # empty: EMAIL_URL's
        assert "DEFAULT_FROM_EMAIL" in environment
