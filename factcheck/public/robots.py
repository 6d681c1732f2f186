"""robots.txt: crawl the public pages, skip the desk and the form, find the sitemap."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from factcheck.pagecache import cached_public


def private_paths() -> list[str]:
    paths = [reverse("admin:index")]
    # A crawler that followed the form would only ever see the empty form, or post.
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths.append(reverse("submit_claim"))
    return paths


@require_safe
@cached_public
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in private_paths()]
    lines += ["", f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
