import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The reader's address, behind as many proxies as PROXY_COUNT says we run.

    Each of our proxies appends the address it received the request from to
    X-Forwarded-For, so the client is the entry just before the ones they added.
    Entries further left are whatever the client claimed, and are ignored. The
    header counts only when the request comes from our proxy (PROXY_ADDRESSES):
    anyone reaching the application server directly could write it, choose their
    own address and walk around the login lockout and the throttles. Used by the
    login lockout, the submit form's limit and the API's throttles alike.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    proxies = settings.PROXY_COUNT
    if proxies and _is_our_proxy(peer):
        forwarded = [
            address.strip()
            for address in request.headers.get("X-Forwarded-For", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return peer


def _is_our_proxy(peer: str) -> bool:
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False  # a Unix socket's peer has no address; nginx sets none
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.PROXY_ADDRESSES
    )
