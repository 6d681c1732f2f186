from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from factcheck.public.urls import page_patterns


def favicon(request):
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    return HttpResponsePermanentRedirect(static("factcheck/favicon.svg"))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("factcheck.api.urls")),
    path("favicon.ico", favicon),
    path("", include("factcheck.public.urls")),
    # "/" itself matches nothing: LocaleMiddleware redirects it to /ar/ or /en/,
    # by the reader's cookie or Accept-Language.
    *i18n_patterns(path("", include(page_patterns))),
]

handler404 = "factcheck.public.views.page_not_found"
