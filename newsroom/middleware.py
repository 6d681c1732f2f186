"""Requests no view should see."""

from django.http import HttpRequest, HttpResponseBadRequest, JsonResponse


def reject_hostile_input(get_response):
    """Answer 400 to a NUL character in the path or the query string.

    PostgreSQL cannot store or compare text containing NUL, so letting one reach
    a lookup would end in a 500; no legitimate link or search contains it.
    """

    def middleware(request: HttpRequest):
        query_values = (v for values in request.GET.lists() for v in values[1])
        if "\x00" in request.path or any(
            "\x00" in text for text in (*request.GET.keys(), *query_values)
        ):
            message = "The address contains a NUL character."
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": message, "code": "invalid_characters"}, status=400
                )
            return HttpResponseBadRequest(message)
        return get_response(request)

    return middleware
