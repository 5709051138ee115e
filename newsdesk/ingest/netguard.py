"""Which network addresses newsdesk may connect to (the SSRF guard's policy).

A feed list or a sitemap is input from strangers: an entry link pointing at
``http://169.254.169.254/`` (cloud metadata), ``http://127.0.0.1:6379/`` or a
router's admin page must not be fetched on their behalf.  Checking the *name*
is not enough (DNS may answer differently at connect time, a redirect may
lead elsewhere, ``0x7f000001`` is 127.0.0.1), so :mod:`.fetch` asks this
module about the address each socket actually connects to, and about every
numeric host spelling before that, for a clearer message.

``allow_private`` (the ``allow_private_networks`` setting) turns the guard off
for an intranet deployment and for the tests, which serve on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Refused whatever ``ipaddress`` thinks of them; the flags below catch the rest.
_REFUSED_V4 = [
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local host on Linux
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT: someone's private network
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata services
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast
    )
]
_REFUSED_V6 = [
    ipaddress.ip_network(n)
    for n in (
        "::/128",
        "::1/128",
        "::ffff:0:0/96",  # IPv4-mapped: would reach any IPv4 address
        "64:ff9b::/96",  # NAT64: likewise
        "64:ff9b:1::/48",
        "100::/64",
        "2001:db8::/32",
        "2002::/16",  # 6to4: embeds an IPv4 address
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",
        "ff00::/8",  # multicast
    )
]


@dataclass(frozen=True)
class AddressPolicy:
    """Decides whether an address may be connected to.

    ``allowed`` lists networks that are permitted even when they would be
    refused (an intranet range), without opening every private address.
    """

    allow_private: bool = False
    allowed: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    def refusal(self, address: str | IPAddress) -> str | None:
        """Why ``address`` is refused, or None when it may be connected to."""
        if self.allow_private:
            return None
        try:
            ip = ipaddress.ip_address(address) if isinstance(address, str) else address
        except ValueError:
            return f"{address!r} is not an IP address"
        if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
            ip = ipaddress.IPv6Address(ip.compressed.split("%")[0])
        if any(ip in net for net in self.allowed):
            return None
        return refusal_reason(ip)


def refusal_reason(ip: IPAddress) -> str | None:
    """The policy without exceptions: None for a public unicast address."""
    nets = _REFUSED_V4 if ip.version == 4 else _REFUSED_V6
    for net in nets:
        if ip in net:
            return f"{ip} is in {net} ({_describe(ip)})"
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return f"{ip} is not a public address ({_describe(ip)})"
    return None


def _describe(ip: IPAddress) -> str:
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return "IPv4-mapped IPv6"
    for flag in ("loopback", "link_local", "multicast", "private", "unspecified", "reserved"):
        if getattr(ip, f"is_{flag}"):
            return flag.replace("_", "-")
    if ip.version == 4 and ip in ipaddress.ip_network("100.64.0.0/10"):
        return "shared address space"
    if ip.version == 6 and ip in ipaddress.ip_network("2002::/16"):
        return "6to4"
    if ip.version == 6 and ip in ipaddress.ip_network("64:ff9b::/96"):
        return "NAT64"
    return "not globally routable"


_NUMERIC_PART = re.compile(r"^(0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)$")


def numeric_host(host: str) -> IPAddress | None:
    """The address a numeric host name stands for, in any spelling C's
    ``inet_aton`` accepts (and so the resolver would): ``2130706433``,
    ``0x7f000001``, ``0177.0.0.1``, ``127.1``; IPv6 in brackets or not.

    None when ``host`` is a name to be resolved.  A spelling that overflows is
    not an address (the resolver rejects it too).
    """
    host = host.strip().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%")[0])
        except ValueError:
            return None
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_NUMERIC_PART.match(p) for p in parts):
        return None
    values = []
    for part in parts:
        if part[:2].lower() == "0x":
            values.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            values.append(int(part, 8))
        else:
            values.append(int(part))
    # a.b.c.d / a.b.(16 bits) / a.(24 bits) / (32 bits), as inet_aton reads them.
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    number = last
    for i, v in enumerate(head):
        number |= v << (8 * (3 - i))
    return ipaddress.IPv4Address(number)
