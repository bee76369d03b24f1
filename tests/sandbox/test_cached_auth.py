"""
The host's cache-backed authentication (what ``make bench`` runs, as edx-platform's LMS does): the user comes from
the cache after the first request, and a password change or a deleted user ends the cached session.
"""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sandbox.settings.common import MIDDLEWARE

CACHED = override_settings(
    SESSION_ENGINE='django.contrib.sessions.backends.cache',
    MIDDLEWARE=['sandbox.host.cached_auth.CacheBackedAuthenticationMiddleware'
                if entry == 'django.contrib.auth.middleware.AuthenticationMiddleware' else entry
                for entry in MIDDLEWARE],
)


@pytest.fixture
def logged_in(demo):
    cache.clear()
    with CACHED:
        client = Client()
        client.force_login(demo.verified_learner)
        yield client
    cache.clear()


def _requests_page(client, demo):
    return client.get(reverse('offline_delivery_plugin:exam-requests',
                              kwargs={'course_id': str(demo.course_key), 'content_id': demo.final_exam_id}))


def _user_reads(queries):
    # Whatever the backend quotes names with ("auth_user" on SQLite, `auth_user` on MariaDB).
    unquoted = (re.sub(r'["`]', '', query['sql']) for query in queries.captured_queries)
    return [sql for sql in unquoted if 'FROM auth_user' in sql and 'auth_user.password' in sql]


def test_the_user_is_read_once_then_from_the_cache(logged_in, demo):
    # The page itself reads users (the attempt's learner); the request's own user is read on the first request only.
    with CaptureQueriesContext(connection) as first:
        assert _requests_page(logged_in, demo).status_code == 200
    with CaptureQueriesContext(connection) as second:
        response = _requests_page(logged_in, demo)
    assert response.status_code == 200
    assert response.wsgi_request.user == demo.verified_learner
    assert len(_user_reads(second)) == len(_user_reads(first)) - 1


def test_a_password_change_ends_the_session(logged_in, demo):
    assert _requests_page(logged_in, demo).status_code == 200
    learner = get_user_model().objects.get(pk=demo.verified_learner.pk)
    learner.set_password('a new password 123')
    learner.save()
    response = _requests_page(logged_in, demo)
    assert not response.wsgi_request.user.is_authenticated


def test_a_stale_cached_user_with_another_password_is_refused(logged_in, demo):
    assert _requests_page(logged_in, demo).status_code == 200
    learner = get_user_model().objects.get(pk=demo.verified_learner.pk)
    learner.set_password('changed elsewhere 456')
    cache.set(f'host.user.{learner.pk}', learner)  # a cache that missed the change signal
    response = _requests_page(logged_in, demo)
    assert not response.wsgi_request.user.is_authenticated
