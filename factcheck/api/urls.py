from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from factcheck.api import views

router = DefaultRouter()
router.register("factchecks", views.PublicFactCheckViewSet, basename="public-factcheck")
router.register("ratings", views.RatingViewSet, basename="rating")
router.register("claimants", views.ClaimantViewSet, basename="claimant")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("sources", views.SourceViewSet, basename="source")
router.register("articles", views.ArticleViewSet, basename="article")

urlpatterns = [
    path(
        "v1/claimreview/",
        views.ClaimReviewFeedView.as_view(),
        name="claimreview-feed",
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
    re_path(r"", views.not_found),
]
