"""
The LMS's ``UserProfile`` as far as edx-proctoring reads it.
"""
from django.conf import settings
from django.db import models


class Profile(models.Model):
    """
    A user's full name, reached as ``user.profile.name``.

    .. no_pii: a test stand-in; its rows exist only in a test database.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(max_length=255)

    def __str__(self):
        return self.name
