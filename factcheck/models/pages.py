"""A published fact-check's page, rendered when it changes rather than when it is read.

Everything a fact-check page shows that changes only when the fact-check is
published or corrected (its claim, appearances, verdict, corrections, body,
sources, credits, ClaimReview, which fact-checks are related) is rendered into one
`PublicPage` row by factcheck/pages.py, called from the services that publish,
correct, retract and archive. A reader's request reads that row with the
fact-check and fills a small template: one query instead of eight, and no
Markdown, prefetching or template work on the way.

The row carries the version of the fact-check it was rendered from. A row of
another version, or none (pages that predate this table, pages a reference edit
emptied), is never served: the request renders the page from the database, as
before, until the sweeper or `render_public_pages` writes it again.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from factcheck.models.factchecks import FactCheck


class PublicPage(models.Model):
    factcheck = models.OneToOneField(
        FactCheck,
        models.CASCADE,
        primary_key=True,
        related_name="public_page",
        verbose_name=_("fact-check"),
    )
    # FactCheck.version when it was rendered: any other means it is out of date.
    version = models.PositiveIntegerField(verbose_name=_("version"))
    # What the page's <head> adds: article dates and tags, the ClaimReview script.
    head = models.TextField(verbose_name=_("head"))
    # The <article>'s content before the related fact-checks, rendered already.
    article = models.TextField(verbose_name=_("article"))
    # The ClaimReview as compact JSON, the DataFeed's item as it is.
    claim_review = models.TextField(verbose_name=_("ClaimReview markup"))
    # Ids of the related fact-checks, best first; each request shows those still
    # published, as cards rendered from their current rows.
    related = ArrayField(
        models.BigIntegerField(), default=list, verbose_name=_("related fact-checks")
    )
    # The fact-check's card as every list shows it, by interface language (the
    # verdict's label, the date and "Published" are in the reader's language), with
    # a marker where its heading level goes: lists, the home page and other pages'
    # related sections join these rather than render a template per card.
    cards = models.JSONField(default=dict, verbose_name=_("cards"))
    rendered_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("rendered at")
    )

    class Meta:
        verbose_name = _("public page")
        verbose_name_plural = _("public pages")

    def __str__(self) -> str:
        return f"page of fact-check {self.factcheck_id} (version {self.version})"
