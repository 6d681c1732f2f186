"""Reference data the desk's records point to: outlets and their
articles, claimants, tags and the rating scale.
"""

from django.db import models
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from factcheck.fields import (
    ArticleURLField,
    CleanCharField,
    CleanTextField,
    HttpURLField,
    clean_text_constraint,
)
from factcheck.models.search import Language


class Outlet(models.Model):
    name = CleanCharField(_("name"), max_length=200)
    name_ar = CleanCharField(
        _("name in Arabic"),
        max_length=200,
        blank=True,
        help_text=_("Shown on Arabic pages; leave empty if the outlet has none."),
    )
    domain = CleanCharField(_("domain"), max_length=253, unique=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=models.functions.Lower("domain")),
                name="outlet_domain_lowercase",
            ),
            *clean_text_constraint("outlet", "name", "name_ar"),
        ]

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str) -> str:
        """The outlet's name as a page in `language` shows it."""
        if language == Language.ARABIC and self.name_ar:
            return self.name_ar
        return self.name


class Article(models.Model):
    url = ArticleURLField(_("link"), unique=True)
    outlet = models.ForeignKey(
        Outlet, models.PROTECT, related_name="articles", verbose_name=_("outlet")
    )
    title = CleanCharField(_("title"), max_length=500)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    text = CleanTextField(_("text"), blank=True)
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("added")
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__regex=r"^https?://"), name="article_url_http"
            ),
            *clean_text_constraint("article", "url", "title", "text"),
        ]

    def __str__(self) -> str:
        return self.title


class ClaimantKind(models.TextChoices):
    # ClaimReview's claim author is a schema.org Person or Organization.
    PERSON = "person", _("Person")
    ORGANIZATION = "organization", _("Organisation")


class Claimant(models.Model):
    name = CleanCharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=ClaimantKind.choices,
        default=ClaimantKind.PERSON,
    )
    role = CleanCharField(_("role"), max_length=200, blank=True)
    same_as = HttpURLField(
        _("reference link"),
        blank=True,
        help_text=_("Wikipedia, Wikidata or official page identifying the claimant."),
    )
    slug = models.SlugField(
        max_length=120, unique=True, allow_unicode=True, verbose_name=_("address name")
    )

    class Meta:
        verbose_name = _("claimant")
        verbose_name_plural = _("claimants")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ClaimantKind.values), name="claimant_kind_valid"
            ),
            *clean_text_constraint("claimant", "name", "role"),
        ]

    def __str__(self) -> str:
        return self.name


class TagQuerySet(models.QuerySet):
    def names_in(self, language: str) -> list[tuple[str, str]]:
        """(slug, name in `language`) of each topic, as Tag.name_in names it, read
        as plain values: a list of every topic (the queue's filter) builds no
        model instance for each."""
        return [
            (slug, _name_in(language, name_en, name_ar))
            for slug, name_en, name_ar in self.values_list("slug", "name_en", "name_ar")
        ]


def _name_in(language: str, name_en: str, name_ar: str) -> str:
    if language == Language.ARABIC:
        return name_ar or name_en
    return name_en or name_ar


class Tag(models.Model):
    """A topic: one record for both languages, so its page lists the fact-checks
    of both, each named in the reader's language."""

    name_en = CleanCharField(_("name (English)"), max_length=80, blank=True)
    name_ar = CleanCharField(_("name (Arabic)"), max_length=80, blank=True)
    slug = models.SlugField(
        max_length=80, unique=True, allow_unicode=True, verbose_name=_("address name")
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name_en", "name_ar"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_en="") | ~Q(name_ar=""), name="tag_has_a_name"
            ),
            models.UniqueConstraint(
                fields=["name_en"], condition=~Q(name_en=""), name="tag_name_en_unique"
            ),
            models.UniqueConstraint(
                fields=["name_ar"], condition=~Q(name_ar=""), name="tag_name_ar_unique"
            ),
            *clean_text_constraint("tag", "name_en", "name_ar"),
        ]

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str) -> str:
        """The topic's name in `language`, or in the other one if it has none."""
        return _name_in(language, self.name_en, self.name_ar)

    @property
    def name(self) -> str:
        """The name in the language the page or the admin is shown in."""
        return self.name_in(get_language())


class RatingQuerySet(models.QuerySet):
    def scale_bounds(self) -> tuple[int | None, int | None]:
        """(worst, best): the lowest and highest value of the scale, as ClaimReview
        states them, read from the data because administrators edit the scale."""
        bounds = self.aggregate(worst=Min("value"), best=Max("value"))
        return bounds["worst"], bounds["best"]


class Rating(models.Model):
    """One step of the published rating scale.

    `value` is the number ClaimReview carries (worst = lowest); the README documents
    the number-to-label mapping of the demo scale.
    """

    value = models.PositiveSmallIntegerField(_("numeric value"), unique=True)
    slug = models.SlugField(max_length=40, unique=True, verbose_name=_("address name"))
    label_en = CleanCharField(_("label (English)"), max_length=60)
    label_ar = CleanCharField(_("label (Arabic)"), max_length=60)
    definition_en = CleanTextField(_("definition (English)"))
    definition_ar = CleanTextField(_("definition (Arabic)"))
    colour = models.CharField(
        _("colour"), max_length=7, help_text=_("Badge background, as #rrggbb.")
    )

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["value"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=1), name="rating_value_at_least_one"
            ),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"),
                name="rating_colour_hex",
            ),
            models.CheckConstraint(
                condition=~Q(label_en="") & ~Q(label_ar=""),
                name="rating_labels_in_both_languages",
            ),
            *clean_text_constraint(
                "rating", "label_en", "label_ar", "definition_en", "definition_ar"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} · {self.label_en} / {self.label_ar}"

    def label(self, language: str) -> str:
        return self.label_ar if language == Language.ARABIC else self.label_en

    def definition(self, language: str) -> str:
        return self.definition_ar if language == Language.ARABIC else self.definition_en
