"""Submit a claim: a reader's claim lands in the editors' queue as "submitted".

Abuse is kept in check three ways: CSRF (Django's middleware), a honeypot field
robots fill in, and a limit on how many claims one address may send in each hour
of the clock, counted in Django's cache (Redis in production, so every worker
shares the count).
"""

import ipaddress
import time

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from factcheck import services
from factcheck.pagecache import cached_public
from factcheck.public.forms import SubmitClaimForm
from newsroom.client_ip import client_address

SUBMISSIONS_PER_WINDOW = 5
WINDOW_SECONDS = 60 * 60
TEMPLATE = "factcheck/submit.html"
# The clock the windows are read from: the count lives in the cache (Redis in
# production), whose own expiry no test can hurry, so the window is named by the
# time instead and a test moves this clock.
clock = time.time


def _quota_key(request: HttpRequest) -> str:
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        ip = address
    else:
        if ip.version == 6:
            # A home or a phone is given a whole /64 and may use any address in it:
            # counted one address at a time, it could rotate past the limit.
            ip = ipaddress.ip_network(f"{ip}/64", strict=False).network_address
    window = int(clock() // WINDOW_SECONDS)
    return f"submit-claim:{ip}:{window}"


def seconds_left_in_window() -> int:
    return WINDOW_SECONDS - int(clock() % WINDOW_SECONDS)


def quota_spent(request: HttpRequest) -> bool:
    return cache.get(_quota_key(request), 0) >= SUBMISSIONS_PER_WINDOW


def spend_quota(request: HttpRequest) -> None:
    key = _quota_key(request)
    # Each window has its own key, kept a little longer than the window lasts; the
    # next window starts from nothing. Two posts racing past quota_spent() can
    # send one claim over the limit; that is harmless.
    cache.add(key, 0, WINDOW_SECONDS + 60)
    try:
        cache.incr(key)
    except ValueError:  # the key was evicted between add() and incr()
        cache.set(key, 1, WINDOW_SECONDS + 60)


# never_cache: the page carries this visitor's CSRF token.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def submit_claim(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = SubmitClaimForm(initial={"language": get_language()})
        return render(request, TEMPLATE, {"form": form})
    form = SubmitClaimForm(request.POST)
    if quota_spent(request):
        response = render(
            request,
            TEMPLATE,
            {"form": form, "rate_limited": True, "limit": SUBMISSIONS_PER_WINDOW},
            status=429,
        )
        response.headers["Retry-After"] = str(seconds_left_in_window())
        return response
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    if not form.is_from_robot:
        data = form.cleaned_data
        services.submit_claim(
            text=data["text"],
            language=data["language"],
            context=data["submitted_context"],
            contact=data["submitter_contact"],
        )
    spend_quota(request)
    # Post/redirect/get: reloading the thank-you page cannot submit twice.
    return redirect("submit_thanks")


@require_safe
@cached_public
def submit_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "factcheck/submit_thanks.html")
