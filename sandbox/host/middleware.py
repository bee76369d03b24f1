"""
The host's language middleware: a signed-in user's pages come in the language of their account preference
(``pref-lang``), as in the LMS; without one, the browser's Accept-Language decides (Django's LocaleMiddleware).
Like the LMS (which keeps the preference in a cookie), it reads the preference once per session, not per request.
"""
import contextlib

from django.conf import settings
from django.db import DatabaseError
from django.utils import translation

from sandbox.host import edxapp_backend

LANGUAGES = {code for code, _name in settings.LANGUAGES}
SESSION_KEY = 'host.pref-lang'


def remember_language(request, language):
    """Keep the preference for the rest of the session (the language view calls this when it changes)."""
    request.session[SESSION_KEY] = language or ''


class LanguagePreferenceMiddleware:
    """After authentication: activate the user's preferred language for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # With the database unreachable the browser's language serves, and the view answers for the outage itself
        # (the plugin's API with a 503), rather than this middleware with a 500.
        with contextlib.suppress(DatabaseError):
            self._activate_preference(request)
        return self.get_response(request)

    @staticmethod
    def _activate_preference(request):
        user = getattr(request, 'user', None)
        if user is None or not user.is_authenticated:
            return
        if SESSION_KEY not in request.session:
            remember_language(request, edxapp_backend.get_user_language(user))
        language = request.session[SESSION_KEY]
        if language in LANGUAGES:
            translation.activate(language)
            request.LANGUAGE_CODE = language
