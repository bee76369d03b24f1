"""
The host's cache-backed authentication, as edx-platform's LMS runs it (its CacheBackedAuthenticationMiddleware,
with sessions in the cache): a request's user comes from the cache and from the database only when the cache has
not got it. The sandbox's own settings keep Django's middleware; ``make bench`` uses this one, so the autosave
figures are taken on the request path a real LMS has.
"""
from django.contrib import auth
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

USER_CACHE_SECONDS = 300


def _cache_key(user_id):
    return f'host.user.{user_id}'


def _user(request):
    user_id = request.session.get(SESSION_KEY)
    if user_id is None:
        return AnonymousUser()
    user = cache.get(_cache_key(user_id))
    if user is None:
        user = auth.get_user(request)  # Django's own path: backend, session hash, flush on mismatch
        if user.is_authenticated:
            cache.set(_cache_key(user_id), user, USER_CACHE_SECONDS)
        return user
    session_hash = request.session.get(HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        request.session.flush()  # the password changed since this session logged in
        return AnonymousUser()
    return user


class CacheBackedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's authentication middleware with the user read through the cache."""

    def process_request(self, request):
        request.user = SimpleLazyObject(lambda: _user(request))


@receiver(post_save, sender=get_user_model())
@receiver(post_delete, sender=get_user_model())
def _forget_user(sender, instance, **kwargs):  # pylint: disable=unused-argument
    cache.delete(_cache_key(instance.pk))
