from django.contrib import admin


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Fact-check desk"
    site_title = "Fact-check desk"
    index_title = "Claim queue and newsroom data"

    def has_permission(self, request) -> bool:
        """Only staff who hold a newsroom role (or superusers) may enter.

        A staff flag alone is not a role: an account made staff by mistake sees
        nothing. The permission set is cached on the user, so this costs the
        admin pages no extra query.
        """
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and (user.is_superuser or user.get_all_permissions())
        )
