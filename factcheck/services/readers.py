"""What a reader sent, put to work: the link where they saw a claim becomes an
appearance, through the same services as an appearance added by hand."""

import re
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from factcheck.fields import normalize_article_url
from factcheck.models import Appearance, Claim, Outlet
from factcheck.services.appearances import add_appearance, get_or_create_article
from factcheck.services.errors import GuardFailed, NotAllowed
from factcheck.services.reference import save_reference

LINK = re.compile(r"https?://[^\s<>\"'«»]+", re.IGNORECASE)
# Punctuation that ends a sentence rather than a link, Arabic's included.
TRAILING = ".,;:!?)]}،؛؟"
TITLE_LENGTH = 500


def reader_links(claim: Claim) -> list[str]:
    """The links in "where it was seen", in order, each once."""
    found = (
        m.group(0).rstrip(TRAILING) for m in LINK.finditer(claim.submitted_context)
    )
    return list(dict.fromkeys(found))


def linked_already(claim: Claim) -> set[str]:
    """The canonical links of the articles the claim already appears in."""
    return set(claim.appearances.values_list("article__url", flat=True))


def canonical_link(url: str) -> str:
    try:
        return normalize_article_url(url)
    except ValidationError:
        return url


def appearance_from_link(
    claim: Claim, *, actor: AbstractBaseUser, url: str
) -> Appearance:
    """Add the reader's link as where the claim appeared: its outlet found by
    domain (or added, named after it), its article found by canonical link (or
    added, titled with the link until someone names it), then add_appearance().
    Only a link the reader sent is taken: this door adds nothing else."""
    if url not in reader_links(claim):
        raise GuardFailed(_("That link is not among what the reader sent."))
    if not actor.has_perm("factcheck.add_outlet"):
        raise NotAllowed(_("You may not add outlets."))
    host = (urlsplit(url).hostname or "").lower()
    domain = host.removeprefix("www.")
    try:
        with transaction.atomic():
            outlet = Outlet.objects.filter(domain=domain).first()
            if outlet is None:
                outlet = Outlet(name=domain, domain=domain, language=claim.language)
                outlet.full_clean()
                save_reference(outlet, actor=actor)
            article = get_or_create_article(
                actor=actor,
                url=url,
                outlet=outlet,
                title=url[:TITLE_LENGTH],
                language=claim.language,
            )
            return add_appearance(
                claim,
                actor=actor,
                article=article,
                is_first=not claim.appearances.exists(),
            )
    except ValidationError as exc:
        raise GuardFailed(" ".join(exc.messages)) from exc
