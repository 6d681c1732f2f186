"""API views. Public ones opt in to anonymous reading; everything else needs a
newsroom role, and every write goes through factcheck.services like the admin's."""

import datetime
import hashlib
import json
from collections.abc import Iterator

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Prefetch
from django.http import (
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.utils.http import quote_etag
from django.views.decorators.csrf import csrf_exempt
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from factcheck import services
from factcheck.api import serializers as s
from factcheck.api.errors import PreconditionFailed
from factcheck.api.permissions import Public
from factcheck.claimreview import claim_review
from factcheck.models import (
    Appearance,
    Article,
    Claim,
    Claimant,
    FactCheck,
    Rating,
    Source,
    Status,
    having_published_factchecks,
    with_tag,
)
from factcheck.public.cache import PAGE_SECONDS, conditional, etag_of, generation

# --- Public ------------------------------------------------------------------------


class PublicResponseMixin:
    """Conditional GET and CORS-friendly caching for the public endpoints, by
    public/cache.py's rules: a matching If-None-Match answers 304 with no body."""

    permission_classes = [Public]
    authentication_classes: list = []  # public reads ignore credentials entirely

    def last_modified(self):
        # Walks factcheck_updated_idx from the newest change; MAX() over the join
        # would read every published row.
        return (
            FactCheck.objects.published()
            .order_by("-updated_at")
            .values_list("updated_at", flat=True)
            .first()
        )

    def list(self, request, *args, **kwargs):
        return self.built_once(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self.built_once(super().retrieve, request, *args, **kwargs)

    def built_once(self, build, request, *args, **kwargs) -> HttpResponseBase:
        """The data at this URL, built once per generation of the public cache,
        and its JSON rendered once too.

        Everything published changes only with a purge (see public/cache.py), so
        the data and its Last-Modified are kept until the next one. Throttles,
        content negotiation and conditional GET still run on every request; only
        the queries, the serializing and the JSON encoding are saved.
        """
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"api:{generation()}:{path}"
        pages = caches["pages"]
        built = pages.get(key)
        if built is None:
            response = build(request, *args, **kwargs)
            built = (response.data, self.last_modified())
            pages.set(key, built, PAGE_SECONDS)
        data, self.modified = built
        renderer = request.accepted_renderer
        if not isinstance(renderer, JSONRenderer):
            return Response(data)  # the browsable API, for people
        media_type = request.accepted_media_type
        body_key = f"{key}:{hashlib.sha256(media_type.encode()).hexdigest()}"
        body = pages.get(body_key)
        if body is None:
            body = renderer.render(data, media_type, self.get_renderer_context())
            pages.set(body_key, body, PAGE_SECONDS)
        return HttpResponse(body, content_type=renderer.media_type)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if isinstance(response, Response):
            response.render()
        modified = getattr(self, "modified", None) or self.last_modified()
        return conditional(
            request,
            response,
            etag=etag_of(response.content),
            last_modified=modified.timestamp() if modified else None,
        )


def strict(filter_class):
    """The filter, refusing an empty value: `?rating=` is a mistake, not "any".

    Without this, django-filter ignores the empty parameter and answers as if the
    client had asked for everything, which hides the client's bug.
    """

    class StrictField(filter_class.field_class):
        def clean(self, value):
            if value == "":
                raise forms.ValidationError("Give a value or leave the parameter out.")
            return super().clean(value)

    return type(
        f"Strict{filter_class.__name__}", (filter_class,), {"field_class": StrictField}
    )


class IntegerFilter(filters.NumberFilter):
    field_class = forms.IntegerField


StrictChoice = strict(filters.ChoiceFilter)
StrictInteger = strict(IntegerFilter)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, handed to the database in UTC.

    PostgreSQL refuses offsets beyond ±15:59 ("time zone displacement out of
    range"), which Python accepts; in UTC the database never sees them.
    """

    def clean(self, value):
        moment = super().clean(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError as exc:
            raise forms.ValidationError("This time is out of range.") from exc


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


StrictDateTime = strict(UtcDateTimeFilter)
StrictMultipleChoice = strict(filters.MultipleChoiceFilter)


class FactCheckFilter(filters.FilterSet):
    language = StrictChoice(choices=FactCheck._meta.get_field("language").choices)
    rating = StrictInteger(field_name="rating__value")
    claimant = filters.CharFilter(field_name="claim__claimant__slug")
    tag = filters.CharFilter(method="filter_tag")
    published_after = StrictDateTime(field_name="published_at", lookup_expr="gte")
    published_before = StrictDateTime(field_name="published_at", lookup_expr="lt")
    q = filters.CharFilter(method="filter_search", label="Full-text search")

    class Meta:
        model = FactCheck
        fields: list[str] = []

    def filter_tag(self, queryset, name, value):
        return with_tag(queryset, value)

    def filter_search(self, queryset, name, value):
        return queryset.search(value.strip()) if value.strip() else queryset


class RankedOrdering(OrderingFilter):
    """The client's `?ordering=` if it asks for one; else a search's ranking, the
    same as the site's; else the view's own order."""

    def get_ordering(self, request, queryset, view):
        ranked = "rank" in queryset.query.annotations
        if ranked and self.ordering_param not in request.query_params:
            return None
        return super().get_ordering(request, queryset, view)


class PublicFactCheckViewSet(PublicResponseMixin, viewsets.ReadOnlyModelViewSet):
    """Published fact-checks, newest first."""

    serializer_class = s.PublicFactCheckSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[^/]+"
    filterset_class = FactCheckFilter
    filter_backends = [filters.DjangoFilterBackend, RankedOrdering]
    ordering_fields = ["published_at", "updated_at"]
    ordering = ["-published_at", "-pk"]

    def get_queryset(self):
        return FactCheck.objects.for_page()

    def retrieve(self, request, *args, **kwargs):
        return self.built_once(self.one_factcheck, request, *args, **kwargs)

    def one_factcheck(self, request, *args, **kwargs):
        self.factcheck = self.get_object()
        return Response(self.get_serializer(self.factcheck).data)

    def last_modified(self):
        # One fact-check changed when it did: the newest change of all published
        # fact-checks costs a scan of every one of them on each request.
        factcheck = getattr(self, "factcheck", None)
        return factcheck.updated_at if factcheck else super().last_modified()

    def get_serializer_context(self):
        # The scale's bounds, read once for every ClaimReview on the page.
        return {**super().get_serializer_context(), "scale_bounds": scale_bounds()}

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A stable order whatever the client asks: pagination never skips or repeats.
        return queryset.order_by(*queryset.query.order_by, "-pk")


def scale_bounds() -> tuple[int | None, int | None]:
    return Rating.objects.scale_bounds()


class RatingViewSet(PublicResponseMixin, viewsets.ReadOnlyModelViewSet):
    """The published rating scale; `value` is ClaimReview's ratingValue."""

    serializer_class = s.PublicRatingSerializer
    queryset = Rating.objects.order_by("value")
    lookup_field = "value"
    pagination_class = None

    def last_modified(self):
        return None


class ClaimantViewSet(PublicResponseMixin, viewsets.ReadOnlyModelViewSet):
    """People and organisations whose claims have a published fact-check."""

    serializer_class = s.PublicClaimantSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        claimants = Claimant.objects.order_by("name", "pk")
        return having_published_factchecks(claimants, "claim__claimant")


class ClaimReviewFeedView(APIView):
    """Every published fact-check as a schema.org DataFeed of ClaimReview items.

    Streamed as it is read, through a server-side cursor: each item is the
    ClaimReview stored with the fact-check's page (factcheck/pages.py), so the
    first byte leaves at once and memory stays flat however much is published.
    JSON only; its ETag is the public cache's generation, which every change to
    anything published replaces.
    """

    permission_classes = [Public]
    authentication_classes: list = []
    renderer_classes = [JSONRenderer]

    @extend_schema(responses={200: dict})
    def get(self, request):
        head = json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "DataFeed",
                "name": settings.NEWSROOM_NAME,
                "url": settings.SITE_URL + request.path,
            },
            ensure_ascii=False,
        )
        response = StreamingHttpResponse(
            datafeed(head[:-1] + ', "dataFeedElement": ['),
            content_type="application/json",
        )
        return conditional(
            request, response, etag=quote_etag(generation()), last_modified=None
        )

    def finalize_response(self, request, response, *args, **kwargs):
        # A streamed body is already the answer: nothing for DRF to render.
        if isinstance(response, StreamingHttpResponse):
            return response
        return super().finalize_response(request, response, *args, **kwargs)


def datafeed(opening: str) -> Iterator[str]:
    """The DataFeed's text, a chunk of items at a time: two queries at any size
    while every stored page is current, one more for each that is not."""
    yield opening
    published = (
        FactCheck.objects.published()
        .order_by("-published_at", "-pk")
        .values_list(
            "pk",
            "updated_at",
            "version",
            "public_page__version",
            "public_page__claim_review",
        )
    )
    separator = ""
    for pk, updated_at, version, page_version, review in published.iterator(
        chunk_size=FEED_CHUNK
    ):
        if page_version != version:
            review = live_claim_review(pk)
        yield (
            f'{separator}{{"@type": "DataFeedItem", "dateModified": '
            f'"{updated_at.isoformat()}", "item": [{review}]}}'
        )
        separator = ", "
    yield "]}"


FEED_CHUNK = 2000


def live_claim_review(pk: int) -> str:
    """The ClaimReview of a fact-check whose page is not stored (yet)."""
    factcheck = FactCheck.objects.for_page().get(pk=pk)
    return json.dumps(claim_review(factcheck), ensure_ascii=False)


# --- Newsroom ----------------------------------------------------------------------


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Say which version you edited: a `version` field or an If-Match header."
    )
    default_code = "precondition_required"


def expected_version(request, current: int) -> int:
    """The version the client edited, from If-Match (412 when stale) or the body."""
    if_match = request.headers.get("If-Match")
    if if_match:
        if if_match.strip().strip('"').removeprefix("W/").strip('"') != str(current):
            raise PreconditionFailed()
        return current
    version = request.data.get("version")
    if version is None:
        raise PreconditionRequired()
    try:
        return int(version)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"version": ["A whole number is required."]}) from exc


def with_version_etag(response: Response, version: int) -> Response:
    response["ETag"] = quote_etag(str(version))
    return response


class ClaimFilter(filters.FilterSet):
    status = StrictMultipleChoice(choices=Status.choices)
    language = StrictChoice(choices=Claim._meta.get_field("language").choices)
    assignee = filters.CharFilter(field_name="assignee__username")
    unassigned = StrictChoice(
        choices=[("true", "true"), ("false", "false")], method="filter_unassigned"
    )
    q = filters.CharFilter(method="filter_search", label="Full-text search")

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value.strip()) if value.strip() else queryset

    def filter_unassigned(self, queryset, name, value):
        return queryset.filter(assignee__isnull=value == "true")


class ClaimViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The claim queue: open work first, then priority, then age."""

    filterset_class = ClaimFilter
    filter_backends = [filters.DjangoFilterBackend]
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        appearances = Prefetch(
            "appearances", queryset=Appearance.objects.select_related("article")
        )
        return Claim.objects.queue().prefetch_related("tags", appearances)

    def get_serializer_class(self):
        if self.action == "create":
            return s.ClaimCreateSerializer
        if self.action == "partial_update":
            return s.ClaimUpdateSerializer
        return s.ClaimSerializer

    def retrieve(self, request, *args, **kwargs):
        claim = self.get_object()
        return with_version_etag(
            Response(self.get_serializer(claim).data), claim.version
        )

    def claim_data(self, claim: Claim) -> dict:
        """The claim as a write answers it, with the moves open to this caller."""
        return s.ClaimSerializer(claim, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        serializer = s.ClaimCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        appearance = data.pop("appearance", None)
        tags = data.pop("tags", None)
        # All or nothing: a refused tag or appearance leaves no claim behind.
        with transaction.atomic():
            claim = services.submit_claim(
                text=data["text"],
                language=data["language"],
                actor=request.user,
                context=data.get("submitted_context", ""),
                claimant=data.get("claimant"),
                claimed_on=data.get("claimed_on"),
                priority=data.get("priority"),
            )
            if tags:
                claim = services.update_claim(
                    claim,
                    actor=request.user,
                    expected_version=claim.version,
                    changes={},
                    tags=tags,
                )
            if appearance:
                services.add_appearance(claim, actor=request.user, **appearance)
        claim = self.get_queryset().get(pk=claim.pk)
        return with_version_etag(
            Response(self.claim_data(claim), status=status.HTTP_201_CREATED),
            claim.version,
        )

    def partial_update(self, request, *args, **kwargs):
        claim = self.get_object()
        serializer = s.ClaimUpdateSerializer(claim, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, claim.version)
        changes = dict(serializer.validated_data)
        changes.pop("version", None)
        tags = changes.pop("tags", None)
        services.update_claim(
            claim,
            actor=request.user,
            expected_version=version,
            changes=changes,
            tags=tags,
        )
        claim = self.get_queryset().get(pk=claim.pk)
        return with_version_etag(Response(self.claim_data(claim)), claim.version)

    @extend_schema(request=s.TransitionSerializer, responses={200: s.ClaimSerializer})
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None):
        """Move the claim along the workflow (the same rules as the admin)."""
        claim = self.get_object()
        serializer = s.TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.transition(
            claim,
            to=data["to"],
            actor=request.user,
            note=data.get("note", ""),
            expected_version=data.get("version"),
        )
        claim = self.get_queryset().get(pk=claim.pk)
        return with_version_etag(Response(self.claim_data(claim)), claim.version)

    @extend_schema(request=s.AssignmentSerializer, responses={200: s.ClaimSerializer})
    @action(detail=True, methods=["post"])
    def assignment(self, request, pk=None):
        """Give the claim to someone (fact-checkers may only take it themselves)."""
        claim = self.get_object()
        serializer = s.AssignmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.assign(
            claim, actor=request.user, assignee=serializer.validated_data["assignee"]
        )
        claim = self.get_queryset().get(pk=claim.pk)
        return with_version_etag(Response(self.claim_data(claim)), claim.version)

    @extend_schema(methods=["GET"], responses={200: s.SourceSerializer(many=True)})
    @extend_schema(
        methods=["POST"],
        request=s.SourceSerializer,
        responses={201: s.SourceSerializer},
    )
    # Every source of one claim at once, unpaginated; the schema must say so too.
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def sources(self, request, pk=None):
        """The claim's evidence; sources are added only before approval."""
        claim = self.get_object()
        if request.method == "GET":
            sources = claim.sources.select_related("added_by").order_by("pk")
            return Response(s.SourceSerializer(sources, many=True).data)
        serializer = s.SourceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        source = services.add_source(
            claim, actor=request.user, **serializer.validated_data
        )
        return Response(s.SourceSerializer(source).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: s.DraftSerializer})
    @extend_schema(
        methods=["PATCH"],
        request=s.DraftSerializer,
        responses={200: s.DraftSerializer},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER)],
    )
    @action(detail=True, methods=["get", "patch"])
    def factcheck(self, request, pk=None):
        """The claim's fact-check draft (exists once research has started)."""
        claim = self.get_object()
        draft = get_object_or_404(
            FactCheck.objects.select_related("approved_by").prefetch_related("authors"),
            claim=claim,
        )
        if request.method == "PATCH":
            serializer = s.DraftSerializer(draft, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            version = expected_version(request, draft.version)
            changes = dict(serializer.validated_data)
            changes.pop("version", None)
            services.save_draft(
                draft, actor=request.user, expected_version=version, changes=changes
            )
            draft = FactCheck.objects.prefetch_related("authors").get(pk=draft.pk)
        return with_version_etag(Response(s.DraftSerializer(draft).data), draft.version)

    @extend_schema(
        request=s.CorrectionCreateSerializer, responses={201: s.CorrectionSerializer}
    )
    @action(detail=True, methods=["post"])
    def corrections(self, request, pk=None):
        """Issue a public correction on the published fact-check (editors only)."""
        claim = self.get_object()
        draft = get_object_or_404(FactCheck, claim=claim)
        serializer = s.CorrectionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        correction = services.correct(
            draft,
            actor=request.user,
            kind=data.pop("kind"),
            note=data.pop("note"),
            expected_version=data.pop("version", None),
            **data,
        )
        return Response(
            s.CorrectionSerializer(correction).data, status=status.HTTP_201_CREATED
        )


class SourceViewSet(
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """One source: edited or removed only before approval."""

    serializer_class = s.SourceSerializer
    queryset = Source.objects.select_related("added_by")
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def partial_update(self, request, *args, **kwargs):
        source = self.get_object()
        serializer = self.get_serializer(source, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        source = services.update_source(
            source, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(source).data)

    def destroy(self, request, *args, **kwargs):
        services.remove_source(self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ArticleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Articles claims appear in. Posting a known link returns the existing article."""

    serializer_class = s.ArticleSerializer
    queryset = Article.objects.order_by("-created_at", "-pk")
    lookup_value_regex = r"[0-9]+"

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        article = services.get_or_create_article(
            actor=request.user, url=data.pop("url"), **data
        )
        return Response(
            self.get_serializer(article).data, status=status.HTTP_201_CREATED
        )


@csrf_exempt  # a 404 for any method; nothing is read or written
def not_found(request, *args, **kwargs) -> JsonResponse:
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
