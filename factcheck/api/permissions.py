from django.utils.translation import gettext as _
from rest_framework import permissions

from factcheck.roles import desk_refusal


class NewsroomRole(permissions.BasePermission):
    """The default for every API view: the admin's own gate, then the queue.

    A key acts for its account only while that account could sign in to the admin
    (active, staff, in a role). What each person may do beyond reading is decided
    by the services, which raise NotAllowed (403) exactly as they do for the admin.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False  # DRF answers 401 and asks for a key
        refusal = desk_refusal(user)
        if refusal is None and not user.has_perm("factcheck.view_claim"):
            refusal = _("Your role does not include the claim queue.")
        if refusal is not None:
            self.message = refusal
            return False
        return True


class IntakeRole(NewsroomRole):
    """The desk's gate, then intake's own permission (fact-checkers and editors);
    deciding on a proposal is checked again by the service."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if not request.user.has_perm("factcheck.view_intakearticle"):
            self.message = _("Your role does not include claim intake.")
            return False
        return True


class Public(permissions.BasePermission):
    """Opt-in for the public endpoints: anyone may call them.

    They are read-only views (no write handlers), so any other method answers 405,
    as the contract says, rather than a 403 that would suggest a key could help.
    """

    def has_permission(self, request, view) -> bool:
        return True
