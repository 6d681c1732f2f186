"""The public API: published work for anyone, read without credentials.

Each response is built once per generation of the public cache and answers
conditional GETs, like the reader's pages.
"""

import hashlib
import json
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.http import quote_etag
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from factcheck.api import serializers
from factcheck.api.filters import FactCheckFilter, RankedOrdering
from factcheck.api.permissions import Public
from factcheck.api.throttling import MatchRate
from factcheck.claimreview import claim_review
from factcheck.models import (
    Claimant,
    FactCheck,
    Rating,
    having_published_factchecks,
)
from factcheck.public.cache import PAGE_SECONDS, conditional, etag_of, generation_of
from factcheck.services import intake


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
        return self.build_once_per_generation(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self.build_once_per_generation(
            super().retrieve, request, *args, **kwargs
        )

    def build_once_per_generation(
        self, build, request, *args, **kwargs
    ) -> HttpResponseBase:
        """The data at this URL, built once per generation of the public cache,
        and its JSON rendered once too.

        Everything published changes only with a purge (see pagecache.py), so
        the data and its Last-Modified are kept until the next one. Throttles,
        content negotiation and conditional GET still run on every request; only
        the queries, the serializing and the JSON encoding are saved.
        """
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"api:{generation_of(request)}:{path}"
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


class PublicFactCheckViewSet(PublicResponseMixin, viewsets.ReadOnlyModelViewSet):
    """Published fact-checks, newest first."""

    serializer_class = serializers.PublicFactCheckSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[^/]+"
    filterset_class = FactCheckFilter
    filter_backends = [filters.DjangoFilterBackend, RankedOrdering]
    ordering_fields = ["published_at", "updated_at"]
    ordering = ["-published_at", "-pk"]

    def get_queryset(self):
        return FactCheck.objects.for_page()

    def retrieve(self, request, *args, **kwargs):
        return self.build_once_per_generation(
            self.one_factcheck, request, *args, **kwargs
        )

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

    serializer_class = serializers.PublicRatingSerializer
    queryset = Rating.objects.order_by("value")
    lookup_field = "value"
    pagination_class = None

    def last_modified(self):
        return None


class ClaimantViewSet(PublicResponseMixin, viewsets.ReadOnlyModelViewSet):
    """People and organisations whose claims have a published fact-check."""

    serializer_class = serializers.PublicClaimantSerializer
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
            request,
            response,
            etag=quote_etag(generation_of(request)),
            last_modified=None,
        )

    def finalize_response(self, request, response, *args, **kwargs):
        # A streamed body is already the answer: nothing for DRF to render.
        if isinstance(response, StreamingHttpResponse):
            return response
        return super().finalize_response(request, response, *args, **kwargs)


def datafeed(opening: str) -> Iterator[str]:
    """The DataFeed's text, a chunk of items at a time: one query at any size
    while every stored page is current, a few more for each that is not."""
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


# Small enough that the first items follow the opening at once, large enough that
# the round trips do not dominate (20,000 items: 40 fetches).
FEED_CHUNK = 500


def live_claim_review(pk: int) -> str:
    """The ClaimReview of a fact-check whose page is not stored (yet)."""
    factcheck = FactCheck.objects.for_page().get(pk=pk)
    return json.dumps(claim_review(factcheck), ensure_ascii=False)


class FactCheckMatchView(PublicResponseMixin, APIView):
    """Has this been checked? The published fact-checks of claims that say what
    `text` says, in Arabic or English whichever the text is, closest first.

    The answers for one text change only when something is published, corrected
    or retracted, so they are kept for the generation of the public cache like
    every public response; each distinct text costs one embedding.
    """

    renderer_classes = [JSONRenderer]
    throttle_classes = [MatchRate]

    @extend_schema(
        parameters=[serializers.MatchQuerySerializer],
        responses={200: serializers.FactCheckMatchesSerializer},
    )
    def get(self, request):
        return self.build_once_per_generation(self.matches, request)

    def matches(self, request):
        query = serializers.MatchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = intake.published_factchecks_like(
            query.validated_data["text"], limit=query.validated_data["limit"]
        )
        results = [{"factcheck": fc, "score": round(score, 3)} for fc, score in found]
        return Response(
            serializers.FactCheckMatchesSerializer({"results": results}).data
        )
