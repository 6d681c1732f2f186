"""API keys: issued to a user, shown once, revoked; only a hash is kept."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from factcheck.models import ApiToken, EventKind
from factcheck.services.audit import record
from factcheck.services.errors import NotAllowed
from factcheck.services.records import require


def issue_token(
    user: AbstractBaseUser, *, actor: AbstractBaseUser, name: str
) -> tuple[ApiToken, str]:
    """A new key for `user`; the plain key is returned once and never stored."""
    require(actor, "factcheck.add_apitoken", _("Only administrators issue API keys."))
    if user.is_superuser and not actor.is_superuser:
        # A key acts as its user: one for the operator's account would hand an
        # administrator the powers that only the operator holds.
        raise NotAllowed(
            _("Only the operator (a superuser) issues keys for a superuser.")
        )
    key = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=key[:8], key_hash=hash_token_key(key))
    token.full_clean(validate_constraints=False)
    with transaction.atomic():
        token.save()
        record(
            None,
            EventKind.CREATE,
            actor,
            subject=token,
            data={"user": user.pk, "name": token.name, "prefix": token.prefix},
        )
    return token, key


def revoke_token(token: ApiToken, *, actor: AbstractBaseUser) -> None:
    require(
        actor, "factcheck.change_apitoken", _("Only administrators revoke API keys.")
    )
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            record(
                None,
                EventKind.REVOKE,
                actor,
                subject=token,
                data={"previous": {"revoked_at": None}},
            )
    token.refresh_from_db()


def hash_token_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
