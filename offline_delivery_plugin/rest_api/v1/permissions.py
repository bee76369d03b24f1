"""
DRF permission classes: each checks one ``offline_delivery_plugin.rules`` permission against the URL's course.
"""
import rules
from rest_framework.permissions import BasePermission


class HasCoursePermission(BasePermission):
    """
    Grants access when the user has the view's ``permission_required`` for the course named in the URL.

    The view must define ``permission_required`` and ``course_key`` (see ``CourseViewMixin``); a view that forgets
    ``permission_required`` is refused to everybody rather than opened to everybody.
    """

    def has_permission(self, request, view):
        permission = getattr(view, 'permission_required', None)
        if not permission:
            return False
        return rules.has_perm(permission, request.user, view.course_key)


class HasAttemptPermission(BasePermission):
    """
    Grants access when the user has the view's ``permission_required`` for the attempt named in the URL
    (``attempt_id``). As with ``HasCoursePermission``, no rule means no access.
    """

    def has_permission(self, request, view):
        permission = getattr(view, 'permission_required', None)
        if not permission:
            return False
        return rules.has_perm(permission, request.user, view.kwargs.get('attempt_id'))
