from django.contrib import admin

from factcheck.roles import may_work_at_desk


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Fact-check desk"
    site_title = "Fact-check desk"
    index_title = "Claim queue and newsroom data"

    def has_permission(self, request) -> bool:
        """Only active staff who hold a newsroom role (or superusers) may enter:
        the same gate as the API's keys."""
        return may_work_at_desk(request.user)
