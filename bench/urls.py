"""The production URLconf plus the framework's ceiling: a view that does nothing."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from newsroom.urls import handler404
from newsroom.urls import urlpatterns as production_patterns

__all__ = ["handler404", "urlpatterns"]


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"hello", content_type="text/plain")


# First, so no catch-all of the production URLconf can shadow it.
urlpatterns = [path("bench/hello/", hello, name="bench_hello"), *production_patterns]
