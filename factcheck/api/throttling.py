from django.conf import settings
from rest_framework import throttling

from newsroom.client_ip import client_address


class _RatesFromSettings:
    # DRF reads the rates once, when the module is imported; reading them per
    # request lets an operator (or a test) change them without a restart.
    def get_rate(self):
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]

    def get_ident(self, request):
        # The address the login lockout and the submit form count, not DRF's own
        # reading of X-Forwarded-For, which believes any peer.
        return client_address(request)


class AnonymousRate(_RatesFromSettings, throttling.AnonRateThrottle):
    pass


class KeyRate(_RatesFromSettings, throttling.UserRateThrottle):
    pass


class MatchRate(_RatesFromSettings, throttling.AnonRateThrottle):
    """ "Has this been checked?" embeds the reader's text and compares it with
    every published fact-check: a budget of its own, smaller than reading's."""

    scope = "match"
