"""The public API: published work for anyone, read without credentials.

Each response is built once per generation of the public cache and answers
conditional GETs, like the reader's pages (factcheck/pagecache.py).
"""

import json
from collections.abc import Iterator

from django.conf import settings
from django.http import HttpResponseBase, StreamingHttpResponse
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.views.decorators.http import condition
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
from factcheck.pagecache import BROWSER_SECONDS, generation_of, serve
from factcheck.services import intake


class PublicResponseMixin:
    """The public endpoints' responses, whole, through factcheck/pagecache.py like
    the reader's pages: built once per generation, then served with conditional
    GET (a matching If-None-Match answers 304 with no body). DRF checks the
    throttles and chooses the media type first, on every request."""

    permission_classes = [Public]
    authentication_classes: list = []  # public reads ignore credentials entirely

    def list(self, request, *args, **kwargs):
        return self.cached(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self.cached(super().retrieve, request, *args, **kwargs)

    def cached(self, build, request, *args, **kwargs) -> HttpResponseBase:
        if not isinstance(request.accepted_renderer, JSONRenderer):
            return build(request, *args, **kwargs)  # the browsable API, for people

        def rendered() -> HttpResponseBase:
            response = self.finalize_response(
                request, build(request, *args, **kwargs), *args, **kwargs
            )
            response.render()
            return response

        return serve(request._request, rendered, variant=request.accepted_media_type)


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
    @method_decorator(condition(etag_func=lambda request: generation_of(request)))
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
        return StreamingHttpResponse(
            datafeed(head[:-1] + ', "dataFeedElement": ['),
            content_type="application/json",
        )

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
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
        return self.cached(self.matches, request)

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
