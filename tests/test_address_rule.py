"""One address rule for every outbound URL: what a subscriber may be saved with is
what the fetcher will connect to, and the reverse.

Each refused form below is tried at both doors: saving a webhook subscriber (the
model validator every form and service runs) and sending (fetching.fetch, which
archives sources and checks links, and fetching.post, which delivers webhooks).
No test reaches beyond this machine: `connections` lets through only 127.0.0.1.
"""

import pytest
from django.core.exceptions import ValidationError

from factcheck import fetching
from factcheck.models import Subscriber, WebhookEvent

REFUSED = [
    # loopback, in every spelling
    "http://127.0.0.1/",
    "http://127.0.0.2/",
    "http://localhost/",
    "http://partner.localhost./",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
    "http://[::127.0.0.1]/",  # IPv4-compatible
    "http://[::ffff:0:7f00:1]/",  # IPv4-translated
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://0x7f.0.0.1/",
    # this network, unspecified
    "http://0.0.0.0/",
    "http://[::]/",
    # private, unique-local
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://[::ffff:10.0.0.1]/",
    "http://[fc00::1]/",
    "http://[fd00:ec2::254]/",
    # link-local (cloud metadata), site-local
    "http://169.254.169.254/latest/meta-data/",
    "http://[fe80::1]/",
    "http://[fec0::1]/",
    # carrier-grade NAT
    "http://100.64.0.1/",
    "http://100.100.100.200/",
    # multicast, broadcast, reserved, discard, segment routing
    "http://224.0.0.1/",
    "http://[ff02::1]/",
    "http://255.255.255.255/",
    "http://240.0.0.1/",
    "http://[4000::1]/",
    "http://[100::1]/",
    "http://[5f00::1]/",
    # IETF protocol assignments, 6to4 relay anycast, benchmarking, documentation
    "http://192.0.0.9/",
    "http://192.88.99.1/",
    "http://198.18.0.1/",
    "http://192.0.2.1/",
    "http://[2001:db8::1]/",
    "http://[3fff::1]/",
    # 6to4: the IPv4 address inside is where the packets end up
    "http://[2002:7f00:1::]/",  # 127.0.0.1
    "http://[2002:a00:1::]/",  # 10.0.0.1
    "http://[2002:808:808::]/",  # 8.8.8.8, through a relay the desk does not choose
    # Teredo: tunnels to the IPv4 addresses written inside
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
    "http://[2001::1]/",
    # NAT64: a translator in the desk's own network reaches its own IPv4 ranges
    "http://[64:ff9b::7f00:1]/",
    "http://[64:ff9b::a00:1]/",
    "http://[64:ff9b:1::a00:1]/",
    # the rest of the URL rule: ports, credentials, schemes
    "https://93.184.216.34:8443/",
    "http://93.184.216.34:22/",
    "http://user:secret@93.184.216.34/",
    "ftp://93.184.216.34/",
]

PUBLIC = [
    "http://93.184.216.34/",
    "https://93.184.216.34/hook",
    "http://[2606:4700:4700::1111]/",
    "http://[::ffff:93.184.216.34]/",
]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("connections")]


def saved_subscriber(url: str) -> Subscriber:
    partner = Subscriber(name="Partner", url=url, events=list(WebhookEvent.values))
    partner.full_clean()
    return partner


@pytest.mark.parametrize("url", REFUSED)
def test_it_refuses_a_subscriber_with_the_address(url: str) -> None:
    with pytest.raises(ValidationError) as refused:
        saved_subscriber(url)
    assert set(refused.value.message_dict) == {"url"}


@pytest.mark.parametrize("url", REFUSED)
def test_it_refuses_to_fetch_the_address_without_opening_a_socket(
    url: str, connections: list
) -> None:
    with pytest.raises(fetching.Refused):
        fetching.fetch(url)
    assert connections == []


@pytest.mark.parametrize("url", REFUSED)
def test_it_refuses_to_post_to_the_address_without_opening_a_socket(
    url: str, connections: list
) -> None:
    with pytest.raises(fetching.Refused):
        fetching.post(url, body=b"{}", headers={"Content-Type": "application/json"})
    assert connections == []


@pytest.mark.parametrize("url", PUBLIC)
def test_it_accepts_a_public_address_at_both_doors(url: str, connections: list) -> None:
    saved_subscriber(url)

    # The connect guard stops the fetch at the socket: the rule let it through.
    with pytest.raises(fetching.FetchFailed):
        fetching.fetch(url)
    assert len(connections) == 1
    assert connections[0][0] in {"93.184.216.34", "2606:4700:4700::1111"}
