from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from factcheck.api import newsroom_views, public_views
from factcheck.api.errors import not_found

router = DefaultRouter()
router.register(
    "factchecks", public_views.PublicFactCheckViewSet, basename="public-factcheck"
)
router.register("ratings", public_views.RatingViewSet, basename="rating")
router.register("claimants", public_views.ClaimantViewSet, basename="claimant")
router.register("claims", newsroom_views.ClaimViewSet, basename="claim")
router.register("sources", newsroom_views.SourceViewSet, basename="source")
router.register("articles", newsroom_views.ArticleViewSet, basename="article")
router.register(
    "intake/articles", newsroom_views.IntakeArticleViewSet, basename="intake-article"
)
router.register(
    "intake/proposals", newsroom_views.ProposalViewSet, basename="intake-proposal"
)

urlpatterns = [
    path(
        "v1/claimreview/",
        public_views.ClaimReviewFeedView.as_view(),
        name="claimreview-feed",
    ),
    # Before the router's factchecks/{slug}/, which would take "match" for a slug.
    path(
        "v1/factchecks/match/",
        public_views.FactCheckMatchView.as_view(),
        name="factcheck-match",
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's start-up script served from /api/docs/?script= rather than
    # inline, so it runs under the site's CSP (script-src 'self').
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    # Anything else under /api/ is a JSON 404, not the public site's HTML page.
    re_path(r"", not_found),
]
