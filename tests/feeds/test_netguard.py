"""The address policy: every range and spelling the SSRF guard must refuse."""

from __future__ import annotations

import ipaddress

import pytest

from newsdesk.ingest.netguard import AddressPolicy, numeric_host

REFUSED = [
    "127.0.0.1",
    "127.255.255.254",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # carrier-grade NAT
    "100.127.255.254",
    "0.0.0.0",
    "0.1.2.3",
    "224.0.0.1",  # multicast
    "239.255.255.250",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:8.8.8.8",  # mapped, even to a public address
    "64:ff9b::7f00:1",  # NAT64
    "64:ff9b::808:808",
    "2002:7f00:1::1",  # 6to4
    "2002:808:808::1",
]

ALLOWED = ["8.8.8.8", "93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450::1"]


@pytest.mark.parametrize("address", REFUSED)
def test_refused(address):
    assert AddressPolicy().refusal(address) is not None


@pytest.mark.parametrize("address", ALLOWED)
def test_public_allowed(address):
    assert AddressPolicy().refusal(address) is None


def test_override_allows_everything():
    policy = AddressPolicy(allow_private=True)
    assert all(policy.refusal(a) is None for a in REFUSED)


def test_allowed_network_opens_only_that_range():
    policy = AddressPolicy(allowed=(ipaddress.ip_network("10.1.0.0/16"),))
    assert policy.refusal("10.1.2.3") is None
    assert policy.refusal("10.2.0.1") is not None
    assert policy.refusal("127.0.0.1") is not None


@pytest.mark.parametrize(
    "spelling",
    ["0x7f000001", "0177.0.0.1", "2130706433", "127.1", "0x7f.1", "0x7F.0.0.01", "017700000001"],
)
def test_numeric_spellings_are_loopback(spelling):
    assert numeric_host(spelling) == ipaddress.IPv4Address("127.0.0.1")
    assert AddressPolicy().refusal(numeric_host(spelling)) is not None


@pytest.mark.parametrize(
    "name", ["example.com", "127.0.0.1.nip.io", "0x7g", "1.2.3.4.5", "256.1.1.1"]
)
def test_names_are_not_numeric(name):
    assert numeric_host(name) is None


def test_ipv6_literals():
    assert numeric_host("[::1]") == ipaddress.IPv6Address("::1")
    assert numeric_host("::ffff:7f00:1") == ipaddress.IPv6Address("::ffff:127.0.0.1")
