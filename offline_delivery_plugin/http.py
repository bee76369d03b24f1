"""
What the plugin's edges (the REST views and the pages) read from an HTTP request besides its body and its user (the
client's address, the course a URL names), read in one place for both.
"""
from django.http import Http404
from django.utils.translation import gettext as _
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from offline_delivery_plugin.data import SafeExamBrowserKeys


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


#: The headers the candidate page relays SEB's JavaScript API values in (``SafeExamBrowser.security``), with the
#: URL SEB hashed them with: SEB for iOS sends no key headers, nor does SEB for Windows on a frame's requests to
#: another host than the top page's (the learning MFE's unit frame). ``safe_exam_browser`` checks both kinds.
SEB_PAGE_URL_HEADER = 'HTTP_X_OFFLINE_DELIVERY_SEB_PAGE_URL'
SEB_PAGE_CONFIG_KEY_HEADER = 'HTTP_X_OFFLINE_DELIVERY_SEB_CONFIG_KEY_HASH'
SEB_PAGE_BROWSER_EXAM_KEY_HEADER = 'HTTP_X_OFFLINE_DELIVERY_SEB_BROWSER_EXAM_KEY_HASH'


def safe_exam_browser_keys(request):
    """
    What ``request`` shows of Safe Exam Browser: its absolute URL (as SEB hashed it: the site must see the scheme
    and host the browser used, ``SECURE_PROXY_SSL_HEADER`` behind a TLS proxy), SEB's own headers
    ``X-SafeExamBrowser-ConfigKeyHash`` and ``X-SafeExamBrowser-RequestHash``, and the page's relayed JS API values.
    Each value is cut to what a hash or URL can be: a longer one is simply not valid.
    """
    meta = request.META

    def header(name, limit=64):
        return meta.get(name, '')[:limit + 1].strip()

    return SafeExamBrowserKeys(
        url=request.build_absolute_uri(),
        config_key_hash=header('HTTP_X_SAFEEXAMBROWSER_CONFIGKEYHASH'),
        request_hash=header('HTTP_X_SAFEEXAMBROWSER_REQUESTHASH'),
        page_url=header(SEB_PAGE_URL_HEADER, limit=2000),
        page_config_key_hash=header(SEB_PAGE_CONFIG_KEY_HEADER),
        page_browser_exam_key_hash=header(SEB_PAGE_BROWSER_EXAM_KEY_HEADER),
    )
