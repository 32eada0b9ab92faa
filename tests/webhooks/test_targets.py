"""SSRF guard: only http(s) URLs whose host resolves to public addresses only."""

import pytest

from webhooks.targets import TargetRefused, target_resolve

REFUSED = [
    "http://127.0.0.1/hook",
    "http://127.1.2.3:8080/hook",
    "http://localhost/hook",
    "http://2130706433/hook",  # 127.0.0.1 spelled as one number
    "http://0.0.0.0/hook",
    "http://10.0.0.5/hook",
    "http://172.16.0.1/hook",
    "http://192.168.1.1/hook",
    "http://100.64.0.1/hook",  # shared address space (carrier NAT)
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
    "http://224.0.0.1/hook",  # multicast
    "http://240.0.0.1/hook",  # reserved
    "http://[::1]/hook",
    "http://[::]/hook",
    "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped loopback
    "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
    "http://[2002:a9fe:a9fe::1]/latest/meta-data/",  # 6to4 of 169.254.169.254
    "http://[2002:c0a8:101::]/hook",  # 6to4 of 192.168.1.1
    "http://[2001:0:5db8:a8c0:0:f227:80fe:fffe]/hook",  # Teredo, client 127.1.0.1
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",  # Teredo (RFC 4380's example)
    "http://[64:ff9b::7f00:1]/hook",  # NAT64 of 127.0.0.1
    "http://[fc00::1]/hook",  # unique local
    "http://[fe80::1]/hook",  # link-local
    "http://[ff02::1]/hook",  # multicast
    "ftp://93.184.216.34/hook",
    "file:///etc/passwd",
    "gopher://93.184.216.34/",
    "http://user:secret@93.184.216.34/hook",
    "http:///hook",
    "http://93.184.216.34:99999/hook",
    "http://no-such-host.invalid/hook",
]


@pytest.mark.parametrize("url", REFUSED)
def test_refused(url, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    with pytest.raises(TargetRefused) as refused:
        target_resolve(url)
    assert refused.value.status == 400
    assert list(refused.value.errors) == ["url"]


@pytest.mark.parametrize("address", ["2002:5db8:d822::1", "2a00:1450:4001:80b::200e"])
def test_a_6to4_address_of_a_public_ipv4_is_accepted(address, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    assert target_resolve(f"http://[{address}]/hook").address == address


def test_a_public_address_is_accepted_and_pinned(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    target = target_resolve("https://93.184.216.34:8443/in?x=1")
    assert (target.scheme, target.address, target.port, target.path) == (
        "https",
        "93.184.216.34",
        8443,
        "/in?x=1",
    )
    assert target.host_header == "93.184.216.34:8443"


def test_the_setting_allows_private_targets(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    target = target_resolve("http://localhost:8081/in")
    assert target.address in ("127.0.0.1", "::1")
    assert target.host_header == "localhost:8081"
    with pytest.raises(TargetRefused):
        target_resolve("ftp://localhost/in")  # the scheme rule holds regardless


def test_the_error_names_the_callers_field(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    with pytest.raises(TargetRefused) as refused:
        target_resolve("http://10.1.1.1/", field="Url")
    assert list(refused.value.errors) == ["Url"]
