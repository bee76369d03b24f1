"""
The one place REST API v1 turns an error into an answer (as edx-proctoring's REST layer answers its own exceptions).

Every plugin error (``offline_delivery_plugin.exceptions``) carries its message for the user, its HTTP status and,
when it has one, its reason: so the answer is the error's own, with no map of classes to statuses here and no view
catching an error only to pick its status. Two errors from below the plugin get a clear answer too: a database that
cannot be reached (503) and a body over Django's size limit (413). Anything else is DRF's to answer, as before.
"""
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.utils import InterfaceError, OperationalError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from offline_delivery_plugin.exceptions import OfflineDeliveryError

log = logging.getLogger(__name__)

#: How long a client is asked to wait before trying again when the database cannot be reached: the candidate page's
#: default autosave interval, on which it sends again anyway.
DATABASE_RETRY_AFTER_SECONDS = 15


def plugin_exception_handler(exc, context):
    """
    DRF's exception handler for the plugin's views (their ``get_exception_handler`` names it); ``context['view']``
    is the view that raised ``exc``, and says the 503's words in its ``database_unavailable_message()``.

    - A plugin error answers ``{"detail": user_message}`` with its ``http_status``, plus ``"reason"`` when the error
      has one (a refused file's, a reopened attempt's), for the page and for programs, and ``"seb_link"`` when
      the exam requires Safe Exam Browser and the request showed none of its keys.
    - A database that cannot be reached (connection refused or cut, server gone away) answers 503 with a
      ``Retry-After``, in the view's words: it is passing, and nothing was stored. This covers the session's user
      and the permission checks too, as DRF runs them inside the view.
    - A body over Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` answers 413 saying so (Django's own answer is a bare 400
      page).

    Unlike DRF's own handler, these answers do not mark the request's transaction for rollback: a refusal the domain
    has audited stays audited. Anything else goes to the site's DRF exception handler, as before.
    """
    if isinstance(exc, RequestDataTooBig):
        return Response({'detail': _('The request is larger than the {limit} bytes this server reads.').format(
            limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, (OperationalError, InterfaceError)):
        log.warning('Answered 503: the database cannot be reached (%s).', exc)
        return Response({'detail': context['view'].database_unavailable_message()},
                        status=status.HTTP_503_SERVICE_UNAVAILABLE,
                        headers={'Retry-After': str(DATABASE_RETRY_AFTER_SECONDS)})
    if isinstance(exc, OfflineDeliveryError):
        body = {'detail': exc.user_message}
        if exc.reason:
            body['reason'] = exc.reason
        if getattr(exc, 'seb_link', ''):
            body['seb_link'] = exc.seb_link
        return Response(body, status=exc.http_status)
    return api_settings.EXCEPTION_HANDLER(exc, context)

