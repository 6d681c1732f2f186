"""The newsroom's API: every endpoint needs a newsroom role, and every write goes
through factcheck.services, like the admin's.
"""

from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.http import quote_etag
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.reverse import reverse

from factcheck import services
from factcheck.api import serializers
from factcheck.api.errors import PreconditionFailed, PreconditionRequired
from factcheck.api.filters import ClaimFilter
from factcheck.api.permissions import IntakeRole
from factcheck.models import (
    Appearance,
    Article,
    Claim,
    FactCheck,
    IntakeArticle,
    Proposal,
    ProposalState,
    Source,
)
from factcheck.services import intake


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


def claims_as_shown():
    """Claims with what ClaimSerializer shows, for every view that answers one."""
    appearances = Prefetch(
        "appearances", queryset=Appearance.objects.select_related("article")
    )
    return Claim.objects.queue().prefetch_related("tags", appearances)


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
        return claims_as_shown()

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.ClaimCreateSerializer
        if self.action == "partial_update":
            return serializers.ClaimUpdateSerializer
        return serializers.ClaimSerializer

    def retrieve(self, request, *args, **kwargs):
        claim = self.get_object()
        return with_version_etag(
            Response(self.get_serializer(claim).data), claim.version
        )

    def claim_data(self, claim: Claim) -> dict:
        """The claim as a write answers it, with the moves open to this caller."""
        return serializers.ClaimSerializer(
            claim, context=self.get_serializer_context()
        ).data

    def create(self, request, *args, **kwargs):
        serializer = serializers.ClaimCreateSerializer(data=request.data)
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
        serializer = serializers.ClaimUpdateSerializer(
            claim, data=request.data, partial=True
        )
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

    @extend_schema(
        request=serializers.TransitionSerializer,
        responses={200: serializers.ClaimSerializer},
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None):
        """Move the claim along the workflow (the same rules as the admin)."""
        claim = self.get_object()
        serializer = serializers.TransitionSerializer(data=request.data)
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

    @extend_schema(
        request=serializers.AssignmentSerializer,
        responses={200: serializers.ClaimSerializer},
    )
    @action(detail=True, methods=["post"])
    def assignment(self, request, pk=None):
        """Give the claim to someone (fact-checkers may only take it themselves)."""
        claim = self.get_object()
        serializer = serializers.AssignmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.assign(
            claim, actor=request.user, assignee=serializer.validated_data["assignee"]
        )
        claim = self.get_queryset().get(pk=claim.pk)
        return with_version_etag(Response(self.claim_data(claim)), claim.version)

    @extend_schema(
        methods=["GET"], responses={200: serializers.SourceSerializer(many=True)}
    )
    @extend_schema(
        methods=["POST"],
        request=serializers.SourceSerializer,
        responses={201: serializers.SourceSerializer},
    )
    # Every source of one claim at once, unpaginated; the schema must say so too.
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def sources(self, request, pk=None):
        """The claim's evidence; sources are added only before approval."""
        claim = self.get_object()
        if request.method == "GET":
            sources = claim.sources.select_related("added_by").order_by("pk")
            return Response(serializers.SourceSerializer(sources, many=True).data)
        serializer = serializers.SourceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        source = services.add_source(
            claim, actor=request.user, **serializer.validated_data
        )
        return Response(
            serializers.SourceSerializer(source).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(methods=["GET"], responses={200: serializers.DraftSerializer})
    @extend_schema(
        methods=["PATCH"],
        request=serializers.DraftSerializer,
        responses={200: serializers.DraftSerializer},
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
            serializer = serializers.DraftSerializer(
                draft, data=request.data, partial=True
            )
            serializer.is_valid(raise_exception=True)
            version = expected_version(request, draft.version)
            changes = dict(serializer.validated_data)
            changes.pop("version", None)
            services.save_draft(
                draft, actor=request.user, expected_version=version, changes=changes
            )
            draft = FactCheck.objects.prefetch_related("authors").get(pk=draft.pk)
        return with_version_etag(
            Response(serializers.DraftSerializer(draft).data), draft.version
        )

    @extend_schema(
        request=serializers.CorrectionCreateSerializer,
        responses={201: serializers.CorrectionSerializer},
    )
    @action(detail=True, methods=["post"])
    def corrections(self, request, pk=None):
        """Issue a public correction on the published fact-check (editors only)."""
        claim = self.get_object()
        draft = get_object_or_404(FactCheck, claim=claim)
        serializer = serializers.CorrectionCreateSerializer(data=request.data)
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
            serializers.CorrectionSerializer(correction).data,
            status=status.HTTP_201_CREATED,
        )


class SourceViewSet(
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """One source: edited or removed only before approval."""

    serializer_class = serializers.SourceSerializer
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

    serializer_class = serializers.ArticleSerializer
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


class IntakeArticleViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Articles taken in for intake: submitted here, processed in the background."""

    permission_classes = [IntakeRole]
    lookup_value_regex = r"[0-9]+"

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.IntakeSubmitSerializer
        return serializers.IntakeArticleSerializer

    def get_queryset(self):
        return IntakeArticle.objects.defer("text").annotate(
            proposal_count=Count("proposals"),
            open_count=Count(
                "proposals", filter=Q(proposals__state=ProposalState.OPEN)
            ),
        )

    @extend_schema(
        request=serializers.IntakeSubmitSerializer,
        responses={202: serializers.IntakeArticleSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Take an article in by its link or its text; 202 while it is processed
        (a link already taken in answers with that article)."""
        serializer = serializers.IntakeSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        article = intake.submit_article(actor=request.user, **serializer.validated_data)
        article = self.get_queryset().get(pk=article.pk)
        location = reverse("intake-article-detail", args=[article.pk], request=request)
        return Response(
            serializers.IntakeArticleSerializer(article).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": location},
        )

    @extend_schema(responses={200: serializers.ProposalSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def proposals(self, request, pk=None):
        """The article's sentences, the most check-worthy first (empty until done)."""
        article = self.get_object()
        ranked = Proposal.objects.filter(article=article).ranked()
        return Response(serializers.ProposalSerializer(ranked, many=True).data)


class ProposalViewSet(viewsets.GenericViewSet):
    """One proposed sentence: made a claim, or dismissed with a reason."""

    queryset = Proposal.objects.ranked()
    permission_classes = [IntakeRole]
    lookup_value_regex = r"[0-9]+"

    def get_serializer_class(self):
        # What each action reads (OPTIONS describes it too).
        if self.action == "claim":
            return serializers.MakeClaimSerializer
        if self.action == "dismiss":
            return serializers.DismissSerializer
        return serializers.ProposalSerializer

    @extend_schema(
        request=serializers.MakeClaimSerializer,
        responses={201: serializers.ClaimSerializer},
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """Make it a claim in the queue, with its appearance in the article."""
        proposal = self.get_object()
        serializer = serializers.MakeClaimSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = intake.make_claim(
            proposal, actor=request.user, **serializer.validated_data
        )
        claim = claims_as_shown().get(pk=claim.pk)
        location = reverse("claim-detail", args=[claim.pk], request=request)
        data = serializers.ClaimSerializer(
            claim, context=self.get_serializer_context()
        ).data
        return Response(
            data, status=status.HTTP_201_CREATED, headers={"Location": location}
        )

    @extend_schema(
        request=serializers.DismissSerializer,
        responses={200: serializers.ProposalSerializer},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        """Not check-worthy, and why."""
        proposal = self.get_object()
        serializer = serializers.DismissSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        intake.dismiss(proposal, actor=request.user, **serializer.validated_data)
        proposal = self.get_queryset().get(pk=proposal.pk)
        return Response(serializers.ProposalSerializer(proposal).data)
