from django.conf import settings
from rest_framework import throttling


class _RatesFromSettings:
    # DRF reads the rates once, when the module is imported; reading them per
    # request lets an operator (or a test) change them without a restart.
    def get_rate(self):
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]


class AnonymousRate(_RatesFromSettings, throttling.AnonRateThrottle):
    pass


class KeyRate(_RatesFromSettings, throttling.UserRateThrottle):
    pass
