from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class Error(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


ERROR = OpenApiResponse(Error, description="A machine-readable refusal.")
FIELD_ERRORS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Field errors: an object mapping each field to its messages, or "
    "`detail` for a request-level problem.",
)


# Gunicorn's own answers, before a request reaches Django: an HTML page, whatever
# the operation. (A 6 KB request line gets a 414 on any of them.)
HTML_PAGE = {"text/html": {"schema": {"type": "string"}}}
SERVER_REFUSALS = {
    "414": "The request line (path and query) is longer than the HTTP server "
    "reads (4,094 bytes); answered by the server as an HTML page.",
    "417": "An `Expect` header other than `100-continue`; answered by the HTTP "
    "server as an HTML page.",
    "431": "Too many request headers, or one too long; answered by the HTTP "
    "server as an HTML page.",
    "501": "A `Transfer-Encoding` the HTTP server does not implement; answered "
    "by the server as an HTML page.",
}
MALFORMED_REQUEST = (
    "A malformed request (a request line or header the HTTP server cannot "
    "parse, a `Host` this site does not serve) is answered as an HTML page."
)


class AutoSchema(BaseAutoSchema):
    """Documents every status code an operation can answer, not only the 2xx.

    Public reads can answer 400 (bad filter), 404, 406 and 429; newsroom endpoints
    add 401 and 403; writes add 409 (stale version, workflow refusal), 412/428
    (If-Match), 413 (body too large) and 415. Any operation can also meet the HTTP
    server's own refusals (SERVER_REFUSALS) and a malformed-request 400 in HTML.
    """

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        public = getattr(self.view, "authentication_classes", None) == []
        codes = {"400": FIELD_ERRORS, "404": ERROR, "406": ERROR, "429": ERROR}
        if not public:
            codes |= {"401": ERROR, "403": ERROR}
        if self.method in ("POST", "PATCH", "PUT", "DELETE"):
            codes |= {
                "409": ERROR,
                "412": ERROR,
                "413": ERROR,
                "415": ERROR,
                "428": ERROR,
            }
        for code, response in codes.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    response, code, direction=direction
                )
        bad_request = responses["400"]
        bad_request["description"] += f" {MALFORMED_REQUEST}"
        bad_request["content"] = {**bad_request["content"], **HTML_PAGE}
        for code, description in SERVER_REFUSALS.items():
            responses[code] = {"description": description, "content": HTML_PAGE}
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "factcheck.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A newsroom API key issued by an administrator.",
        }
