from rest_framework import permissions


class NewsroomRole(permissions.BasePermission):
    """The default for every API view: an active account holding a newsroom role.

    What each person may do beyond reading is decided by the services, which raise
    NotAllowed (403) exactly as they do for the admin.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.is_active
            and (user.is_superuser or user.has_perm("factcheck.view_claim"))
        )


class Public(permissions.BasePermission):
    """Opt-in for the public endpoints: anyone may call them.

    They are read-only views (no write handlers), so any other method answers 405,
    as the contract says, rather than a 403 that would suggest a key could help.
    """

    def has_permission(self, request, view) -> bool:
        return True
