"""sitemap.xml: every published fact-check, and the pages that list them.

Locations are absolute from SITE_URL rather than from the request's host, so the
sitemap names the public site whichever host or proxy served it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from factcheck.models import Claimant, FactCheck, Tag, having_published_factchecks


class PublicSitemap(Sitemap):
    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        # A SITE_URL with a path (a site served under /factcheck) keeps it.
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc + parts.path


class FactCheckSitemap(PublicSitemap):
    """Each fact-check exists in its own language only, at one canonical URL."""

    def items(self):
        return (
            FactCheck.objects.published()
            .with_published_translation()
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, factcheck: FactCheck):
        return factcheck.updated_at

    def get_urls(self, page=1, site=None, protocol=None):
        """Each fact-check with its own and its published translation's address as
        alternates, as Django's sitemap names the alternates of an i18n sitemap."""
        urls = super().get_urls(page, site, protocol)
        base = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        for url in urls:
            factcheck = url["item"]
            translation = factcheck.published_translation_url()
            if translation:
                url["alternates"] = [
                    {"lang_code": factcheck.language, "location": url["location"]},
                    {
                        "lang_code": factcheck.translation_language,
                        "location": base + translation,
                    },
                ]
        return urls


class TranslatedSitemap(PublicSitemap):
    """Pages served under every interface language, each naming its translations."""

    i18n = True
    alternates = True
    x_default = True


class PageSitemap(TranslatedSitemap):
    # The submit form is left out: robots.txt keeps crawlers away from it.
    pages = ("home", "factcheck_list", "methodology", "corrections", "about")

    def items(self) -> tuple[str, ...]:
        return self.pages

    def location(self, name: str) -> str:
        return reverse(name)


class ClaimantSitemap(TranslatedSitemap):
    def items(self):
        return having_published_factchecks(
            Claimant.objects.all(), "claim__claimant"
        ).order_by("slug")

    def location(self, claimant: Claimant) -> str:
        return reverse("claimant_detail", kwargs={"slug": claimant.slug})


class TagSitemap(TranslatedSitemap):
    def items(self):
        return having_published_factchecks(Tag.objects.all(), "claim__tags").order_by(
            "slug"
        )

    def location(self, tag: Tag) -> str:
        return reverse("tag_detail", kwargs={"slug": tag.slug})


SITEMAPS = {
    "pages": PageSitemap,
    "factchecks": FactCheckSitemap,
    "claimants": ClaimantSitemap,
    "tags": TagSitemap,
}
