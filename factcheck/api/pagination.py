from django.conf import settings
from django.utils.encoding import iri_to_uri
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param


class Pages(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request) -> int:
        # DRF silently falls back to the default on a bad value; a client that
        # asked for something else should hear that it was not understood.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        # ASCII only: str.isdigit() also accepts "²", which int() then refuses.
        if not (raw.isascii() and raw.isdigit()) or not (
            1 <= int(raw) <= self.max_page_size
        ):
            raise ValidationError(
                {"page_size": [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)

    def get_next_link(self) -> str | None:
        if not self.page.has_next():
            return None
        return replace_query_param(
            self.site_url(), self.page_query_param, self.page.next_page_number()
        )

    def get_previous_link(self) -> str | None:
        if not self.page.has_previous():
            return None
        number = self.page.previous_page_number()
        if number == 1:
            return remove_query_param(self.site_url(), self.page_query_param)
        return replace_query_param(self.site_url(), self.page_query_param, number)

    def site_url(self) -> str:
        # From SITE_URL, not the request's Host or X-Forwarded-Proto: the page is
        # cached and served to every later reader
        # (PublicResponseMixin.build_once_per_generation).
        return settings.SITE_URL + iri_to_uri(self.request.get_full_path())

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] |= {"minimum": 1, "maximum": self.max_page_size}
            if parameter["name"] == self.page_query_param:
                parameter["schema"] |= {"minimum": 1}
        return parameters
