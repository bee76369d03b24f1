"""
What the plugin's edges (the REST views and the pages) read from an HTTP request besides its body and its user (the
client's address, the course a URL names), read in one place for both.
"""
from django.http import Http404
from django.utils.translation import gettext as _
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey


def client_address(request):
    """
    The address of the client that sent ``request``, as the audit trail records it and the invigilator password
    gate counts tries by it; None when the server does not know it.

    It is ``REMOTE_ADDR``, the address the web server hands over. Behind a proxy that is the proxy's, unless the
    site puts the client's there; a proxy-aware address (edx-platform has one) would come through ``compat`` and
    change here only, for every view and page at once.
    """
    return request.META.get('REMOTE_ADDR')


def course_key_from_url(course_id, not_found=Http404):
    """
    The course key of the ``course_id`` a URL names. A malformed id raises ``not_found`` saying so (Django's
    ``Http404`` for the pages, DRF's ``NotFound`` for the REST views): the same answer as for an unknown course.
    """
    try:
        return CourseKey.from_string(course_id)
    except InvalidKeyError as error:
        raise not_found(_('{course_id} is not a valid course id.').format(course_id=course_id)) from error
