"""Every refusal as a JSON body a program can act on; never a 500 for bad input."""

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from factcheck import services

WORKFLOW_STATUS = {
    services.NotAllowed: status.HTTP_403_FORBIDDEN,
    services.Conflict: status.HTTP_409_CONFLICT,
    services.InvalidTransition: status.HTTP_409_CONFLICT,
    services.GuardFailed: status.HTTP_409_CONFLICT,
}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since the version named in If-Match."
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Say which version you edited: a `version` field or an If-Match header."
    )
    default_code = "precondition_required"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def handle(exc, context):
    if isinstance(exc, services.WorkflowError):
        code = WORKFLOW_STATUS.get(type(exc), status.HTTP_409_CONFLICT)
        return Response({"detail": exc.message, "code": exc.code}, status=code)
    if isinstance(exc, DjangoValidationError):
        # Raised by the services' model validation: same shape as a serializer's.
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    response = exception_handler(exc, context)
    codes = exc.get_codes() if hasattr(exc, "get_codes") else None
    if response is not None and isinstance(codes, str) and "detail" in response.data:
        response.data["code"] = codes
    return response


@csrf_exempt  # a 404 for any method; nothing is read or written
def not_found(request, *args, **kwargs) -> JsonResponse:
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
