from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from factcheck.models import ApiToken
from factcheck.services import hash_token_key


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <key>` (or `Token <key>`), looked up by its hash."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if (
            not header
            or header[0].lower().decode(errors="replace") not in self.keywords
        ):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the key as: Authorization: Bearer <key>.")
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid API key.")) from exc
        # A key of a deactivated account is still its key: the permission check
        # (the admin's own gate) refuses it, saying why.
        token = (
            ApiToken.objects.filter(revoked_at__isnull=True)
            .select_related("user")
            .filter(key_hash=hash_token_key(key))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        # One write a minute at most: enough to show administrators what is in use.
        now = timezone.now()
        if (
            token.last_used_at is None
            or (now - token.last_used_at).total_seconds() > 60
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
