from django.contrib import admin
from django.urls import path

admin.site.site_header = "Fact-check desk"
admin.site.site_title = "Fact-check desk"
admin.site.index_title = "Claim queue and newsroom data"

urlpatterns = [
    path("admin/", admin.site.urls),
]
