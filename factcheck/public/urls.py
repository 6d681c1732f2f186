"""The public site's addresses.

`urlpatterns` are served without a language prefix (feeds name their language in
the path, crawlers want one sitemap); `page_patterns` are the reader's pages, which
newsroom/urls.py puts under /ar/ and /en/ with i18n_patterns (Django allows that
only in the root URLconf).
"""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from factcheck.pagecache import cached_public
from factcheck.public import views
from factcheck.public.feeds import LatestAtom, LatestRss
from factcheck.public.robots import robots_txt
from factcheck.public.sitemaps import SITEMAPS
from factcheck.public.submit import submit_claim, submit_thanks

urlpatterns = [
    path("feeds/rss/", LatestRss(), name="feed_rss"),
    path("feeds/atom/", LatestAtom(), name="feed_atom"),
    path("feeds/<str:lang>/rss/", LatestRss(), name="feed_rss_lang"),
    path("feeds/<str:lang>/atom/", LatestAtom(), name="feed_atom_lang"),
    path("sitemap.xml", cached_public(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("ratings.css", views.rating_styles, name="rating_styles"),
]

page_patterns = [
    path("", views.home, name="home"),
    path("fact-checks/", views.factcheck_list, name="factcheck_list"),
    path("fact-checks/<str:slug>/", views.factcheck_detail, name="factcheck_detail"),
    path("claimants/<str:slug>/", views.claimant_detail, name="claimant_detail"),
    path("tags/<str:slug>/", views.tag_detail, name="tag_detail"),
    path("methodology/", views.methodology, name="methodology"),
    path("corrections/", views.corrections, name="corrections"),
    path("about/", views.about, name="about"),
    path("submit/", submit_claim, name="submit_claim"),
    path("submit/thanks/", submit_thanks, name="submit_thanks"),
]
