from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The reader's address, behind as many proxies as PROXY_COUNT says we run.

    Each of our proxies appends the address it received the request from to
    X-Forwarded-For, so the client is the entry just before the ones they added.
    Entries further left are whatever the client claimed, and are ignored. Used by
    the login lockout, the submit form's limit and the API's throttles alike.
    """
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [
            address.strip()
            for address in request.headers.get("X-Forwarded-For", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
