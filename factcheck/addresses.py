"""Which addresses the desk may send a request to: one rule for every outbound URL.

The fetcher applies it to the address it is about to connect to (after resolving
the host, on every redirect hop), and the link fields apply it when a URL is saved,
so a subscriber, a source or anything else the desk will contact later is refused at
the door instead of failing quietly in a background job.

The ranges are written out rather than left to `ipaddress.is_global`, whose answer
has changed between Python patch releases and which calls 6to4, NAT64 and
site-local addresses global: each of those reaches a machine other than the one the
address seems to name, and the desk cannot tell which.
"""

import ipaddress
from typing import TypeAlias

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address

# A server on another port is usually an admin console or an internal service.
ALLOWED_PORTS = frozenset({80, 443})

NOT_PUBLIC_IPV4 = tuple(
    ipaddress.IPv4Network(network)
    for network in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local machine
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # carrier-grade NAT, can route to internal workloads
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, where cloud metadata services answer
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
    )
)

# Only 2000::/3 is handed out for public unicast; everything outside it (loopback,
# unspecified, IPv4-compatible ::a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d, NAT64
# 64:ff9b::/96 and 64:ff9b:1::/48, discard 100::/64, segment routing 5f00::/16,
# unique-local fc00::/7, link-local fe80::/10, site-local fec0::/10, multicast
# ff00::/8) is refused. IPv4-mapped ::ffff:a.b.c.d is judged as its IPv4 address.
IPV6_PUBLIC_UNICAST = ipaddress.IPv6Network("2000::/3")
NOT_PUBLIC_IPV6 = tuple(
    ipaddress.IPv6Network(network)
    for network in (
        # IETF protocol assignments, Teredo 2001::/32 and ORCHID among them:
        # Teredo tunnels to an IPv4 address written inside the address.
        "2001::/23",
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4: reaches the IPv4 address inside it, 127.0.0.1 too
        "3fff::/20",  # documentation
    )
)


def is_public(address: IPAddress) -> bool:
    """Whether the desk may connect to `address`: on the public internet, unicast."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public(address.ipv4_mapped)
        if address not in IPV6_PUBLIC_UNICAST or any(
            address in network for network in NOT_PUBLIC_IPV6
        ):
            return False
    elif any(address in network for network in NOT_PUBLIC_IPV4):
        return False
    # Python knows of registrations this list may not (and the reverse).
    return address.is_global and not address.is_multicast


def names_this_machine(host: str) -> bool:
    """`localhost` and its subdomains, which resolvers answer with loopback."""
    host = host.rstrip(".").lower()
    return host == "localhost" or host.endswith(".localhost")


def ip_literal(host: str) -> IPAddress | None:
    """The address a URL's host spells out, or None when it is a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None
