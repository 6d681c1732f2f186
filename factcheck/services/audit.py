"""The audit trail: one Event row for every write by a person.

Called inside the write's own transaction, so the record and the change commit
or roll back together.
"""

import json
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from factcheck.models import Claim, Event


def record(
    claim: Claim | None,
    kind: str,
    actor: AbstractBaseUser | None,
    note: str = "",
    *,
    subject: models.Model | None = None,
    **fields: Any,
) -> Event:
    """Record a write: on the claim's history when it has one, about `subject`
    when the thing written is not the claim itself."""
    if subject is not None:
        fields.update(
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
            subject_name=str(subject)[:200],
        )
    return Event.objects.create(
        claim=claim, kind=kind, actor=actor, note=note, **fields
    )


def snapshot(instance: models.Model, names: Iterable[str]) -> dict[str, Any]:
    """The named fields' current values as JSON keeps them (a related row by its
    id, a date as ISO 8601): what a write is about to replace."""
    values = {}
    for name in names:
        field = instance._meta.get_field(name)
        values[name] = getattr(instance, field.attname)
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def editable_fields(instance: models.Model) -> list[str]:
    """The fields a person edits in a form: what a full snapshot keeps."""
    return [
        f.name
        for f in instance._meta.concrete_fields
        if f.editable and not f.primary_key
    ]
