"""What the API shows and accepts. Every field list is explicit: nothing internal
(notes, e-mails, assignees, workflow state of unpublished work) reaches the public
serializers, and nothing the workflow owns (status, dates, approval) is writable."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from factcheck import services
from factcheck.claimreview import claim_review
from factcheck.fields import has_visible_text
from factcheck.intake.rules import REASON_LABELS
from factcheck.models import (
    INTAKE_TEXT_MAX_LENGTH,
    Appearance,
    Article,
    Claim,
    Claimant,
    Correction,
    CorrectionKind,
    DismissReason,
    FactCheck,
    IntakeArticle,
    Language,
    Outlet,
    Proposal,
    Rating,
    Source,
    Status,
    Tag,
    byline,
)
from factcheck.models.search import (
    BODY_MAX_LENGTH,
    CLAIM_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
)
from factcheck.services.intake import MATCH_TEXT_MAX_LENGTH, STRONG_MATCH

# --- Public ------------------------------------------------------------------------


# Slugs may be Arabic; the generated pattern (ASCII \w in JSON Schema) would not say so.
class PublicClaimantSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(read_only=True)

    class Meta:
        model = Claimant
        fields = ["slug", "name", "role", "same_as"]


class PublicRatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = [
            "value",
            "slug",
            "label_en",
            "label_ar",
            "definition_en",
            "definition_ar",
            "colour",
        ]


class PublicAppearanceSerializer(serializers.ModelSerializer):
    url = serializers.URLField(source="article.url")
    title = serializers.CharField(source="article.title")
    outlet = serializers.CharField(source="article.outlet.name")
    published_on = serializers.DateField(source="article.published_on", allow_null=True)

    class Meta:
        model = Appearance
        fields = ["url", "title", "outlet", "published_on", "quote", "is_first"]


class PublicTagSerializer(serializers.ModelSerializer):
    """A topic: its name in the request's language, and in each language."""

    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Tag
        fields = ["slug", "name", "name_en", "name_ar"]


class PublicClaimSerializer(serializers.ModelSerializer):
    claimant = PublicClaimantSerializer(allow_null=True)
    appearances = PublicAppearanceSerializer(many=True)
    tags = PublicTagSerializer(many=True)

    class Meta:
        model = Claim
        fields = ["text", "language", "claimed_on", "claimant", "appearances", "tags"]


class PublicSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["url", "title", "publisher", "kind", "stance", "excerpt"]


class PublicCorrectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Correction
        fields = ["kind", "note", "created_at"]


class VerdictSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()
    slug = serializers.CharField()
    colour = serializers.CharField()


class TranslationLinkSerializer(serializers.Serializer):
    language = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.CharField()


class PublicFactCheckSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()
    verdict = serializers.SerializerMethodField()
    claim = PublicClaimSerializer()
    sources = PublicSourceSerializer(many=True, source="claim.sources")
    corrections = PublicCorrectionSerializer(many=True)
    authors = serializers.SerializerMethodField()
    approved_by = serializers.SerializerMethodField()
    claim_review = serializers.SerializerMethodField()
    translation = serializers.SerializerMethodField()

    class Meta:
        model = FactCheck
        fields = [
            "slug",
            "url",
            "language",
            "headline",
            "summary",
            "body",
            "verdict",
            "claim",
            "sources",
            "corrections",
            "authors",
            "approved_by",
            "published_at",
            "updated_at",
            "translation",
            "claim_review",
        ]

    def get_url(self, fc: FactCheck) -> str:
        return settings.SITE_URL + fc.get_absolute_url()

    def get_verdict(self, fc: FactCheck) -> dict:
        rating = fc.rating
        return VerdictSerializer(
            {
                "value": rating.value,
                "label": rating.label(fc.language),
                "slug": rating.slug,
                "colour": rating.colour,
            }
        ).data

    def get_authors(self, fc: FactCheck) -> list[str]:
        return [byline(author) for author in fc.authors.all()]

    def get_approved_by(self, fc: FactCheck) -> str:
        return byline(fc.approved_by)

    @extend_schema_field(TranslationLinkSerializer(allow_null=True))
    def get_translation(self, fc: FactCheck) -> dict | None:
        """The same fact-check in the other language, when it is published too."""
        path = fc.published_translation_url()
        if path is None:
            return None
        return {
            "language": fc.translation_language,
            "slug": fc.translation_slug,
            "url": settings.SITE_URL + path,
        }

    def get_claim_review(self, fc: FactCheck) -> dict:
        return claim_review(fc, scale_bounds=self.context.get("scale_bounds"))


class QueryIntegerField(serializers.IntegerField):
    """A whole number in the query string, where an empty `?limit=` is a mistake
    to report, not (as DRF reads HTML forms) a parameter left out."""

    def get_value(self, dictionary):
        return dictionary.get(self.field_name, serializers.empty)


class MatchQuerySerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=MATCH_TEXT_MAX_LENGTH,
        help_text=f"The claim to look for, in Arabic or English (up to "
        f"{MATCH_TEXT_MAX_LENGTH:,} characters).",
    )
    limit = QueryIntegerField(
        min_value=1, max_value=20, default=5, help_text="How many to return."
    )

    def validate_text(self, value: str) -> str:
        if not has_visible_text(value):
            raise serializers.ValidationError(
                _("The text has nothing to read: only spaces or invisible marks.")
            )
        return value


class FactCheckMatchSerializer(serializers.Serializer):
    score = serializers.FloatField(help_text="Similarity, 0 to 1; higher is closer.")
    slug = serializers.CharField(source="factcheck.slug")
    url = serializers.SerializerMethodField()
    language = serializers.CharField(source="factcheck.language")
    headline = serializers.CharField(source="factcheck.headline")
    claim = serializers.CharField(source="factcheck.claim.text")
    rating = serializers.SerializerMethodField()

    def get_url(self, match: dict) -> str:
        return settings.SITE_URL + match["factcheck"].get_absolute_url()

    @extend_schema_field(VerdictSerializer)
    def get_rating(self, match: dict) -> dict:
        fc = match["factcheck"]
        return VerdictSerializer(
            {
                "value": fc.rating.value,
                "label": fc.rating.label(fc.language),
                "slug": fc.rating.slug,
                "colour": fc.rating.colour,
            }
        ).data


class FactCheckMatchesSerializer(serializers.Serializer):
    results = FactCheckMatchSerializer(many=True)


# --- Newsroom ----------------------------------------------------------------------


class NamedRowField(serializers.SlugRelatedField):
    """A row named by a text column (a tag's slug, a user name).

    A NUL is refused before the lookup, as CharField refuses it: PostgreSQL
    cannot compare text containing one, and the query would end in a 500.
    """

    default_error_messages = {"null_characters": _("Null characters are not allowed.")}

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters")
        return super().to_internal_value(data)


class UsernameField(NamedRowField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        super().__init__(**kwargs)


class ArticleSerializer(serializers.ModelSerializer):
    outlet = serializers.PrimaryKeyRelatedField(queryset=Outlet.objects.all())

    class Meta:
        model = Article
        fields = ["id", "url", "outlet", "title", "language", "published_on", "text"]
        extra_kwargs = {"url": {"validators": []}}  # an existing link is reused


class AppearanceSerializer(serializers.ModelSerializer):
    article = serializers.PrimaryKeyRelatedField(queryset=Article.objects.all())

    class Meta:
        model = Appearance
        fields = ["id", "article", "quote", "is_first"]
        read_only_fields = ["id"]


class ClaimSerializer(serializers.ModelSerializer):
    """A claim as the queue shows it. Workflow fields are read-only."""

    claimant = serializers.PrimaryKeyRelatedField(
        queryset=Claimant.objects.all(), allow_null=True, required=False
    )
    tags = NamedRowField(
        slug_field="slug", many=True, queryset=Tag.objects.all(), required=False
    )
    assignee = UsernameField(read_only=True, allow_null=True)
    appearances = AppearanceSerializer(many=True, read_only=True)
    # Annotated by Claim.objects.queue(), which every claim response is read from.
    source_count = serializers.IntegerField(read_only=True)
    allowed_transitions = serializers.SerializerMethodField(
        help_text="The statuses you (the key's user) may move this claim to now, "
        "as the admin's buttons offer them; a move's own guards are checked when "
        "it is made."
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "text",
            "language",
            "claimant",
            "claimed_on",
            "tags",
            "priority",
            "submitted_context",
            "status",
            "assignee",
            "version",
            "created_at",
            "status_changed_at",
            "appearances",
            "source_count",
            "allowed_transitions",
        ]
        read_only_fields = [
            "status",
            "assignee",
            "version",
            "created_at",
            "status_changed_at",
        ]

    # The statuses' own enum (named after the claim's `status` field), rather than a
    # second enum of the same statuses under another name.
    @extend_schema_field(
        {"type": "array", "items": {"$ref": "#/components/schemas/StatusEnum"}}
    )
    def get_allowed_transitions(self, claim: Claim) -> list[str]:
        # The permissions are cached on the request's user: no query per claim.
        return services.allowed_transitions(claim, self.context["request"].user)


class ClaimCreateSerializer(ClaimSerializer):
    appearance = AppearanceSerializer(
        required=False, help_text="Where the claim appeared (an article id and quote)."
    )

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "appearance"]


class ClaimUpdateSerializer(ClaimSerializer):
    version = serializers.IntegerField(
        required=False,
        help_text="The version you edited; a stale one answers 409. Or send If-Match.",
    )

    class Meta(ClaimSerializer.Meta):
        read_only_fields = [
            f for f in ClaimSerializer.Meta.read_only_fields if f != "version"
        ]


class SourceSerializer(serializers.ModelSerializer):
    added_by = UsernameField(read_only=True, allow_null=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "claim",
            "url",
            "title",
            "publisher",
            "kind",
            "stance",
            "excerpt",
            "added_by",
            "created_at",
        ]
        read_only_fields = ["id", "claim", "added_by", "created_at"]


class DraftSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(max_length=120, required=False)
    rating = serializers.PrimaryKeyRelatedField(
        queryset=Rating.objects.all(), allow_null=True, required=False
    )
    authors = UsernameField(many=True, read_only=True)
    approved_by = UsernameField(read_only=True, allow_null=True)
    version = serializers.IntegerField(
        required=False,
        help_text="The version you edited; a stale one answers 409. Or send If-Match.",
    )

    class Meta:
        model = FactCheck
        fields = [
            "id",
            "claim",
            "headline",
            "slug",
            "rating",
            "summary",
            "body",
            "language",
            "version",
            "authors",
            "approved_by",
            "approved_at",
            "published_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "claim",
            "language",
            "authors",
            "approved_by",
            "approved_at",
            "published_at",
            "updated_at",
        ]


class CorrectionSerializer(serializers.ModelSerializer):
    created_by = UsernameField(read_only=True)

    class Meta:
        model = Correction
        fields = ["id", "kind", "note", "previous", "created_by", "created_at"]
        read_only_fields = fields


class CorrectionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[c for c in CorrectionKind.values if c != CorrectionKind.RETRACTION]
    )
    note = serializers.CharField(max_length=5000)
    version = serializers.IntegerField(required=False)
    headline = serializers.CharField(max_length=200, required=False)
    rating = serializers.PrimaryKeyRelatedField(
        queryset=Rating.objects.all(), required=False
    )
    summary = serializers.CharField(required=False, max_length=SUMMARY_MAX_LENGTH)
    body = serializers.CharField(
        required=False, allow_blank=True, max_length=BODY_MAX_LENGTH
    )


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Status.values)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    version = serializers.IntegerField(
        required=False, help_text="The version you acted on; a stale one answers 409."
    )


class AssignmentSerializer(serializers.Serializer):
    assignee = UsernameField(
        queryset=get_user_model().objects.filter(is_active=True), allow_null=True
    )


# --- Intake ------------------------------------------------------------------------


class TextOnlyField(serializers.CharField):
    """Text, and only text: a number or a list where text goes is refused,
    not turned into its digits."""

    default_error_messages = {"not_text": _("Not a valid string.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class IntakeSubmitSerializer(serializers.Serializer):
    url = TextOnlyField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="The article's link; the desk fetches it. Give this or `text`.",
    )
    text = TextOnlyField(
        required=False,
        allow_blank=True,
        max_length=INTAKE_TEXT_MAX_LENGTH,
        help_text=f"The article's text, pasted (up to {INTAKE_TEXT_MAX_LENGTH:,} "
        "characters). Give this or `url`.",
    )
    title = TextOnlyField(required=False, allow_blank=True, max_length=500)


class IntakeProgressSerializer(serializers.Serializer):
    proposals = serializers.IntegerField()
    open = serializers.IntegerField()
    decided = serializers.IntegerField()


class IntakeArticleSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        source="state",
        help_text="pending or running (processing in the background), done, failed.",
    )
    progress = serializers.SerializerMethodField()

    class Meta:
        model = IntakeArticle
        fields = [
            "id",
            "status",
            "source",
            "url",
            "canonical_url",
            "title",
            "author",
            "published_on",
            "language",
            "created_at",
            "finished_at",
            "error",
            "scorer_versions",
            "progress",
        ]

    @extend_schema_field(IntakeProgressSerializer)
    def get_progress(self, article: IntakeArticle) -> dict:
        return {
            "proposals": article.proposal_count,
            "open": article.open_count,
            "decided": article.proposal_count - article.open_count,
        }


class ProposalMatchSerializer(serializers.Serializer):
    claim = serializers.IntegerField()
    factcheck = serializers.IntegerField(allow_null=True)
    language = serializers.CharField()
    score = serializers.FloatField()
    strong = serializers.SerializerMethodField()

    def get_strong(self, match: dict) -> bool:
        return match.get("score", 0) >= STRONG_MATCH


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class ProposalSerializer(serializers.ModelSerializer):
    reasons = serializers.SerializerMethodField()
    matches = ProposalMatchSerializer(many=True)
    already_checked = serializers.SerializerMethodField(
        help_text="A match is close enough to be the same claim."
    )
    model = serializers.CharField(source="scorer.version")

    class Meta:
        model = Proposal
        fields = [
            "id",
            "article",
            "position",
            "text",
            "language",
            "score",
            "reasons",
            "speaker",
            "claimant",
            "matches",
            "already_checked",
            "model",
            "state",
            "claim",
        ]

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reasons(self, proposal: Proposal) -> list[dict]:
        return [
            {"code": code, "label": str(REASON_LABELS.get(code, code))}
            for code in proposal.reasons
        ]

    def get_already_checked(self, proposal: Proposal) -> bool:
        return any(m.get("score", 0) >= STRONG_MATCH for m in proposal.matches)


class MakeClaimSerializer(serializers.Serializer):
    text = TextOnlyField(
        required=False,
        max_length=CLAIM_MAX_LENGTH,
        help_text="The claim as the desk words it; the sentence when left out.",
    )
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    claimant = serializers.PrimaryKeyRelatedField(
        queryset=Claimant.objects.all(), allow_null=True, required=False
    )
    article_url = TextOnlyField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="For pasted text: the link of the article it was published in, "
        "where the claim's appearance is recorded (an article taken in by its "
        "link has one already). A site the desk does not know becomes an outlet.",
    )


class DismissSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DismissReason.choices)
    already_checked = serializers.PrimaryKeyRelatedField(
        queryset=Claim.objects.all(),
        allow_null=True,
        required=False,
        help_text="The earlier claim, when the reason is `already_checked`.",
    )
